"""Trust is earned (issue 13): probation with shadow answers, disputes and their settlement,
users' feedback, the dispute limit. Every model call goes to the loopback fake server
through the real openai client; the stand-in model answers by the kind of call."""

from __future__ import annotations

import json
from typing import Any, Callable

import pytest

from seglam.cache.admit import FamilyDraft
from seglam.cache.cache import Cache
from seglam.engine import CompilerConfig, Engine
from seglam.engine.compiler import Compiler
from seglam.engine.config import ConfigError, load_config
from seglam.engine.prompt import build_prompts
from seglam.engine.trust import SETTLE_SYSTEM, Policy, same_answer
from tests.engine.conftest import VOWELS_PATTERN, VOWELS_REQUEST, VOWELS_SRC, WRONG_VOWELS_SRC, make_config
from tests.engine.fake_openai import reply, status
from tests.engine.oracle_toolchain import OracleToolchain

DIRECT_HEAD = "Answer the request directly"


def vowels(word: str) -> int:
    return sum(ch in "aeiou" for ch in word.lower())


def model(direct: Callable[[str], Any] = lambda w: vowels(w), settle: Any = None) -> Callable[[dict], Any]:
    """A stand-in model: direct calls answer ``direct(word)``; settlement calls answer
    ``settle`` (a dict, or a callable of the request body)."""

    def respond(body: dict) -> Any:
        system = body["messages"][0]["content"]
        if system.startswith(DIRECT_HEAD):
            return reply({"answer": direct(body["messages"][-1]["content"].rstrip("?").split()[-1])}, 40, 5)
        if system.startswith(SETTLE_SYSTEM[:30]):
            if settle is None:
                return status(500, "no settlement scripted")
            return reply(settle(body) if callable(settle) else settle, 400, 30)
        return status(500, f"unexpected call: {system[:60]!r}")

    return respond


def engine_for(server, cache, **kw) -> Engine:
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    config = make_config(server, **{"probation": 3, "novelty": False, "max_retries": 0, **kw})
    return Engine(cache=cache, compiler=Compiler(config, prompts=prompts))


def admit(cache: Cache, source: str = VOWELS_SRC) -> str:
    return cache.admit(FamilyDraft(source=source, patterns=(VOWELS_PATTERN,), samples=(VOWELS_REQUEST,)))


def ask(word: str) -> str:
    return f"How many vowels are in the word {word}?"


def purposes(server) -> list[str]:
    out = []
    for body in server.requests:
        system = body["messages"][0]["content"]
        out.append("direct" if system.startswith(DIRECT_HEAD) else "settle" if system.startswith("You settle") else "other")
    return out


# -- probation -----------------------------------------------------------------------------------


def test_a_new_family_answers_its_first_n_requests_with_a_shadow_call_then_alone(server, cache):
    family = admit(cache)
    server.set_default(model())
    engine = engine_for(server, cache, probation=2)
    first, second = engine.solve(ask("avocado")), engine.solve(ask("kiwi"))
    assert [first.tier, second.tier] == ["hit", "hit"] and [first.value, second.value] == [4, 2]
    assert first.trace.trust == second.trace.trust == "probation"
    assert first.trace.shadow["agreed"] is True and first.trace.shadow["direct"] == "4"
    assert server.calls == 2 and purposes(server) == ["direct", "direct"]
    third = engine.solve(ask("papaya"))
    assert third.tier == "hit" and third.value == 3 and third.trace.trust == "trusted"
    assert server.calls == 2  # earned: no call
    record = cache.trust.view(cache.get(family))
    assert record.observations == 2 and record.state(2) == "trusted"
    assert engine.stats()["usage"]["shadow"]["calls"] == 2


def test_probation_zero_turns_it_off(server, cache):
    admit(cache)
    engine = engine_for(server, cache, probation=0)
    answer = engine.solve(ask("avocado"))
    assert answer.tier == "hit" and answer.trace.trust == "trusted" and server.calls == 0


def test_a_new_version_that_gives_every_confirmed_answer_inherits_the_observations(server, cache):
    family = admit(cache)
    server.set_default(model())
    engine = engine_for(server, cache, probation=2)
    engine.solve(ask("avocado")), engine.solve(ask("kiwi"))
    assert engine.solve(ask("kiwi")).trace.trust == "trusted" and server.calls == 2
    cache.replace(family, VOWELS_SRC.replace("ch in", "c in").replace("for ch", "for c"), note="v2")
    again = engine.solve(ask("kiwi"))
    assert again.trace.trust == "trusted" and again.trace.version == 2 and server.calls == 2  # no call: replayed
    record = cache.trust.view(cache.get(family))
    assert record.version == 2 and record.observations == 2 and record.replayed
    assert {o.version for o in record.observed} == {2}
    assert "inherited" in record.history[-1].detail


