"""Soundness: a program the checker accepts never fails with a Python type error at run time.

Token-level mutations of conformance programs (names, literals and operators swapped) that the
checker accepts are run under the CPython oracle; any exception that maps to no Seglam fault
(TypeError, AttributeError, NameError, ...) is a checker bug.
"""

from __future__ import annotations

import io
import keyword
import tokenize

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import seglam
from seglam.run import oracle
from tests.conformance.cases import LIMIT_FAULTS, load_cases

CASES = [c for c in load_cases() if c.kind in ("value", "fault") and c.cpython_runs][::3]
#: Enough for any conformance program; a mutant that needs more may loop for ever under CPython.
FUEL = 200_000

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


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_accepted_mutants_never_raise_python_type_errors(data):
    """Mutants the checker rejects, or that hit a Seglam limit (so may not end under CPython),
    are not examples (``assume``): Hypothesis fails the test if too few mutants are left."""
    case = data.draw(st.sampled_from(CASES))
    source = case.source
    for _ in range(data.draw(st.integers(1, 3))):
        source = _mutate(source, data)
    try:
        prog = seglam.compile(source, filename="m.sgl", modules=dict(case.modules))
    except seglam.CheckError:
        prog = None
    assume(prog is not None and case.function in prog.functions)
    try:
        prog.run(case.function, case.args, case.kwargs, limits=seglam.Limits(fuel=FUEL), backend="compiled")
    except seglam.Fault as fault:
        assume(fault.code not in LIMIT_FAULTS)
    except TypeError:
        # the host API refuses the case's arguments: the mutant changed a parameter's type
        # (`dict[str, int]` -> `dict[str, str]`), so this case says nothing about it
        assume(False)
    try:
        oracle.run_cpython(source, case.function, case.args, case.kwargs, filename="m.sgl", modules=dict(case.modules))
    except oracle.OracleError as error:
        raise AssertionError(f"accepted program failed at run time: {error}\n{source}") from None


def test_the_mutated_cases_are_there():
    assert len(CASES) >= 100
