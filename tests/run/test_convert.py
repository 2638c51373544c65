"""Host values ⇄ Seglam values at the boundary (seglam.run.convert)."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum

import pytest

from seglam.check import types as T
from seglam.check.checked import FieldInfo
from seglam.run import convert
from seglam.run.values import FrozenDict, FrozenList, FrozenSet, program_classes
from tests.run.helpers import quick_check

SRC = """
from dataclasses import dataclass
from enum import Enum

class Color(Enum):
    RED = 1
    BLUE = 2

@dataclass(frozen=True)
class P:
    x: int
    tags: list[str]
    y: int = 0
"""


@pytest.fixture(scope="module")
def checked():
    c = quick_check(SRC)
    fields = (FieldInfo("x", T.INT), FieldInfo("tags", T.ListType(T.STR)), FieldInfo("y", T.INT, c.records["P"].fields[2].default))
    return dataclasses.replace(c, records={"P": dataclasses.replace(c.records["P"], fields=fields)})


def test_collections_are_deep_frozen(checked):
    v = convert.to_seglam({"a": [[1]]}, T.DictType(T.STR, T.ListType(T.ListType(T.INT))), checked, "d")
    assert type(v) is FrozenDict and type(v["a"]) is FrozenList and type(v["a"][0]) is FrozenList
    s = convert.to_seglam({1, 2}, T.SetType(T.INT), checked, "s")
    assert type(s) is FrozenSet
    t = convert.to_seglam([1, "a"], T.TupleType((T.INT, T.STR)), checked, "t")
    assert t == (1, "a")


def test_records_in_and_out(checked):
    cls = program_classes(checked).records["P"]
    from_dict = convert.to_seglam({"x": 1, "tags": ["a"]}, T.RecordType("P"), checked, "p")
    assert type(from_dict) is cls and from_dict.y == 0 and type(from_dict.tags) is FrozenList

    @dataclasses.dataclass
    class HostP:
        x: int
        tags: list
        y: int

    from_host = convert.to_seglam(HostP(2, [], 5), T.RecordType("P"), checked, "p")
    assert type(from_host) is cls and from_host.y == 5
    out = convert.to_host(from_dict, T.RecordType("P"), checked)
    assert type(out) is cls and type(out.tags) is list and repr(out) == "P(x=1, tags=['a'], y=0)"


def test_enums_by_member_or_value(checked):
    Color = program_classes(checked).enums["Color"]
    assert convert.to_seglam(Color.RED, T.EnumType("Color"), checked, "c") is Color.RED
    assert convert.to_seglam(2, T.EnumType("Color"), checked, "c") is Color.BLUE

    class Other(enum.Enum):
        BLUE = 9

    assert convert.to_seglam(Other.BLUE, T.EnumType("Color"), checked, "c") is Color.BLUE


def test_primitives(checked):
    assert convert.to_seglam(3, T.FLOAT, checked, "f") == 3
    assert convert.to_seglam(3, T.DECIMAL, checked, "d") == decimal.Decimal(3)
    assert convert.to_seglam(None, T.optional(T.INT), checked, "o") is None
    assert convert.to_seglam(datetime.date(2024, 1, 1), T.DATE, checked, "d") == datetime.date(2024, 1, 1)


@pytest.mark.parametrize("value,type_,message", [
    ("3", T.INT, "argument 'arg': expected int, got str"),
    ([1, "x"], T.ListType(T.INT), "argument 'arg': arg[1]: expected int, got str"),
    ({"a": "b"}, T.DictType(T.STR, T.INT), "argument 'arg': arg['a']: expected int, got str"),
    (1.5, T.optional(T.INT), "argument 'arg': expected int | None, got float"),
    ({"x": 1}, T.RecordType("P"), "argument 'arg': arg.tags: expected a value for field 'tags'"),
    ({"x": 1, "tags": [], "z": 0}, T.RecordType("P"), "no field 'z'"),
    (7, T.EnumType("Color"), "expected Color"),
    (datetime.datetime(2024, 1, 1), T.DATE, "expected date, got datetime"),
    ((1, 2, 3), T.TupleType((T.INT, T.INT)), "expected tuple[int, int] (2 items)"),
    ([1], T.SetType(T.INT), "expected set[int], got list"),
])
def test_wrong_values_name_the_parameter(checked, value, type_, message):
    with pytest.raises(TypeError) as info:
        convert.to_seglam(value, type_, checked, "arg")
    assert message in str(info.value)


def test_deeply_nested_host_value_is_a_type_error(checked):
    v: list = []
    for _ in range(100_000):
        v = [v]
    t: T.Type = T.INT
    with pytest.raises(TypeError):
        convert.to_seglam(v, T.ListType(T.ListType(t)), checked, "deep")


def test_counter_parameter(checked):
    import collections

    from seglam.run.values import FrozenCounter

    v = convert.to_seglam({"a": 2}, T.CounterType(T.STR), checked, "c")
    assert type(v) is FrozenCounter and v["zz"] == 0 and v.most_common(1) == [("a", 2)]
    assert convert.to_host(v, T.CounterType(T.STR), checked) == {"a": 2}
    assert collections.Counter("aab") == convert.to_seglam(collections.Counter("aab"), T.CounterType(T.STR), checked, "c")


def test_iterator_results_are_materialised_inside_the_run():
    from tests.run.helpers import run

    assert run("def main() -> object:\n    return map(lambda x: x * 2, [1, 2])\n") == [2, 4]


#: host values of every kind a collection of primitives may mix
_HOST_ITEMS = [0, 7, -3, True, False, 1.5, 2.0, "a", "", None, datetime.date(2020, 1, 2),
               datetime.timedelta(days=1), decimal.Decimal("1.5")]
#: the host types each primitive static type takes as they are (SPEC: int takes bool,
#: float takes int), written out here, not read from the module under test
_TAKES = {"int": {int, bool}, "float": {float, int}, "str": {str}, "bool": {bool},
          "date": {datetime.date}, "timedelta": {datetime.timedelta}}


@pytest.mark.parametrize("prim", sorted(_TAKES))
@pytest.mark.parametrize("shape", ["list", "tuple", "set", "dict keys", "dict values"])
def test_a_collection_of_primitives_is_taken_exactly_when_every_item_is(prim, shape, checked):
    """The one-pass check over a collection (the usual type counted, then the mixed case)
    accepts a collection iff every item is a value of the element type as it is, whatever
    the mix: ints with bools, floats with ints, and one stray item anywhere."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    elem = T.PrimType(prim)
    static = {"list": T.ListType(elem), "tuple": T.TupleType((elem,), variadic=True),
              "set": T.SetType(elem), "dict keys": T.DictType(elem, T.INT),
              "dict values": T.DictType(T.STR, elem)}[shape]

    @settings(max_examples=60, deadline=None, database=None)
    @given(st.lists(st.sampled_from(_HOST_ITEMS), max_size=12))
    def check(items):
        if shape in ("set", "dict keys"):
            items = [x for x in items if x is not None]  # hashable, and None is nobody's
        host = {"list": list(items), "tuple": tuple(items), "set": set(items),
                "dict keys": {x: 1 for x in items}, "dict values": {str(i): x for i, x in enumerate(items)}}[shape]
        inner = list(host.values()) if shape == "dict values" else list(host)
        fits = all(type(x) in _TAKES[prim] for x in inner)
        try:
            value = convert.to_seglam(host, static, checked, "xs")
        except TypeError:
            assert not fits, host
        else:
            assert fits, host
            got = list(value.values()) if shape == "dict values" else list(value)
            assert sorted(map(repr, got)) == sorted(map(repr, inner))

    check()
