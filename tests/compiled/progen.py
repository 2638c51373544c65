"""Hypothesis strategies that write small well-typed Seglam programs, and the three-way check
the differential fuzzers run on each (issue 19 point 3).

A program is ``helper``, a bounded recursive ``rec``, ``walk`` (recursion passing a list on,
which the compiled backend does not copy) and ``keep`` (which returns its list argument), and
``main(a, b, s, xs, r)`` whose body
is drawn statement by statement from what people write: arithmetic (``//``, ``%``, ``**``,
bit operations, true division), strings (methods, slices, f-strings, ``split``/``join``),
lists (comprehensions, slices with steps, sort keys, ``pop``/``insert``), dicts (counting,
comprehensions, iteration over sorted items), sets, tuple unpacking (``zip``,
``enumerate``, swaps), ``for``/``while`` loops with ``break`` and ``continue``, and calls.
Names are typed while drawing (:class:`Env`), so every program passes the checker; a
program that does not is a generator bug and fails loudly.

:func:`disagreement` runs one program on the compiled backend, the reference evaluator and
CPython (:func:`seglam.run.oracle.run_cpython`), optionally under a small fuel budget, and
describes any difference: the value (with types), the fault code, and between the two
Seglam backends the fuel used and the fault's span. CPython does not model Seglam's limits,
so a limit fault is compared between the Seglam backends only.

Used by ``tests/compiled/test_differential_fuzz.py`` (bounded, derandomised) and
``bench/bench_fuzz.py`` (the long run recorded in ``bench/results/``).
"""

from __future__ import annotations

from hypothesis import strategies as st

import seglam
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.run.oracle import OracleError, run_cpython
from tests.conformance.cases import LIMIT_FAULTS, same_value

SMALL = st.integers(min_value=-6, max_value=12)
#: ``r: float``: floats, and ints (an int is a float's value too), small or past the bound
#: where writing one as text is charged
FLOATS = st.one_of(st.floats(-1e6, 1e6, allow_nan=False), SMALL, st.integers(0, 3000).map(lambda k: 1 << k))
WORDS = st.sampled_from(["a", "ab", "ba", "abc", "", "x y", "aXb", "zz", " b a "])


class Env:
    """Names in scope, by type, while a program is being drawn."""

    def __init__(self) -> None:
        self.ints = ["a", "b"]
        self.strs = ["s"]
        self.lists = ["xs"]
        self.counter = 0
        self.loops = 0  # enclosing loops (break/continue are allowed inside one)

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def inner(self, extra_int: str) -> "Env":
        """A comprehension's scope: one more int name, its own counter range."""
        env = Env()
        env.ints, env.strs, env.lists = self.ints + [extra_int], self.strs, self.lists
        env.counter = self.counter + 100
        return env


def _leaf_or_choice(draw, leaves: list, depth: int, choices: int, leaf_choices: int) -> tuple[str | None, int]:
    """A leaf (at depth 0, or for the first ``leaf_choices`` of ``choices + 1``), or which
    compound form to draw."""
    choice = draw(st.integers(0, choices)) if depth > 0 else 0
    if depth <= 0 or choice < leaf_choices:
        return draw(st.one_of(leaves)), choice
    return None, choice


@st.composite
def int_expr(draw, env: Env, depth: int = 2):
    leaf, choice = _leaf_or_choice(draw, [st.builds(str, SMALL), st.sampled_from(env.ints)], depth, 20, 3)
    if leaf is not None:
        return leaf
    sub = int_expr(env, depth - 1)
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
    if choice == 13:
        return f"({draw(sub)} {draw(st.sampled_from(['&', '|', '^']))} {draw(sub)})"
    if choice == 14:
        return f"({draw(sub)} ** {draw(st.integers(0, 4))})"
    if choice == 15:
        if draw(st.booleans()):
            return f"rec({draw(sub)})"
        return f"walk({draw(list_expr(env, depth - 1))}, {draw(sub)})"
    if choice == 16:
        return f"{draw(str_expr(env, depth - 1))}.find({draw(WORDS)!r})"
    if choice == 17:
        return f"len(set({draw(list_expr(env, depth - 1))}))"
    if choice == 18:
        return f"int({draw(sub)} / {draw(st.integers(1, 4))})"
    if choice == 19:
        if draw(st.booleans()):
            return f"int({draw(st.sampled_from(['r', 'r * 2', 'r - a']))})"
        return f"({draw(sub)} << {draw(st.integers(0, 40))})"
    return f"min({draw(list_expr(env, depth - 1))}, default={draw(sub)})"