def test_a_new_version_that_changes_a_confirmed_answer_starts_its_own_probation(server, cache):
    family = admit(cache)
    server.set_default(model())
    engine = engine_for(server, cache, probation=1)
    engine.solve(ask("sky"))  # confirmed: 0 vowels
    assert engine.solve(ask("kiwi")).trace.trust == "trusted"
    cache.replace(family, VOWELS_SRC.replace('"aeiou"', '"aeiouy"'), note="v2 counts y")
    again = engine.solve(ask("kiwi"))
    assert again.trace.trust == "probation" and again.trace.version == 2 and server.calls == 2
    record = cache.trust.view(cache.get(family))
    assert record.replayed and record.observations == 1  # its own shadow call, nothing inherited
    assert any("not inherited" in e.detail and "sky" in e.detail for e in record.history)


def test_without_a_model_a_hit_is_served_and_labelled_unchecked(cache):
    admit(cache)
    engine = Engine(cache=cache, compiler=False)
    answer = engine.solve(ask("avocado"))
    assert answer.tier == "hit" and answer.value == 4 and answer.trace.trust == "unchecked"
    assert any("no model is configured" in r for r in answer.trace.reasons)


def test_a_failed_shadow_call_serves_the_program_and_observes_nothing(server, cache):
    family = admit(cache)
    server.set_default(status(500))
    engine = engine_for(server, cache)
    answer = engine.solve(ask("avocado"))
    assert answer.tier == "hit" and answer.value == 4 and answer.trace.trust == "probation"
    assert "not observed" in answer.trace.message
    assert cache.trust.view(cache.get(family)).observations == 0


# -- disputes ------------------------------------------------------------------------------------


def test_a_wrong_program_is_disputed_settled_and_quarantined_and_its_repair_must_pass_the_input(server, cache):
    family = admit(cache, WRONG_VOWELS_SRC)  # counts letters, not vowels
    server.set_default(model(settle={"right": "other", "answer": 3, "why": "banana has three vowels"}))
    engine = engine_for(server, cache)
    answer = engine.solve(ask("banana"))
    assert answer.tier == "disputed" and answer.value == 3 and not answer.cached
    assert answer.trace.shadow["program"] == "6" and answer.trace.shadow["direct"] == "3"
    assert answer.trace.shadow["verdict"] == "program-wrong"
    assert purposes(server) == ["direct", "settle"]
    settle_prompt = server.requests[1]["messages"][-1]["content"]
    assert "return len(word)" in settle_prompt and "The program's answer: 6" in settle_prompt
    entry = cache.get(family)
    assert entry.status == "quarantined"
    assert entry.counterexamples[-1].kind == "reject" and entry.counterexamples[-1].expected == 3
    record = cache.trust.get(family)
    assert [d.status for d in record.disputes] == ["program-wrong"] and record.disputes[0].settled_by == "model"
    # a repair that is still wrong on the disputed input is refused by Cache.replace
    with pytest.raises(Exception, match="counterexample"):
        cache.replace(family, WRONG_VOWELS_SRC.replace("len(word)", "len(word) + 0"))
    assert cache.replace(family, VOWELS_SRC).version == 2


def test_a_direct_answer_that_is_wrong_makes_the_input_a_verified_example(server, cache):
    family = admit(cache)
    server.set_default(model(direct=lambda w: 7, settle={"right": "program", "why": "count them: a, o, a, o"}))
    engine = engine_for(server, cache)
    answer = engine.solve(ask("avocado"))
    assert answer.tier == "disputed" and answer.value == 4
    assert answer.trace.shadow["verdict"] == "program-right"
    entry = cache.get(family)
    assert entry.status == "active"
    assert any(ex.inputs == {"word": "avocado"} and ex.expected == 4 for ex in entry.examples)
    # a later version must keep that answer
    with pytest.raises(Exception, match="avocado"):
        cache.replace(family, WRONG_VOWELS_SRC)


