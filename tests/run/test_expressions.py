"""Expressions on the reference backend, differentially against CPython (the oracle)."""

from __future__ import annotations

import pytest

from seglam.run.oracle import run_cpython
from seglam.run.values import thaw
from tests.run.helpers import run

EXPRESSIONS = [
    "-7 // 2", "-7 % 3", "7 % -3", "2 ** -1", "10 / 4", "0.1 + 0.2", "1e16 + 1.0", "round(2.5)",
    "round(3.5)", "round(2.675, 2)", "int('  42 ')", "float('inf') > 10**300", "1 < 2 < 3 > 2",
    "1 < 2 > 3", "[] or 0 or 'x'", "'a' and 0", "not []", "(1, 'a') < (1, 'b')",
    "[1, 2, 3][::-1]", "'hello'[1:-1:2]", "list(range(10))[8:2:-3]", "{1: 2} | {3: 4}",
    "sorted({'b': 1, 'a': 2})", "sorted([(1, 'b'), (1, 'a'), (0, 'z')], key=lambda t: t[0])",
    "max([3, 1, 2], key=lambda x: -x)", "min([], default=7)", "sum([0.1] * 10)",
    "divmod(-7, 2)", "abs(-3.5)", "f'{3.14159:.2f}|{42:>6}|{\"x\"!r}|{255:#x}|{1234567:,}'",
    "f'{1/3}'", "repr(1e22)", "str(1e16)", "str([1.0, 'a', None, (1,)])", "'%5.1f|%-4d|%s' % (3.14159, 7, 'z')",
    "'{} {:>4} {name}'.format(1, 'ab', name='n')", "'a,b,,c'.split(',')", "' x y '.split()",
    "'-'.join(str(i) for i in range(5))", "[x * y for x in range(3) for y in range(x) if y]",
    "{k: v for k, v in zip('abc', range(3))}", "{x % 3 for x in range(10)}",
    "any(x > 3 for x in range(5))", "all([])", "list(enumerate('ab', 1))", "list(zip([1, 2], 'abc'))",
    "[*range(3), *'ab']", "{**{'a': 1}, 'b': 2}", "(lambda x, y=2: x * y)(3)",
    "'abc' * 3", "[0] * 3", "3 * (1, 2)", "True + True", "10 ** 20 // 7", "-(2 ** 63) >> 3",
    "~5", "5 & 3 | 8 ^ 1", "1 << 100", "'b' in 'abc'", "3 in range(0, 10, 3)", "2.0 in range(5)",
    "[1, 2] == [1, 2]", "(1, 2) != (1, 2)", "None is None", "'%s' % [1, 2]",
    "sorted(['b', 'A', 'a'], key=str.lower)", "list(map(str, [1, 2]))", "list(filter(None, [0, 1, '', 'x']))",
    "list(reversed([1, 2, 3]))", "'Hello World'.swapcase().title()", "'x'.center(7, '*')",
    "'3'.zfill(4)", "'a-b-c'.rsplit('-', 1)", "'ab'.startswith(('x', 'a'))", "hex(255) + bin(5) + oct(8)",
    "chr(65) + str(ord('a'))", "int('ff', 16)", "float('1e3')", "bool('')", "1_000_000",
    "round(-0.5)", "round(1.2345, 3)", "f'{-0.0}'", "f'{1e100}'", "f'{10**20}'", "f'{0.1:e}'",
    "f'{12.5:%}'", "f'{7:08.3f}'", "f'{\"ab\":^6}|'",
]


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_expression_matches_cpython(expr):
    source = f"def main():\n    return {expr}\n"
    want = run_cpython(source)
    assert want.ok, want.message
    got = thaw(run(source))
    assert got == want.value and type(got) is type(want.value), (got, want.value)
    assert repr(got) == repr(want.value)


