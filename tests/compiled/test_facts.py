"""The lowering states what the passes need in :class:`seglam.run.codegen.facts.Facts`, not
in attributes set on the Python nodes (issue 19): every generated node has only the fields
and positions of its ``ast`` class, and :meth:`Facts.copy` carries facts to the copies a pass
makes."""

from __future__ import annotations

import ast as py
from pathlib import Path

import pytest

from seglam.check.checker import check
from seglam.run.codegen.build import prepare
from seglam.run.codegen.facts import Facts
from seglam.syntax.lower import parse

PROGRAMS = sorted((Path(__file__).resolve().parents[2] / "bench" / "programs").glob("*.sgl"))


@pytest.mark.parametrize("path", PROGRAMS, ids=lambda p: p.stem)
def test_generated_nodes_carry_no_attributes_of_their_own(path):
    source = path.read_text(encoding="utf-8")
    tree = prepare(check(parse(source, path.name), source), path.name).tree
    extra = {(type(node).__name__, name) for node in py.walk(tree)
             for name in vars(node) if name not in node._fields and name not in node._attributes}
    assert extra == set()


def test_a_copy_keeps_the_facts_of_what_it_copies_and_the_original_keeps_its_own():
    facts = Facts()
    loop = py.parse("for x in s:\n    xs.append(x)\n    if len(xs) > h_clim:\n        f()\n").body[0]
    check_ = loop.body[1]
    facts.set_sized(loop, "len")
    facts.set_grown(check_, "xs")
    twin = facts.copy(loop)
    assert twin is not loop and facts.sized_of(twin) == "len" and facts.grown_of(twin.body[1]) == "xs"
    assert facts.grown_of(twin.body[0]) is None  # only the facts that were stated
    assert facts.sized_of(loop) == "len" and facts.grown_of(check_) == "xs"
    assert facts.sized_of(py.parse("for x in s:\n    pass\n").body[0]) is None