def test_an_unsettled_dispute_survives_a_restart_and_reaches_the_next_compile(server, tmp_path):
    path = tmp_path / "cache"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        family = admit(cache, WRONG_VOWELS_SRC)
        server.set_default(model(settle=None))  # the settlement call fails
        engine = engine_for(server, cache, dispute_limit=1)
        answer = engine.solve(ask("banana"))
        assert answer.tier == "disputed" and answer.value == 3  # the direct answer, flagged
        assert answer.trace.shadow["verdict"] == "open"
        assert cache.get(family).status == "quarantined"  # one open dispute reaches the limit of 1
    with Cache(path, toolchain=OracleToolchain()) as cache:  # a new process
        record = cache.trust.get(family)
        assert [d.status for d in record.disputes] == ["open"] and record.disputes[0].request == ask("banana")
        server.set_default(status(500))
        server.script(reply({"description": "vowels", "entry": "solve", "patterns": [VOWELS_PATTERN],
                             "program": VOWELS_SRC, "answer": 2, "examples": [], "properties": []}))
        engine = engine_for(server, cache, dispute_limit=1, probation=0)
        recompiled = engine.solve(ask("kiwi"))
        assert recompiled.tier == "compiled" and recompiled.trace.version == 2
        compile_prompt = server.requests[-1]["messages"][-1]["content"]
        assert "disputed, not settled" in compile_prompt and "banana" in compile_prompt


def test_while_a_dispute_is_open_every_request_of_the_version_is_checked(server, cache):
    family = admit(cache, WRONG_VOWELS_SRC)
    server.set_default(model(settle=None))  # settlement calls fail: disputes stay open
    engine = engine_for(server, cache, probation=1, dispute_limit=5)
    assert engine.solve(ask("aaa")).trace.trust == "probation"  # 3 letters, 3 vowels: agreed
    wrong = engine.solve(ask("kiwi"))
    assert wrong.trace.trust == "trusted" and wrong.value == 4 and server.calls == 1
    assert engine.feedback(wrong, correct=False, expected=2).outcome == "open"
    assert cache.get(family).status == "active"  # 1 open dispute, limit 5
    calls = server.calls
    later = engine.solve(ask("aaa"))
    assert later.tier == "hit" and later.trace.trust == "disputed" and server.calls == calls + 1


# -- feedback ------------------------------------------------------------------------------------


def test_feedback_right_is_an_observation_and_wrong_is_a_dispute_settled_by_the_model(server, cache):
    family = admit(cache, WRONG_VOWELS_SRC)
    engine = engine_for(server, cache, probation=0)
    answer = engine.solve(ask("aaa"))
    assert answer.value == 3
    assert engine.feedback(answer, correct=True).outcome == "observed"
    assert cache.trust.get(family).observations == 1
    wrong = engine.solve(ask("kiwi"))
    server.set_default(model(settle={"right": "other", "why": "k-i-w-i has two vowels"}))
    result = engine.feedback(wrong, correct=False, expected=2)
    assert result.outcome == "program-wrong" and result.dispute.origin == "user"
    entry = cache.get(family)
    assert entry.status == "quarantined" and entry.counterexamples[-1].expected == 2
    assert "The other answer (user's expected answer): 2" in server.requests[-1]["messages"][-1]["content"]


def test_feedback_disputes_past_the_limit_quarantine_the_family_without_a_model(cache):
    family = admit(cache)
    engine = Engine(cache=cache, compiler=False, trust=Policy(probation=0, dispute_limit=2))
    first = engine.solve(ask("avocado"))
    assert engine.feedback(first, correct=False).outcome == "open"
    assert cache.get(family).status == "active"
    assert engine.feedback(engine.solve(ask("kiwi")), correct=False, expected=5).outcome == "open"
    assert cache.get(family).status == "quarantined"
    with pytest.raises(ValueError, match="no family"):
        engine.feedback(engine.solve(ask("kiwi")), correct=True)  # quarantined: unsolved, nothing to judge


# -- comparing answers and configuring ---------------------------------------------------------


@pytest.mark.parametrize("program, direct", [(3, "3"), ("(A)", "A"), ("Yes", "yes."), (2.5, "2.50"), ([1, 2], (1, 2))])
def test_answers_compare_as_the_eval_compares_them(program, direct):
    assert same_answer(program, direct) and same_answer(direct, program)


@pytest.mark.parametrize("program, direct", [(3, 4), ("(A)", "(B)"), ("yes", "no"), ([1, 2], [2, 1])])
def test_different_answers_do_not_compare_equal(program, direct):
    assert not same_answer(program, direct)


