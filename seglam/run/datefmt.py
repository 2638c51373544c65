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


#: What each portable directive writes for a date (a date has no time: midnight).
_DIRECTIVES = {
    "Y": lambda d: str(d.year),  # as glibc: not padded below year 1000
    "m": lambda d: f"{d.month:02d}",
    "d": lambda d: f"{d.day:02d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "a": lambda d: _DAYS[d.weekday()][:3],
    "A": lambda d: _DAYS[d.weekday()],
    "b": lambda d: _MONTHS[d.month - 1][:3],
    "B": lambda d: _MONTHS[d.month - 1],
    "w": lambda d: str((d.weekday() + 1) % 7),
    "u": lambda d: str(d.isoweekday()),
    "j": lambda d: f"{d.timetuple().tm_yday:03d}",
    "U": lambda d: f"{(d.timetuple().tm_yday + 6 - (d.weekday() + 1) % 7) // 7:02d}",
    "W": lambda d: f"{(d.timetuple().tm_yday + 6 - d.weekday()) // 7:02d}",
    "G": lambda d: str(d.isocalendar()[0]),
    "V": lambda d: f"{d.isocalendar()[1]:02d}",
    "H": lambda d: "00",
    "M": lambda d: "00",
    "S": lambda d: "00",
    "I": lambda d: "12",
    "p": lambda d: "AM",
    "f": lambda d: "000000",
    "%": lambda d: "%",
}


def _directive(d: datetime.date, c: str) -> str | None:
    """What directive ``c`` writes for ``d``, or None when it is not a portable one."""
    write = _DIRECTIVES.get(c)
    return None if write is None else write(d)


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
