"""Routing, the no-model miss, @function, and hostile input."""

from __future__ import annotations

import json

import pytest

from seglam.engine import Engine, FunctionUnsolved, function
from tests.engine.conftest import VOWELS_REQUEST, vowels_reply
from tests.engine.fake_openai import first_user_text, reply


def offered(body) -> list[dict]:
    text = first_user_text(body)
    part = text.split("Offered families:\n", 1)[1]
    return [json.loads(line) for line in part.splitlines() if line.startswith("{")]


def route_to_first(pattern: str | None, bindings: dict):
    def respond(body):
        fams = offered(body)
        return reply({"family": fams[0]["id"], "bindings": bindings, "pattern": pattern}, 300, 20)

    return respond


def test_paraphrase_routes_to_the_family(server, cache, make_engine):
    engine = make_engine()
    server.script(reply(vowels_reply()))
    first = engine.solve(VOWELS_REQUEST)
    assert first.tier == "compiled"
    para = "Count the vowels in the word strawberry, please."
    server.script(route_to_first("Count the vowels in the word {word: word}, please.", {"word": "strawberry"}))
    ans = engine.solve(para)
    assert ans.tier == "routed" and ans.value == 2
    assert ans.trace.entry_id == first.trace.entry_id
    assert ans.trace.usage.calls == 1
    assert server.calls == 2
    assert server.requests[1]["messages"][0]["content"].startswith("You route a request")
    if hasattr(cache, "add_pattern"):
        again = engine.solve("Count the vowels in the word kiwi, please.")
        assert again.tier == "hit" and again.value == 2 and server.calls == 2


def test_routing_with_bad_bindings_falls_back_to_compile(server, cache, make_engine):
    engine = make_engine()
    server.script(reply(vowels_reply()))
    engine.solve(VOWELS_REQUEST)
    server.script(route_to_first(None, {"word": 17}), reply({"description": "x", "patterns": [], "program": "", "answer": None}))
    ans = engine.solve("Count the vowels in strawberry")
    assert ans.tier == "unsolved"
    assert any("routing to" in r and "not a str" in r for r in ans.trace.reasons)
    assert server.calls == 3


def test_routing_declined_goes_to_compile(server, cache, make_engine):
    engine = make_engine()
    server.script(reply(vowels_reply()))
    engine.solve(VOWELS_REQUEST)
    server.script(reply({"family": None}), reply({"description": "x", "patterns": [], "program": "", "answer": None}))
    ans = engine.solve("How many consonants are in the word banana?")
    assert ans.tier == "unsolved" and server.calls == 3


def test_without_a_model_a_miss_says_what_to_configure(cache, monkeypatch):
    for var in ("SEGLAM_MODEL", "SEGLAM_CONFIG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", "/nonexistent")
    engine = Engine(cache=cache)
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "unsolved"
    assert "SEGLAM_MODEL" in ans.trace.message


def test_function_compiles_once_for_many_calls(server, cache, make_engine):
    engine = make_engine()
    program = '''
def count_vowels(text: str) -> int:
    return sum(1 for ch in text.lower() if ch in "aeiou")
'''
    server.script(reply({"description": "count vowels", "patterns": [], "entry": "count_vowels", "program": program, "answer": 2}))

    @engine.function
    def count_vowels(text: str) -> int:
        """How many of the letters a, e, i, o, u the text has (case-insensitive).

        >>> count_vowels("Banana")
        3
        """

    assert count_vowels("tea") == 2
    assert [count_vowels(w) for w in ("Banana", "sky", "Queue", "AEIOU")] == [3, 0, 4, 5]
    assert count_vowels.last_answer.tier == "hit"
    assert server.calls == 1
    user = server.requests[0]["messages"][1]["content"]
    assert "count_vowels(text: str) -> int" in user and "Frozen examples" in user


