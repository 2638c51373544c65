"""Disagreements between the two Seglam backends found while working on issue 19, and the
native paths it added, kept as regression tests: the same value and the same fuel on both."""

from __future__ import annotations

import pytest

import seglam

CASES = {
    # zip(*rows) over more than BULK_UNIT rows charges each tuple by its width (stdlib.b_zip);
    # the compiled backend called zip itself for a starred argument and charged nothing
    "zip_star_rows": "def main(n: int) -> int:\n    a = [[j for j in range(n)] for i in range(n)]\n"
                     "    return len([list(col) for col in zip(*a)])\n",
    "zip_star_tuple": "def main(n: int) -> int:\n    a = [(j, j + 1) for j in range(n)]\n"
                      "    return sum(len(col) for col in zip(*a))\n",
    # an f-string field of static type float may hold an int: a large one is charged as the
    # stdlib's format_value charges it (the compiled backend charged only int-typed fields),
    # and so is one with a format spec
    "fstring_float_holding_int": "def f(x: float) -> str:\n    return f\"{x}\"\n\n"
                                 "def main(n: int) -> int:\n    return len(f(1 << (n * 50)))\n",
    "fstring_int_with_spec": "def main(n: int) -> int:\n    return len(f\"{1 << (n * 50):>12d}\")\n",
    # str() of an int, float or bool, native with the same charge and cap
    "str_of_numbers": "def g(x: float) -> str:\n    return str(x)\n\n"
                      "def main(n: int) -> int:\n    return len(str(1 << (n * 50)) + str(n > 2) + str(n / 3) + g(1 << (n * 40)))\n",
    # tuple keys of ints: tested inline, charged past the inline bound as key_cost charges
    "tuple_keys": "def main(n: int) -> int:\n    seen: dict[tuple[int, int], int] = {}\n    for i in range(n):\n"
                  "        k = (i % 3, (i * 7) << (i % 90))\n        seen[k] = seen.get(k, 0) + 1\n"
                  "    s = {(a, a << 65, -a) for a in range(n)}\n    return len(seen) + sum(seen.values()) + len(s)"
                  " + ((1, 2) in seen)\n",
    # a collection argument passed on already frozen skips freeze_arg (recursion)
    "frozen_passed_on": "def walk(t: dict[int, list[int]], k: int, seen: set[int]) -> int:\n"
                        "    if k in seen or k not in t:\n        return 0\n"
                        "    return 1 + sum(walk(t, c, seen | {k}) for c in t[k])\n\n"
                        "def main(n: int) -> int:\n    t = {i: [i + 1, i + 2] for i in range(n % 12)}\n"
                        "    return walk(t, 0, set())\n",
    # native max/min of scalars, dict.get with a display default (issue 19's speed work)
    "max_of_scalars": "def main(n: int) -> int:\n    best = -1\n    for i in range(n):\n"
                      "        best = max(best, (i * 7) % 11, 2 ** (i % 70))\n    return best + min(n, 3)\n",
    "max_mixed_float": "def main(n: int) -> float:\n    return max(n, 2.5) + min(n * 1.0, n // 2)\n",
    "get_display_default": "def main(n: int) -> int:\n    d: dict[int, list[int]] = {}\n"
                           "    for i in range(n):\n        d.setdefault(i % 4, []).append(i * (1 << (i % 80)))\n"
                           "    return sum(len(d.get(k, [])) for k in range(-2, 6 + n)) + len(d.get(n << 70, [1, 2]))\n",
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("n", [0, 3, 9, 17, 41])
def test_same_value_and_fuel(name, n):
    program = seglam.compile(CASES[name], filename=f"{name}.sgl")
    compiled = program.run("main", (n,), backend="compiled")
    reference = program.run("main", (n,), backend="reference")
    assert (compiled.value, compiled.fuel_used) == (reference.value, reference.fuel_used)


@pytest.mark.parametrize("cap", [1, 4, 30])
def test_str_of_numbers_under_a_small_string_cap(cap):
    from seglam.run.faults import Fault
    from seglam.run.limits import Limits

    program = seglam.compile(CASES["str_of_numbers"], filename="str_of_numbers.sgl")
    outcomes = []
    for backend in ("compiled", "reference"):
        try:
            result = program.run("main", (3,), backend=backend, limits=Limits(max_str_len=cap))
            outcomes.append(("value", result.value, result.fuel_used))
        except Fault as fault:
            outcomes.append(("fault", fault.code, fault.span))
    assert outcomes[0] == outcomes[1]
