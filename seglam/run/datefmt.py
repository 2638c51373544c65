"""``date.strftime(fmt)`` and ``f"{d:fmt}"`` written out by Seglam itself, the same on every host.

The directives and what each writes are one table, ``seglam.check.datefmt`` (the checker
rejects a literal format with any other directive, E-DATE-FORMAT); here a computed format
with any other directive, or a lone ``%`` at its end, faults with F-VALUE (SPEC section 9).
Found by a red-team run (H-11).
"""

from __future__ import annotations

import datetime

from seglam.check.datefmt import DIRECTIVES, LONE_PERCENT, PORTABLE, unavailable
from seglam.run.faults import Fault


def strftime(d: datetime.date, fmt: str, max_len: int) -> str:
    """``d.strftime(fmt)`` for the portable directives; F-VALUE for any other directive, and
    F-STR-SIZE as soon as the text would pass ``max_len`` (before it is joined)."""
    out: list[str] = []
    total = 0
    i, n = 0, len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            j = n
        if j > i:
            out.append(fmt[i:j])
            total += j - i
        if j == n:
            break
        if j + 1 == n:
            raise Fault("F-VALUE", LONE_PERCENT)
        write = DIRECTIVES.get(fmt[j + 1])
        if write is None:
            raise Fault("F-VALUE", f"{unavailable(fmt[j + 1])} (SPEC section 9 lists the directives: {PORTABLE})")
        piece = write(d)
        out.append(piece)
        total += len(piece)
        if total > max_len:
            raise Fault("F-STR-SIZE", f"string too long: {total} characters, the limit is {max_len}")
        i = j + 2
    if total > max_len:
        raise Fault("F-STR-SIZE", f"string too long: {total} characters, the limit is {max_len}")
    return "".join(out)
