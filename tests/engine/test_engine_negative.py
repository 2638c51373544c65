"""Negative families through the engine, against the loopback server with the real openai
client: learn after declines, answer the kind with one direct call (no route, no compile),
lift on a later compile, a probe or ``forget``; never a program's answer."""

from __future__ import annotations

from seglam.cache import negative
from tests.engine.conftest import VOWELS_REQUEST, vowels_reply
from tests.engine.fake_openai import first_user_text, reply

DIRECT_HEAD = "Answer the request directly"
SPORTS = [
    'Is the following sentence plausible? "Joao Moutinho caught the screen pass in the NFC championship."',
    'Is the following sentence plausible? "Tyler Boyd hit a home run."',
    'Is the following sentence plausible? "Marcelo dunked the ball in the final."',
    'Is the following sentence plausible? "Kenta Maeda threw to first base."',
]
DECLINE = {"description": "not programmable: needs world knowledge", "patterns": [], "program": "", "answer": "no"}


def kind_of(body: dict) -> str:
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    if system.startswith(DIRECT_HEAD):
        return "direct"
    text = first_user_text(body)
    if text.startswith("Request:\n") and "Offered families:" in text:
        return "route"
    return "compile"


def responder(compile_reply=DECLINE, direct_answer="yes"):
    """Declines (or compiles) every compile call, answers direct calls, routes nowhere."""

    def respond(body: dict):
        kind = kind_of(body)
        if kind == "direct":
            return reply({"answer": direct_answer}, 40, 5)
        if kind == "route":
            return reply({"family": None}, 300, 10)
        return reply(compile_reply(body) if callable(compile_reply) else compile_reply, 3000, 60)

    return respond


def declined_twice(engine, server, cache):
    """The sports kind, declined twice by the model: an active negative family."""
    server.set_default(responder())
    engine.solve(SPORTS[0])
    engine.solve(SPORTS[1])
    [kind] = cache.negatives.list()
    return kind


def kinds(server) -> list[str]:
    return [kind_of(b) for b in server.requests]


