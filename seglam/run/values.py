"""Seglam run-time values beyond Python's own: frozen collections, records and enums.

Values are native Python values (see docs/IMPL.md). This module adds:

- :class:`FrozenList`, :class:`FrozenDict`, :class:`FrozenSet`: subclasses of
  ``list``/``dict``/``set`` (so reads run at full speed) whose mutators raise the
  ``F-FROZEN`` :class:`~seglam.run.faults.Fault`. Arguments and module constants are
  deep-frozen with :func:`freeze`. Copies (``list(x)``, ``x.copy()``, slices, ``+``,
  comprehensions) are plain, mutable ``list``/``dict``/``set``.
- :func:`make_record_class`: one frozen dataclass per record per program (``repr`` like
  Python's: ``Point(x=1, y=2)``); :func:`make_enum_class`: one ``enum.Enum`` subclass.
- :func:`is_record`, :func:`record_fields`, :func:`thaw` (frozen → plain, deep).
"""

from __future__ import annotations

import dataclasses
import enum
import threading
from typing import Any, Iterable, Mapping

from seglam.run.decimal_context import DECIMAL_CONTEXT
from seglam.run.faults import Fault
from seglam.syntax import ast as A

#: The ``__module__`` of every generated class (never a real importable module).
SEGLAM_MODULE = "__seglam__"


def _frozen_fault(kind: str, name: str) -> Fault:
    return Fault(
        "F-FROZEN",
        f"cannot {name.strip('_')} this {kind}: it is frozen (an argument, a constant, or a value "
        f"taken from one): copy it first, e.g. `xs = {kind}(xs)`",
    )


def _frozen_method(kind: str, name: str):
    def method(self, *args, **kwargs):
        raise _frozen_fault(kind, name)

    method.__name__ = name
    return method


class FrozenList(list):
    """A ``list`` whose mutators fault with ``F-FROZEN``."""

    __slots__ = ()

    def __hash__(self):  # like list: unhashable
        raise TypeError("unhashable type: 'list'")


class FrozenDict(dict):
    """A ``dict`` whose mutators fault with ``F-FROZEN``."""

    __slots__ = ()


class FrozenSet(set):
    """A ``set`` whose mutators fault with ``F-FROZEN``."""

    __slots__ = ()


_LIST_MUTATORS = ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
                  "__setitem__", "__delitem__", "__iadd__", "__imul__")
_DICT_MUTATORS = ("__setitem__", "__delitem__", "pop", "popitem", "setdefault", "update",
                  "clear", "__ior__")
_SET_MUTATORS = ("add", "discard", "remove", "pop", "clear", "update", "intersection_update",
                 "difference_update", "symmetric_difference_update", "__ior__", "__iand__",
                 "__isub__", "__ixor__")

for _cls, _kind, _names in ((FrozenList, "list", _LIST_MUTATORS), (FrozenDict, "dict", _DICT_MUTATORS),
                            (FrozenSet, "set", _SET_MUTATORS)):
    for _name in _names:
        setattr(_cls, _name, _frozen_method(_kind, _name))
FrozenList.__hash__ = None  # type: ignore[assignment]

import collections as _collections  # noqa: E402


class FrozenCounter(_collections.Counter):
    """A ``collections.Counter`` whose mutators fault with ``F-FROZEN`` (reads, ``most_common``
    and missing keys reading 0 still work)."""

    __slots__ = ()


for _name in _DICT_MUTATORS + ("subtract", "__iadd__", "__isub__", "__iand__"):
    setattr(FrozenCounter, _name, _frozen_method("Counter", _name))

FROZEN_TYPES = (FrozenList, FrozenDict, FrozenSet, FrozenCounter)
#: The types a tuple assignment unpacks as they are (a list frozen or not: where a list came
#: from must not change what unpacking it costs); anything else is collected first.
UNPACKED_AS_IS = frozenset({tuple, list, FrozenList})


def frozen_fault(kind: str, name: str) -> Fault:
    """The ``F-FROZEN`` fault for calling mutator ``name`` on a frozen ``kind``."""
    return _frozen_fault(kind, name)


