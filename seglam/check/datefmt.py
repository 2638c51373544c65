"""The strftime directives Seglam writes for a date, the same on every host (SPEC section 9):
one table, read by the checker (a literal format with any other directive is E-DATE-FORMAT)
and by the run time (``seglam.run.datefmt`` writes them; a computed format with any other
directive is F-VALUE). It lives in the checker's stage so both can import it.

CPython hands the format to the C library's ``strftime``, whose answer depends on the host:
``%s`` is the seconds since the epoch of local midnight (the host's time zone), ``%c``,
``%x``, ``%X`` and ``%p`` follow the locale, and the glibc extensions (``%e``, ``%F``,
``%-d``, ...) do not exist elsewhere. Found by a red-team run (H-11).
"""

from __future__ import annotations

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")

#: Directives that depend on the host (time zone, locale) or that a date cannot answer.
HOST_DEPENDENT = frozenset("cxXszZ")

#: What each portable directive writes for a date (a date has no time: midnight).
DIRECTIVES = {
    "Y": lambda d: str(d.year),  # as glibc: not padded below year 1000
    "m": lambda d: f"{d.month:02d}",
    "d": lambda d: f"{d.day:02d}",
    "y": lambda d: f"{d.year % 100:02d}",
    "a": lambda d: DAYS[d.weekday()][:3],
    "A": lambda d: DAYS[d.weekday()],
    "b": lambda d: MONTHS[d.month - 1][:3],
    "B": lambda d: MONTHS[d.month - 1],
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

#: The portable directives as SPEC section 9 lists them, for messages and hints.
PORTABLE = " ".join(f"%{c}" for c in sorted(DIRECTIVES, key=lambda c: (c == "%", c.lower(), c.isupper())))

LONE_PERCENT = "strftime format ends with a lone '%'"


def unavailable(c: str) -> str:
    """Why directive ``%c`` is refused."""
    why = ("it depends on the host's time zone or locale" if c in HOST_DEPENDENT
           else "it is not one of the portable directives")
    return f"strftime directive '%{c}' is not available: {why}"


def format_problem(fmt: str) -> str | None:
    """Why ``fmt`` cannot be written for a date (its first directive that is not portable, or
    a lone ``%`` at its end); None when every directive is portable."""
    i = fmt.find("%")
    while i >= 0:
        if i + 1 == len(fmt):
            return LONE_PERCENT
        if fmt[i + 1] not in DIRECTIVES:
            return unavailable(fmt[i + 1])
        i = fmt.find("%", i + 2)
    return None


#: A portable spelling of the host-dependent or extension directives people reach for most.
_INSTEAD = {"F": "`%Y-%m-%d`", "D": "`%m/%d/%y`", "x": "`%m/%d/%y`", "c": "`%a %b %d %H:%M:%S %Y`",
            "e": "`%d`", "T": "`%H:%M:%S`", "R": "`%H:%M`", "h": "`%b`", "s": "`(d - date(1970, 1, 1)).days * 86400`",
            "-": "`str(d.day)` (or `.month`) outside the format"}


def check_literal(report, fmt: str, span) -> None:
    """E-DATE-FORMAT at ``span`` when the literal date format ``fmt`` cannot be written the
    same on every host (the run time would fault with F-VALUE on every call)."""
    problem = format_problem(fmt)
    if problem is None:
        return
    bad = next((fmt[i + 1] for i in range(len(fmt) - 1) if fmt[i] == "%" and fmt[i + 1] not in DIRECTIVES), None)
    instead = f"instead of `%{bad}`, write {_INSTEAD[bad]}; " if bad in _INSTEAD else ""
    report.error("E-DATE-FORMAT", problem, span,
                 f"{instead}Seglam writes only the directives that are the same on every host: {PORTABLE} "
                 f"(a literal `%` is `%%`)")
