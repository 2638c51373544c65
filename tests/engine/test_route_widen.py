"""One family per kind (issue 18 point 6, bench/results/model_path.md "Run 2"): a request of a
kind the cache already has a family for, but in another form (another question over the
same data, a wording its patterns miss, inputs its precondition refuses), WIDENS that
family instead of compiling a rival. Three ways in: the router picks the family and it
cannot answer; the router's family refuses by its precondition; a fresh compile's pattern
overlaps the family. Each widening is one compile whose prompt names the family, says why,
and shows its current program; the new version is re-checked against every stored request.

Every model call goes to the loopback fake server through the real openai client; a
scripted stand-in model answers by the kind of call (route or compile)."""

from __future__ import annotations

import json
from typing import Any

from seglam.engine import Engine
from seglam.engine.compiler import Compiler
from seglam.engine.prompt import build_prompts
from tests.engine.conftest import make_config
from tests.engine.fake_openai import first_user_text, reply, status

ONE_QUESTION = "Numbers: {nums: str}. What is the largest?"
ANY_QUESTION = "Numbers: {nums: str}. What is the {question: tokens(largest smallest)}?"

LARGEST_SRC = '''
@requires(lambda nums: len(nums.split()) > 0 and all(w.isdigit() for w in nums.split()))
def solve(nums: str) -> int:
    """The largest of the numbers."""
    return max(int(w) for w in nums.split())


assert solve("3 5 8") == 8
'''

BOTH_SRC = '''
@requires(lambda nums, question: len(nums.split()) > 0 and all(w.isdigit() for w in nums.split())
          and question in ("largest", "smallest"))
def solve(nums: str, question: str) -> int:
    """The largest or the smallest of the numbers, as the question asks."""
    values = [int(w) for w in nums.split()]
    return max(values) if question == "largest" else min(values)


assert solve("3 5 8", "smallest") == 3
'''

SIGNED_SRC = '''
def _is_int(w: str) -> bool:
    return w.lstrip("-").isdigit() and w.count("-") <= 1


@requires(lambda nums: len(nums.split()) > 0 and all(_is_int(w) for w in nums.split()))
def solve(nums: str) -> int:
    """The largest of the numbers, signs allowed."""
    return max(int(w) for w in nums.split())


assert solve("3 -5 8") == 8
'''

FIRST = "Numbers: 3 5 8. What is the largest?"
OTHER_QUESTION = "Numbers: 3 5 8. What is the smallest?"


def compile_reply(program: str, patterns: list[str], answer: Any, examples: list[tuple[str, Any]]) -> Any:
    return reply({"description": "Answer a question about a list of numbers.", "entry": "solve", "patterns": patterns,
                  "program": program, "answer": answer,
                  "examples": [{"request": r, "answer": a} for r, a in examples], "properties": []}, 3000, 400)


V1 = compile_reply(LARGEST_SRC, [ONE_QUESTION], 8, [("Numbers: 1 2. What is the largest?", 2)])
V2 = compile_reply(BOTH_SRC, [ANY_QUESTION], 3, [("Numbers: 4 9. What is the smallest?", 4)])


def route_reply(family: Any = "first", bindings: dict | None = None, pattern: str | None = None) -> Any:
    """The router's reply: the first offered family (or ``family``), with ``bindings``."""

    def respond(body: dict) -> Any:
        text = first_user_text(body)
        offered = [json.loads(line) for line in text.split("Offered families:\n", 1)[1].splitlines() if line.startswith("{")]
        chosen = offered[0]["id"] if family == "first" else family
        return reply({"family": chosen, "bindings": bindings or {}, "pattern": pattern}, 500, 30)

    return respond


def engine_for(server, cache, **kw) -> Engine:
    prompts = build_prompts(guide="# guide\n", worked=[], stdlib="- len\n")
    return Engine(cache=cache, compiler=Compiler(make_config(server, **kw), prompts=prompts))


def system_of(body: dict) -> str:
    return body["messages"][0]["content"]


def user_of(body: dict) -> str:
    return body["messages"][-1]["content"]


