"""``date.strftime(fmt)`` and ``f"{d:fmt}"`` written out by Seglam itself, the same on every host.

CPython hands the format to the C library's ``strftime``, whose answer depends on the host:
``%s`` is the seconds since the epoch of local midnight (the host's time zone: a cached
program answered 1577836800 under TZ=UTC and 1577854800 in New York), ``%c``, ``%x``, ``%X``
and ``%p`` follow the locale, and the glibc extensions (``%e``, ``%F``, ``%-d``, ...) do not
exist elsewhere. Seglam writes the portable directives itself, with the C locale's English
names, and refuses every other one with F-VALUE (SPEC section 9). Found by a red-team run (H-11).
"""

from __future__ import annotations

import datetime

from seglam.run.faults import Fault

_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")

#: Directives that depend on the host (time zone, locale) or that a date cannot answer.
_HOST_DEPENDENT = frozenset("cxXszZ")


def _directive(d: datetime.date, c: str) -> str | None:
    if c == "Y":
        return str(d.year)  # as glibc: not padded below year 1000
    if c == "m":
        return f"{d.month:02d}"
    if c == "d":
        return f"{d.day:02d}"
    if c == "y":
        return f"{d.year % 100:02d}"
    if c == "a":
        return _DAYS[d.weekday()][:3]
    if c == "A":
        return _DAYS[d.weekday()]
    if c == "b":
        return _MONTHS[d.month - 1][:3]
    if c == "B":
        return _MONTHS[d.month - 1]
    if c == "w":
        return str((d.weekday() + 1) % 7)
    if c == "u":
        return str(d.isoweekday())
    if c == "j":
        return f"{d.timetuple().tm_yday:03d}"
    if c == "U":
        return f"{(d.timetuple().tm_yday + 6 - (d.weekday() + 1) % 7) // 7:02d}"
    if c == "W":
        return f"{(d.timetuple().tm_yday + 6 - d.weekday()) // 7:02d}"
    if c == "G":
        return str(d.isocalendar()[0])
    if c == "V":
        return f"{d.isocalendar()[1]:02d}"
    if c in "HMS":
        return "00"
    if c == "I":
        return "12"
    if c == "p":
        return "AM"
    if c == "f":
        return "000000"
    if c == "%":
        return "%"
    return None


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
            raise Fault("F-VALUE", "strftime format ends with a lone '%'")
        c = fmt[j + 1]
        piece = _directive(d, c)
        if piece is None:
            why = ("it depends on the host's time zone or locale" if c in _HOST_DEPENDENT
                   else "it is not one of the portable directives")
            raise Fault("F-VALUE", f"strftime directive '%{c}' is not available: {why} (SPEC section 9 lists "
                                   f"the directives: %a %A %b %B %d %f %G %H %I %j %m %M %p %S %u %U %V %w %W %y %Y %%)")
        out.append(piece)
        total += len(piece)
        if total > max_len:
            raise Fault("F-STR-SIZE", f"string too long: {total} characters, the limit is {max_len}")
        i = j + 2
    if total > max_len:
        raise Fault("F-STR-SIZE", f"string too long: {total} characters, the limit is {max_len}")
    return "".join(out)
