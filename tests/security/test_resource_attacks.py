"""Resource attacks end with a deterministic limit fault, at the same step count every run
and on both backends — never a hang, never an out-of-memory crash."""

import pytest

import seglam

ATTACKS = {
    "string doubling": ("def main() -> int:\n    s = 'ab'\n    while True:\n        s = s + s\n    return len(s)\n", "F-STR-SIZE"),
    "string repeat": ("def main() -> int:\n    return len('a' * 10 ** 12)\n", "F-STR-SIZE"),
    "tower of powers": ("def main() -> int:\n    return 10 ** 10 ** 10\n", "F-INT-SIZE"),
    "repeated squaring": ("def main() -> int:\n    x = 3\n    for _ in range(100):\n        x = x * x\n    return x\n", "F-INT-SIZE"),
    "shift bomb": ("def main() -> int:\n    return 1 << 10 ** 9\n", "F-INT-SIZE"),
    "huge range list": ("def main() -> int:\n    return len(list(range(10 ** 9)))\n", "F-COLLECTION-SIZE"),
    "list repeat": ("def main() -> int:\n    return len([0] * 10 ** 9)\n", "F-COLLECTION-SIZE"),
    "append forever": ("def main() -> int:\n    xs = []\n    while True:\n        xs.append(1)\n    return 0\n", None),
    "sum of huge range": ("def main() -> int:\n    return sum(range(10 ** 12))\n", "F-FUEL"),
    "busy loop": ("def main() -> int:\n    n = 0\n    while True:\n        n += 1\n    return n\n", "F-FUEL"),
    "deep recursion": ("def f(n: int) -> int:\n    return f(n + 1)\n\ndef main() -> int:\n    return f(0)\n", "F-DEPTH"),
    "mutual recursion": ("def f(n: int) -> int:\n    return g(n)\n\ndef g(n: int) -> int:\n    return f(n)\n\ndef main() -> int:\n    return f(0)\n", "F-DEPTH"),
    "exponential regex": ("import re\n\ndef main() -> bool:\n    return re.fullmatch('(a+)+$', 'a' * 5000 + 'b') is not None\n", None),
    "nested comprehension": ("def main() -> int:\n    return len([(a, b, c) for a in range(1000) for b in range(1000) for c in range(1000)])\n", None),
    "join explosion": ("def main() -> int:\n    s = 'x' * 1000\n    t = s\n    for _ in range(40):\n        t = t.join([t, t])\n    return len(t)\n", "F-STR-SIZE"),
    "replace explosion": ("def main() -> int:\n    s = 'aa'\n    for _ in range(60):\n        s = s.replace('a', 'aa')\n    return len(s)\n", "F-STR-SIZE"),
    "squaring a float-typed int": ("def main() -> int:\n    x: float = 3\n    for _ in range(100):\n        x = x * x\n    return 0\n", "F-INT-SIZE"),
    "key by repeated reference": ("from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass N:\n    a: 'N | None'\n    b: 'N | None'\n\n"
                                  "def main() -> int:\n    t = N(None, None)\n    for _ in range(60):\n        t = N(t, t)\n"
                                  "    return len({t})\n", "F-FUEL"),
    "comparing long strings forever": ("def main() -> int:\n    s = 'a' * 1000000\n    t = 'a' * 1000000\n    n = 0\n"
                                       "    while s == t:\n        n += 1\n    return n\n", "F-FUEL"),
    "colliding tuple keys": ("def main() -> int:\n    p = 2 ** 61 - 1\n    s: set[tuple[int, int]] = set()\n    k = 0\n"
                             "    while True:\n        s.add((k * p, 0))\n        k += 1\n    return 0\n", "F-FUEL"),
    "permutations of many": ("from itertools import permutations\n\ndef main() -> int:\n    return len(list(permutations(range(20))))\n", None),
}

LIMITS = dict(fuel=2_000_000)
# A run that ends in a fault must do so for one of these reasons (None in ATTACKS: any of them).
LIMIT_CODES = {"F-FUEL", "F-DEPTH", "F-INT-SIZE", "F-STR-SIZE", "F-COLLECTION-SIZE"}


@pytest.mark.parametrize("name", sorted(ATTACKS))
@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_attack_ends_in_a_deterministic_limit_fault(name, backend):
    source, expected = ATTACKS[name]
    program = seglam.compile(source, filename="attack.sgl")
    outcomes = []
    for _ in range(2):
        try:
            result = program.run("main", limits=seglam.Limits(**LIMITS), backend=backend)
            outcomes.append(("value", result.value, result.fuel_used))
        except seglam.Fault as fault:
            outcomes.append(("fault", fault.code, str(fault)))
    assert outcomes[0] == outcomes[1], "not deterministic"
    if name == "exponential regex":  # RE2 is linear: it simply answers
        assert outcomes[0][:2] == ("value", False)
    elif expected is not None:
        assert outcomes[0][:2] == ("fault", expected), outcomes[0]
    else:
        assert outcomes[0][0] == "fault" and outcomes[0][1] in LIMIT_CODES, outcomes[0]


def test_fuel_count_is_the_same_on_both_backends():
    source = "def main(n: int) -> int:\n    total = 0\n    for i in range(n):\n        total += sum(j for j in range(i))\n    return total\n"
    program = seglam.compile(source)
    used = {b: program.run("main", (50,), backend=b).fuel_used for b in ("compiled", "reference")}
    assert used["compiled"] == used["reference"] > 50
