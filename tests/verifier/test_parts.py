"""Unit tests of the verifier's parts: bounds lifting, strategies, value rendering, diff."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

import seglam.program as P
from seglam.verifier import bounds as B
from seglam.verifier.diff import diff
from seglam.verifier.strategies import for_type
from seglam.verifier.values import EnumLit, RecordLit, render, render_call
from seglam.verifier.view import ModuleView

SRC = '''
from dataclasses import dataclass
from enum import Enum


class Kind(Enum):
    A = 1
    B = 2


@dataclass(frozen=True)
class Node:
    kind: Kind
    weight: int
    label: str | None


@requires(lambda n, xs: 0 <= n < 10 and len(xs) >= 2 and -5 < n)
def f(n: int, xs: list[Node], t: tuple[int, str], m: dict[str, int]) -> int:
    assert len(xs) <= 4
    return n
'''


def _view():
    return ModuleView.from_checked(P.compile(SRC, filename="parts.sgl").checked)


def test_bounds_are_lifted_from_requires_and_asserts():
    fv = _view().functions["f"]
    b = B.lift(fv)
    assert b["n"] == B.Bounds(lo=0, hi=9)
    assert b["xs"].min_len == 2 and b["xs"].max_len == 4


def test_strategies_respect_types_and_bounds():
    view = _view()
    fv = view.functions["f"]
    lifted = B.lift(fv)
    strategies = {p.name: for_type(p.type, view, lifted.get(p.name)) for p in fv.params}

    @settings(max_examples=40, derandomize=True, database=None)
    @given(**strategies)
    def check(n, xs, t, m):
        assert 0 <= n <= 9
        assert 2 <= len(xs) <= 4
        for node in xs:
            assert isinstance(node, RecordLit) and node.name == "Node"
            fields = dict(node.fields)
            assert isinstance(fields["kind"], EnumLit)
            assert isinstance(fields["weight"], int)
            assert fields["label"] is None or isinstance(fields["label"], str)
        assert isinstance(t, tuple) and isinstance(t[0], int) and isinstance(t[1], str)
        assert isinstance(m, dict)

    check()


def test_generated_values_are_accepted_by_the_program():
    from seglam.verifier.runner import ProgramRunner

    prog = P.compile(SRC, filename="parts.sgl")
    view = ModuleView.from_checked(prog.checked)
    runner = ProgramRunner(prog, view)
    fv = view.functions["f"]
    lifted = B.lift(fv)
    strategies = {p.name: for_type(p.type, view, lifted.get(p.name)) for p in fv.params}

    @settings(max_examples=20, derandomize=True, database=None)
    @given(**strategies)
    def check(**inputs):
        out = runner.call("f", inputs)
        assert out.ok, out
        assert out.value == inputs["n"]

    check()


@given(st.recursive(st.integers() | st.text() | st.booleans() | st.none(), lambda c: st.lists(c) | st.tuples(c, c), max_leaves=10))
def test_render_round_trips_plain_values(v):
    import ast

    assert ast.literal_eval(render(v)) == v


def test_render_records_enums_and_calls():
    rec = RecordLit("Node", (("kind", EnumLit("Kind", "A")), ("weight", 3), ("label", None)))
    assert render(rec) == "Node(kind=Kind.A, weight=3, label=None)"
    assert render(Decimal("1.50")) == 'Decimal("1.50")'
    assert render_call("f", {"xs": [1], "s": "a"}) == "f(xs=[1], s='a')"


def test_diff_reports_signature_changes():
    old = "def f(x: int) -> int:\n    return x\n"
    new = "def f(x: str) -> int:\n    return len(x)\n"
    result = diff(old, new, max_examples=5)
    assert result.exit_code == 1
    assert "signatures differ" in result.render()


def test_diff_missing_function_is_an_error():
    result = diff("def f() -> int:\n    return 1\n", "def g() -> int:\n    return 1\n", functions=["f"])
    assert result.exit_code == 2


def test_dependent_bounds_generate_valid_indices():
    from seglam.verifier.strategies import arguments

    src = (
        "@requires(lambda xs, i, ys: 0 <= i < len(xs) and len(ys) == len(xs))\n"
        "def f(xs: list[int], i: int, ys: list[str]) -> int:\n"
        "    return xs[i]\n"
    )
    view = ModuleView.from_checked(P.compile(src, filename="dep.sgl").checked)
    fv = view.functions["f"]
    lifted = B.lift(fv)
    assert lifted["i"].rel == (("<", "xs", 0),) and lifted["ys"].same_len_as == "xs"

    @settings(max_examples=50, derandomize=True, database=None)
    @given(arguments(fv, view, lifted))
    def check(args):
        assert 0 <= args["i"] < len(args["xs"])
        assert len(args["ys"]) == len(args["xs"])

    check()
