"""A model-written helper general enough to stand alone, admitted as a library module: the
scripted model (the loopback fake server, the real openai client) replies with a family and,
in the reply's `modules` field, a helper module it imports. The cache verifies the helper on
its own and keeps it in its library (version 1), the family records it, a later request of
the kind is a hit over it, and a second family may import it. A helper whose own examples
fail, or that would replace a library module, keeps the family out."""

from __future__ import annotations

from seglam.cache.cache import Cache
from seglam.cache.toolchain import SeglamToolchain
from seglam.engine import Engine
from seglam.engine.compiler import Compiler
from seglam.engine.prompt import build_prompts
from tests.engine.conftest import make_config
from tests.engine.fake_openai import reply

HELPER = '''"""Hours on a 24-hour clock."""


def later(h: int, n: int) -> int:
    """`n` hours after `h`."""
    return (h + n) % 24


assert later(23, 2) == 1
assert later(0, 48) == 0
'''

PROGRAM = '''from clock import later


def solve(h: int, n: int) -> int:
    return later(h, n)


assert solve(22, 3) == 1
'''

PATTERN = "What hour is it {n: int} hours after {h: int} o'clock?"
REQUEST = "What hour is it 5 hours after 21 o'clock?"
LATER = "What hour is it 3 hours after 23 o'clock?"


def _reply(helper: str = HELPER, name: str = "clock") -> dict:
    return {"description": "The hour n hours after h on a 24-hour clock.", "entry": "solve", "patterns": [PATTERN],
            "program": PROGRAM.replace("clock", name), "answer": 2,
            "examples": [{"request": "What hour is it 1 hours after 1 o'clock?", "answer": 2}],
            "properties": [], "modules": [{"name": name, "source": helper}]}


def _engine(server, cache) -> Engine:
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    return Engine(cache=cache, compiler=Compiler(make_config(server), prompts=prompts))


def _cache(tmp_path) -> Cache:
    return Cache(tmp_path / "cache", toolchain=SeglamToolchain({"max_examples": 10, "z3": False}))


def test_a_helper_module_from_the_model_is_admitted_to_the_library(server, tmp_path):
    server.script(reply(_reply(), 3000, 400))
    with _cache(tmp_path) as cache:
        engine = _engine(server, cache)
        first = engine.solve(REQUEST)
        assert first.tier == "compiled" and first.value == 2, first.trace.reasons
        [module] = cache.modules()
        assert (module.name, module.version, module.provenance.origin) == ("clock", 1, "engine")
        assert module.source == HELPER and module.verification.ok
        entry = cache.get(first.trace.entry_id)
        assert [(r.name, r.version, r.hash) for r in entry.modules] == [("clock", 1, module.hash)]
        second = engine.solve(LATER)
        assert second.tier == "hit" and second.value == 2 and server.calls == 1
        engine.close()
    # the reply's shape, sent to the model, names the field
    assert '"modules"?: [{"name": string, "source": string}, ...]' in server.requests[0]["messages"][0]["content"]


def test_a_helper_whose_own_examples_fail_keeps_the_family_out(server, tmp_path):
    broken = HELPER.replace("later(0, 48) == 0", "later(0, 48) == 48")
    server.script(*[reply(_reply(broken), 3000, 400)] * 6)
    with _cache(tmp_path) as cache:
        engine = _engine(server, cache)
        answer = engine.solve(REQUEST)
        assert answer.tier != "compiled" and cache.list() == [] and cache.modules() == []
        assert any("helper module 'clock'" in r for r in answer.trace.reasons), answer.trace.reasons
        engine.close()


def test_a_helper_never_replaces_a_library_module(server, tmp_path):
    with _cache(tmp_path) as cache:
        kept = cache.admit_module("clock", HELPER.replace("(h + n) % 24", "(n + h) % 24")).module
        other = HELPER.replace("assert later(0, 48) == 0", "assert later(0, 24) == 0")
        server.script(*[reply(_reply(other), 3000, 400)] * 6)
        engine = _engine(server, cache)
        answer = engine.solve(REQUEST)
        assert answer.tier != "compiled" and cache.list() == []
        assert any("already has a module of that name" in r for r in answer.trace.reasons), answer.trace.reasons
        assert [m.hash for m in cache.module_versions("clock")] == [kept.hash]
        engine.close()


def test_the_cache_library_modules_related_to_a_request_are_listed_in_its_compile_prompt(server, tmp_path):
    """The library grows: a module the cache keeps is listed (signature and doc, not body) in
    the compile prompt of a request that shares words with it, and not in one that does not."""
    from seglam.engine.library_prompt import CACHE_HEADING, cache_library_for

    declined = {"description": "", "entry": "solve", "patterns": [], "program": "", "answer": None}
    server.script(reply(declined, 100, 10), reply(declined, 100, 10))
    with _cache(tmp_path) as cache:
        cache.admit_module("clock", HELPER)
        engine = _engine(server, cache)
        engine.solve("On a clock, which hour comes 30 hours after 7 o'clock?")
        engine.solve("Sort these words: pear apple fig")
        engine.close()
    related, unrelated = (body["messages"][-1]["content"] for body in server.requests[:2])
    assert CACHE_HEADING in related and "- later(h: int, n: int) -> int: `n` hours after `h`." in related
    assert "% 24" not in related  # the body stays out
    assert CACHE_HEADING not in unrelated
    many = [(f"clock{i}", HELPER) for i in range(9)]
    assert cache_library_for("hours on a clock", many).count("module clock") == 4  # bounded
