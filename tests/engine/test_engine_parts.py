"""Pure parts: the guide generator, config loading, reply decoding, BM25, agreement."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from seglam.engine.admission import agrees, coerce
from seglam.engine.config import ConfigError, load_config
from seglam.engine.guide import FALLBACK_GUIDE, generate_guide, load_guide, split_sections
from seglam.engine.prompt import build_prompts, free_text_request, stdlib_list
from seglam.engine.worked import load_worked
from seglam.engine.router import Doc, bm25_rank, tokens
from seglam.engine.schema import CompileReply, ReplyError, RouteReply, decode_reply

FIXTURE = Path(__file__).with_name("fixtures") / "spec_fixture.md"


def test_guide_from_fixture():
    g = generate_guide(FIXTURE.read_text())
    assert "Kept prose inside the guide region." in g
    assert "def main() -> int:" in g
    assert "Intro prose" not in g and "Prose about types" not in g
    assert "- `int`: unbounded\n  and capped at run time." in g
    assert "**Built-in functions:** `len`, `abs`,\n`sorted`." in g
    assert "- `bool`: truth" in g  # a two-column table as a list
    assert "implementation detail" not in g and "also skipped" not in g
    assert "All of this section goes in, prose too." in g
    assert "# a heading-looking comment inside code" in g
    assert "<!--" not in g


def test_guide_keeps_rules_and_leaves_out_examples_and_repeats():
    g = generate_guide(FIXTURE.read_text())
    assert "names a check's code (E-FROZEN) states a rule and goes in." in g
    assert "A paragraph marked to be kept goes in too." in g
    assert "A tutorial paragraph" not in g
    assert "- a bullet that stays" in g and "the prompt states elsewhere" not in g
    assert "dropped_example" not in g  # code blocks of a digested section are examples
    assert "only_an_example" not in g and "Only examples" not in g  # nothing left: no heading


def test_guide_is_capped_and_has_fallbacks(tmp_path):
    g = generate_guide(FIXTURE.read_text(), max_chars=120)
    assert len(g) < 200 and g.endswith("[... guide truncated ...]\n")
    assert load_guide(tmp_path / "missing.md") == FALLBACK_GUIDE
    assert split_sections("```\n# not a heading\n```\n")[0].title == ""


def test_guide_from_the_real_spec_when_present():
    spec = Path(__file__).resolve().parents[2] / "SPEC.md"
    g = load_guide(spec)
    assert "@requires" in g and len(g) > 2000


def test_prompt_contains_guide_stdlib_schema_and_worked_families():
    book = build_prompts(guide="GUIDE-TEXT\n")
    assert "GUIDE-TEXT" in book.system
    assert "parse_int" in book.system
    assert '"patterns"' in book.system and '"answer"' in book.system
    worked = load_worked()
    assert worked and all(w.reply["program"] for w in worked)
    assert "Worked family" not in book.system  # the fixed prefix is the same for every request
    user = book.compile_messages(free_text_request("Sort: b a"), "Sort the following words alphabetically")[1]
    assert user["content"].startswith("# Worked family: ")
    assert user["content"].endswith("Request:\nSort: b a")
    assert len(book.hash) == 64
    assert build_prompts(guide="GUIDE-TEXT\n").hash == book.hash  # deterministic
    assert "len" in stdlib_list()


def test_config_layers(tmp_path):
    f = tmp_path / "config.toml"
    f.write_text('[compiler]\nmodel = "file-model"\ntemperature = 0.5\ncandidates = 2\n')
    env = {"SEGLAM_CONFIG": str(f), "SEGLAM_TEMPERATURE": "0.2", "OPENAI_API_KEY": "sk-x"}
    c = load_config(env=env)
    assert (c.model, c.temperature, c.candidates, c.api_key) == ("file-model", 0.2, 2, "sk-x")
    assert load_config(env=env, model="arg-model").model == "arg-model"
    assert c.public()["api_key"] == "set"
    assert not load_config(env={"SEGLAM_CONFIG": str(tmp_path / "none.toml")}).configured


@pytest.mark.parametrize(
    "text,env",
    [
        ('[compiler]\nmodle = "x"\n', {}),
        ("not = [toml", {}),
        ("", {"SEGLAM_CANDIDATES": "many"}),
        ("", {"SEGLAM_REPAIR_ROUNDS": "-1"}),
        ("", {"SEGLAM_ROUTE": "perhaps"}),
    ],
)
def test_config_errors_are_clear(tmp_path, text, env):
    f = tmp_path / "config.toml"
    f.write_text(text)
    with pytest.raises(ConfigError):
        load_config(env={"SEGLAM_CONFIG": str(f), **env})


def test_decode_reply_tolerates_fences_and_prose():
    r = decode_reply('Here:\n```json\n{"description": "d", "program": "p", "answer": 1, "patterns": []}\n```',
                     CompileReply)
    assert (r.program, r.answer, r.patterns) == ("p", 1, [])
    with pytest.raises(ReplyError, match="missing required field `patterns`"):  # required, no default
        decode_reply('{"description": "d", "program": "p", "answer": 1}', CompileReply)
    assert decode_reply('{"family": null}', RouteReply).family is None
    for bad in ["", "nope", "[1, 2]", '{"program": "p"}', '{"description": 1, "program": "p", "answer": 1}', "{" * 10]:
        with pytest.raises(ReplyError):
            decode_reply(bad, CompileReply)


def test_bm25_ranks_the_family_that_shares_rare_words():
    docs = [
        Doc("sort", "Sort the following words alphabetically: List: {words: str} sort words"),
        Doc("nav", "If you follow these instructions, do you return to the starting point? {instructions: str}"),
        Doc("bool", "{expression: str} is Evaluate a Boolean formula"),
    ]
    top = bm25_rank("Please alphabetize these words: pear apple", docs)
    assert top[0].id == "sort"
    assert bm25_rank("zzz qqq", docs) == []
    assert "words" in tokens("{words: str} words") and "str" not in tokens("{words: str}")


@pytest.mark.parametrize(
    "value,answer,ok",
    [
        (3, 3, True), (3, "3", True), ("Yes", "Yes ", True), (True, "True", True), (True, 1, False),
        (1, True, False), ((1, 2), [1, 2], True), ({1, 2}, [2, 1], True), (Decimal("1.50"), 1.5, True),
        ("(A)", "(B)", False), ([1, [2]], [1, [2]], True), ({"a": 1}, {"a": 1}, True), (None, None, True),
        (None, "None", False),
    ],
)
def test_agreement(value, answer, ok):
    assert agrees(value, answer) is ok


def test_coerce_json_to_parameter_types():
    assert coerce("1.5", "Decimal") == Decimal("1.5")
    assert coerce([1, 2], "tuple[int, ...]") == (1, 2)
    assert coerce(None, "int | None") is None
    with pytest.raises(ValueError):
        coerce(True, "int")
    with pytest.raises(ValueError):
        coerce("x", "int")


def test_coerce_keeps_an_int_an_int_for_a_float_parameter():
    """A model's example or binding of 3 for a float parameter stays the int 3, as CPython and
    Program.call keep it (SPEC section 3), so the program prints what the model computed
    with it ("6", not "6.0"); an int too large for a float is an int like any other (it was
    a ValueError, then; `seglam run` does the same since the red-team run's RT-02)."""
    assert coerce(3, "float") == 3 and type(coerce(3, "float")) is int
    assert type(coerce(2.5, "float")) is float
    assert coerce(10 ** 400, "float") == 10 ** 400
    assert coerce(None, "float | None") is None


def test_verifier_reports_are_summarised_for_the_model():
    import json

    from seglam.engine.admission import summarise_verification

    report = {"error": None, "file": "pad.sgl", "obligations": [
        {"function": "f", "kind": "fault", "title": "no fault", "verdict": "proved", "severity": "error"},
        {"function": "g", "kind": "ensures", "title": "vacuous", "verdict": "refuted", "severity": "warning",
         "reason": "none met"},
        {"function": "pad", "kind": "fault", "title": "no fault under the precondition", "verdict": "refuted",
         "severity": "error", "span": {"line": 3}, "reason": "F-OVERFLOW on this input", "code": "F-OVERFLOW",
         "counterexample": "pad(width=-1)", "actual": "fault F-OVERFLOW: int too large"},
    ]}
    lines = summarise_verification(json.dumps(report)).splitlines()
    assert lines[0] == ("1. fault refuted [F-OVERFLOW] at pad.sgl:3: pad: no fault under the precondition "
                        "(F-OVERFLOW on this input)")
    assert lines[1].split() == ["input:", "pad(width=-1)"]
    assert lines[-1] == "passed: 1 obligation proved, 1 warning (none met)"  # the warning is not a failure
    assert not any(l.startswith("2.") for l in lines)
    assert summarise_verification("plain text").startswith("1. verifier: plain text")


def test_a_fenced_program_is_unwrapped():
    from seglam.engine.admission import strip_fence

    assert strip_fence("```python\ndef f() -> int:\n    return 1\n```") == "def f() -> int:\n    return 1\n"
    assert strip_fence("def f() -> int:\n    return 1\n") == "def f() -> int:\n    return 1\n"


def test_the_route_prompt_lists_every_hole_type_the_pattern_engine_knows():
    """A routing reply writes a pattern for the request; the route prompt must offer every
    hole type (a stand-in found tokens and chars missing while the offered families used them)."""
    from seglam.cache.holes import HOLE_TYPES

    route = build_prompts().route_system
    listed = route[route.index("(types: ") + len("(types: "):].split("), so the next")[0]
    assert [t.split("(")[0] for t in listed.split(", ")] == list(HOLE_TYPES)


def test_counterexamples_are_shown_as_a_regression_list_every_version_must_pass():
    from seglam.engine.prompt import free_text_request

    text = free_text_request("How many vowels are in kiwi?", ("inputs word='é' must give 1",), current="def solve() -> int:\n    return 1\n")
    assert "a growing regression list" in text and "must pass every one" in text
    assert text.index("regression list") < text.index("The family's current program")
