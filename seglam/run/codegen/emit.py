"""Emission: the Python forms of the IR's nodes (:func:`python_forms`, the last stage of
the generator), and the generated Python as text, for people (:func:`python_source`:
``seglam run --emit-python`` and ``Program.python_source``).

:func:`python_forms` is the one place that decides how the fuel layer of the IR
(:mod:`seglam.run.ir.nodes`) is written in Python: a :class:`~seglam.run.ir.nodes.Step` as
``h_next(h_ctx.ticks, False) or h_ctx.refill()`` (or on the local ``h_f``, with a merged
charge told apart only when the test fails), a marker as the call of its context form or as arithmetic on
``h_f``, and the nodes that only carry facts (loops, clauses, cap checks, module-def calls)
as the Python node they extend. Every statement and expression it writes has the line of
the node it replaces.

The generator gives every node it emits a line number that is an index into the span table
(:mod:`seglam.run.codegen.locate` maps faults back through it), so ``ast.unparse`` alone
would print code with no trace of where it came from. Before unparsing, a marker statement
is put in front of every statement whose Seglam line differs from the one before it in the
same block; after unparsing, each marker becomes a comment naming the ``.sgl`` line (and
quoting it when the source is known). The tree that runs is never changed: the markers go
into a copy.
"""

from __future__ import annotations

import ast as py
import copy
import re
from typing import Any, Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import CTX, MAXD, NEXT
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.context import BULK_UNIT
from seglam.run.ir import nodes as ir

__all__ = ["python_forms", "python_source"]

_MARK = "h_sgl_line_"
_MARK_LINE = re.compile(r"^(?P<indent>\s*)h_sgl_line_(?P<line>\d+)$")
#: index of the module's own span in the span table (ModuleGen.module records it first): the
#: generator's scaffolding (the factory's setup, its helpers) carries it, and gets no comment
_MODULE_LINE = 1
_BODIES = ("body", "orelse", "finalbody")


def python_source(prepared: Any, filename: str, source: str | None = None, function: str | None = None) -> str:
    """The Python ``prepared`` runs, with ``# FILE:LINE`` comments before the statements
    that come from each Seglam line; only the def(s) of Seglam ``function`` if given.

    Raises :class:`LookupError` if the program has no such function."""
    tree = copy.deepcopy(prepared.tree)
    lines = source.splitlines() if source is not None else []
    if function is not None:
        defs = [node for node in py.walk(tree) if isinstance(node, py.FunctionDef)
                and prepared.code_names.get(node.name) == function]
        if not defs:
            raise LookupError(f"no function {function!r}")
        tree = py.Module(body=defs, type_ignores=[])
    _mark_block_lines(tree, prepared.spans)
    text = py.unparse(tree)
    out = []
    last: tuple[int, int] = (0, 0)  # (line, indent) of the last comment written
    for row in text.splitlines():
        match = _MARK_LINE.match(row)
        if match is None:
            out.append(row)
            continue
        number, indent = int(match.group("line")), len(match.group("indent"))
        if number == last[0] and indent >= last[1]:
            continue  # still the same Seglam line, at the same or a deeper level
        last = (number, indent)
        quoted = lines[number - 1].strip() if 0 < number <= len(lines) else ""
        out.append(f"{match.group('indent')}# {filename}:{number}" + (f": {quoted}" if quoted else ""))
    for i in range(len(out) - 1):  # a comment before a def goes after unparse's blank line
        if out[i + 1] == "" and out[i].lstrip().startswith("# "):
            out[i], out[i + 1] = out[i + 1], out[i]
    return _header(prepared) + "\n".join(out) + "\n"


def _sgl_line(node: py.AST, spans: tuple) -> int | None:
    index = getattr(node, "lineno", None)
    if index is None or index == _MODULE_LINE or not 0 < index < len(spans) or spans[index] is None:
        return None
    return spans[index].line


