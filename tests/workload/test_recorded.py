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


def test_a_date_request_gets_its_wording_family(recording):
    fams = {recording.family_of.get(i.text) for i in recording.instances.values() if i.task == "date_understanding"}
    assert None not in fams or len(fams) > 2  # several wordings, some without a family
    assert all(f is None or f.startswith("date_understanding__") for f in fams)


def test_a_repair_declines_with_the_direct_answer(recording):
    inst = _first(recording, "navigate")
    d = respond(recording, _compile_body(inst.text, repair=True))
    assert d.kind == "repair" and json.loads(d.content) == {**json.loads(d.content), "program": "", "answer": inst.target}


def test_routing_picks_the_offered_family_of_the_same_kind_only(recording):
    inst = _first(recording, "navigate")
    fam = recording.families["navigate"]
    other = recording.families["word_sorting"]
    offers = [{"id": "aaa", "description": other.description}, {"id": "bbb", "description": fam.description}]
    body = {"messages": [{"role": "system", "content": "route"}, {"role": "user", "content":
            "Request:\n" + inst.text + "\n\nOffered families:\n" + "\n".join(json.dumps(o) for o in offers)}]}
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
