"""``s.strip(chars)``, ``lstrip``, ``rstrip`` (found by a red-team run, H-07): CPython looks
each character of ``s`` it strips up in ``chars`` with a linear scan, so the call is charged
``len(s) * len(chars) // STRIP_COMPARES`` beyond the linear charge for ``s``, before the work
(SPEC.md §10), by the stdlib and by the compiled backend's inline form alike."""

from __future__ import annotations

import pytest

from seglam.run.limits import Limits

from tests.compiled.agree import disagreements_at_every_depth_and_budget, outcomes


@pytest.mark.parametrize("method", ["strip", "lstrip", "rstrip"])
@pytest.mark.parametrize("receiver", ["s", "s[1:]"])
def test_strip_is_charged_for_the_characters_it_looks_up(method, receiver):
    source = f"def main(s: str, c: str) -> int:\n    return len({receiver}.{method}(c))\n"
    chars = "b" * 2999 + "a"
    got = outcomes(source, "main", ("a" * 10_000, chars), Limits())
    assert got[0] == got[1] and got[0][0] == "value"
    assert got[0][2] >= 9_999 * 3_000 // 256


def test_a_long_strip_runs_out_of_fuel_before_the_work():
    source = ("def main(s: str, c: str) -> int:\n    n = 0\n    for i in range(100):\n"
              "        n += len(s.strip(c))\n    return n\n")
    got = outcomes(source, "main", ("a" * 1000, "b" * 999_999 + "a"), Limits(fuel=200_000))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL")


def test_the_backends_agree_at_every_budget():
    source = ("def main(s: str, c: str) -> str:\n"
              "    t = s.strip(c) + s.lstrip() + s[2:].rstrip(c)\n    return t.strip(c + t)\n")
    assert outcomes(source, "main", ("ab" * 300, "cdb" * 200), Limits())[0][2] >= 600 * 600 // 256
    assert disagreements_at_every_depth_and_budget(source, ("ab" * 300, "cdb" * 200), range(5, 6)) == []