def _mark_block_lines(node: py.AST, spans: tuple) -> None:
    """Insert a marker before each statement that starts a new Seglam line, in every block."""
    for child in py.walk(node):
        blocks = [getattr(child, name) for name in _BODIES if isinstance(getattr(child, name, None), list)]
        blocks += [handler.body for handler in getattr(child, "handlers", [])]
        for block in blocks:
            if not block or not isinstance(block[0], py.stmt):
                continue
            marked: list[py.stmt] = []
            previous = None
            for statement in block:
                line = _sgl_line(statement, spans)
                if line is not None and line != previous:
                    marked.append(py.Expr(py.Name(f"{_MARK}{line}", py.Load())))
                    previous = line
                marked.append(statement)
            block[:] = marked


def _serial(name: str) -> tuple[int, str]:
    """``g_12_len`` sorts by its number, 12."""
    number = name.split("_")[1]
    return (int(number) if number.isdigit() else 0, name)


def _header(prepared: Any) -> str:
    """What the ``g_*`` names the code calls are bound to (the shared stdlib and runtime)."""
    rows = ["# Generated by the Seglam compiled backend. Names: u_* are the program's own,",
            "# h_* the generator's (h_ctx: the run's fuel, depth and caps), g_* shared runtime objects:"]
    for name in sorted((k for k in prepared.globals_ if k.startswith("g_")), key=_serial):
        value = prepared.globals_[name]
        module = getattr(value, "__module__", None) or type(value).__module__
        qualname = getattr(value, "__qualname__", None) or type(value).__qualname__
        rows.append(f"#   {name} = {module}.{qualname}")
    return "\n".join(rows) + "\n\n"


# ---- the Python forms of the IR -------------------------------------------------------------


def python_forms(tree: py.AST) -> py.AST:
    """``tree`` with every IR node replaced by its Python form (in place where it can).
    ``Effect``s go last: where one stands tells the ``Let``s around it what is evaluated."""
    return _Effects().visit(_Forms(_shared_lets(tree)).visit(tree))


def _shared_lets(tree: py.AST) -> frozenset[int]:
    """The ids of the ``Let``s reachable along more than one path (a pass shared them between
    two versions of a loop): only these are written into a copy."""
    seen: set[int] = set()
    shared: set[int] = set()
    for node in py.walk(tree):  # a node under a shared one is reached once per path
        if isinstance(node, ir.Let):
            (shared if id(node) in seen else seen).add(id(node))
    return frozenset(shared)


def _refuel_call() -> py.expr:
    """``h_ctx.refuel(h_f)``: the local count went negative: the unspent chunk of
    ``ctx.ticks`` goes back to it, and the fault comes if that does not cover the charge;
    its value is the count, not negative."""
    return P.call(P.attr(P.name(CTX), "refuel"), [P.name(LOCAL)])


def refuel() -> py.expr:
    """``(h_f := h_ctx.refuel(h_f))``."""
    return py.NamedExpr(target=P.store(LOCAL), value=_refuel_call())


def refuel_stmt() -> py.stmt:
    """``h_f = h_ctx.refuel(h_f)``."""
    return P.assign(P.store(LOCAL), _refuel_call())


def refuel_if_short() -> py.stmt:
    """``if h_f < 0: h_f = h_ctx.refuel(h_f)``."""
    return P.if_(P.compare(P.name(LOCAL), py.Lt(), P.const(0)), [refuel_stmt()])


def next_step() -> py.stmt:
    """``h_next(h_ctx.ticks, False) or h_ctx.refill()``: one step from the context's chunk of
    steps (``RunContext.ticks``), a C call that makes no int, or the next chunk."""
    take = P.call(P.name(NEXT), [P.attr(P.name(CTX), "ticks"), P.const(False)])
    return P.expr_stmt(py.BoolOp(op=py.Or(), values=[take, P.call(P.attr(P.name(CTX), "refill"))]))