PROGRAMS = {
    "aliasing of local lists": """
def main():
    a = [1]
    b = a
    b.append(2)
    a += [3]
    c = a
    a = a + [4]
    return (a, b, c)
""",
    "closures bind late": """
def main():
    fs = [lambda: i for i in range(3)]
    return [f() for f in fs]
""",
    "while with else and break": """
def main():
    n = 0
    out = []
    while n < 10:
        n += 1
        if n % 2:
            continue
        if n > 6:
            break
        out.append(n)
    else:
        out.append(-1)
    for i in range(2):
        pass
    else:
        out.append(99)
    return out
""",
    "unpacking with star": """
def main():
    a, *b, c = [1, 2, 3, 4, 5]
    (x, y), z = (1, 2), 3
    first, *rest = 'abc'
    return (a, b, c, x, y, z, first, rest)
""",
    "nested functions and recursion": """
def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)

def main():
    def twice(x: int) -> int:
        return 2 * x
    return [twice(fib(i)) for i in range(10)]
""",
    "dict methods and order": """
def main():
    d = {}
    for w in 'the cat the hat the end'.split():
        d[w] = d.get(w, 0) + 1
    d.setdefault('zz', 5)
    d.pop('cat')
    return (list(d.items()), sorted(d, key=lambda k: (-d[k], k)))
""",
    "match statement": """
from dataclasses import dataclass

@dataclass(frozen=True)
class Point:
    x: int
    y: int

def describe(v) -> str:
    match v:
        case 0 | 1:
            return 'small'
        case [x, y, *rest] if not rest:
            return f'pair {x} {y}'
        case [_, _, *rest]:
            return f'long {len(rest)}'
        case {'k': value, **others}:
            return f'map {value} {sorted(others)}'
        case Point(x=0, y=yy):
            return f'on axis {yy}'
        case Point(a, b):
            return f'point {a} {b}'
        case str() as s:
            return 'str ' + s
        case int(n) if n > 100:
            return 'big'
        case None:
            return 'none'
        case _:
            return 'other'

def main():
    return [describe(v) for v in [0, 1, [1, 2], (1, 2, 3, 4), {'k': 1, 'a': 2}, Point(0, 5), Point(1, 2), 'x', 500, None, 7]]
""",
    "records and enums": """
from dataclasses import dataclass, replace
from enum import Enum

class Color(Enum):
    RED = 'r'
    GREEN = 'g'

@dataclass(frozen=True)
class Item:
    name: str
    color: Color = Color.RED
    qty: int = 1

def main():
    a = Item('a')
    b = replace(a, qty=3)
    return (repr(a), str(b), a == Item('a'), b.qty, Color('g'), Color.GREEN.name, [c.value for c in Color], f'{Color.RED}', {a: 1}[Item('a')])
""",
    "decimal context": """
from decimal import Decimal, ROUND_HALF_UP

def main():
    a = Decimal('1') / Decimal('3')
    b = Decimal('2.675').quantize(Decimal('0.01'), rounding=ROUND_HALF_UP)
    c = Decimal('1.10') + Decimal('2.205')
    return (str(a), str(b), str(c), round(Decimal('2.5')), Decimal('10') ** 30)
""",
    "dates": """
from datetime import date, timedelta

def main():
    d = date(2024, 2, 28) + timedelta(days=2)
    return (d, d.isoformat(), (date(2025, 1, 1) - date(2024, 1, 1)).days, d.weekday(), f'{d:%Y/%m/%d}', parse_date('2024-02-30'))
""",
    "regex on RE2": """
import re

def main():
    s = 'a1 b22 c333'
    m = re.search(r'(\\w)(\\d+)', s)
    return (re.findall(r'\\d+', s), m.group(0), m.group(2), m.span(), re.sub(r'(\\d)', r'<\\1>', s, count=2),
            re.split(r'\\s+', s), bool(re.fullmatch('[a-z]+', 'abc')), re.match('b', s))
""",
    "itertools and functools": """
import itertools
from functools import reduce

def main():
    return (list(itertools.permutations('abc', 2))[:3], list(itertools.product([0, 1], repeat=2)),
            [k for k, g in itertools.groupby('aabbbc')], list(itertools.accumulate([1, 2, 3])),
            reduce(lambda a, b: a * b, range(1, 6)), list(itertools.islice(itertools.count(5), 3)))
""",
    "sort stability and in-place sort": """
def main():
    xs = [('b', 2), ('a', 2), ('c', 1)]
    xs.sort(key=lambda t: t[1])
    ys = sorted(xs, key=lambda t: t[1], reverse=True)
    return (xs, ys)
""",
    "walrus and comprehension scope": """
def main():
    total = 0
    vals = [y for x in range(5) if (y := x * x) > 3]
    x = 'outer'
    squares = [x for x in range(3)]
    return (vals, y, x, squares)
""",
}


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_program_matches_cpython(name):
    source = PROGRAMS[name]
    want = run_cpython(source)
    assert want.ok, want.message
    got = thaw(run(source))
    assert repr(got) == repr(want.value)


MORE = {
    "compiled pattern": """
import re

def main():
    p = re.compile(r'(\\d+)-(\\d+)')
    m = p.search('x 12-34 y')
    return (p.pattern, re.compile('a', re.I).findall('AbA'), m.groups(), p.findall('1-2 3-4'), p.sub(r'\\2-\\1', '1-2'), p.split('a1-2b'))
""",
    "field defaults and counters": """
from dataclasses import dataclass, field
from collections import Counter, defaultdict

@dataclass(frozen=True)
class Bag:
    name: str
    items: list[str] = field(default_factory=list)
    size: int = field(default=3)

def total(c: Counter[str]) -> int:
    return sum(c.values())

def main():
    a = Bag('a')
    a.items.append('x')
    b = Bag('b')
    c = Counter('abracadabra')
    g = defaultdict(list)
    for w in ['ab', 'ac', 'bd']:
        g[w[0]].append(w)
    return (a, b, c.most_common(2), total(c), dict(g), c['zz'])
""",
}


@pytest.mark.parametrize("name", sorted(MORE))
def test_more_programs_match_cpython(name):
    source = MORE[name]
    want = run_cpython(source)
    assert want.ok, want.message
    got = thaw(run(source))
    assert repr(got) == repr(want.value)


def test_pattern_text_is_the_source_text():
    # As Python's re: .pattern never shows the inline flags RE2 needs.
    src = "import re\n\ndef main() -> str:\n    return re.compile('a+', re.IGNORECASE).pattern\n"
    assert run(src) == "a+"


def test_frozen_counter_reads_missing_as_zero():
    # CPython: a Counter argument still answers 0 for a missing key (the oracle's plain
    # FrozenDict would raise KeyError there).
    src = """from collections import Counter

def get(c: Counter[str]) -> int:
    return c['zz'] + c.most_common(1)[0][1]

def main() -> int:
    return get(Counter('aab'))
"""
    assert run(src) == 2


DEFAULTS = """
def main():
    k = 1
    def f(x: int, y: int = k) -> int:
        return x + y
    k = 2
    early = [lambda i=i: i for i in range(3)]
    late = [lambda: i for i in range(3)]
    return (f(1), [g() for g in early], [g() for g in late])
"""


def test_defaults_are_evaluated_at_definition():
    want = run_cpython(DEFAULTS)
    assert want.ok
    assert thaw(run(DEFAULTS)) == want.value == (2, [0, 1, 2], [2, 2, 2])


def test_record_fields_may_start_with_an_underscore():
    src = """from dataclasses import dataclass

@dataclass(frozen=True)
class R:
    _hidden: int

def main() -> int:
    return R(4)._hidden
"""
    assert run(src) == 4
