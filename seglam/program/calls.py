"""Binding host arguments to one Seglam function, worked out once per function.

A :class:`CallPlan` holds what every call of the function needs: a Python signature (so a
bad call gets Python's own message), each parameter's converter
(:func:`seglam.run.convert.binder`) and the shape of the parameter list. The two calls a
host makes most, every argument by position or every argument by name, bind straight to
the positional tuple Python's binding would give; any other call goes through
``inspect.Signature.bind``. Either way each argument is converted once, in parameter order,
by the same converter, so the values, the errors and the order errors are found in are
those of the general path (``tests/api/test_call_plan.py``).
"""

from __future__ import annotations

import inspect
from typing import Any, Callable

from seglam.run import convert

_PARAM_KINDS = {
    "positional_only": inspect.Parameter.POSITIONAL_ONLY,
    "normal": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "keyword_only": inspect.Parameter.KEYWORD_ONLY,
    "var_positional": inspect.Parameter.VAR_POSITIONAL,
    "var_keyword": inspect.Parameter.VAR_KEYWORD,
}
_REQUIRED = object()


class CallPlan:
    """How host arguments bind to one function (immutable; built by :func:`call_plan`)."""

    __slots__ = ("function", "signature", "names", "binders", "by_position", "by_name", "least")

    def __init__(self, function: str, signature: inspect.Signature, names: tuple[str, ...],
                 binders: dict[str, Callable[[Any], Any]], by_position: bool, by_name: bool, least: int) -> None:
        self.function = function
        self.signature = signature
        self.names = names  # parameter names, in order
        self.binders = binders  # name -> host value to Seglam value
        self.by_position = by_position  # no keyword-only or variadic parameter
        self.by_name = by_name  # every parameter may also be passed by name
        self.least = least  # positional arguments that cover every parameter without a default

    def bind(self, args: tuple, kwargs: dict | None) -> tuple[tuple, dict]:
        """Seglam ``(args, kwargs)`` for a call with host ``args`` and ``kwargs``;
        ``TypeError`` naming the function when they do not fit."""
        if not kwargs:
            if self.by_position and self.least <= len(args) <= len(self.names):
                return tuple([self.binders[n](v) for n, v in zip(self.names, args)]), {}
        elif not args and self.by_name and len(kwargs) == len(self.names) and all(n in kwargs for n in self.names):
            return tuple([self.binders[n](kwargs[n]) for n in self.names]), {}
        return self.bind_general(args, kwargs or {})

    def bind_general(self, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
        """:meth:`bind` through ``inspect.Signature.bind``: any call shape."""
        try:
            bound = self.signature.bind(*args, **kwargs)
        except TypeError as error:
            raise TypeError(f"{self.function}(): {error}") from None
        names = list(bound.signature.parameters)
        call_args = tuple(self.binders[name](value) for name, value in zip(names, bound.args))
        return call_args, {name: self.binders[name](value) for name, value in bound.kwargs.items()}


def call_plan(name: str, info: Any, checked: Any) -> CallPlan:
    """The :class:`CallPlan` of function ``name`` (its ``FunctionInfo`` is ``info``)."""
    params = info.params
    kinds = [p.kind for p in params]
    required = [i for i, p in enumerate(params) if p.default is None]
    return CallPlan(
        function=name,
        signature=signature(info),
        names=tuple(p.name for p in params),
        binders={p.name: convert.binder(p.type, checked, p.name) for p in params},
        by_position=all(k in ("normal", "positional_only") for k in kinds),
        by_name=all(k == "normal" for k in kinds),
        least=required[-1] + 1 if required else 0,
    )


def signature(info: Any) -> inspect.Signature:
    """A Python signature for binding host arguments, so a bad call gets Python's own message."""
    params = []
    for p in info.params:
        default = inspect.Parameter.empty if p.default is None else _REQUIRED
        params.append(inspect.Parameter(p.name, _PARAM_KINDS.get(p.kind, inspect.Parameter.POSITIONAL_OR_KEYWORD), default=default))
    return inspect.Signature(params)