def test_probation_is_configured_by_file_environment_and_flag(tmp_path):
    file = tmp_path / "c.toml"
    file.write_text("[compiler]\nprobation = 5\nnovelty = false\n")
    assert load_config(file, env={}).probation == 5 and load_config(file, env={}).novelty is False
    assert load_config(file, env={"SEGLAM_PROBATION": "0"}).probation == 0
    assert load_config(file, env={}, probation=7).probation == 7
    assert CompilerConfig().probation == 3 and CompilerConfig().dispute_limit == 3
    with pytest.raises(ConfigError, match="probation"):
        load_config(file, env={"SEGLAM_PROBATION": "-1"})


def test_the_trace_json_says_how_far_the_answer_was_trusted(server, cache):
    admit(cache)
    server.set_default(model())
    data = engine_for(server, cache).solve(ask("avocado")).to_json()
    assert data["trace"]["trust"] == "probation" and data["trace"]["shadow"]["agreed"] is True
    json.dumps(data)


# -- the novelty gate ----------------------------------------------------------------------------

FRUIT_SRC = '''
def pick(options: str) -> str:
    for part in options.split(","):
        if part.strip() in ["apple", "pear", "banana"]:
            return part.strip()
    return options.split(",")[0].strip()


def prop_picks_an_option(options: str) -> bool:
    return pick(options) in [p.strip() for p in options.split(",")]
'''
FRUITS = ("apple", "pear", "banana", "mango", "kiwi")


def fruit(options: str) -> str:
    return f"Which of these is a fruit: {options}?"


def fruit_model(settle: Any = None) -> Callable[[dict], Any]:
    def direct(body_text: str) -> Any:
        return next(p.strip() for p in body_text.split(":", 1)[1].rstrip("?").split(",") if p.strip() in FRUITS)

    def respond(body: dict) -> Any:
        system = body["messages"][0]["content"]
        if system.startswith(DIRECT_HEAD):
            return reply({"answer": direct(body["messages"][-1]["content"])}, 40, 5)
        if system.startswith(SETTLE_SYSTEM[:30]) and settle is not None:
            return reply(settle, 400, 30)
        return status(500, "unscripted")

    return respond


def admit_fruit(cache: Cache) -> str:
    return cache.admit(FamilyDraft(source=FRUIT_SRC, patterns=("Which of these is a fruit: {options: str}?",),
                                   samples=(fruit("stone, apple, chair"),)))


def test_a_hit_outside_the_envelope_is_checked_until_observed_and_a_wrong_variant_is_never_trusted(server, cache):
    family = admit_fruit(cache)
    server.set_default(fruit_model(settle={"right": "other", "why": "a mango is a fruit"}))
    engine = engine_for(server, cache, probation=1, novelty=True)
    assert engine.solve(fruit("pear, rock, stone")).trace.trust == "probation" and server.calls == 1
    again = engine.solve(fruit("rock, pear, stone"))  # "rock" was observed once: still novel
    assert again.trace.trust == "novel" and server.calls == 2 and "rock" in again.trace.reasons[-2]
    inside = engine.solve(fruit("stone, pear, rock"))  # every word observed twice, or the program's own
    assert inside.trace.trust == "trusted" and inside.value == "pear" and server.calls == 2
    record = cache.trust.view(cache.get(family))
    assert record.novel({"options": "banana, stone, chair"}) == []  # a word the program names is known
    assert record.novel({"options": "plum, stone, chair"}) == ["options: words not seen before: plum"]
    variant = engine.solve(fruit("chair, mango, stone"))  # a word the family never saw
    assert variant.tier == "disputed" and variant.value == "mango"
    assert any("outside the family's envelope" in r and "mango" in r for r in variant.trace.reasons)
    assert cache.get(family).status == "quarantined"


def test_an_observed_novel_input_widens_the_envelope(server, cache):
    admit_fruit(cache)
    server.set_default(fruit_model())
    engine = engine_for(server, cache, probation=0, novelty=True)
    first = engine.solve(fruit("pear, rock, stone"))
    assert first.trace.trust == "novel" and first.trace.shadow["agreed"] and server.calls == 1
    assert engine.solve(fruit("rock, stone, pear")).trace.trust == "novel" and server.calls == 2
    again = engine.solve(fruit("stone, pear, rock"))
    assert again.trace.trust == "trusted" and server.calls == 2


