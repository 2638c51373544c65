"""The BIG-Bench Hard family programs, checked and run by Seglam itself.

`test_families_cpython.py` runs the programs under CPython (the oracle). This module does the
same through the language implementation: every `.sgl` family must pass the checker, and the
compiled backend (and, on the samples, the reference backend) must give the target on every
instance of the family's task and refuse (F-REQUIRES) foreign text bound into its holes.
The data is the repository's copy of the BBH task files, `tests/data/bbh`.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

import seglam
from seglam.cache import admit
from tests.families import test_families_cpython as harness

FAMILIES = Path(__file__).resolve().parents[2] / "stdlib" / "families"

TASKS = harness.TASKS


@lru_cache(maxsize=None)
def program(task: str) -> Any:
    return seglam.load(FAMILIES / f"{task}.sgl")


def meta(task: str) -> dict[str, Any]:
    return json.loads((FAMILIES / f"{task}.json").read_text())


@pytest.mark.parametrize("task", TASKS)
def test_family_checks(task: str) -> None:
    prog = program(task)
    entry = meta(task)["entry"]
    assert entry in prog.functions


@pytest.mark.parametrize("task", TASKS)
def test_family_answers_every_instance(task: str) -> None:
    prog = program(task)
    m = meta(task)
    instances = harness._own_instances(task)
    wrong = []
    for e in instances:
        bindings = harness.match_patterns(m["patterns"], e["input"])
        assert bindings is not None
        try:
            got = prog.call(m["entry"], **bindings)
        except seglam.Fault as fault:
            got = f"fault {fault.code}: {fault}"
            if fault.code == "F-REQUIRES" and harness.partial(task):
                continue  # a partial family declines what it cannot read
        if got != e["target"]:
            wrong.append((e["input"], e["target"], got))
    print(f"{task}: seglam (compiled) {len(instances) - len(wrong)}/{len(instances)} correct")
    assert not wrong, f"{len(wrong)} wrong, e.g. {wrong[:3]}"


@pytest.mark.parametrize("task", TASKS)
def test_family_samples_on_reference_backend(task: str) -> None:
    prog = program(task)
    m = meta(task)
    targets = {e["input"]: e["target"] for e in harness.examples(task.split("__")[0])}
    for sample in m["samples"]:
        bindings = harness.match_patterns(m["patterns"], sample)
        result = prog.run(m["entry"], kwargs=bindings, backend="reference")
        assert result.value == targets[sample]


@pytest.mark.parametrize("task", TASKS)
def test_family_refuses_foreign_text(task: str) -> None:
    prog = program(task)
    m = meta(task)
    own = task.split("__")[0]
    base = harness.match_patterns(m["patterns"], m["samples"][0])
    str_holes = [n for n, k in harness.compile_pattern(m["patterns"][0])[1].items() if k == "str"]
    refused, served = 0, []
    for other in harness._data_tasks():
        if other == own:
            continue
        for e in harness.examples(other)[:25]:
            for hole in str_holes:
                try:
                    value = prog.call(m["entry"], **{**base, hole: e["input"]})
                except seglam.Fault as fault:
                    assert fault.code == "F-REQUIRES", (other, hole, fault.code, str(fault))
                    refused += 1
                    continue
                served.append((other, hole, value))
    print(f"{task}: seglam refused foreign text {refused} times")
    assert not served, served[:3]


# `seglam verify` takes 10-20 s per family; it runs on every family.
VERIFY_TASKS = TASKS


@pytest.mark.parametrize("task", VERIFY_TASKS)
def test_family_verifies(task: str) -> None:
    """`seglam verify` finds nothing wrong: examples hold, no function faults under its
    precondition on generated inputs, properties hold (unknown Z3 verdicts are allowed)."""
    report = seglam.verify(program(task), max_examples=50)
    assert report.ok, report.render()


@pytest.mark.parametrize("task", TASKS)
def test_patterns_admissible(task: str) -> None:
    """The cache's admission rules for patterns: enough literal text, and no clash with any
    other family here (in either direction). Every family passes them, boolean_expressions too:
    its closed-vocabulary `tokens(...)` hole is what makes an all-formula pattern admissible."""
    metas = {t: meta(t) for t in TASKS}
    others = [admit.FamilyView(t, tuple(m["patterns"]), tuple(m["samples"])) for t, m in metas.items() if t != task]
    reasons = []
    for pattern in metas[task]["patterns"]:
        reasons += admit.check_pattern_admissible(pattern, metas[task]["samples"], others)
    assert not reasons, reasons
