"""A cache toolchain on the CPython oracle, so engine tests run without the checker and
verifier (and fast). ``verify`` runs the module's example asserts and its zero-argument
checks; it is a stand-in, not the verifier: tests of what the real toolchain refuses live
with the language."""

from __future__ import annotations

import ast
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

from seglam.cache.entry import Verification, now
from seglam.cache.toolchain import CallOutcome
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.run.faults import Fault
from seglam.program.library import stdlib_sources
from seglam.run.oracle import OracleError, run_cpython
from seglam.syntax.span import Span


@dataclass(frozen=True)
class OracleProgram:
    source: str
    filename: str
    hash: str
    functions: tuple[str, ...]


#: CPython 3.11 can raise "SystemError: AST constructor recursion depth mismatch" when
#: ast.parse/compile run in several threads at once (gh-106905); the oracle compiles the
#: source on every call, so calls take turns.
_COMPILE_LOCK = threading.Lock()


class OracleToolchain:
    name = "oracle"

    def __init__(self) -> None:
        self.verified = 0

    def compile(self, source: str, filename: str) -> OracleProgram:
        try:
            tree = ast.parse(source, filename)
        except SyntaxError as err:
            line = err.lineno or 1
            col = err.offset or 1
            raise CheckError([Diagnostic("E-SYNTAX", err.msg, Span(line, col, line, col + 1), filename)], source) from None
        names = tuple(n.name for n in tree.body if isinstance(n, ast.FunctionDef))
        return OracleProgram(source, filename, hashlib.sha256(source.encode()).hexdigest(), names)

    def program_hash(self, program: OracleProgram) -> str:
        return program.hash

    def call(self, program: OracleProgram, entry: str, kwargs: dict[str, Any], fuel: int | None) -> CallOutcome:
        try:
            with _COMPILE_LOCK:
                res = run_cpython(program.source, entry, kwargs=kwargs, filename=program.filename,
                                  modules=dict(stdlib_sources()))
        except OracleError as err:
            raise Fault("F-VALUE", str(err)) from None
        if not res.ok:
            raise Fault(res.fault_code or "F-VALUE", res.message)
        return CallOutcome(res.value, None)

    def verify(self, program: OracleProgram, entries: tuple[str, ...] = (), seeds: dict | None = None) -> Verification:
        self.verified += 1
        if not program.functions:
            return Verification(ok=False, tool=self.name, summary="no function", at=now())
        try:
            # executing the module runs its example asserts; then call a harmless function
            res = run_cpython(program.source + "\n\ndef __probe__() -> int:\n    return 0\n", "__probe__",
                              modules=dict(stdlib_sources()))
        except OracleError as err:
            return Verification(ok=False, tool=self.name, summary=str(err), at=now())
        if not res.ok:
            return Verification(ok=False, tool=self.name, summary=f"an example failed: {res.fault_code}: {res.message}", at=now())
        return Verification(ok=True, tool=self.name, summary="examples hold (oracle)", at=now())

    def diff(self, old: Any, new: Any) -> str | None:
        return None