def test_another_question_routed_to_the_family_widens_it_and_one_family_with_two_versions_serves_both(server, cache):
    engine = engine_for(server, cache, widen=1)
    server.script(V1)
    first = engine.solve(FIRST)
    assert first.tier == "compiled" and first.value == 8
    family = first.trace.entry_id

    server.script(route_reply(), V2)  # the router: of its kind, but another question; then the wider version
    second = engine.solve(OTHER_QUESTION)
    assert second.tier == "compiled" and second.value == 3 and second.trace.entry_id == family
    assert second.trace.version == 2

    route_body, widen_body = server.requests[1], server.requests[2]
    assert system_of(route_body).startswith("You route a request")
    # a parameter the request has no text for is not invented (stand-in run 5 bound one to "")
    assert "if a parameter has no such text in\nthe request, reply with the family and empty bindings" in system_of(route_body)
    offered = json.loads(first_user_text(route_body).split("Offered families:\n", 1)[1].splitlines()[0])
    assert offered["accepts"].startswith("The largest of the numbers.; @requires(lambda nums:")  # what it accepts
    prompt = user_of(widen_body)
    assert f"This compile WIDENS family {family} (v1, solve(nums: str) -> int)" in prompt
    assert "the router picked it for this request, but the router says the request is of its kind" in prompt
    assert "The family's current program" in prompt and LARGEST_SRC.strip() in prompt
    assert "# Worked family" not in prompt  # its own program is the one to extend
    assert ONE_QUESTION in prompt and OTHER_QUESTION in prompt

    assert [e.id for e in cache.list("active")] == [family]  # one family, not a rival
    assert cache.get(family).patterns == (ANY_QUESTION,)  # the wider pattern replaced the narrow one
    calls = server.calls
    assert engine.solve("Numbers: 10 2 7. What is the smallest?").value == 2
    assert engine.solve("Numbers: 10 2 7. What is the largest?").value == 10
    assert server.calls == calls  # both forms are hits now
    assert engine.stats()["tiers"]["hit"] == 2


def test_without_widening_a_refused_route_reaches_the_compile_prompt_with_the_family_and_why(server, cache):
    engine = engine_for(server, cache, widen=0)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    smallest = LARGEST_SRC.replace("max(", "min(").replace("largest", "smallest").replace("== 8", "== 3")
    server.script(route_reply(), compile_reply(smallest, ["Numbers: {nums: str}. What is the smallest?"], 3,
                                               [("Numbers: 4 9. What is the smallest?", 4)]))
    answer = engine.solve(OTHER_QUESTION)
    assert answer.tier == "compiled" and answer.value == 3 and answer.trace.entry_id != family
    prompt = user_of(server.requests[2])
    assert "What the engine tried before this compile:" in prompt
    assert f"the router picked family {family} ('Answer a question about a list of numbers.', " in prompt
    assert "and it refused: the router says the request is of its kind" in prompt
    assert "so this compile writes a new family" in prompt and "WIDENS" not in prompt
    assert any(f"routing to {family}" in r for r in answer.trace.reasons)


def test_a_routed_request_its_precondition_refuses_widens_the_family_and_learns_the_new_wording(server, cache):
    engine = engine_for(server, cache, widen=1)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    reworded = "Numbers: 3 -5 8. Which one is the largest?"
    wording = "Numbers: {nums: str}. Which one is the largest?"
    server.script(route_reply(bindings={"nums": "3 -5 8"}, pattern=wording),
                  compile_reply(SIGNED_SRC, [ONE_QUESTION, wording], 8, [("Numbers: -1 -2. What is the largest?", -1)]))
    answer = engine.solve(reworded)
    assert answer.tier == "compiled" and answer.value == 8 and answer.trace.version == 2, answer.trace.reasons
    prompt = user_of(server.requests[2])
    assert "the router picked it for this request, but its precondition refused the request's inputs nums='3 -5 8'" in prompt
    assert f"learned pattern {wording!r}" in answer.trace.reasons
    assert cache.get(family).patterns == (ONE_QUESTION, wording)  # kept the old, learned the new
    assert cache.trust.view(cache.get(family)).refusals == 1
    calls = server.calls
    assert engine.solve("Numbers: 1 -7. Which one is the largest?").value == 1
    assert engine.solve("Numbers: 3 5 8. What is the largest?").value == 8 and server.calls == calls


def test_a_compile_whose_pattern_overlaps_a_family_widens_that_family_instead_of_narrowing(server, cache):
    engine = engine_for(server, cache, widen=1, route=False)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    # the fresh compile writes the general pattern; it matches the family's request: a clash
    server.script(V2, V2)
    answer = engine.solve(OTHER_QUESTION)
    assert answer.tier == "compiled" and answer.value == 3, answer.trace.reasons
    assert answer.trace.entry_id == family and answer.trace.version == 2
    assert server.calls == 3  # the fresh compile, then the widening compile: no repair toward a narrower pattern
    fresh, widen = user_of(server.requests[1]), user_of(server.requests[2])
    assert "WIDENS" not in fresh
    assert f"This compile WIDENS family {family}" in widen and "overlap its requests" in widen
    assert LARGEST_SRC.strip() in widen
    assert any("asking for a widened version of family" in r for r in answer.trace.reasons)
    assert [e.id for e in cache.list("active")] == [family]


