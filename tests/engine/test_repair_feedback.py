"""Repair feedback (seglam/engine/feedback.py): golden repair prompts, one per kind of failure.

Every case is a real failing candidate judged by the real checks: the checker, the runtime
under fuel (faults triaged by the cache gate), the pattern rules and the cache's clash check,
and the verifier. Nothing here builds a failure by hand. Each rendered repair turn
(``repair_message``) is compared to ``tests/engine/golden/repair_<case>.txt``.

To regenerate the goldens after an intended change of format, run::

    SEGLAM_REGEN_GOLDEN=1 .venv/bin/python -m pytest -q -p no:cacheprovider tests/engine/test_repair_feedback.py

then read the diff (``git diff tests/engine/golden``) before committing it.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache.cache import Cache
from seglam.cache.toolchain import SeglamToolchain, fit_json
from seglam.engine import CompilerConfig, Engine
from seglam.engine.admission import Candidate, Refusal, Request, evaluate, frozen_asserts
from seglam.engine.compiler import Compiler
from seglam.engine.feedback import BUDGET, Failure, Feedback, Passed, verifier_feedback
from seglam.engine.prompt import build_prompts, repair_message
from seglam.engine.schema import CompileReply, decode_reply
from tests.engine.conftest import VOWELS_REQUEST, VOWELS_SRC, WRONG_VOWELS_SRC, vowels_reply
from tests.engine.fake_openai import FakeOpenAI, reply

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("SEGLAM_REGEN_GOLDEN") == "1"
FUEL = 200_000

PRE = "@requires(lambda word: len(word) > 0 and word.isalpha())\n"
COUNT = '    return sum(1 for ch in word.lower() if ch in "aeiou")\n'
LOOSE = VOWELS_SRC.replace("def solve(word: str)", 'def solve(word: str, q: str = "")')


@dataclass(frozen=True)
class Case:
    """A failing candidate: ``kind`` is the kind of its first failure."""

    name: str
    kind: str
    reply: dict[str, Any]
    request: Request = Request(text=VOWELS_REQUEST)
    clash: bool = False  # judged against a cache that already holds the vowels family


def vowels(program: str, **kw: Any) -> dict[str, Any]:
    return vowels_reply(program=program, **kw)


CASES = [
    Case("answer", "answer", vowels(WRONG_VOWELS_SRC)),
    Case("wrong_example", "example", vowels(VOWELS_SRC, examples=[
        {"request": "How many vowels are in the word Rhythm?", "answer": 0},
        {"request": "How many vowels are in the word education?", "answer": 4}])),
    Case("example_misses_pattern", "example misses pattern", vowels(VOWELS_SRC, examples=[
        {"request": "Count the vowels of education", "answer": 5}])),
    Case("pattern_misses_request", "pattern misses request",
         vowels(VOWELS_SRC, patterns=["How many vowels does the word {word: word} have?"])),
    Case("pattern_hole", "pattern", vowels(VOWELS_SRC, patterns=["How many vowels are in the word {w: word}?"])),
    Case("pattern_over_general", "pattern refused", vowels(LOOSE, patterns=["{q: str} word {word: word}?"],
                                                          examples=[])),
    Case("pattern_clash", "pattern refused", {
        "description": "Count the letters of one kind in a word.", "entry": "solve",
        "patterns": ["How many {kind: word} are in the word {word: word}?"],
        "program": "@requires(lambda kind, word: len(word) > 0 and word.isalpha())\n"
        + "def solve(kind: str, word: str) -> int:\n"
        + '    vowels = sum(1 for ch in word.lower() if ch in "aeiou")\n'
        + "    return vowels if kind == \"vowels\" else len(word) - vowels\n",
        "answer": 3, "examples": []}, Request(text="How many consonants are in the word banana?"), clash=True),
    Case("syntax_error", "check", vowels("def solve(word: str) -> int\n    return 1\n")),
    Case("type_error", "check", vowels(PRE + "def solve(word: str) -> int:\n    n = len(word)\n"
                                              '    return n + " vowels"\n')),
    Case("fuel", "fuel", vowels(PRE + "def solve(word: str) -> int:\n    n = 0\n    while n >= 0:\n"
                                      "        n += 1\n    return n\n")),
    Case("fault_on_request", "fault", vowels(PRE + "def solve(word: str) -> int:\n"
                                                   "    return [1, 2, 3][len(word)]\n")),
    Case("precondition_rejects_request", "domain",
         vowels(VOWELS_SRC.replace("len(word) > 0", "len(word) < 5"))),
    Case("refuted_ensures", "ensures refuted",
         vowels(PRE + "@ensures(lambda word, result: result < len(word))\ndef solve(word: str) -> int:\n" + COUNT)),
    Case("fault_on_fuzzed_input", "fault refuted",
         vowels(PRE + "def solve(word: str) -> int:\n" + '    n = sum(1 for ch in word.lower() if ch in "aeiou")\n'
                + "    return n + 0 * (10 // (len(word) - 4))\n")),
    Case("module_example", "example refuted", vowels(VOWELS_SRC + 'assert solve("queue") == 3\n')),
    Case("refuted_property", "property refuted",
         vowels(VOWELS_SRC + "\n\n" + PRE + "def prop_at_most_half(word: str) -> bool:\n"
                "    return solve(word) * 2 <= len(word)\n")),
    Case("structured_signature", "entry", {
        "description": "Add two numbers.", "entry": "solve", "patterns": [],
        "program": "def solve(a: int, b: int) -> float:\n    return a + b\n", "answer": 5, "examples": []},
         Request(task="Add two numbers", inputs={"a": 2, "b": 3}, signature="def solve(a: int, b: int) -> int",
                 entry="solve", frozen_examples=(({"a": 1, "b": 1}, 2),))),
]


@pytest.fixture(scope="module")
def toolchain() -> SeglamToolchain:
    return SeglamToolchain()


@pytest.fixture(scope="module")
def empty_cache(tmp_path_factory, toolchain):
    c = Cache(tmp_path_factory.mktemp("empty") / "cache", toolchain=toolchain)
    yield c
    c.close()


@pytest.fixture(scope="module")
def vowels_cache(tmp_path_factory, toolchain):
    """A cache holding the vowels family, admitted the way the engine admits one, and its
    id (the goldens hide it: it follows the program's hash)."""
    c = Cache(tmp_path_factory.mktemp("vowels") / "cache", toolchain=toolchain)
    judged = judge(vowels(VOWELS_SRC), Request(text=VOWELS_REQUEST), toolchain, c)
    assert isinstance(judged, Candidate), judged
    yield c, c.admit(judged.draft)
    c.close()


def judge(raw: dict[str, Any], request: Request, toolchain: Any, cache: Cache) -> Candidate | Refusal:
    reply_ = decode_reply(json.dumps(raw), CompileReply)
    return evaluate(reply_, request, toolchain, fuel=FUEL,
                    check_pattern=lambda text, samples: cache.check_pattern(text, samples))


def prompt_for(case: Case, refused: Refusal) -> str:
    frozen = frozen_asserts(case.request.entry or "solve", case.request.frozen_examples)
    return repair_message(refused.feedback, frozen) + "\n"


def compare(name: str, text: str) -> None:
    path = GOLDEN / f"repair_{name}.txt"
    if REGEN:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text, f"{path.name} differs (see the module docstring to regenerate)"


def feedback_part(prompt: str) -> str:
    """The diagnostics part of a repair turn: from the first item to the passed line."""
    lines = prompt.splitlines()
    first = next(i for i, l in enumerate(lines) if re.match(r"1\. ", l))
    last = next(i for i, l in enumerate(lines) if l.startswith("passed: "))
    return "\n".join(lines[first:last + 1])


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_repair_prompt_matches_its_golden(case, toolchain, empty_cache, vowels_cache):
    cache = vowels_cache[0] if case.clash else empty_cache
    refused = judge(case.reply, case.request, toolchain, cache)
    assert isinstance(refused, Refusal), f"{case.name}: the candidate was not refused"
    assert refused.feedback.failures[0].kind == case.kind
    prompt = prompt_for(case, refused)
    if case.clash:
        prompt = prompt.replace(vowels_cache[1], "<vowels family>")
    part = feedback_part(prompt)
    assert len(part) <= BUDGET
    assert part.startswith(f"1. {case.kind}")  # the failures lead
    passed = part.splitlines()[-1]
    assert "error" not in passed.lower() and "fail" not in passed.lower()  # nothing that passed is an error
    compare(case.name, prompt)


def test_the_cases_cover_ten_kinds_of_failure():
    assert len({c.kind for c in CASES}) >= 10
    assert len({c.name for c in CASES}) == len(CASES)


# -- end to end: what the engine sends is the rendered feedback -----------------------------


def _engine(server: FakeOpenAI, cache: Cache) -> Engine:
    config = CompilerConfig(model="fake-model", base_url=server.url, api_key="k", backoff=0.0, timeout=5.0,
                            max_retries=0, repair_rounds=1, route=False)
    return Engine(cache=cache, compiler=Compiler(config, prompts=build_prompts(guide="# guide\n", worked=[],
                                                                               stdlib="- len\n")))


@pytest.mark.parametrize("name, first", [("answer", vowels(WRONG_VOWELS_SRC)), ("reply_not_json", "The answer is 3.")])
def test_the_engine_sends_the_golden_repair_turn(name, first, tmp_path, toolchain):
    """The repair turn the server receives is the golden text; for "answer" it is the same
    file the judged case above renders, so the engine sends exactly the rendered feedback."""
    cache = Cache(tmp_path / "cache", toolchain=toolchain)
    with FakeOpenAI() as server:
        engine = _engine(server, cache)
        server.script(reply(first), reply("still not JSON"))
        answer = engine.solve(VOWELS_REQUEST)
        engine.close()
    cache.close()
    assert answer.tier == "unsolved" and server.calls == 2
    turn = server.requests[1]["messages"]
    assert turn[-2]["role"] == "assistant"
    compare(name, turn[-1]["content"] + "\n")


# -- the budget ---------------------------------------------------------------------------


FIFTY = VOWELS_SRC + "".join(f'assert solve("{"ab" * (i + 1)}") == {1000 + i}\n' for i in range(50))


def test_fifty_failures_stay_within_the_budget_as_whole_items(toolchain, empty_cache):
    refused = judge(vowels(FIFTY), Request(text=VOWELS_REQUEST), toolchain, empty_cache)
    assert isinstance(refused, Refusal)
    feedback = refused.feedback
    assert len(feedback.failures) == 50
    assert all(f.kind == "example refuted" for f in feedback.failures)
    text = feedback.render()
    assert len(text) <= BUDGET
    shown = [int(m.group(1)) for m in re.finditer(r"^(\d+)\. ", text, re.M)]
    assert shown == list(range(1, len(shown) + 1)) and 5 <= len(shown) < 50
    for i in shown:  # every shown item is whole: its full block is in the text
        assert feedback.failures[i - 1].render(i, hint=i == 1) in text
    assert f"... {50 - len(shown)} more of 50 failures not shown" in text
    assert text.splitlines()[-1].startswith("passed: the program checks")


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=400)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.builds(Failure, kind=st.sampled_from(["answer", "fault", "check", "ensures refuted"]), title=_TEXT,
                       where=st.none() | _TEXT, input=st.none() | _TEXT, expected=st.none() | _TEXT,
                       got=st.none() | _TEXT, code=st.none() | st.sampled_from(["F-FUEL", "E-TYPE"]),
                       hint=st.none() | _TEXT, excerpt=st.none() | _TEXT), min_size=1, max_size=30),
    st.integers(BUDGET, 8000),
)
def test_render_keeps_whole_items_within_the_budget(failures, budget):
    passed = Passed(checks=("the program checks",) * 40, examples=8, proved=99, unknown=("x" * 500,) * 9,
                    warnings=("y" * 300,) * 3, not_run=("the verifier",), left_out=7)  # a passed line past its cap
    feedback = Feedback(tuple(failures), passed)
    text = feedback.render(budget)
    assert len(text) <= budget  # one item's fields are clipped, so even the first fits
    hints: set = {None}
    count = 0
    for i, f in enumerate(failures, 1):
        block = f.render(i, hint=f.advice not in hints)
        if block not in text:
            break
        hints.add(f.advice)
        count += 1
    assert count >= 1
    if count < len(failures):
        assert f"... {len(failures) - count} more of {len(failures)} failures not shown" in text
    assert text.splitlines()[-1].startswith("passed: the program checks")


