"""What the golden tests of the passes (tests/compiled/test_pass_*.py) share: Python text
normalised the way ``ast.unparse`` writes it, and the agreement of both backends at every
fuel budget (same value and fuel, or ``F-FUEL`` at the same span)."""

from __future__ import annotations

import ast as py
import textwrap

from seglam.run.faults import Fault
from seglam.run.limits import Limits


def normalised(source: str) -> str:
    return py.unparse(py.parse(textwrap.dedent(source)))


def disagreements_at_every_budget(program, function: str, args: tuple) -> list[int]:
    """The fuel budgets (0 to what the run needs) at which the backends disagree."""
    total = program.run(function, args, backend="reference").fuel_used
    bad = [] if program.run(function, args, backend="compiled").fuel_used == total else [-1]
    for fuel in range(total + 1):
        outcomes = []
        for backend in ("compiled", "reference"):
            try:
                result = program.run(function, args, backend=backend, limits=Limits(fuel=fuel))
                outcomes.append(("value", result.value, result.fuel_used))
            except Fault as fault:
                outcomes.append(("fault", fault.code, fault.span))
        if outcomes[0] != outcomes[1]:
            bad.append(fuel)
    return bad
