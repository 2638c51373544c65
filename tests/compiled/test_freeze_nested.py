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


@given(st.one_of(_NESTED, _NESTED.map(freeze)))
def test_nested_freeze_notes_each_copy_with_its_original_as_the_general_rule_does(value):
    # what a return hands back (values.handed_back): every copy made, mapped to the caller's
    # object it stands for; a value frozen already is no copy
    general, nested = {}, {}
    expected = freeze_arg(RunContext(), value, general)
    got = Runtime.freeze_nested_arg(RunContext(), value, nested)
    for copies, top in ((general, expected), (nested, got)):
        assert all(id(c) == key and c is not o for key, (c, o) in copies.items())
        assert (id(top) in copies) == (top is not value)
        for c, v in zip(_elements(top), _elements(value)):
            assert (copies[id(c)][1] is v) if c is not v else id(c) not in copies
    assert {id(o) for _, o in general.values()} == {id(o) for _, o in nested.values()}