def test_a_long_verifier_report_is_trimmed_to_whole_obligations_failures_kept():
    proved = [{"kind": "fault", "title": f"no fault {i}", "verdict": "proved", "severity": "error",
               "notes": ["x" * 300]} for i in range(60)]
    refuted = [{"kind": "ensures", "title": f"post {i}", "verdict": "refuted", "severity": "error",
                "counterexample": f"f(x={i})"} for i in range(5)]
    data = {"file": "f.sgl", "error": None, "obligations": proved[:30] + refuted + proved[30:]}
    text = fit_json(data, 5000)
    assert len(text) <= 5000
    out = json.loads(text)  # still JSON
    assert [o["title"] for o in out["obligations"] if o["verdict"] == "refuted"] == [f"post {i}" for i in range(5)]
    assert out["omitted"] == 65 - len(out["obligations"]) > 0
    feedback = verifier_feedback(text)
    assert [f.kind for f in feedback.failures] == ["ensures refuted"] * 5
    assert f"{out['omitted']} more obligations are not in the verifier's summary" in feedback.render()
    assert fit_json(data, 10**6) == json.dumps(data, sort_keys=True)  # short enough: unchanged


def test_open_obligations_without_evidence_outlast_those_with_it_and_come_back_as_one_failure():
    """Stand-in run 7: a refusal reached the model with no failure in it. The summary had cut
    the 29 open obligations that had no evidence (they ranked with the 91 that had it), and
    had it kept them, 29 items would have said the same thing without saying why."""
    note = "no targeted evidence: only 0 aimed inputs met the precondition and ran to the end (at least 10 needed)"
    with_evidence = [{"kind": "fault", "title": f"no fault {i}", "verdict": "unknown", "severity": "error",
                      "function": "solve", "reason": "outside the Z3 fragment " + "y" * 200,
                      "evidence": "aimed run: no counterexample in 40 valid inputs"} for i in range(60)]
    without = [{"kind": "fault", "title": f"open {i}", "verdict": "unknown", "severity": "error", "function": "solve",
                "reason": "outside the Z3 fragment", "notes": [note], "span": {"line": 10 + i, "col": 1}}
               for i in range(6)]
    other = {"kind": "fault", "title": "alone", "verdict": "proved for len <= K", "severity": "error",
             "function": "helper_entry", "reason": "bounded", "notes": [note], "span": {"line": 90, "col": 1}}
    data = {"file": "f.sgl", "error": None, "obligations": with_evidence + without + [other]}
    out = json.loads(fit_json(data, 6000))
    assert {o["title"] for o in out["obligations"] if o.get("evidence") is None} == {f"open {i}" for i in range(6)} | {"alone"}
    feedback = verifier_feedback(fit_json(data, 6000))
    assert [f.kind for f in feedback.failures] == ["no evidence", "fault not proved"]
    grouped = feedback.failures[0]
    assert grouped.title == f"solve: 6 obligations Z3 left open have {note}"
    assert grouped.where == "f.sgl:10, 11, 12, 13, 14, 15"
    text = feedback.render()
    assert text.startswith("1. no evidence at f.sgl:10, 11") and "a precondition refusing nearly all" in text
    assert "2. fault not proved at f.sgl:90: helper_entry: alone" in text
    assert feedback.failures[1].title.endswith("; " + note)  # why it has no evidence, on its own too


