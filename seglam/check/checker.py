"""The checker entry point: ``check(module, source) -> CheckedModule`` or CheckError.

The checker is split by concept: declarations (module level), statements and flow, match
patterns, calls, narrowing and expressions; :class:`Checker` combines them. One Checker checks
one module and is then thrown away (no global mutable state).

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

from seglam.check.annotations import AnnotationResolver
from seglam.check.calls import CallMixin
from seglam.check.checked import CheckedModule, EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.check.declarations import DeclMixin
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.check.env import FnCtx, ModuleEnv, Reporter
from seglam.check.exprs import ExprMixin
from seglam.check.narrowing import NarrowMixin
from seglam.check.patterns import PatternMixin
from seglam.check.stmts import StmtMixin
from seglam.syntax import ast
from seglam.syntax.span import Span

#: The message of the diagnostic raised when the checker itself fails (tests look for it).
INTERNAL_ERROR = "internal checker error: this program could not be checked"

__all__ = ["check", "CheckedModule", "FunctionInfo", "ParamInfo", "RecordInfo", "EnumInfo", "FieldInfo", "Checker"]


class Checker(DeclMixin, StmtMixin, PatternMixin, CallMixin, NarrowMixin, ExprMixin):
    """Checks one module."""

    def __init__(self, filename: str) -> None:
        self.env = ModuleEnv()
        self.report = Reporter(filename)
        self.resolver = AnnotationResolver(self.env, self.report)
        self.types = self.env.types
        self.nested_declared: dict[int, dict] = {}
        self.fn = FnCtx("<module>", "module")
        self._pending_defaults: list = []
        self._in_record_field = False
        self._in_enum = False
        self.lambda_depth = 0
        self.lambda_walrus: list[tuple[int, frozenset]] = []  # (scope depth, `:=` targets) per open lambda
        self.walrus_in: dict[int, frozenset] = {}  # id(lambda scope) -> its `:=` targets
        self.in_constant = False          # typing a module constant's value (no user calls)
        self.lambdas: dict[int, tuple] = {}
        self.key_results: dict[int, object] = {}   # id(key= argument) -> the type it returns

    def run(self, module: ast.Module) -> CheckedModule:
        examples = self.check_module(module)
        env = self.env
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
    checker = Checker(module.filename)
    try:
        checked = checker.run(module)
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply to check", Span(1, 1, 1, 2),
                                     module.filename)], source) from None
    except Exception as exc:  # a safety net: a checker bug must not escape as a Python exception
        raise CheckError([Diagnostic("E-UNSUPPORTED", f"{INTERNAL_ERROR} ({type(exc).__name__})", Span(1, 1, 1, 2),
                                     module.filename, "please report this program")], source) from None
    if checker.report.diagnostics:
        diagnostics = sorted(checker.report.diagnostics, key=lambda d: (d.span.line, d.span.col, d.code))
        raise CheckError(diagnostics, source)
    return checked
