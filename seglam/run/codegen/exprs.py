"""Expressions: Seglam expression node → Python expression node.

Seglam means what Python means, so most expressions map one to one. What changes: names are
mangled, builtins and methods call the shared stdlib implementations (with the run context),
comprehension iterations and lambda calls charge fuel, and operations that can grow a value
are followed by a size-cap check chosen from the static type.
"""

from __future__ import annotations

import ast as py
import copy
from typing import Any

from seglam.check import types as T
from seglam.run.codegen import pyast as P
from seglam.run.codegen import functions, inline, sizework
from seglam.run.codegen.inline import slice_object
from seglam.run.codegen.runtime import BuiltinValue, UnboundMethod
from seglam.run.codegen.sizework import (capped_len, compact, length, costly_key, int_checked, int_divided, key_type, keyed, len_capped,
                                         reusable)
from seglam.run.codegen.state import (PY_BINOPS, PY_CMPOPS, PY_UNARY, CTX, DEPTH, LEN_LIM, NEG_SMALL, SMALL,
                                      STR_LIM, FnState)
from seglam.run.codegen.naming import user
from seglam.run.codegen.scopes import comprehension_locals, lambda_locals
from seglam.run.context import BULK_UNIT
from seglam.run import cost
from seglam.run.stdlib_text import spec_chars
from seglam.run.ir import nodes as ir
from seglam.run.ordering import iterate
from seglam.syntax import ast as A


def emit(g, node: Any, fn: FnState) -> py.expr:
    method = _DISPATCH.get(type(node))
    if method is None:
        raise g.fail(f"cannot compile expression {type(node).__name__}", node)
    return method(g, node, fn)


# ---- atoms ------------------------------------------------------------------------------------


def _name(g, node: A.Name, fn: FnState) -> py.expr:
    if id(node) in g.held_escapes:  # a parameter kept as received, handed out: its frozen copy
        return P.call(g.ref(g.runtime.frozen_copy, "frozen_copy"), [resolve_name(g, node.id, fn, node)])
    return resolve_name(g, node.id, fn, node)


def resolve_name(g, ident: str, fn: FnState, node: Any) -> py.expr:
    if fn.scope.is_def(ident):
        return P.name(user(ident))  # a function value takes its call's depth first, as the def does
    if fn.scope.binds(ident):
        return P.name(user(ident))
    if ident in g.checked.records:
        return g.ref(g.runtime.record_class(ident), ident)
    if ident in g.checked.enums:
        return g.ref(g.runtime.enum_class(ident), ident)
    qualified = g.checked.imports.get(ident)
    if qualified is not None:
        return value_ref(g, g.runtime.qualified_value(qualified), qualified)
    try:
        value = g.runtime.builtin_value(ident)
    except KeyError:
        raise g.fail(f"unknown name {ident!r}", node) from None
    return value_ref(g, value, ident)


def qualified_path(g, node: Any, fn: FnState) -> str | None:
    """The stdlib name that a chain of attributes on an imported module or class spells
    (``itertools.chain`` in ``itertools.chain.from_iterable``, ``datetime.date`` in
    ``datetime.date.fromisoformat``), or None."""
    if isinstance(node, A.Name):
        if fn.scope.binds(node.id) or node.id in g.checked.records or node.id in g.checked.enums:
            return None
        return g.checked.imports.get(node.id)
    if isinstance(node, A.Attribute):
        head = qualified_path(g, node.value, fn)
        return None if head is None else f"{head}.{node.attr}"
    return None


def value_ref(g, value: Any, label: str) -> py.expr:
    """A reference to a stdlib value; builtins used as values are bound to the run's context."""
    if isinstance(value, (BuiltinValue, UnboundMethod)):
        return functions.as_function(g, P.call(g.ref(g.runtime.value_of, "value_of"), [P.name(CTX), g.ref(value, label)]))
    return g.ref(value, label)


def _constant(g, node: A.Constant, fn: FnState) -> py.expr:
    value = node.value
    if value is not Ellipsis and type(value) not in (int, float, str, bool, type(None)):
        raise g.fail(f"unsupported literal {type(value).__name__}", node)
    return P.const(value)


def _joined(g, node: A.JoinedStr, fn: FnState) -> py.expr:
    native = _native_fstring(g, node, fn)
    if native is not None:
        return native
    parts: list[py.expr] = []
    for piece in node.values:
        if isinstance(piece, str):
            parts.append(P.const(piece))
        else:
            parts.append(_formatted(g, piece, fn))
    join = g.ref(g.runtime.join_fstring, "join_fstring")
    return P.call(join, [P.name(CTX), py.List(elts=parts, ctx=P.LOAD)])