_COMPREHENSIONS = (py.ListComp, py.SetComp, py.DictComp, py.GeneratorExp)


class _Forms(py.NodeTransformer):
    """Writes each IR node's Python form, children first; ``in_iterable`` counts the
    comprehension iterables being written (where Python forbids ``:=``)."""

    def __init__(self, shared_lets: frozenset[int] = frozenset()) -> None:
        self.in_iterable = 0
        self.shared_lets = shared_lets

    def visit(self, node: py.AST) -> Any:
        if isinstance(node, _COMPREHENSIONS):
            return self._comprehension(node)
        node = self.generic_visit(node)
        if isinstance(node, ir.Let):
            return self._let(node)
        form = _FORMS.get(type(node))
        return node if form is None else form(node)

    def _iterable(self, node: py.expr) -> py.expr:
        self.in_iterable += 1
        try:
            return self.visit(node)
        finally:
            self.in_iterable -= 1

    def _comprehension(self, comp: py.AST) -> py.AST:
        """A ``Let`` that leads a clause's iterable becomes a clause of its own before it,
        ``for name in (value,)`` (evaluated where the iterable was, as often); but not in
        a generator expression's first clause, whose iterable is evaluated when it is created
        and the next clause's only when it is first iterated."""
        clauses: list[py.comprehension] = []
        for k, clause in enumerate(comp.generators):
            lets: list[ir.Let] = []
            if k or not isinstance(comp, py.GeneratorExp):
                clause.iter, lets = _leading_lets(clause.iter)
            for let in lets:
                value = self._iterable(let.value)
                clauses.append(py.comprehension(target=P.store(let.name), iter=py.Tuple(elts=[value], ctx=P.LOAD),
                                                ifs=[], is_async=0))
            clause.iter = self._iterable(clause.iter)
            clause.target = self.visit(clause.target)
            clause.ifs = [self.visit(c) for c in clause.ifs]
            clauses.append(_clause(clause) if isinstance(clause, ir.Clause) else clause)
        comp.generators = clauses
        for name in ("elt", "key", "value"):
            if getattr(comp, name, None) is not None:
                setattr(comp, name, self.visit(getattr(comp, name)))
        return comp

    def _let(self, let: ir.Let) -> py.expr:
        # a Let a pass shared between two versions of a loop is written into a copy (deep
        # copies of every Let made compiling a long f-string quadratic-looking: 7 of 24 s)
        body = copy.deepcopy(let.body) if id(let) in self.shared_lets else let.body
        read = None if self.in_iterable else _first_read(body, let.name)
        if read is not None:
            read(py.copy_location(py.NamedExpr(target=P.store(let.name), value=let.value), let))
            return body
        # evaluated in a comprehension of its own: [body for name in (value,)][0]
        once = py.ListComp(elt=body, generators=[py.comprehension(
            target=P.store(let.name), iter=py.Tuple(elts=[let.value], ctx=P.LOAD), ifs=[], is_async=0)])
        return P.at(py.Subscript(value=once, slice=P.const(0), ctx=P.LOAD), let)


Setter = Callable[[py.expr], None]


