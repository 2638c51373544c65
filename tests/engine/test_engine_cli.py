"""``seglam ask``, ``seglam stats`` and the demo, with the oracle toolchain."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from seglam.cli import ask_args
from tests.engine.conftest import VOWELS_REQUEST, vowels_reply
from tests.engine.fake_openai import reply
from tests.cli.commands import run_registered
from tests.engine.oracle_toolchain import OracleToolchain

FAMILIES = Path(__file__).resolve().parents[2] / "stdlib" / "families"


def run(argv, capsys) -> tuple[int, str, str]:
    return run_registered(ask_args.register, argv, capsys)


@pytest.fixture
def env(monkeypatch, tmp_path):
    for var in ("SEGLAM_MODEL", "SEGLAM_BASE_URL", "SEGLAM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SEGLAM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("SEGLAM_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("SEGLAM_PROBATION", "0")  # these tests count calls without trust checks
    monkeypatch.setenv("SEGLAM_NOVELTY", "0")
    return monkeypatch


def test_ask_without_a_model_says_what_to_configure(env, capsys):
    code, out, _ = run(["ask", VOWELS_REQUEST], capsys)
    assert code == 1
    assert "tier:     unsolved" in out and "SEGLAM_MODEL" in out


def test_ask_compiles_then_hits(env, server, capsys):
    env.setenv("SEGLAM_MODEL", "fake-model")
    env.setenv("SEGLAM_BASE_URL", server.url)
    env.setenv("SEGLAM_API_KEY", "k")
    env.setenv("SEGLAM_BACKOFF", "0")
    server.script(reply(vowels_reply(), 1200, 300))
    code, out, _ = run(["ask", VOWELS_REQUEST], capsys)
    assert code == 0, out
    assert "answer:   3" in out and "tier:     compiled" in out
    assert "1200 in + 300 out in 1 model call(s)" in out
    code, out, _ = run(["ask", "How many vowels are in the word avocado?"], capsys)
    assert code == 0 and "answer:   4" in out and "tier:     hit" in out and "a hit needs no model" in out
    assert "entry:" in out and "bindings: word='avocado'" in out
    code, out, _ = run(["ask", "--json", "How many vowels are in the word tea?"], capsys)
    data = json.loads(out)
    assert data["tier"] == "hit" and data["value"] == 2 and data["trace"]["entry_id"]
    code, out, _ = run(["stats"], capsys)
    assert code == 0 and "1 active" in out and "hits:      2" in out and "1500 tokens" in out
    code, out, _ = run(["stats", "--json"], capsys)
    assert json.loads(out)["compiled_by_model"] == 1
    assert server.calls == 1


def test_ask_structured(env, server, capsys):
    env.setenv("SEGLAM_MODEL", "fake-model")
    env.setenv("SEGLAM_BASE_URL", server.url)
    program = "def add(a: int, b: int) -> int:\n    return a + b\n"
    server.script(reply({"description": "add", "patterns": [], "entry": "add", "program": program, "answer": 5}))
    code, out, _ = run(["ask", "--task", "Add two numbers", "--input", "a=2", "--input", "b=3"], capsys)
    assert code == 0 and "answer:   5" in out
    code, out, _ = run(["ask", "--task", "add two numbers", "--input", "a=20", "--input", "b=22"], capsys)
    assert code == 0 and "answer:   42" in out and "tier:     hit" in out


@pytest.mark.parametrize(
    "argv",
    [["ask"], ["ask", "x", "--task", "t"], ["ask", "--task", "t", "--input", "no equals"], ["ask", "x", "--input", "a=1"]],
)
def test_ask_usage_errors(env, capsys, argv):
    code, _, err = run(argv, capsys)
    assert code == 2 and err.startswith("seglam:")


def test_ask_bad_config_is_a_clear_error(env, capsys):
    env.setenv("SEGLAM_CANDIDATES", "lots")
    code, _, err = run(["ask", "hello there"], capsys)
    assert code == 2 and "candidates" in err


def test_show_prompt_needs_no_model(env, capsys):
    code, out, _ = run(["ask", "--show-prompt", VOWELS_REQUEST], capsys)
    assert code == 0
    assert "=== system ===" in out and "=== user ===" in out and VOWELS_REQUEST in out
    assert "Worked family" in out and "prompt hash" in out


def test_demo_answers_from_the_starter_families(env, tmp_path, capsys):
    from seglam.cli.demo import main

    starter = tmp_path / "starter"
    starter.mkdir()
    for name in ("word_sorting", "navigate"):
        for ext in (".sgl", ".json"):
            shutil.copy(FAMILIES / f"{name}{ext}", starter / f"{name}{ext}")
    code = main(["--starter", str(starter)], toolchain=OracleToolchain())
    out = capsys.readouterr().out
    assert code == 0, out
    assert "2 imported" in out
    assert "hit 4" in out and "wrong: 0" in out and "negative controls served by a program: 0" in out
    assert "model calls: 0" in out


def test_starter_bundle_round_trip_and_fallback(tmp_path):
    from seglam.cache.cache import Cache
    from seglam.engine.starter import load_starter, starter_bundle, write_bundle

    with Cache(tmp_path / "a", toolchain=OracleToolchain()) as a:
        first = load_starter(a, FAMILIES, only=("word_sorting", "navigate"))
        assert set(first.imported) == {"word_sorting", "navigate"}
        assert len(write_bundle(a, tmp_path / "bundle")) == 2
    with Cache(tmp_path / "b", toolchain=OracleToolchain()) as b:
        again = load_starter(b, tmp_path / "bundle")
        assert set(again.imported) == {"word_sorting", "navigate"} and again.refused == ()
    if starter_bundle() is not None:
        # the committed bundle carries the real language's content hashes; under another
        # toolchain they differ, so the starter falls back to the family sources
        with Cache(tmp_path / "c", toolchain=OracleToolchain()) as c:
            report = load_starter(c, only=("word_sorting",))
            assert report.imported == ("word_sorting",) and ", then " in report.source