def test_two_declines_then_one_direct_call_per_request(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    server.set_default(responder())
    first = engine.solve(SPORTS[0])
    assert first.tier == "uncached" and kinds(server) == ["compile"]
    assert [k.status for k in cache.negatives.list()] == ["candidate"]
    engine.solve(SPORTS[1])  # a candidate (no patterns given) is never applied: this one still compiles
    assert kinds(server) == ["compile", "compile"]
    [kind] = cache.negatives.list()
    assert kind.status == "active" and kind.evidence == 2
    assert kind.signature == ("following", "plausible", "sentence")
    before = server.calls
    third = engine.solve(SPORTS[2])
    assert kinds(server)[before:] == ["direct"]  # no route, no compile prompt
    assert third.tier == "uncached" and third.value == "yes"
    assert third.trace.entry_id is None and not third.cached
    assert third.trace.usage.calls == 1 and third.trace.usage.tokens_in == 40
    assert any(kind.id in r for r in third.trace.reasons)
    assert cache.negatives.get(kind.id).applied == 1


def test_declined_patterns_recognise_the_kind(server, cache, make_engine):
    pattern = 'Is the following sentence plausible? "{sentence: str}"'
    engine = make_engine(direct_fallback=True)
    server.set_default(responder({**DECLINE, "patterns": [pattern, "{x: str}"]}))
    engine.solve(SPORTS[0])
    engine.solve(SPORTS[1])
    [kind] = cache.negatives.list()
    assert kind.patterns == (pattern,)  # the over-general one is dropped
    # carries none of the signature's words in order but matches the declined pattern
    text = 'IS THE FOLLOWING SENTENCE PLAUSIBLE?   "A rower scored."'
    assert kind.claims(text)
    before = server.calls
    assert engine.solve(text).tier == "uncached"
    assert kinds(server)[before:] == ["direct"]


def test_one_decline_with_patterns_applies_at_once(server, cache, make_engine):
    """Stand-in runs 9 and 11: sports and snarks, declined with their patterns, each paid a
    second route and compile before the kind applied. The model's own patterns (checked as
    a family's) state the kind: one decline is enough; without them it still takes two."""
    pattern = 'Is the following sentence plausible? "{sentence: str}"'
    engine = make_engine(direct_fallback=True)
    server.set_default(responder({**DECLINE, "patterns": [pattern]}))
    engine.solve(SPORTS[0])
    [kind] = cache.negatives.list()
    assert (kind.status, kind.evidence, kind.patterns) == ("active", 1, (pattern,))
    before = server.calls
    second = engine.solve(SPORTS[1])
    assert kinds(server)[before:] == ["direct"] and second.tier == "uncached"


def test_a_wrong_negative_costs_a_direct_call_and_a_probe_lifts_it(server, cache, make_engine, monkeypatch):
    """A programmable kind that the model declined twice (a wrong negative) is answered
    directly, never wrongly by a program; the probe compiles it and lifts the kind."""
    monkeypatch.setattr(negative, "PROBE_FIRST", 2)
    engine = make_engine(direct_fallback=True)
    state = {"decline": True}
    server.set_default(responder(lambda body: DECLINE if state["decline"] else vowels_reply(), direct_answer=7))
    engine.solve("How many vowels are in the word apple?")
    engine.solve("How many vowels are in the word orange?")
    [kind] = cache.negatives.list()
    assert kind.status == "active"
    state["decline"] = False
    wrong = engine.solve("How many vowels are in the word pear?")
    assert (wrong.tier, wrong.value, wrong.trace.entry_id) == ("uncached", 7, None)  # the model's, flagged
    before = server.calls
    probed = engine.solve(VOWELS_REQUEST)  # the 2nd application: a probe goes the full way
    assert kinds(server)[before:] == ["compile"]
    assert probed.tier == "compiled" and probed.value == 3
    assert cache.negatives.get(kind.id).status == "lifted"
    assert any("lifted negative family" in r for r in probed.trace.reasons)
    before = server.calls
    assert engine.solve("How many vowels are in the word kiwi?").tier == "hit"
    assert server.calls == before


def test_forget_lifts_the_kind(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    kind = declined_twice(engine, server, cache)
    cache.negatives.forget(kind.id[:7])
    assert cache.negatives.list() == []
    before = server.calls
    engine.solve(SPORTS[2])
    assert kinds(server)[before:] == ["compile"]


def test_a_compile_for_the_kind_lifts_a_candidate(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    state = {"decline": True}
    server.set_default(responder(lambda body: DECLINE if state["decline"] else vowels_reply()))
    engine.solve(VOWELS_REQUEST)
    state["decline"] = False
    done = engine.solve(VOWELS_REQUEST)
    assert done.tier == "compiled"
    assert [k.status for k in cache.negatives.list()] == ["lifted"]
    assert cache.negatives.list(include_lifted=False) == []


def test_a_kind_overlapping_a_family_is_never_applied(server, cache, make_engine):
    """Positive evidence wins: declines of requests that carry a cached family's words do
    not make a negative family that would steer that family's requests away."""
    engine = make_engine(direct_fallback=True)
    server.script(reply(vowels_reply()))
    assert engine.solve(VOWELS_REQUEST).tier == "compiled"
    server.set_default(responder())
    engine.solve("Vowels: how many are in the word rhythm?")
    engine.solve("Vowels: how many are in the word crypt?")
    # the two declines share only words the family's requests carry: no kind spans them
    assert sorted((k.status, k.evidence) for k in cache.negatives.list()) == [("candidate", 1), ("candidate", 1)]
    before = server.calls
    engine.solve("Vowels: how many are in the word gym?")
    assert "compile" in kinds(server)[before:]


def test_bad_direct_reply_is_unsolved_never_an_answer(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    server.set_default(responder())
    engine.solve(SPORTS[0])
    engine.solve(SPORTS[1])
    server.set_default(lambda body: reply("not json at all", 40, 5))
    ans = engine.solve(SPORTS[2])
    assert ans.tier == "unsolved" and ans.value is None
    assert any("direct answer refused" in r for r in ans.trace.reasons)


def test_without_direct_fallback_a_known_kind_costs_nothing(server, cache, make_engine):
    engine = make_engine(direct_fallback=False)
    server.set_default(responder())
    engine.solve(SPORTS[0])
    engine.solve(SPORTS[1])
    before = server.calls
    ans = engine.solve(SPORTS[2])
    assert ans.tier == "unsolved" and server.calls == before
    assert "negative family" in ans.trace.message


def test_endpoint_failures_teach_nothing(server, cache, make_engine):
    from tests.engine.fake_openai import status

    engine = make_engine(direct_fallback=True, max_retries=0)
    server.set_default(status(500))
    engine.solve(SPORTS[0])
    engine.solve(SPORTS[1])
    assert cache.negatives.list() == []


def test_a_hit_is_served_before_any_negative(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    server.script(reply(vowels_reply()))
    engine.solve(VOWELS_REQUEST)
    # a (wrongly) broad negative recorded by hand; the family's hits are untouched by it
    cache.negatives.record("How many vowels are in the word tree", "declined")
    cache.negatives.record("How many vowels are in the word bee", "declined")
    before = server.calls
    hit = engine.solve("How many vowels are in the word banana?")
    assert hit.tier == "hit" and hit.value == 3 and server.calls == before


def test_stats_count_the_direct_calls(server, cache, make_engine):
    engine = make_engine(direct_fallback=True)
    server.set_default(responder())
    for text in SPORTS:
        engine.solve(text)
    stats = engine.stats()
    assert stats["usage"]["direct"]["calls"] == 2  # requests 3 and 4: one direct call each
    assert stats["usage"]["compile"]["calls"] == 2
    assert stats["tiers"]["uncached"] == 4


def test_cli_ask_and_stats_report_cached_tokens_cost_and_negatives(server, tmp_path, monkeypatch, capsys):
    import json

    from tests.engine.test_engine_cli import run

    for var in ("SEGLAM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL", "SEGLAM_PRICES", "SEGLAM_PRICE_IN",
                "SEGLAM_PRICE_OUT"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SEGLAM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("SEGLAM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SEGLAM_MODEL", "fake-model")
    monkeypatch.setenv("SEGLAM_BASE_URL", server.url)
    monkeypatch.setenv("SEGLAM_BACKOFF", "0")
    monkeypatch.setenv("SEGLAM_PRICES", "fake-model=2/0.5/8")
    server.script(reply(vowels_reply(), 2000, 100, cached=1024))
    code, out, _ = run(["ask", VOWELS_REQUEST], capsys)
    assert code == 0 and "2000 in (1024 from the provider's prompt cache) + 100 out" in out
    assert f"cost {(976 * 2 + 1024 * 0.5 + 100 * 8) / 1e6:.6g}" in out
    server.set_default(responder())
    for text in SPORTS[:3]:
        run(["ask", "--direct-fallback", text], capsys)
    code, out, _ = run(["stats"], capsys)
    assert code == 0 and "1 active, 0 candidate, 0 lifted negative family; 1 compile attempts saved" in out
    assert f"cost {(2000 * 2 + 100 * 8) / 1e6:.6g} at most" in out
    code, out, _ = run(["stats", "--json"], capsys)
    data = json.loads(out)
    assert data["negative"]["applied"] == 1 and data["price"] == {"input": 2.0, "cached_input": 0.5, "output": 8.0}


def test_without_a_model_a_declined_kind_says_so_and_counts_nothing(server, cache, make_engine):
    from seglam.engine import Engine

    kind = declined_twice(make_engine(direct_fallback=True), server, cache)
    offline = Engine(cache=cache, compiler=None)
    try:
        declined = offline.solve(SPORTS[2])
        other = offline.solve("Sort these words: pear apple")
    finally:
        offline.close()
    assert declined.tier == "unsolved" and any(f"negative family {kind.id}" in r for r in declined.trace.reasons)
    assert other.tier == "unsolved" and not any("negative family" in r for r in other.trace.reasons)
    assert cache.negatives.get(kind.id).applied == 0  # reading the kind is not applying it