_SPEC_NUMBER = __import__("re").compile(r"\d+")
_BIG_INT_STR = 1 << 3000  # seglam_str charges for ints of more bits than this


def _literal_spec(spec: Any) -> str | None:
    """The text of a constant format spec whose widths are small, else None."""
    if spec is None:
        return ""
    if not all(isinstance(v, str) for v in spec.values):
        return None
    text = "".join(spec.values)
    if any(len(n) > 4 for n in _SPEC_NUMBER.findall(text)):
        return None  # a width/precision past 9999: let the stdlib check it first
    return text


def _native_fstring(g, node: A.JoinedStr, fn: FnState) -> py.expr | None:
    """An f-string of str, int, float and bool fields, formatted by Python itself (the
    stdlib charges nothing for these, except for str() of huge ints), then capped."""
    values: list[py.expr] = []
    for piece in node.values:
        if isinstance(piece, str):
            values.append(P.const(piece))
            continue
        t = g.type_of(piece.value)
        spec = _literal_spec(piece.format_spec)
        if piece.conversion is not None or spec is None or t not in (T.STR, T.INT, T.FLOAT, T.BOOL):
            return None
        if t in (T.STR, T.BOOL) and spec:
            return None
        value = g.expr(piece.value, fn)
        if t in (T.INT, T.FLOAT):
            value = int_text_charged(g, value)
        work = cost.formatted(spec_chars(spec))  # the text the width or precision writes, as format_value charges
        if work:
            tmp = g.tmp()
            first = py.Tuple(elts=[P.name(tmp), ir.Spend(P.const(work))], ctx=P.LOAD)  # the value, then the charge
            value = ir.Let(tmp, value, py.Subscript(value=first, slice=P.const(0), ctx=P.LOAD))
        fmt = py.JoinedStr(values=[P.const(spec)]) if spec else None
        values.append(py.FormattedValue(value=value, conversion=-1, format_spec=fmt))
    # under the cap, then charged for its length (as join_fstring does), else the cap's fault
    t = g.tmp()
    within = P.compare(length(g, P.name(t)), py.LtE(), P.name(STR_LIM))
    work = ir.Spend(P.call(g.ref(cost.formatted, "formatted_cost"), [length(g, P.name(t))]))
    charged = py.Subscript(value=py.Tuple(elts=[P.name(t), work], ctx=P.LOAD), slice=P.const(0), ctx=P.LOAD)
    fault = P.call(g.ref(g.runtime.str_fault, "cap_fault"), [P.name(CTX), length(g, P.name(t))])
    return ir.Let(t, py.JoinedStr(values=values), py.IfExp(test=within, body=charged, orelse=fault))


def int_text_charged(g, value: py.expr) -> py.expr:
    """``value`` (of static type int or float, so possibly an int) about to be written as
    text by ``str()`` or ``format()``: past the small bound, the work of writing a large int
    is charged first, as seglam_str and format_value do (seglam.run.cost.int_to_str; 0 for a
    float)."""
    tmp = g.tmp()
    within = py.Compare(left=P.name(NEG_SMALL), ops=[py.LtE(), py.LtE()], comparators=[P.name(tmp), P.name(SMALL)])
    slow = py.BoolOp(op=py.Or(), values=[
        ir.Spend(P.call(g.ref(g.runtime.int_to_str_cost, "int_to_str_cost"), [P.name(tmp)])),
        P.name(tmp)])
    return ir.Let(tmp, value, py.IfExp(test=within, body=P.name(tmp), orelse=slow))


def _formatted(g, node: A.FormattedValue, fn: FnState) -> py.expr:
    value = g.expr(node.value, fn)
    t = g.type_of(node.value)
    if node.conversion is None and node.format_spec is None and t == T.STR:
        return value
    spec: py.expr = P.const("")
    if node.format_spec is not None:
        spec = g.expr(node.format_spec, fn)
    fmt = g.ref(g.runtime.format_value, "format_value")
    return P.call(fmt, [P.name(CTX), value, P.const(node.conversion), spec])


# ---- operators ---------------------------------------------------------------------------------


def _binop(g, node: A.BinOp, fn: FnState) -> py.expr:
    if node.op in ("+", "*"):
        fast = (inline.concat(g, node.left, node.right, g.type_of(node), fn) if node.op == "+"
                else inline.repeat(g, node, fn))
        if fast is not None:
            return fast
    left = g.expr(node.left, fn)
    right = g.expr(node.right, fn)
    types = (g.type_of(node.left), g.type_of(node.right))
    if node.op in _DECIMAL_OPS and (sizework.may_be_decimal(types[0]) or sizework.may_be_decimal(types[1])) \
            and not _stdlib_operator(g, _arith(g, node, P.name("a"), P.name("b"))):
        # a Decimal operand done natively: charged by its digits first (decimalwork.op_cost,
        # as the stdlib's operators, which the other ways call, charge it)
        return sizework.decimal_charged(g, node.op, left, right, lambda a, b: _arith(g, node, a, b), types)
    return _arith(g, node, left, right)


