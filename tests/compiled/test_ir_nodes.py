"""The lowering states what the passes need as nodes of the IR (seglam.run.ir.nodes), never
as attributes set on Python nodes (issue 19): it builds loops with their ``sized``, grown
collections' cap checks, module-def calls, steps and charge markers as IR nodes; a copy
keeps them; emission leaves none, and every node of the compiled tree has only the fields
and positions of Python's own ``ast`` class."""

from __future__ import annotations

import ast as py
import copy
from pathlib import Path

import pytest

from seglam.check.checker import check
from seglam.run.codegen import gen
from seglam.run.codegen.build import prepare
from seglam.run.codegen.emit import python_forms
from seglam.run.ir import nodes as ir
from seglam.syntax.lower import parse

PROGRAMS = sorted((Path(__file__).resolve().parents[2] / "bench" / "programs").glob("*.sgl"))


def _prepared(source: str, filename: str):
    return prepare(check(parse(source, filename), source), filename)


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_the_compiled_tree_has_only_pythons_own_nodes_and_no_attributes_of_their_own(path):
    tree = _prepared(path.read_text(encoding="utf-8"), path.name).tree
    assert {type(node).__module__ for node in py.walk(tree)} == {"ast"}
    extra = {(type(node).__name__, name) for node in py.walk(tree)
             for name in vars(node) if name not in node._fields and name not in node._attributes}
    assert extra == set()


_SOURCE = """
def total(xs: list[int]) -> int:
    return sum(xs)

def main(n: int, s: str) -> int:
    def helper(k: int) -> int:
        return k + 1
    xs: list[int] = []
    for i in range(n):
        xs.append(i * i)
    for c in s:
        n = n + helper(len(c))
    ys = [x for x in s if x != "a"]
    return total(xs) + n * n + len(ys)
"""


@pytest.fixture()
def lowered(monkeypatch):
    """The IR tree of ``_SOURCE`` as the lowering builds it (before the passes)."""
    seen = []

    class Recorded(gen.Localizer):
        def function(self, fn: py.FunctionDef) -> None:
            seen.append(copy.deepcopy(fn))
            super().function(fn)

    monkeypatch.setattr(gen, "Localizer", Recorded)
    _prepared(_SOURCE, "ir.sgl")
    return seen[0]


def test_the_lowering_builds_the_fuel_layer_as_ir_nodes(lowered):
    nodes = list(py.walk(lowered))
    loops = {py.unparse(n.iter): n.sized for n in nodes if isinstance(n, ir.For)}
    assert loops["u_s"] == "len" and sorted(loops.values()) == ["len", "sized_len"]  # a str, a range
    assert {n.container for n in nodes if isinstance(n, ir.GrowCheck)} == {"u_xs"}
    defs = {n.id: n.module_level for n in nodes if isinstance(n, ir.Def)}
    assert defs["u_total"] is True and defs["u_helper"] is False
    assert any(isinstance(n, ir.Step) for n in nodes)
    assert any(isinstance(n, ir.ItemStep) for n in nodes)
    assert any(isinstance(n, ir.Clause) and n.sized == "len" for n in nodes)
    assert any(isinstance(n, ir.CapInt) for n in nodes)


def test_emission_leaves_no_ir_node(lowered):
    assert not [n for n in py.walk(python_forms(lowered)) if type(n).__module__ != "ast"]


def test_a_copy_keeps_the_nodes_and_their_facts_and_the_original_keeps_its_own():
    check_ = ir.GrowCheck(py.parse("g_len(u_xs) > h_clim", mode="eval").body, [py.Pass()], container="u_xs")
    loop = ir.For(py.Name("u_x", py.Store()), py.Name("u_s", py.Load()), [ir.Step(), check_], sized="len")
    twin = copy.deepcopy(loop)
    assert twin is not loop and type(twin) is ir.For and twin.sized == "len"
    assert type(twin.body[0]) is ir.Step and twin.body[1].container == "u_xs" and twin.body[1] is not check_
    with pytest.raises(AttributeError):
        twin.body[0].local = True  # a pass that changes a fact builds a new node
    assert twin.body[0].local is False and loop.body[0].local is False
    assert ir.sized_of(py.parse("for x in s:\n    pass\n").body[0]) is None
