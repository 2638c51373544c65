"""The Z3 encoding agrees with the interpreter on random inputs, construct by construct.

Each function below exercises constructs of the fragment; Hypothesis draws inputs from the
parameter types; the encoding's prediction (value or fault code) must equal what the
compiled backend does. Inputs beyond the unrolling bound are skipped, not compared.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

import seglam
from seglam.verifier.runner import ProgramRunner
from seglam.verifier.selfcheck import predict
from seglam.verifier.strategies import for_type
from seglam.verifier.values import EnumLit, RecordLit
from seglam.verifier.view import ModuleView

SOURCE = '''
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum


class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3


@dataclass(frozen=True)
class Point:
    x: int
    y: int


def arith(a: int, b: int) -> tuple[int, int, int, int]:
    return (a + b * 3 - 1, a // b, a % b, -a)


def compare(a: int, b: int, c: int) -> tuple[bool, bool, bool]:
    return (a < b <= c, a == b or b != c, not (a >= c) and a > -5)


def builtins_(a: int, b: int) -> tuple[int, int, int, int]:
    return (abs(a), min(a, b), max(a, b, 3), a ** 2)


def branches(a: int) -> str:
    if a < 0:
        return "neg"
    elif a == 0:
        return "zero"
    else:
        return "pos" if a < 10 else "big"


def loops(xs: list[int]) -> int:
    total = 0
    for x in xs:
        if x < 0:
            continue
        if x > 100:
            break
        total += x
    return total


def while_(n: int) -> int:
    count = 0
    while n > 0 and count < 5:
        n = n // 2
        count += 1
    return count


def ranges(n: int) -> int:
    s = 0
    for i in range(1, n, 2):
        s += i
    return s


def comps(xs: list[int]) -> tuple[list[int], int, bool, bool, int]:
    ys = [x * 2 for x in xs if x % 3 != 0]
    return (ys, sum(x for x in xs), any(x > 5 for x in xs), all(x > 0 for x in xs), len(ys))


def minmax(xs: list[int]) -> tuple[int, int]:
    return (min(xs), max(xs))


def indexing(xs: list[int], i: int) -> tuple[int, list[int], list[int]]:
    return (xs[i], xs[1:3], xs[-2:])


def strings(s: str, t: str) -> tuple[str, bool, bool, bool, int, int]:
    return (s + "-" + t, s.startswith(t), s.endswith("a"), t in s, len(s), s.find(t))


def string_index(s: str, i: int) -> tuple[str, str]:
    return (s[i], s[1:i])


def fstrings(n: int, s: str) -> str:
    return f"<{n}|{s}|{str(n * 2)}>"


def tuples(a: int, b: int) -> tuple[int, int]:
    p = (a, b)
    x, y = p
    return (y, x) if x > y else p


def records(p: Point) -> tuple[Point, int, bool]:
    q = Point(p.y, y=p.x + 1)
    return (q, q.x * q.y, p == q)


def enums(c: Color) -> tuple[int, bool, str]:
    return (c.value, c == Color.GREEN, c.name)


def optionals(x: int | None) -> int:
    if x is None:
        return -1
    return x + 1


def mutation(xs: list[int]) -> list[int]:
    out = []
    for x in xs:
        out.append(x)
    if len(out) > 1:
        out[0] = out[-1]
        out.pop()
    out += [7]
    return out


def iterators(xs: list[int], ys: list[int]) -> list[tuple[int, int]]:
    return [(i + a, b) for i, (a, b) in enumerate(zip(xs, reversed(ys)))]


def members(xs: list[int], x: int) -> tuple[bool, int, list[int]]:
    return (x in xs, xs.count(x), xs + [x])


def decimals(a: Decimal, b: Decimal) -> tuple[Decimal, bool]:
    return (a + b * 2 - Decimal("0.5"), a < b)


@requires(lambda a: a >= 0)
def helper(a: int) -> int:
    return a * 2


def calls(a: int) -> int:
    return helper(a) + helper(abs(a))


@ensures(lambda a, result: result > a)
def contract(a: int) -> int:
    return a + 1 if a < 50 else a


def asserts(a: int) -> int:
    assert a != 3
    return a


def matching(c: Color, p: Point, n: int | None) -> tuple[int, int, int]:
    match c:
        case Color.RED | Color.GREEN:
            a = 1
        case _:
            a = 2
    match p:
        case Point(x=0, y=y):
            b = y
        case Point(x, 1) if x > 2:
            b = x
        case _:
            b = -1
    match n:
        case None:
            d = 0
        case 5:
            d = 50
        case k:
            d = k
    return (a, b, d)


def dicts(words: list[str], d: dict[str, int], k: str) -> tuple[dict[str, int], int, bool, int, list[str]]:
    counts: dict[str, int] = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    counts["z"] = 9
    copy = {key: v * 2 for key, v in d.items() if v > 0}
    total = sum(d.values()) + len(copy)
    return (counts, total, k in d, d[k] if k in d else -1, [key for key in d])


def dict_lookup(d: dict[int, int], k: int) -> int:
    m = {1: 10, 2: 20}
    m[k] = d[k]
    m[1] += 1
    return m[1] + m[k] + len(m)


def dict_eq(a: dict[int, str], b: dict[int, str]) -> bool:
    return a == b


def sorting(xs: list[int]) -> tuple[list[int], list[int], int]:
    ys = sorted(xs)
    zs = sorted(xs, reverse=True)
    return (ys, zs, ys[0] if ys else 0)


def sets(xs: list[int], s: set[int], x: int) -> tuple[int, bool, bool, set[int]]:
    seen = set()
    for v in xs:
        seen.add(v % 3)
    evens = {v for v in xs if v % 2 == 0}
    return (len(set(xs)) + len(seen), x in s, s == {1, 2} or evens == s, evens)


def enum_loop(c: Color) -> int:
    total = 0
    for m in Color:
        if m != c:
            total += m.value
    return total
'''

NAMES = [
    "arith", "compare", "builtins_", "branches", "loops", "while_", "ranges", "comps", "minmax",
    "indexing", "strings", "string_index", "fstrings", "tuples", "records", "enums", "optionals",
    "mutation", "iterators", "members", "decimals", "calls", "contract", "asserts", "matching",
    "enum_loop", "dicts", "dict_lookup", "dict_eq", "sorting", "sets",
]


@pytest.fixture(scope="module")
def program():
    prog = seglam.compile(SOURCE, filename="selfcheck.sgl")
    view = ModuleView.from_checked(prog.checked)
    # The reference evaluator is the executable spec: the encoding must agree with it.
    return prog, view, ProgramRunner(prog, view, backend="reference")


def _neutral(v):
    """Runtime values as neutral ones, for comparison with the encoding's prediction."""
    import dataclasses
    import enum

    if isinstance(v, enum.Enum):
        return EnumLit(type(v).__name__, v.name)
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return RecordLit(type(v).__name__, tuple((f.name, _neutral(getattr(v, f.name))) for f in dataclasses.fields(v)))
    if isinstance(v, dict) and set(v) and all(isinstance(k, str) for k in v) and False:
        return v
    if isinstance(v, list):
        return [_neutral(x) for x in v]
    if isinstance(v, tuple):
        return tuple(_neutral(x) for x in v)
    return v