def _unconditional(node: py.AST) -> list[tuple[py.AST, Setter]]:
    """The children of ``node`` that evaluating it always evaluates, in the order it does,
    each with the function that replaces it in ``node`` (none for the nodes it does not know)."""
    def field(name: str) -> list[tuple[py.AST, Setter]]:
        value = getattr(node, name, None)
        if isinstance(value, list):
            return [(item, lambda new, i=i, items=value: items.__setitem__(i, new)) for i, item in enumerate(value)
                    if isinstance(item, py.AST)]
        return [] if value is None else [(value, lambda new: setattr(node, name, new))]

    if isinstance(node, py.BoolOp):  # the first value; after an Effect (False) in an `or`, the next too
        first = 1
        while first < len(node.values) and isinstance(node.op, py.Or) and isinstance(node.values[first - 1], ir.Effect):
            first += 1
        return field("values")[:first]
    if isinstance(node, py.IfExp):
        return field("test")
    if isinstance(node, py.Compare):
        return field("left") + field("comparators")[:1]
    if isinstance(node, py.Call):
        return field("func") + field("args") + [(kw.value, lambda new, kw=kw: setattr(kw, "value", new))
                                                for kw in node.keywords]
    names = {py.BinOp: ("left", "right"), py.UnaryOp: ("operand",), py.Subscript: ("value", "slice"),
             py.Attribute: ("value",), py.Tuple: ("elts",), py.List: ("elts",), py.Set: ("elts",),
             py.NamedExpr: ("value",), py.Starred: ("value",), py.Slice: ("lower", "upper", "step"),
             ir.Effect: ("value",)}.get(type(node), ())
    return [child for name in names for child in field(name)]


def _first_read(body: py.expr, name: str) -> Setter | None:
    """Where ``body`` first reads ``name``, if it always does before anything conditional."""
    todo: list[tuple[py.AST, Setter | None]] = [(body, None)]
    while todo:
        node, setter = todo.pop()
        if isinstance(node, py.Name) and node.id == name and isinstance(node.ctx, py.Load):
            return setter
        todo.extend(reversed(_unconditional(node)))
    return None


def _leading_lets(iterable: py.expr) -> tuple[py.expr, list[ir.Let]]:
    """``iterable`` without the ``Let``s it evaluates first (only loads of names and
    constants before them), and those ``Let``s in order, each replaced by its body."""
    holder = [iterable]
    lets: list[ir.Let] = []
    while (found := _first_let(holder[0], lambda new: holder.__setitem__(0, new))[0]) is not None:
        let, setter = found
        setter(let.body)
        lets.append(let)
    return holder[0], lets


def _first_let(node: py.AST, setter: Setter) -> tuple[tuple[ir.Let, Setter] | None, bool]:
    """The first ``Let`` evaluating ``node`` meets, with only loads of names and constants
    before it (or None), and whether evaluating ``node`` only loads names and constants."""
    if isinstance(node, ir.Let):
        return (node, setter), False
    if isinstance(node, (py.Name, py.Constant)):
        return None, True
    for child, set_child in _unconditional(node):
        found, clean = _first_let(child, set_child)
        if found is not None or not clean:
            return found, False
    return None, False  # the node's own operation, after its children


def _step(step: ir.Step) -> list[py.stmt]:
    if not step.local:
        return [P.at(next_step(), step)]
    test = refuel_if_short()
    if step.merged:
        # the step and the charge merged into it are told apart only when the test fails:
        # give the charge back, test the step alone, take the charge, test it at the charge
        cost = step.merged
        test.body = [py.AugAssign(target=P.store(LOCAL), op=py.Add(), value=P.const(cost)),
                     refuel_if_short(),
                     py.AugAssign(target=P.store(LOCAL), op=py.Sub(), value=P.const(cost)),
                     P.stamp(refuel_if_short(), step.merged_at)]
    return [P.at(py.AugAssign(target=P.store(LOCAL), op=py.Sub(), value=P.const(1 + step.merged)), step),
            P.at(test, step)]


def _charge(marker: ir.Charge) -> py.expr:
    if not marker.local:
        return _call(marker)
    # ctx.charge(n): fuel -= 1 + n // BULK_UNIT, fault when negative
    # -(1 + n // BULK_UNIT) as -1 - n // BULK_UNIT: one operation less per charge
    negated = py.BinOp(left=P.const(-1), op=py.Sub(),
                       right=py.BinOp(left=marker.cost, op=py.FloorDiv(), right=P.const(BULK_UNIT)))
    return P.at(_decrement(negated), marker)