def test_a_widening_is_asked_once_per_version_then_a_refused_route_compiles_a_new_family(server, cache):
    engine = engine_for(server, cache, widen=1)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    server.script(route_reply(), status(500, "down"))  # the widening compile fails
    assert engine.solve(OTHER_QUESTION).tier == "unsolved"
    assert cache.trust.view(cache.get(family)).widenings == 1
    server.script(route_reply(), status(500, "down"))
    calls = server.calls
    engine.solve(OTHER_QUESTION)
    prompt = user_of(server.requests[calls + 1])  # after the route: a compile of a new family
    assert f"widening tried 1 time(s) already" in prompt and "so this compile writes a new family" in prompt


def test_a_widened_version_that_changes_an_answer_the_family_gives_is_refused(server, cache):
    engine = engine_for(server, cache, widen=1, repair_rounds=1)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    swapped = BOTH_SRC.replace('max(values) if question == "largest" else min(values)',
                               'min(values) if question == "largest" or len(values) == 3 else max(values)')
    swapped = swapped.replace('assert solve("3 5 8", "smallest") == 3', 'assert solve("3 5 8", "smallest") == 3\n'
                                                                         'assert solve("4 9", "smallest") == 9')
    bad = compile_reply(swapped, [ANY_QUESTION], 3, [("Numbers: 4 9. What is the smallest?", 9)])
    server.script(route_reply(), bad, bad)
    answer = engine.solve(OTHER_QUESTION)
    assert answer.tier == "unsolved" and cache.get(family).version == 1
    assert any("the new version answers the family's request 'Numbers: 3 5 8. What is the largest?' with 3; the "
               "current version answers 8: a widening keeps every answer" in r for r in answer.trace.reasons)
    repair = user_of(server.requests[-1])
    assert "a widening keeps every answer" in repair


LABELLED_SRC = '''
@requires(lambda nums: nums.split(": ", 1)[0] in ("Numbers", "Values")
          and len(nums.split(": ", 1)[-1].split()) > 0 and all(w.isdigit() for w in nums.split(": ", 1)[-1].split()))
def solve(nums: str) -> int:
    """The largest of a labelled list of numbers ("Numbers: 3 5" or "Values: 3 5")."""
    return max(int(w) for w in nums.split(": ", 1)[1].split())


assert solve("Values: 4 9") == 9
'''


def test_a_widening_that_replaces_the_patterns_binds_the_stored_requests_through_the_new_ones(server, cache):
    """Stand-in run 10 (dates 0006-0007): the widening replaced three patterns by one wider
    one whose hole takes more of the request; the engine kept the old ones (their holes fit
    the new signature) and, more specific, they went on binding the stored requests the old
    way, which the new program refused. The prompt says the patterns may be replaced by
    wider ones that match the same requests: the old ones are then dropped."""
    engine = engine_for(server, cache, widen=1)
    server.script(V1)
    family = engine.solve(FIRST).trace.entry_id
    wide = "{nums: str}. What is the largest?"
    server.script(route_reply(), compile_reply(LABELLED_SRC, [wide], 9, [("Numbers: 7 1. What is the largest?", 7)]))
    answer = engine.solve("Values: 4 9. What is the largest?")
    assert answer.tier == "compiled" and answer.value == 9 and answer.trace.version == 2, answer.trace.reasons
    assert cache.get(family).patterns == (wide,)
    widen_prompt = " ".join(user_of(server.requests[2]).split())
    assert "an old pattern you do not list again is dropped when your new ones match its requests" in widen_prompt
    assert "where several match, the most specific, with the most fixed text, binds" in widen_prompt
    assert "Each pattern must match a stored or refused request listed below or one of your examples" in widen_prompt
    assert any(f"pattern {ONE_QUESTION!r} replaced" in r for r in answer.trace.reasons), answer.trace.reasons
    calls = server.calls
    assert engine.solve(FIRST).value == 8 and engine.solve("Values: 2 6. What is the largest?").value == 6
    assert server.calls == calls  # hits, bound through the new pattern
