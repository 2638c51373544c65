"""Loops nest at most MAX_LOOP_NESTING (10) deep in one function (SPEC section 1): CPython
refuses more than 20 statically nested blocks, and the compiled backend may write a counted
``while`` as two (``while True: for ...``). Found by a red-team run: 21 nested loops were
accepted (CPython: SyntaxError), and 20 nested ``while`` loops made the compiled backend's
Python uncompilable (a traceback from every command)."""

from __future__ import annotations

import pytest

import seglam
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.lower import MAX_LOOP_NESTING


def _nest(depth: int, kind: str) -> str:
    lines = ["def main(n: int) -> int:", "    t = 0"]
    for i in range(depth):
        pad = "    " * (i + 1)
        if kind == "for":
            lines.append(pad + f"for i{i} in range(n):")
        else:
            lines += [pad + f"k{i} = 0", pad + f"while k{i} < n:", pad + f"    k{i} += 1"]
    lines += ["    " * (depth + 1) + "t += 1", "    return t"]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("kind", ["for", "while"])
def test_the_deepest_nest_allowed_runs_on_both_backends(kind: str):
    prog = seglam.compile(_nest(MAX_LOOP_NESTING, kind), filename="nest.sgl")
    assert prog.run("main", (1,), backend="compiled").value == prog.run("main", (1,), backend="reference").value == 1


@pytest.mark.parametrize("kind", ["for", "while"])
def test_one_loop_more_is_a_located_nesting_error(kind: str):
    with pytest.raises(CheckError) as error:
        seglam.compile(_nest(MAX_LOOP_NESTING + 1, kind), filename="nest.sgl")
    diag = error.value.diagnostics[0]
    assert diag.code == "E-NESTING"
    assert "loops nest deeper than 10" in diag.message
    assert diag.span.line == (MAX_LOOP_NESTING + 3 if kind == "for" else 3 * MAX_LOOP_NESTING + 4)  # the 11th loop


def test_a_def_or_lambda_counts_its_own_loops():
    inner = _nest(MAX_LOOP_NESTING, "for").replace("def main(n: int) -> int:", "def inner(n: int) -> int:")
    outer = "def main(n: int) -> int:\n    s = 0\n    for i in range(n):\n        s += inner(n)\n    return s\n"
    prog = seglam.compile(inner + "\n\n" + outer, filename="nest.sgl")
    assert prog.call("main", 1) == 1
