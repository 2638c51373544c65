"""The checker's context: what every checking function of one module shares.

The checker is a set of plain functions, one module per concept (names, values, narrowing,
attributes, operators, calls, lambdas, binding, statements, functions, patterns,
declarations), each taking a :class:`Context` first. The context holds the module's
environment, the diagnostic sink, the annotation resolver, the type of each expression, the
function being checked, and the dispatch tables :mod:`seglam.check.checker` fills in: so
``cx.expr`` / ``cx.stmt`` / ``cx.call`` reach a rule of any concept module without that
module importing the others (the modules import each other only downwards, no cycle).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from seglam.check import types as t
from seglam.check.annotations import AnnotationResolver
from seglam.check.env import FnCtx, ModuleEnv, Reporter, State
from seglam.check.typeops import MAX_TYPE_SIZE, type_size


#: An expression rule: ``rule(cx, node, state, expected type or None) -> type``.
ExprRule = Callable[..., t.Type]
#: A statement rule: ``rule(cx, node, state) -> state after it, or None when unreachable``.
StmtRule = Callable[..., "State | None"]


@dataclass(frozen=True)
class Rules:
    """Where the context dispatches: a rule per expression and statement node class, and the
    typing of a call of a callee type (``calls.call_type``)."""

    exprs: dict[type, ExprRule]
    stmts: dict[type, StmtRule]
    call: Callable[..., t.Type]


@dataclass(eq=False)
class Context:
    """One module's checking state (one Context per module checked, then thrown away)."""

    rules: Rules
    env: ModuleEnv
    report: Reporter
    resolver: AnnotationResolver
    fn: FnCtx = field(default_factory=lambda: FnCtx("<module>", "module"))
    nested_declared: dict[int, dict] = field(default_factory=dict)   # id(nested def) -> its inferred locals
    pending_defaults: list = field(default_factory=list)   # (index, record name): defaults to type
    in_record_field: bool = False     # typing a record field's default (`field(...)` allowed)
    in_constant: bool = False         # typing a module constant's value (no user calls)
    lambda_walrus: list[tuple[int, frozenset]] = field(default_factory=list)  # (scope depth, `:=` targets) per open lambda
    walrus_in: dict[int, frozenset] = field(default_factory=dict)  # id(lambda scope) -> its `:=` targets
    lambdas: dict[int, tuple] = field(default_factory=dict)       # id(stored lambda) -> (node, scopes, state)
    lambdas_typing: set[int] = field(default_factory=set)         # ids of the stored lambdas being typed at a call
    key_results: dict[int, Any] = field(default_factory=dict)     # id(key= argument) -> the type it returns
    loop_facts: dict[int, tuple] = field(default_factory=dict)    # id(loop) -> (names it assigns, its size)
    type_sizes: dict[int, tuple] = field(default_factory=dict)    # id(type) -> (type, its tree size): typeops.type_size

    @property
    def types(self) -> dict[int, t.Type]:
        """``id(expr)`` -> its type (the env's table; ``CheckedModule.types`` at the end)."""
        return self.env.types

    def expr(self, node, st: State, expected: t.Type | None = None) -> t.Type:
        """Type ``node`` (recorded in ``types``); E-UNSUPPORTED for a node no rule handles."""
        rule = self.rules.exprs.get(type(node))
        if rule is None:
            self.report.error("E-UNSUPPORTED", "this expression is not supported here", node.span)
            result: t.Type = t.ERROR
        else:
            result = rule(self, node, st, expected)
        if type_size(result, self.type_sizes) > MAX_TYPE_SIZE:
            self.report.error("E-NESTING", f"the type of this expression has more than {MAX_TYPE_SIZE:,} parts",
                              node.span, hint="a value that nests copies of itself (`(x, x)`, `{x: x}`) doubles its type "
                                              "each time: use a record, or a list or dict of one element type")
            result = t.ERROR
        self.types[id(node)] = result
        return result

    def stmt(self, node, st: State) -> State | None:
        """Check statement ``node`` in state ``st``; the state after it (None: unreachable)."""
        return self.rules.stmts[type(node)](self, node, st)

    def call(self, callee: t.Type, args: list, node, st: State, expected: t.Type | None = None) -> t.Type:
        """The result of calling a value of type ``callee`` with ``args`` (``overloads.Arg``)."""
        return self.rules.call(self, callee, args, node, st, expected)