def _stdlib_operator(g, expr: py.expr) -> bool:
    """``expr`` calls the stdlib's operator (which charges a Decimal operand itself)."""
    if not (isinstance(expr, py.Call) and isinstance(expr.func, py.Name)):
        return False
    called = g.runtime.globals.get(expr.func.id)
    return called is g.runtime.sum_unchecked or any(called is g.runtime.binop(op) for op in _DECIMAL_OPS)


_ORDERINGS = frozenset({"==", "!=", "<", "<=", ">", ">="})
_NUMBERS = (T.DECIMAL, T.INT, T.FLOAT, T.BOOL)


def _decimal_numbers(lt: Any, rt: Any) -> bool:
    """Both static types are numbers and one is Decimal."""
    return T.DECIMAL in (lt, rt) and lt in _NUMBERS and rt in _NUMBERS


#: The operators a Decimal operand may take natively (``**`` goes through the stdlib's).
_DECIMAL_OPS = frozenset({"+", "-", "*", "/", "//", "%"})


def _arith(g, node: A.BinOp, left: py.expr, right: py.expr) -> py.expr:
    """``left op right`` (both evaluated) by the static types: native, cap-tested or the
    stdlib's operator."""
    op = node.op
    lt, rt, result = g.type_of(node.left), g.type_of(node.right), g.type_of(node)
    native = py.BinOp(left=left, op=PY_BINOPS[op](), right=right)
    if result == T.INT and op in ("//", "%", ">>") and lt in (T.INT, T.BOOL):
        return int_divided(g, op, left, right)
    ints = sizework.ints_possible(g, node.left, node.right)  # a float-typed value may hold an int
    if _is_float_like(result) and op in ("//", "%") and lt != T.STR:
        return int_divided(g, op, left, right) if ints else native
    if op in ("/", "//", ">>") or (op == "%" and lt != T.STR and result in (T.INT, T.FLOAT, T.DECIMAL)):
        return native
    if (result == T.INT or _is_float_like(result)) and op in ("+", "-", "*"):
        if id(node) in g.unchecked_sums or not (result == T.INT or ints):
            return native  # a small step, a sum used at once (seglam.run.intcap), or a float
        return int_checked(g, op, left, right)
    if _is_float_like(result) and op not in ("**",):
        return native
    if result == T.BOOL and op in ("&", "|", "^"):
        return native
    if result == T.INT and op in ("&", "|", "^"):
        return sizework.bitwise(g, op, left, right, compact(right))
    # everything else (sequences, sets, **, <<, mixed) goes through the shared operator
    if id(node) in g.unchecked_sums:
        return P.call(g.ref(g.runtime.sum_unchecked, "sum_unchecked"), [P.name(CTX), P.const(op), left, right])
    return P.call(g.ref(g.runtime.binop(op), "op" + op), [P.name(CTX), left, right])


def _is_float_like(t: Any) -> bool:
    return t in (T.FLOAT, T.DECIMAL)


def _is_capless(t: Any) -> bool:
    """Types whose values an arithmetic operator cannot grow past a cap."""
    return t in (T.FLOAT, T.DECIMAL, T.BOOL, T.DATE, T.TIMEDELTA) or isinstance(t, (T.SetType,))


def sized_iterable(g, node: Any, fn: FnState) -> str | None:
    """How to measure an iterable whose length is known up front and cannot change while it
    is iterated: ``"len"`` for a str or a tuple, ``"sized_len"`` (the runtime's) for
    ``range(...)`` or ``reversed(...)`` of one of these; None for any other iterable."""
    t = g.type_of(node)
    if t == T.STR or isinstance(t, T.TupleType):
        return "len"
    if isinstance(t, T.ListType) and (_fresh_list(g, node, fn) or _fixed_param(g, node, fn)):
        return "len"
    if not (isinstance(node, A.Call) and isinstance(node.func, A.Name) and not fn.scope.binds(node.func.id)):
        return None
    if node.func.id == "range":
        return "sized_len"
    if node.func.id == "reversed" and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], A.Starred) and sized_iterable(g, node.args[0], fn):
        return "sized_len"
    return None


#: Iterables whose length ``len`` gives and only a change of a collection can alter.
_HELD = (T.ListType, T.DictType, T.KeysViewType, T.ValuesViewType)


