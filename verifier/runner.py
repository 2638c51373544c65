"""Run a program's functions on neutral inputs and classify the outcome.

The verifier never trusts a solver's or a generator's idea of what a program does: every
counterexample is replayed here, on the real interpreter (``Program.run`` under fuel).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from typing import Any

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.run.values import program_classes
from seglam.syntax.span import Span
from seglam.verifier.values import EnumLit, RecordLit, render
from seglam.verifier.view import ModuleView


@dataclass(frozen=True)
class Outcome:
    """A run's result: a value, or a fault (code, message, span, trace of function names)."""

    value: Any = None
    fault: str | None = None
    message: str = ""
    span: Span | None = None
    trace: tuple[str, ...] = ()
    call_lines: tuple[int, ...] = ()  # source lines of the calls on the fault's trace
    call_spans: tuple[Span, ...] = ()
    #: The fault is a failed assert of a callee's precondition prelude (SPEC §8): like a
    #: failed ``@requires``, it is the caller's doing.
    in_callee_prelude: bool = False

    def lines(self) -> tuple[int, ...]:
        """Every source line the fault can be attributed to: where it happened, and the calls
        that led there."""
        return ((self.span.line,) if self.span else ()) + self.call_lines

    def site(self) -> Span | None:
        """The operation that faulted: for a callee's failed precondition (``@requires`` or
        an assert of its prelude) the call whose callee refused its arguments (the innermost
        call), else where the fault happened."""
        if (self.fault == "F-REQUIRES" or self.in_callee_prelude) and self.call_spans:
            return self.call_spans[-1]
        return self.span

    @property
    def ok(self) -> bool:
        return self.fault is None


def _from_fault(f: Fault) -> Outcome:
    return Outcome(
        None, f.code, f.message, f.span, tuple(fr.function for fr in f.trace),
        tuple(fr.span.line for fr in f.trace[1:] if fr.span is not None),
        tuple(fr.span for fr in f.trace[1:] if fr.span is not None),
    )


class ProgramRunner:
    """Runs a :class:`seglam.Program` (the compiled backend by default) under ``limits``."""

    def __init__(self, program, view: ModuleView, limits=None, backend: str = "compiled") -> None:
        self.program = program
        self.view = view
        self.limits = limits or Limits(fuel=200_000, max_depth=100, max_int_bits=4096, max_str_len=100_000, max_collection_len=100_000)
        self.backend = backend

    def host(self, v: Any) -> Any:
        """A neutral value as a host value: records and enum members as the program's own."""
        if isinstance(v, RecordLit):
            return self._classes().records[v.name](**{k: self.host(x) for k, x in v.fields})
        if isinstance(v, EnumLit):
            return self._classes().enums[v.name][v.member]
        if isinstance(v, list):
            return [self.host(x) for x in v]
        if isinstance(v, tuple):
            return tuple(self.host(x) for x in v)
        if isinstance(v, dict):
            return {self.host(k): self.host(x) for k, x in v.items()}
        if isinstance(v, (set, frozenset)):
            return {self.host(x) for x in v}
        return v

    def _classes(self):
        return program_classes(self.program.checked)

    def _run(self, function: str, kwargs: dict):
        return self.program.run(function, (), kwargs, limits=self.limits, backend=self.backend).value

    def call(self, function: str, args: dict[str, Any]) -> Outcome:
        try:
            kwargs = {k: self.host(v) for k, v in args.items()}
            value = self._run(function, kwargs)
        except Fault as f:
            return self._charged(_from_fault(f))
        except (TypeError, ValueError) as e:  # an input the converter rejects: not a program fault
            return Outcome(None, "X-INPUT", str(e))
        except Exception as e:  # noqa: BLE001 - an interpreter bug must not end the verification
            return Outcome(None, "X-ERROR", f"{type(e).__name__}: {e}")
        return Outcome(value)

    def _charged(self, out: Outcome) -> Outcome:
        """Mark a failed assert of a callee's prelude, so the call that broke it is charged."""
        if out.fault != "F-ASSERT" or len(out.trace) < 2 or out.span is None:
            return out
        fv = self.view.functions.get(out.trace[-1])
        line = out.span.line
        if fv is not None and any(a.span.line <= line <= a.span.end_line for a in fv.leading_asserts):
            return replace(out, in_callee_prelude=True)
        return out

    def eval(self, expr) -> Outcome:
        try:
            result = self.program.eval_expr(expr, limits=self.limits, backend=self.backend)
        except Fault as f:
            return _from_fault(f)
        except Exception as e:  # noqa: BLE001 - an interpreter bug must not end the verification
            return Outcome(None, "X-ERROR", f"{type(e).__name__}: {e}")
        return Outcome(result.value)


def shown(out: Outcome) -> str:
    """A run's outcome as a report shows it: the value as Seglam source, or the fault."""
    if out.ok:
        return render(out.value)
    return f"fault {out.fault}: {out.message}"


def enum_names(v: Any) -> Any:
    """Runtime values with enum members shown as ``EnumLit`` (for rendering and JSON)."""
    if isinstance(v, enum.Enum):
        return EnumLit(type(v).__name__, v.name)
    return v


__all__ = ["Outcome", "ProgramRunner", "shown"]
