"""``%``-formatting renders its arguments as Seglam's ``str()``/``repr()`` do: a set in the
fixed order (SPEC.md, "Sets iterate in a fixed order"), at any depth, for ``%s``, ``%r``,
``%a`` and the mapping form ``%(k)s``. CPython's own ``%`` prints a set in hash order,
which for strings changes with PYTHONHASHSEED (red-team finding 01): so each program runs in
fresh interpreters under two hash seeds, on both backends, and must print the same text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

#: name -> (source of main, the text it must return)
PROGRAMS = {
    "set argument": (
        'def main() -> str:\n'
        '    return "%s" % ({"pear", "fig", "apple", "kiwi", "plum"},)\n',
        "{'apple', 'fig', 'kiwi', 'pear', 'plum'}",
    ),
    "repr and ascii of nested sets": (
        'def main() -> str:\n'
        '    return "%r|%a" % (({"\u00e9", "b", "z"}, 1), [{"x", "a", "m"}])\n',
        "({'b', 'z', '\u00e9'}, 1)|[{'a', 'm', 'x'}]",
    ),
    "a dict argument holding a set": (
        'def main() -> str:\n'
        '    return "%s" % {"k": {"zz", "yy", "xx", "ww"}}\n',
        "{'k': {'ww', 'xx', 'yy', 'zz'}}",
    ),
    "a set alone, not in a tuple": (
        'def main() -> str:\n'
        '    return "<%r>" % {"pear", "fig", "apple", "kiwi"}\n',
        "<{'apple', 'fig', 'kiwi', 'pear'}>",
    ),
    "a list alone keeps its repr under %r": (
        'def main() -> str:\n'
        '    return "%r" % ["a", "b"]\n',
        "['a', 'b']",
    ),
    "a record holding a set": (
        'from dataclasses import dataclass\n\n\n'
        '@dataclass(frozen=True)\n'
        'class Tagged:\n'
        '    tags: set[str]\n\n\n'
        'def main() -> str:\n'
        '    return "%s" % (Tagged({"pear", "fig", "apple", "kiwi"}),)\n',
        "Tagged(tags={'apple', 'fig', 'kiwi', 'pear'})",
    ),
}

_SCRIPT = textwrap.dedent(
    """
    import json, sys
    import seglam
    from seglam.run.context import RunContext
    from seglam.run.stdlib_text import percent_format
    programs = json.loads(sys.stdin.read())
    out = {}
    for name, (source, _) in programs.items():
        prog = seglam.compile(source, filename="percent.sgl")
        for backend in ("compiled", "reference"):
            out[name + "/" + backend] = prog.run("main", backend=backend).value
    # the mapping form, which the checker refuses in a literal format (E-TYPE) but the
    # shared implementation serves as CPython does
    words = {"pear", "fig", "apple", "kiwi", "plum"}
    out["mapping form"] = percent_format(RunContext(), "%(k)s %(k)r %(k)a", {"k": words})
    print(json.dumps(out))
    """
)

SEEDS = ("0", "1")


def _results_under(seed: str) -> dict:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    proc = subprocess.run(
        [sys.executable, "-c", _SCRIPT], input=json.dumps(PROGRAMS), capture_output=True,
        text=True, env=env, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def results() -> dict:
    return {seed: _results_under(seed) for seed in SEEDS}


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("name", list(PROGRAMS))
def test_percent_prints_as_str_and_repr_do(results: dict, name: str, backend: str):
    expected = PROGRAMS[name][1]
    for seed in SEEDS:
        assert results[seed][f"{name}/{backend}"] == expected, f"PYTHONHASHSEED={seed}"


def test_mapping_form_prints_sets_in_order(results: dict):
    ordered = "{'apple', 'fig', 'kiwi', 'pear', 'plum'}"
    expected = f"{ordered} {ordered} {ordered}"
    for seed in SEEDS:
        assert results[seed]["mapping form"] == expected, f"PYTHONHASHSEED={seed}"
