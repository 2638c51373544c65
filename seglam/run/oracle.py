"""Run a Seglam source file under CPython: the differential oracle.

Every accepted Seglam program is valid Python and means exactly what CPython says, so CPython
is a free oracle for both Seglam backends. This module supplies what Seglam has and Python
lacks, and maps Python exceptions to Seglam fault codes:

- the prelude: ``requires`` / ``ensures`` contract decorators, ``parse_int``,
  ``parse_float``, ``parse_decimal``, ``parse_date``;
- the one fixed Decimal context (`seglam.run.decimal_context`, installed as a *local* context for the run; the global
  context is never touched);
- ``import re`` resolves to RE2 (``google-re2``) behind a ``re``-shaped facade, so patterns
  mean what they mean in Seglam (linear time, no backreferences or lookaround);
- arguments of every call and module constants are deep-frozen, as in Seglam, so a
  mutation through an alias faults with ``F-FROZEN`` here too. (Arguments are frozen
  copies: the caller's own local list stays mutable after it is passed.)

Each run executes in a fresh namespace; module-level ``assert`` lines (examples) run too.

What the oracle does not model: the fuel, depth and size limits (``F-FUEL``, ``F-DEPTH``,
``F-INT-SIZE``, ``F-STR-SIZE``, ``F-COLLECTION-SIZE``). CPython's own ``RecursionError`` maps
to ``F-DEPTH``, at CPython's depth rather than Seglam's.

    >>> run_cpython("def main() -> int:\\n    return -7 // 2\\n").value
    -4
"""

from __future__ import annotations

import ast
import builtins
import collections
import dataclasses
import decimal
import functools
import inspect
import re as _pyre
import sys
import threading
import types
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Callable

from seglam.run.decimal_context import DECIMAL_CONTEXT  # the language's one context, not a copy

try:  # RE2 is a declared dependency; fall back to Python's re only if it is missing.
    import re2 as _re2
except ImportError:  # pragma: no cover
    _re2 = None

__all__ = [
    "DECIMAL_CONTEXT",
    "OracleResult",
    "OracleError",
    "ContractViolation",
    "RequiresFailed",
    "EnsuresFailed",
    "FrozenMutation",
    "FrozenList",
    "FrozenDict",
    "FrozenSet",
    "requires",
    "ensures",
    "parse_int",
    "parse_float",
    "parse_decimal",
    "parse_date",
    "prelude",
    "fault_code_for",
    "run_cpython",
]



# ---- results and errors ------------------------------------------------------------------


@dataclass(frozen=True)
class OracleResult:
    """The outcome of one CPython run: a ``value``, or a ``fault_code`` (with a message)."""

    value: Any = None
    fault_code: str | None = None
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.fault_code is None


class OracleError(Exception):
    """The program raised a Python exception that no Seglam fault code describes.

    For a program the checker accepted, this is a bug in the checker, the program's
    expectation, or the oracle."""


class ContractViolation(Exception):
    code = "F-ASSERT"


class RequiresFailed(ContractViolation):
    code = "F-REQUIRES"


class EnsuresFailed(ContractViolation):
    code = "F-ENSURES"


class FrozenMutation(Exception):
    """A frozen value (an argument or a module constant) was mutated."""


# ---- frozen collections --------------------------------------------------------------------


def _frozen_method(kind: str, name: str) -> Callable:
    def method(self, *args, **kwargs):
        raise FrozenMutation(
            f"cannot {name} a frozen {kind} (an argument or a module constant); "
            f"copy it first, e.g. xs = {kind}(xs)"
        )

    method.__name__ = name
    return method


class FrozenList(list):
    """A list whose mutators raise :class:`FrozenMutation`."""

    __slots__ = ()


class FrozenDict(dict):
    """A dict whose mutators raise :class:`FrozenMutation`."""

    __slots__ = ()


class FrozenSet(set):
    """A set whose mutators raise :class:`FrozenMutation`."""

    __slots__ = ()


_FROZEN_DICT_METHODS = (
    "__setitem__", "__delitem__", "pop", "popitem", "setdefault", "update", "clear", "__ior__",
)