# ---- records ---------------------------------------------------------------------------------


def is_record(value: object) -> bool:
    """Whether ``value`` is an instance of a generated record class."""
    return getattr(type(value), "__seglam_record__", False) is True


def record_fields(value_or_class: Any) -> tuple[str, ...]:
    """The field names of a record (instance or class), in order."""
    return type(value_or_class).__seglam_fields__ if not isinstance(value_or_class, type) \
        else value_or_class.__seglam_fields__


class DefaultFactory:
    """A record field default made fresh per instance: ``field(default_factory=list)``."""

    __slots__ = ("factory",)

    def __init__(self, factory: type) -> None:
        self.factory = factory


def make_record_class(name: str, fields: Iterable[tuple[str, bool, Any]], order: bool = False) -> type:
    """A frozen dataclass named ``name``. Backends should not call this directly: use
    :func:`program_classes` so that both backends and :mod:`seglam.run.convert` share one
    class per record (dataclass equality and ``isinstance`` compare classes).

    ``fields``: ``(field_name, has_default, default_value)`` in order; defaults are values
    already evaluated (they are immutable: the checker rejects mutable defaults)."""
    specs = []
    names = []
    for fname, has_default, default in fields:
        names.append(fname)
        if has_default and isinstance(default, DefaultFactory):
            specs.append((fname, object, dataclasses.field(default_factory=default.factory)))
        elif has_default:
            specs.append((fname, object, dataclasses.field(default=default)))
        else:
            specs.append((fname, object))
    # a record imported from a Seglam module is named ``module.Record``; it prints as Python does
    cls = dataclasses.make_dataclass(display_name(name), specs, frozen=True, eq=True, order=order, slots=True,
                                     namespace={"__seglam_record__": True,
                                                "__seglam_fields__": tuple(names)})
    cls.__module__ = SEGLAM_MODULE
    cls.__qualname__ = display_name(name)
    for method in _COMPARISONS:
        if method in cls.__dict__:
            setattr(cls, method, _memoised_comparison(cls.__dict__[method]))
    return cls


#: The comparison methods dataclasses generate (``__eq__``; the others with ``order=True``).
_COMPARISONS = ("__eq__", "__lt__", "__le__", "__gt__", "__ge__")


class _Comparing(threading.local):
    """Per thread: the results of the record comparisons the outermost one running has made
    (``(method, id(a), id(b)) -> result``), or None when none runs."""

    memo: dict | None = None


_COMPARING = _Comparing()


def _memoised_comparison(method: Any) -> Any:
    """A dataclass comparison method that, within one outermost record comparison, compares
    each pair of objects once. Two records built alike by repeated reference (``x = N(0, (x,
    x))`` forty times) are 2**40 nodes apart as trees, and CPython's tuple comparison
    visits every one; remembering the pairs met makes it linear in the objects. The result
    is CPython's (a comparison of unchanged values gives the same answer each time); every
    pair compared stays alive until the outermost comparison returns, so ids are not reused."""
    def compare(self: Any, other: Any) -> Any:
        memo = _COMPARING.memo
        if memo is None:
            _COMPARING.memo = {}
            try:
                return method(self, other)
            finally:
                _COMPARING.memo = None
        key = (method, id(self), id(other))
        known = memo.get(key, _UNKNOWN)
        if known is _UNKNOWN:
            known = memo[key] = method(self, other)
        return known

    compare.__name__ = method.__name__
    compare.__qualname__ = method.__qualname__
    return compare


_UNKNOWN = object()


def make_enum_class(name: str, members: Iterable[tuple[str, object]]) -> type:
    """An ``enum.Enum`` subclass named ``name`` with ``members`` ``(name, value)`` in order."""
    cls = enum.Enum(display_name(name), [(m, v) for m, v in members], module=SEGLAM_MODULE, qualname=display_name(name))
    return cls


def display_name(name: str) -> str:
    """The name a class prints with: ``Date`` for ``dates.Date`` (a record or enum linked in
    from another Seglam module keeps its module in the program, not in its repr)."""
    return name.rpartition(".")[2]


