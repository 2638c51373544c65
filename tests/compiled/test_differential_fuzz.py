"""Differential fuzzing: Hypothesis writes small well-typed Seglam programs (arithmetic,
strings, lists, dicts, loops, ifs, comprehensions, lambdas, helper functions) and the
compiled backend, the reference backend and CPython must agree on each: the same value or
the same fault code; the two Seglam backends also on the fuel used and the fault's span."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seglam
from seglam.run.faults import Fault
from seglam.run.oracle import run_cpython
from tests.conformance.cases import LIMIT_FAULTS, same_value

SMALL = st.integers(min_value=-6, max_value=12)
WORDS = st.sampled_from(["a", "ab", "ba", "abc", "", "x y", "aXb", "zz"])


class Env:
    """Names in scope, by type, while a program is being drawn."""

    def __init__(self) -> None:
        self.ints = ["a", "b"]
        self.strs = ["s"]
        self.lists = ["xs"]
        self.counter = 0

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"


@st.composite
def int_expr(draw, env: Env, depth: int = 2):
    leaves = [st.builds(str, SMALL), st.sampled_from(env.ints)]
    if depth <= 0:
        return draw(st.one_of(leaves))
    sub = int_expr(env, depth - 1)
    choice = draw(st.integers(0, 13))
    if choice <= 2:
        return draw(st.one_of(leaves))
    if choice == 3:
        op = draw(st.sampled_from(["+", "-", "*"]))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 4:
        op = draw(st.sampled_from(["//", "%"]))
        return f"({draw(sub)} {op} {draw(sub)})"
    if choice == 5:
        return f"len({draw(list_expr(env, depth - 1))})"
    if choice == 6:
        return f"sum({draw(list_expr(env, depth - 1))})"
    if choice == 7:
        return f"({draw(sub)} if {draw(bool_expr(env, depth - 1))} else {draw(sub)})"
    if choice == 8:
        return f"{draw(list_expr(env, depth - 1))}[{draw(sub)}]"
    if choice == 9:
        return f"len({draw(str_expr(env, depth - 1))})"
    if choice == 10:
        return f"helper({draw(sub)}, {draw(str_expr(env, depth - 1))})"
    if choice == 11:
        return f"{draw(str_expr(env, depth - 1))}.count({draw(WORDS)!r})"
    if choice == 12:
        return f"max({draw(sub)}, {draw(sub)}, abs({draw(sub)}))"
    return f"min({draw(list_expr(env, depth - 1))}, default={draw(sub)})"


@st.composite
def bool_expr(draw, env: Env, depth: int = 1):
    choice = draw(st.integers(0, 4))
    if choice == 0 or depth <= 0:
        op = draw(st.sampled_from(["<", "<=", "==", "!=", ">"]))
        return f"{draw(int_expr(env, 0))} {op} {draw(int_expr(env, 0))}"
    if choice == 1:
        return f"{draw(int_expr(env, 0))} in {draw(list_expr(env, depth - 1))}"
    if choice == 2:
        return f"{draw(str_expr(env, depth - 1))}.startswith({draw(WORDS)!r})"
    if choice == 3:
        return f"({draw(bool_expr(env, depth - 1))} and not {draw(bool_expr(env, depth - 1))})"
    return f"{draw(WORDS)!r} in {draw(str_expr(env, depth - 1))}"


@st.composite
def str_expr(draw, env: Env, depth: int = 1):
    leaves = [st.builds(repr, WORDS), st.sampled_from(env.strs)]
    if depth <= 0:
        return draw(st.one_of(leaves))
    sub = str_expr(env, depth - 1)
    choice = draw(st.integers(0, 8))
    if choice <= 1:
        return draw(st.one_of(leaves))
    if choice == 2:
        return f"({draw(sub)} + {draw(sub)})"
    if choice == 3:
        return f"({draw(sub)} * {draw(st.integers(-1, 3))})"
    if choice == 4:
        method = draw(st.sampled_from(["upper", "lower", "strip", "title"]))
        return f"{draw(sub)}.{method}()"
    if choice == 5:
        return f'f"<{{{draw(int_expr(env, 0))}}}:{{{draw(str_expr(env, 0))}}}>"'
    if choice == 6:
        return f"{draw(sub)}[{draw(int_expr(env, 0))}:{draw(int_expr(env, 0))}]"
    if choice == 7:
        return f"','.join([str(v) for v in {draw(list_expr(env, depth - 1))}])"
    return f"str({draw(int_expr(env, 0))})"


@st.composite
def list_expr(draw, env: Env, depth: int = 1):
    leaves = [st.sampled_from(env.lists), st.builds(lambda xs: repr(xs), st.lists(SMALL, max_size=4))]
    if depth <= 0:
        return draw(st.one_of(leaves))
    sub = list_expr(env, depth - 1)
    choice = draw(st.integers(0, 7))
    if choice <= 1:
        return draw(st.one_of(leaves))
    if choice == 2:
        var = env.fresh("v")
        inner = Env()
        inner.ints, inner.strs, inner.lists = env.ints + [var], env.strs, env.lists
        inner.counter = env.counter + 100
        return (f"[{draw(int_expr(inner, 1))} for {var} in {draw(sub)} "
                f"if {draw(bool_expr(inner, 0))}]")
    if choice == 3:
        return f"({draw(sub)} + {draw(sub)})"
    if choice == 4:
        return f"sorted({draw(sub)}, key=lambda q: ({draw(st.sampled_from(['-q', 'q % 3', 'abs(q)']))}, q))"
    if choice == 5:
        return f"{draw(sub)}[{draw(int_expr(env, 0))}:]"
    if choice == 6:
        return f"list(range({draw(st.integers(-2, 6))}))"
    return f"[{draw(int_expr(env, 0))}, {draw(int_expr(env, 0))}]"


@st.composite
def statements(draw, env: Env, depth: int = 2, indent: str = "    "):
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 7 if depth > 0 else 3))
        if choice == 0:
            name = env.fresh("n")
            lines.append(f"{indent}{name} = {draw(int_expr(env))}")
            env.ints.append(name)
        elif choice == 1:
            name = env.fresh("t")
            lines.append(f"{indent}{name} = {draw(str_expr(env))}")
            env.strs.append(name)
        elif choice == 2:
            name = env.fresh("l")
            lines.append(f"{indent}{name} = {draw(list_expr(env))}")
            env.lists.append(name)
        elif choice == 3:
            target = draw(st.sampled_from(env.ints))
            op = draw(st.sampled_from(["+=", "-=", "*="]))
            lines.append(f"{indent}{target} {op} {draw(int_expr(env, 1))}")
        elif choice == 4:
            var = env.fresh("i")
            acc = draw(st.sampled_from(env.ints))
            lines.append(f"{indent}for {var} in {draw(list_expr(env))}:")
            env.ints.append(var)
            lines.append(f"{indent}    {acc} += {draw(int_expr(env, 1))}")
            lines.extend(_nested(draw, env, depth, indent))
            env.ints.remove(var)
        elif choice == 5:
            lines.append(f"{indent}if {draw(bool_expr(env))}:")
            lines.extend(_nested(draw, env, depth, indent))
            lines.append(f"{indent}else:")
            lines.append(f"{indent}    out.append({draw(int_expr(env, 1))})")
        elif choice == 6:
            counter = env.fresh("w")
            lines.append(f"{indent}{counter} = 0")
            lines.append(f"{indent}while {counter} < {draw(st.integers(0, 5))}:")
            lines.append(f"{indent}    {counter} += 1")
            lines.append(f"{indent}    out.append({counter} * {draw(int_expr(env, 1))})")
            lines.append(f"{indent}    counts[{draw(str_expr(env, 0))}] = counts.get({draw(str_expr(env, 0))}, 0) + 1")
            env.ints.append(counter)
        else:
            lines.append(f"{indent}out.append({draw(int_expr(env))})")
    return lines


def _nested(draw, env: Env, depth: int, indent: str) -> list[str]:
    """A nested block; the names it binds are not visible after it (they may be unbound)."""
    saved = (list(env.ints), list(env.strs), list(env.lists))
    lines = draw(statements(env, depth - 1, indent + "    "))
    env.ints, env.strs, env.lists = saved
    return lines


@st.composite
def programs(draw):
    env = Env()
    body = draw(statements(env))
    ret_int = draw(int_expr(env, 1))
    ret_str = draw(str_expr(env, 1))
    source = "\n".join([
        "def helper(k: int, w: str) -> int:",
        "    return k * 2 + len(w) if k < 50 else k - 1",
        "",
        "def main(a: int, b: int, s: str, xs: list[int]) -> tuple[int, str, list[int], dict[str, int]]:",
        "    out: list[int] = []",
        "    counts: dict[str, int] = {}",
        *[line for line in body if line.startswith("    ")],
        f"    return ({ret_int}, {ret_str}, out, counts)",
        "",
    ])
    args = (draw(SMALL), draw(SMALL), draw(WORDS), draw(st.lists(SMALL, max_size=5)))
    return source, args


def _seglam(prog, backend: str, args: tuple) -> tuple:
    try:
        result = prog.run("main", args, backend=backend)
    except Fault as fault:
        return ("fault", fault.code, fault.span)
    return ("value", result.value, result.fuel_used)


@settings(max_examples=80, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
@given(programs())
def test_compiled_reference_and_cpython_agree(program):
    source, args = program
    try:
        prog = seglam.compile(source, filename="fuzz.sgl")
    except seglam.CheckError as error:  # the generator writes only well-typed programs
        raise AssertionError(f"generated program rejected:\n{source}\n{error}") from None
    compiled = _seglam(prog, "compiled", args)
    reference = _seglam(prog, "reference", args)
    assert compiled[0] == reference[0], (source, args, compiled, reference)
    if compiled[0] == "value":
        assert same_value(compiled[1], reference[1]) and compiled[2] == reference[2], (source, args, compiled, reference)
    else:
        assert compiled[1:] == reference[1:], (source, args, compiled, reference)
    if compiled[0] == "value":
        oracle = run_cpython(source, "main", args, filename="fuzz.sgl")
        assert oracle.ok, (source, args, compiled, oracle)
        assert same_value(oracle.value, compiled[1]), (source, args, compiled, oracle)
    elif compiled[1] not in LIMIT_FAULTS:  # CPython does not model Seglam's limits
        oracle = run_cpython(source, "main", args, filename="fuzz.sgl")
        assert oracle.fault_code == compiled[1], (source, args, compiled, oracle)