def held_sized(g, node: Any, fn: FnState, first: bool = True) -> str | None:
    """How the iterable of a ``for`` or a comprehension clause is measured: as
    :func:`sized_iterable`; else, for a list, a dict or a dict's view (of a ``for`` or a
    first clause, so evaluated once, before any item), ``"unmutated"``: its length holds
    while nothing in the loop changes a collection, which the pass ``precharge`` checks
    before it relies on it; for a native ``zip``/``enumerate`` of such iterables,
    ``"zipped"`` (``"zipped_unmutated"`` when one of them holds only unmutated)."""
    how = sized_iterable(g, node, fn)
    if how is None and first and isinstance(g.type_of(node), _HELD):
        return "unmutated"
    iterables = _zipped_iterables(g, node, fn) if how is None else None
    if iterables is not None:
        parts = [held_sized(g, arg, fn, first) for arg in iterables]
        if all(parts):
            return "zipped_unmutated" if "unmutated" in parts else "zipped"
    return how


#: Iterables the native ``zip`` and ``enumerate`` take as they are (besides str and range).
_NATIVE_ITERABLES = (T.ListType, T.DictType, T.TupleType, T.RangeType)


def native_zip_iterables(g, node: A.Call, ident: str) -> tuple | None:
    """What a ``zip`` or ``enumerate`` (``ident``) call iterates when the lowering leaves it
    to the native one, as the stdlib's would do the same: at most BULK_UNIT positional
    lists, dicts, tuples, ranges or strs (``zip`` over more, or a starred list of them,
    charges each tuple it builds by its width, ``stdlib.b_zip``); ``enumerate`` takes one
    and an int ``start``, positional or named. None: the stdlib's call."""
    if any(isinstance(a, A.Starred) for a in node.args):
        return None
    iterables = node.args
    if ident == "enumerate":
        starts = [*node.args[1:], *(k.value for k in node.keywords)]
        if not node.args or len(starts) > 1 or any(k.name != "start" for k in node.keywords) \
                or any(g.type_of(s) not in (T.INT, T.BOOL) for s in starts):
            return None
        iterables = node.args[:1]
    elif node.keywords:
        return None
    if len(iterables) > BULK_UNIT or not all(
            isinstance(g.type_of(a), _NATIVE_ITERABLES) or g.type_of(a) == T.STR for a in iterables):
        return None
    return iterables


def _zipped_iterables(g, node: Any, fn: FnState) -> tuple | None:
    """The iterables of ``zip(a, ...)`` or ``enumerate(a[, start])`` lowered to the native
    call, which is as long as the shortest of them; None for anything else."""
    if not (isinstance(node, A.Call) and isinstance(node.func, A.Name) and node.func.id in ("zip", "enumerate")
            and not fn.scope.binds(node.func.id) and node.args):
        return None
    return native_zip_iterables(g, node, node.func.id)


def _fixed_param(g, node: Any, fn: FnState) -> bool:
    """A list parameter of the running def that its body never rebinds: it is frozen on
    entry, or, when the function only reads it, not copied but reachable by nothing that could
    change it during the call (:mod:`seglam.run.codegen.escape`); so it cannot grow while it
    is iterated, as a big input list iterated once, the most common loop over an argument."""
    if not isinstance(node, A.Name):
        return False
    scope = fn.scope
    while scope is not None and node.id not in scope.names:
        scope = scope.parent
    return scope is not None and node.id in g.fixed_lists.get(id(scope), ())


def _fresh_list(g, node: Any, fn: FnState) -> bool:
    """A list made by ``node`` itself, which nothing else can reach (so nothing can grow it
    while it is iterated): a comprehension, a slice, ``sorted``/``list`` of something, a
    concatenation, ``str.split``."""
    if isinstance(node, (A.ListComp, A.BinOp)) or (isinstance(node, A.Subscript) and isinstance(node.index, A.Slice)):
        return True
    if not isinstance(node, A.Call):
        return False
    func = node.func
    if isinstance(func, A.Name):
        return func.id in ("sorted", "list") and not fn.scope.binds(func.id)
    return isinstance(func, A.Attribute) and func.attr in ("split", "rsplit", "splitlines") \
        and g.type_of(func.value) == T.STR


def _unary(g, node: A.UnaryOp, fn: FnState) -> py.expr:
    if node.op in ("-", "~") or (node.op == "+" and sizework.may_be_decimal(g.type_of(node.operand))):
        return sizework.unary(g, node.op, g.expr(node.operand, fn), g.type_of(node.operand))
    return py.UnaryOp(op=PY_UNARY[node.op](), operand=g.expr(node.operand, fn))


def _boolop(g, node: A.BoolOp, fn: FnState) -> py.expr:
    op = py.And() if node.op == "and" else py.Or()
    return py.BoolOp(op=op, values=[g.expr(v, fn) for v in node.values])


