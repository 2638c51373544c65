"""The IR's ``Let(name, value, body)`` (seglam.run.ir.nodes) and its emission: ``name :=
value`` at the first read of ``name`` where Python allows ``:=``; in a comprehension iterable
(where it does not) a clause ``for name in (value,)`` before the clause it leads, or a one-item
comprehension. So the lowering never asks where ``:=`` is legal (there is no second, stdlib
path inside comprehension iterables any more), and a program whose comprehension iterables
slice, split, sort or do int arithmetic agrees with the reference evaluator at every budget."""

from __future__ import annotations

import ast as py
from pathlib import Path

import pytest

import seglam
from seglam.run.ir import nodes as ir
from tests.compiled.passcheck import disagreements_at_every_budget, emitted, normalised


def _e(source: str) -> py.expr:
    return py.parse(source, mode="eval").body


def _concat() -> py.expr:
    """``Let(a, f(), Let(b, g(), len(a) + len(b) or a + b))``."""
    return ir.lets([("a", _e("f()")), ("b", _e("g()"))], _e("len(a) + len(b) or a + b"))


def _comprehension(iterable: py.expr, kind: type = py.ListComp) -> py.expr:
    return kind(elt=_e("x"), generators=[py.comprehension(target=py.Name("x", py.Store()), iter=iterable, ifs=[],
                                                          is_async=0)])


def test_a_let_is_a_walrus_at_the_first_read_of_its_name():
    assert emitted(py.Expression(_concat())) == normalised("len((a := f())) + len((b := g())) or a + b")


def test_an_effect_makes_what_follows_it_in_an_or_evaluated_first_too():
    body = py.BoolOp(op=py.Or(), values=[ir.Effect(_e("s")), ir.Effect(_e("xs")), _e("len(xs) and s")])
    got = emitted(py.Expression(ir.lets([("s", _e("f()")), ("xs", _e("g()"))], body)))
    assert got == normalised("((s := f()) and False) or ((xs := g()) and False) or (len(xs) and s)")


def test_a_let_leading_a_comprehension_iterable_becomes_a_clause_of_its_own():
    comp = _comprehension(py.Call(func=_e("it"), args=[_e("ctx"), _concat()], keywords=[]))
    assert emitted(py.Expression(comp)) == normalised(
        "[x for a in (f(),) for b in (g(),) for x in it(ctx, len(a) + len(b) or a + b)]")


def test_a_let_after_other_work_in_an_iterable_is_a_one_item_comprehension():
    comp = _comprehension(py.Call(func=_e("it"), args=[_e("h()"), ir.Let("a", _e("f()"), _e("a + a"))], keywords=[]))
    got = emitted(py.Expression(comp))
    assert got == normalised("[x for x in it(h(), [a + a for a in (f(),)][0])]")
    compile(got, "let", "eval")


def test_a_generator_expressions_first_iterable_is_evaluated_when_it_is_created():
    got = emitted(py.Expression(_comprehension(_concat(), py.GeneratorExp)))
    assert got == normalised("(x for x in [[len(a) + len(b) or a + b for b in (g(),)][0] for a in (f(),)][0])")
    compile(got, "let", "eval")


def test_a_let_shared_by_two_versions_of_a_loop_is_written_in_each():
    shared = ir.Let("a", _e("f()"), _e("a + 1"))
    got = emitted(py.Expression(py.Tuple(elts=[shared, shared], ctx=py.Load())))
    assert got == normalised("((a := f()) + 1, (a := f()) + 1)")


_PROGRAMS = {  # comprehension iterables that needed := and took the stdlib's path before
    "slice": ("def main(xs: list[int]) -> list[int]:\n    return [x * 2 for x in xs[1:]]\n", ([5, 6, 7, 8],)),
    "split": ("def main(s: str) -> list[int]:\n    return [len(w) for w in s.upper().split()]\n", ("ab cde f",)),
    "sorted": ("def main(xs: list[int]) -> list[int]:\n    return [x for x in sorted(xs) if x > 1]\n", ([3, 1, 2],)),
    "arithmetic": ("def main(n: int) -> list[int]:\n    return [i for i in range(n * n + 1)]\n", (3,)),
    "display": ("def main(n: int) -> list[int]:\n    return [i + j for i in [n, -n] for j in [n * 2, 1]]\n", (4,)),
    "chained": ("def main(s: str, xs: list[str]) -> list[str]:\n"
                "    return [x for x in (xs if 'a' < s.strip() <= 'z' else [s])]\n", ("  m ", ["p", "q"])),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_comprehension_iterables_run_inline_and_agree_at_every_budget(name):
    source, args = _PROGRAMS[name]
    program = seglam.compile(source, filename=f"{name}.sgl")
    text = program.python_source("main")
    assert "check_coll" not in text and "getitem" not in text  # the stdlib fallbacks no_walrus took
    assert disagreements_at_every_budget(program, "main", args) == []


def test_a_join_with_a_computed_separator_binds_both_with_walruses_outside_iterables():
    source = "def main(seps: list[str], xs: list[str]) -> str:\n    return seps[0].join(xs)\n"
    program = seglam.compile(source, filename="join.sgl")
    line = next(row for row in program.python_source("main").splitlines() if ".join(" in row and "#" not in row)
    assert line.strip().startswith("h_r = (h_t") and ":= u_seps[0]) and False or (" in line
    assert disagreements_at_every_budget(program, "main", ([",", ";"], ["a", "bc", "d"])) == []


def _one_item_comprehensions_outside_iterables(tree: py.AST) -> list[str]:
    """The ``[body for h_t in (v,)][0]`` forms of ``tree`` that no comprehension iterable holds."""
    inside: set[int] = set()
    for node in py.walk(tree):
        if isinstance(node, (py.ListComp, py.SetComp, py.DictComp, py.GeneratorExp)):
            inside.update(id(n) for clause in node.generators for n in py.walk(clause.iter))
    return [py.unparse(node) for node in py.walk(tree)
            if isinstance(node, py.Subscript) and isinstance(node.value, py.ListComp) and id(node) not in inside
            and py.unparse(node.value.generators[0].target).startswith("h_t")]


@pytest.mark.parametrize("path", sorted((Path(__file__).resolve().parents[2] / "bench" / "programs").glob("*.sgl")),
                         ids=lambda p: p.stem)
def test_outside_comprehension_iterables_every_let_of_a_bench_program_is_a_walrus(path):
    program = seglam.compile(path.read_text(encoding="utf-8"), filename=path.name)
    tree = py.parse(program.python_source())
    assert _one_item_comprehensions_outside_iterables(tree) == []


def test_the_one_item_form_is_found_outside_iterables_and_not_inside():
    outside = py.parse("y = [h_t1 + 1 for h_t1 in (f(),)][0]")
    inside = py.parse("y = [x for x in g([h_t1 for h_t1 in (f(),)][0])]")
    assert _one_item_comprehensions_outside_iterables(outside) == ["[h_t1 + 1 for h_t1 in (f(),)][0]"]
    assert _one_item_comprehensions_outside_iterables(inside) == []