def test_without_the_gate_the_wrong_variant_is_served_and_an_open_hole_skips_it(server, cache):
    family = admit_fruit(cache)
    engine = engine_for(server, cache, probation=0, novelty=False)
    assert engine.solve(fruit("chair, mango, stone")).value == "chair"  # the failure the gate exists for
    gated = engine_for(server, cache, probation=0, novelty=True)
    cache.trust.declare_open(cache.get(family), "options")  # prop_picks_an_option covers it
    served = gated.solve(fruit("chair, mango, stone"))
    assert served.trace.trust == "trusted" and server.calls == 0


# -- widening ------------------------------------------------------------------------------------

NARROW_SRC = VOWELS_SRC.replace("word.isalpha())", "word.isalpha() and len(word) <= 7)")


def admit_narrow(cache: Cache) -> str:
    from seglam.cache.entry import Example

    return cache.admit(FamilyDraft(source=NARROW_SRC, patterns=(VOWELS_PATTERN,), samples=(VOWELS_REQUEST,),
                                   examples=(Example(inputs={"word": "kiwi"}, expected=2),)))


def compile_reply(program: str, answer: Any) -> Any:
    return reply({"description": "Count the vowels in one word.", "entry": "solve", "patterns": [VOWELS_PATTERN],
                  "program": program, "answer": answer, "examples": [], "properties": []})


def test_a_refused_request_asks_once_for_a_wider_version_that_replaces_the_family(server, cache):
    family = admit_narrow(cache)
    server.script(compile_reply(VOWELS_SRC, 5))
    engine = engine_for(server, cache, probation=0, widen=1)
    answer = engine.solve(ask("encyclopedia"))
    assert answer.tier == "compiled" and answer.value == 5 and answer.trace.version == 2, answer.trace
    prompt = server.requests[0]["messages"][-1]["content"]
    assert "refused this request" in prompt and VOWELS_PATTERN in prompt
    assert "The family's current program" in prompt and NARROW_SRC.rstrip() in prompt  # extend it, not rewrite it
    assert cache.get(family).version == 2 and cache.get(family).status == "active"
    stored = cache.trust.get(family)
    assert (stored.version, stored.refusals, stored.widenings) == (1, 1, 1)
    now = cache.trust.view(cache.get(family))  # v2 starts over, keeping the refusal count
    assert (now.version, now.refusals, now.widenings, now.observations) == (2, 1, 0, 0)
    assert engine.solve(ask("encyclopedia")).tier == "hit" and server.calls == 1


def test_a_widened_version_that_fails_a_stored_example_is_refused_and_not_asked_again(server, cache):
    family = admit_narrow(cache)
    wrong = WRONG_VOWELS_SRC  # counts letters: fails the stored example kiwi -> 2
    server.script(compile_reply(wrong, 12), compile_reply(wrong, 12), compile_reply(wrong, 12))
    server.set_default(model())
    engine = engine_for(server, cache, probation=0, widen=1, direct_fallback=True)
    answer = engine.solve(ask("encyclopedia"))
    assert answer.tier == "uncached" and cache.get(family).version == 1
    # refused before the write: it changes the family's answer to its own request (then the example would fail too)
    assert any("'How many vowels are in the word banana?' with 6; the current version answers 3" in r
               for r in answer.trace.reasons)
    record = cache.trust.get(family)
    assert record.widenings == 1 and record.refusals == 1
    calls = server.calls
    later = engine.solve(ask("mississippi"))
    assert later.tier == "uncached" and later.value == 4 and server.calls == calls + 1  # one direct call
    assert purposes(server)[-1] == "direct" and cache.trust.get(family).refusals == 2


def test_widening_off_gives_the_fallback_without_a_compile(server, cache):
    admit_narrow(cache)
    engine = engine_for(server, cache, probation=0, widen=0)
    assert engine.solve(ask("encyclopedia")).tier == "unsolved" and server.calls == 0


def test_the_ask_and_eval_flags_set_probation_and_the_gate(monkeypatch, tmp_path):
    import argparse

    from seglam.cli.ask_args import add_model_options
    from seglam.cli.ask_cmd import model_config

    monkeypatch.setenv("SEGLAM_CONFIG", str(tmp_path / "none.toml"))
    for var in ("SEGLAM_PROBATION", "SEGLAM_NOVELTY"):
        monkeypatch.delenv(var, raising=False)
    parser = argparse.ArgumentParser()
    add_model_options(parser)
    assert (model_config(parser.parse_args([])).probation, model_config(parser.parse_args([])).novelty) == (3, True)
    cfg = model_config(parser.parse_args(["--probation", "5", "--no-novelty"]))
    assert cfg.probation == 5 and cfg.novelty is False


