"""Static types of Seglam values.

Every type is a frozen dataclass with ``render()`` giving the Python annotation text. Types
compare structurally, so they can be used as dict keys and compared with ``==``.
"""

from __future__ import annotations

from dataclasses import dataclass


class Type:
    """Base of all static types."""

    __slots__ = ()

    def render(self) -> str:  # pragma: no cover - every subclass overrides
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render()


@dataclass(frozen=True, slots=True)
class PrimType(Type):
    """``bool`` ``int`` ``float`` ``str`` ``None`` ``Decimal`` ``date`` ``timedelta``."""

    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ListType(Type):
    elem: Type

    def render(self) -> str:
        return f"list[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class DictType(Type):
    key: Type
    value: Type

    def render(self) -> str:
        return f"dict[{self.key.render()}, {self.value.render()}]"


@dataclass(frozen=True, slots=True)
class SetType(Type):
    elem: Type

    def render(self) -> str:
        return f"set[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class TupleType(Type):
    """``tuple[int, str]``; with ``variadic`` a homogeneous ``tuple[int, ...]`` (one elem)."""

    elems: tuple[Type, ...]
    variadic: bool = False

    def render(self) -> str:
        if self.variadic:
            return f"tuple[{self.elems[0].render()}, ...]"
        if not self.elems:
            return "tuple[()]"
        return "tuple[" + ", ".join(e.render() for e in self.elems) + "]"


@dataclass(frozen=True, slots=True)
class UnionType(Type):
    """``A | B``; ``T | None`` is ``UnionType((T, NONE))``. Never nested, never one option."""

    options: tuple[Type, ...]

    def render(self) -> str:
        return " | ".join(_render_in_union(o) for o in self.options)


@dataclass(frozen=True, slots=True)
class RecordType(Type):
    """A ``@dataclass(frozen=True)`` class; fields live in ``CheckedModule.records``."""

    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class EnumType(Type):
    """An ``Enum`` class; members live in ``CheckedModule.enums``."""

    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class CallableType(Type):
    """A function value. ``names``: a ``def``'s parameters, ``(name, has_default, kind)``
    for each of ``params``, so that a call binds keywords and defaults as the def does;
    None for a ``Callable[...]`` annotation or a lambda (positional arguments only)."""

    params: tuple[Type, ...]
    ret: Type
    names: tuple[tuple[str, bool, str], ...] | None = None

    def render(self) -> str:
        return "Callable[[" + ", ".join(p.render() for p in self.params) + "], " + self.ret.render() + "]"


@dataclass(frozen=True, slots=True)
class IteratorType(Type):
    """Generators, ``enumerate``/``zip``/``map``/``filter``/``reversed`` objects, ranges."""

    elem: Type

    def render(self) -> str:
        return f"Iterator[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class MatchType(Type):
    """A regular-expression match (``re.Match[str]``)."""

    def render(self) -> str:
        return "re.Match[str]"


@dataclass(frozen=True, slots=True)
class AnyType(Type):
    """Unknown; error recovery only (never in a checked program's public signatures)."""

    def render(self) -> str:
        return "Any"


@dataclass(frozen=True, slots=True)
class ErrorType(Type):
    """The type of an expression that already has a diagnostic: suppresses cascades."""

    def render(self) -> str:
        return "<error>"


