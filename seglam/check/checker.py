"""The checker entry point: ``check(module, source) -> CheckedModule`` or CheckError.

The checker is split by concept into modules of plain functions that share one
:class:`~seglam.check.context.Context` per module checked: declarations (module level),
functions, statements and flow, binding (assignment and local inference), patterns (match),
calls and overloads, lambdas, narrowing, names, values, attributes, operators and the other
expressions. This module wires their rule tables into the context (the only module that
imports all of them) and turns the result into a :class:`CheckedModule`. No global mutable
state: a Context is thrown away after its module.

What the later stages can rely on (``CheckedModule.types`` maps ``id(expr)`` to a type):

- assignment targets get the type of the value assigned there; annotation and decorator
  expressions have no entry;
- besides the public types, expression types may be the checker-internal ``RangeType``
  (``range(...)``), ``CounterType`` (``Counter(...)``, a ``dict[K, int]``), ``KeysViewType`` /
  ``ValuesViewType`` (``d.keys()`` / ``d.values()`` / ``d.items()``), ``PatternType``
  (``re.compile``), ``MatchType``, ``BuiltinFnType`` / ``FunctionRefType`` /
  ``BoundMethodType`` / ``ClassRefType`` / ``ModuleType`` (names of functions, classes and
  modules), ``LambdaRefType`` (a lambda stored in a local, typed at each call) and
  ``NeverType`` (the element type of a collection nothing is ever put in);
- a module-level ``Name = <type>`` (``Shape = Circle | Square``) is a type alias, not a
  constant: it is not in ``constants``.
"""

from __future__ import annotations

from types import MappingProxyType

from seglam.check import attributes, calls, exprs, functions, lambdas, names, operators, patterns, stmts
from seglam.check.annotations import AnnotationResolver
from seglam.check.checked import CheckedModule, EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.check.context import Context, Rules
from seglam.check.declarations import check_module
from seglam.check.env import ModuleEnv, Reporter
from seglam.syntax import ast
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.span import Span


#: The message of the diagnostic raised when the checker itself fails (tests look for it).
INTERNAL_ERROR = "internal checker error: this program could not be checked"

__all__ = ["check", "CheckedModule", "FunctionInfo", "ParamInfo", "RecordInfo", "EnumInfo", "FieldInfo"]


#: Every expression and statement rule, by node class: a new rule goes in its concept
#: module's ``EXPR_RULES`` / ``STMT_RULES``, which are merged here.
RULES = Rules(
    exprs={**names.EXPR_RULES, **exprs.EXPR_RULES, **attributes.EXPR_RULES, **operators.EXPR_RULES,
           **lambdas.EXPR_RULES, **calls.EXPR_RULES},
    stmts={**stmts.STMT_RULES, **functions.STMT_RULES, **patterns.STMT_RULES},
    call=calls.call_type,
)


def new_context(filename: str) -> Context:
    env = ModuleEnv()
    report = Reporter(filename)
    return Context(RULES, env, report, AnnotationResolver(env, report))


def checked_module(cx: Context, module: ast.Module) -> CheckedModule:
    """Check ``module`` in ``cx``; what was declared (diagnostics are left in ``cx.report``)."""
    examples = check_module(cx, module)
    env = cx.env
    return CheckedModule(
        module=module,
        functions=MappingProxyType(dict(env.functions)),
        records=MappingProxyType(dict(env.records)),
        enums=MappingProxyType(dict(env.enums)),
        constants=MappingProxyType(dict(env.constants)),
        examples=tuple(examples),
        properties=tuple(name for name in env.functions if name.startswith("prop_")),
        imports=MappingProxyType(dict(env.imports)),
        types=MappingProxyType(dict(env.types)),
    )


def check(module: ast.Module, source: str | None = None) -> CheckedModule:
    """Check ``module``; raise CheckError with every diagnostic found (sorted by position)."""
    cx = new_context(module.filename)
    try:
        checked = checked_module(cx, module)
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply to check", Span(1, 1, 1, 2),
                                     module.filename)], source) from None
    except Exception as exc:  # a safety net: a checker bug must not escape as a Python exception
        raise CheckError([Diagnostic("E-UNSUPPORTED", f"{INTERNAL_ERROR} ({type(exc).__name__})", Span(1, 1, 1, 2),
                                     module.filename, "please report this program")], source) from None
    if cx.report.diagnostics:
        diagnostics = sorted(cx.report.diagnostics, key=lambda d: (d.span.line, d.span.col, d.code))
        raise CheckError(diagnostics, source)
    return checked
