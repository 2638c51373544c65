"""The client against the fake server: retries, clean failures, accounting."""

from __future__ import annotations

import pytest

from seglam.engine import CompilerClient, CompilerError, NotConfiguredError
from seglam.engine.config import CompilerConfig
from tests.engine.conftest import VOWELS_REQUEST, make_config, vowels_reply
from tests.engine.fake_openai import garbage, hang, reply, status

MSG = [{"role": "user", "content": "hi"}]


def client(server, **kw) -> tuple[CompilerClient, list[float]]:
    sleeps: list[float] = []
    return CompilerClient(make_config(server, **kw), sleep=sleeps.append), sleeps


def test_retries_429_and_500_then_succeeds(server):
    c, sleeps = client(server, max_retries=3, backoff=0.5)
    server.script(status(429, retry_after=2), status(500), status(503), reply("{}", 10, 5))
    out = c.complete(MSG)
    assert out.text == "{}"
    assert server.calls == 4
    assert sleeps == [2.0, 1.0, 2.0]  # Retry-After wins over the first backoff, then doubling
    assert out.usage.attempts == 4 and out.usage.calls == 1
    assert out.usage.tokens_in == 10 and out.usage.tokens_out == 5


@pytest.mark.parametrize("action", [status(429), status(500), garbage(), garbage(b"{\"choices\": 3}")])
def test_persistent_failure_fails_cleanly_after_retries(server, action):
    c, sleeps = client(server, max_retries=2)
    server.set_default(action)
    with pytest.raises(CompilerError) as info:
        c.complete(MSG)
    assert server.calls == 3
    assert info.value.attempts == 3
    assert "failed 3 time(s)" in str(info.value)


def test_timeout_is_retried_then_fails_cleanly(server):
    c, _ = client(server, max_retries=1, timeout=0.3)
    server.set_default(hang(1.0))
    with pytest.raises(CompilerError) as info:
        c.complete(MSG)
    assert "timeout" in str(info.value)
    assert info.value.attempts == 2


def test_client_error_is_not_retried(server):
    c, _ = client(server, max_retries=3)
    server.script(status(401, "bad key"))
    with pytest.raises(CompilerError) as info:
        c.complete(MSG)
    assert server.calls == 1 and "401" in str(info.value)


def test_no_model_configured_says_what_to_set():
    with pytest.raises(NotConfiguredError) as info:
        CompilerClient(CompilerConfig())
    assert "SEGLAM_MODEL" in str(info.value)


def test_engine_endpoint_failure_is_unsolved_and_caches_nothing(server, cache, make_engine):
    engine = make_engine(max_retries=1)
    server.set_default(status(500))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "unsolved"
    assert any("failed 2 time(s)" in r for r in ans.trace.reasons)
    assert cache.list() == []
    assert ans.trace.usage.attempts == 2


def test_garbage_then_timeout_then_good_reply_compiles(server, cache, make_engine):
    engine = make_engine(max_retries=2, timeout=0.3)
    server.script(garbage(), hang(1.0), reply(vowels_reply()))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "compiled"
    assert ans.trace.usage.attempts == 3 and ans.trace.usage.calls == 1


def test_token_accounting_adds_up(server, cache, make_engine):
    from tests.engine.conftest import WRONG_VOWELS_SRC

    engine = make_engine()
    server.script(reply(vowels_reply(program=WRONG_VOWELS_SRC), 1000, 200), reply(vowels_reply(), 1500, 300))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "compiled"
    u = ans.trace.usage
    assert (u.calls, u.tokens_in, u.tokens_out) == (2, 2500, 500)
    assert u.cost == pytest.approx(2500 * 1e-6 + 500 * 2e-6)
    entry = cache.get(ans.trace.entry_id)
    assert (entry.provenance.tokens_in, entry.provenance.tokens_out) == (2500, 500)
    stats = engine.stats()
    assert stats["usage"]["compile"]["tokens_in"] == 1000
    assert stats["usage"]["repair"]["tokens_in"] == 1500
    assert stats["usage_total"]["tokens_in"] == 2500 and stats["usage_total"]["calls"] == 2
    assert stats["usage_total"]["cost"] == pytest.approx(u.cost)
    hit = engine.solve("How many vowels are in the word queue?")
    assert hit.tier == "hit" and hit.trace.usage.calls == 0
    stats = engine.stats()
    assert stats["tiers"]["compiled"] == 1 and stats["tiers"]["hit"] == 1
    assert stats["usage_total"]["calls"] == 2
