"""Host Python values ⇄ Seglam values, by static type, at the API boundary.

- :func:`to_seglam` checks a host value against the parameter's static type and returns a
  deep-frozen Seglam value (``FrozenList``/``FrozenDict``/``FrozenSet``, record instances
  of the program's own classes, enum members). A wrong value raises ``TypeError`` naming
  the parameter and the path inside it (``argument 'rows': rows[2][1]: expected int, got
  str``).
  Accepted: ``int`` (``bool`` too, as in Python) for ``int``; ``int`` for ``float`` and
  ``Decimal`` (mypy's numeric promotion; ints stay ints for ``float``, become ``Decimal`` for
  ``Decimal``); lists or tuples for ``list[T]`` and ``tuple[...]``; sets or frozensets for
  ``set[T]``; any mapping for ``dict``; for ``Iterable[T]`` a list, tuple, set or frozenset
  (each converted as for ``list[T]``, ``tuple[T, ...]`` or ``set[T]``, so it stays a list, a
  tuple or a set), a ``str`` where ``T`` holds a str and a ``range`` where it holds an int;
  for ``Sequence[T]`` the same but sets (:func:`_as_collection`); records as instances of the program's record class,
  any dataclass instance with the same field names, or a dict of fields (missing fields
  take their defaults); enums as a member of the program's enum, a member of any enum with
  a member of the same name, or a member's value.
- :func:`to_host` turns a Seglam result into plain host values: frozen collections become
  ``list``/``dict``/``set`` (deep), a Counter a ``collections.Counter``; records stay instances of the program's dataclasses
  (fields converted); enum members stay members.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime
import decimal
import enum
from operator import countOf
from typing import Any, Callable

from seglam.check import types as T
from seglam.check.typeops import assignable
from seglam.run.values import FrozenDict, FrozenList, FrozenSet, freeze, is_record, program_classes, thaw


class _Mismatch(Exception):
    def __init__(self, path: str, expected: str, got: Any) -> None:
        super().__init__(path, expected)
        self.path = path
        self.expected = expected
        self.got = got


def to_seglam(value: Any, type_: Any, checked: Any, name: str) -> Any:
    """The Seglam value for host ``value`` passed as parameter ``name`` of static type
    ``type_``; ``TypeError`` naming the parameter when it does not fit."""
    classes = program_classes(checked)
    try:
        return _in(value, type_, classes, checked, name)
    except _Mismatch as m:
        got = type(m.got).__name__
        where = f"{m.path}: " if m.path != name else ""
        raise TypeError(f"argument {name!r}: {where}expected {m.expected}, got {got}") from None
    except RecursionError:
        raise TypeError(f"argument {name!r}: the value nests too deeply") from None


def _render(t: Any) -> str:
    return t.render() if hasattr(t, "render") else str(t)


#: Host types a primitive static type takes as they are (no conversion): a collection of
#: these is checked in one pass, with no path made per element (``_prim`` is the rule; an
#: element outside the set takes the general path, which converts it or names it).
_AS_IS = {
    "int": frozenset({int, bool}), "float": frozenset({float, int}), "str": frozenset({str}),
    "bool": frozenset({bool}), "date": frozenset({datetime.date}), "timedelta": frozenset({datetime.timedelta}),
}


#: The host type most items of a collection of each primitive type have: counting it (a C
#: loop of identity tests) is cheaper than the set lookups of ``issuperset``, which is left
#: for collections that mix accepted types (ints and bools, floats and ints).
_USUAL = {"int": int, "float": float, "str": str, "bool": bool, "date": datetime.date,
          "timedelta": datetime.timedelta}


def _all_as_is(values: Any, t: Any) -> bool:
    """Every item of ``values`` is a value of primitive type ``t`` as it is."""
    if type(t) is not T.PrimType or t.name not in _AS_IS:
        return False
    return countOf(map(type, values), _USUAL[t.name]) == len(values) \
        or _AS_IS[t.name].issuperset(map(type, values))


def binder(type_: Any, checked: Any, name: str) -> Callable[[Any], Any]:
    """:func:`to_seglam` for parameter ``name`` of static type ``type_``, specialised once
    per parameter: for a primitive type, a value of an accepted host type passes as it is
    (``_AS_IS``, the rule :func:`_prim` applies) without the general path's dispatch."""
    accepted = _AS_IS.get(type_.name) if type(type_) is T.PrimType else None
    if accepted is None:
        return lambda value: to_seglam(value, type_, checked, name)
    return lambda value: value if type(value) in accepted else to_seglam(value, type_, checked, name)


