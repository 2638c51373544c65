"""What generated code may reach: the objects placed in its globals.

Everything comes from the shared stdlib (:mod:`seglam.run.stdlib`) so both backends agree on
semantics and fuel; this module only adds the few adapters code generation needs (fault
raisers, cap checks in the shape generated code calls them, method dispatch by static type).
The globals dict of a generated module holds exactly the objects bound here, under ``g_*``
names, plus an empty ``__builtins__``.
"""

from __future__ import annotations

import builtins
import datetime
import decimal
import functools
import itertools
import operator
import types
from typing import Any, Callable

from seglam.check import types as T
from seglam.run import cost, decimalwork, stdlib
from seglam.run.stdlib_core import compare_cost, key_cost, keys_cost, sort_cost
from seglam.run.context import step_chunk
from seglam.run.faults import Fault, none_attribute
from seglam.run.codegen.naming import hint
from seglam.run.values import (FROZEN_TYPES, UNPACKED_AS_IS, FrozenDict, FrozenList, FrozenSet, freeze, freeze_arg, freeze_flat_arg,
                               frozen_copy, handed_back, is_record, record_copy, record_fields)

#: Python builtins whose Seglam implementation is the builtin itself (constant time, no
#: charge, no cap): generated code calls them directly.
NATIVE_BUILTINS: dict[str, Callable] = {
    "len": builtins.len, "abs": builtins.abs, "chr": builtins.chr, "ord": builtins.ord,
    "bool": builtins.bool, "range": builtins.range,
    "hex": builtins.hex, "bin": builtins.bin, "oct": builtins.oct,
}

_STATIC_TYPES: dict[Any, type] = {
    # not float or Decimal: a name of either type may hold an int (SPEC section 3), whose
    # methods are its own (an int in a float-typed name has the float's is_integer)
    T.STR: str, T.INT: int, T.DATE: datetime.date, T.TIMEDELTA: datetime.timedelta, T.BOOL: int,
}


_SMALL = 1 << cost.SMALL_BITS

#: The frozen copy of a plain flat collection (Runtime.freeze_nested_arg).
_FLAT_FROZEN: dict[type, type] = {list: FrozenList, dict: FrozenDict, set: FrozenSet}

#: The sized iterables that have a ``len`` (``reversed`` of one has an exact length hint).
_MEASURED = frozenset({range, str, tuple})


