"""The host API: compile Seglam source once, call its functions many times.

Shaped like cel-go's ``Env → compile → Program → eval``::

    prog = seglam.compile(source, filename="x.sgl")   # parse + check; raises CheckError
    prog.hash                                          # content hash
    prog.call("main", words="b a c")                   # -> Python value; raises Fault

A :class:`Program` is immutable and safe to share between threads.
"""

from __future__ import annotations

import inspect
import os
import stat
import threading
from dataclasses import dataclass
from typing import Any

from seglam.run.result import RunResult
from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.canonical import program_hash
from seglam.syntax.lower import parse
from seglam.syntax.parser import MAX_SOURCE_CHARS
from seglam.syntax.span import Span

BACKENDS = ("compiled", "reference")

_PARAM_KINDS = {
    "positional_only": inspect.Parameter.POSITIONAL_ONLY,
    "normal": inspect.Parameter.POSITIONAL_OR_KEYWORD,
    "keyword_only": inspect.Parameter.KEYWORD_ONLY,
    "var_positional": inspect.Parameter.VAR_POSITIONAL,
    "var_keyword": inspect.Parameter.VAR_KEYWORD,
}


def compile(source: str, filename: str = "<input>", *, limits=None, backend: str = "compiled") -> "Program":  # noqa: A001
    """Parse and check ``source``. Raises :class:`CheckError` carrying every diagnostic.

    ``limits`` (a :class:`seglam.Limits`) and ``backend`` ("compiled" or "reference") are the
    defaults for :meth:`Program.call`; :meth:`Program.run` can override both per call.
    """
    from seglam.check.checker import check

    if not isinstance(source, str):
        raise TypeError(f"source must be str, not {type(source).__name__}")
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, not {backend!r}")
    module = parse(source, filename)
    try:
        checked = check(module, source)
    except CheckError as error:
        if error.source is None:
            raise CheckError(error.diagnostics, source) from None
        raise
    except RecursionError:
        raise CheckError([Diagnostic("E-NESTING", "the program nests too deeply to check", Span(1, 1, 1, 2), filename)], source) from None
    return Program(source, filename, checked, limits, backend)


def load(path: str | os.PathLike, *, limits=None, backend: str = "compiled") -> "Program":
    """Compile the file at ``path`` (UTF-8, at most :data:`MAX_SOURCE_BYTES`); :class:`SourceFileError`
    if it cannot be read."""
    return compile(read_source(path), filename=os.fspath(path), limits=limits, backend=backend)


#: The largest source file read: the parser's character limit, at 4 UTF-8 bytes a character.
MAX_SOURCE_BYTES = 4 * MAX_SOURCE_CHARS


class SourceFileError(OSError):
    """A source file could not be read: missing, not a regular file, too large, not UTF-8.
    ``str()`` is a one-line message naming the path."""


def read_source(path: str | os.PathLike, *, limit: int = MAX_SOURCE_BYTES) -> str:
    """The text of a source file, read with a size bound: never more than ``limit`` + 1 bytes,
    so ``/dev/zero``, a FIFO or a huge file is refused instead of filling memory."""
    # the name as it can be printed: a path from argv may hold lone surrogates
    name = os.fspath(path)
    if isinstance(name, str):
        name = name.encode("utf-8", "backslashreplace").decode("utf-8")
    try:
        # O_NONBLOCK: opening a FIFO with no writer must not hang; it is refused below anyway
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError as error:
        raise SourceFileError(f"{name}: cannot read: {error.strerror or error}") from None
    except ValueError as error:  # a NUL byte, or a lone surrogate the file system cannot encode
        raise SourceFileError(f"{name}: cannot read: not a valid path ({error})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise SourceFileError(f"{name}: is a directory, not a source file")
        if not stat.S_ISREG(info.st_mode):
            raise SourceFileError(f"{name}: not a regular file (a device, FIFO or socket is not read)")
        if info.st_size > limit:
            raise SourceFileError(f"{name}: too large ({info.st_size} bytes; the limit is {limit})")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except SourceFileError:
        raise
    except OSError as error:
        raise SourceFileError(f"{name}: cannot read: {error.strerror or error}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # the file grew while it was read
        raise SourceFileError(f"{name}: too large (more than {limit} bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceFileError(f"{name}:{line}: not UTF-8 text (byte {error.start}: {error.reason})") from None


class Program:
    """A checked Seglam program. Immutable; thread-safe; backends are prepared on first use."""

    def __init__(self, source: str, filename: str, checked, limits, backend: str) -> None:
        from seglam.run.limits import Limits

        self._source = source
        self._filename = filename
        self._checked = checked
        self._hash = program_hash(checked.module)
        self._limits = limits if limits is not None else Limits()
        self._backend_name = backend
        self._backends: dict[str, Any] = {}
        self._lock = threading.Lock()
        self._signatures = {name: _signature(info) for name, info in checked.functions.items()}
        self._backend(backend)  # prepare the default backend now, so code generation errors surface here

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
        from seglam.run import convert

        info = self._checked.functions.get(function)
        if info is None:
            known = ", ".join(sorted(self._checked.functions)) or "none"
            raise LookupError(f"{self._filename}: no function {function!r} (functions: {known})")
        try:
            bound = self._signatures[function].bind(*args, **(kwargs or {}))
        except TypeError as error:
            raise TypeError(f"{function}(): {error}") from None
        types = {p.name: p.type for p in info.params}
        call_args = tuple(
            convert.to_seglam(value, types[name], self._checked, name)
            for name, value in _positional(bound)
        )
        call_kwargs = {name: convert.to_seglam(value, types[name], self._checked, name) for name, value in bound.kwargs.items()}
        result = self._backend(backend or self._backend_name).run(function, call_args, call_kwargs, limits or self._limits)
        return RunResult(convert.to_host(result.value, info.returns, self._checked), result.fuel_used)

    def eval_expr(self, expr: A.Expr, *, limits=None, backend: str | None = None) -> RunResult:
        """Evaluate an expression of this program's tree (e.g. one side of an example) in
        module scope. The value is returned as a host value."""
        from seglam.run import convert

        result = self._backend(backend or self._backend_name).eval_expr(expr, limits or self._limits)
        value_type = self._checked.types.get(id(expr))
        return RunResult(convert.to_host(result.value, value_type, self._checked), result.fuel_used)

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
    if name == "compiled":
        from seglam.run.compiled import CompiledBackend

        return CompiledBackend(checked, filename)
    if name == "reference":
        from seglam.run.evaluator import ReferenceBackend

        return ReferenceBackend(checked, filename)
    raise ValueError(f"backend must be one of {BACKENDS}, not {name!r}")


_REQUIRED = object()


def _signature(info) -> inspect.Signature:
    """A Python signature for binding host arguments, so a bad call gets Python's own message."""
    params = []
    for p in info.params:
        default = inspect.Parameter.empty if p.default is None else _REQUIRED
        params.append(inspect.Parameter(p.name, _PARAM_KINDS.get(p.kind, inspect.Parameter.POSITIONAL_OR_KEYWORD), default=default))
    return inspect.Signature(params)


def _positional(bound: inspect.BoundArguments):
    """The bound positional arguments with their parameter names."""
    names = list(bound.signature.parameters)
    return list(zip(names, bound.args))
