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
from typing import Any, Iterable, Mapping

from seglam.run.faults import Fault

#: The ``__module__`` of every generated class (never a real importable module).
SEGLAM_MODULE = "__seglam__"


def _frozen_fault(kind: str, name: str) -> Fault:
    return Fault(
        "F-FROZEN",
        f"cannot {name.strip('_')} this {kind}: it is frozen (an argument or constant): "
        f"copy it first: `xs = {kind}(xs)`",
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

FROZEN_TYPES = (FrozenList, FrozenDict, FrozenSet)


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


def make_record_class(name: str, fields: Iterable[tuple[str, bool, Any]], order: bool = False) -> type:
    """A frozen dataclass named ``name``.

    ``fields``: ``(field_name, has_default, default_value)`` in order; defaults are values
    already evaluated (they are immutable: the checker rejects mutable defaults)."""
    specs = []
    names = []
    for fname, has_default, default in fields:
        names.append(fname)
        if has_default:
            specs.append((fname, object, dataclasses.field(default=default)))
        else:
            specs.append((fname, object))
    cls = dataclasses.make_dataclass(name, specs, frozen=True, eq=True, order=order, slots=True,
                                     namespace={"__seglam_record__": True,
                                                "__seglam_fields__": tuple(names)})
    cls.__module__ = SEGLAM_MODULE
    cls.__qualname__ = name
    return cls


def make_enum_class(name: str, members: Iterable[tuple[str, object]]) -> type:
    """An ``enum.Enum`` subclass named ``name`` with ``members`` ``(name, value)`` in order."""
    cls = enum.Enum(name, [(m, v) for m, v in members], module=SEGLAM_MODULE, qualname=name)
    return cls


def is_enum_member(value: object) -> bool:
    return isinstance(value, enum.Enum)


# ---- freezing ---------------------------------------------------------------------------------


def freeze(value: Any) -> Any:
    """A deep-frozen version of ``value`` (lists, dicts, sets, tuples and records).

    Already-frozen collections are returned as they are (they are deep-frozen by
    construction)."""
    t = type(value)
    if t in (int, str, float, bool) or value is None or t in FROZEN_TYPES:
        return value
    if t is list:
        return FrozenList([freeze(v) for v in value])
    if t is tuple:
        return tuple(freeze(v) for v in value)
    if t is dict:
        return FrozenDict({k: freeze(v) for k, v in value.items()})
    if t is set:
        return FrozenSet(value)  # set elements are hashable, hence immutable already
    if is_record(value):
        changed = {}
        for fname in t.__seglam_fields__:
            old = getattr(value, fname)
            new = freeze(old)
            if new is not old:
                changed[fname] = new
        if not changed:
            return value
        return t(**{f: changed.get(f, getattr(value, f)) for f in t.__seglam_fields__})
    return value


def thaw(value: Any) -> Any:
    """Plain host values: frozen collections back to ``list``/``dict``/``set`` (deep);
    records are rebuilt only when a field changes."""
    t = type(value)
    if t in (int, str, float, bool) or value is None:
        return value
    if isinstance(value, list):
        return [thaw(v) for v in value]
    if t is tuple:
        return tuple(thaw(v) for v in value)
    if isinstance(value, dict):
        return {thaw(k): thaw(v) for k, v in value.items()}
    if isinstance(value, set):
        return set(value)
    if is_record(value):
        changed = {}
        for fname in t.__seglam_fields__:
            old = getattr(value, fname)
            new = thaw(old)
            if new is not old:
                changed[fname] = new
        if not changed:
            return value
        return t(**{f: changed.get(f, getattr(value, f)) for f in t.__seglam_fields__})
    return value


def record_classes(records: Mapping[str, Any]) -> dict[str, type]:  # pragma: no cover - helper
    """Build classes for ``{name: (fields, order)}`` (convenience for backends)."""
    return {name: make_record_class(name, fields, order) for name, (fields, order) in records.items()}
