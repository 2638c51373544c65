"""The recorded compiler: what it answers to each kind of call, and that it never crashes."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest

from seglam.engine.recorded import (
    RecordedCompiler,
    count_tokens,
    load_recording,
    prompt_tokens,
    respond,
)
from tests.data import BBH as DATA


@pytest.fixture(scope="module")
def recording():
    return load_recording(DATA)


def _first(recording, task):
    return next(i for i in recording.instances.values() if i.task == task)


def _compile_body(text, repair=False):
    msgs = [{"role": "system", "content": "rules"},
            {"role": "user", "content": f"Compile this request into a Seglam family.\n\nRequest:\n{text}"}]
    if repair:
        msgs += [{"role": "assistant", "content": "{}"}, {"role": "user", "content": "Your answer was refused:"}]
    return {"model": "m", "messages": msgs}


def test_a_development_request_compiles_to_its_family_with_the_target_as_answer(recording):
    inst = _first(recording, "word_sorting")
    d = respond(recording, _compile_body(inst.text))
    reply = json.loads(d.content)
    assert d.kind == "compile" and d.family == "word_sorting"
    assert reply["answer"] == inst.target and reply["program"].strip()
    assert reply["patterns"] and all(e["request"] != inst.text for e in reply["examples"])
    assert all(e["answer"] == recording.instance(e["request"]).target for e in reply["examples"])


def test_controls_and_unknown_text_get_a_direct_answer_and_no_program(recording):
    for task in ("sports_understanding", "snarks"):
        inst = _first(recording, task)
        reply = json.loads(respond(recording, _compile_body(inst.text)).content)
        assert reply["program"] == "" and reply["answer"] == inst.target
    reply = json.loads(respond(recording, _compile_body("What is the meaning of life?")).content)
    assert reply["program"] == "" and reply["answer"] is None


def test_a_date_request_gets_the_one_date_family_when_its_program_reads_the_context(recording):
    dates = [i for i in recording.instances.values() if i.task == "date_understanding"]
    fams = {recording.family_of.get(i.text) for i in dates}
    assert fams == {"date_understanding", None}  # one family for the kind; some contexts it cannot read
    read = [i for i in dates if recording.family_of.get(i.text)]
    assert len(read) >= 200
    unread = next(i for i in dates if i.text.startswith("Today is Christmas Eve"))
    reply = json.loads(respond(recording, _compile_body(unread.text)).content)
    assert reply["program"] == "" and reply["answer"] == unread.target  # needs world knowledge: declined


def _route_body(text, offers):
    return {"messages": [{"role": "system", "content": "route"}, {"role": "user", "content":
            "Request:\n" + text + "\n\nOffered families:\n" + "\n".join(json.dumps(o) for o in offers)}]}


def test_routing_writes_a_pattern_for_a_reworded_request_from_the_kind_not_the_answer(recording):
    from seglam.cache.pattern import parse_pattern
    from seglam.engine.recorded import reworded

    fam = recording.families["date_understanding"]
    old = next(i for i in recording.instances.values()
               if i.task == "date_understanding" and recording.family_of.get(i.text))
    new = old.text.replace("What is the date", "Which day is").replace("Options:", "Choices:")
    assert parse_pattern(fam.patterns[0]).match(new) is None
    again = reworded(recording, {new: old.text})
    assert again.instance(new).target == old.target and again.instance(new).source == old.text
    offers = [{"id": "aaa", "description": recording.families["navigate"].description, "patterns": ["x {a: str}"]},
              {"id": "bbb", "description": fam.description, "patterns": list(fam.patterns)}]
    reply = json.loads(respond(again, _route_body(new, offers)).content)
    assert reply["family"] == "bbb"
    pattern = parse_pattern(reply["pattern"])
    assert "Which day is" in pattern.text and "Choices:" in pattern.text
    assert pattern.match(new) == parse_pattern(fam.patterns[0]).match(old.text) == reply["bindings"]
    # the same reworded text, unknown to the recording: the model cannot tell its kind
    assert json.loads(respond(recording, _route_body(new, offers)).content) == {"family": None}
    # a request of another kind is never routed to this family, whatever its wording
    sports = _first(recording, "sports_understanding")
    assert json.loads(respond(again, _route_body(sports.text, offers)).content) == {"family": None}


def test_generalise_keeps_the_inputs_as_holes_and_refuses_what_it_cannot_place():
    from seglam.engine.recorded import generalise

    pattern = "Sort the following words alphabetically: List: {words: str}"
    source = "Sort the following words alphabetically: List: pear apple"
    assert generalise(pattern, source, "Alphabetize {these}: pear apple") == "Alphabetize {{these}}: {words: str}"
    assert generalise(pattern, source, "Alphabetize: apple pear") is None  # the input is not there
    assert generalise(pattern, "something else", "Alphabetize: pear apple") is None  # does not bind the source
    assert generalise("{x", source, "pear apple") is None  # not a pattern


def test_a_repair_declines_with_the_direct_answer(recording):
    inst = _first(recording, "navigate")
    d = respond(recording, _compile_body(inst.text, repair=True))
    assert d.kind == "repair" and json.loads(d.content) == {**json.loads(d.content), "program": "", "answer": inst.target}


def test_routing_picks_the_offered_family_of_the_same_kind_only(recording):
    inst = _first(recording, "navigate")
    fam = recording.families["navigate"]
    other = recording.families["word_sorting"]
    offers = [{"id": "aaa", "description": other.description}, {"id": "bbb", "description": fam.description}]
    body = _route_body(inst.text, offers)
    reply = json.loads(respond(recording, body).content)
    assert reply["family"] == "bbb" and reply["pattern"] in fam.patterns and reply["bindings"]
    body["messages"][1]["content"] = body["messages"][1]["content"].replace(json.dumps(offers[1]), "")
    assert json.loads(respond(recording, body).content) == {"family": None}
    sports = _first(recording, "sports_understanding")
    body["messages"][1]["content"] = "Request:\n" + sports.text + "\n\nOffered families:\n" + json.dumps(offers[1])
    assert json.loads(respond(recording, body).content) == {"family": None}


def test_direct_calls_answer_the_target(recording):
    inst = _first(recording, "snarks")
    body = {"messages": [{"role": "system", "content": "Answer the request directly. Reply with one JSON object"},
                         {"role": "user", "content": inst.text}]}
    assert json.loads(respond(recording, body).content) == {"answer": inst.target}


def test_tokens_are_estimated_the_same_way_for_every_call():
    assert count_tokens("") == 0 and count_tokens("abcd") == 1 and count_tokens("abcde") == 2
    assert prompt_tokens([{"content": "abcd"}, {"content": ""}]) == 1 + 4 + 0 + 4 + 3


def test_the_server_answers_the_openai_client_and_survives_garbage(recording, tmp_path: Path):
    from seglam.engine.client import CompilerClient
    from seglam.engine.config import CompilerConfig

    inst = _first(recording, "dyck_languages")
    with RecordedCompiler(recording) as server:
        for raw in (b"not json", b"[1, 2]", b'{"messages": 5}', b'{"messages": "abc"}', b"\xff",
                    b"[" * 200_000):
            req = urllib.request.Request(server.url + "/chat/completions", data=raw, method="POST",
                                         headers={"content-type": "application/json"})
            try:
                urllib.request.urlopen(req, timeout=5)
            except urllib.error.HTTPError as err:
                assert err.code == 400
        client = CompilerClient(CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="k", backoff=0.0))
        done = client.complete([{"role": "system", "content": "Answer the request directly."},
                                {"role": "user", "content": inst.text}], "direct")
        assert json.loads(done.text) == {"answer": inst.target}
        assert done.usage.calls == 1 and done.usage.tokens_in > 0 and done.usage.tokens_out > 0
        assert server.counts()["direct"] == 1
