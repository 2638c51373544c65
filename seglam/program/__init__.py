"""The host API: compile Seglam source once, call its functions many times.

Shaped like cel-go's ``Env → compile → Program → eval``::

    prog = seglam.compile(source, filename="x.sgl")   # parse + check; raises CheckError
    prog.hash                                          # content hash
    prog.call("main", words="b a c")                   # -> Python value; raises Fault

A :class:`Program` is immutable and safe to share between threads.
"""

from __future__ import annotations

import importlib
import os
import threading
from dataclasses import dataclass
from typing import Any

from seglam.check.checker import check
from seglam.run import convert
from seglam.run.faults import Fault
from seglam.run.limits import DepthLimitError, Limits
from seglam.run.result import RunResult
from seglam.run.stack import deepest_reachable, frames_per_call
from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.canonical import program_hash
from seglam.syntax.lower import parse
from seglam.syntax.span import Span
from seglam.program.calls import call_plan
from seglam.program.library import link, search_path
from seglam.program.source import MAX_SOURCE_BYTES, SourceFileError, read_source  # noqa: F401 (re-exported)

#: The backends by name, each ``"module:class"``. A program prepares only the backends it
#: runs on (the compiled one by default), so the other's modules are imported when first
#: used: this table is the only deferred import of the host API.
_BACKENDS = {"compiled": "seglam.run.compiled:CompiledBackend", "reference": "seglam.run.evaluator:ReferenceBackend"}
BACKENDS = tuple(_BACKENDS)