def test_feedback_on_a_compiled_answer_disputes_its_own_input(server, cache):
    from tests.engine.conftest import vowels_reply

    server.script(reply(vowels_reply(program=WRONG_VOWELS_SRC, answer=6,
                                     examples=[{"request": ask("aaa"), "answer": 3}])))
    engine = engine_for(server, cache, probation=0)
    answer = engine.solve(VOWELS_REQUEST)
    assert answer.tier == "compiled" and answer.value == 6 and answer.trace.inputs == {"word": "banana"}
    result = engine.feedback(answer, correct=False, expected=3)  # no model answers the settlement: open
    assert result.outcome == "open" and result.dispute.inputs == {"word": "banana"}
    assert result.dispute.request == VOWELS_REQUEST


# -- holes declared open by the compile reply ------------------------------------------------------

FRUIT_PATTERN = "Which of these is a fruit: {options: str}?"


def fruit_compile(program: str, open_holes: list[str]) -> Any:
    return reply({"description": "Pick the fruit among the options.", "entry": "pick", "patterns": [FRUIT_PATTERN],
                  "program": program, "answer": "apple", "examples": [], "properties": [], "open": open_holes})


def test_a_compile_reply_declares_a_hole_open_that_a_property_covers(server, cache):
    server.script(fruit_compile(FRUIT_SRC, ["options"]))
    engine = engine_for(server, cache, probation=0, novelty=True, route=False)
    compiled = engine.solve(fruit("stone, apple, chair"))
    assert compiled.tier == "compiled", compiled.trace
    assert any("'options' declared open" in r for r in compiled.trace.reasons)
    record = cache.trust.view(cache.get(compiled.trace.entry_id))
    assert record.open_holes == ("options",)
    later = engine.solve(fruit("cloud, brick, pear"))  # new words, but the hole is open
    assert later.trace.trust == "trusted" and server.calls == 1


def test_a_hole_declared_open_without_a_covering_property_stays_gated(server, cache):
    uncovered = FRUIT_SRC.split("\n\ndef prop_")[0] + "\n"
    server.script(fruit_compile(uncovered, ["options", "nonsense"]))
    server.set_default(fruit_model())
    engine = engine_for(server, cache, probation=0, novelty=True, route=False)
    compiled = engine.solve(fruit("stone, apple, chair"))
    assert compiled.tier == "compiled", compiled.trace
    assert any("'options' not declared open: no property covers" in r for r in compiled.trace.reasons)
    assert any("'nonsense' not declared open" in r for r in compiled.trace.reasons)
    assert cache.trust.view(cache.get(compiled.trace.entry_id)).open_holes == ()
    later = engine.solve(fruit("cloud, brick, pear"))
    assert later.trace.trust == "novel" and server.calls == 2  # checked by a direct call


# -- a quarantined family recompiles on a schedule, not on every request ---------------------------


def test_a_quarantined_family_recompiles_on_the_1st_2nd_4th_request_not_on_every_one(server, cache):
    family = admit(cache, WRONG_VOWELS_SRC)
    cache.reject(family, 3, inputs={"word": "banana"})  # quarantined; a repair must give 3 on banana

    def respond(body: dict) -> Any:
        if body["messages"][0]["content"].startswith(DIRECT_HEAD):
            return reply({"answer": vowels(body["messages"][-1]["content"].rstrip("?").split()[-1])}, 40, 5)
        return compile_reply(WRONG_VOWELS_SRC, len(body["messages"][-1]["content"].split("Request:\n")[-1]
                                                       .split("?")[0].split()[-1]))  # still wrong: refused

    server.set_default(respond)
    engine = engine_for(server, cache, repair_rounds=0, direct_fallback=True, route=False)
    answers = [engine.solve(ask(w)) for w in ("kiwi", "papaya", "avocado", "onion", "tomato")]
    assert [a.tier for a in answers] == ["uncached"] * 5
    compiles = [p for p in purposes(server) if p == "other"]
    assert len(compiles) == 3  # on the 1st, 2nd and 4th request
    assert any("not due yet" in r for r in answers[2].trace.reasons)
    record = cache.trust.view(cache.get(family))
    assert (record.claims, record.repairs) == (5, 3) and cache.get(family).status == "quarantined"
