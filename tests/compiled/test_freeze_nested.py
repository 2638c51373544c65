"""The compiled backend's freezer for arguments that are collections of flat collections
(``Runtime.freeze_nested_arg``: ``list[list[int]]``, ``dict[int, list[int]]``...) gives the
value and the charge of the general rule (``values.freeze_arg``) the reference evaluator uses."""

from __future__ import annotations

from hypothesis import given, strategies as st

from seglam.run.codegen.runtime import Runtime
from seglam.run.context import RunContext
from seglam.run.values import FROZEN_TYPES, freeze, freeze_arg

_LEAF = st.one_of(st.integers(), st.text(max_size=3), st.tuples(st.integers(), st.booleans()))
#: a flat collection, plain or (sometimes) frozen already, as a caller may hold it
_FLAT = st.one_of(st.lists(_LEAF, max_size=6), st.sets(st.integers(), max_size=6),
                  st.dictionaries(st.text(max_size=3), _LEAF, max_size=6))
_INNER = st.one_of(_FLAT, _FLAT.map(freeze))
_NESTED = st.one_of(st.lists(_INNER, max_size=12), st.dictionaries(st.integers(), _INNER, max_size=12))


@given(st.one_of(_NESTED, _NESTED.map(freeze)))
def test_nested_freeze_gives_the_value_and_charge_of_the_general_rule(value):
    general, nested = RunContext(), RunContext()
    expected = freeze_arg(general, value)
    got = Runtime.freeze_nested_arg(nested, value)
    assert type(got) is type(expected) and got == expected
    assert [type(v) for v in _elements(got)] == [type(v) for v in _elements(expected)]
    assert all(type(v) in FROZEN_TYPES for v in _elements(got))
    assert nested.fuel == general.fuel


def test_an_element_of_another_kind_takes_the_general_rule():
    value = [[1, 2], (3, [4])]  # not what the static type allows; still frozen exactly
    general, nested = RunContext(), RunContext()
    assert Runtime.freeze_nested_arg(nested, value) == freeze_arg(general, value)
    assert nested.fuel == general.fuel < RunContext().fuel


def _elements(value):
    return list(value.values()) if isinstance(value, dict) else list(value)
