"""End to end: the family responder as a stand-in model, with the oracle toolchain and with
the real language toolchain (checker, runtime, verifier)."""

from __future__ import annotations

import json
import random

from seglam.cache.cache import Cache
from seglam.cache.toolchain import SeglamToolchain
from seglam.engine import Engine
from seglam.engine.compiler import Compiler
from seglam.engine.prompt import build_prompts
from tests.data import BBH
from tests.engine.conftest import make_config
from tests.engine.fake_openai import family_responder

SORT = "Sort the following words alphabetically: List: {}"


def test_family_responder_compiles_bundled_kinds_and_declines_the_rest(server, cache, make_engine):
    server.set_default(family_responder())
    engine = make_engine()
    first = engine.solve(SORT.format("pear apple fig"))
    assert first.tier == "compiled" and first.value == "apple fig pear"
    assert engine.solve(SORT.format("kiwi banana")).tier == "hit"
    calls = server.calls
    neg = engine.solve('Is the following sentence plausible? "Joao Moutinho caught the screen pass."')
    assert neg.tier == "unsolved" and neg.value is None
    assert server.calls > calls
    assert len(cache.list()) == 1


def test_real_toolchain_compiles_then_hits(server, tmp_path):
    server.set_default(family_responder())
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    # the checker, the runtime and examples + Hypothesis; Z3 on the families is
    # tests/families/test_families_seglam.py::test_family_verifies' business
    with Cache(tmp_path / "cache", toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as cache:
        engine = Engine(cache=cache, compiler=Compiler(make_config(server), prompts=prompts))
        first = engine.solve(SORT.format("syndrome therefrom apple"))
        assert first.tier == "compiled", first.trace.reasons
        second = engine.solve(SORT.format("pear fig"))
        assert second.tier == "hit" and second.value == "fig pear"
        assert server.calls == 1


STREAM_KINDS = ("word_sorting", "dyck_languages", "navigate", "web_of_lies", "object_counting",
                "tracking_shuffled_objects_five_objects")


def test_a_request_stream_compiles_once_per_family_and_never_serves_a_wrong_answer(server, cache, make_engine):
    stream = []
    for kind in STREAM_KINDS + ("sports_understanding",):
        examples = json.loads((BBH / f"{kind}.json").read_text())["examples"]
        stream += [(kind, ex["input"], ex["target"]) for ex in examples[40:46]]
    random.Random(7).shuffle(stream)
    server.set_default(family_responder())
    engine = make_engine(route=False)
    compiled, wrong, negatives_served = set(), 0, 0
    for kind, text, target in stream:
        ans = engine.solve(text)
        if ans.tier == "compiled":
            compiled.add(kind)
        if ans.cached and kind == "sports_understanding":
            negatives_served += 1
        if ans.solved and ans.value != target:
            wrong += 1
    tiers = engine.stats()["tiers"]
    assert wrong == 0 and negatives_served == 0
    assert tiers["compiled"] == len(STREAM_KINDS) == len(compiled)  # one compile per family
    assert tiers["hit"] + tiers["unsolved"] + tiers["compiled"] == len(stream)
    assert tiers["unsolved"] == 6  # the negative controls: declined, then known as a negative family
    # the controls cost compile calls only until their kind is learned (two declines), then none
    # (direct_fallback is off here, so a known non-programmable kind costs no call at all)
    from seglam.cache.negative import NEGATIVE_AFTER

    assert len(STREAM_KINDS) + NEGATIVE_AFTER <= server.calls < len(STREAM_KINDS) + 6
    assert [k.status for k in engine.cache.negatives.list()] == ["active"]