def _spend(marker: ir.Spend) -> py.expr:
    if not marker.local:
        return _call(marker)
    # ctx.spend(n): fuel -= n, fault when negative (n is 0 or more)
    return P.at(_decrement(py.UnaryOp(op=py.USub(), operand=marker.cost)), marker)


def _item_step(marker: ir.ItemStep) -> py.expr:
    if not marker.local:
        # the context's step inline (true: a step taken, or ``refill``'s True), not a call
        # of a helper: a Python call per item costs more than the step itself
        return P.at(next_step().value, marker)
    # one comprehension step: the marker's value must be true, so test `>= 0`
    dec = py.NamedExpr(target=P.store(LOCAL), value=py.BinOp(left=P.name(LOCAL), op=py.Sub(), right=P.const(1)))
    ok = P.compare(dec, py.GtE(), P.const(0))
    return P.at(py.BoolOp(op=py.Or(), values=[ok, P.compare(refuel(), py.GtE(), P.const(0))]), marker)


def _lambda_entry(entry: ir.LambdaEntry) -> py.expr:
    """``(h_next(h_ctx.ticks, False) or h_ctx.refill()) and (depth < h_maxd or fault(h_ctx))``:
    a lambda's step and depth test inline (a helper's call per lambda call costs more than
    both), true when the body may run."""
    depth_ok = py.BoolOp(op=py.Or(), values=[
        P.compare(entry.depth, py.Lt(), P.name(MAXD)),
        P.call(P.name(entry.fault), [P.name(CTX)])])
    return P.at(py.BoolOp(op=py.And(), values=[next_step().value, depth_ok]), entry)


def _decrement(negated_cost: py.expr) -> py.expr:
    """``(h_f := negated_cost + h_f) < 0 and (h_f := ctx.refuel(h_f)) < 0``: False, or the
    fault.

    The cost is evaluated *before* ``h_f`` is read: it may itself charge (a method of a
    method's result), and ``h_f - cost`` would subtract from the stale value."""
    dec = py.NamedExpr(target=P.store(LOCAL),
                       value=py.BinOp(left=negated_cost, op=py.Add(), right=P.name(LOCAL)))
    return py.BoolOp(op=py.And(), values=[P.compare(dec, py.Lt(), P.const(0)), P.compare(refuel(), py.Lt(), P.const(0))])


def _call(marker: py.Call) -> py.expr:
    return py.copy_location(py.Call(func=marker.func, args=marker.args, keywords=marker.keywords), marker)


def _grow_check(check: ir.GrowCheck) -> py.stmt:
    return py.copy_location(py.If(test=check.test, body=check.body, orelse=check.orelse), check)


def _for(loop: ir.For) -> py.stmt:
    return py.copy_location(py.For(target=loop.target, iter=loop.iter, body=loop.body, orelse=loop.orelse,
                                   type_comment=None), loop)


def _clause(clause: ir.Clause) -> py.comprehension:
    return py.comprehension(target=clause.target, iter=clause.iter, ifs=clause.ifs, is_async=0)


def _def(name: ir.Def) -> py.expr:
    return py.copy_location(py.Name(id=name.id, ctx=name.ctx), name)


class _Effects(py.NodeTransformer):
    def visit_Effect(self, node: ir.Effect) -> py.expr:
        self.generic_visit(node)
        value = node.value.elts[0]
        return py.copy_location(py.BoolOp(op=py.And(), values=[value, py.Constant(value=False)]), node)


def _cap_int(node: ir.CapInt) -> py.expr:
    return py.copy_location(py.IfExp(test=node.test, body=node.body, orelse=node.orelse), node)


_FORMS: dict[type, Callable[[Any], Any]] = {
    ir.Step: _step, ir.Charge: _charge, ir.Spend: _spend, ir.ItemStep: _item_step, ir.LambdaEntry: _lambda_entry,
    ir.GrowCheck: _grow_check,
    ir.For: _for, ir.Clause: _clause, ir.Def: _def, ir.CapInt: _cap_int,
}