for _cls, _kind, _names in (
    (
        FrozenList,
        "list",
        ("append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse",
         "__setitem__", "__delitem__", "__iadd__", "__imul__"),
    ),
    (
        FrozenDict,
        "dict",
        _FROZEN_DICT_METHODS,
    ),
    (
        FrozenSet,
        "set",
        ("add", "discard", "remove", "pop", "clear", "update", "intersection_update",
         "difference_update", "symmetric_difference_update", "__ior__", "__iand__",
         "__isub__", "__ixor__"),
    ),
):
    for _name in _names:
        setattr(_cls, _name, _frozen_method(_kind, _name))


@functools.lru_cache(maxsize=None)
def _frozen_dict_class(cls: type) -> type:
    """FrozenDict for ``dict``; for a dict subclass (Counter, defaultdict) a frozen subclass of
    it, so its own methods (``most_common``, ...) keep working."""
    if cls is dict or issubclass(cls, FrozenDict):
        return FrozenDict
    names = {name: getattr(FrozenDict, name) for name in _FROZEN_DICT_METHODS}
    return type(f"Frozen{cls.__name__}", (cls,), {"__slots__": (), **names})


def _freeze(value: Any, copies: dict | None = None) -> Any:
    """A deep-frozen copy of ``value`` (lists, dicts, sets, tuples and records); each copy
    made goes into ``copies`` (id(copy) -> (copy, original)) when given, for
    :func:`_handed_back`."""
    frozen = _frozen(value, copies)
    if copies is not None and frozen is not value:
        copies[id(frozen)] = (frozen, value)
    return frozen