@dataclass(frozen=True, slots=True)
class TypeVarType(Type):
    """A type variable inside a builtin signature (``T``); never in a checked program."""

    name: str

    def render(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ClassRefType(Type):
    """The type of a name that denotes a type itself (``int``, ``Point``, ``Color``) when
    used as a value (a constructor, ``isinstance`` argument, ``Color.RED``)."""

    target: Type

    def render(self) -> str:
        return f"type[{self.target.render()}]"


@dataclass(frozen=True, slots=True)
class ModuleType(Type):
    """An imported stdlib module used as a value (``math``, ``re``)."""

    name: str

    def render(self) -> str:
        return f"module {self.name}"


BOOL = PrimType("bool")
INT = PrimType("int")
FLOAT = PrimType("float")
STR = PrimType("str")
NONE = PrimType("None")
DECIMAL = PrimType("Decimal")
DATE = PrimType("date")
TIMEDELTA = PrimType("timedelta")
ANY = AnyType()
ERROR = ErrorType()
MATCH = MatchType()

PRIMITIVES: dict[str, PrimType] = {t.name: t for t in (BOOL, INT, FLOAT, STR, NONE, DECIMAL, DATE, TIMEDELTA)}


def _render_in_union(t: Type) -> str:
    if isinstance(t, CallableType):
        return f"({t.render()})"
    return t.render()


def union(*types: Type) -> Type:
    """The flattened, de-duplicated union of ``types`` (one option → that type itself).

    ``bool`` is absorbed by ``int`` and ``int`` by ``float`` (as mypy's promotion), errors
    and ``Any`` absorb everything so that one mistake reports once, and ``Never`` (the type
    of no value: an empty collection's element) adds nothing (``min([], default=0)`` is an
    ``int``)."""
    flat: list[Type] = []
    never = False
    for t in types:
        for o in (t.options if isinstance(t, UnionType) else (t,)):
            if isinstance(o, (ErrorType, AnyType)):
                return o
            if isinstance(o, NeverType):
                never = True
            elif o not in flat:
                flat.append(o)
    if INT in flat and BOOL in flat:
        flat.remove(BOOL)
    if FLOAT in flat and INT in flat:
        flat.remove(INT)
    # None last, the conventional spelling (`T | None`).
    if NONE in flat and flat[-1] != NONE:
        flat.remove(NONE)
        flat.append(NONE)
    if not flat:
        return NEVER if never else NONE
    if len(flat) == 1:
        return flat[0]
    return UnionType(tuple(flat))


def optional(t: Type) -> Type:
    return union(t, NONE)


def strip_none(t: Type) -> Type:
    """``T | None`` → ``T``; anything else unchanged."""
    if isinstance(t, UnionType):
        rest = [o for o in t.options if o != NONE]
        return union(*rest) if rest else NONE
    return t


def is_optional(t: Type) -> bool:
    return isinstance(t, UnionType) and NONE in t.options


def options(t: Type) -> tuple[Type, ...]:
    return t.options if isinstance(t, UnionType) else (t,)


def is_error(t: Type) -> bool:
    return isinstance(t, (ErrorType, AnyType))


# ---- checker-internal types (not part of a checked program's signatures) --------------------


@dataclass(frozen=True, slots=True)
class NeverType(Type):
    """The element type of an empty collection before anything is put in it (``[]``)."""

    def render(self) -> str:
        return "Never"


@dataclass(frozen=True, slots=True)
class RangeType(Type):
    """A ``range`` object: iterable over int, with ``len``, indexing, ``in`` and ``reversed``.

    ``is_iterator``-style helpers treat it as ``IteratorType(int)``."""

    def render(self) -> str:
        return "range"


@dataclass(frozen=True, slots=True)
class CounterType(Type):
    """``collections.Counter``: a ``dict[K, int]`` with ``most_common``."""

    key: Type

    def render(self) -> str:
        return f"Counter[{self.key.render()}]"


@dataclass(frozen=True, slots=True)
class IterableType(Type):
    """``Iterable[T]`` (an annotation, or in builtin signatures): anything iterable over T."""

    elem: Type

    def render(self) -> str:
        return f"Iterable[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class SequenceType(Type):
    """``Sequence[T]``: a list, tuple, ``str`` (for ``Sequence[str]``) or ``range`` (for
    ``Sequence[int]``), read only: iterated, measured, indexed, sliced (a slice is a
    sequence again), ``in``, ``.index``, ``.count``, ``reversed``."""

    elem: Type

    def render(self) -> str:
        return f"Sequence[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class BuiltinFnType(Type):
    """A builtin or stdlib function used as a value (``len``, ``math.sqrt``); ``qualname``
    is its key in :mod:`seglam.check.signatures`."""

    qualname: str

    def render(self) -> str:
        return self.qualname


@dataclass(frozen=True, slots=True)
class BoundMethodType(Type):
    """``receiver.method`` not yet called (``d.get`` in ``max(d, key=d.get)``)."""

    receiver: Type
    method: str

    def render(self) -> str:
        return f"{self.receiver.render()}.{self.method}"


NEVER = NeverType()
RANGE = RangeType()


@dataclass(frozen=True, slots=True)
class FunctionRefType(Type):
    """A module-level Seglam function used by name (its signature is in ``functions``)."""

    name: str

    def render(self) -> str:
        return f"function {self.name}"


@dataclass(frozen=True, slots=True)
class PatternType(Type):
    """A compiled regular expression (``re.compile(...)``); ``groups`` is its number of
    groups when the pattern was a literal (-1: unknown)."""

    groups: int = -1

    def render(self) -> str:
        return "re.Pattern[str]"


@dataclass(frozen=True, slots=True)
class LambdaRefType(Type):
    """A lambda stored in a local (``square = lambda x: x * x``): its body is typed at each
    call with the argument types there. ``node_id`` is ``id()`` of the Lambda node."""

    node_id: int

    def render(self) -> str:
        return "lambda"


PATTERN = PatternType()


@dataclass(frozen=True, slots=True)
class KeysViewType(Type):
    """``dict.keys()``: iterable, sized, ``in``, and set operators."""

    elem: Type

    def render(self) -> str:
        return f"KeysView[{self.elem.render()}]"


@dataclass(frozen=True, slots=True)
class ValuesViewType(Type):
    """``dict.values()`` / ``dict.items()``: iterable, sized, ``in``."""

    elem: Type

    def render(self) -> str:
        return f"ValuesView[{self.elem.render()}]"
