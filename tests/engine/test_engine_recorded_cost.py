"""The recorded compiler's cost model: chain-of-thought replies as long as the prompt's own
worked answers, and provider-cached tokens from the simulated prefix cache, through the real
openai client. Data: a two-request task file written here and the repository's copy of the
BIG-Bench Hard chain-of-thought prompts (bench/data/bbh_cot)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from seglam.engine.client import CompilerClient
from seglam.engine.config import CompilerConfig
from seglam.engine.recorded import COT_CUE, RecordedCompiler, cot_exemplars, cot_question, cot_reply, load_recording
from tests.bench_scripts import load_bench

COT = Path(__file__).resolve().parents[2] / "bench" / "data" / "bbh_cot"
QUESTION = 'Is the following sentence plausible? "Tyler Boyd hit a home run."'


def _prompt(task: str, question: str) -> str:
    return (COT / f"{task}.txt").read_text(encoding="utf-8").split("-----\n", 1)[1].strip() + f"\n\nQ: {question}\n{COT_CUE}"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "bbh"
    data.mkdir()
    (data / "sports_understanding.json").write_text(json.dumps(
        {"examples": [{"input": QUESTION, "target": "no"}, {"input": "Is the following sentence plausible? \"X.\"",
                                                             "target": "yes"}]}))
    with RecordedCompiler(load_recording(data, tmp_path / "no-families")) as s:
        yield s


def test_the_repository_has_the_prompts_and_their_licence():
    assert "MIT License" in (COT / "LICENSE").read_text()
    for task in ("sports_understanding", "snarks", "word_sorting", "date_understanding"):
        assert len(cot_exemplars(_prompt(task, "q"))) == 3


def test_cot_reply_is_one_worked_answer_long_and_ends_in_the_answer():
    prompt = _prompt("sports_understanding", QUESTION)
    assert cot_question(prompt) == QUESTION
    worked = cot_exemplars(prompt)
    text = cot_reply(prompt, "no", QUESTION)
    assert text.endswith("So the answer is no.")
    assert text[: -len(" So the answer is no.")] in worked
    assert cot_question("no cue here") is None


def test_cot_calls_through_the_openai_client(server):
    cfg = CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="k", backoff=0.0, max_retries=0)
    client = CompilerClient(cfg)
    done = client.complete([{"role": "user", "content": _prompt("sports_understanding", QUESTION)}], "direct",
                           json_mode=False)
    assert done.text.endswith("So the answer is no.")
    assert server.calls[-1].kind == "cot" and server.calls[-1].task == "sports_understanding"
    assert done.usage.tokens_out == server.calls[-1].tokens_out > 15
    assert done.usage.tokens_cached == 0  # a few-shot prompt under 1024 tokens is never cached


def test_a_repeated_long_prefix_is_reported_cached(server):
    cfg = CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="k", backoff=0.0, max_retries=0)
    client = CompilerClient(cfg)
    system = "Rules of the compiler. " * 400  # ~2300 tokens of fixed instructions
    first = client.complete([{"role": "system", "content": system},
                             {"role": "user", "content": "Compile this request into a Seglam family.\n\nRequest:\n" + QUESTION}])
    second = client.complete([{"role": "system", "content": system},
                              {"role": "user", "content": "Compile this request into a Seglam family.\n\nRequest:\nX."}])
    assert first.usage.tokens_cached == 0
    assert second.usage.tokens_cached % 128 == 0 and 1024 <= second.usage.tokens_cached <= second.usage.tokens_in
    assert server.calls[-1].tokens_cached == second.usage.tokens_cached
    assert second.usage.cost < first.usage.cost


def _workload():
    return load_bench("workload.py")


def test_bench_reads_the_answer_at_the_end_of_a_chain_of_thought():
    w = _workload()
    assert w.cot_answer("Step one. So the answer is (B).") == "(B)"
    assert w.cot_answer("So the answer is yes. So the answer is no.") == "no"
    assert w.cot_answer("So the answer is ] ) }.\n") == "] ) }"
    assert w.cot_answer("I am not sure.") is None


def test_bench_goals_compare_costs_with_both_baselines():
    w = _workload()

    def out(system, index, task, cost, tier="miss", calls=1):
        group = "control" if task in w.CONTROLS else "dev"
        return w.Outcome(system, index, task, group, tier, tier == "hit", True, True, calls, 10, 1, 0.0, cost=cost)

    tasks = ["sports_understanding"] * 5 + ["word_sorting"] * 5
    result = w.RunResult(stream=[])
    result.outcomes["seglam"] = [out("seglam", i, t, (9.0 if i < 3 else 1.0) if t in w.CONTROLS else 0.0,
                                     "uncached" if t in w.CONTROLS else "hit") for i, t in enumerate(tasks)]
    result.outcomes["none"] = [out("none", i, t, 1.0) for i, t in enumerate(tasks)]
    result.outcomes["none-cot"] = [out("none-cot", i, t, 10.0) for i, t in enumerate(tasks)]
    data = w.report_data(result)
    assert data["costs"]["systems"]["seglam"]["vs_none"] == pytest.approx(29 / 10)
    assert data["costs"]["systems"]["seglam"]["vs_none-cot"] == pytest.approx(29 / 100)
    assert data["group_costs"]["control"]["seglam_vs_none"] == pytest.approx(29 / 5)
    assert data["group_costs"]["dev"]["seglam_vs_none-cot"] == 0.0
    ctl = data["controls_after_first_3"]["sports_understanding"]
    assert ctl["requests"] == 2 and ctl["ratio"] == pytest.approx(1.0)
    met = w.goals(data)
    assert met["total cost <= 0.3x the chain-of-thought baseline"][0] is True
    assert met["total cost <= 1x the bare-question baseline"][0] is False
    assert met["negative controls after the first 3 of a kind: cost per request <= 1.2x a direct answer"][0] is True