class Runtime:
    """The globals of one generated module, and the helpers generated code calls."""

    def __init__(self, record_classes: dict[str, type], enum_classes: dict[str, type]) -> None:
        self.globals: dict[str, Any] = {"__builtins__": {}}
        self._ids: dict[int, str] = {}
        self._keep: list[Any] = []  # keeps bound objects alive so ids stay unique
        self.records = record_classes
        self.enums = enum_classes
        # Objects that never read or charge fuel (see codegen.fuel): natives, cap checks,
        # fault raisers, constructors of records and enums.
        safe: list[Any] = [*NATIVE_BUILTINS.values(), enumerate, zip, int, str, slice, max, min, sum, sorted,
                           map, reversed, functools.partial, type, FrozenList, FrozenSet, record_copy, handed_back,
                           itertools.repeat, operator.length_hint, decimal.Decimal.__sizeof__,
                           self.int_fault, self.int_cost, self.int_to_str_cost, self.str_to_int_cost, self.sort_cost,
                           self.take, self.prespent, self.key_cost, self.compare_cost, self.unary_cost, self.decimal_cost, self.join_rest, self.resumed,
                           self.len_fault, self.str_fault,
                           self.depth_fault, self.assert_failed,
                           *record_classes.values(), *enum_classes.values()]
        self._safe = {id(x) for x in safe}

    def is_safe(self, global_name: str) -> bool:
        """Whether the global ``global_name`` never reads or charges fuel."""
        obj = self.globals.get(global_name)
        return obj is not None and id(obj) in self._safe

    @staticmethod
    def sized_len(value: Any) -> int:
        """``len(value)`` of a range, str or tuple, or the exact length of ``reversed`` of
        one (a range too long for ``len`` is huge)."""
        try:
            return len(value) if type(value) in _MEASURED else value.__length_hint__()
        except OverflowError:
            return 1 << 62

    @staticmethod
    def fuel_fin(ctx: Any, _snapshot: Any, value: Any, fuel: int) -> Any:
        """After a comprehension that counted fuel locally: write the count back."""
        ctx.fuel = fuel
        return value

    # ---- binding ----------------------------------------------------------------------------

    def bind(self, obj: Any, label: str) -> str:
        """The global name under which generated code sees ``obj``."""
        name = self._ids.get(id(obj))
        if name is None:
            name = f"g_{len(self._ids)}_{hint(label)}"
            self._ids[id(obj)] = name
            self._keep.append(obj)
            self.globals[name] = obj
        return name

    # ---- names --------------------------------------------------------------------------------

    def record_class(self, name: str) -> type:
        return self.records[name]

    def enum_class(self, name: str) -> type:
        return self.enums[name]

    def builtin_function(self, name: str) -> Callable:
        impl = stdlib.BUILTINS.get(name)
        if impl is None:
            raise KeyError(name)
        return impl

    def builtin_value(self, name: str) -> Any:
        """A builtin used as a value (``key=len``): bound to the run's context at run time."""
        if name == "None":
            return None
        if name not in stdlib.BUILTINS:
            raise KeyError(name)
        return BuiltinValue(name)

    def qualified_value(self, qualified: str) -> Any:
        if qualified in stdlib.MODULE_CONSTANTS:
            return stdlib.MODULE_CONSTANTS[qualified]
        if qualified in stdlib.MODULE_FUNCTIONS:
            return BuiltinValue(qualified)
        if qualified in self.records or qualified in self.enums:
            return self.records.get(qualified) or self.enums[qualified]
        raise KeyError(qualified)

    def unbound_method(self, type_name: str, method: str) -> Any:
        """``str.lower`` used as a value."""
        return UnboundMethod(type_name, method)

    builtin_type_names = frozenset({"str", "int", "float", "bool", "list", "dict", "set", "tuple", "frozenset"})

    def module_function(self, qualified: str) -> Callable | None:
        return stdlib.MODULE_FUNCTIONS.get(qualified)

    def type_function(self, type_name: str, method: str) -> Callable | None:
        """A function reached through a type (``dict.fromkeys``), if the stdlib has one."""
        return stdlib.MODULE_FUNCTIONS.get(f"{type_name}.{method}")

    def static_method(self, t: Any, name: str) -> Callable | None:
        """The implementation of method ``name`` for receivers of static type ``t``, if the
        static type pins the runtime class (else the call dispatches at run time)."""
        klass = _STATIC_TYPES.get(t)
        if klass is None:
            if isinstance(t, T.ListType):
                klass = list
            elif isinstance(t, T.DictType):
                klass = dict
            elif isinstance(t, T.SetType):
                klass = set
            elif isinstance(t, T.TupleType):
                klass = tuple
        if klass is None or t == T.BOOL:
            return None
        table = stdlib.METHODS.get(klass)
        return None if table is None else table.get(name)

    # ---- helpers (shared objects; generated code passes the context explicitly) ------------

    freeze = staticmethod(freeze)
    freeze_arg = staticmethod(freeze_arg)
    freeze_flat_arg = staticmethod(freeze_flat_arg)
    frozen_copy = staticmethod(frozen_copy)
    record_copy = staticmethod(record_copy)
    handed_back = staticmethod(handed_back)

    @staticmethod
    def freeze_nested_arg(ctx: Any, value: Any, copies: dict | None = None) -> Any:
        """``freeze_arg`` of a list, or of a dict with immutable keys, whose elements (values)
        are by static type flat collections (lists, dicts, sets of immutable values: a grid,
        an adjacency list, groups): the same result and the same single charge, made without
        visiting the leaves. Anything else (already frozen, an element of another type) takes
        the general rule before anything is charged; an element already frozen is kept.
        ``copies`` gets every copy made, as ``freeze_arg``'s does."""
        t = type(value)
        if t is list:
            items = value
        elif t is dict:
            items = value.values()
        else:
            return freeze_arg(ctx, value, copies)
        n = len(value)
        made = []
        put = made.append
        for v in items:
            klass = _FLAT_FROZEN.get(type(v))
            if klass is not None:
                n += len(v)
                put(klass(v))
            elif type(v) in FROZEN_TYPES:
                put(v)  # frozen already: kept, uncharged
            else:
                return freeze_arg(ctx, value, copies)
        out: Any = FrozenList(made) if t is list else FrozenDict(zip(value, made))
        if n:
            ctx.charge(n)
        if copies is not None:
            for v, c in zip(items, made):
                if c is not v:
                    record_copy(copies, v, c)
            record_copy(copies, value, out)
        return out
    collect = staticmethod(stdlib.collect)

    @staticmethod
    def spread(ctx: Any, mapping: Any) -> Any:
        """``**mapping`` in a dict display: charged for its length and its keys."""
        ctx.charge(len(mapping))
        ctx.spend(keys_cost(ctx, mapping))
        return mapping

    @staticmethod
    def unpackable(ctx: Any, value: Any) -> Any:
        """The value of a tuple assignment: tuples and lists unpack as they are, anything
        else is collected first (and charged), as the reference does."""
        return value if type(value) in UNPACKED_AS_IS else stdlib.collect(ctx, value)

    @staticmethod
    def pattern_charge(ctx: Any, subject: Any) -> bool:
        """A capturing ``*rest`` / ``**rest`` in a case pattern costs the subject's length."""
        ctx.charge(len(subject))
        return True
    join_fstring = staticmethod(stdlib.join_fstring)
    format_value = staticmethod(stdlib.format_value)
    percent_format = staticmethod(stdlib.percent_format)
    getitem = staticmethod(stdlib.getitem)
    setitem = staticmethod(stdlib.setitem)
    compare = staticmethod(stdlib.compare)
    get_attribute = staticmethod(stdlib.get_attribute)
    bind_builtin = staticmethod(stdlib.bind_builtin)

    @staticmethod
    def binop(op: str) -> Callable:
        return stdlib.BINOPS[op]

    sum_unchecked = staticmethod(stdlib.op_sum_unchecked)

    @staticmethod
    def user_kwargs(mapping: Any) -> dict:
        """``f(**d)`` for a user function: its parameters are mangled like all user names."""
        return {"u_" + k if isinstance(k, str) else k: v for k, v in mapping.items()}

    @staticmethod
    def inplace(ctx: Any, op: str, current: Any, value: Any, small_literal: bool = False) -> Any:
        """``current op= value`` as Python does it: lists and sets change in place (so
        aliases see the change, and frozen ones fault), everything else rebinds.
        ``small_literal``: the value is a small int literal (not size-checked)."""
        if isinstance(current, list) and op == "+":
            stdlib.METHODS[list]["extend"](ctx, current, value)
            return current
        if isinstance(current, list) and op == "*":
            result = stdlib.BINOPS["*"](ctx, current, value)
            current[:] = result
            return current
        if isinstance(current, set) and op in _SET_INPLACE:
            stdlib.METHODS[set][_SET_INPLACE[op]](ctx, current, value)
            return current
        if isinstance(current, dict) and op == "|":
            stdlib.METHODS[dict]["update"](ctx, current, value)
            return current
        if small_literal and op in ("+", "-"):
            return stdlib.op_sum_unchecked(ctx, op, current, value)
        return stdlib.BINOPS[op](ctx, current, value)

    @staticmethod
    def int_fault(ctx: Any, value: Any) -> Any:
        """Slow path of the inline int cap: fault, unless ``value`` was not an int at all
        (a float ``inf``/``nan`` fails the inline range test too)."""
        if type(value) is int and value.bit_length() > ctx.max_int_bits:
            raise ctx.int_bits_fault(value.bit_length())
        return value

    @staticmethod
    def int_cost(ctx: Any, op: str, value: Any, a: Any, b: Any) -> int:
        """Slow path of an inline int operation: the cap test of ``value`` (the result of
        ``+``, ``-``, ``*``; 0 for ``//``, ``%``, ``>>``, checked before the work), then the
        fuel the work costs (seglam.run.cost), which generated code charges with ``h_cx``.
        Floats (``inf`` fails the inline test too) cost nothing."""
        if type(value) is int and value.bit_length() > ctx.max_int_bits:
            raise ctx.int_bits_fault(value.bit_length())
        if -_SMALL < value < _SMALL and -_SMALL < a < _SMALL and -_SMALL < b < _SMALL:
            return 0  # cost.int_op is 0 then
        if type(a) is not int or type(b) is not int or type(value) is not int:
            return 0
        return cost.int_op(op, a, b, value)

    @staticmethod
    def int_to_str_cost(value: Any) -> int:
        """``str()`` of an int past the small bound (an f-string field); nothing for a float."""
        return cost.int_to_str(abs(value).bit_length()) if type(value) is int else 0

    str_to_int_cost = staticmethod(cost.str_to_int)
    key_cost = staticmethod(key_cost)
    compare_cost = staticmethod(compare_cost)
    unary_cost = staticmethod(stdlib.unary_cost)
    decimal_cost = staticmethod(decimalwork.op_cost)

    @staticmethod
    def collect_keys(ctx: Any, items: Any) -> list:
        """``*items`` in a set display: collected, and charged as keys (valuework.keys_cost)."""
        out = stdlib.collect(ctx, items)
        ctx.spend(keys_cost(ctx, out))
        return out

    sort_cost = staticmethod(sort_cost)

    @staticmethod
    def take(ctx: Any, steps: Any, n: int) -> bool:
        """Charge ``n`` steps inside a loop that counts its steps with ``repeat(None, fuel)``
        (codegen.fuel, countdown loops): consume ``n`` of the items left, or all of them and the
        rest from the context's unspent chunk of steps, or F-FUEL when that is short too.
        Returns False, like the charge markers."""
        if n:
            left = operator.length_hint(steps)
            if n > left:
                # the items left and the context's unspent chunk of steps (F-FUEL if short):
                # the items are all taken, what the chunk has over goes back to it, and the
                # loop, out of items, takes its next step from there (passes.countdown)
                over = ctx.refuel(left - n)
                for _ in steps:  # C-level
                    pass
                ctx.ticks = step_chunk(over)
            else:
                next(itertools.islice(steps, n - 1, None), None)
        return False

    @staticmethod
    def prespent(ctx: Any, fuel: int, n: int, steps: Any) -> int:
        """Charge ``n`` steps inside a loop that charged all its steps up front (codegen.fuel,
        precharged loops) and iterates ``steps``; the fuel left. When ``n`` is more than the
        fuel left, the steps not yet taken are given back: if that still does not cover
        ``n``, F-FUEL here; otherwise the loop cannot finish on its fuel, so it must count
        its steps again: the items left move to a new iterator in ``ctx.resume`` (the
        generated code runs them with a counting loop after this step) and ``steps`` ends."""
        left = fuel - n
        if left >= 0:
            return left
        pending = operator.length_hint(steps)
        if left + pending < 0:  # the context's unspent chunk of steps too, or F-FUEL
            left = ctx.refuel(left + pending) - pending
        if not pending:  # no step left to give back (an earlier charge of this step moved
            return left  # the rest of the loop to ctx.resume already, or it is the last)
        rebuild, args, *state = steps.__reduce__()
        rest = rebuild(*args)
        if state:
            rest.__setstate__(state[0])
        for _ in steps:  # C-level: the loop ends after this step
            pass
        ctx.resume = rest
        return left + pending

    @staticmethod
    def resumed(ctx: Any) -> Any:
        """The items a comprehension charged up front left to a counting one (``prespent``)."""
        rest, ctx.resume = ctx.resume, None
        return rest

    @staticmethod
    def join_rest(done: Any, rest: Any) -> Any:
        """A comprehension's result: what the fast part built, then what the counting part
        built from the items left (None: nothing was left to it)."""
        if rest is None:
            return done
        if type(done) is list:
            done.extend(rest)
        else:
            done.update(rest)
        return done

    @staticmethod
    def len_fault(ctx: Any, n: int) -> None:
        raise ctx.len_fault(n)

    @staticmethod
    def str_fault(ctx: Any, n: int) -> None:
        raise ctx.str_fault(n)

    @staticmethod
    def depth_fault(ctx: Any) -> None:
        raise Fault("F-DEPTH", f"call depth limit reached: more than {ctx.max_depth} nested calls")

    @staticmethod
    def fault_raiser(code: str, message: str) -> Callable[[], None]:
        def raise_fault() -> None:
            raise Fault(code, message)

        return raise_fault

    @staticmethod
    def assert_fault(ctx: Any, message: Any = None) -> None:
        text = "assertion failed" if message is None else stdlib.seglam_str(ctx, message)
        raise Fault("F-ASSERT", text)

    @staticmethod
    def assert_failed(ctx: Any) -> None:
        """``assert`` without a message: charges nothing, so it may run in local-fuel code."""
        raise Fault("F-ASSERT", "assertion failed")

    @staticmethod
    def as_function(plain: Callable) -> Callable:
        """A builtin, a bound method or a callable a stdlib call returned, as a Seglam function
        value: every function value takes the depth of its call first (a Seglam function's
        call is a level deeper; a builtin's is no level, so the depth is ignored)."""
        def function(h_d: int, /, *args: Any, **kwargs: Any) -> Any:  # h_d: see _takes_depth
            # a function value among the arguments (`f = sorted; f(xs, key=lambda v: -v)`) is
            # handed over as a direct call's is (codegen.functions.handed_over), at this call's depth
            if any(map(_takes_depth, args)):
                args = tuple(Runtime.at_depth(a, h_d) for a in args)
            if not kwargs:
                return plain(*args)
            return plain(*args, **{k: Runtime.at_depth(v, h_d) for k, v in _plain_kwargs(kwargs).items()})

        function.__wrapped__ = plain  # what it adapts: `isinstance(x, (str, list))` reads the types
        return function

    @staticmethod
    def rebound(value: Any, env: Callable) -> Any:
        """Module constant ``value`` with each function value made by the generated code
        rebuilt over the cells of ``env``'s factory, the run's: a constant is evaluated once,
        under its own context, but a lambda in it must charge, and check the depth and caps
        of, the run that calls it, as the reference's does. Containers and records holding
        one are rebuilt (frozen, as they were); anything else is returned as it is."""
        cells = dict(zip(env.__code__.co_freevars, env.__closure__ or ()))
        generated = env.__code__.co_filename

        def walk(v: Any) -> Any:
            t = type(v)
            if t is types.FunctionType and v.__code__.co_filename == generated:
                closure = tuple(cells.get(name, old) for name, old in zip(v.__code__.co_freevars, v.__closure__ or ()))
                fresh = types.FunctionType(v.__code__, v.__globals__, v.__name__, v.__defaults__, closure or None)
                fresh.__kwdefaults__ = v.__kwdefaults__
                return fresh
            if t is FrozenList or t is tuple:
                return t(walk(x) for x in v)
            if t is FrozenDict:
                return FrozenDict({walk(k): walk(x) for k, x in v.items()})
            if t is FrozenSet:
                return FrozenSet(walk(x) for x in v)
            if is_record(v):
                return t(**{f: walk(getattr(v, f)) for f in record_fields(v)})
            return v

        return walk(value)

    @staticmethod
    def at_depth(value: Any, depth: int) -> Any:
        """A value handed to a builtin (a sort key, ``map``...): a function value is called
        there as a plain callable, at ``depth``, the depth of the call that hands it over
        plus one (the builtin is no level); anything else (``key=None``, a builtin) as it is."""
        if not _takes_depth(value):
            return value
        plain = getattr(value, "__wrapped__", None)  # as_function's adapter: the builtin itself (it prints as one)
        return plain if plain is not None else functools.partial(value, depth)

    @staticmethod
    def call_value(function: Any, depth: int, /, *args: Any, **kwargs: Any) -> Any:
        """A call of a value whose static type is unknown: a function value takes the depth
        first, anything else (a record class, a plain callable) only the arguments."""
        if _takes_depth(function):
            return function(depth, *args, **kwargs)
        return function(*args, **_plain_kwargs(kwargs))

    @staticmethod
    def call_method(ctx: Any, receiver: Any, name: str, *args: Any, **kwargs: Any) -> Any:
        """``receiver.name(*args)`` dispatched on the receiver's run-time class."""
        impl = stdlib.lookup_method(receiver, name)
        if impl is None:
            if receiver is None:
                raise none_attribute(name)
            raise Fault("F-VALUE", f"{type(receiver).__name__} value has no method {name!r}")
        return impl(ctx, receiver, *args, **kwargs)

    @staticmethod
    def attribute_value(ctx: Any, value: Any, name: str) -> Any:
        """``value.name`` not followed by a call: a bound method (``key=d.get``) or a data
        attribute from the stdlib's whitelist."""
        impl = stdlib.lookup_method(value, name)
        if impl is not None:
            def method(*args: Any, **kwargs: Any) -> Any:
                return impl(ctx, value, *args, **kwargs)

            return method
        return stdlib.get_attribute(ctx, value, name)

    @staticmethod
    def value_of(ctx: Any, value: Any) -> Any:
        """Resolve a builtin used as a value to a callable bound to this run's context."""
        if isinstance(value, BuiltinValue):
            return stdlib.bind_builtin(ctx, value.name)
        if isinstance(value, UnboundMethod):
            return value.bind(ctx)
        return value


