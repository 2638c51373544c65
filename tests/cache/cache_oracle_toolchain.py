"""A stand-in toolchain for cache tests: runs programs under the project's CPython oracle
(seglam.run.oracle), so the cache can be tested while, and independently of, the runtime.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from typing import Any

from seglam.cache.entry import Verification
from seglam.cache.toolchain import CallOutcome
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.run.faults import Fault
from seglam.run.oracle import OracleError, run_cpython
from seglam.syntax.span import Span

_PROBE = "__cache_test_probe__"


@dataclass(frozen=True)
class OracleProgram:
    source: str
    filename: str
    hash: str


class OracleToolchain:
    """compile = Python parse (comment-insensitive hash), call = run_cpython, verify = run
    the module's example asserts; a program containing ``# verify: fail`` fails verification."""

    name = "oracle"

    def __init__(self) -> None:
        self.calls = 0

    def compile(self, source: str, filename: str) -> OracleProgram:
        try:
            tree = ast.parse(source)
        except SyntaxError as err:
            raise CheckError([Diagnostic("E-SYNTAX", err.msg, Span(err.lineno or 1, 1, err.lineno or 1, 2), filename)], source) from None
        digest = hashlib.sha256(ast.dump(tree).encode()).hexdigest()
        return OracleProgram(source, filename, digest)

    def program_hash(self, program: OracleProgram) -> str:
        return program.hash

    def call(self, program: OracleProgram, entry: str, kwargs: dict[str, Any], fuel: int | None) -> CallOutcome:
        self.calls += 1
        res = run_cpython(program.source, entry, (), dict(kwargs), filename=program.filename)
        if not res.ok:
            raise Fault(res.fault_code, res.message)
        return CallOutcome(res.value, None)

    def verify(self, program: OracleProgram, entries: tuple[str, ...] = ()) -> Verification:
        if "# verify: fail" in program.source:
            return Verification(ok=False, tool="oracle", summary="refuted: marker")
        try:
            res = run_cpython(program.source, _PROBE, filename=program.filename)
        except OracleError as err:
            ok = _PROBE in str(err)  # the module (and its example asserts) ran to the end
            return Verification(ok=ok, tool="oracle", summary="" if ok else str(err))
        return Verification(ok=False, tool="oracle", summary=f"module faulted: {res.fault_code} {res.message}")

    def diff(self, old: Any, new: Any) -> str | None:
        return None
