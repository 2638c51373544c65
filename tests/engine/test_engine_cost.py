"""Tokens and money: provider-cached prompt tokens from ``usage``, the price table, the
simulated prefix cache of the loopback servers."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.engine.client import CompilerClient, Usage
from seglam.engine.config import ConfigError, load_config
from seglam.engine.prefix_cache import BLOCK_TOKENS, MIN_TOKENS, PrefixCache
from seglam.engine.prices import DEFAULT_PRICE, Price, PriceError, PriceTable, parse_prices
from tests.engine.conftest import VOWELS_REQUEST, make_config, vowels_reply
from tests.engine.fake_openai import Action, reply


def _body(content: str, usage: dict) -> Action:
    body = {"id": "x", "object": "chat.completion", "created": 0, "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": usage}
    return Action(200, json.dumps(body).encode(), (("content-type", "application/json"),))


def test_cached_prompt_tokens_are_recorded_and_priced(server):
    client = CompilerClient(make_config(server, price_in=0.0, price_out=0.0, prices="fake-model=2/0.5/8"))
    server.script(reply("{}", 3000, 200, cached=2048))
    done = client.complete([{"role": "user", "content": "hi"}], "compile")
    u = done.usage
    assert (u.tokens_in, u.tokens_cached, u.tokens_out) == (3000, 2048, 200)
    assert u.cost == pytest.approx(((3000 - 2048) * 2 + 2048 * 0.5 + 200 * 8) / 1e6)
    assert client.ledger.total().tokens_cached == 2048


@pytest.mark.parametrize("usage, expected", [
    ({"prompt_tokens": 500, "completion_tokens": 5}, (500, 0, 5)),  # no details: nothing cached
    ({"prompt_tokens": 500, "completion_tokens": 5, "prompt_tokens_details": None}, (500, 0, 5)),
    ({"prompt_tokens": 500, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": 9000}}, (500, 500, 5)),
    ({"prompt_tokens": 500, "completion_tokens": 5, "prompt_tokens_details": {"cached_tokens": -3}}, (500, 0, 5)),
    ({"prompt_tokens": -1, "completion_tokens": "many"}, (0, 0, 0)),
])
def test_sparse_or_odd_usage_fields(server, usage, expected):
    client = CompilerClient(make_config(server))
    server.script(_body("{}", usage))
    u = client.complete([{"role": "user", "content": "hi"}]).usage
    assert (u.tokens_in, u.tokens_cached, u.tokens_out) == expected
    assert u.calls == 1


def test_engine_stats_report_cached_tokens_and_cost(server, make_engine):
    engine = make_engine(price_in=0.0, price_out=0.0)
    server.script(reply(vowels_reply(), 4000, 300, cached=3072))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "compiled"
    assert ans.trace.usage.tokens_cached == 3072
    stats = engine.stats()
    assert stats["usage_total"]["tokens_cached"] == 3072
    assert stats["price"] == DEFAULT_PRICE.to_json()
    assert stats["usage_total"]["cost"] == pytest.approx(DEFAULT_PRICE.cost(4000, 3072, 300))


def test_default_price_is_the_documented_ratio():
    assert (DEFAULT_PRICE.input, DEFAULT_PRICE.cached, DEFAULT_PRICE.output) == (1.0, 0.25, 4.0)
    assert load_config(env={"SEGLAM_MODEL": "m"}).price() == DEFAULT_PRICE
    assert DEFAULT_PRICE.cost(1_000_000, 0, 0) == pytest.approx(1.0)


def test_price_table_inline_and_files(tmp_path):
    table = parse_prices("a=1/0.1/4; b = 3/3/9 ; *=0.5/0.5/2")
    assert table.for_model("a") == Price(1, 0.1, 4)
    assert table.for_model("b") == Price(3, 3, 9)
    assert table.for_model("other") == Price(0.5, 0.5, 2)
    toml = tmp_path / "prices.toml"
    toml.write_text('[m]\ninput = 2.0\ncached_input = 0.5\noutput = 8.0\n')
    assert parse_prices(str(toml)).for_model("m") == Price(2, 0.5, 8)
    js = tmp_path / "prices.json"
    js.write_text(json.dumps({"m": {"input": 1, "output": 2}}))
    assert parse_prices(str(js)).for_model("m") == Price(1, 1, 2)  # no cached price: no discount
    assert parse_prices(None) == PriceTable()
    env = {"SEGLAM_MODEL": "m", "SEGLAM_PRICES": str(toml)}
    assert load_config(env=env).price() == Price(2, 0.5, 8)


def test_per_token_prices_override_the_table():
    cfg = load_config(env={"SEGLAM_MODEL": "m", "SEGLAM_PRICES": "m=9/9/9", "SEGLAM_PRICE_IN": "2e-6",
                           "SEGLAM_PRICE_OUT": "8e-6"})
    assert cfg.price() == pytest.approx(Price(2.0, 0.5, 8.0))
    assert cfg.cost(1000, 1000, 10) == pytest.approx((990 * 2 + 10 * 0.5 + 1000 * 8) / 1e6)


@pytest.mark.parametrize("spec", ["m=1/2", "m=a/b/c", "=1/2/3", "m=-1/0/0", "m=inf/0/0", "just words"])
def test_bad_price_tables_are_config_errors(spec):
    with pytest.raises(PriceError):
        parse_prices(spec)
    with pytest.raises(ConfigError, match="prices"):
        load_config(env={"SEGLAM_MODEL": "m", "SEGLAM_PRICES": spec})


@given(st.integers(0, 10**7), st.integers(-10, 10**7), st.integers(0, 10**7))
@settings(max_examples=50, deadline=None)
def test_cost_is_monotone_and_cached_never_costs_more(tin, cached, tout):
    p = Price(1.0, 0.25, 4.0)
    assert p.cost(tin, cached, tout) <= p.cost(tin, 0, tout) + 1e-12
    assert p.cost(tin, cached, tout + 1) > p.cost(tin, cached, tout)
    assert (Usage(tokens_in=tin, tokens_cached=cached) - Usage(tokens_in=tin)).tokens_cached == cached


# -- the simulated prefix cache ---------------------------------------------------------------


def _msgs(system: str, user: str) -> list[dict]:
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def test_prefix_cache_counts_repeated_prefixes_in_blocks():
    pc = PrefixCache()
    system = "s" * (4 * 3000)  # ~3000 tokens of fixed instructions
    first = _msgs(system, "request one")
    assert pc.cached_tokens("m", first, 3010) == 0  # the first prompt pays in full
    second = _msgs(system, "request two, a different one")
    got = pc.cached_tokens("m", second, 3012)
    assert got % BLOCK_TOKENS == 0 and MIN_TOKENS <= got <= 3000
    assert got >= 3000 - BLOCK_TOKENS  # all whole blocks of the shared prefix
    assert pc.cached_tokens("other-model", second, 3012) == 0  # caches are per model


def test_prefix_cache_needs_1024_tokens():
    pc = PrefixCache()
    short = _msgs("s" * (4 * 1000), "q")
    pc.cached_tokens("m", short, 1003)
    assert pc.cached_tokens("m", short, 1003) == 0
    long = _msgs("t" * (4 * 1100), "q")
    pc.cached_tokens("m", long, 1103)
    assert pc.cached_tokens("m", long, 1103) == MIN_TOKENS


def test_prefix_cache_is_an_exact_prefix_match():
    pc = PrefixCache()
    pc.cached_tokens("m", _msgs("a" * 8000, "q"), 2010)
    changed_start = _msgs("b" + "a" * 7999, "q")
    assert pc.cached_tokens("m", changed_start, 2010) == 0
