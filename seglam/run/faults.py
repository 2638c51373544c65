"""Run-time faults: the only way a Seglam run ends without a value.

A fault is deterministic: the same program on the same input gives the same fault code on
every machine and every backend. Codes are stable; SPEC.md lists them.
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam.syntax.span import Span

#: Stable fault codes, with a one-line meaning (SPEC.md, "Faults").
FAULT_CODES: dict[str, str] = {
    "F-ZERO-DIV": "division or modulo by zero",
    "F-INDEX": "index out of range",
    "F-KEY": "key not found in dict",
    "F-VALUE": "a function got a value outside its domain (empty max, bad int() text, ...)",
    "F-OVERFLOW": "float overflow or an int too large to convert to float",
    "F-ASSERT": "an assert statement failed",
    "F-REQUIRES": "a precondition (@requires) failed",
    "F-ENSURES": "a postcondition (@ensures) failed",
    "F-NONE": "a None value was used where a value was required",
    "F-FROZEN": "mutation of a frozen value (an argument or a module constant)",
    "F-MUTATION": "a collection changed size while it was being iterated",
    "F-REGEX": "a regular expression built at run time is invalid",
    "F-FUEL": "the step budget (fuel) ran out",
    "F-DEPTH": "the call depth limit was reached",
    "F-INT-SIZE": "an integer grew past the size limit",
    "F-STR-SIZE": "a string grew past the length limit",
    "F-COLLECTION-SIZE": "a list, dict, set or tuple grew past the size limit",
    "F-INTERNAL": "an internal error in Seglam: please report it; the program is not at fault",
}


@dataclass(frozen=True)
class Frame:
    """One Seglam call in a fault's call trace (outermost first)."""

    function: str
    span: Span | None


class Fault(Exception):
    """A Seglam run ended with a fault.

    Attributes: ``code`` (stable, e.g. ``F-ZERO-DIV``), ``message``, ``span`` (where in the
    source), ``trace`` (the Seglam call stack, outermost first) and ``filename``.
    """

    def __init__(
        self,
        code: str,
        message: str,
        span: Span | None = None,
        trace: tuple[Frame, ...] = (),
        filename: str = "<input>",
    ) -> None:
        if code not in FAULT_CODES:
            raise ValueError(f"unknown fault code {code!r}")
        super().__init__(code, message)
        self.code = code
        self.message = message
        self.span = span
        self.trace = trace
        self.filename = filename

    def __str__(self) -> str:
        where = f"{self.filename}:{self.span.line}:{self.span.col}: " if self.span else ""
        return f"{where}{self.code}: {self.message}"

    def __reduce__(self):  # picklable across processes (the verifier runs in a subprocess)
        return (Fault, (self.code, self.message, self.span, self.trace, self.filename))

    def located(self, span: Span | None, trace: tuple[Frame, ...], filename: str) -> "Fault":
        """The same fault with its source position filled in (first position wins)."""
        return Fault(self.code, self.message, self.span or span, self.trace or trace, filename)

    def to_json(self) -> dict:
        return {
            "code": self.code,
            "message": self.message,
            "file": self.filename,
            "span": self.span.to_json() if self.span else None,
            "trace": [
                {"function": f.function, "span": f.span.to_json() if f.span else None}
                for f in self.trace
            ],
        }


# ---- None where a value was required -------------------------------------------------------------
# A value typed `str` can be None at run time only as a regex group that took no part in the
# match (SPEC section 9). The backends reach such a None through different operations (a
# method called natively or dispatched, an operator inline or in the stdlib), whose Python
# messages differ, so each backend words the fault with these two.


def none_attribute(name: str) -> Fault:
    """F-NONE for ``value.name`` or ``value.name(...)`` (or ``str.name(value)``) where the
    value is None: the message names the attribute, as CPython's AttributeError does."""
    return Fault("F-NONE", f"None has no attribute {name!r}")


def none_used() -> Fault:
    """F-NONE for any other use of None (an operand, an argument, an item, an iterable)."""
    return Fault("F-NONE", FAULT_CODES["F-NONE"])