def compile(source: str, filename: str = "<input>", *, limits=None, backend: str = "compiled",  # noqa: A001
            path=None, modules=None) -> "Program":
    """Parse and check ``source``. Raises :class:`CheckError` carrying every diagnostic.

    ``limits`` (a :class:`seglam.Limits`) and ``backend`` ("compiled" or "reference") are the
    defaults for :meth:`Program.call`; :meth:`Program.run` can override both per call.

    Seglam modules the program imports are looked for in the standard library, then in the
    directories of ``path``, then of ``SEGLAM_PATH``, then in ``modules`` (name -> source, or
    a ``seglam.program.library.Finder``)."""
    if not isinstance(source, str):
        raise TypeError(f"source must be str, not {type(source).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    module = parse(source, filename)
    try:
        linked = link(module, source, search_path(path, modules))
        checked = check(linked.module, source)
    except CheckError as error:
        if error.source is None:
            raise CheckError(error.diagnostics, source) from None
        raise
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply to check", Span(1, 1, 1, 2), filename)], source) from None
    return Program(source, filename, checked, limits, backend, linked=linked)


def load(path: str | os.PathLike, *, limits=None, backend: str = "compiled", search=None, modules=None) -> "Program":
    """Compile the file at ``path`` (UTF-8, at most :data:`MAX_SOURCE_BYTES`); :class:`SourceFileError`
    if it cannot be read. ``search`` is the module search path (``compile``'s ``path``)."""
    return compile(read_source(path), filename=os.fspath(path), limits=limits, backend=backend, path=search,
                   modules=modules)


class Program:
    """A checked Seglam program. Immutable; thread-safe; backends are prepared on first use."""

    def __init__(self, source: str, filename: str, checked, limits, backend: str, *, linked=None) -> None:
        self._source = source
        self._filename = filename
        self._checked = checked
        self._hash = linked.hash if linked is not None else program_hash(checked.module)
        self._modules = {name: (m.filename, m.source, m.hash) for name, m in linked.modules.items()} if linked else {}
        self._limits = limits if limits is not None else Limits()
        self._backend_name = backend
        self._max_depth_reachable: int | None = None
        self._backends: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._plans = {name: call_plan(name, info, checked) for name, info in checked.functions.items()}
        try:
            self._backend(backend)  # prepare the default backend now, so code generation errors surface here
        except Fault as gap:  # a program the checker accepts and the generator cannot compile
            raise CheckError([Diagnostic(
                "E-UNSUPPORTED", gap.message, gap.span or Span(1, 1, 1, 2), filename,
                "a gap of the compiled backend, not of the program: please report it; "
                "backend=\"reference\" (`seglam run --backend reference`) runs it")], source) from None

    # ---- identity ------------------------------------------------------------------------

    @property
    def hash(self) -> str:
        """SHA-256 of the canonical, alpha-normalised program (hex)."""
        return self._hash

    @property
    def source(self) -> str:
        return self._source

    @property
    def filename(self) -> str:
        return self._filename

    @property
    def modules(self) -> dict[str, tuple[str, str, str]]:
        """Every Seglam module the program imports, directly or not: name -> (filename,
        source, hash). Their definitions are in :attr:`checked` under qualified names
        (``dates.add_days``)."""
        return dict(self._modules)

    def module_sources(self) -> dict[str, str]:
        """name -> source of every imported module (what the CPython oracle needs)."""
        return {name: source for name, (_, source, _) in self._modules.items()}

    @property
    def checked(self):
        """The checked module (syntax tree, signatures, records, enums, examples, properties)."""
        return self._checked

    @property
    def functions(self) -> dict:
        """Top-level functions by name: their :class:`~seglam.check.checker.FunctionInfo`."""
        return dict(self._checked.functions)

    @property
    def limits(self):
        return self._limits

    def __repr__(self) -> str:
        return f"<seglam.Program {self._filename} {self._hash[:12]}>"

    # ---- running -------------------------------------------------------------------------

    def call(self, function: str, /, *args: Any, **kwargs: Any) -> Any:
        """Call ``function`` with host values; return a host value or raise :class:`Fault`.

        Positional-only in ``function``, so a Seglam parameter may be called anything."""
        return self.run(function, args, kwargs).value

    def run(self, function: str, args: tuple = (), kwargs: dict | None = None, *, limits=None, backend: str | None = None) -> RunResult:
        """Like :meth:`call`, with per-call ``limits`` and ``backend``; also reports fuel used."""
        info = self._checked.functions.get(function)
        if info is None:
            known = ", ".join(sorted(self._checked.functions)) or "none"
            raise LookupError(f"{self._filename}: no function {function!r} (functions: {known})")
        call_args, call_kwargs = self._plans[function].bind(args, kwargs)
        self._check_depth(limits or self._limits)
        try:
            result = self._backend(backend or self._backend_name).run(function, call_args, call_kwargs, limits or self._limits)
        except Fault as fault:
            raise self._located(fault) from None
        return RunResult(convert.to_host(result.value, info.returns, self._checked), result.fuel_used)

    def eval_expr(self, expr: A.Expr, *, limits=None, backend: str | None = None) -> RunResult:
        """Evaluate an expression of this program's tree (e.g. one side of an example) in
        module scope. The value is returned as a host value."""
        self._check_depth(limits or self._limits)
        result = self._backend(backend or self._backend_name).eval_expr(expr, limits or self._limits)
        value_type = self._checked.types.get(id(expr))
        return RunResult(convert.to_host(result.value, value_type, self._checked), result.fuel_used)

    @property
    def max_depth_reachable(self) -> int:
        """The largest ``Limits.max_depth`` this program runs at: both backends honour any depth
        up to it, and past it the reference backend would meet the host's recursion limit
        where the compiled one still returns (SPEC section 10)."""
        if self._max_depth_reachable is None:
            self._max_depth_reachable = deepest_reachable(frames_per_call(self._checked.module))
        return self._max_depth_reachable

    def _check_depth(self, limits: Limits) -> None:
        if limits.max_depth > self.max_depth_reachable:
            raise DepthLimitError(f"max_depth {limits.max_depth:,} is past the depth this program can run at on "
                                  f"both backends ({self.max_depth_reachable:,}, from the host's recursion limit "
                                  f"and how deeply the program's expressions nest)")

    def file_of(self, function: str) -> tuple[str, str]:
        """(filename, source) of the file that defines ``function``: an imported module's for
        a qualified name (``dates.add_days``), else this program's."""
        module, dot, _ = function.partition(".")
        if dot and module in self._modules:
            filename, source, _ = self._modules[module]
            return filename, source
        return self._filename, self._source

    def _located(self, fault: Fault) -> Fault:
        """``fault`` with the file it happened in (that of the innermost call's function)."""
        if not fault.trace or not self._modules:
            return fault
        filename = self.file_of(fault.trace[-1].function)[0]
        return fault if filename == fault.filename else Fault(fault.code, fault.message, fault.span, fault.trace, filename)

    def python_source(self, function: str | None = None) -> str:
        """The Python the compiled backend generated for this program (or for ``function``
        only), readable, with ``# FILE:LINE: source`` comments naming the Seglam lines.
        Raises :class:`LookupError` for an unknown function."""
        if function is not None and function not in self._checked.functions:
            known = ", ".join(sorted(self._checked.functions)) or "none"
            raise LookupError(f"{self._filename}: no function {function!r} (functions: {known})")
        return self._backend("compiled").python_source(self._source, function)

    def _backend(self, name: str):
        backend = self._backends.get(name)
        if backend is not None:
            return backend
        with self._lock:
            backend = self._backends.get(name)
            if backend is None:
                backend = _make_backend(name, self._checked, self._filename)
                self._backends[name] = backend
        return backend


def _make_backend(name: str, checked, filename: str):
    target = _BACKENDS.get(name)
    if target is None:
        raise ValueError(f"backend must be one of {BACKENDS}, not {name!r}")
    module, _, cls = target.partition(":")
    return getattr(importlib.import_module(module), cls)(checked, filename)