def _compare(g, node: A.Compare, fn: FnState) -> py.expr:
    fast = inline.membership(g, node, fn)
    if fast is not None:
        return fast
    left = g.expr(node.left, fn)
    comparators = [g.expr(c, fn) for c in node.comparators]
    # Membership in a linear container is charged by the stdlib (one rule for both backends).
    if any(op in ("in", "not in") and (_membership_charged(g.type_of(c)) or (len(node.ops) > 1 and _keyed_int(g.type_of(c))))
           for op, c in zip(node.ops, node.comparators)):
        if len(node.ops) == 1:
            return P.call(g.ref(g.runtime.compare, "compare"), [P.name(CTX), P.const(node.ops[0]), left, comparators[0]])
        return _chained_compare(g, node, left, comparators)
    if len(node.ops) == 1 and node.ops[0] in ("in", "not in"):
        # a set or dict: the key is charged like the stdlib's (after the container, which
        # must then be a name or a constant to keep the order)
        kt = key_type(g.type_of(node.comparators[0]))
        if _keyed_int(g.type_of(node.comparators[0])):
            if not reusable(comparators[0]):
                return P.call(g.ref(g.runtime.compare, "compare"), [P.name(CTX), P.const(node.ops[0]), left, comparators[0]])
            left = keyed(g, left, kt, node.left)
    operands = (node.left, *node.comparators)
    if len(node.ops) == 1 and node.ops[0] in _ORDERINGS and _decimal_numbers(g.type_of(node.left), g.type_of(node.comparators[0])):
        # numbers, one a Decimal: charged by its digits (valuework.compare_cost is decimalwork.op_cost)
        return sizework.decimal_charged(g, "==", left, comparators[0], lambda a, b: py.Compare(
            left=a, ops=[PY_CMPOPS[node.ops[0]]()], comparators=[b]), (g.type_of(node.left), g.type_of(node.comparators[0])))
    if not all(sizework.comparison_is_free(g, op, operands[i], operands[i + 1]) for i, op in enumerate(node.ops)):
        # strings or containers: charged for their size (valuework.compare_cost)
        if len(node.ops) > 1:
            return _chained_compare(g, node, left, comparators)
        texts = g.type_of(node.left) == T.STR and g.type_of(node.comparators[0]) == T.STR
        return sizework.charged_compare(g, node.ops[0], left, comparators[0], texts)
    return py.Compare(left=left, ops=[PY_CMPOPS[o]() for o in node.ops], comparators=comparators)


def _keyed_int(t: Any) -> bool:
    """A set, dict or Counter type whose keys may cost (valuework.key_cost)."""
    kt = key_type(t)
    return kt is not None and costly_key(kt)


def _membership_charged(t: Any) -> bool:
    return not isinstance(t, (T.DictType, T.SetType))


def _chained_compare(g, node: A.Compare, left: py.expr, comparators: list[py.expr]) -> py.expr:
    """``a < b in c``: Python semantics (each middle operand evaluated once, short-circuit)."""
    parts: list[py.expr] = []
    binds: list[tuple[str, py.expr]] = []  # each middle operand, bound where it is compared first
    cur = left
    first: list[tuple[str, py.expr]] = []  # the first operand too, unless a name or a constant,
    if not isinstance(left, (py.Name, py.Constant)):  # so that each Let's value comes first
        first = [(g.tmp(), left)]
        cur = P.name(first[0][0])
    operands = (node.left, *node.comparators)
    for i, (op, comp) in enumerate(zip(node.ops, comparators)):
        if i < len(comparators) - 1:
            t = g.tmp()
            binds.append((t, comp))
            comp = P.name(t)
        if op in ("in", "not in") or not sizework.comparison_is_free(g, op, operands[i], operands[i + 1]):
            test: py.expr = P.call(g.ref(g.runtime.compare, "compare"), [P.name(CTX), P.const(op), cur, comp])
        else:
            test = py.Compare(left=cur, ops=[PY_CMPOPS[op]()], comparators=[comp])
        parts.append(test)
        cur = copy.deepcopy(comp)
    # a < (t := b) and (t < c): the Let of each middle operand holds the comparisons from its own on
    out: py.expr = parts[-1]
    for (t, value), test in zip(reversed(binds), reversed(parts[:-1])):
        out = ir.Let(t, value, py.BoolOp(op=py.And(), values=[test, out]))
    return ir.lets(first, out)


def _ifexp(g, node: A.IfExp, fn: FnState) -> py.expr:
    return py.IfExp(test=g.expr(node.test, fn), body=g.expr(node.body, fn), orelse=g.expr(node.orelse, fn))