@st.composite
def bool_expr(draw, env: Env, depth: int = 1):
    choice = draw(st.integers(0, 6))
    if choice == 0 or depth <= 0:
        op = draw(st.sampled_from(["<", "<=", "==", "!=", ">"]))
        return f"{draw(int_expr(env, 0))} {op} {draw(int_expr(env, 0))}"
    if choice == 1:
        return f"{draw(int_expr(env, 0))} in {draw(list_expr(env, depth - 1))}"
    if choice == 2:
        return f"{draw(str_expr(env, depth - 1))}.startswith({draw(WORDS)!r})"
    if choice == 3:
        return f"({draw(bool_expr(env, depth - 1))} and not {draw(bool_expr(env, depth - 1))})"
    if choice == 4:
        return f"{draw(int_expr(env, 0))} < {draw(int_expr(env, 0))} <= {draw(int_expr(env, 0))}"
    if choice == 5:
        return f"{draw(str_expr(env, 0))} in counts"
    return f"{draw(WORDS)!r} in {draw(str_expr(env, depth - 1))}"


@st.composite
def str_expr(draw, env: Env, depth: int = 1):
    leaf, choice = _leaf_or_choice(draw, [st.builds(repr, WORDS), st.sampled_from(env.strs)], depth, 12, 2)
    if leaf is not None:
        return leaf
    sub = str_expr(env, depth - 1)
    if choice == 2:
        return f"({draw(sub)} + {draw(sub)})"
    if choice == 3:
        return f"({draw(sub)} * {draw(st.integers(-1, 3))})"
    if choice == 4:
        method = draw(st.sampled_from(["upper", "lower", "strip", "title", "capitalize", "swapcase"]))
        return f"{draw(sub)}.{method}()"
    if choice == 5:
        return f'f"<{{{draw(int_expr(env, 0))}}}:{{{draw(str_expr(env, 0))}}}>"'
    if choice == 6:
        return f"{draw(sub)}[{draw(int_expr(env, 0))}:{draw(int_expr(env, 0))}]"
    if choice == 7:
        return f"','.join([str(v) for v in {draw(list_expr(env, depth - 1))}])"
    if choice == 8:
        return f"{draw(sub)}.replace({draw(WORDS)!r}, {draw(WORDS)!r})"
    if choice == 9:
        return f"'-'.join({draw(sub)}.split())"
    if choice == 10:
        return f"{draw(sub)}[::{draw(st.sampled_from(['-1', '2', '-2']))}]"
    if choice == 11:
        if draw(st.booleans()):  # r: float may hold an int, a large one too
            return draw(st.sampled_from(['f"{r}"', "str(r)", 'f"{r:>8}"', "str(r + a)", 'f"{r:.2f}"']))
        return f"{draw(sub)}.rjust({draw(st.integers(0, 6))}, '.')"
    return f"str({draw(int_expr(env, 0))})"


@st.composite
def list_expr(draw, env: Env, depth: int = 1):
    leaves = [st.sampled_from(env.lists), st.builds(lambda xs: repr(xs), st.lists(SMALL, max_size=4))]
    leaf, choice = _leaf_or_choice(draw, leaves, depth, 11, 2)
    if leaf is not None:
        return leaf
    sub = list_expr(env, depth - 1)
    if choice == 2:
        var = env.fresh("v")
        inner = env.inner(var)
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
    if choice == 7:
        var, other = env.fresh("v"), env.fresh("v")
        inner = env.inner(var).inner(other)
        return f"[{draw(int_expr(inner, 1))} for {var} in {draw(sub)} for {other} in range({var} % 3)]"
    if choice == 8:
        return f"sorted({draw(sub)}, reverse=True)"
    if choice == 9:
        return f"{draw(sub)}[::{draw(st.sampled_from(['-1', '2', '3']))}]"
    if choice == 10:
        return f"[len(w) for w in {draw(str_expr(env, depth - 1))}.split({draw(st.sampled_from(['', chr(39) + 'a' + chr(39)]))})]"
    return f"[{draw(int_expr(env, 0))}, {draw(int_expr(env, 0))}]"


