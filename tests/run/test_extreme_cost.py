"""``valuework.extreme_cost`` (the charge of ``min``/``max`` of a collection, SPEC.md §10):
the fast recognition of a list of strings charges exactly what the type pass does, for
every list, strings or not, and on both sides of the length it copies to check."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.run import cost, valuework
from seglam.run.context import BULK_UNIT


def _by_type_pass(items: list) -> int:
    """The rule as SPEC states it, one type pass first (the code before the fast path)."""
    types = set(map(type, items))
    if types <= valuework.SCALARS:
        return 0
    if types == {str}:
        return cost.text(sum(map(len, items)))
    memo: dict = {}
    return sum(max(0, valuework.size(x, memo) - 1) for x in items) // BULK_UNIT


_ITEMS = st.one_of(st.text(max_size=600), st.integers(), st.lists(st.integers(), max_size=20),
                   st.tuples(st.text(max_size=300)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(max_size=900), max_size=30) | st.lists(_ITEMS, max_size=30))
def test_the_fast_path_charges_what_the_type_pass_charges(items):
    assert valuework.extreme_cost(items) == _by_type_pass(items)


def test_strings_past_the_copied_length_take_the_type_pass_with_the_same_charge():
    long = ["x" * 300_000] * 4  # 1.2M characters: more than the join check copies
    assert valuework.extreme_cost(long) == cost.text(1_200_000)
    assert valuework.extreme_cost(["a" * 3000, 7]) == _by_type_pass(["a" * 3000, 7])
    assert valuework.extreme_cost(["a" * 3000, ["b"]]) == _by_type_pass(["a" * 3000, ["b"]])
    assert valuework.extreme_cost(("a" * 3000, "b" * 3000)) == cost.text(6000)