_SET_INPLACE = {"|": "update", "&": "intersection_update", "-": "difference_update", "^": "symmetric_difference_update"}


def _plain_kwargs(kwargs: dict) -> dict:
    """The keywords of a call through a value, as a builtin, a method or a record class takes
    them: generated code names them as a user function's parameters (``u_reverse``, the
    ``user`` space of codegen.naming), since it cannot tell the callee statically."""
    return {k[2:] if k.startswith("u_") else k: v for k, v in kwargs.items()}


def _takes_depth(value: Any) -> bool:
    """``value`` is a function value of generated code (a def, a lambda, ``as_function``'s
    adapter): its first parameter is the depth, ``h_d``, a name no Seglam program can write
    (user names are ``u_``-prefixed)."""
    code = getattr(value, "__code__", None)
    return code is not None and code.co_argcount > 0 and code.co_varnames[0] == "h_d"


class BuiltinValue:
    """Placeholder for a builtin used as a value; generated code resolves it per run."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name


class UnboundMethod:
    """``str.lower`` used as a value; bound per run to a callable ``f(receiver, *args)``."""

    __slots__ = ("type_name", "method")

    def __init__(self, type_name: str, method: str) -> None:
        self.type_name = type_name
        self.method = method

    def bind(self, ctx: Any) -> Callable:
        method = self.method

        def call(receiver: Any, *args: Any, **kwargs: Any) -> Any:
            return Runtime.call_method(ctx, receiver, method, *args, **kwargs)

        return call
