"""Relations between types: assignability, join, iteration, and type-variable binding."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.signatures import KeysViewType, ReversibleType, SizedType, ValuesViewType

Subst = dict[str, t.Type]


def is_bottom(x: t.Type) -> bool:
    return isinstance(x, (t.NeverType, t.ErrorType, t.AnyType))


def as_dict(x: t.Type) -> t.DictType | None:
    """A dict or a Counter, seen as a dict."""
    if isinstance(x, t.DictType):
        return x
    if isinstance(x, t.CounterType):
        return t.DictType(x.key, t.INT)
    return None


def assignable(src: t.Type, dst: t.Type) -> bool:
    """Whether a value of type ``src`` may be used where ``dst`` is expected.

    Numeric promotion as mypy (bool → int → float); collections are covariant (arguments
    and constants are frozen, so this is sound where it matters)."""
    if src == dst or is_bottom(src) or isinstance(dst, (t.ErrorType, t.AnyType)):
        return True
    if isinstance(src, t.UnionType):
        return all(assignable(o, dst) for o in src.options)
    if isinstance(dst, t.UnionType):
        return any(assignable(src, o) for o in dst.options)
    if isinstance(dst, t.PrimType) and isinstance(src, t.PrimType):
        if dst == t.FLOAT:
            return src in (t.INT, t.BOOL)
        if dst == t.INT:
            return src == t.BOOL
        return False
    if isinstance(dst, t.ListType) and isinstance(src, t.ListType):
        return assignable(src.elem, dst.elem)
    if isinstance(dst, t.SetType) and isinstance(src, t.SetType):
        return assignable(src.elem, dst.elem)
    if isinstance(dst, t.DictType):
        d = as_dict(src)
        return d is not None and assignable(d.key, dst.key) and assignable(d.value, dst.value)
    if isinstance(dst, t.CounterType) and isinstance(src, t.CounterType):
        return assignable(src.key, dst.key)
    if isinstance(dst, t.TupleType) and isinstance(src, t.TupleType):
        if dst.variadic:
            if src.variadic:
                return assignable(src.elems[0], dst.elems[0])
            return all(assignable(e, dst.elems[0]) for e in src.elems)
        if src.variadic:
            return False
        return len(src.elems) == len(dst.elems) and all(assignable(a, b) for a, b in zip(src.elems, dst.elems))
    if isinstance(dst, t.IteratorType):
        if isinstance(src, t.IteratorType):
            return assignable(src.elem, dst.elem)
        return src == t.RANGE and assignable(t.INT, dst.elem)
    if isinstance(dst, t.IterableType):
        elem = iter_elem(src)
        return elem is not None and assignable(elem, dst.elem)
    if isinstance(dst, t.SequenceType):
        elem = sequence_elem(src)
        return elem is not None and assignable(elem, dst.elem)
    if isinstance(dst, t.CallableType):
        return isinstance(src, t.CallableType) and _callable_fits(src, dst)
    return False


def _callable_fits(src: t.CallableType, dst: t.CallableType) -> bool:
    """A function of type ``src`` may be called as a ``dst``: with ``dst``'s arguments, by
    position. A def binds them as every call does, so its parameters past them need defaults
    (`def f(x: int, scale: int = 2)` is a `Callable[[int], int]`), as a lambda's written with
    defaults do (`lambda x, i=i: ...`); any other function value takes exactly its own."""
    n = len(dst.params)
    if src.names is None:
        fits = len(src.params) == n
    else:
        fits = (len(src.names) >= n
                and all(kind in ("positional_only", "normal") for _, _, kind in src.names[:n])
                and all(has_default for _, has_default, _ in src.names[n:]))
    return (fits and all(assignable(d, s) for s, d in zip(src.params, dst.params))
            and assignable(src.ret, dst.ret))


def join(a: t.Type, b: t.Type) -> t.Type:
    """The least type holding both (structural for same-shaped collections)."""
    if isinstance(a, t.NeverType):
        return b
    if isinstance(b, t.NeverType):
        return a
    if a == b:
        return a
    if isinstance(a, t.UnionType) or isinstance(b, t.UnionType):
        result: t.Type = t.NEVER
        for o in t.options(a) + t.options(b):
            result = _join_option(result, o)
        return result
    return _join_option(a, b)


def _join_option(acc: t.Type, o: t.Type) -> t.Type:
    if isinstance(acc, t.NeverType):
        return o
    merged = []
    placed = False
    for existing in t.options(acc):
        if not placed:
            m = _join_same_shape(existing, o)
            if m is not None:
                merged.append(m)
                placed = True
                continue
        merged.append(existing)
    if not placed:
        merged.append(o)
    return t.union(*merged)


def _join_same_shape(a: t.Type, b: t.Type) -> t.Type | None:
    if a == b:
        return a
    if isinstance(a, t.NeverType):
        return b
    if isinstance(a, t.ListType) and isinstance(b, t.ListType):
        return t.ListType(join(a.elem, b.elem))
    if isinstance(a, t.SetType) and isinstance(b, t.SetType):
        return t.SetType(join(a.elem, b.elem))
    if isinstance(a, t.CounterType) and isinstance(b, t.CounterType):
        return t.CounterType(join(a.key, b.key))
    da, db = as_dict(a), as_dict(b)
    if da is not None and db is not None:
        return t.DictType(join(da.key, db.key), join(da.value, db.value))
    if isinstance(a, t.IteratorType) and isinstance(b, t.IteratorType):
        return t.IteratorType(join(a.elem, b.elem))
    if isinstance(a, t.CallableType) and isinstance(b, t.CallableType) and (a.params, a.ret) == (b.params, b.ret):
        return _join_calls(a, b)
    if isinstance(a, t.IterableType) and isinstance(b, t.IterableType):
        return t.IterableType(join(a.elem, b.elem))
    if isinstance(a, t.SequenceType) and isinstance(b, t.SequenceType):
        return t.SequenceType(join(a.elem, b.elem))
    if isinstance(a, t.TupleType) and isinstance(b, t.TupleType):
        if not a.variadic and not b.variadic and len(a.elems) == len(b.elems):
            return t.TupleType(tuple(join(x, y) for x, y in zip(a.elems, b.elems)))
        if a.variadic and b.variadic:
            return t.TupleType((join(a.elems[0], b.elems[0]),), True)
        return None
    if isinstance(a, t.PrimType) and isinstance(b, t.PrimType):
        nums = (t.BOOL, t.INT, t.FLOAT)
        if a in nums and b in nums:
            return a if nums.index(a) > nums.index(b) else b
    return None


def iter_elem(x: t.Type) -> t.Type | None:
    """The element type when iterating over ``x``; None if ``x`` is not iterable."""
    if is_bottom(x):
        return x
    if x == t.STR:
        return t.STR
    if isinstance(x, (t.ListType, t.SetType, t.IteratorType, t.IterableType, t.SequenceType, KeysViewType,
                      ValuesViewType)):
        return x.elem
    if x == t.RANGE:
        return t.INT
    d = as_dict(x)
    if d is not None:
        return d.key
    if isinstance(x, t.TupleType):
        if x.variadic:
            return x.elems[0]
        return t.union(*x.elems) if x.elems else t.NEVER
    if isinstance(x, t.ClassRefType) and isinstance(x.target, t.EnumType):
        return x.target
    return None


def sequence_elem(x: t.Type) -> t.Type | None:
    """The element type of ``x`` seen as a ``Sequence`` (a list, a tuple, a str, a range or a
    ``Sequence``, as Python's ``typing.Sequence``); None if ``x`` is not one."""
    if isinstance(x, (t.ListType, t.SequenceType)):
        return x.elem
    if isinstance(x, t.TupleType) or x in (t.STR, t.RANGE):
        return iter_elem(x)
    return None


def sized(x: t.Type) -> bool:
    if is_bottom(x) or x in (t.STR, t.RANGE):
        return True
    if isinstance(x, t.ClassRefType):
        return isinstance(x.target, t.EnumType)
    return isinstance(x, (t.ListType, t.SetType, t.DictType, t.CounterType, t.TupleType, t.SequenceType, KeysViewType,
                          ValuesViewType))


def hashable(x: t.Type) -> bool:
    """Lists, dicts and sets cannot be set elements or dict keys (nor an ``Iterable`` or a
    ``Sequence``, which may be a list)."""
    if isinstance(x, (t.ListType, t.DictType, t.SetType, t.CounterType, t.IterableType, t.SequenceType)):
        return False
    if isinstance(x, t.UnionType):
        return all(hashable(o) for o in x.options)
    if isinstance(x, t.TupleType):
        return all(hashable(e) for e in x.elems)
    return True


def has_typevars(x: t.Type) -> bool:
    if isinstance(x, t.TypeVarType):
        return True
    return any(has_typevars(c) for c in _children(x))


def has_error(x: t.Type) -> bool:
    """Whether an error (or Any) type occurs anywhere inside ``x``.

    Each distinct part is looked at once (by identity): inferred types share parts, and
    `x2 = (x1, x1)` doubles the tree but not the parts it is made of."""
    seen: set[int] = set()
    todo = [x]
    while todo:
        part = todo.pop()
        if id(part) in seen:
            continue
        seen.add(id(part))
        if isinstance(part, (t.ErrorType, t.AnyType)):
            return True
        todo.extend(_children(part))
    return False


#: The most parts (nodes of its tree, counted with repeats) an expression's type may have.
#: Every walk of a type (rendering, comparing, hashing, joining) follows the tree, so a
#: type whose tree doubles per line (`x2 = (x1, x1)`) would make checking exponential.
#: A literal's type grows with its text; this bound passes a 50,000-item tuple display.
MAX_TYPE_SIZE = 100_000


def type_size(x: t.Type, memo: dict[int, tuple[t.Type, int]]) -> int:
    """The number of parts of ``x``'s tree, counted with repeats, computed once per distinct
    part: ``memo`` maps ``id(part)`` to the part (kept alive, so the id stays its own) and
    its size, and may be shared across calls."""
    known = memo.get(id(x))
    if known is not None:
        return known[1]
    size = 1 + sum(type_size(c, memo) for c in _children(x))
    memo[id(x)] = (x, size)
    return size


def _children(x: t.Type) -> tuple[t.Type, ...]:
    if isinstance(x, (t.ListType, t.SetType, t.IteratorType, t.IterableType, t.SequenceType, ReversibleType, KeysViewType,
                      ValuesViewType)):
        return (x.elem,)
    if isinstance(x, t.DictType):
        return (x.key, x.value)
    if isinstance(x, t.CounterType):
        return (x.key,)
    if isinstance(x, t.TupleType):
        return x.elems
    if isinstance(x, t.UnionType):
        return x.options
    if isinstance(x, t.CallableType):
        return x.params + (x.ret,)
    return ()


def subst(x: t.Type, s: Subst, unbound: t.Type | None = None) -> t.Type:
    """Replace bound type variables; unbound ones become ``unbound`` (or stay)."""
    if isinstance(x, t.TypeVarType):
        if x.name in s:
            return s[x.name]
        return unbound if unbound is not None else x
    if isinstance(x, t.ListType):
        return t.ListType(subst(x.elem, s, unbound))
    if isinstance(x, t.SetType):
        return t.SetType(subst(x.elem, s, unbound))
    if isinstance(x, t.IteratorType):
        return t.IteratorType(subst(x.elem, s, unbound))
    if isinstance(x, t.IterableType):
        return t.IterableType(subst(x.elem, s, unbound))
    if isinstance(x, t.SequenceType):
        return t.SequenceType(subst(x.elem, s, unbound))
    if isinstance(x, ReversibleType):
        return ReversibleType(subst(x.elem, s, unbound))
    if isinstance(x, KeysViewType):
        return KeysViewType(subst(x.elem, s, unbound))
    if isinstance(x, ValuesViewType):
        return ValuesViewType(subst(x.elem, s, unbound))
    if isinstance(x, t.CounterType):
        return t.CounterType(subst(x.key, s, unbound))
    if isinstance(x, t.DictType):
        return t.DictType(subst(x.key, s, unbound), subst(x.value, s, unbound))
    if isinstance(x, t.TupleType):
        return t.TupleType(tuple(subst(e, s, unbound) for e in x.elems), x.variadic)
    if isinstance(x, t.UnionType):
        return t.union(*(subst(o, s, unbound) for o in x.options))
    if isinstance(x, t.CallableType):
        return t.CallableType(tuple(subst(p, s, unbound) for p in x.params), subst(x.ret, s, unbound))
    return x


def _join_calls(a: t.CallableType, b: t.CallableType) -> t.CallableType | None:
    """A function that may be either of two of the same parameter and result types: a call
    binds what both bind. A parameter is passed by keyword only where both name it alike, and
    left out only where both have a default; one passed by position in one and by keyword only
    in the other cannot be passed alike (None: they stay two options, a union, and a call must
    fit each)."""
    na = a.names or tuple((f"arg{i}", False, "positional_only") for i in range(len(a.params)))
    nb = b.names or tuple((f"arg{i}", False, "positional_only") for i in range(len(b.params)))
    names = []
    for i, ((name_a, default_a, kind_a), (name_b, default_b, kind_b)) in enumerate(zip(na, nb)):
        positional = kind_a != "keyword_only" and kind_b != "keyword_only"
        if not positional and (kind_a != kind_b or name_a != name_b):
            return None
        same = name_a == name_b and kind_a == kind_b
        names.append((name_a if same else f"arg{i}", default_a and default_b, kind_a if same else "positional_only"))
    if all(kind == "positional_only" and not default for _, default, kind in names):
        return t.CallableType(a.params, a.ret)   # positional calls of every parameter
    return t.CallableType(a.params, a.ret, tuple(names))


def bind(param: t.Type, arg: t.Type, s: Subst) -> bool:
    """Bind type variables in ``param`` from ``arg`` (into ``s``); False on a shape mismatch.

    The caller checks assignability against the substituted parameter afterwards."""
    if isinstance(param, t.TypeVarType):
        if isinstance(arg, t.NeverType):
            s.setdefault(param.name, t.NEVER)
            return True
        prev = s.get(param.name)
        s[param.name] = arg if prev is None or isinstance(prev, t.NeverType) else join(prev, arg)
        return True
    if not has_typevars(param) or is_bottom(arg):
        return True
    if isinstance(param, t.UnionType):
        # `T | None` against `X | None` binds T to X; against X binds T to X.
        rest = [o for o in param.options if not has_typevars(o)]
        var_opts = [o for o in param.options if has_typevars(o)]
        arg_opts = [o for o in t.options(arg) if not any(assignable(o, r) for r in rest)]
        if len(var_opts) == 1:
            if not arg_opts:
                return True
            return bind(var_opts[0], t.union(*arg_opts), s)
        return True
    if isinstance(param, t.IterableType):
        elem = iter_elem(arg)
        return elem is not None and bind(param.elem, elem, s)
    if isinstance(param, ReversibleType):
        if isinstance(arg, (t.ListType, t.IteratorType)) and not isinstance(arg, t.IteratorType):
            return bind(param.elem, arg.elem, s)
        if arg == t.STR or arg == t.RANGE or isinstance(arg, (t.TupleType, t.SequenceType)) or as_dict(arg) is not None:
            return bind(param.elem, iter_elem(arg) or t.ERROR, s)
        return False
    if isinstance(param, t.CallableType):
        return True  # callables are bound by the caller (lambdas need the other args first)
    if isinstance(param, t.ListType) and isinstance(arg, t.ListType):
        return bind(param.elem, arg.elem, s)
    if isinstance(param, t.SetType) and isinstance(arg, t.SetType):
        return bind(param.elem, arg.elem, s)
    if isinstance(param, t.DictType):
        d = as_dict(arg)
        return d is not None and bind(param.key, d.key, s) and bind(param.value, d.value, s)
    if isinstance(param, t.IteratorType) and isinstance(arg, t.IteratorType):
        return bind(param.elem, arg.elem, s)
    if isinstance(param, t.TupleType) and isinstance(arg, t.TupleType):
        if param.variadic:
            elem = iter_elem(arg)
            return elem is not None and bind(param.elems[0], elem, s)
        if arg.variadic or len(arg.elems) != len(param.elems):
            return False
        return all(bind(p, a, s) for p, a in zip(param.elems, arg.elems))
    return False


def matches_pseudo(param: t.Type, arg: t.Type) -> bool | None:
    """Assignability to stub-only pseudo types (None when ``param`` is not one)."""
    if isinstance(param, SizedType):
        return sized(arg) or isinstance(arg, t.UnionType) and all(sized(o) for o in arg.options)
    if isinstance(param, t.IterableType):
        elem = iter_elem(arg)
        return elem is not None and assignable(elem, param.elem)
    if isinstance(param, ReversibleType):
        return (isinstance(arg, (t.ListType, t.TupleType, t.SequenceType)) or arg in (t.STR, t.RANGE)
                or as_dict(arg) is not None
                or is_bottom(arg))
    return None


def describe(x: t.Type) -> str:
    """A type for a message: ``list[int]``, ``int | None``."""
    return x.render()


def can_be_equal(a: t.Type, b: t.Type) -> bool:
    """Whether values of types ``a`` and ``b`` can ever be equal."""
    if is_bottom(a) or is_bottom(b):
        return True
    for x in t.options(a):
        for y in t.options(b):
            if assignable(x, y) or assignable(y, x):
                return True
            if x in (t.INT, t.FLOAT, t.BOOL, t.DECIMAL) and y in (t.INT, t.FLOAT, t.BOOL, t.DECIMAL):
                return True
            if type(x) is type(y) and isinstance(x, (t.ListType, t.SetType, t.DictType, t.TupleType, t.CounterType)):
                return True
            if {type(x), type(y)} <= {t.DictType, t.CounterType}:
                return True
            if {type(x), type(y)} <= {t.SetType, KeysViewType}:
                return True
    return False