def is_enum_member(value: object) -> bool:
    return isinstance(value, enum.Enum)


# ---- freezing ---------------------------------------------------------------------------------


def freeze(value: Any) -> Any:
    """A deep-frozen version of ``value`` (lists, dicts, sets, tuples and records).

    Already-frozen collections are returned as they are (they are deep-frozen by
    construction)."""
    return _freeze(value, [0])


_SCALARS = (int, str, float, bool, type(None))


def freeze_arg(ctx: Any, value: Any, copies: dict | None = None) -> Any:
    """:func:`freeze` for an argument of a Seglam call (every call freezes its arguments;
    the caller's own collections stay mutable): charges ``ctx.charge(n)`` for the ``n``
    elements copied. Both backends use it, so the fuel agrees. ``copies`` (the call's, see
    :func:`handed_back`) gets every copy made, with the original it stands for."""
    t = type(value)
    if t in _SCALARS or t in FROZEN_TYPES:
        return value
    counter = [0]
    frozen = _freeze(value, counter, None, copies)
    if counter[0]:
        ctx.charge(counter[0])
    return frozen


def freeze_flat_arg(ctx: Any, value: Any, copies: dict | None = None) -> Any:
    """:func:`freeze_arg` for a list, dict or set whose elements are immutable by their
    static type: the same result and charge, without visiting the elements."""
    t = type(value)
    if t is list:
        frozen: Any = FrozenList(value)
    elif t is dict:
        frozen = FrozenDict(value)
    elif t is set:
        frozen = FrozenSet(value)
    else:  # already frozen, a Counter, ...: the general rule
        return freeze_arg(ctx, value, copies)
    if value:
        ctx.charge(len(value))
    if copies is not None:
        copies[id(frozen)] = (frozen, value)
    return frozen


def record_copy(copies: dict, original: Any, copy: Any) -> Any:
    """``copy``, noted in the call's ``copies`` as the frozen copy of ``original`` (for
    :func:`handed_back`); uncharged. The pair keeps both alive for the call, so no object
    made meanwhile can take the copy's id."""
    copies[id(copy)] = (copy, original)
    return copy


def handed_back(copies: dict, value: Any) -> Any:
    """What a call returns to its caller when its body returned ``value``: the caller's own
    object if ``value`` is the frozen copy the call's entry made of it (of an argument, or
    of a collection inside one; ``copies`` maps id(copy) -> (copy, original)), else
    ``value`` (SPEC.md section 7). An identity lookup: uncharged."""
    hit = copies.get(id(value))
    if hit is None or hit[0] is not value:
        return value
    return hit[1]


def frozen_copy(value: Any) -> Any:
    """The frozen value a parameter kept as received stands for where the compiled backend
    hands it out (:mod:`seglam.run.codegen.escape`): a plain list or set is copied into a
    frozen one, uncharged (the call's entry charged it); anything else is already frozen."""
    t = type(value)
    if t is list:
        return FrozenList(value)
    if t is set:
        return FrozenSet(value)
    return value


def _freeze(value: Any, counter: list, memo: dict | None = None, copies: dict | None = None) -> Any:
    """The frozen ``value``, adding to ``counter[0]`` the elements copied. ``memo`` (id ->
    (frozen, elements)) freezes each object once, however often the value holds it (a
    record holding one sub-record twice, forty times over, is forty objects, not 2**40),
    and adds its elements again at each further occurrence: the charge is the one a copy
    per occurrence would make, as before, and the walk is linear in the objects. Each copy
    made goes into ``copies`` when given (:func:`record_copy`)."""
    t = type(value)
    if t in _SCALARS or t in FROZEN_TYPES:
        return value
    if memo is None:
        memo = {}
    known = memo.get(id(value))
    if known is not None:
        counter[0] += known[1]
        return known[0]
    before = counter[0]
    frozen = _freeze_new(value, t, counter, memo, copies)
    memo[id(value)] = (frozen, counter[0] - before)
    if copies is not None and frozen is not value:
        record_copy(copies, value, frozen)
    return frozen


