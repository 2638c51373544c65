"""Routing absorbs new wordings of a known kind: through the real engine, the recorded model
(``seglam.engine.recorded``) and the one date_understanding family.

A request in a new wording of the date frame misses every pattern; the engine offers the
nearest families, the recorded model names the date family by the request's kind and writes a
pattern for the wording; the engine checks it (it binds the request, fits the signature, the
gate accepts) and learns it, so the next request of that wording is a plain hit. No new family
is compiled for a wording, and no program answers wrongly. ``bench/bench_routing.py``
measures the same on whole tasks.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bench_scripts import load_bench
from tests.data import BBH as DATA

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_routing")

TASK = "date_understanding"


B = load_bench("bench_routing.py")


@pytest.fixture(scope="module")
def run():
    """(requests with their wording and whether the model knows their kind, answers, engine)."""
    from seglam.cache.cache import Cache
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.engine.config import CompilerConfig
    from seglam.engine.engine import Engine
    from seglam.engine.recorded import RecordedCompiler, load_recording, reworded

    import tempfile

    base = load_recording(DATA)
    readable = [i for i in base.instances.values() if i.task == TASK and base.family_of.get(i.text)]
    unreadable = next(i for i in base.instances.values() if i.task == TASK and not base.family_of.get(i.text))
    new_1, new_2 = B.REWORDINGS[TASK][0], B.REWORDINGS[TASK][1]
    plan = [(readable[0].text, 0)]
    plan += [(B.reword(readable[k].text, new_1), 1) for k in (1, 2)]
    plan += [(B.reword(readable[k].text, new_2), 2) for k in (3, 4)]
    plan += [(B.reword(unreadable.text, new_1), 1)]
    pairs = {B.reword(i.text, w): i.text for i, w in [(readable[1], new_1), (readable[2], new_1),
                                                     (readable[3], new_2), (readable[4], new_2), (unreadable, new_1)]}
    recording = reworded(base, pairs)
    with RecordedCompiler(recording) as server, tempfile.TemporaryDirectory() as tmp:
        cfg = CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="k", backoff=0.0, max_retries=1,
                             timeout=60.0, route=True, direct_fallback=True,
                             probation=0, novelty=False, widen=0)  # routing alone: no trust calls
        cache = Cache(Path(tmp) / "cache", toolchain=SeglamToolchain({"z3": False, "max_examples": 10}))
        engine = Engine(cache=cache, compiler=cfg)
        try:
            answers = [engine.solve(text) for text, _ in plan]
            families = cache.list("active")
            yield plan, answers, families, [recording.instance(t).target for t, _ in plan], server.counts()
        finally:
            engine.close()
            cache.close()


def test_the_first_request_compiles_the_one_family(run):
    plan, answers, families, targets, _ = run
    assert answers[0].tier == "compiled" and str(answers[0].value) == targets[0]
    assert len(families) == 1  # no family per wording


def test_each_new_wording_is_routed_once_then_hits(run):
    plan, answers, families, targets, calls = run
    tiers = [a.tier for a in answers[1:5]]
    assert tiers == ["routed", "hit", "routed", "hit"], tiers
    learned = [r for a in answers[1:5] for r in a.trace.reasons if r.startswith("learned pattern ")]
    assert len(learned) == 2 and "Which date is" in learned[0] and "Choices:" in learned[1]
    assert len(families[0].patterns) == 3  # its own pattern and the two it learned
    assert calls["compile"] == 1 and calls["route"] == 2


def test_no_program_answer_is_wrong_and_an_unreadable_context_is_declined(run):
    plan, answers, families, targets, _ = run
    assert all(str(a.value) == t for a, t in zip(answers, targets) if a.tier in ("hit", "routed", "compiled"))
    # the last request rewords a context the program cannot read: the learned pattern claims it,
    # the precondition refuses it, and the model answers directly (never a program's answer)
    assert answers[-1].tier == "uncached" and answers[-1].trace.entry_id is None


def test_reword_applies_every_replacement_or_none():
    assert B.reword("What is the date today in MM/DD/YYYY?", B.REWORDINGS[TASK][0]) == \
        "Which date is today in the MM/DD/YYYY format?"
    assert B.reword("no frame here", B.REWORDINGS[TASK][0]) is None


def test_a_pattern_that_rebinds_a_sample_is_not_learned():
    from seglam.engine.router import rebinds_samples

    own = ["Sort the following words alphabetically: List: {words: str}"]
    samples = ["Sort the following words alphabetically: List: pear apple"]
    assert rebinds_samples("Alphabetize: {words: str}", own, samples) == []  # does not match the sample
    assert rebinds_samples("Sort the following words alphabetically: {words: str}", own, samples) != []
    assert rebinds_samples("Sort the following words alphabetically: List: {words: str}", own, samples) == []
    assert rebinds_samples("{words", own, samples) != []
