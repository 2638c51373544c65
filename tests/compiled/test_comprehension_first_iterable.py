"""The first iterable of a comprehension is evaluated, and a set put in order (charged),
where the comprehension is made, in the enclosing code: a fault there is located at the
comprehension, on both backends, also when the comprehension is nested in another one or
handed to a builtin that drives it (``sum``, ``any``, ``sorted``...), whose steps belong to the
builtin's call. Found while checking ``all``/``any`` of generators at every budget: the
compiled backend placed these faults at the outer call. Each program runs at every depth
limit and fuel budget on both backends."""

from __future__ import annotations

import pytest

from tests.compiled.agree import disagreements_at_every_depth_and_budget

PROGRAMS = {
    "any of nested generator": "return int(all(any(x == y for y in xs) for x in [1, 2]))",
    "sum of sums": "return sum(sum(y for y in xs if y > x) for x in xs)",
    "sorted in all": "return int(all(sorted(y for y in xs) for x in xs))",
    "min in max": "return max(min(y for y in xs) + x for x in xs)",
    "later clause": "return int(any(x == y for x in [1, 2] for y in xs))",
    "list of lists": "return len([[y for y in xs] for x in xs])",
    "dict of sets": "return len({x: {y for y in xs if y != x} for x in xs})",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_a_set_is_put_in_order_where_the_comprehension_is_made(name: str):
    source = f"def main(xs: set[int]) -> int:\n    {PROGRAMS[name]}\n"
    assert disagreements_at_every_depth_and_budget(source, ({5, 3, 1},), range(1, 4)) == []
