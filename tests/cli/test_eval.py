"""``seglam eval STREAM.jsonl`` end to end against the loopback fake OpenAI server, with the
real openai client (issue 18, point 7): what it counts, what it prints and writes, its
exit codes, and the coded diagnostics of a bad stream."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cli import eval_args
from seglam.engine.answer import TIERS
from seglam.engine.evaluation import judge, normal_form
from seglam.engine.prices import DEFAULT_PRICE
from seglam.engine.stream import STREAM_CODES, StreamError, read_stream
from tests.engine.conftest import VOWELS_REQUEST, WRONG_VOWELS_SRC, vowels_reply
from tests.engine.fake_openai import FakeOpenAI, reply
from tests.cli.commands import run_registered


def vowels(word: str) -> str:
    return f"How many vowels are in the word {word}?"


def run(argv, capsys) -> tuple[int, str, str]:
    return run_registered(eval_args.register, argv, capsys)


@pytest.fixture
def env(monkeypatch, tmp_path):
    for var in ("SEGLAM_MODEL", "SEGLAM_BASE_URL", "SEGLAM_API_KEY", "OPENAI_API_KEY", "OPENAI_BASE_URL",
                "SEGLAM_PRICES", "SEGLAM_PRICE_IN", "SEGLAM_PRICE_OUT", "SEGLAM_ROUTE", "SEGLAM_DIRECT_FALLBACK"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("SEGLAM_CONFIG", str(tmp_path / "no-config.toml"))
    monkeypatch.setenv("SEGLAM_CACHE", str(tmp_path / "default-cache"))
    monkeypatch.setenv("SEGLAM_API_KEY", "test-key")
    monkeypatch.setenv("SEGLAM_BACKOFF", "0")
    monkeypatch.setenv("SEGLAM_MAX_RETRIES", "1")
    monkeypatch.setenv("SEGLAM_PROBATION", "0")  # these tests count calls without trust checks
    monkeypatch.setenv("SEGLAM_NOVELTY", "0")
    return monkeypatch


@pytest.fixture
def server():
    with FakeOpenAI() as s:
        yield s


def write_stream(path, rows) -> str:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return str(path)


def model_args(server, tmp_path) -> list[str]:
    return ["--model", "fake-model", "--base-url", server.url, "--cache", str(tmp_path / "cache")]


STREAM = [
    {"request": VOWELS_REQUEST, "answer": 3, "task": "vowels"},
    {"request": vowels("avocado"), "answer": "4", "task": "vowels"},
    {"request": vowels("tea"), "answer": 2.0, "task": "vowels"},
    {"request": vowels("avocado"), "task": "vowels"},
    {"request": vowels("queue")},
]


def test_first_request_compiles_and_the_rest_hit(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    server.script(reply(vowels_reply(), 1200, 300, cached=200))
    code, out, err = run(["eval", stream, "--json", *model_args(server, tmp_path)], capsys)
    assert code == 0, err
    assert server.calls == 1
    data = json.loads(out)
    total = data["total"]
    assert total["requests"] == 5
    assert list(total["tiers"]) == list(TIERS)
    assert total["tiers"]["compiled"] == 1 and total["tiers"]["hit"] == 4 and total["tiers"]["unsolved"] == 0
    assert (total["scored"], total["right"], total["right_exact"], total["wrong"]) == (3, 3, 2, 0)
    assert total["false_hits"] == 0 and total["program_answers"] == 5
    assert total["calls"] == {"compile": 1} and total["calls_total"] == 1
    assert total["tokens"] == {"prompt": 1200, "completion": 300, "cached": 200}
    assert total["cost"] == pytest.approx(DEFAULT_PRICE.cost(1200, 200, 300))
    assert total["compile"] == {"attempts": 1, "admitted": 1, "failed": 0, "success": 1.0}
    assert total["repair_rounds"] == {"admitted": {"0": 1}, "failed": {}}
    assert total["families_made"] == 1 and len(total["families"]) == 1
    # one family answered all 5 requests through its one pattern (tests/cli: the stream's one wording)
    assert total["absorbed"] == {"families": 1, "requests_per_family": 5.0, "wordings_per_family": 1.0}
    assert "per family:   5.0 requests answered, 1.0 wordings (patterns) matched" in run(
        ["eval", stream, *model_args(server, tmp_path)], capsys)[1]
    assert total["baseline"]["direct"]["calls"] == 5 and total["baseline"]["response_cache"]["calls"] == 4
    assert data["families_before"] == 0 and data["families_after"] == 1
    assert list(data["tasks"]) == ["vowels", "-"]
    assert data["tasks"]["vowels"]["requests"] == 4 and data["tasks"]["-"]["tiers"]["hit"] == 1
    assert data["tasks"]["-"]["calls_total"] == 0
    series = data["series"]
    assert series["calls"] == [1, 1, 1, 1, 1]
    assert series["direct_calls"] == [1, 2, 3, 4, 5] and series["response_cache_calls"] == [1, 2, 3, 3, 4]
    assert [r["tier"] for r in data["requests"]] == ["compiled", "hit", "hit", "hit", "hit"]
    assert [r["value"] for r in data["requests"]] == [3, 4, 2, 4, 4]
    assert data["requests"][0]["calls"] == {"compile": 1} and data["requests"][1]["calls"] == {}


def test_text_report_says_what_seglam_did(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    server.script(reply(vowels_reply(), 1200, 300))
    code, out, _ = run(["eval", stream, *model_args(server, tmp_path)], capsys)
    assert code == 0
    assert "model:   fake-model" in out and "0 active famil(ies) before, 1 after" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines() if line.startswith(("vowels ", "total "))}
    assert rows["vowels"][:5] == ["vowels", "4", "3", "1", "0"]  # task requests hit compiled unsolved
    assert rows["total"][:2] == ["total", "5"]
    assert "model calls:  1 (compile 1)" in out
    assert "1 attempted, 1 admitted (100%); repair rounds: admitted 0:1, failed -" in out
    assert "answers:      3 of 3 scored right (2 exactly), 0 wrong, 0 unanswered" in out
    assert "false hits:   0" in out
    assert "a direct call per request is 5 call(s)" in out and "exact text is 4" in out


def test_a_wrong_program_answer_is_a_false_hit_and_exit_1(env, server, tmp_path, capsys):
    rows = [{"request": VOWELS_REQUEST, "answer": "3"}, {"request": vowels("avocado"), "answer": "5"},
            {"request": vowels("tea"), "answer": "(B)"}]
    stream = write_stream(tmp_path / "s.jsonl", rows)
    server.script(reply(vowels_reply()))
    code, out, _ = run(["eval", stream, *model_args(server, tmp_path)], capsys)
    assert code == 1
    assert "false hits:   2 (a program's answer that was wrong)  <-- exit code 1" in out
    code, out, _ = run(["eval", stream, "--json", *model_args(server, tmp_path)], capsys)
    data = json.loads(out)
    assert code == 1 and data["total"]["false_hits"] == 2 and data["total"]["wrong"] == 2
    assert [r["false_hit"] for r in data["requests"]] == [False, True, True]
    assert data["requests"][1]["expected"] == "5" and data["requests"][1]["value"] == 4


def test_a_repair_round_is_counted(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", [{"request": VOWELS_REQUEST, "answer": 3}])
    server.script(reply(vowels_reply(program=WRONG_VOWELS_SRC), 1000, 100), reply(vowels_reply(), 1500, 200))
    code, out, _ = run(["eval", stream, "--json", *model_args(server, tmp_path)], capsys)
    total = json.loads(out)["total"]
    assert code == 0 and server.calls == 2
    assert total["calls"] == {"compile": 1, "repair": 1}
    assert total["repair_rounds"] == {"admitted": {"1": 1}, "failed": {}}
    assert total["tokens"]["prompt"] == 2500 and total["tokens"]["completion"] == 300


def test_a_compile_that_fails_is_counted_as_failed(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", [{"request": VOWELS_REQUEST, "answer": 3}])
    server.set_default(reply(vowels_reply(program=WRONG_VOWELS_SRC)))
    code, out, _ = run(["eval", stream, "--json", "--repair-rounds", "1", *model_args(server, tmp_path)], capsys)
    total = json.loads(out)["total"]
    assert code == 0 and total["tiers"]["unsolved"] == 1 and total["unanswered"] == 1
    assert total["compile"] == {"attempts": 1, "admitted": 0, "failed": 1, "success": 0.0}
    assert total["repair_rounds"] == {"admitted": {}, "failed": {"1": 1}}
    assert total["families_made"] == 0
    request = json.loads(out)["requests"][0]
    assert request["reasons"] and any("refused" in r or "wrong" in r or "disagree" in r for r in request["reasons"])
    assert all(len(r) <= 4_000 for r in request["reasons"])


def test_a_failing_endpoint_is_a_failed_compile_with_its_attempts(env, server, tmp_path, capsys):
    from tests.engine.fake_openai import status

    stream = write_stream(tmp_path / "s.jsonl", [{"request": VOWELS_REQUEST, "answer": 3}])
    server.set_default(status(503))
    code, out, _ = run(["eval", stream, "--json", *model_args(server, tmp_path)], capsys)
    total = json.loads(out)["total"]
    assert code == 0 and server.calls == 2  # SEGLAM_MAX_RETRIES=1
    assert total["calls_total"] == 0 and total["attempts"] == 2
    assert total["compile"] == {"attempts": 1, "admitted": 0, "failed": 1, "success": 0.0}
    code, out, _ = run(["eval", stream, *model_args(server, tmp_path)], capsys)
    assert "model calls:  0 (compile 0); 2 HTTP attempts with the retries" in out


def test_no_model_answers_only_from_the_cache(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", [{"request": VOWELS_REQUEST, "answer": 3}])
    server.script(reply(vowels_reply()))
    assert run(["eval", stream, *model_args(server, tmp_path)], capsys)[0] == 0
    later = write_stream(tmp_path / "later.jsonl", [{"request": vowels("idea"), "answer": 3},
                                                    {"request": "Sort the words: pear apple", "answer": "apple pear"}])
    code, out, _ = run(["eval", later, "--json", "--no-model", *model_args(server, tmp_path)], capsys)
    data = json.loads(out)
    assert code == 0 and server.calls == 1
    assert data["model"] is None and data["model_mode"] == "off"
    assert data["total"]["tiers"]["hit"] == 1 and data["total"]["tiers"]["unsolved"] == 1
    assert data["total"]["calls_total"] == 0 and data["total"]["right"] == 1 and data["total"]["unanswered"] == 1
    code, out, _ = run(["eval", later, "--no-model", "--cache", str(tmp_path / "cache")], capsys)
    assert "off (--no-model)" in out


def test_without_a_configured_model_a_miss_is_unsolved_and_the_report_says_what_to_set(env, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", [{"request": VOWELS_REQUEST}])
    code, out, _ = run(["eval", stream, "--cache", str(tmp_path / "c")], capsys)
    assert code == 0 and "none configured" in out and "SEGLAM_MODEL" in out
    assert "Unsolved requests need a model" in out


def test_json_schema(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", STREAM[:2])
    server.script(reply(vowels_reply()))
    report = tmp_path / "report.json"
    code, out, _ = run(["eval", stream, "--json", "--report", str(report), *model_args(server, tmp_path)], capsys)
    data = json.loads(out)
    assert json.loads(report.read_text()) == data
    assert set(data) == {"schema", "stream", "requests_in_stream", "model", "model_mode", "price", "cache",
                         "families_before", "families_after", "interrupted", "wall_seconds", "total", "tasks",
                         "series", "requests"}
    assert data["schema"] == "seglam-eval/1" and data["interrupted"] is False
    summary_keys = {"requests", "tiers", "scored", "right", "right_exact", "wrong", "unanswered", "false_hits",
                    "program_answers", "calls", "calls_total", "attempts", "tokens", "cost", "compile", "repair_rounds",
                    "families_made", "families", "absorbed", "baseline", "seconds"}
    assert set(data["total"]) == summary_keys
    assert all(set(s) == summary_keys for s in data["tasks"].values())
    assert set(data["total"]["baseline"]) == {"direct", "response_cache"}
    assert set(data["total"]["baseline"]["direct"]) == {"calls", "tokens_in", "tokens_out", "cost"}
    assert set(data["series"]) == {"calls", "cost", "direct_calls", "direct_cost", "response_cache_calls",
                                   "response_cache_cost"}
    assert all(len(v) == 2 for v in data["series"].values())
    assert set(data["requests"][0]) == {"line", "task", "tier", "value", "expected", "right", "false_hit",
                                        "entry_id", "calls", "tokens", "cost", "seconds", "why", "reasons"}
    assert data["requests"][0]["entry_id"] == data["total"]["families"][0] and data["requests"][1]["entry_id"] is None


def test_png_draws_the_cost_curve(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    server.script(reply(vowels_reply()))
    png = tmp_path / "curve.png"
    code, _, err = run(["eval", stream, "--png", str(png), *model_args(server, tmp_path)], capsys)
    assert code == 0, err
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000


def test_png_without_matplotlib_is_a_clear_error(env, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib raises ImportError
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    code, _, err = run(["eval", stream, "--png", str(tmp_path / "c.png"), "--no-model"], capsys)
    assert code == 2 and "needs matplotlib" in err and "seglam[bench]" in err
    assert not (tmp_path / "c.png").exists()


@pytest.mark.parametrize("flag", ["--report", "--png"])
def test_an_output_that_cannot_be_written_is_refused_before_the_run(env, tmp_path, capsys, flag):
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    code, out, err = run(["eval", stream, flag, str(tmp_path), "--no-model"], capsys)
    assert code == 2 and "is a directory" in err and out == ""
    code, _, err = run(["eval", stream, flag, str(tmp_path / "nope" / "x"), "--no-model"], capsys)
    assert code == 2 and "no such directory" in err


def test_a_damaged_cache_exits_3(env, tmp_path, capsys):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "data.mdb").write_bytes(b"not lmdb" * 600)
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    code, _, err = run(["eval", stream, "--cache", str(broken), "--no-model"], capsys)
    assert code == 3 and "unusable" in err and "Traceback" not in err


def test_ctrl_c_prints_the_partial_report_and_exits_130(env, server, tmp_path, capsys, monkeypatch):
    from seglam.engine.engine import Engine

    real = Engine.solve
    calls = []

    def solve(self, *a, **kw):
        calls.append(1)
        if len(calls) % 3 == 0:
            raise KeyboardInterrupt
        return real(self, *a, **kw)

    monkeypatch.setattr(Engine, "solve", solve)
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    server.script(reply(vowels_reply()))
    code, out, _ = run(["eval", stream, "--json", *model_args(server, tmp_path)], capsys)
    data = json.loads(out)
    assert code == 130 and data["interrupted"] is True
    assert data["total"]["requests"] == 2 and data["requests_in_stream"] == 5
    code, out, _ = run(["eval", stream, "--no-model", "--cache", str(tmp_path / "cache")], capsys)
    assert code == 130 and "2 request(s) of 5 (interrupted)" in out


def test_limit_runs_the_first_n(env, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    code, out, _ = run(["eval", stream, "--json", "--no-model", "--limit", "2"], capsys)
    assert code == 0 and json.loads(out)["total"]["requests"] == 2


@pytest.mark.parametrize("limit", ["0", "-1", "x"])
def test_a_bad_limit_is_a_usage_error(env, tmp_path, limit):
    from seglam.cli.main import main

    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    assert main(["eval", stream, "--limit", limit, "--no-model"]) == 2


def test_progress_only_on_a_terminal(env, tmp_path, capsys, monkeypatch):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    tty = Tty()
    with monkeypatch.context() as patched:
        patched.setattr(sys, "stderr", tty)
        assert run(["eval", stream, "--no-model", "--cache", str(tmp_path / "c")], capsys)[0] == 0
    shown = tty.getvalue()
    assert "\r[1/5] unsolved 1" in shown and "[5/5] unsolved 5 | model calls 0" in shown
    code, _, err = run(["eval", stream, "--no-model", "--cache", str(tmp_path / "c")], capsys)
    assert code == 0 and err == ""


def test_eval_shares_the_model_options_with_ask(env, capsys):
    from seglam.cli.main import main

    assert main(["eval", "--help"]) == 0
    eval_help = capsys.readouterr().out
    assert main(["ask", "--help"]) == 0
    ask_help = capsys.readouterr().out
    for flag in ("--model", "--base-url", "--temperature", "--candidates", "--repair-rounds", "--no-route",
                 "--direct-fallback"):
        assert flag in eval_help and flag in ask_help


def test_a_bad_configuration_is_a_usage_error(env, tmp_path, capsys):
    env.setenv("SEGLAM_CANDIDATES", "lots")
    stream = write_stream(tmp_path / "s.jsonl", STREAM)
    code, _, err = run(["eval", stream], capsys)
    assert code == 2 and "candidates" in err


# -- bad streams ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "code", "col"),
    [
        ('{"request": "x",}', "E-STREAM-JSON", 17),
        ("not json", "E-STREAM-JSON", 1),
        ('["request"]', "E-STREAM-OBJECT", 1),
        ('  "just text"', "E-STREAM-OBJECT", 3),
        ('{"answer": "5"}', "E-STREAM-REQUEST", 1),
        ('{"request": 5}', "E-STREAM-REQUEST", 2),
        ('{"request": "  "}', "E-STREAM-REQUEST", 2),
        ('{"request": "x", "task": 7}', "E-STREAM-TYPE", 18),
        ('{"request": "x", "anwser": "5"}', "E-STREAM-KEY", 18),
        ('{"request": ' + "[" * 300 + "]" * 300 + "}", "E-STREAM-LIMIT", 1),
        ('{"request": "x", "answer": ' + "9" * 30_000 + "}", "E-STREAM-LIMIT", 1),
    ],
)
def test_a_bad_line_gets_a_coded_diagnostic(env, tmp_path, capsys, line, code, col):
    stream = write_stream(tmp_path / "s.jsonl", ['{"request": "fine"}', line])
    status, out, err = run(["eval", stream, "--no-model"], capsys)
    assert status == 2 and out == ""
    head = err.splitlines()[0]
    assert head.startswith(f"{stream}:2:{col}: {code}: ")
    assert "hint:" in err and "Traceback" not in err
    if len(line) < 100:
        assert f"    {line}" in err
        assert err.splitlines()[2] == "    " + " " * (col - 1) + "^"


def test_a_misspelt_key_gets_a_suggestion(env, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", ['{"request": "x", "anwser": "5"}'])
    _, _, err = run(["eval", stream, "--no-model"], capsys)
    assert "did you mean 'answer'?" in err


def test_every_bad_line_is_listed_and_nothing_runs(env, server, tmp_path, capsys):
    stream = write_stream(tmp_path / "s.jsonl", ["[1]", '{"request": "ok"}', "{", "5"])
    status, _, err = run(["eval", stream, *model_args(server, tmp_path)], capsys)
    assert status == 2 and server.calls == 0
    assert [ln.split(": ")[1] for ln in err.splitlines() if ln.startswith(stream)] == [
        "E-STREAM-OBJECT", "E-STREAM-JSON", "E-STREAM-OBJECT"]


def test_bad_bytes_and_bad_files(env, tmp_path, capsys):
    raw = tmp_path / "bytes.jsonl"
    raw.write_bytes(b'{"request": "caf\xe9"}\n')
    status, _, err = run(["eval", str(raw), "--no-model"], capsys)
    assert status == 2 and f"{raw}:1:17: E-STREAM-UTF8" in err
    for path, code in [(tmp_path / "missing.jsonl", "E-STREAM-FILE"), (tmp_path, "E-STREAM-FILE"),
                       ("/dev/zero", "E-STREAM-FILE")]:
        status, _, err = run(["eval", str(path), "--no-model"], capsys)
        assert status == 2 and err.startswith(f"{path}: {code}: "), err
    empty = write_stream(tmp_path / "empty.jsonl", ["", "   "])
    status, _, err = run(["eval", empty, "--no-model"], capsys)
    assert status == 2 and "E-STREAM-EMPTY" in err


def test_stream_reader_limits_and_forms(tmp_path):
    path = tmp_path / "s.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"request": "a", "answer": null}\r\n\n{"request": "b", "answer": 0, "task": "t"}\n')
    lines = read_stream(str(path))
    assert [(x.line, x.request, x.has_answer, x.answer, x.task) for x in lines] == [
        (1, "a", False, None, None), (3, "b", True, 0, "t")]
    assert [x.request for x in read_stream(str(path), limit=1)] == ["a"]
    with pytest.raises(StreamError) as info:
        read_stream(str(path), max_bytes=10)
    assert info.value.diagnostics[0].code == "E-STREAM-SIZE"
    path.write_text("\n".join(["[]"] * 50))
    with pytest.raises(StreamError) as info:
        read_stream(str(path))
    assert len(info.value.diagnostics) == 20 and info.value.more == 30 and "30 more bad line(s)" in info.value.render()
    assert {d.code for d in info.value.diagnostics} <= set(STREAM_CODES)


# -- comparing answers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected", "exact", "right"),
    [
        ("apple pear", "apple pear", True, True),
        (8, "8", True, True),
        (True, "True", True, True),
        (3, 3, True, True),
        ("(A)", "A", False, True),
        ("A", "(a)", False, True),
        (5, "5.0", False, True),
        (5.0, 5, False, True),
        ("Yes.", "yes", False, True),
        ("  two   words ", "Two words", False, True),
        (True, "true", False, True),
        ((1, "a"), [1, "a"], False, True),
        ({"b": 1, "a": 2}, {"a": 2, "b": 1}, True, True),
        (0.1, "0.1", True, True),
        (4, "5", False, False),
        ("(A)", "(B)", False, False),
        (True, 1, False, False),
        ("5", "5.1", False, False),
        ([1, 2], [2, 1], False, False),
        (None, "None", False, True),
    ],
)
def test_answer_comparison(value, expected, exact, right):
    assert judge(value, expected) == (exact, right)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=200, deadline=None)
@given(_json)
def test_a_value_is_always_right_against_itself(value):
    assert judge(value, value) == (True, True)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30), st.sampled_from(["", " ", "\n\t"]), st.sampled_from(["", " ", ".", " .", "\n"]))
def test_padding_and_a_trailing_dot_do_not_change_the_verdict(text, lead, tail):
    assert normal_form(f"{lead}{text.upper()}{tail}") == normal_form(text.upper())
    assert judge(text, f"{lead}{text}{tail}")[1]


def test_docs_eval_names_every_tier_and_call_purpose():
    """docs/eval.md describes each tier the report counts and each purpose a model call has."""
    from pathlib import Path

    from seglam.engine import TIERS

    text = (Path(__file__).resolve().parents[2] / "docs" / "eval.md").read_text(encoding="utf-8")
    assert [t for t in TIERS if f"`{t}`" not in text] == []
    assert [p for p in ("compile", "repair", "route", "direct", "shadow", "settle") if f"`{p}`" not in text] == []
