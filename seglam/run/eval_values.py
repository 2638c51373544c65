"""Callable values of the reference evaluator: Seglam functions, lambdas, module references
and bound methods. All are callable from Python (so builtins like ``sorted(key=...)`` can
call them) and charge fuel and depth through the interpreter."""

from __future__ import annotations

from typing import Any, Callable

from seglam.run.context import RunContext
from seglam.run.faults import none_attribute


class ModuleRef:
    """An imported module used as a value (``math`` in ``math.sqrt``) or a dotted prefix of
    a qualified name (``itertools.chain`` in ``itertools.chain.from_iterable``)."""

    __slots__ = ("qualname",)

    def __init__(self, qualname: str) -> None:
        self.qualname = qualname

    def __repr__(self) -> str:
        return f"<module {self.qualname}>"


class FunctionValue:
    """A Seglam function (top-level or nested) used as a value or called."""

    __slots__ = ("interp", "name", "node", "scope", "info", "defaults")

    def __init__(self, interp: Any, name: str, node: Any, scope: Any, info: Any = None, defaults: dict | None = None) -> None:
        self.interp = interp
        self.name = name
        self.node = node        # ast.FunctionDef
        self.scope = scope      # the defining scope (None for top-level functions)
        self.info = info        # FunctionInfo for top-level functions (contracts)
        self.defaults = defaults or {}  # parameter defaults, evaluated when the def ran

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.interp.call_function(self, args, kwargs, None)

    def __repr__(self) -> str:
        return f"<function {self.name}>"


class LambdaValue:
    """A ``lambda``: its parameters, body and defining scope."""

    __slots__ = ("interp", "node", "scope", "defaults")

    def __init__(self, interp: Any, node: Any, scope: Any, defaults: dict | None = None) -> None:
        self.interp = interp
        self.node = node
        self.scope = scope
        self.defaults = defaults or {}  # evaluated when the lambda was made (`lambda i=i: i`)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.interp.call_lambda(self, args, kwargs, None)

    def __repr__(self) -> str:
        return "<function <lambda>>"


class MethodValue:
    """A method used as a value: ``d.get`` (bound) or ``str.lower`` (unbound: receiver is
    the first argument)."""

    __slots__ = ("impl", "ctx", "receiver", "bound", "name")

    def __init__(self, impl: Callable, ctx: RunContext, receiver: Any = None, bound: bool = True,
                 name: str = "") -> None:
        self.impl = impl
        self.ctx = ctx
        self.receiver = receiver
        self.bound = bound
        self.name = name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.bound:
            return self.impl(self.ctx, self.receiver, *args, **kwargs)
        if args and args[0] is None:  # `str.upper` of a None (an unmatched regex group)
            raise none_attribute(self.name)
        return self.impl(self.ctx, *args, **kwargs)

    def __repr__(self) -> str:
        return "<method>"
