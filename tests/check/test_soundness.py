"""Soundness: a program the checker accepts never fails with a Python type error at run time.

Token-level mutations of conformance programs (names, literals and operators swapped) that the
checker accepts are run under the CPython oracle; any exception that maps to no Seglam fault
(TypeError, AttributeError, NameError, ...) is a checker bug.
"""

from __future__ import annotations

import io
import keyword
import signal
import tokenize

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.check.checker import check
from seglam.check.diagnostics import CheckError
from seglam.syntax.lower import parse

oracle = pytest.importorskip("seglam.run.oracle")

try:
    from tests.conformance.cases import load_cases

    CASES = [c for c in load_cases() if c.kind in ("value", "fault") and c.cpython_runs][::3]
except Exception:  # pragma: no cover - the conformance suite is optional here
    CASES = []

LITERALS = ["0", "1", "-1", "2.5", "'a'", "''", "None", "True", "[]", "[1]", "['x']", "{}", "{'k': 1}",
            "(1, 2)", "set()"]
OPERATORS = ["+", "-", "*", "/", "//", "%", "<", ">", "==", "!=", "and", "or", "in", "not in", "is", "is not"]


def _mutate(source: str, data) -> str:
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source
    names = sorted({t.string for t in tokens if t.type == tokenize.NAME and not keyword.iskeyword(t.string)})
    spots = [t for t in tokens if t.type in (tokenize.NAME, tokenize.NUMBER, tokenize.STRING, tokenize.OP)
             and t.start[0] == t.end[0]]
    if not spots:
        return source
    tok = data.draw(st.sampled_from(spots))
    if tok.type == tokenize.OP and tok.string not in ("+", "-", "*", "/", "//", "%", "<", ">", "==", "!="):
        return source
    pool = OPERATORS if tok.type == tokenize.OP else names + LITERALS
    new = data.draw(st.sampled_from(pool))
    lines = source.splitlines(keepends=True)
    line = lines[tok.start[0] - 1]
    lines[tok.start[0] - 1] = line[:tok.start[1]] + new + line[tok.end[1]:]
    return "".join(lines)


class _Timeout(Exception):
    pass


def _alarm(*_):
    raise _Timeout()


@pytest.mark.skipif(not CASES, reason="no conformance cases")
@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_accepted_mutants_never_raise_python_type_errors(data):
    case = data.draw(st.sampled_from(CASES))
    source = case.source
    for _ in range(data.draw(st.integers(1, 3))):
        source = _mutate(source, data)
    try:
        check(parse(source, "m.sgl"), source)
    except CheckError:
        return
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, 0.5)
    try:
        oracle.run_cpython(source, case.function, case.args, case.kwargs)
    except _Timeout:
        return
    except oracle.OracleError as error:
        message = str(error)
        if "no function named" in message or "Timeout" in message:
            return
        raise AssertionError(f"accepted program failed at run time: {message}\n{source}") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
