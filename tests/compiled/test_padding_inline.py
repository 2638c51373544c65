"""``s.ljust(w)``, ``s.rjust(w, fill)``, ``center``, ``zfill`` compiled inline: the same
values, fuel and faults (string cap on the width, fuel, a bad fill character) as the
reference evaluator, and a loop that lays out text keeps its fuel in a local counter."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes

SOURCE = """def render(rows: list[tuple[str, int]], width: int, fill: str) -> str:
    out = ""
    for name, qty in rows:
        out += name.ljust(width) + str(qty).rjust(width, fill) + "|" + name.center(width, fill) + str(qty).zfill(width) + "\\n"
    return out


def main(n: int, width: int, fill: str) -> int:
    rows = [("item" + str(i), i * 37) for i in range(n)]
    return len(render(rows, width, fill))
"""


@pytest.mark.parametrize("args", [(5, 8, "*"), (3, 0, "."), (4, -3, "-"), (2, 300, "ab"), (3, 2000, " "), (6, 12, "")])
@pytest.mark.parametrize("limits", [Limits(), Limits(fuel=60), Limits(fuel=150), Limits(max_str_len=1000)])
def test_padding_agrees_with_the_reference(args, limits):
    compiled, reference = outcomes(SOURCE, "main", args, limits)
    assert compiled == reference


def test_a_width_past_the_cap_faults_before_any_work():
    got = outcomes(SOURCE, "main", (3, 2000, " "), Limits(max_str_len=1000))[0]
    assert got[:2] == ("fault", "F-STR-SIZE")


def test_the_layout_loop_counts_fuel_locally():
    text = seglam.compile(SOURCE).python_source("render")
    assert ".ljust(" in text and "h_ch(" not in text and "h_f = h_ctx.fuel" in text