def _named(g, node: A.NamedExpr, fn: FnState) -> py.expr:
    return py.NamedExpr(target=P.store(user(node.target.id)), value=g.expr(node.value, fn))


# ---- containers ----------------------------------------------------------------------------------


def _elts(g, elts: tuple, fn: FnState, keys: bool = False) -> tuple[list[py.expr], bool]:
    """The items of a display; ``keys``: of a set display, each charged as a key."""
    out = []
    starred = False
    collect = g.runtime.collect_keys if keys else g.runtime.collect
    for e in elts:
        if isinstance(e, A.Starred):
            starred = True
            spread = P.call(g.ref(collect, "collect"), [P.name(CTX), g.expr(e.value, fn)])
            out.append(py.Starred(value=spread, ctx=P.LOAD))
        else:
            out.append(keyed(g, g.expr(e, fn), g.type_of(e), e) if keys else g.expr(e, fn))
    return out, starred


def _list(g, node: A.ListExpr, fn: FnState) -> py.expr:
    elts, starred = _elts(g, node.elts, fn)
    return display_capped(g, py.List(elts=elts, ctx=P.LOAD), len(elts), starred)


def _tuple(g, node: A.TupleExpr, fn: FnState) -> py.expr:
    elts, starred = _elts(g, node.elts, fn)
    return display_capped(g, py.Tuple(elts=elts, ctx=P.LOAD), len(elts), starred)


def _set(g, node: A.SetExpr, fn: FnState) -> py.expr:
    elts, starred = _elts(g, node.elts, fn, keys=True)
    return display_capped(g, py.Set(elts=elts), len(elts), starred)


def _dict(g, node: A.DictExpr, fn: FnState) -> py.expr:
    keys = [None if k is None else keyed(g, g.expr(k, fn), g.type_of(k), k) for k in node.keys]
    values = [g.expr(v, fn) if k is not None else
              P.call(g.ref(g.runtime.spread, "spread"), [P.name(CTX), g.expr(v, fn)])
              for k, v in zip(node.keys, node.values)]
    return display_capped(g, py.Dict(keys=keys, values=values), len(keys), any(k is None for k in node.keys))


def display_capped(g, display: py.expr, items: int, spread: bool) -> py.expr:
    """A display of ``items`` items, checked against the collection cap after its items are
    evaluated, as the reference does. Without ``*``/``**`` it is at most ``items`` long, so
    while the cap is at least that (always, but for toy caps) the check is one comparison:
    ``(t := [a, b]) and (h_clim >= 2 or len(t) <= h_clim) and t or fault``."""
    if spread:
        return len_capped(g, display)
    if not items:
        return display
    t = g.tmp()
    fits = py.BoolOp(op=py.Or(), values=[
        P.compare(P.name(LEN_LIM), py.GtE(), P.const(items)),
        P.compare(P.call(g.ref(len, "len"), [P.name(t)]), py.LtE(), P.name(LEN_LIM))])
    checked = py.BoolOp(op=py.And(), values=[P.name(t), fits, P.name(t)])
    fault = P.call(g.ref(g.runtime.len_fault, "len_fault"), [P.name(CTX), P.call(g.ref(len, "len"), [P.name(t)])])
    return ir.Let(t, display, py.BoolOp(op=py.Or(), values=[checked, fault]))


def _subscript(g, node: A.Subscript, fn: FnState) -> py.expr:
    if isinstance(node.index, A.Slice):
        fast = inline.sliced(g, node, fn)
        if fast is not None:
            return fast
    value = g.expr(node.value, fn)
    if isinstance(node.index, A.Slice):
        index = slice_object(g, node.index, fn)
        return P.call(g.ref(g.runtime.getitem, "getitem"), [P.name(CTX), value, index])
    index = g.expr(node.index, fn)
    kt = key_type(g.type_of(node.value))
    if kt is not None:
        index = keyed(g, index, kt, node.index)
    return py.Subscript(value=value, slice=index, ctx=P.LOAD)


