"""Programs in the style an LLM writes for pure computations; every one must check."""

PROGRAMS = [
    # word counts with dict.get, then the most frequent word
    '''
def word_counts(text: str) -> dict[str, int]:
    counts = {}
    for word in text.lower().split():
        counts[word] = counts.get(word, 0) + 1
    return counts

def most_common(text: str) -> str:
    counts = word_counts(text)
    return max(counts, key=counts.get)
''',
    # result = [] then append; filter with a comprehension; sum/len
    '''
def evens(xs: list[int]) -> list[int]:
    result = []
    for x in xs:
        if x % 2 == 0:
            result.append(x)
    return result

def mean(xs: list[float]) -> float:
    assert len(xs) > 0
    return sum(xs) / len(xs)

def squares(n: int) -> list[int]:
    return [i * i for i in range(n) if i % 3 != 0]
''',
    # best = None widening, narrowing with `or`
    '''
def longest(words: list[str]) -> str | None:
    best = None
    for w in words:
        if best is None or len(w) > len(best):
            best = w
    return best
''',
    # records, sorted with key lambda, replace, order
    '''
from dataclasses import dataclass, replace

@dataclass(frozen=True)
class Person:
    name: str
    age: int
    email: str | None = None

def oldest_first(people: list[Person]) -> list[str]:
    return [p.name for p in sorted(people, key=lambda p: (-p.age, p.name))]

def birthday(p: Person) -> Person:
    return replace(p, age=p.age + 1)

def domain(p: Person) -> str:
    if p.email is None:
        return ""
    return p.email.split("@")[-1]
''',
    # enums and match, exhaustive
    '''
from enum import Enum

class Color(Enum):
    RED = 1
    GREEN = 2
    BLUE = 3

def hex_code(c: Color) -> str:
    match c:
        case Color.RED:
            return "#f00"
        case Color.GREEN:
            return "#0f0"
        case Color.BLUE:
            return "#00f"

def names() -> list[str]:
    return [c.name.lower() for c in Color]

def from_value(v: int) -> Color:
    return Color(v)
''',
    # union of records with match class patterns
    '''
import math
from dataclasses import dataclass

@dataclass(frozen=True)
class Circle:
    r: float

@dataclass(frozen=True)
class Rect:
    w: float
    h: float

Shape = Circle | Rect

def area(s: Shape) -> float:
    match s:
        case Circle(r=r):
            return math.pi * r * r
        case Rect(w, h):
            return w * h

def total_area(shapes: list[Shape]) -> float:
    return sum(area(s) for s in shapes)

def is_round(s: Circle | Rect) -> bool:
    return isinstance(s, Circle)
''',
    # defaultdict / Counter / setdefault grouping
    '''
from collections import Counter, defaultdict

def anagram_groups(words: list[str]) -> list[list[str]]:
    groups = defaultdict(list)
    for w in words:
        groups["".join(sorted(w))].append(w)
    return sorted(sorted(g) for g in groups.values())

def top_letters(text: str, n: int) -> list[tuple[str, int]]:
    return Counter(c for c in text if c.isalpha()).most_common(n)

def index_by_length(words: list[str]) -> dict[int, list[str]]:
    out = {}
    for w in words:
        out.setdefault(len(w), []).append(w)
    return out
''',
    # optional narrowing in many forms
    '''
import re

def first_number(s: str) -> int | None:
    m = re.search(r"-?\\d+", s)
    if m is None:
        return None
    return int(m.group(0))

def parse_all(parts: list[str]) -> list[int]:
    out = []
    for p in parts:
        v = parse_int(p)
        if v is None:
            continue
        out.append(v)
    return out

def walrus(s: str) -> str:
    if (m := re.match(r"(\\w+)@(\\w+)", s)) is not None:
        return m.group(2)
    return ""

def total(xs: list[int | None]) -> int:
    return sum(x for x in xs if x is not None)

def safe_div(a: int, b: int) -> float | None:
    return a / b if b != 0 else None

def describe(x: int | None) -> str:
    assert x is not None
    return str(x + 1)
''',
    # tuple unpacking, enumerate, zip, dict comprehensions, slicing, f-strings
    '''
def pairs(xs: list[int], ys: list[str]) -> dict[str, int]:
    return {y: x for x, y in zip(xs, ys)}

def numbered(lines: list[str]) -> list[str]:
    return [f"{i:>3}: {line}" for i, line in enumerate(lines, start=1)]

def swap(t: tuple[int, str]) -> tuple[str, int]:
    a, b = t
    return b, a

def middle(xs: list[int]) -> list[int]:
    first, *rest = xs if xs else [0]
    return rest[1:-1]

def rotate(xs: list[int], k: int) -> list[int]:
    if not xs:
        return []
    k %= len(xs)
    return xs[-k:] + xs[:-k]
''',
    # while loops, early returns, break/else
    '''
def gcd(a: int, b: int) -> int:
    while b:
        a, b = b, a % b
    return a

def find(xs: list[int], target: int) -> int:
    for i, x in enumerate(xs):
        if x == target:
            return i
    return -1

def is_prime(n: int) -> bool:
    if n < 2:
        return False
    i = 2
    while i * i <= n:
        if n % i == 0:
            return False
        i += 1
    return True

def first_even(xs: list[int]) -> int:
    for x in xs:
        if x % 2 == 0:
            found = x
            break
    else:
        found = -1
    return found

def collatz(n: int) -> int:
    steps = 0
    while True:
        if n == 1:
            return steps
        n = n // 2 if n % 2 == 0 else 3 * n + 1
        steps += 1
''',
    # contracts, examples, properties
    '''
@requires(lambda xs: len(xs) > 0)
@ensures(lambda xs, result: result in xs)
def largest(xs: list[int]) -> int:
    assert all(x >= 0 for x in xs)
    return max(xs)

assert largest([3, 1, 2]) == 3

def prop_largest_is_upper_bound(xs: list[int]) -> bool:
    assert len(xs) > 0
    return all(x <= largest(xs) for x in xs)
''',
    # nested helper functions, recursion, closures read-only
    '''
def count_paths(grid: list[list[int]]) -> int:
    rows = len(grid)
    cols = len(grid[0]) if rows else 0
    memo: dict[tuple[int, int], int] = {}

    def walk(r: int, c: int) -> int:
        if r >= rows or c >= cols or grid[r][c] == 1:
            return 0
        if r == rows - 1 and c == cols - 1:
            return 1
        key = (r, c)
        if key in memo:
            return memo[key]
        n = walk(r + 1, c) + walk(r, c + 1)
        memo[key] = n
        return n

    return walk(0, 0)

def fib(n: int) -> int:
    return n if n < 2 else fib(n - 1) + fib(n - 2)
''',
    # sets, dicts of sets, sorting dict items, min/max with default
    '''
def common(a: list[str], b: list[str]) -> list[str]:
    return sorted(set(a) & set(b))

def adjacency(edges: list[tuple[str, str]]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for u, v in edges:
        graph.setdefault(u, set()).add(v)
        graph.setdefault(v, set()).add(u)
    return graph

def ranked(scores: dict[str, int]) -> list[str]:
    return [name for name, _ in sorted(scores.items(), key=lambda kv: kv[1], reverse=True)]

def smallest(xs: list[int]) -> int:
    return min(xs, default=0)

def bfs(graph: dict[str, list[str]], start: str) -> list[str]:
    seen = {start}
    queue = [start]
    order = []
    while queue:
        node = queue.pop(0)
        order.append(node)
        for nxt in graph.get(node, []):
            if nxt not in seen:
                seen.add(nxt)
                queue.append(nxt)
    return order
''',
    # decimals, dates, math, itertools, functools
    '''
import itertools
import math
from datetime import date, timedelta
from decimal import Decimal
from functools import reduce

def total(prices: list[Decimal]) -> Decimal:
    return sum(prices, Decimal("0")).quantize(Decimal("0.01"))

def add_days(d: date, n: int) -> str:
    return (d + timedelta(days=n)).isoformat()

def days_between(a: date, b: date) -> int:
    return (b - a).days

def hyp(a: float, b: float) -> float:
    return math.sqrt(a * a + b * b)

def orders(xs: list[int]) -> list[tuple[int, ...]]:
    return list(itertools.permutations(xs, 2))

def product(xs: list[int]) -> int:
    return reduce(lambda acc, x: acc * x, xs, 1)

def running(xs: list[int]) -> list[int]:
    return list(itertools.accumulate(xs))
''',
    # string processing
    '''
import string

def caesar(s: str, k: int) -> str:
    out = []
    for ch in s:
        if ch in string.ascii_lowercase:
            out.append(chr((ord(ch) - ord("a") + k) % 26 + ord("a")))
        else:
            out.append(ch)
    return "".join(out)

def is_palindrome(s: str) -> bool:
    cleaned = [c.lower() for c in s if c.isalnum()]
    return cleaned == cleaned[::-1]

def title_words(s: str) -> str:
    return " ".join(w.capitalize() for w in s.split())

def vowels(s: str) -> int:
    return sum(1 for c in s.lower() if c in "aeiou")
''',
    # module constants, match on str and tuples, annotated locals
    '''
DIRECTIONS = {"N": (0, 1), "S": (0, -1), "E": (1, 0), "W": (-1, 0)}
LIMIT: int = 100

def move(path: str) -> tuple[int, int]:
    x, y = 0, 0
    for step in path:
        dx, dy = DIRECTIONS.get(step, (0, 0))
        x += dx
        y += dy
    return x, y

def command(words: list[str]) -> str:
    match words:
        case ["go", direction]:
            return f"going {direction}"
        case ["take", *items]:
            return "taking " + ", ".join(items)
        case []:
            return "nothing"
        case _:
            return "unknown"

def clamp(n: int) -> int:
    result: int | None = None
    if n > LIMIT:
        result = LIMIT
    return result if result is not None else n
''',
]
