"""``seglam run`` measures a result before printing it: a value that holds one object many
times (n objects in memory, 2**n when written out) ends in E-OUTPUT-SIZE at once, not in
hours of output; the measure counts what printing writes, every use of a shared object."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cli.printed import CHARS_PER_ELEMENT, MAX_PRINTED_ELEMENTS, printed_elements

DOUBLING = '''
from dataclasses import dataclass
from typing import Optional

@dataclass(frozen=True)
class T:
    left: Optional["T"]
    right: Optional["T"]

def main(n: int) -> Optional[T]:
    t: Optional[T] = None
    for i in range(n):
        t = T(t, t)
    return t
'''


@dataclasses.dataclass(frozen=True)
class Pair:
    a: object
    b: object


def _expanded(v) -> int:
    """The count written out naively (recursion, no sharing): the rule the measure keeps."""
    if isinstance(v, str):
        return 1 + len(v) // CHARS_PER_ELEMENT
    if isinstance(v, (list, tuple, set, frozenset)):
        return 1 + sum(map(_expanded, v))
    if isinstance(v, dict):
        return 1 + sum(map(_expanded, v.keys())) + sum(map(_expanded, v.values()))
    if isinstance(v, Pair):
        return 1 + _expanded(v.a) + _expanded(v.b)
    return 1


_leaves = st.one_of(st.integers(), st.none(), st.booleans(), st.text(max_size=200), st.floats(allow_nan=False))
_values = st.recursive(_leaves, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.tuples(inner, inner), st.dictionaries(st.text(max_size=3), inner, max_size=3),
    st.builds(Pair, inner, inner), st.frozensets(st.integers(), max_size=3)), max_leaves=30)


@settings(max_examples=200, deadline=None, database=None)
@given(_values, st.integers(min_value=0, max_value=6))
def test_the_measure_is_what_printing_writes_shared_or_not(value, doublings):
    """Each doubling holds the value twice, as a record or a list: the measure counts both
    uses, as the naive count (and repr) does."""
    for i in range(doublings):
        value = Pair(value, value) if i % 2 else [value, value]
    assert printed_elements(value) == _expanded(value)


def test_a_value_that_holds_itself_is_infinite():
    xs: list = [1]
    xs.append(xs)
    assert printed_elements(xs) == float("inf")
    assert printed_elements([xs, 2]) == float("inf")


def _run(tmp_path, *options, n):
    path = tmp_path / "doubling.sgl"
    path.write_text(DOUBLING, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", *options, str(path), f"n={n}"],
                          capture_output=True, text=True, timeout=60)


def test_a_result_of_2_to_the_60_elements_is_refused_at_once(tmp_path):
    out = _run(tmp_path, n=60)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("seglam run: E-OUTPUT-SIZE: the result is too large to print")
    assert f"{MAX_PRINTED_ELEMENTS:,}" in out.stderr and "Traceback" not in out.stderr
    out = _run(tmp_path, "--json", n=60)
    assert out.returncode == 1 and json.loads(out.stdout)["error"]["code"] == "E-OUTPUT-SIZE"


def test_a_shared_result_within_the_limit_prints_in_full(tmp_path):
    out = _run(tmp_path, n=12)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("T(") == 2 ** 12 - 1 and out.stdout.count("None") == 2 ** 12
