"""What the golden tests of the passes (tests/compiled/test_pass_*.py) share: Python text
normalised the way ``ast.unparse`` writes it, and the agreement of both backends at every
fuel budget (same value and fuel, or ``F-FUEL`` at the same span), and the names and facts
the golden tests give the passes."""

from __future__ import annotations

import ast as py
import textwrap

from seglam.run.codegen.facts import Facts
from seglam.run.codegen.passes.sized import Natives
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


#: Global names the golden tests give the natives the sized-loop passes call.
NATIVES = Natives(sized_len="g_sized_len", len="g_len", range="g_range", reversed="g_reversed", iter="g_iter",
                  prespent="g_prespent", join_rest="g_join_rest", resumed="g_resumed")


def grown_checks_stated(tree: py.AST, facts: Facts) -> None:
    """State each ``if g_len(name) > h_clim: ...`` of ``tree`` as the cap check of ``name``,
    as the lowering does after ``name.append(v)``."""
    for node in py.walk(tree):
        if isinstance(node, py.If) and isinstance(node.test, py.Compare) and isinstance(node.test.left, py.Call) \
                and isinstance(node.test.left.func, py.Name) and node.test.left.func.id == "g_len":
            facts.set_grown(node, node.test.left.args[0].id)
