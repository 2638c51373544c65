"""Principle 3: the same program on the same input gives the same result in every process.

CPython randomises ``str`` hashes per process (PYTHONHASHSEED), so anything whose result
depends on the iteration order of a ``set`` of strings (``list(s)``, ``s.pop()``,
``"".join(s)``, a ``for`` loop that stops early) differs between runs unless Seglam fixes
the order. These tests run each program in fresh interpreters with different hash seeds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

SEEDS = ("0", "1", "2", "3")

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
    source, backend = sys.argv[1], sys.argv[2]
    prog = seglam.compile(source, filename="determinism.sgl")
    print(json.dumps(prog.run("main", backend=backend).value))
    """
)


def _seglam_ready() -> bool:
    try:
        import seglam

        seglam.compile("def main() -> int:\n    return 1\n")
    except Exception:  # noqa: BLE001 - not built yet
        return False
    return True


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_same_result_under_every_hash_seed(name: str, backend: str):
    if not _seglam_ready():
        pytest.skip("seglam.compile is not available yet")
    results = {}
    for seed in SEEDS:
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run(
            [sys.executable, "-c", _SCRIPT, PROGRAMS[name], backend],
            capture_output=True, text=True, env=env, timeout=120, check=True,
        )
        results[seed] = json.loads(out.stdout)
    assert len({json.dumps(v) for v in results.values()}) == 1, (
        f"result depends on PYTHONHASHSEED: {results}"
    )