def _in(v: Any, t: Any, classes: Any, checked: Any, path: str) -> Any:
    tt = type(t)
    if tt is T.PrimType:
        return _prim(v, t.name, path)
    if tt is T.ListType:
        if not isinstance(v, (list, tuple)):
            raise _Mismatch(path, _render(t), v)
        if _all_as_is(v, t.elem):
            return FrozenList(v)
        return FrozenList([_in(x, t.elem, classes, checked, f"{path}[{i}]") for i, x in enumerate(v)])
    if tt is T.SetType:
        if not isinstance(v, (set, frozenset)):
            raise _Mismatch(path, _render(t), v)
        if _all_as_is(v, t.elem):
            return FrozenSet(v)
        return FrozenSet({_in(x, t.elem, classes, checked, f"{path}{{...}}") for x in v})
    if tt is T.DictType:
        if not isinstance(v, dict):
            raise _Mismatch(path, _render(t), v)
        if _all_as_is(v, t.key) and _all_as_is(v.values(), t.value):
            return FrozenDict(v)
        return FrozenDict({
            _in(k, t.key, classes, checked, f"{path}.keys()"): _in(x, t.value, classes, checked, f"{path}[{k!r}]")
            for k, x in v.items()
        })
    if tt is T.TupleType:
        if not isinstance(v, (tuple, list)):
            raise _Mismatch(path, _render(t), v)
        if t.variadic:
            if _all_as_is(v, t.elems[0]):
                return tuple(v)
            return tuple(_in(x, t.elems[0], classes, checked, f"{path}[{i}]") for i, x in enumerate(v))
        if len(v) != len(t.elems):
            raise _Mismatch(path, f"{_render(t)} ({len(t.elems)} items)", v)
        return tuple(_in(x, e, classes, checked, f"{path}[{i}]") for i, (x, e) in enumerate(zip(v, t.elems)))
    if tt is T.UnionType:
        if v is None and T.NONE in t.options:
            return None
        for option in t.options:
            if option == T.NONE:
                continue
            try:
                return _in(v, option, classes, checked, path)
            except _Mismatch:
                continue
        raise _Mismatch(path, _render(t), v)
    if tt is T.RangeType and type(v) is range:
        return v
    if tt is T.IterableType or tt is T.SequenceType:
        return _in(v, _as_collection(v, t, path), classes, checked, path)
    if tt.__name__ == "CounterType":
        if not isinstance(v, dict):
            raise _Mismatch(path, _render(t), v)
        items = {_in(k, t.key, classes, checked, f"{path}.keys()"): _in(x, T.INT, classes, checked, f"{path}[{k!r}]")
                 for k, x in v.items()}
        return freeze(collections.Counter(items))
    if tt is T.RecordType:
        return _record(v, t.name, classes, checked, path)
    if tt is T.EnumType:
        return _enum(v, t.name, classes, path)
    if tt in (T.AnyType, T.ErrorType) or t is None:
        return _untyped(v, classes)
    raise _Mismatch(path, _render(t), v)


def _as_collection(v: Any, t: Any, path: str) -> Any:
    """The static type host value ``v`` is bound as for an ``Iterable[T]`` or a
    ``Sequence[T]`` ``t``: the collection of elements ``T`` it is (a list, a tuple, a set
    for an ``Iterable`` only, a str, a range), as Python's typing means them."""
    if isinstance(v, list):
        return T.ListType(t.elem)
    if isinstance(v, tuple):
        return T.TupleType((t.elem,), True)
    if isinstance(v, (set, frozenset)) and type(t) is T.IterableType:
        return T.SetType(t.elem)
    if isinstance(v, str) and assignable(T.STR, t.elem):
        return T.STR
    if isinstance(v, range) and assignable(T.INT, t.elem):
        return T.RANGE
    raise _Mismatch(path, _render(t), v)


def _prim(v: Any, name: str, path: str) -> Any:
    tv = type(v)
    if name == "int":
        if tv is int or tv is bool:
            return v
    elif name == "float":
        if tv is float or tv is int:
            return v
    elif name == "str":
        if tv is str:
            return v
    elif name == "bool":
        if tv is bool:
            return v
    elif name == "None":
        if v is None:
            return None
    elif name == "Decimal":
        if tv is decimal.Decimal:
            return v
        if tv is int:
            return decimal.Decimal(v)
    elif name == "date":
        if tv is datetime.date:
            return v
    elif name == "timedelta":
        if tv is datetime.timedelta:
            return v
    raise _Mismatch(path, name, v)


def _record(v: Any, name: str, classes: Any, checked: Any, path: str) -> Any:
    cls = classes.records[name]
    info = checked.records[name]
    if type(v) is cls:
        source = {f.name: getattr(v, f.name) for f in info.fields}
    elif dataclasses.is_dataclass(v) and not isinstance(v, type):
        source = {f.name: getattr(v, f.name) for f in dataclasses.fields(v)}
    elif isinstance(v, dict):
        source = dict(v)
    else:
        raise _Mismatch(path, name, v)
    wanted = {f.name for f in info.fields}
    extra = [k for k in source if k not in wanted]
    if extra:
        raise _Mismatch(f"{path}.{extra[0]}", f"no field {extra[0]!r} in {name}", v)
    values = {}
    defaults = {f.name: f.default for f in dataclasses.fields(cls)}
    for f in info.fields:
        if f.name in source:
            values[f.name] = _in(source[f.name], f.type, classes, checked, f"{path}.{f.name}")
        elif defaults.get(f.name, dataclasses.MISSING) is dataclasses.MISSING:
            raise _Mismatch(f"{path}.{f.name}", f"a value for field {f.name!r}", None)
    return cls(**values)


def _enum(v: Any, name: str, classes: Any, path: str) -> Any:
    cls = classes.enums[name]
    if type(v) is cls:
        return v
    if isinstance(v, enum.Enum):
        member = cls.__members__.get(v.name)
        if member is not None:
            return member
        raise _Mismatch(path, name, v)
    for member in cls:
        if type(member.value) is type(v) and member.value == v:
            return member
    raise _Mismatch(path, f"{name} (a member or one of its values)", v)


def _untyped(v: Any, classes: Any) -> Any:
    """Best effort without a type (error recovery only): deep-freeze plain containers."""
    return freeze(v)


def to_host(value: Any, type_: Any, checked: Any) -> Any:
    """Plain host values for a Seglam result (frozen → plain, deep; records rebuilt only
    when a field changes)."""
    try:
        return thaw(value)
    except RecursionError:  # a result nested deeper than the host can walk: leave it as is
        return value


__all__ = ["to_seglam", "binder", "to_host", "is_record"]
