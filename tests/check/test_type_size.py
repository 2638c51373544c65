"""A type's size is bounded: a chain `x1 = (x0, x0)`, `x2 = (x1, x1)`, ... doubles its type
per line, and the checker walked such types without sharing (found by the red-team
reproducer 04-checker-exponential-tuple-types.sgl: 24 lines took 42 s)."""

from __future__ import annotations

import subprocess
import sys

from seglam.check import types as T
from seglam.check.typeops import MAX_TYPE_SIZE, has_error, type_size

from .helpers import ok, one


def _doubling_chain(lines: int) -> str:
    body = [f"    x{i} = (x{i - 1}, x{i - 1})" for i in range(1, lines + 1)]
    return "\n".join(["def main() -> int:", "    x0 = (0, 0)", *body, "    return 1", ""])


def _check_in_subprocess(tmp_path, lines: int) -> subprocess.CompletedProcess:
    # A subprocess, so that the code before the fix (which takes hours at 40 lines) ends at
    # the timeout and fails the test instead of hanging the run.
    path = tmp_path / f"chain{lines}.sgl"
    path.write_text(_doubling_chain(lines))
    code = "import sys; from seglam.cli.main import main; sys.exit(main(['check', sys.argv[1]]))"
    return subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, timeout=120)


def test_a_doubling_chain_of_22_lines_is_answered_with_a_coded_diagnostic(tmp_path):
    done = _check_in_subprocess(tmp_path, 22)
    assert done.returncode == 1, done.stderr
    assert "E-NESTING" in done.stdout and "Traceback" not in done.stderr
    assert "hint:" in done.stdout


def test_a_doubling_chain_of_40_lines_is_answered_with_a_coded_diagnostic(tmp_path):
    done = _check_in_subprocess(tmp_path, 40)
    assert done.returncode == 1, done.stderr
    assert "E-NESTING" in done.stdout and "Traceback" not in done.stderr


def test_the_diagnostic_points_at_the_first_expression_past_the_bound():
    # sizes: x0 is 3 parts, xi is 2 ** (i + 2) - 1; the first past the bound is reported once
    first = next(i for i in range(40) if 2 ** (i + 2) - 1 > MAX_TYPE_SIZE)
    found = one(_doubling_chain(first + 3), "E-NESTING")
    assert found.span.line == first + 2 and found.hint
    assert "type" in found.message


def test_a_wide_literal_tuple_is_within_the_bound():
    ok("T = (" + ", ".join(str(i) for i in range(5000)) + ")\n\ndef main() -> int:\n    return len(T)\n")


def test_type_size_and_has_error_share_repeated_parts():
    deep: T.Type = T.INT
    for _ in range(200):
        deep = T.TupleType((deep, deep))
    assert type_size(deep, {}) > MAX_TYPE_SIZE
    assert not has_error(deep)
    assert has_error(T.TupleType((deep, T.ListType(T.ERROR))))