def _attribute(g, node: A.Attribute, fn: FnState) -> py.expr:
    if node.attr.startswith("_"):  # defence in depth, as pyast.attr: never a private or dunder attribute
        raise g.fail(f"refusing to emit access to attribute {node.attr!r}", node)
    base = node.value
    if isinstance(base, A.Name) and not fn.scope.binds(base.id):
        if base.id in g.checked.enums:
            return P.attr(resolve_name(g, base.id, fn, base), node.attr)
        qualified = g.checked.imports.get(base.id)
        if qualified is not None and base.id not in g.checked.records:
            try:
                return value_ref(g, g.runtime.qualified_value(f"{qualified}.{node.attr}"), node.attr)
            except KeyError:
                raise g.fail(f"unknown name {qualified}.{node.attr}", node) from None
        if base.id not in g.checked.records:
            # a builtin type's attribute used as a value: ``str.lower`` as a key; a function of
            # the class itself (``str.maketrans``) is the stdlib's
            if g.runtime.type_function(base.id, node.attr) is not None:
                return value_ref(g, g.runtime.qualified_value(f"{base.id}.{node.attr}"), f"{base.id}.{node.attr}")
            return value_ref(g, g.runtime.unbound_method(base.id, node.attr), f"{base.id}.{node.attr}")
    nested = qualified_path(g, base, fn) if isinstance(base, A.Attribute) else None
    if nested is not None and g.runtime.module_function(f"{nested}.{node.attr}") is not None:
        # ``itertools.chain.from_iterable`` as a value: a function reached through a class
        return value_ref(g, g.runtime.qualified_value(f"{nested}.{node.attr}"), node.attr)
    value = g.expr(base, fn)
    t = g.type_of(base)
    if isinstance(t, (T.RecordType, T.EnumType)):
        return P.attr(value, node.attr)  # a type unknown (None) goes the stdlib's way: a str's `s.split` too
    attribute = P.call(g.ref(g.runtime.attribute_value, "attribute"), [P.name(CTX), value, P.const(node.attr)])
    if isinstance(g.type_of(node), T.BoundMethodType):  # ``key=d.get``: a method as a value
        return functions.as_function(g, attribute)
    return attribute


# ---- comprehensions and lambdas ------------------------------------------------------------------

#: Static types whose values are never sets: their loops stay native.
#: (a dict's keys/values/items view is no set: it iterates in the dict's order)
_NOT_SETS = (T.ListType, T.DictType, T.TupleType, T.IteratorType, T.RangeType, T.CounterType, T.PrimType,
             T.KeysViewType, T.ValuesViewType)


def in_order(g, node: Any, iter_py: py.expr) -> py.expr:
    """What a ``for`` loop or comprehension clause iterates: a set (or a value whose static
    type may be a set) in Seglam's fixed order (:mod:`seglam.run.ordering`), charged and
    checked exactly as the reference backend does; anything else as it is."""
    if isinstance(g.type_of(node), _NOT_SETS):
        return iter_py
    return P.call(g.ref(iterate, "iterate"), [P.name(CTX), iter_py])


def _generators(g, comp: Any, fn: FnState) -> tuple[list[py.comprehension], FnState]:
    gens = comp.generators
    scope = fn.scope.child("comprehension", comprehension_locals(gens))
    inner = FnState(fn.name, scope, fn.loop_depth)
    out = []
    for i, gen in enumerate(gens):
        # the first iterable is evaluated in the enclosing scope, as in Python, when the
        # comprehension is made: putting a set in order there is the comprehension's work
        # (a line of its own: not its step's, which a fault leaves for the code driving it)
        iter_ = in_order(g, gen.iter, g.expr(gen.iter, fn if i == 0 else inner))
        if i == 0:
            iter_ = P.stamp(iter_, g.line(comp))
        tick = ir.ItemStep()  # one step per iteration; True
        ifs = [g.expr(c, inner) for c in gen.ifs]
        if plain_assignable(g, gen.target, element_type(g.type_of(gen.iter))) or isinstance(gen.target, A.Name):
            out.append(ir.Clause(target=target(g, gen.target, inner), iter=iter_, ifs=[tick] + ifs,
                                 sized=held_sized(g, gen.iter, fn, first=i == 0)))
        else:
            # unpacking a value not known to be a tuple/list: collect (and charge) it first
            tmp = g.tmp()
            out.append(py.comprehension(target=P.store(tmp), iter=iter_, ifs=[tick], is_async=0))
            unpack = P.call(g.ref(g.runtime.unpackable, "unpackable"), [P.name(CTX), P.name(tmp)])
            out.append(py.comprehension(target=target(g, gen.target, inner), iter=py.List(elts=[unpack], ctx=P.LOAD),
                                        ifs=ifs, is_async=0))
    return out, inner


def _listcomp(g, node: A.ListComp, fn: FnState) -> py.expr:
    gens, inner = _generators(g, node, fn)
    return len_capped(g, py.ListComp(elt=g.expr(node.elt, inner), generators=gens))


def _setcomp(g, node: A.SetComp, fn: FnState) -> py.expr:
    gens, inner = _generators(g, node, fn)
    elt = keyed(g, g.expr(node.elt, inner), g.type_of(node.elt), node.elt)
    return len_capped(g, py.SetComp(elt=elt, generators=gens))


def _dictcomp(g, node: A.DictComp, fn: FnState) -> py.expr:
    gens, inner = _generators(g, node, fn)
    key = keyed(g, g.expr(node.key, inner), g.type_of(node.key), node.key)
    return len_capped(g, py.DictComp(key=key, value=g.expr(node.value, inner), generators=gens))


