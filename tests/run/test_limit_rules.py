"""The limit rules at the level of one function (SPEC.md §10): which ``+``/``-`` results
skip the integer size check (seglam.run.intcap), what a ``Limits`` accepts, and how a
``RunContext`` meters fuel and depth and reports each cap."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from seglam.run import intcap
from seglam.run.context import RunContext
from seglam.run.faults import Fault
from seglam.run.limits import DEFAULT_LIMITS, MAX_FUEL, Limits
from seglam.run.regexcache import ProgramPatterns
from seglam.syntax import ast as A
from seglam.syntax.lower import parse


def _sums(body: str, imports: str = "") -> dict[str, bool]:
    """``{source text of each + or - expression: is its int result unchecked}``."""
    src = f"{imports}\ndef main(a: int, b: int, c: int, n: int, m: int, xs: list[int], d: dict[int, int]) -> int:\n"
    src += "".join(f"    {line}\n" for line in body.splitlines())
    module = parse(src)
    imported = {}
    for stmt in module.body:
        if type(stmt) is A.ImportFrom:
            imported.update({a.asname or a.name: f"{stmt.module}.{a.name}" for a in stmt.names})
        elif type(stmt) is A.Import:
            imported.update({a.asname or a.name: a.name for a in stmt.names})
    unchecked = intcap.unchecked_sums(SimpleNamespace(module=module, imports=imported))
    lines = src.splitlines()
    out = {}
    for node in A.walk(module):
        if type(node) is A.BinOp and node.op in ("+", "-"):
            s = node.span
            out[lines[s.line - 1][s.col - 1:s.end_col - 1]] = id(node) in unchecked
    return out


@pytest.mark.parametrize("expr,unchecked", [
    ("n - 1", True), ("n + 1", True), ("1 + n", True), ("n - 65535", True), ("65535 + n", True),
    ("n - 65536", False), ("65536 + n", False), ("n + True", False), ("n * 1", None), ("a + b", False),
])
def test_a_step_by_a_small_int_literal_is_unchecked(expr, unchecked):
    sums = _sums(f"return {expr}")
    assert sums.get(expr) is unchecked


def test_small_literal_bounds():
    assert intcap.small_int_literal(A.Constant(None, 65535))
    assert intcap.small_int_literal(A.Constant(None, -65535))
    assert not intcap.small_int_literal(A.Constant(None, 65536))
    assert not intcap.small_int_literal(A.Constant(None, -65536))
    assert not intcap.small_int_literal(A.Constant(None, True))
    assert not intcap.small_int_literal(A.Constant(None, 3.0))
    assert not intcap.small_int_literal(A.Name(None, "n"))
    assert intcap.small_step("-", A.Name(None, "n"), A.Constant(None, 2))
    assert intcap.small_step("+", A.Constant(None, 2), A.Name(None, "n"))
    assert not intcap.small_step("*", A.Name(None, "n"), A.Constant(None, 2))
    assert not intcap.small_step("+", A.Name(None, "n"), A.Name(None, "m"))


@pytest.mark.parametrize("body,expected", [
    # consumed at once by a comparison, a subscript read, `*`, the left of `%`, or another sum
    ("return int(a + b > c)", {"a + b": True}),
    ("return int(c < a - b < n)", {"a - b": True}),
    ("return xs[a + b]", {"a + b": True}),
    ("return (a + b) * c", {"a + b": True}),
    ("return c * (a - b)", {"a - b": True}),
    ("return (a + b) % m", {"a + b": True}),
    ("return m % (a + b)", {"a + b": False}),
    ("return (a + b) // m", {"a + b": False}),
    ("return a + b + c", {"a + b": True, "a + b + c": False}),
    ("return a - (b + c)", {"b + c": True, "a - (b + c)": False}),
    # a step by a small literal is unchecked itself, so it does not cover its operands
    ("return (a + b) - 1", {"a + b": False, "(a + b) - 1": True}),
    # kept: assigned, returned, stored as a key or an index
    ("x = a + b\nreturn x", {"a + b": False}),
    ("xs[a + b] = 1\nreturn 0", {"a + b": False}),
    ("d[a - b] += 1\nreturn 0", {"a - b": False}),
    ("d[a - b]: int = 1\nreturn 0", {"a - b": False}),
    ("for xs[a + b] in [1]:\n    pass\nreturn 0", {"a + b": False}),
    ("return [0 for xs[a + b] in [1]][0]", {"a + b": False}),
    ("return xs[a + b:][0]", {"a + b": False}),
    ("return -(a + b)", {"a + b": False}),
])
def test_sums_used_at_once_are_unchecked(body, expected):
    sums = _sums(body)
    assert {k: sums[k] for k in expected} == expected


@pytest.mark.parametrize("imports", ["from collections import defaultdict", "import collections",
                                     "from collections import Counter as C"])
def test_with_collections_imported_a_subscript_index_is_checked(imports):
    assert _sums("return xs[a + b]", imports) == {"a + b": False}
    assert _sums("return int(a + b > c)", imports) == {"a + b": True}


def test_other_imports_leave_subscript_reads_unchecked():
    assert _sums("return xs[a + b]", "import math\nfrom itertools import chain") == {"a + b": True}
    assert intcap.reads_may_store(SimpleNamespace(imports={"x": "collectionsx.y"})) is False
    assert intcap.reads_may_store(SimpleNamespace(imports={"dd": "collections.defaultdict"})) is True


def test_unchecked_sums_covers_extra_expressions():
    module = parse("def main(n: int) -> int:\n    return n\n")
    extra = parse("def f(a: int, b: int) -> int:\n    return (a + b) % 3 + (a - 1)\n").body[0].body[0].value
    got = intcap.unchecked_sums(SimpleNamespace(module=module, imports={}), [extra])
    inner = [n for n in A.walk(extra) if type(n) is A.BinOp and n.op in "+-"]
    assert len(inner) == 3
    outer, left, step = inner
    assert id(outer) not in got and id(left) in got and id(step) in got


# ---- Limits ----------------------------------------------------------------------------------------

FIELDS = ("fuel", "max_depth", "max_int_bits", "max_str_len", "max_collection_len")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("bad", [-1, 1.5, True, "10", None])
def test_limits_refuse_what_is_not_a_non_negative_int(field, bad):
    with pytest.raises(ValueError) as err:
        Limits(**{field: bad})
    assert str(err.value) == f"Limits.{field} must be a non-negative int, not {bad!r}"


@pytest.mark.parametrize("field", FIELDS)
def test_limits_accept_zero(field):
    assert getattr(Limits(**{field: 0}), field) == 0


def test_fuel_is_at_most_two_to_the_62():
    assert Limits(fuel=MAX_FUEL).fuel == MAX_FUEL == 2 ** 62
    with pytest.raises(ValueError) as err:
        Limits(fuel=MAX_FUEL + 1)
    assert str(err.value) == f"Limits.fuel must be at most 2**62, not {MAX_FUEL + 1}"


def test_default_limits():
    assert (DEFAULT_LIMITS.fuel, DEFAULT_LIMITS.max_depth, DEFAULT_LIMITS.max_int_bits,
            DEFAULT_LIMITS.max_str_len, DEFAULT_LIMITS.max_collection_len) == (
        10_000_000, 200, 65_536, 1_000_000, 1_000_000)


# ---- RunContext --------------------------------------------------------------------------------------

LIMITS = Limits(fuel=100, max_depth=2, max_int_bits=10, max_str_len=5, max_collection_len=3)


def test_a_context_starts_from_its_limits():
    patterns = ProgramPatterns({("a", 0): object()})
    ctx = RunContext(LIMITS, patterns)
    # the remaining fuel is ctx.fuel plus the chunk of steps taken at once (RunContext.ticks)
    assert (ctx.limits, ctx.fuel + len(list(RunContext(LIMITS).ticks)), ctx.depth, ctx.frames, ctx.fuel_used) == (
        LIMITS, 100, 0, [], 0)
    assert (ctx.max_depth, ctx.max_int_bits, ctx.max_str_len, ctx.max_collection_len) == (2, 10, 5, 3)
    assert ctx.patterns is patterns  # the program's, shared by its runs; the run's own cache starts empty
    assert len(ctx.run_regexes) == 0 and RunContext().limits is DEFAULT_LIMITS and RunContext().patterns.literal == {}


@pytest.mark.parametrize("n,steps", [(0, 1), (7, 1), (8, 2), (15, 2), (16, 3), (80, 11)])
def test_a_bulk_charge_is_one_step_per_eight_elements_plus_one(n, steps):
    ctx = RunContext(LIMITS)
    ctx.charge(n)
    assert ctx.fuel_used == steps


def test_running_out_of_fuel():
    ctx = RunContext(LIMITS)
    ctx.charge(8 * 98)  # 99 steps
    assert ctx.fuel == 1
    ctx.charge(0)
    assert ctx.fuel == 0 and ctx.fuel_used == 100
    with pytest.raises(Fault) as info:
        ctx.charge(0)
    assert info.value.code == "F-FUEL"
    assert info.value.message == "out of fuel: the run took more than 100 steps"
    assert ctx.fuel == -1 and ctx.fuel_used == 100


def test_calls_nest_up_to_the_depth_limit():
    ctx = RunContext(LIMITS)
    ctx.enter("f", None)
    ctx.enter("g", None)
    assert ctx.depth == 2 and [f.function for f in ctx.trace()] == ["f", "g"]
    assert isinstance(ctx.trace(), tuple)
    with pytest.raises(Fault) as info:
        ctx.enter("h", None)
    assert info.value.code == "F-DEPTH"
    assert info.value.message == "call depth limit reached: more than 2 nested calls (in h)"
    assert ctx.depth == 2
    ctx.leave()
    assert ctx.depth == 1 and [f.function for f in ctx.trace()] == ["f"]
    ctx.enter("k", None)
    assert [f.function for f in ctx.trace()] == ["f", "k"]


def test_size_caps_allow_the_limit_and_fault_past_it():
    ctx = RunContext(LIMITS)
    assert ctx.check_int(1023) == 1023 and ctx.check_int(-1023) == -1023
    assert ctx.check_int(2.0 ** 100) == 2.0 ** 100  # only ints are capped
    assert ctx.check_str("abcde") == "abcde"
    assert ctx.check_len(3) is None
    for call, code, message in [
        (lambda: ctx.check_int(1024), "F-INT-SIZE", "integer too large: more than 10 bits"),
        (lambda: ctx.check_int(-1024), "F-INT-SIZE", "integer too large: more than 10 bits"),
        (lambda: ctx.check_str("abcdef"), "F-STR-SIZE", "string too long: 6 characters, the limit is 5"),
        (lambda: ctx.check_len(4), "F-COLLECTION-SIZE", "collection too large: 4 elements, the limit is 3"),
    ]:
        with pytest.raises(Fault) as info:
            call()
        assert (info.value.code, info.value.message) == (code, message)
    fault = ctx.int_bits_fault(12)
    assert (fault.code, fault.message) == ("F-INT-SIZE", "integer too large: about 12 bits, the limit is 10")
