"""Principle 3: the same program on the same input gives the same result in every process.

CPython randomises ``str`` hashes per process (PYTHONHASHSEED), so anything whose result
depends on the iteration order of a ``set`` of strings (``list(s)``, ``s.pop()``,
``"".join(s)``, a ``for`` loop that stops early) differs between runs unless Seglam fixes
the order. These tests run each program in fresh interpreters with different hash seeds.
"""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
import textwrap

import pytest

SEEDS = ("0", "1", "2")

PROGRAMS = {
    "list of a set of strings": (
        "def main() -> list[str]:\n"
        "    return list(set(['banana', 'apple', 'cherry', 'date', 'elder', 'fig']))\n"
    ),
    "join of a set comprehension": (
        "def main() -> str:\n"
        "    return ''.join({c for c in 'hello world'})\n"
    ),
    "set pop": (
        "def main() -> str:\n"
        "    s = {'banana', 'apple', 'cherry', 'date'}\n"
        "    return s.pop()\n"
    ),
    "first element found in a set": (
        "def main() -> str:\n"
        "    for w in {'kiwi', 'lime', 'plum', 'pear', 'sloe'}:\n"
        "        if len(w) == 4:\n"
        "            return w\n"
        "    return ''\n"
    ),
    "dict and int sets are already deterministic": (
        "def main() -> list[int]:\n"
        "    d = {'b': 1, 'a': 2}\n"
        "    return list(d.values()) + list({30, 10, 20})\n"
    ),
}

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import seglam
    programs = json.loads(sys.stdin.read())
    out = {}
    for name, source in programs.items():
        prog = seglam.compile(source, filename="determinism.sgl")
        for backend in ("compiled", "reference"):
            out[name + "/" + backend] = prog.run("main", backend=backend).value
    print(json.dumps(out))
    """
)


@functools.lru_cache(maxsize=None)
def _all_results() -> dict[str, dict]:
    """Every program on both backends, once per hash seed, each seed in its own fresh
    interpreter (started together)."""
    procs = {}
    for seed in SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        procs[seed] = subprocess.Popen(
            [sys.executable, "-c", _SCRIPT], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env,
        )
    results = {}
    for seed, proc in procs.items():
        out, err = proc.communicate(json.dumps(PROGRAMS), timeout=300)
        assert proc.returncode == 0, err
        results[seed] = json.loads(out)
    return results


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_same_result_under_every_hash_seed(name: str, backend: str):
    results = {seed: got[f"{name}/{backend}"] for seed, got in _all_results().items()}
    assert len({json.dumps(v) for v in results.values()}) == 1, (
        f"result depends on PYTHONHASHSEED: {results}"
    )
