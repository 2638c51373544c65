"""Values that share structure end within their fuel (SPEC.md section 10: every run ends
within its budget, deterministically, on both backends).

A record whose tuple field holds the same sub-record twice, built ``n`` times, is ``n``
objects but a tree of ``2**n`` nodes. Red-team findings 05 and 06: sorting two such values,
ordering a set holding them, freezing one as an argument and friends walked the whole tree
while charging a few dozen fuel (16 s at n=26; 52 s and 1.2 GB at n=20). Each shape below
runs at n=20 (where the runs fit the default fuel: the charge must keep pace with the
work) and at n=40 (where any such walk never ends), on both backends, in one subprocess
that reports each run as it finishes: a regression times out and names the shape it hung
on instead of hanging the suite. Both backends must give the same outcome and fuel."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_shared_structure")

RECORD = '''from dataclasses import dataclass
from itertools import groupby


@dataclass(frozen=True, order=True)
class N:
    v: int
    kids: "tuple[N, ...]"


def build(n: int) -> N:
    x = N(0, ())
    for i in range(n):
        x = N(0, (x, x))
    return x


def take(x: N) -> int:
    return x.v


def main(n: int) -> int:
    x = build(n)
    y = build(n)
    '''

#: name -> (prelude, body of main after building x and y)
SHAPES = {
    "sorted": (RECORD, "return len(sorted([x, y]))"),
    "sorted of 34 items": (RECORD, "return len(sorted([x, y] * 17))"),
    "list.sort": (RECORD, "xs = [x, y]\n    xs.sort()\n    return len(xs)"),
    "sorted by key": (RECORD, "return len(sorted([x, y], key=lambda r: r))"),
    "sort by key": (RECORD, "xs = [y, x]\n    xs.sort(key=lambda r: r, reverse=True)\n    return len(xs)"),
    "min": (RECORD, "return min([x, y]).v"),
    "max of two": (RECORD, "return max(x, y).v"),
    "max by key": (RECORD, "return max([x, y], key=lambda r: r).v"),
    "==": (RECORD, "return int(x == y)"),
    "<": (RECORD, "return int(x < y)"),
    "set iteration": (RECORD, "return len([p for p in {(0, x), (1, y)}])"),
    "set of equal-prefix pairs": (RECORD, "return len(list({(x, 0), (y, 1)}))"),
    "sorted set": (RECORD, "return len(sorted({(0, x), (1, y)}))"),
    "set pop": (RECORD, "s = {(x, 0), (y, 1)}\n    return s.pop()[1]"),
    "str": (RECORD, "return len(str(x))"),
    "f-string of a set": (RECORD, 'return len(f"{ {(x, 0), (y, 1)} }")'),
    "passing to a function": (RECORD, "return take(x) + take(y)"),
    "dict key": (RECORD, "d = {x: 1}\n    return d[y]"),
    "groupby by key": (RECORD, "return len([k for k, g in groupby([x, y], key=lambda r: r)])"),
    "groupby": (RECORD, "return len([k for k, g in groupby([x, y])])"),
    "in a list": (RECORD, "return int(x in [y])"),
}

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import seglam
    from seglam.run.faults import Fault
    shapes, sizes = json.loads(sys.stdin.read())
    for n in sizes:
        for name, (prelude, body) in shapes.items():
            prog = seglam.compile(prelude + body + "\\n", filename="shared.sgl")
            out = []
            for backend in ("compiled", "reference"):
                try:
                    result = prog.run("main", (n,), backend=backend)
                    out.append(["value", result.value, result.fuel_used])
                except Fault as fault:
                    out.append(["fault", fault.code])
            print(json.dumps([name, n, out]), flush=True)
    """
)

#: Enough for every run on a loaded machine (about 15 s on a quiet one); before the fix the
#: set shapes took about 50 s each at n=20, and an exponential walk at n=40 never ends.
TIMEOUT = 120
SIZES = (20, 40)


@pytest.fixture(scope="module")
def outcomes() -> dict:
    proc = subprocess.Popen(
        [sys.executable, "-c", _SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
    try:
        out, err = proc.communicate(json.dumps([SHAPES, SIZES]), timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
    return {(name, n): got for name, n, got in map(json.loads, out.splitlines())}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("name", list(SHAPES))
def test_shared_structure_ends_alike_on_both_backends(outcomes: dict, name: str, n: int):
    assert (name, n) in outcomes, f"{name!r} at n={n} did not finish within {TIMEOUT} s (or an earlier run hung)"
    compiled, reference = outcomes[name, n]
    assert compiled == reference
    if n == 40:  # 2**40 nodes: nothing may walk them
        assert compiled[0] == "fault" or compiled[2] < 1000, compiled


_RETURNED = textwrap.dedent(
    """
    import json, sys
    import seglam
    source = sys.stdin.read().replace("def main(n: int) -> int:", "def main(n: int) -> N:")
    prog = seglam.compile(source + "return x\\n", filename="shared.sgl")
    out = []
    for backend in ("compiled", "reference"):
        result = prog.run("main", (40,), backend=backend)
        out.append([result.value.v, result.value.kids[0] is result.value.kids[1], result.fuel_used])
    print(json.dumps(out))
    """
)


def test_a_returned_value_is_handed_back_sharing_its_parts():
    """Thawing the result for the host visits each object once (it walked every path)."""
    proc = subprocess.run(
        [sys.executable, "-c", _RETURNED], input=RECORD, capture_output=True, text=True, timeout=TIMEOUT,
    )
    assert proc.returncode == 0, proc.stderr
    compiled, reference = json.loads(proc.stdout)
    assert compiled == reference and compiled[:2] == [0, True]