def _genexp(g, node: A.GeneratorExp, fn: FnState) -> py.expr:
    gens, inner = _generators(g, node, fn)
    return py.GeneratorExp(elt=g.expr(node.elt, inner), generators=gens)


def _lambda(g, node: A.Lambda, fn: FnState) -> py.expr:
    """A lambda call costs one step and one level of depth (checked on entry, as for a
    def): like a def, a lambda takes its call's depth first (:mod:`functions`), and its body
    runs when ``ir.LambdaEntry``, which does both and is true, allows."""
    inner = FnState(fn.name, fn.scope.child("lambda", lambda_locals(node)))
    args = g.arguments(node.params, fn, hidden_depth=True)
    body = g.expr(node.body, inner)
    entry = ir.LambdaEntry(P.name(DEPTH), fault=g.ref(g.runtime.depth_fault, "depth_fault").id)
    return py.Lambda(args=args, body=py.IfExp(test=entry, body=body, orelse=P.const(None)))


def target(g, node: Any, fn: FnState) -> py.expr:
    """An assignment target (names, tuples, lists, starred; items handled by statements)."""
    if isinstance(node, A.Name):
        return P.store(user(node.id))
    if isinstance(node, A.TupleExpr):
        return py.Tuple(elts=[target(g, e, fn) for e in node.elts], ctx=P.STORE)
    if isinstance(node, A.ListExpr):
        return py.List(elts=[target(g, e, fn) for e in node.elts], ctx=P.STORE)
    if isinstance(node, A.Starred):
        return py.Starred(value=target(g, node.value, fn), ctx=P.STORE)
    if isinstance(node, A.Subscript) and not isinstance(node.index, A.Slice):
        t = g.type_of(node.value)
        if isinstance(t, T.ListType):
            return py.Subscript(value=g.expr(node.value, fn), slice=g.expr(node.index, fn), ctx=P.STORE)
    raise g.fail("this assignment target is not supported inside a compound target", node)


# ---- calls -----------------------------------------------------------------------------------------


def _call(g, node: A.Call, fn: FnState) -> py.expr:
    return g.call(node, fn)


def _starred(g, node: A.Starred, fn: FnState) -> py.expr:
    return py.Starred(value=g.expr(node.value, fn), ctx=P.LOAD)


_DISPATCH = {
    A.Name: _name, A.Constant: _constant, A.JoinedStr: _joined, A.FormattedValue: _formatted,
    A.BinOp: _binop, A.UnaryOp: _unary, A.BoolOp: _boolop, A.Compare: _compare,
    A.IfExp: _ifexp, A.NamedExpr: _named, A.ListExpr: _list, A.TupleExpr: _tuple,
    A.SetExpr: _set, A.DictExpr: _dict, A.Subscript: _subscript, A.Slice: slice_object,
    A.Attribute: _attribute, A.ListComp: _listcomp, A.SetComp: _setcomp,
    A.DictComp: _dictcomp, A.GeneratorExp: _genexp, A.Lambda: _lambda, A.Call: _call,
    A.Starred: _starred,
}


def plain_assignable(g, node: Any, value_type: Any = None) -> bool:
    """Whether Python's own assignment to ``node`` means what Seglam means: names, list
    items, and unpacking of values statically known to be tuples or lists (anything else
    is collected first, and charged, by :func:`_store`)."""
    if isinstance(node, A.Name):
        return True
    if isinstance(node, (A.TupleExpr, A.ListExpr)):
        if isinstance(value_type, T.TupleType) and not value_type.variadic and len(value_type.elems) == len(node.elts):
            return all(plain_assignable(g, e, t) for e, t in zip(node.elts, value_type.elems))
        if isinstance(value_type, (T.TupleType, T.ListType)):
            elem = value_type.elems[0] if isinstance(value_type, T.TupleType) else value_type.elem
            return all(plain_assignable(g, e, elem) for e in node.elts)
        return False
    if isinstance(node, A.Starred):
        return isinstance(node.value, A.Name)
    if isinstance(node, A.Subscript) and not isinstance(node.index, A.Slice):
        return isinstance(g.type_of(node.value), T.ListType)
    return False


def element_type(t: Any) -> Any:
    """The static type of the items of an iterable of static type ``t`` (None if unknown)."""
    if isinstance(t, (T.ListType, T.SetType, T.IteratorType, T.KeysViewType, T.ValuesViewType)):
        return t.elem
    if isinstance(t, T.DictType):
        return t.key
    if isinstance(t, T.TupleType) and t.variadic:
        return t.elems[0]
    if t == T.STR:
        return T.STR
    return None
