"""What the tests of single code-generation rules share: the outcome of one call on each
backend (value and fuel, or the fault's code and span), to compare."""

from __future__ import annotations

import functools

import seglam
from seglam.run.faults import Fault
from seglam.run.limits import Limits


@functools.lru_cache(maxsize=64)
def _compiled(source: str) -> seglam.Program:
    """One compile per source: the property tests call :func:`outcomes` on the same program
    for every example, and a compile costs a hundred times a run (a Program keeps nothing
    from one run to the next)."""
    return seglam.compile(source)


def outcomes(source: str, function: str, args: tuple, limits: Limits, messages: bool = False) -> list[tuple]:
    """``[compiled outcome, reference outcome]`` of ``function(*args)`` under ``limits``; a
    fault's message only with ``messages`` (the backends word some faults differently)."""
    out = []
    prog = _compiled(source)
    for backend in ("compiled", "reference"):
        try:
            result = prog.run(function, args, limits=limits, backend=backend)
            out.append(("value", result.value, result.fuel_used))
        except Fault as fault:
            out.append(("fault", fault.code, fault.span) + ((fault.message,) if messages else ()))
    return out
