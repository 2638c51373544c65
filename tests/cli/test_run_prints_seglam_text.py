"""``seglam run`` prints a result as Seglam prints it (SPEC section 9), the same text on every
run: a set in its fixed order, at any depth, whatever PYTHONHASHSEED is, and a Counter as a
Counter, most common first. It printed the host's repr: a set in hash order (a different
line on each run) and a Counter as a plain dict. Found by a red-team run (RT-03)."""

from __future__ import annotations

import collections
import os
import subprocess
import sys

import seglam

SOURCE = '''
from collections import Counter


def sets() -> tuple[set[str], dict[str, set[str]], list[set[int]]]:
    return ({"pear", "fig", "apple", "kiwi"}, {"k": {"plum", "date", "lime"}}, [{30, 2, 100, -1}])


def counts() -> Counter[str]:
    return Counter("abbcccdddd")
'''


def _run(tmp_path, function: str, seed: str) -> str:
    path = tmp_path / "prints.sgl"
    path.write_text(SOURCE, encoding="utf-8")
    env = dict(os.environ, PYTHONHASHSEED=seed)
    out = subprocess.run([sys.executable, "-m", "seglam.cli.main", "run", str(path), "--call", function],
                         capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_sets_print_in_their_fixed_order_whatever_the_hash_seed(tmp_path):
    texts = {_run(tmp_path, "sets", seed) for seed in ("0", "1", "2", "3", "4")}
    assert texts == {"({'apple', 'fig', 'kiwi', 'pear'}, {'k': {'date', 'lime', 'plum'}}, [{-1, 2, 30, 100}])\n"}


def test_a_counter_prints_as_a_counter_most_common_first(tmp_path):
    assert _run(tmp_path, "counts", "0") == "Counter({'d': 4, 'c': 3, 'b': 2, 'a': 1})\n"


def test_the_host_gets_a_counter_back_as_a_counter():
    value = seglam.compile(SOURCE).call("counts")
    assert type(value) is collections.Counter and value == {"a": 1, "b": 2, "c": 3, "d": 4}
