"""A fast, seeded subset of the BBH stream through the real engine and the recorded compiler.

Guards the benchmark's safety properties in CI: no wrong answer is ever served from the
cache, the negative controls are never served by a program, each development family is
compiled once, and every later request of a family is a hit. Admission runs the real
checker, the verifier's example checks and a small Hypothesis run (admission needs evidence for
obligations left unknown); Z3 is off to keep this fast (it does not decide hits: patterns, preconditions and the gate do). ``bench/workload.py`` runs the
full verifier.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import pytest

from tests.bench_scripts import load_bench
from tests.data import BBH as DATA

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_workload_fast")


#: Development families the cache cannot admit (none since boolean_expressions got its
#: closed-vocabulary pattern, "{expression: tokens(True False not and or ( ))} is").
KNOWN_GAPS: frozenset[str] = frozenset()


W = load_bench("workload.py")


def _subset(seed: int = 11, per_task: int = 10, controls: int = 5, dates: int = 3):
    from seglam.engine.recorded import load_tasks

    tasks = load_tasks(DATA)
    rng = random.Random(seed)
    pool = []
    for name in W.DEV_TASKS:
        pool += rng.sample(tasks[name], per_task)
    for name in W.CONTROLS:
        pool += rng.sample(tasks[name], controls)
    pool += rng.sample(tasks[W.DATE_TASK], dates)
    rng.shuffle(pool)
    return [W.Item(i, inst.task, inst.text, inst.target) for i, inst in enumerate(pool)]


@pytest.fixture(scope="module")
def outcomes():
    from seglam.cache.cache import Cache
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.engine.config import CompilerConfig
    from seglam.engine.engine import Engine
    from seglam.engine.recorded import RecordedCompiler, load_recording

    import tempfile

    stream = _subset()
    with RecordedCompiler(load_recording(DATA)) as server, tempfile.TemporaryDirectory() as tmp:
        cfg = CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="k", backoff=0.0, max_retries=1,
                             timeout=60.0, route=True, direct_fallback=True)
        cache = Cache(Path(tmp) / "cache", toolchain=SeglamToolchain({"z3": False, "max_examples": 10}))
        engine = Engine(cache=cache, compiler=cfg)
        try:
            system = W.SeglamSystem(engine)
            yield [(item, system.solve(item)) for item in stream]
        finally:
            engine.close()
            cache.close()


def test_no_wrong_answer_is_served_from_the_cache(outcomes):
    """Every answer a program computed equals the dataset's target. (Answers the recorded model
    gave directly are its recording of the target: they say nothing about SEGLAM.)"""
    programs = [(i, o) for i, o in outcomes if o.tier in W.PROGRAM_TIERS]
    assert len(programs) >= len(outcomes) // 2
    assert [(i.task, i.text[:60]) for i, o in outcomes if o.cached and not o.correct] == []
    assert [(i.task, o.tier) for i, o in programs if not o.correct] == []
    assert all(o.tier in ("uncached", "unsolved") and o.entry is None for _, o in outcomes if o.tier not in W.PROGRAM_TIERS)


def test_no_false_hits_each_cached_program_serves_one_task(outcomes):
    """A program admitted for one task never answers a request of another."""
    tasks_by_entry: dict[str, set[str]] = {}
    for item, out in outcomes:
        if out.tier in W.PROGRAM_TIERS:
            assert out.entry is not None, (item.task, out.tier)
            tasks_by_entry.setdefault(out.entry, set()).add(item.task)
    assert tasks_by_entry and all(len(tasks) == 1 for tasks in tasks_by_entry.values()), tasks_by_entry


def test_negative_controls_are_never_served_by_a_program(outcomes):
    controls = [o for i, o in outcomes if i.task in W.CONTROLS]
    assert controls and all(o.tier in ("uncached", "unsolved") for o in controls)
    assert all(o.entry is None for o in controls)


def test_each_development_family_compiles_once_and_then_always_hits(outcomes):
    compiled = Counter(i.task for i, o in outcomes if o.tier == "compiled" and i.group == "dev")
    expected = set(W.DEV_TASKS) - KNOWN_GAPS
    assert dict(compiled) == {t: 1 for t in expected}
    seen: Counter[str] = Counter()
    for item, out in outcomes:
        if item.task not in expected:
            continue
        seen[item.task] += 1
        assert (out.tier == "compiled") == (seen[item.task] == 1), (item.task, seen[item.task], out.tier)
        if seen[item.task] > 1:  # a hit; its only calls are trust checks (probation, novel inputs)
            assert out.tier == "hit" and out.calls == dict(out.purposes).get("shadow", 0), (item.task, out.purposes)


def test_model_calls_are_one_per_family_plus_the_misses(outcomes):
    dev = [o for i, o in outcomes if i.group == "dev" and i.task not in KNOWN_GAPS]
    assert sum(dict(o.purposes).get("compile", 0) for o in dev) == len(set(W.DEV_TASKS) - KNOWN_GAPS)
    assert sum(dict(o.purposes).get("repair", 0) for o in dev) == 0


def test_date_understanding_is_never_wrong(outcomes):
    dates = [o for i, o in outcomes if i.task == W.DATE_TASK and o.tier in W.PROGRAM_TIERS]
    assert dates and all(o.correct for o in dates)
