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

from seglam.cli.printed import MAX_PRINTED_CHARS, _leaf, _overhead, printed_chars

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
    if isinstance(v, (list, tuple, set, frozenset)):
        return _overhead(v, v) + sum(map(_expanded, v))
    if isinstance(v, dict):
        return _overhead(v, [*v, *v.values()]) + sum(map(_expanded, v.keys())) + sum(map(_expanded, v.values()))
    if isinstance(v, Pair):
        return _overhead(v, None) + _expanded(v.a) + _expanded(v.b)
    return _leaf(v)


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
    assert printed_chars(value) == _expanded(value)


def test_a_value_that_holds_itself_is_infinite():
    xs: list = [1]
    xs.append(xs)
    assert printed_chars(xs) == float("inf")
    assert printed_chars([xs, 2]) == float("inf")


def _run(tmp_path, *options, n):
    path = tmp_path / "doubling.sgl"
    path.write_text(DOUBLING, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", *options, str(path), f"n={n}"],
                          capture_output=True, text=True, timeout=60)


def test_a_result_of_2_to_the_60_elements_is_refused_at_once(tmp_path):
    out = _run(tmp_path, n=60)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("seglam run: E-OUTPUT-SIZE: the result is too large to print")
    assert f"{MAX_PRINTED_CHARS:,} characters" in out.stderr and "Traceback" not in out.stderr
    out = _run(tmp_path, "--json", n=60)
    assert out.returncode == 1 and json.loads(out.stdout)["error"]["code"] == "E-OUTPUT-SIZE"


def test_a_shared_result_within_the_limit_prints_in_full(tmp_path):
    out = _run(tmp_path, n=12)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("T(") == 2 ** 12 - 1 and out.stdout.count("None") == 2 ** 12


BIG_INTS = """
def main(n: int) -> list[int]:
    k = 3 ** 41000
    return [k] * n
"""


def test_an_int_counts_by_its_digits_without_being_converted():
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        for k in (0, 9, 10, -10**30, 3**41000, 2**65536 - 1, -(2**65536)):
            assert len(str(k)) <= _leaf(k) <= len(str(k)) + 2
    finally:
        sys.set_int_max_str_digits(before)


def test_a_small_result_of_huge_ints_is_refused_by_its_characters(tmp_path):
    """A thousand uses of one 19,562-digit int are 19.5 MB of text and 16 s of printing after a
    run of 52,759 fuel (found by a red-team run, H-10); the element count let it through."""
    path = tmp_path / "big.sgl"
    path.write_text(BIG_INTS, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", str(path), "1000"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 1 and out.stdout == ""
    assert out.stderr.startswith("seglam run: E-OUTPUT-SIZE: the result is too large to print"), out.stderr
    out = subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", str(path), "3"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and len(out.stdout) > 3 * 19_562, out.stderr
