"""Disagreements between the two Seglam backends found while working on issue 19, kept as
regression tests: the same value and the same fuel on both."""

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
}


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("n", [0, 3, 9, 17, 41])
def test_same_value_and_fuel(name, n):
    program = seglam.compile(CASES[name], filename=f"{name}.sgl")
    compiled = program.run("main", (n,), backend="compiled")
    reference = program.run("main", (n,), backend="reference")
    assert (compiled.value, compiled.fuel_used) == (reference.value, reference.fuel_used)