def test_the_largest_item_and_passed_line_fit_the_default_budget():
    big = "z" * 5000
    item = Failure("ensures refuted", big, where=big, input=big, expected=big, got=big, code="F-ENSURES", hint=big,
                   excerpt="e" * 399)
    passed = Passed(checks=(big,), unknown=(big,) * 3, not_run=(big,))
    text = Feedback((item, item), passed).render()
    assert len(text) <= BUDGET
    assert text.startswith("1. ensures refuted [F-ENSURES] at ") and "\n2. " not in text
    assert "... 1 more of 2 failures not shown" in text


def test_a_warning_in_the_passed_line_is_shown_whole():
    """A warning says why an aimed run had thin evidence; cut in the middle it told a model
    nothing ("(459 re..."), so it is shown whole up to 200 characters."""
    from seglam.engine.feedback import Passed

    warning = "solve: none of the generated inputs met the precondition (459 rejected); give examples that meet it"
    line = Passed(checks=("the program checks",), warnings=(warning,)).line()
    assert warning in line and "..." not in line


def test_a_cache_refusal_with_a_verifier_report_leads_with_the_failed_obligation():
    """A candidate the engine passed but the cache's own verification refused (a widening's
    replace, before it used the engine's report) reaches the model as the verifier's failed
    obligations, whole, not as JSON cut at 2,000 characters."""
    from seglam.cache.errors import VERIFICATION_FAILED
    from seglam.engine.admission import admission_feedback

    tc = SeglamToolchain()
    program = tc.compile("def half(n: int) -> int:\n    return 10 // n\n", "f.sgl")
    report = tc.verify(program, entries=("half",))
    assert not report.ok
    feedback = admission_feedback([VERIFICATION_FAILED + report.summary, "pattern clash: example request 1"])
    text = feedback.render()
    assert feedback.failures[0].kind != "cache" and "F-ZERO-DIV" in text
    assert feedback.failures[-1].kind == "cache" and '"obligations"' not in text


def test_a_huge_counterexample_int_reads_as_a_power_in_the_repair_prompt():
    big = 2**1024 + 1
    summary = json.dumps({"file": "candidate.sgl", "obligations": [{
        "kind": "fault", "title": "no F-OVERFLOW", "verdict": "refuted", "code": "F-OVERFLOW",
        "counterexample": f"speed(km=0, hours={big})", "actual": "fault F-OVERFLOW: int too large to convert to float"}]})
    item = verifier_feedback(summary).failures[0]
    assert item.input == "speed(km=0, hours=2**1024 + 1)"