def _frozen(value: Any, copies: dict | None) -> Any:
    if isinstance(value, list):
        return FrozenList(_freeze(v, copies) for v in value)
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_freeze(v, copies) for v in value)
    if isinstance(value, dict):
        frozen_cls = _frozen_dict_class(type(value))
        new = dict.__new__(frozen_cls)  # no __init__: Counter's would call the frozen update
        if isinstance(value, collections.defaultdict):
            collections.defaultdict.__init__(new, value.default_factory)
        dict.update(new, ((_freeze(k, copies), _freeze(v, copies)) for k, v in value.items()))
        return new
    if isinstance(value, set):
        return FrozenSet(_freeze(v, copies) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in dataclasses.fields(value):
            old = getattr(value, f.name)
            new = _freeze(old, copies)
            if new is not old:
                changed[f.name] = new
        if not changed:
            return value
        copy = object.__new__(type(value))
        for f in dataclasses.fields(value):
            object.__setattr__(copy, f.name, changed.get(f.name, getattr(value, f.name)))
        return copy
    return value


def _handed_back(copies: dict, value: Any) -> Any:
    """What a call returns to its caller: the caller's own object when the body returned the
    frozen copy the call made of it (SPEC.md section 7), else ``value``."""
    hit = copies.get(id(value))
    return hit[1] if hit is not None and hit[0] is value else value


def _thaw(value: Any) -> Any:
    """Plain host values: frozen collections back to list/dict/set (deep)."""
    if isinstance(value, list):
        return [_thaw(v) for v in value]
    if isinstance(value, tuple) and type(value) is tuple:
        return tuple(_thaw(v) for v in value)
    if isinstance(value, dict):
        return {_thaw(k): _thaw(v) for k, v in value.items()}
    if isinstance(value, set):
        return {_thaw(v) for v in value}
    return value


# ---- contracts -------------------------------------------------------------------------------


def _contract(pred: Callable, fn: Callable, kind: str) -> Callable:
    sig = inspect.signature(fn)
    wanted = list(inspect.signature(pred).parameters)
    label = "precondition" if kind == "requires" else "postcondition"

    def pick(bound: inspect.BoundArguments, result: Any) -> dict[str, Any]:
        env = dict(bound.arguments)
        if kind == "ensures":
            env["result"] = result
        return {name: env[name] for name in wanted}

    if kind == "requires":

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            if not pred(**pick(bound, None)):
                raise RequiresFailed(f"{label} of {fn.__name__} failed")
            return fn(*args, **kwargs)

    else:

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            result = fn(*args, **kwargs)
            if not pred(**pick(bound, result)):
                raise EnsuresFailed(f"{label} of {fn.__name__} failed")
            return result

    return wrapper


def requires(pred: Callable) -> Callable[[Callable], Callable]:
    """Precondition: ``@requires(lambda x, y: x < y)``; parameters name the function's."""
    return lambda fn: _contract(pred, fn, "requires")


def ensures(pred: Callable) -> Callable[[Callable], Callable]:
    """Postcondition: ``@ensures(lambda x, result: result >= x)``; ``result`` is the return value."""
    return lambda fn: _contract(pred, fn, "ensures")


# ---- parsing prelude -------------------------------------------------------------------------


def parse_int(s: str) -> int | None:
    """``int(s)``, or None when ``s`` is not an integer literal (surrounding spaces allowed)."""
    try:
        return int(s)
    except ValueError:
        return None


def parse_float(s: str) -> float | None:
    """``float(s)``, or None when ``s`` is not a float literal."""
    try:
        return float(s)
    except ValueError:
        return None


def parse_decimal(s: str) -> Decimal | None:
    """``Decimal(s)`` (exact, not rounded), or None when ``s`` is not a finite decimal."""
    try:
        d = Decimal(s.strip())
    except (decimal.InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


_ISO_DATE = _pyre.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def parse_date(s: str) -> date | None:
    """``date.fromisoformat(s)`` for ``YYYY-MM-DD`` (SPEC.md, section 9), else None.

    Only that form: CPython 3.11's ``fromisoformat`` also takes ``20240102`` and week dates,
    3.10's does not."""
    if not _ISO_DATE.fullmatch(s):
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        return None


def prelude() -> dict[str, Any]:
    """The names every Seglam module sees without importing them."""
    return {
        "requires": requires,
        "ensures": ensures,
        "parse_int": parse_int,
        "parse_float": parse_float,
        "parse_decimal": parse_decimal,
        "parse_date": parse_date,
    }


# ---- re -> RE2 -------------------------------------------------------------------------------


class _Re2Facade(types.ModuleType):
    """The subset of :mod:`re` Seglam programs use, backed by RE2.

    Python's flags become RE2 inline flags. Invalid patterns raise ``error``
    (``F-REGEX`` at run time)."""

    IGNORECASE = I = int(_pyre.IGNORECASE)
    MULTILINE = M = int(_pyre.MULTILINE)
    DOTALL = S = int(_pyre.DOTALL)
    ASCII = A = int(_pyre.ASCII)
    VERBOSE = X = int(_pyre.VERBOSE)

    def __init__(self) -> None:
        super().__init__("re", "Seglam's re: RE2 behind a re-shaped facade")
        self.error = _re2.error
        self._options = _re2.Options()
        self._options.log_errors = False
        self._cache: dict[tuple[str, int], Any] = {}

    def compile(self, pattern: str, flags: int = 0):
        key = (pattern, int(flags))
        got = self._cache.get(key)
        if got is None:
            if flags & self.VERBOSE:
                raise self.error("re.VERBOSE is not supported by RE2")
            inline = "".join(
                letter
                for flag, letter in ((self.I, "i"), (self.M, "m"), (self.S, "s"))
                if flags & flag
            )
            text = f"(?{inline}){pattern}" if inline else pattern
            got = _re2.compile(text, self._options)
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[key] = got
        return got

    def search(self, pattern, string, flags=0):
        return self.compile(pattern, flags).search(string)

    def match(self, pattern, string, flags=0):
        return self.compile(pattern, flags).match(string)

    def fullmatch(self, pattern, string, flags=0):
        return self.compile(pattern, flags).fullmatch(string)

    def findall(self, pattern, string, flags=0):
        return self.compile(pattern, flags).findall(string)

    def finditer(self, pattern, string, flags=0):
        return self.compile(pattern, flags).finditer(string)

    def sub(self, pattern, repl, string, count=0, flags=0):
        return self.compile(pattern, flags).sub(repl, string, count)

    def subn(self, pattern, repl, string, count=0, flags=0):
        return self.compile(pattern, flags).subn(repl, string, count)

    def split(self, pattern, string, maxsplit=0, flags=0):
        return self.compile(pattern, flags).split(string, maxsplit)

    def escape(self, pattern):
        return _pyre.escape(pattern)


_RE = _Re2Facade() if _re2 is not None else _pyre
_REGEX_ERRORS: tuple[type[BaseException], ...] = (
    (_pyre.error, _re2.error) if _re2 is not None else (_pyre.error,)
)

#: Modules a Seglam program may import (its standard library), as CPython sees them.
_ALLOWED_IMPORTS = frozenset(
    {
        "__future__", "re", "math", "itertools", "functools", "decimal", "datetime",
        "dataclasses", "enum", "typing", "collections", "string", "statistics", "fractions",
        "operator", "bisect", "heapq",
        # imported by CPython's own C code while a program runs (date.strftime -> time)
        "time", "_strptime", "locale",
    }
)


def _seglam_module() -> types.ModuleType:
    mod = types.ModuleType("seglam", "the Seglam prelude, as `from seglam import requires`")
    for name, value in prelude().items():
        setattr(mod, name, value)
    return mod


def _import(name, globals=None, locals=None, fromlist=(), level=0):
    if level == 0 and name == "re":
        return _RE
    if level == 0 and (name == "seglam" or name.startswith("seglam.")):
        return _seglam_module()
    if level != 0 or name.split(".")[0] not in _ALLOWED_IMPORTS:
        raise ImportError(f"{name!r} is not a Seglam module")
    return builtins.__import__(name, globals, locals, fromlist, level)


def _importer(modules: dict[str, str]) -> Callable:
    """``__import__`` for one run: Seglam modules from ``modules`` (name -> source), each run
    once per run, as Python imports a module once; everything else as :func:`_import`."""
    done: dict[str, types.ModuleType] = {}

    def importer(name, globals=None, locals=None, fromlist=(), level=0):
        if level != 0 or name not in modules:
            return _import(name, globals, locals, fromlist, level)
        module = done.get(name)
        if module is None:
            module = types.ModuleType(name)
            module.__dict__.update(_namespace(importer))
            done[name] = module
            exec(_compile(modules[name], f"{name}.sgl"), module.__dict__)
        return module

    return importer


def _namespace(importer: Callable) -> dict[str, Any]:
    """The globals a Seglam module runs in."""
    ns: dict[str, Any] = {
        "__name__": _MODULE_NAME,
        "__builtins__": dict(vars(builtins), __import__=importer),
        "__seglam_freeze__": _freeze,
        "__seglam_frozen_args__": _frozen_args,
    }
    ns.update(prelude())
    return ns


# ---- module constants ------------------------------------------------------------------------


class _Freeze(ast.NodeTransformer):
    """Make the program freeze what Seglam freezes.

    - the value of every module-level assignment (a module constant) is wrapped in
      ``__seglam_freeze__(...)``;
    - every ``def`` gets an innermost ``@__seglam_frozen_args__`` decorator, so each call
      receives deep-frozen copies of its arguments (the caller's own local collections stay
      mutable)."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        for stmt in node.body:
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
                stmt.value = ast.copy_location(
                    ast.Call(
                        func=ast.Name(id="__seglam_freeze__", ctx=ast.Load()),
                        args=[stmt.value],
                        keywords=[],
                    ),
                    stmt.value,
                )
        self.generic_visit(node)
        return node

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        self.generic_visit(node)
        node.decorator_list.append(
            ast.copy_location(ast.Name(id="__seglam_frozen_args__", ctx=ast.Load()), node)
        )
        return node


#: Deepest call chain the oracle runs. Its own bound, not the interpreter's recursion limit:
#: a Seglam backend in the same process may have raised that limit far beyond what the C
#: stack survives when every call also goes through this wrapper's ``fn(*args)``.
ORACLE_MAX_DEPTH = 1000
_depth = threading.local()


def _frozen_args(fn: Callable) -> Callable:
    """Decorator: call ``fn`` with deep-frozen copies of its arguments; a copy it returns
    goes back as the caller's own object."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        depth = getattr(_depth, "value", 0)
        if depth >= ORACLE_MAX_DEPTH:
            raise RecursionError("maximum recursion depth exceeded (oracle)")
        _depth.value = depth + 1
        try:
            copies: dict = {}
            result = fn(*[_freeze(a, copies) for a in args], **{k: _freeze(v, copies) for k, v in kwargs.items()})
            return _handed_back(copies, result)
        finally:
            _depth.value = depth

    return wrapper


#: Programs run with ``__name__ == "__seglam__"``; dataclasses and enum look the defining
#: module up in ``sys.modules``, so an (empty) module of that name is registered once.
_MODULE_NAME = "__seglam__"
sys.modules.setdefault(_MODULE_NAME, types.ModuleType(_MODULE_NAME, "Seglam programs run by the oracle"))


def _compile(source: str, filename: str):
    tree = ast.parse(source, filename=filename)
    tree = ast.fix_missing_locations(_Freeze().visit(tree))
    return compile(tree, filename, "exec")


# ---- faults ----------------------------------------------------------------------------------


def fault_code_for(exc: BaseException) -> str | None:
    """The Seglam fault code for a Python exception raised by an accepted program, or None."""
    if isinstance(exc, ContractViolation):
        return exc.code
    if isinstance(exc, FrozenMutation):
        return "F-FROZEN"
    if isinstance(exc, ZeroDivisionError):  # includes decimal.DivisionByZero / DivisionUndefined
        return "F-ZERO-DIV"
    if isinstance(exc, decimal.Overflow):
        return "F-OVERFLOW"
    if isinstance(exc, decimal.InvalidOperation):
        return "F-VALUE"
    if isinstance(exc, RecursionError):
        return "F-DEPTH"
    if isinstance(exc, RuntimeError):
        text = str(exc)
        if "changed size during iteration" in text or "changed during iteration" in text:
            return "F-MUTATION"
        return None
    if isinstance(exc, IndexError):
        return "F-INDEX"
    if isinstance(exc, KeyError):
        return "F-KEY"
    if isinstance(exc, _REGEX_ERRORS):
        return "F-REGEX"
    if isinstance(exc, (TypeError, AttributeError)) and "NoneType" in str(exc):
        return "F-NONE"
    if isinstance(exc, ValueError):
        return "F-VALUE"
    if isinstance(exc, OverflowError):
        return "F-OVERFLOW"
    if isinstance(exc, AssertionError):
        return "F-ASSERT"
    return None


def run_cpython(
    source: str,
    function: str = "main",
    args: tuple = (),
    kwargs: dict[str, Any] | None = None,
    *,
    filename: str = "<seglam>",
    modules: dict[str, str] | None = None,
) -> OracleResult:
    """Run ``function(*args, **kwargs)`` of the Seglam program ``source`` under CPython.

    ``modules`` (name -> source) are the Seglam modules it may import (``Program.module_sources()``).
    Returns an :class:`OracleResult` holding the value (as plain host values) or the fault
    code. Raises :class:`OracleError` for an exception no fault code describes, and
    ``SyntaxError`` for text that is not Python at all."""
    code = _compile(source, filename)
    ns = _namespace(_importer(dict(modules or {})))
    frozen_args = tuple(_freeze(a) for a in args)
    frozen_kwargs = {k: _freeze(v) for k, v in (kwargs or {}).items()}
    try:
        with decimal.localcontext(DECIMAL_CONTEXT):
            exec(code, ns)
            fn = ns.get(function)
            if not callable(fn):
                raise OracleError(f"{filename}: no function named {function!r}")
            value = fn(*frozen_args, **frozen_kwargs)
    except OracleError:
        raise
    except Exception as exc:  # noqa: BLE001 - every exception is classified below
        fault = fault_code_for(exc)
        if fault is None:
            raise OracleError(f"{filename}: {type(exc).__name__}: {exc}") from exc
        return OracleResult(fault_code=fault, message=f"{type(exc).__name__}: {exc}")
    return OracleResult(value=_thaw(value))


def _main(argv: list[str]) -> int:  # pragma: no cover - a debugging aid
    """``python -m seglam.run.oracle FILE [FUNCTION [ARG ...]]`` (ARGs are Python literals)."""
    if not argv:
        print("usage: python -m seglam.run.oracle FILE [FUNCTION [ARG ...]]", file=sys.stderr)
        return 2
    with open(argv[0], encoding="utf-8") as fh:
        source = fh.read()
    function = argv[1] if len(argv) > 1 else "main"
    args = tuple(ast.literal_eval(a) for a in argv[2:])
    result = run_cpython(source, function, args, filename=argv[0])
    print(repr(result.value) if result.ok else f"{result.fault_code}: {result.message}")
    return 0 if result.ok else 1


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(_main(sys.argv[1:]))
