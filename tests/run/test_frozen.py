"""Frozen values: arguments (of every call) and module constants are deep-frozen; copies
are fresh and mutable; local collections keep Python's aliasing."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from seglam.run.context import RunContext
from seglam.run.faults import Fault
from seglam.run.values import FrozenDict, FrozenList, FrozenSet, freeze, freeze_arg, freeze_flat_arg, thaw
from tests.run.helpers import run


@pytest.mark.parametrize("body", [
    "ys = xs\n    ys.append(1)",
    "ys = xs\n    ys[0] = 5",
    "ys = xs\n    ys += [1]",
    "ys = xs\n    ys.sort()",
    "inner = nested[0]\n    inner.append(1)",
    "e = d\n    e['k'] = 1",
    "e = d\n    e.update({'a': 2})",
    "t = s\n    t.add(3)",
    "t = s\n    t |= {4}",
    "c = CONST\n    c.append(1)",
    "c = TABLE['a']\n    c.append(1)",
    "import_ = heapq.heappush(xs, 1)",
])
def test_mutating_frozen_faults(body):
    src = f"""import heapq
CONST = [1, 2]
TABLE = {{'a': [1]}}

def main(xs: list[int], nested: list[list[int]], d: dict[str, int], s: set[int]) -> object:
    {body}
    return 0
"""
    with pytest.raises(Fault) as info:
        run(src, freeze([3, 1]), freeze([[1]]), freeze({"a": 1}), freeze({1}))
    assert info.value.code == "F-FROZEN"
    assert "copy it first" in info.value.message


def test_copies_are_mutable_and_fresh():
    src = """
CONST = [1, 2]

def main(xs: list[int], d: dict[str, int]) -> object:
    a = list(xs)
    a.append(9)
    b = xs.copy()
    b.append(8)
    c = xs[:]
    c.append(7)
    e = dict(d)
    e['z'] = 1
    f = [x for x in xs]
    f.append(6)
    g = CONST + [3]
    g.append(4)
    return (a, b, c, e, f, g, xs)
"""
    out = run(src, freeze([1]), freeze({"a": 1}))
    assert thaw(out) == ([1, 9], [1, 8], [1, 7], {"a": 1, "z": 1}, [1, 6], [1, 2, 3, 4], [1])
    assert type(out[0]) is list and type(out[6]) is FrozenList


def test_helper_gets_frozen_argument_but_caller_keeps_mutable_list():
    src = """
def count(xs: list[int]) -> int:
    return len(xs)

def main() -> list[int]:
    local = [1]
    local.append(count(local))
    return local
"""
    assert run(src) == [1, 1]


def test_frozen_types_are_subclasses_and_read_fast():
    xs = freeze([1, [2, 3], {"a": {1}}])
    assert type(xs) is FrozenList and type(xs[1]) is FrozenList
    assert type(xs[2]) is FrozenDict and type(xs[2]["a"]) is FrozenSet
    assert isinstance(xs, list) and xs == [1, [2, 3], {"a": {1}}]
    assert freeze(xs) is xs
    assert type(thaw(xs)[1]) is list


def test_frozen_in_place_operators_fault_outside_the_interpreter():
    xs = freeze([1])
    with pytest.raises(Fault) as info:
        xs += [2]
    assert info.value.code == "F-FROZEN"


# ---- the flat freezer the compiled backend uses for lists/dicts/sets of immutable elements ----

_SCALARS = st.one_of(st.integers(), st.text(max_size=5), st.booleans(), st.none(),
                     st.tuples(st.integers(), st.text(max_size=3)))
_FLAT = st.one_of(st.lists(_SCALARS, max_size=20), st.dictionaries(st.text(max_size=4), _SCALARS, max_size=20),
                  st.sets(st.integers(), max_size=20))


@given(_FLAT)
def test_flat_freeze_gives_the_same_value_type_and_charge_as_freeze(value):
    general, flat = RunContext(), RunContext()
    expected = freeze_arg(general, value)
    got = freeze_flat_arg(flat, value)
    assert type(got) is type(expected)
    assert got == expected
    assert flat.fuel == general.fuel
    assert freeze_flat_arg(flat, got) is got  # already frozen: returned as it is, no charge
    assert flat.fuel == general.fuel
