"""Generated expressions: the reference backend agrees with CPython (the oracle) on the
value or the fault code, on derandomised Hypothesis examples."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.run.faults import Fault
from seglam.run.oracle import run_cpython
from seglam.run.values import thaw
from tests.run.helpers import run

INT_LEAVES = st.sampled_from(["a", "b", "c", "0", "1", "-3", "7", "(10 ** 20)", "len(s)", "(ord(s[0]) if s else 5)"])
STR_LEAVES = st.sampled_from(["s", "'ab'", "''", "'x y z'", "str(a)", "s.upper()", "s[1:]", "s[::-1]"])


def _ints(depth: int):
    if depth == 0:
        return INT_LEAVES
    sub = _ints(depth - 1)
    return st.one_of(
        INT_LEAVES,
        st.builds(lambda x, op, y: f"({x} {op} {y})", sub, st.sampled_from(["+", "-", "*", "//", "%", "&", "|", "^", ">>"]), sub),
        st.builds(lambda x, y: f"max({x}, {y})", sub, sub),
        st.builds(lambda x: f"abs({x})", sub),
        st.builds(lambda x, y, z: f"({x} if {y} < {z} else {z})", sub, sub, sub),
        st.builds(lambda x: f"len(str({x}))", sub),
        st.builds(lambda x, y: f"[{x}, {y}, 3][{y} % 4]", sub, sub),
        st.builds(lambda x, y: f"sum(i * {x} for i in range({y} % 20))", sub, sub),
    )


def _strs(depth: int):
    if depth == 0:
        return STR_LEAVES
    sub = _strs(depth - 1)
    ints = _ints(1)
    return st.one_of(
        STR_LEAVES,
        st.builds(lambda x, y: f"({x} + {y})", sub, sub),
        st.builds(lambda x, n: f"({x} * ({n} % 5))", sub, ints),
        st.builds(lambda x, i, j: f"{x}[{i} % 7:{j} % 9]", sub, ints, ints),
        st.builds(lambda x, y: f"'-'.join([{x}, {y}])", sub, sub),
        st.builds(lambda x: f"' '.join(sorted({x}.split()))", sub),
        st.builds(lambda x, n: 'f"{' + x + '!r:>{' + n + ' % 9}}|{' + n + ':+05d}"', STR_LEAVES, INT_LEAVES),
        st.builds(lambda x, y: f"{x}.replace('a', {y})", sub, sub),
        st.builds(lambda x, n: f"{x}.center({n} % 12, '*')", sub, ints),
    )


def _outcome(source: str, args: tuple):
    want = run_cpython(source, "main", args)
    try:
        got = ("value", thaw(run(source, *args)))
    except Fault as fault:
        got = ("fault", fault.code)
    return want, got


SETTINGS = settings(max_examples=100, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


@SETTINGS
@given(expr=_ints(3), a=st.integers(-50, 50), b=st.integers(-5, 5), c=st.integers(0, 9), s=st.text("ab xy", max_size=6))
def test_int_expressions(expr, a, b, c, s):
    source = f"def main(a: int, b: int, c: int, s: str) -> int:\n    return {expr}\n"
    want, got = _outcome(source, (a, b, c, s))
    if want.ok:
        assert got == ("value", want.value), (expr, a, b, c, s)
    else:
        assert got == ("fault", want.fault_code), (expr, a, b, c, s, want.message)


@SETTINGS
@given(expr=_strs(3), a=st.integers(-50, 50), b=st.integers(-5, 5), c=st.integers(0, 9), s=st.text("ab xy", max_size=6))
def test_str_expressions(expr, a, b, c, s):
    source = f"def main(a: int, b: int, c: int, s: str) -> str:\n    return {expr}\n"
    want, got = _outcome(source, (a, b, c, s))
    if want.ok:
        assert got == ("value", want.value), (expr, a, b, c, s)
    else:
        assert got == ("fault", want.fault_code), (expr, a, b, c, s, want.message)