def test_function_with_wrong_signature_is_refused(server, cache, make_engine):
    engine = make_engine(repair_rounds=0)
    program = '''
def count_vowels(text: str, extra: int) -> int:
    return 0
'''
    server.script(reply({"description": "x", "patterns": [], "entry": "count_vowels", "program": program, "answer": 0}))

    @function(engine=engine)
    def count_vowels(text: str) -> int:
        """Count vowels."""

    with pytest.raises(FunctionUnsolved) as info:
        count_vowels("sky")
    assert "must be exactly" in str(info.value) or "must take exactly" in str(info.value)
    assert cache.list() == []


def test_function_frozen_examples_cannot_be_weakened(server, cache, make_engine):
    engine = make_engine(repair_rounds=1)
    cheat = '''
def double(n: int) -> int:
    return n + 2
'''
    server.script(
        reply({"description": "x", "patterns": [], "entry": "double", "program": cheat, "answer": 4}),
        reply({"description": "x", "patterns": [], "entry": "double", "program": cheat, "answer": 4}),
    )

    @function(engine=engine)
    def double(n: int) -> int:
        """Twice n.

        >>> double(5)
        10
        """

    with pytest.raises(FunctionUnsolved):
        double(2)  # 2 + 2 == 4 agrees, but the frozen example double(5) == 10 fails
    assert cache.list() == []


@pytest.mark.parametrize("text", ["", " ", "{}", "\x00" * 10, "{word: word}", "a" * 200_000, "é" * 1000])
def test_hostile_requests_end_in_an_answer(cache, text, monkeypatch):
    monkeypatch.delenv("SEGLAM_MODEL", raising=False)
    engine = Engine(cache=cache, compiler=False)
    ans = engine.solve(text)
    assert ans.tier == "unsolved"


def test_hostile_program_is_refused_not_run(server, cache, make_engine):
    engine = make_engine(repair_rounds=0)
    evil = "import os\ndef solve(word: str) -> int:\n    return len(os.listdir('/'))\n"
    server.script(reply(vowels_reply(program=evil, examples=[])))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "unsolved"
    assert cache.list() == []


@pytest.mark.parametrize(
    "content",
    [
        "[" * 5000 + "]" * 5000,
        '{"description": "d", "program": "def solve(word: str) -> int:\\n    return 1\\n", "answer": '
        + "[" * 3000 + "]" * 3000 + "}",
        {"description": "d", "program": 5, "answer": 1},
        {"description": "d", "program": "x" * 100_000, "answer": 1},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return 3\n", "answer": 3,
         "patterns": ["{"], "examples": []},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return 3\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"], "examples": [{"answer": 1}]},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return 3\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"], "examples": [{"inputs": {"zz": 1}, "answer": 1}]},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return solve(word)\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"]},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return 1 // 0\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"]},
        {"description": "d", "program": "def solve(word: str) -> int:\n    return ().__class__\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"]},
        {"description": "d", "entry": "nope", "program": "def solve(word: str) -> int:\n    return 3\n", "answer": 3,
         "patterns": ["How many vowels are in the word {word: word}?"]},
    ],
)
def test_malformed_model_replies_end_cleanly(server, cache, make_engine, content):
    engine = make_engine(repair_rounds=0)
    server.script(reply(content))
    ans = engine.solve(VOWELS_REQUEST)
    assert ans.tier == "unsolved" and ans.trace.reasons
    assert cache.list() == []


def test_function_called_with_inputs_of_the_wrong_kind_is_a_miss_without_a_model_call(server, cache, make_engine):
    engine = make_engine()
    program = "def count_vowels(text: str) -> int:\n    return sum(1 for ch in text.lower() if ch in 'aeiou')\n"
    server.script(reply({"description": "count vowels", "patterns": [], "entry": "count_vowels", "program": program, "answer": 2}))

    @engine.function
    def count_vowels(text: str) -> int:
        """How many of the letters a, e, i, o, u the text has."""

    assert count_vowels("tea") == 2
    with pytest.raises(FunctionUnsolved) as info:
        count_vowels(5)
    assert "owns this task" in str(info.value)
    assert server.calls == 1