@st.composite
def statements(draw, env: Env, depth: int = 2, indent: str = "    "):
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        choice = draw(st.integers(0, 15 if depth > 0 else 3))
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
            op = draw(st.sampled_from(["+=", "-=", "*=", "//=", "%="]))
            lines.append(f"{indent}{target} {op} {draw(int_expr(env, 1))}")
        elif choice == 4:
            var = env.fresh("i")
            acc = draw(st.sampled_from(env.ints))
            lines.append(f"{indent}for {var} in {draw(list_expr(env))}:")
            env.ints.append(var)
            lines.append(f"{indent}    {acc} += {draw(int_expr(env, 1))}")
            lines.extend(_nested(draw, env, depth, indent, loop=True))
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
        elif choice == 7:
            lines.append(f"{indent}out.append({draw(int_expr(env))})")
        elif choice == 8:  # tuple unpacking over zip / enumerate
            p, q = env.fresh("p"), env.fresh("q")
            source = draw(st.sampled_from(["zip", "enumerate"]))
            first = draw(list_expr(env))
            pairs = f"zip({first}, {draw(list_expr(env))})" if source == "zip" else f"enumerate({first})"
            lines.append(f"{indent}for {p}, {q} in {pairs}:")
            env.ints.extend([p, q])
            lines.append(f"{indent}    out.append({draw(int_expr(env, 1))})")
            lines.extend(_nested(draw, env, depth, indent, loop=True))
            env.ints.remove(p)
            env.ints.remove(q)
        elif choice == 9:  # a swap
            x, y = draw(st.sampled_from(env.ints)), draw(st.sampled_from(env.ints))
            if x != y:
                lines.append(f"{indent}{x}, {y} = {y}, {x}")
        elif choice == 10:  # iterate a dict in a fixed order
            k, v = env.fresh("k"), env.fresh("c")
            acc = draw(st.sampled_from(env.ints))
            lines.append(f"{indent}for {k}, {v} in sorted(counts.items()):")
            lines.append(f"{indent}    {acc} += {v} * len({k})")
        elif choice == 11 and env.loops > 0:
            lines.append(f"{indent}if {draw(bool_expr(env, 0))}:")
            lines.append(f"{indent}    {draw(st.sampled_from(['break', 'continue']))}")
        elif choice == 12:  # list mutation
            which = draw(st.sampled_from(["pop", "insert", "extend", "sort"]))
            if which == "pop":
                lines.append(f"{indent}if out:")
                lines.append(f"{indent}    out.append(out.pop({draw(st.sampled_from(['', '0', '-1']))}))")
            elif which == "insert":
                lines.append(f"{indent}out.insert({draw(int_expr(env, 0))}, {draw(int_expr(env, 1))})")
            elif which == "extend":
                lines.append(f"{indent}out.extend({draw(list_expr(env))})")
            else:
                lines.append(f"{indent}out.sort(key=lambda z: (z % 4, -z))")
        elif choice == 13:  # a dict comprehension and a dict of lists
            name = env.fresh("d")
            lines.append(f"{indent}{name} = {{str(e): e * 2 for e in {draw(list_expr(env))}}}")
            lines.append(f"{indent}groups.setdefault({draw(str_expr(env, 0))}, []).append(len({name}))")
        elif choice == 14:  # string building
            name = draw(st.sampled_from(env.strs))
            if name != "s":
                lines.append(f"{indent}{name} += {draw(str_expr(env, 1))}")
            else:
                lines.append(f"{indent}out.append(len({draw(str_expr(env, 1))}))")
        else:  # a while loop over integer arithmetic
            x = env.fresh("x")
            lines.append(f"{indent}{x} = abs({draw(int_expr(env, 1))}) + 1")
            lines.append(f"{indent}while {x} > 1:")
            lines.append(f"{indent}    {x} = {x} // 2 if {x} % 2 == 0 else {x} - 1")
            lines.append(f"{indent}    out.append({x})")
            env.ints.append(x)
    return lines