def _agree(actual, predicted) -> bool:
    """Equal, except that the encoding knows a rounded Decimal result only to within half a
    unit in its 28th digit per rounded operation (see seglam.verifier.decimals), so Decimals
    agree within a few such units."""
    from decimal import Decimal

    if isinstance(actual, Decimal) and isinstance(predicted, Decimal):
        return abs(actual - predicted) <= Decimal("1E-25") * max(abs(actual), abs(predicted))
    if isinstance(actual, (list, tuple)) and isinstance(predicted, (list, tuple)):
        return type(actual) is type(predicted) and len(actual) == len(predicted) and all(map(_agree, actual, predicted))
    return actual == predicted


def test_agree_is_strict_outside_the_rounding():
    from decimal import Decimal

    assert _agree((Decimal("-0.5"), False), (Decimal("-0.49999999999999999999999999975"), False))
    assert not _agree((Decimal("-0.5"), False), (Decimal("-0.4999"), False))
    assert not _agree([1, 2], [1, 3])


@pytest.mark.parametrize("name", NAMES)
def test_encoding_matches_interpreter(program, name):
    prog, view, runner = program
    fv = view.functions[name]
    strategies = {p.name: for_type(p.type, view, None, 5) for p in fv.params}

    @settings(max_examples=25, derandomize=True, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(**strategies)
    def check(**inputs):
        predicted = predict(view, name, inputs, bound=6)
        if predicted.outside:
            return
        out = runner.call(name, inputs)
        if out.fault in ("F-REQUIRES",) and predicted.fault is None and not fv.requires:
            return
        assert out.fault == predicted.fault, (inputs, out, predicted)
        if out.fault is None:
            assert _agree(_neutral(out.value), predicted.value), (inputs, out.value, predicted.value)

    check()
