"""The fixed set order (seglam.run.ordering) and the F-INTERNAL fault mapping."""

from __future__ import annotations

import datetime
import decimal
import enum

import pytest

from seglam.run.context import RunContext
from seglam.run.limits import Limits
from seglam.run.ordering import first, iterate, order_key, ordered, ordered_charged
from seglam.run.stdlib_core import fault_for
from seglam.run.values import FrozenSet, make_enum_class, make_record_class


def test_numbers_compare_numerically_with_nan_last():
    nan = float("nan")
    got = ordered({3, -1.5, True, decimal.Decimal("2.5"), nan, float("-inf")})
    assert got[:5] == [float("-inf"), -1.5, True, decimal.Decimal("2.5"), 3]
    assert got[5] != got[5]


def test_kinds_in_order():
    Color = make_enum_class("Color", [("RED", 1), ("GREEN", 2)])
    P = make_record_class("P", [("x", False, None)])
    values = [P(1), Color.GREEN, Color.RED, datetime.timedelta(days=1), datetime.date(2024, 1, 1),
              (1, "a"), "s", 7, None]
    got = ordered(set(values))
    assert got == [None, 7, "s", (1, "a"), datetime.date(2024, 1, 1), datetime.timedelta(days=1),
                   Color.RED, Color.GREEN, P(1)]


def test_records_by_class_then_fields():
    A = make_record_class("A", [("x", False, None), ("y", False, None)])
    B = make_record_class("B", [("x", False, None)])
    got = ordered({B(0), A(2, "a"), A(1, "z"), A(1, "b")})
    assert got == [A(1, "b"), A(1, "z"), A(2, "a"), B(0)]


def test_tuples_elementwise_and_mixed():
    assert ordered({(1, "b"), (1, 2), (0,), ()}) == [(), (0,), (1, 2), (1, "b")]


def test_strings_native_fast_path_matches_key():
    words = {"pear", "Apple", "apple", "éclair", ""}
    assert ordered(words) == sorted(words, key=order_key) == sorted(words)


def test_non_sets_pass_through():
    xs = [3, 1, 2]
    assert ordered(xs) is xs
    assert ordered("cba") == "cba"


def test_first_is_the_minimum_in_order():
    assert first({"b", "a", "c"}) == "a"
    assert first({3, None, -1}) is None


def test_charging_and_mutation_watch():
    ctx = RunContext(Limits(fuel=100))
    assert ordered_charged(ctx, set(range(16))) == list(range(16))
    assert ctx.fuel_used == 1 + 16 // 8
    frozen = FrozenSet({"b", "a"})
    assert iterate(ctx, frozen) == ["a", "b"]
    s = {"a", "b"}
    with pytest.raises(RuntimeError):
        for x in iterate(ctx, s):
            s.add(x + "x")


def test_unknown_python_error_is_f_internal():
    class Weird(Exception):
        pass

    fault = fault_for(Weird("boom"))
    assert fault.code == "F-INTERNAL"
    assert "Weird" in fault.message


def test_enum_with_int_values_orders_as_enum():
    E = make_enum_class("E", [("B", 2), ("A", 1)])
    assert ordered({E.A, E.B, 0}) == [0, E.B, E.A]
    assert isinstance(E.A, enum.Enum)
