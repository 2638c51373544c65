"""Types: rendering, unions, joins, assignability and the signature table."""

from __future__ import annotations

from seglam.check import signatures as sig
from seglam.check import types as T
from seglam.check.typeops import assignable, iter_elem, join


def test_render():
    assert T.union(T.INT, T.NONE).render() == "int | None"
    assert T.TupleType((T.INT,), True).render() == "tuple[int, ...]"
    assert T.TupleType((T.STR, T.INT)).render() == "tuple[str, int]"
    assert T.DictType(T.STR, T.ListType(T.INT)).render() == "dict[str, list[int]]"
    assert T.CallableType((T.INT,), T.BOOL).render() == "Callable[[int], bool]"
    assert T.union(T.RecordType("A"), T.RecordType("B")).render() == "A | B"


def test_union_flattens_and_puts_none_last():
    u = T.union(T.NONE, T.union(T.STR, T.INT), T.STR)
    assert u == T.UnionType((T.STR, T.INT, T.NONE))
    assert T.union(T.INT) == T.INT
    assert T.union(T.INT, T.BOOL) == T.INT
    assert T.strip_none(T.optional(T.STR)) == T.STR
    assert T.union(T.INT, T.ERROR) == T.ERROR


def test_never_adds_nothing_to_a_union():
    assert T.union(T.NEVER, T.INT) == T.INT
    assert T.union(T.STR, T.union(T.NEVER, T.NONE)) == T.union(T.STR, T.NONE)
    assert T.union(T.NEVER, T.NEVER) == T.NEVER


def test_the_minimum_of_an_empty_list_with_a_default_orders_like_its_default():
    # found by bench/bench_fuzz.py (seed 15): `max` refused an `int | Never`
    import seglam

    program = seglam.compile("def main(a: int) -> int:\n    return max(a, min([], default=0), abs(a))\n")
    assert [program.run("main", (-3,), backend=b).value for b in ("compiled", "reference")] == [3, 3]


def test_assignable_promotions_and_unions():
    assert assignable(T.INT, T.FLOAT) and assignable(T.BOOL, T.INT)
    assert not assignable(T.FLOAT, T.INT)
    assert assignable(T.NONE, T.optional(T.INT)) and not assignable(T.optional(T.INT), T.INT)
    assert assignable(T.ListType(T.NEVER), T.ListType(T.STR))
    assert assignable(T.TupleType((T.INT, T.INT)), T.TupleType((T.INT,), True))
    assert not assignable(T.TupleType((T.INT,), True), T.TupleType((T.INT, T.INT)))
    assert not assignable(T.DECIMAL, T.FLOAT) and not assignable(T.FLOAT, T.DECIMAL)
    assert assignable(T.RecordType("A"), T.union(T.RecordType("A"), T.RecordType("B")))


def test_join_builds_up_partial_collections():
    assert join(T.ListType(T.NEVER), T.ListType(T.INT)) == T.ListType(T.INT)
    assert join(T.DictType(T.NEVER, T.NEVER), T.DictType(T.STR, T.INT)) == T.DictType(T.STR, T.INT)
    assert join(T.NONE, T.STR) == T.optional(T.STR)
    assert join(T.INT, T.FLOAT) == T.FLOAT
    assert join(T.optional(T.ListType(T.NEVER)), T.ListType(T.INT)) == T.optional(T.ListType(T.INT))


def test_iteration():
    assert iter_elem(T.STR) == T.STR
    assert iter_elem(T.DictType(T.STR, T.INT)) == T.STR
    assert iter_elem(T.TupleType((T.INT, T.STR))) == T.union(T.INT, T.STR)
    assert iter_elem(T.RANGE) == T.INT
    assert iter_elem(T.INT) is None


def test_signature_table_parses_and_lists_names():
    tab = sig.table()
    assert "sorted" in sig.builtin_names() and "parse_int" in sig.builtin_names()
    assert {"append", "sort", "pop"} <= sig.method_names()["list"]
    assert {"get", "items", "setdefault"} <= sig.method_names()["dict"]
    assert "split" in sig.method_names()["str"] and "format" not in sig.method_names()["str"]
    assert tab.module_values["math"]["pi"] == T.FLOAT
    assert "sqrt" in sig.allowed_members("math") and "Decimal" in sig.allowed_members("decimal")
    assert len(tab.builtins["max"]) == 3   # overloads
    assert sig.ALLOWED_MODULES >= {"math", "re", "itertools", "functools", "collections", "dataclasses", "enum",
                                   "decimal", "datetime", "typing", "string"}


def test_every_code_the_checker_emits_is_a_known_code():
    import re
    from pathlib import Path

    from seglam.syntax.diagnostics import DIAGNOSTIC_CODES

    source = "".join(p.read_text() for p in Path(sig.__file__).parent.glob("*.py") if p.name != "diagnostics.py")
    used = set(re.findall(r'"(E-[A-Z-]+)"', source))
    assert used and used <= set(DIAGNOSTIC_CODES), used - set(DIAGNOSTIC_CODES)
