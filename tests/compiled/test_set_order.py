"""The compiled backend orders set iteration only where the static type may be a set."""

from __future__ import annotations

import ast as py

import seglam


def _code(source: str) -> str:
    prog = seglam.compile(source, filename="order.sgl")
    return py.unparse(prog._backend("compiled").source_tree)


def test_list_str_dict_range_loops_stay_native():
    code = _code(
        "def main(xs: list[int], s: str, d: dict[str, int]) -> int:\n"
        "    t = 0\n"
        "    for x in xs:\n"
        "        t += x\n"
        "    for c in s:\n"
        "        t += len(c)\n"
        "    for k in d:\n"
        "        t += len(k)\n"
        "    for i in range(3):\n"
        "        t += i\n"
        "    return t + sum([x for x in xs]) + len({k for k in d})\n"
    )
    assert "iterate" not in code


def test_set_loops_and_comprehensions_are_ordered():
    code = _code(
        "def main(s: set[str]) -> list[str]:\n"
        "    out = [w for w in s]\n"
        "    for w in s:\n"
        "        out.append(w)\n"
        "    return out\n"
    )
    assert code.count("iterate") >= 2


def test_both_backends_agree_on_order_and_fuel():
    prog = seglam.compile(
        "def main(s: set[str]) -> list[str]:\n"
        "    out = [w + '!' for w in s if w != 'b']\n"
        "    for w in s:\n"
        "        if len(w) == 1:\n"
        "            out.append(w)\n"
        "            break\n"
        "    return out\n",
        filename="order.sgl",
    )
    words = {"d", "b", "a", "c", "ee"}
    got = {b: prog.run("main", (words,), backend=b) for b in ("compiled", "reference")}
    assert got["compiled"].value == got["reference"].value == ["a!", "c!", "d!", "ee!", "a"]
    assert got["compiled"].fuel_used == got["reference"].fuel_used
