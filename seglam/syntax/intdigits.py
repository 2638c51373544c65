"""Decimal text <-> int without CPython's 4300-digit limit on ``int(str)`` / ``str(int)``.

Seglam ints go up to 65,536 bits (about 19,729 digits), past CPython's default limit, and
the limit is process-wide state that a library must not change. The conversions go
through :class:`decimal.Decimal`, whose constructor and ``int()`` are exact and unlimited.
Both are bounded by ``max_digits`` so a hostile input cannot cost more than the language
allows.
"""

from __future__ import annotations

import re
from decimal import Decimal

#: Digits of the largest Seglam int (2**65536 - 1 has 19,729 digits), plus one to spare.
MAX_INT_DIGITS = 19_730
_DIGITS = re.compile(r"[+-]?[0-9]+\Z")
NATIVE_LIMIT = 10**4000  # ints below this convert natively: under CPython's 4300-digit limit, with room


class IntTextError(ValueError):
    """The text is not a decimal integer, or has more digits than allowed."""


def int_from_text(text: str, *, max_digits: int = MAX_INT_DIGITS) -> int:
    """``int(text)`` for ``[+-]?[0-9]+`` of any length up to ``max_digits`` digits."""
    if not _DIGITS.match(text):
        raise IntTextError(f"not a decimal integer: {text[:40]!r}")
    if len(text) < 4000 and len(text) <= max_digits:  # CPython's own conversion: fine (and fastest) here
        return int(text)
    digits = len(text.lstrip("+-").lstrip("0"))
    if digits > max_digits:
        raise IntTextError(f"integer has {digits} digits; at most {max_digits} are accepted")
    return int(Decimal(text))


def int_to_text(value: int) -> str:
    """``str(value)`` for an int of any size."""
    if -NATIVE_LIMIT < value < NATIVE_LIMIT:
        return str(value)
    return str(Decimal(value))
