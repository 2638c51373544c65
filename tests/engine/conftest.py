from __future__ import annotations

import pytest

from seglam.cache.cache import Cache
from seglam.engine import CompilerConfig, Engine
from tests.engine.fake_openai import FakeOpenAI
from tests.engine.oracle_toolchain import OracleToolchain

VOWELS_SRC = '''
@requires(lambda word: len(word) > 0 and word.isalpha())
def solve(word: str) -> int:
    return sum(1 for ch in word.lower() if ch in "aeiou")


assert solve("banana") == 3
'''

WRONG_VOWELS_SRC = '''
@requires(lambda word: len(word) > 0)
def solve(word: str) -> int:
    return len(word)
'''

VOWELS_PATTERN = "How many vowels are in the word {word: word}?"
VOWELS_REQUEST = "How many vowels are in the word banana?"


def vowels_reply(program: str = VOWELS_SRC, answer=3, patterns=(VOWELS_PATTERN,), examples=None) -> dict:
    return {
        "description": "Count the vowels (a, e, i, o, u) in one word.",
        "entry": "solve",
        "patterns": list(patterns),
        "program": program,
        "answer": answer,
        "examples": examples if examples is not None else [
            {"request": "How many vowels are in the word Rhythm?", "answer": 0},
            {"request": "How many vowels are in the word education?", "answer": 5},
        ],
        "properties": [],
    }


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


@pytest.fixture
def cache(tmp_path):
    c = Cache(tmp_path / "cache", toolchain=OracleToolchain())
    yield c
    c.close()


def make_config(server: FakeOpenAI, **kw) -> CompilerConfig:
    base = dict(model="fake-model", base_url=server.url, api_key="test-key", backoff=0.0, timeout=2.0,
                max_retries=2, repair_rounds=2, price_in=1e-6, price_out=2e-6, route=True,
                probation=0, novelty=False, widen=0)  # trust costs calls: tests/engine/test_trust.py turns it on
    base.update(kw)
    return CompilerConfig(**base)


@pytest.fixture
def make_engine(server, cache):
    made = []

    def factory(**kw) -> Engine:
        from seglam.engine.compiler import Compiler
        from seglam.engine.prompt import build_prompts

        prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
        eng = Engine(cache=cache, compiler=Compiler(make_config(server, **kw), prompts=prompts))
        made.append(eng)
        return eng

    yield factory
    for e in made:
        e.close()