def _freeze_new(value: Any, t: type, counter: list, memo: dict, copies: dict | None) -> Any:
    """:func:`_freeze` of a value not met before in this walk."""
    if t is list:
        counter[0] += len(value)
        return FrozenList([_freeze(v, counter, memo, copies) for v in value])
    if t is tuple:
        items = [_freeze(v, counter, memo, copies) for v in value]
        if all(a is b for a, b in zip(items, value)):
            return value  # nothing inside needed a copy: no charge
        counter[0] += len(value)
        return tuple(items)
    if isinstance(value, _collections.Counter):
        counter[0] += len(value)
        frozen = FrozenCounter.__new__(FrozenCounter)
        dict.update(frozen, value)  # Counter.__init__ would call the (blocked) update
        return frozen
    if t is dict or isinstance(value, dict):
        counter[0] += len(value)
        return FrozenDict({k: _freeze(v, counter, memo, copies) for k, v in value.items()})
    if t is set:
        counter[0] += len(value)
        return FrozenSet(value)  # set elements are hashable, hence immutable already
    if is_record(value):
        changed = {}
        for fname in t.__seglam_fields__:
            old = getattr(value, fname)
            new = _freeze(old, counter, memo, copies)
            if new is not old:
                changed[fname] = new
        if not changed:
            return value
        return t(**{f: changed.get(f, getattr(value, f)) for f in t.__seglam_fields__})
    return value


def thaw(value: Any, memo: dict | None = None) -> Any:
    """Plain host values: frozen collections back to ``list``/``dict``/``set`` (deep), a
    Counter to a ``collections.Counter`` (a dict);
    records are rebuilt only when a field changes. ``memo`` (id -> thawed) thaws each object
    once, so a result that holds one value many times (a record built by repeated reference)
    is handed back in time linear in its objects, sharing as it did."""
    t = type(value)
    if t in (int, str, float, bool) or value is None:
        return value
    if memo is None:
        memo = {}
    known = memo.get(id(value), _UNKNOWN)
    if known is _UNKNOWN:
        known = memo[id(value)] = _thaw_new(value, t, memo)
    return known


def _thaw_new(value: Any, t: type, memo: dict) -> Any:
    """:func:`thaw` of a value not met before in this walk."""
    if isinstance(value, list):
        return [thaw(v, memo) for v in value]
    if t is tuple:
        return tuple(thaw(v, memo) for v in value)
    if isinstance(value, _collections.Counter):  # still a Counter: it prints (and adds) as one
        return _collections.Counter({thaw(k, memo): v for k, v in value.items()})
    if isinstance(value, dict):
        return {thaw(k, memo): thaw(v, memo) for k, v in value.items()}
    if isinstance(value, set):
        return set(value)
    if is_record(value):
        changed = {}
        for fname in t.__seglam_fields__:
            old = getattr(value, fname)
            new = thaw(old, memo)
            if new is not old:
                changed[fname] = new
        if not changed:
            return value
        return t(**{f: changed.get(f, getattr(value, f)) for f in t.__seglam_fields__})
    return value


def record_classes(records: Mapping[str, Any]) -> dict[str, type]:  # pragma: no cover - helper
    """Build classes for ``{name: (fields, order)}`` (convenience for backends)."""
    return {name: make_record_class(name, fields, order) for name, (fields, order) in records.items()}


# ---- per-program classes ----------------------------------------------------------------------


class ProgramClasses:
    """The record and enum classes of one checked program: ``records[name]``,
    ``enums[name]``. Built once per :class:`CheckedModule` by :func:`program_classes` and
    shared by both backends and :mod:`seglam.run.convert`, so a record made by one is equal
    to the same record made by another."""

    __slots__ = ("records", "enums")

    def __init__(self, records: dict[str, type], enums: dict[str, type]) -> None:
        self.records = records
        self.enums = enums


_BUILD_LOCK = threading.Lock()  # classes are built once per program


def program_classes(checked: Any) -> ProgramClasses:
    """The :class:`ProgramClasses` of ``checked`` (built on first use, then cached on the
    checked module itself, which is immutable otherwise; thread-safe)."""
    got = getattr(checked, "_seglam_classes", None)
    if got is not None:
        return got
    with _BUILD_LOCK:
        got = getattr(checked, "_seglam_classes", None)
        if got is None:
            got = _build_classes(checked)
            object.__setattr__(checked, "_seglam_classes", got)
    return got


