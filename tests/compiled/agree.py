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


def disagreements_at_every_depth_and_budget(source: str, args: tuple, depths: range, function: str = "main") -> list[str]:
    """Where the backends disagree on ``function(*args)``: at each depth limit in
    ``depths``, every fuel budget from 0 to one past what the reference needs."""
    bad = []
    for depth in depths:
        need = outcomes(source, function, args, Limits(max_depth=depth))[1]
        fuel_needed = need[2] if need[0] == "value" else 200
        for fuel in range(fuel_needed + 2):
            got = outcomes(source, function, args, Limits(max_depth=depth, fuel=fuel))
            if got[0] != got[1]:
                bad.append(f"depth {depth} fuel {fuel}: compiled {got[0]} reference {got[1]}")
    return bad


def run_outcome(prog: seglam.Program, args: tuple, fuel: int, backend: str) -> tuple:
    """``main(*args)`` of ``prog`` on ``backend`` with ``fuel``: ``("value", value,
    fuel_used)`` or ``("fault", code, span)``."""
    try:
        result = prog.run("main", args, limits=Limits(fuel=fuel), backend=backend)
        return ("value", result.value, result.fuel_used)
    except Fault as fault:
        return ("fault", fault.code, fault.span)