def _nested(draw, env: Env, depth: int, indent: str, loop: bool = False) -> list[str]:
    """A nested block; the names it binds are not visible after it (they may be unbound).
    A block whose statements all came out empty (a swap of a name with itself, a ``break``
    outside a loop) is ``pass``: a block is never empty."""
    saved = (list(env.ints), list(env.strs), list(env.lists))
    env.loops += loop
    lines = draw(statements(env, depth - 1, indent + "    ")) or [f"{indent}    pass"]
    env.loops -= loop
    env.ints, env.strs, env.lists = saved
    return lines


HEADER = [
    "def helper(k: int, w: str) -> int:",
    "    return k * 2 + len(w) if k < 50 else k - 1",
    "",
    "def rec(k: int) -> int:",
    "    if k <= 0 or k > 12:",
    "        return 1",
    "    return k + rec(k - 2)",
    "",
    "def walk(xs: list[int], i: int) -> int:",
    "    if i < 0 or i > 12:",
    "        return 0",
    "    if i >= len(xs):",
    "        return len(keep(xs))",
    "    return xs[i] + walk(xs, i + 1)",
    "",
    "def keep(xs: list[int]) -> list[int]:",
    "    return xs",
    "",
]


@st.composite
def programs(draw):
    """``(source, args)``: a program and the arguments of its ``main``."""
    env = Env()
    body = draw(statements(env))
    ret_int = draw(int_expr(env, 1))
    ret_str = draw(str_expr(env, 1))
    source = "\n".join([
        *HEADER,
        "def main(a: int, b: int, s: str, xs: list[int], r: float) -> tuple[int, str, list[int], dict[str, int], dict[str, list[int]]]:",
        "    out: list[int] = []",
        "    counts: dict[str, int] = {}",
        "    groups: dict[str, list[int]] = {}",
        *[line for line in body if line.startswith("    ")],
        f"    return ({ret_int}, {ret_str}, out, counts, groups)",
        "",
    ])
    args = (draw(SMALL), draw(SMALL), draw(WORDS), draw(st.lists(SMALL, max_size=5)), draw(FLOATS))
    return source, args


def _seglam(program: seglam.Program, backend: str, args: tuple, limits: Limits | None) -> tuple:
    try:
        result = program.run("main", args, backend=backend, limits=limits)
    except Fault as fault:
        return ("fault", fault.code, fault.span)
    return ("value", result.value, result.fuel_used)


def disagreement(source: str, args: tuple, fuel: int | None = None) -> str | None:
    """None if the compiled backend, the reference evaluator and CPython agree on ``main``
    of ``source`` at ``args`` (with ``fuel`` steps if given); otherwise what differs."""
    try:
        program = seglam.compile(source, filename="fuzz.sgl")
    except seglam.CheckError as error:  # the generator writes only well-typed programs
        return f"generated program rejected:\n{error.render()}"
    limits = Limits(fuel=fuel) if fuel is not None else None
    compiled = _seglam(program, "compiled", args, limits)
    reference = _seglam(program, "reference", args, limits)
    if compiled[0] != reference[0]:
        return f"compiled {compiled} but reference {reference}"
    if compiled[0] == "value":
        if not (same_value(compiled[1], reference[1]) and compiled[2] == reference[2]):
            return f"compiled {compiled} but reference {reference}"
    elif compiled[1:] != reference[1:]:
        return f"compiled {compiled} but reference {reference}"
    if compiled[0] == "fault" and compiled[1] in LIMIT_FAULTS:
        return None  # CPython does not model Seglam's limits
    if compiled[0] == "value" and fuel is not None:
        return None  # a value under a budget is the same as without one (checked above)
    try:
        oracle = run_cpython(source, "main", args, filename="fuzz.sgl")
    except OracleError as error:
        return f"CPython raised an exception no fault code describes: {error}"
    if compiled[0] == "value":
        if not oracle.ok or not same_value(oracle.value, compiled[1]):
            return f"Seglam gave {compiled[1]!r} but CPython {oracle}"
    elif oracle.fault_code != compiled[1]:
        return f"Seglam faulted {compiled[1]} but CPython {oracle}"
    return None
