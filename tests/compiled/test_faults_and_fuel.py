"""Faults carry the Seglam span and call trace; fuel is counted step for step like the
reference, including at every possible budget boundary of loops that count fuel locally."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from seglam.syntax.span import Span
from tests.compiled.agree import outcomes


def _fault(source: str, function: str = "main", *args, backend: str = "compiled", **limits) -> Fault:
    prog = seglam.compile(source, filename="t.sgl")
    with pytest.raises(Fault) as info:
        prog.run(function, args, limits=Limits(**limits) if limits else None, backend=backend)
    return info.value


def test_division_by_zero_in_a_helper_has_its_span_and_trace():
    src = "def ratio(a: int, b: int) -> int:\n    return a // b\n\ndef main() -> int:\n    return 1 + ratio(7, 0)\n"
    fault = _fault(src)
    assert fault.code == "F-ZERO-DIV"
    assert (fault.span.line, fault.span.col) == (2, 12)
    assert [f.function for f in fault.trace] == ["main", "ratio"]
    assert fault.trace[1].span == Span(5, 16, 5, 27)  # the call site in main
    assert fault.filename == "t.sgl"
    ref = _fault(src, backend="reference")
    assert (ref.code, ref.span, ref.trace) == (fault.code, fault.span, fault.trace)


def test_fault_inside_a_lambda_key_and_a_comprehension():
    src = ("def main(xs: list[int]) -> list[int]:\n"
           "    ys = [100 // x for x in xs]\n"
           "    return sorted(ys, key=lambda y: 10 // (y - 100))\n")
    one = _fault(src, "main", [1, 0])
    assert one.code == "F-ZERO-DIV" and one.span.line == 2
    two = _fault(src, "main", [1, 2])
    assert two.code == "F-ZERO-DIV" and two.span.line == 3
    assert [f.function for f in two.trace] == ["main", "<lambda>"]
    for got, args in ((one, [1, 0]), (two, [1, 2])):
        ref = _fault(src, "main", args, backend="reference")
        assert (ref.code, ref.span, ref.trace) == (got.code, got.span, got.trace)


def test_depth_limit_is_located_at_the_refused_call():
    src = "def down(n: int) -> int:\n    return down(n + 1)\n\ndef main() -> int:\n    return down(0)\n"
    fault = _fault(src, max_depth=10)
    assert fault.code == "F-DEPTH"
    assert fault.span.line == 2
    assert len(fault.trace) == 10  # main + 9 levels of down; the 11th call was refused
    ref = _fault(src, backend="reference", max_depth=10)
    assert (ref.span, ref.trace) == (fault.span, fault.trace)


def test_contract_faults():
    src = ("@requires(lambda n: n >= 0)\n@ensures(lambda n, result: result > n)\n"
           "def inc(n: int) -> int:\n    return n + 1 if n < 5 else n\n\n"
           "def main(n: int) -> int:\n    return inc(n)\n")
    assert _fault(src, "main", -1).code == "F-REQUIRES"
    assert _fault(src, "main", 7).code == "F-ENSURES"
    prog = seglam.compile(src)
    assert prog.call("main", 3) == 4


def test_hostile_sizes_fault_instead_of_exhausting_memory():
    assert _fault("def main() -> int:\n    return 7 ** (10 ** 9)\n").code == "F-INT-SIZE"
    assert _fault("def main() -> str:\n    return 'ab' * (10 ** 12)\n").code == "F-STR-SIZE"
    assert _fault("def main() -> list[int]:\n    return [0] * (10 ** 12)\n").code == "F-COLLECTION-SIZE"
    src = "def main() -> int:\n    xs: list[int] = []\n    while True:\n        xs.append(1)\n    return 0\n"
    assert _fault(src, max_collection_len=1000).code == "F-COLLECTION-SIZE"
    assert _fault(src, fuel=500).code == "F-FUEL"


FUEL_PROGRAMS = {
    "pure loop with charges": (
        "def main(s: str) -> int:\n"
        "    n = 0\n"
        "    for ch in s:\n"
        "        if ch.isdigit():\n"
        "            n = n * 10 + int(ch)\n"
        "        elif ch in 'xyz':\n"
        "            return n\n"
        "    return n\n", ("12a34b56x9",)),
    "nested pure loops and a comprehension": (
        "def main(n: int) -> int:\n"
        "    total = 0\n"
        "    for i in range(n):\n"
        "        j = 0\n"
        "        while j < i:\n"
        "            total += j\n"
        "            j += 1\n"
        "    squares = [k * k for k in range(n) if k % 2 == 0]\n"
        "    return total + sum(squares)\n", (6,)),
    "impure loop calling a helper": (
        "def f(x: int) -> int:\n"
        "    return x + 1\n\n"
        "def main(n: int) -> list[int]:\n"
        "    out = []\n"
        "    for i in range(n):\n"
        "        out.append(f(i))\n"
        "    return [f(x) for x in out]\n", (5,)),
    "loops and comprehensions charged up front": (
        "def main(n: int) -> int:\n"
        "    xs = [0] * n\n"
        "    for i in range(n):\n"
        "        xs[i] = i * i\n"
        "    ys = [x + 1 for x in range(n) if x % 3 != 0]\n"
        "    t = 0\n"
        "    for ch in 'abcdef':\n"
        "        t += 1 if ch > 'b' else 2\n"
        "    return sum(xs) + sum(ys) + t\n", (7,)),
    "while loops counted by the fuel itself, with break, continue and return": (
        "def collatz(n: int) -> int:\n"
        "    steps = 0\n"
        "    while n != 1:\n"
        "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n"
        "        steps += 1\n"
        "    return steps\n\n"
        "def first_square_above(k: int) -> int:\n"
        "    i = 0\n"
        "    while True:\n"
        "        i += 1\n"
        "        if i % 2 == 1:\n"
        "            continue\n"
        "        if i * i > k:\n"
        "            return i\n\n"
        "def main(n: int) -> int:\n"
        "    j = n\n"
        "    while j > 0:\n"
        "        if j == 3:\n"
        "            break\n"
        "        j -= 1\n"
        "    empty = 0\n"
        "    while empty > 0:\n"
        "        empty -= 1\n"
        "    return collatz(n) * 100 + first_square_above(n) + j\n", (9,)),
    "leaf functions counting all their fuel locally": (
        "def gen(i: int) -> str:\n"
        "    left = ''.join('([{'[(i + k) % 3] for k in range(1 + i % 4))\n"
        "    right = ''.join(')]}'[(i + k) % 3] for k in reversed(range(1 + i % 4)))\n"
        "    if i % 2 == 0:\n"
        "        right = right[::-1]\n"
        "    return left + 'x' + right\n\n"
        "def nothing(i: int) -> None:\n"
        "    squares = {k: k * k for k in range(i)}\n"
        "    assert len(squares) == i\n\n"
        "def main(n: int) -> int:\n"
        "    total = 0\n"
        "    for i in range(n):\n"
        "        nothing(i)\n"
        "        total += len(gen(i))\n"
        "    return total\n", (5,)),
    "loops and comprehensions over reversed ranges, strs and tuples": (
        "def main(n: int) -> int:\n"
        "    a = [c for c in reversed('hello') if c != 'l']\n"
        "    b = [x * 2 for x in reversed(range(n))]\n"
        "    t = 0\n"
        "    for x in reversed((1, 2, 3)):\n"
        "        t += x\n"
        "    return len(a) + sum(b) + t\n", (6,)),
    "a step merged with the constant charge that starts the body": (
        "PAIRS = {')': '(', ']': '['}\n\n"
        "def balanced(s: str) -> bool:\n"
        "    stack: list[str] = []\n"
        "    for ch in s:\n"
        "        if ch in '([':\n"
        "            stack.append(ch)\n"
        "        elif ch in PAIRS:\n"
        "            if not stack or stack.pop() != PAIRS[ch]:\n"
        "                return False\n"
        "    return not stack\n\n"
        "def count(s: str) -> int:\n"
        "    n = 0\n"
        "    i = 0\n"
        "    while i < len(s):\n"
        "        if s[i] in 'aeiou':\n"
        "            n += 1\n"
        "        i += 1\n"
        "    return n\n\n"
        "def main(words: list[str]) -> int:\n"
        "    return sum(1 for w in words if balanced(w)) + count('abe')\n",
        (["(x)", "([)]", "(("],)),
    "appends and item stores in loops that may leave early": (
        "def helper(x: int) -> int:\n"
        "    return x * 2\n\n"
        "def main(s: str) -> int:\n"
        "    out: list[str] = []\n"
        "    seen: dict[str, int] = {}\n"
        "    for ch in s:\n"
        "        if ch == '!':\n"
        "            break\n"
        "        out.append(ch.upper())\n"
        "        seen[ch] = helper(len(out))\n"
        "    total = 0\n"
        "    for i in range(len(out)):\n"
        "        if i > 4:\n"
        "            return total + len(seen)\n"
        "        out.append(out[i])\n"
        "        total += helper(i)\n"
        "    return total + words(s + ' b a b')\n\n"
        "def words(text: str) -> int:\n"
        "    counts: dict[str, int] = {}\n"
        "    firsts: list[str] = []\n"
        "    for w in text.split():\n"
        "        counts[w.lower()] = counts.get(w, 0) + 1\n"
        "        t = ''\n"
        "        for _ in range(2):\n"
        "            t += w\n"
        "        firsts.append(t[0])\n"
        "    for w in sorted(counts):\n"
        "        firsts.append(w)\n"
        "    return len(counts) * 100 + len(firsts)\n", ("abcaXYZ!q",)),
    "ranges measured from their arguments, empty ones included": (
        "def main(n: int) -> int:\n"
        "    a = [k for k in range(n - 9)]\n"
        "    b = [k for k in range(n, 2)]\n"
        "    c = [k * 2 for k in range(2, n)]\n"
        "    d = [k for k in reversed(range(n - 3, n + 1))]\n"
        "    e = [k for k in reversed(range(-n))]\n"
        "    t = 0\n"
        "    for k in range(3, n):\n"
        "        t += k\n"
        "    for k in reversed(range(n)):\n"
        "        t += k\n"
        "    for k in range(n, -n, -2):\n"
        "        t += k\n"
        "    return len(a) + len(b) + sum(c) + sum(d) + len(e) + t\n", (6,)),
    "small and large joins": (
        "def main(n: int) -> int:\n"
        "    a = ''.join(str(i) for i in range(n))\n"
        "    b = ', '.join([str(i) for i in range(3 * n)])\n"
        "    c = '-'.join(('x', 'yy', a))\n"
        "    return len(a) + len(b) + len(c)\n", (8,)),
    "work on large ints charged in loops charged up front, counted down and counted": (
        "def digits(x: int) -> int:\n"
        "    n = 0\n"
        "    while x > 0:\n"
        "        x = x // 10 ** 150\n"
        "        n += 1\n"
        "    return n\n\n"
        "def main(k: int) -> int:\n"
        "    big = 3 ** (k * 800)\n"
        "    m = 2 ** (k * 900) + 1\n"
        "    total = 0\n"
        "    for i in range(k):\n"
        "        total = total + big * big % m\n"
        "    acc = big\n"
        "    j = 0\n"
        "    while j < k:\n"
        "        acc = acc * acc % m\n"
        "        j += 1\n"
        "        if acc % 7 == 3:\n"
        "            break\n"
        "    words = sorted([str(big >> (97 * i)) for i in range(40)])\n"
        "    text = f'{acc}'\n"
        "    return (total + pow(big, 65537, m - 2) + digits(acc) + len(words[0]) + len(text)\n"
        "            + int(text[:300])) % 1000\n", (1,)),
    "a loop charged up front that cannot pay for its work on large ints goes on counting": (
        "def main(n: int) -> int:\n"
        "    x = 3 ** 700\n"
        "    total = 0\n"
        "    for i in range(n):\n"
        "        total = total + x * x % 1000\n"
        "    ys = [0] * n\n"
        "    for i in range(n):\n"
        "        ys[i] = (x + i) * x % 10\n"
        "    return total + sum(ys)\n", (12,)),
    "comprehensions charged up front that cannot pay for their work on large ints go on counting": (
        "def main(n: int) -> int:\n"
        "    x = 3 ** 700\n"
        "    a = [x * x % (k + 2) for k in range(n)]\n"
        "    b = {k: x * k % 1000 for k in range(n) if k % 2 == 0}\n"
        "    c = {(x + k) * x % 10 for k in range(n)}\n"
        "    return sum(a) + sum(b.values()) + len(c)\n", (12,)),
    "set and dict operations on int keys whose hashes collide": (
        "def main(n: int) -> int:\n"
        "    p = 2 ** 61 - 1\n"
        "    s: set[int] = set()\n"
        "    d: dict[int, int] = {}\n"
        "    for k in range(n):\n"
        "        s.add(k * p)\n"
        "        d[k * p] = k\n"
        "        d[k * p] += 1\n"
        "    c = {k * p: 1 for k in range(n)}\n"
        "    t = {k * p for k in range(n)}\n"
        "    total = 0\n"
        "    for k in range(n):\n"
        "        if k * p in s:\n"
        "            total += d[k * p] + d.get(k * p, 0) + c[k * p]\n"
        "        if k * p not in t and k in d:\n"
        "            total += 1\n"
        "    s.discard(p)\n"
        "    return total + d.pop(p) + d.setdefault(3 * p, 0)\n", (20,)),
    "strings grown in a loop": (
        "def main(words: list[str]) -> str:\n"
        "    s = ''\n"
        "    for w in words:\n"
        "        s += w.strip().lower() + ','\n"
        "    return s[:-1]\n", (["  A", "b ", "C"],)),
}


@pytest.mark.parametrize("name", sorted(FUEL_PROGRAMS))
def test_every_fuel_budget_ends_the_same_way_on_both_backends(name: str):
    source, args = FUEL_PROGRAMS[name]
    prog = seglam.compile(source)
    needed = prog.run("main", args, backend="reference").fuel_used
    assert prog.run("main", args, backend="compiled").fuel_used == needed
    for fuel in range(0, needed + 2):
        outcomes = []
        for backend in ("compiled", "reference"):
            try:
                result = prog.run("main", args, limits=Limits(fuel=fuel), backend=backend)
                outcomes.append(("value", result.value, result.fuel_used))
            except Fault as fault:
                outcomes.append(("fault", fault.code, fault.span))
        assert outcomes[0] == outcomes[1], (fuel, outcomes)
        assert (outcomes[0][0] == "fault") == (fuel < needed), (fuel, needed, outcomes)


def test_examples_evaluate_in_module_scope_like_the_reference():
    src = ("def sq(x: int) -> int:\n    return x * x\n\nK = [i * i for i in range(4)]\n\n"
           "assert sq(3) == 9\nassert sum(K) == 14\nassert sq(2) == 5\n")
    prog = seglam.compile(src)
    for example in prog.checked.examples:
        for node in (example.test, example.test.left):
            got = prog.eval_expr(node, backend="compiled")
            assert got == prog.eval_expr(node, backend="reference")
    assert [prog.eval_expr(e.test).value for e in prog.checked.examples] == [True, True, False]


@pytest.mark.parametrize("name", ["appends and item stores in loops that may leave early",
                                  "a step merged with the constant charge that starts the body",
                                  "loops and comprehensions charged up front", "small and large joins"])
def test_every_collection_and_string_cap_ends_the_same_way_on_both_backends(name: str):
    """The loops that skip their cap checks when the caps cannot be reached must fault
    where the checking loops do whenever they can."""
    source, args = FUEL_PROGRAMS[name]
    prog = seglam.compile(source)
    for cap in range(0, 40):
        for limits in (Limits(max_collection_len=cap), Limits(max_str_len=cap)):
            outcomes = []
            for backend in ("compiled", "reference"):
                try:
                    result = prog.run("main", args, limits=limits, backend=backend)
                    outcomes.append(("value", result.value, result.fuel_used))
                except Fault as fault:
                    outcomes.append(("fault", fault.code, fault.span))
            assert outcomes[0] == outcomes[1], (limits, outcomes)


def test_the_largest_fuel_budget_runs_on_both_backends_and_a_larger_one_is_refused():
    prog = seglam.compile(FUEL_PROGRAMS["while loops counted by the fuel itself, with break, continue and return"][0])
    results = {b: prog.run("main", (9,), limits=Limits(fuel=2**62), backend=b) for b in ("compiled", "reference")}
    assert results["compiled"] == results["reference"]
    with pytest.raises(ValueError, match="at most 2"):
        Limits(fuel=2**62 + 1)


@pytest.mark.parametrize("call", ["f(**{'x': n, 'h_d': 1})", "f(**{'x': n, 'y': 2})", "f(**{})"])
def test_a_call_fault_names_the_program_s_function_and_parameters_not_the_generated_ones(call: str):
    """Python's words about a bad call named the generated code: ``h_factory.<locals>.u_f()
    got an unexpected keyword argument 'u_h_d'`` (found by a red-team run); both backends
    now say ``f() got an unexpected keyword argument 'h_d'`` (the reference words a missing
    argument its own way: the code and the span agree)."""
    source = f"def f(x: int) -> int:\n    return x\n\ndef main(n: int) -> int:\n    return {call}\n"
    compiled, reference = outcomes(source, "main", (3,), Limits(), messages=True)
    assert compiled[:3] == reference[:3] and compiled[1] == "F-VALUE"
    assert "h_factory" not in compiled[3] and "u_" not in compiled[3] and compiled[3].startswith("f() ")