def _build_classes(checked: Any) -> ProgramClasses:
    enums = {name: make_enum_class(name, info.members) for name, info in checked.enums.items()}
    records: dict[str, type] = {}
    for name, info in checked.records.items():
        fields = []
        for f in info.fields:
            if f.default is None:
                fields.append((f.name, False, None))
                continue
            ok, value = literal_value(f.default, enums, checked.imports)
            fields.append((f.name, ok, value if isinstance(value, DefaultFactory) else freeze(value) if ok else None))
        # A field without a usable default after one with a default is a dataclass error;
        # keep declaration order and drop defaults that would break it.
        seen_default = False
        fixed = []
        for fname, has, value in fields:
            if has:
                seen_default = True
            elif seen_default:
                fixed = [(n, False, None) for n, _, _ in fixed]
                seen_default = False
            fixed.append((fname, has, value))
        records[name] = make_record_class(name, fixed, getattr(info, "order", False))
    return ProgramClasses(records, enums)


def literal_value(expr: Any, enums: Mapping[str, type], imports: Mapping[str, str]) -> tuple[bool, Any]:
    """``(True, value)`` for a record-field default that is a literal: constants, ``-1``,
    tuples of literals, ``Enum.MEMBER``, ``Decimal("1.5")``, ``date(2024, 1, 2)``,
    ``timedelta(days=1)``, ``frozenset()``/``()``; else ``(False, None)``."""
    import datetime
    import decimal


    t = type(expr)
    if t is A.Constant:
        return (expr.value is not Ellipsis), expr.value
    if t is A.Call and _is_field_call(expr.func, imports):
        for k in expr.keywords:
            if k.name == "default":
                return literal_value(k.value, enums, imports)
            if k.name == "default_factory" and type(k.value) is A.Name and k.value.id in ("list", "dict", "set"):
                return True, DefaultFactory({"list": list, "dict": dict, "set": set}[k.value.id])
        return False, None
    if t is A.UnaryOp and expr.op in "-+" and type(expr.operand) is A.Constant:
        v = expr.operand.value
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            return True, (-v if expr.op == "-" else v)
    if t is A.TupleExpr:
        items = [literal_value(e, enums, imports) for e in expr.elts]
        if all(ok for ok, _ in items):
            return True, tuple(v for _, v in items)
    if t is A.Attribute and type(expr.value) is A.Name and expr.value.id in enums:
        cls = enums[expr.value.id]
        if expr.attr in cls.__members__:
            return True, cls[expr.attr]
    if t is A.Call and type(expr.func) is A.Name and not expr.keywords or t is A.Call and type(expr.func) is A.Name:
        qual = imports.get(expr.func.id, expr.func.id)
        args = [literal_value(e, enums, imports) for e in expr.args]
        kwargs = {k.name: literal_value(k.value, enums, imports) for k in expr.keywords if k.name}
        if all(ok for ok, _ in args) and all(ok for ok, _ in kwargs.values()) and len(kwargs) == len(expr.keywords):
            a = [v for _, v in args]
            kw = {k: v for k, (_, v) in kwargs.items()}
            try:
                with decimal.localcontext(DECIMAL_CONTEXT):
                    if qual == "decimal.Decimal" and len(a) <= 1 and not kw:
                        return True, decimal.Decimal(*a)
                    if qual == "datetime.date":
                        return True, datetime.date(*a, **kw)
                    if qual == "datetime.timedelta":
                        return True, datetime.timedelta(*a, **kw)
            except (ValueError, TypeError, OverflowError, ArithmeticError):
                return False, None
    return False, None


def _is_field_call(func: Any, imports: Mapping[str, str]) -> bool:

    if type(func) is A.Name:
        return imports.get(func.id) == "dataclasses.field"
    return type(func) is A.Attribute and func.attr == "field" and type(func.value) is A.Name \
        and imports.get(func.value.id) == "dataclasses"
