"""What the golden tests of the passes (tests/compiled/test_pass_*.py) share: Python text
normalised the way ``ast.unparse`` writes it, the golden text read into the IR's nodes
(:func:`lifted`) and written back (:func:`emitted`), the agreement of both backends at every
fuel budget (same value and fuel, or ``F-FUEL`` at the same span), and the names the golden
tests give the passes."""

from __future__ import annotations

import ast as py
import textwrap

from seglam.run.codegen.emit import python_forms
from seglam.run.codegen.passes import precharge
from seglam.run.codegen.passes.sized import Natives
from seglam.run.ir import nodes as ir
from seglam.run.faults import Fault
from seglam.run.limits import Limits


def normalised(source: str) -> str:
    return py.unparse(py.parse(textwrap.dedent(source)))


#: How emission writes a comprehension step left in the context's form (``h_ctk()`` in the
#: golden texts, the IR's ``ir.ItemStep``): inline, not as a call.
CONTEXT_ITEM_STEP = "h_next(h_ctx.ticks, False) or h_ctx.refill()"


def as_emitted(source: str) -> str:
    """Golden text ``source`` as emission writes it when no pass changed it: normalised, with
    each ``h_ctk()`` marker written inline."""
    return normalised(source.replace("h_ctk()", CONTEXT_ITEM_STEP))


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
NATIVES = Natives(sized_len="g_sized_len", len="g_len", min="g_min", range="g_range", reversed="g_reversed", iter="g_iter",
                  prespent="g_prespent", join_rest="g_join_rest", resumed="g_resumed")


def lifted(tree: py.AST, sized: ir.Sized | None = None, module_calls: tuple[str, ...] = ()) -> py.AST:
    """Golden text (parsed) read into the IR, as the lowering builds it: a step (the
    context's ``h_next(h_ctx.ticks, False) or h_ctx.refill()``, or on ``h_f`` as
    ``local_fuel`` leaves it, a decrement and its test) as one ``ir.Step``; ``h_ch(n)``,
    ``h_cx(n)``, ``h_ctk()`` as the markers; each
    ``if g_len(name) > h_clim: ...`` as the ``ir.GrowCheck`` of ``name``; calls of
    ``module_calls`` as calls of module-level defs; and, with ``sized``, ``tree`` itself (a
    ``for``) or its first clause (a comprehension) as sized. (The inverse of emission, for
    the golden tests only: the generator never reads code back.)"""
    tree = _Lift(module_calls).visit(tree)
    if sized is not None and isinstance(tree, py.For):
        tree = py.copy_location(ir.For(tree.target, tree.iter, tree.body, tree.orelse, sized=sized), tree)
    elif sized is not None and isinstance(tree, (py.ListComp, py.SetComp, py.DictComp)):
        first = tree.generators[0]
        tree.generators[0] = ir.Clause(first.target, first.iter, first.ifs, sized=sized)
    return tree


def emitted(nodes: py.AST | list[py.stmt]) -> str:
    """The Python text of IR ``nodes`` (a node, or a list of statements)."""
    tree = py.Module(body=nodes, type_ignores=[]) if isinstance(nodes, list) else nodes
    return py.unparse(python_forms(tree))


def precharged(before: str, sized: str | None) -> str:
    """The pass ``precharge`` run on the golden loop ``before`` (sized ``sized``)."""
    loop = lifted(py.parse(textwrap.dedent(before)).body[0], sized)
    return emitted(precharge.run(loop, NATIVES, lambda prefix: f"{prefix}1"))


def precharged_comprehension(before: str, sized: str | None) -> str:
    """The pass ``precharge`` run on the golden comprehension ``before``: ``fast if test
    else comp``, or the comprehension as it is."""
    comp = lifted(py.parse(before).body[0].value, sized)
    fast = precharge.comprehension(comp, NATIVES, lambda prefix: f"{prefix}1")
    return emitted(comp if fast is None else py.IfExp(test=fast[0], body=fast[1], orelse=comp))


_MARKERS = {"h_ch": ir.Charge, "h_cx": ir.Spend, "h_ctk": ir.ItemStep}


class _Lift(py.NodeTransformer):
    def __init__(self, module_calls: tuple[str, ...]) -> None:
        self.module_calls = module_calls

    def generic_visit(self, node: py.AST) -> py.AST:
        super().generic_visit(node)
        for name in ("body", "orelse"):
            block = getattr(node, name, None)
            if isinstance(block, list) and block and isinstance(block[0], py.stmt):
                setattr(node, name, _steps_lifted(block))
        return node

    def visit_Call(self, node: py.Call) -> py.AST:
        self.generic_visit(node)
        f = node.func
        if isinstance(f, py.Name) and f.id in _MARKERS:
            return py.copy_location(_MARKERS[f.id](*node.args), node)
        if isinstance(f, py.Name) and f.id in self.module_calls:
            node.func = py.copy_location(ir.Def(f.id, module_level=True), f)
        return node

    def visit_If(self, node: py.If) -> py.AST:
        self.generic_visit(node)
        t = node.test
        if isinstance(t, py.Compare) and isinstance(t.left, py.Call) and isinstance(t.left.func, py.Name) \
                and t.left.func.id == "g_len" and isinstance(t.left.args[0], py.Name) and not node.orelse:
            return py.copy_location(ir.GrowCheck(t, node.body, container=t.left.args[0].id), node)
        return node


_CONTEXT_STEP = "h_next(h_ctx.ticks, False) or h_ctx.refill()"
_LOCAL_TEST = "if h_f < 0:\n    h_f = h_ctx.refuel(h_f)"


def _steps_lifted(block: list[py.stmt]) -> list[py.stmt]:
    out: list[py.stmt] = []
    for stmt in block:
        if py.unparse(stmt) == _CONTEXT_STEP:
            out.append(py.copy_location(ir.Step(), stmt))
        elif out and isinstance(stmt, py.If) and _is_local_decrement(out[-1]) and py.unparse(stmt) == _LOCAL_TEST:
            out[-1] = py.copy_location(ir.Step(local=True), out[-1])
        else:
            out.append(stmt)
    return out


def _is_local_decrement(stmt: py.stmt) -> bool:
    """``h_f -= 1``."""
    return isinstance(stmt, py.AugAssign) and isinstance(stmt.op, py.Sub) and py.unparse(stmt) == "h_f -= 1"
