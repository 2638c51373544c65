"""The cost curve on the real BIG-Bench Hard workload: SEGLAM against response caches.

One seeded, shuffled stream of every instance of the development tasks (the eight development
families, date_understanding, and the negative controls sports_understanding and snarks: 2,678
requests) runs through five systems, in one run, on the same stream:

- **seglam**: the real engine (prompt, routing, negative families, admission with the
  verifier, the LMDB cache) against the recorded compiler (``seglam.engine.recorded``: a local
  OpenAI-compatible server replaying recorded model answers, one family per compile call);
- **exact**: a response cache keyed on the exact request text;
- **normalised**: a response cache keyed on the text with whitespace collapsed and lower-cased;
- **none**: no cache, the bare question (the engine's own direct-answer prompt) to the model;
- **none-cot**: no cache, as a user gets right answers from a model: the task's few-shot
  chain-of-thought prompt (``bench/data/bbh_cot``, BIG-Bench Hard's own) plus the question in,
  a chain of thought as long as the prompt's own worked answers plus the answer out.

The baselines' model is the same recorded server (a perfect model: its answer is the target),
so calls and tokens are counted the same way for every system. The server reports
provider-cached prompt tokens from a SIMULATED prefix cache (OpenAI's documented rule: a prompt
of at least 1024 tokens reuses an earlier prompt's exact prefix in 128-token steps;
``seglam.engine.prefix_cache``); every system gets it. Cost is tokens priced with a price table
(``--prices``; default the documented ratio input : cached input : output = 1 : 0.25 : 4 per
million tokens, ``seglam.engine.prices``), so "cost" is in units of that table.

Writes ``bench/results/workload.md`` (tables, goals, the command, date and machine) and
``bench/results/cost_curve.png`` (cumulative cost, and LLM calls, against requests), plus
``bench/results/workload.json`` (the numbers). Exit code 0 when SEGLAM served no wrong answer
from its cache and no negative control by a program, 1 otherwise, 2 on a setup error.

    .venv/bin/python bench/workload.py                 # the full stream (~2,600 requests)
    .venv/bin/python bench/workload.py --limit 200     # a quick run: the first 200 of the stream
"""

from __future__ import annotations

import argparse
import datetime
import json
import random
import shlex
import shutil
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(REPO))

BENCH = Path(__file__).resolve().parent
if str(BENCH) not in sys.path:  # the report module beside this one
    sys.path.insert(0, str(BENCH))

from seglam.engine.prices import PriceTable, parse_prices  # noqa: E402
from seglam.engine.recorded import COT_CUE, Instance, RecordedCompiler, load_recording, load_tasks  # noqa: E402
from workload_report import machine_info, pct, plot, print_summary, render_markdown  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "bbh"  # the repository's copy of the BBH task files (MIT)
RESULTS = REPO / "bench" / "results"
COT_PROMPTS = REPO / "bench" / "data" / "bbh_cot"
DEV_TASKS = (
    "boolean_expressions", "word_sorting", "dyck_languages", "navigate", "web_of_lies",
    "tracking_shuffled_objects_five_objects", "logical_deduction_five_objects", "object_counting",
)
DATE_TASK = "date_understanding"
CONTROLS = ("sports_understanding", "snarks")
STREAM_TASKS = (*DEV_TASKS, DATE_TASK, *CONTROLS)
SYSTEMS = ("seglam", "exact", "normalised", "none", "none-cot")
BASELINES = {"none-cot": "chain-of-thought baseline", "none": "bare-question baseline"}
#: A second price ratio the report also shows, to see how much the cached-input discount matters.
SENSITIVITY_PRICES = "*=1/0.1/4"
CACHED_TIERS = ("hit", "routed")  # answers served by a cached program (no compile)
PROGRAM_TIERS = ("hit", "routed", "compiled")  # answers computed by a program
DIRECT_SYSTEM = 'Answer the request directly. Reply with one JSON object: {"answer": ...}'


# -- the stream ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    """One request of the stream."""

    index: int
    task: str
    text: str
    target: str

    @property
    def group(self) -> str:
        if self.task in CONTROLS:
            return "control"
        return "date" if self.task == DATE_TASK else "dev"


def build_stream(tasks: dict[str, list[Instance]], seed: int, *, per_task: int | None = None,
                 limit: int | None = None, only: Iterable[str] | None = None) -> list[Item]:
    """Every instance (or the first ``per_task`` of each task), shuffled with ``seed``,
    cut to ``limit``."""
    wanted = set(only) if only is not None else None
    pool = [inst for name, items in sorted(tasks.items()) if wanted is None or name in wanted
            for inst in (items if per_task is None else items[:per_task])]
    random.Random(seed).shuffle(pool)
    if limit is not None:
        pool = pool[:limit]
    return [Item(i, inst.task, inst.text, inst.target) for i, inst in enumerate(pool)]


# -- one request's outcome -------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one system did with one request."""

    system: str
    index: int
    task: str
    group: str
    tier: str  # seglam: its tier; response caches: hit | miss
    cached: bool  # served from the cache (no model call for this answer)
    answered: bool
    correct: bool
    calls: int
    tokens_in: int
    tokens_out: int
    seconds: float
    entry: str | None = None
    purposes: tuple[tuple[str, int], ...] = ()
    tokens_cached: int = 0
    cost: float = 0.0


def is_correct(value: Any, target: str) -> bool:
    """Exact match against the target, the way BBH scores (a program's int 8 is "8")."""
    if value is None:
        return False
    if isinstance(value, bool):
        return str(value) == target
    return str(value).strip() == target.strip()


# -- the systems ---------------------------------------------------------------------------------


class SeglamSystem:
    """The real engine over a fresh cache, with the recorded compiler as its model."""

    name = "seglam"

    def __init__(self, engine: Any) -> None:
        self.engine = engine

    def _usage(self) -> dict[str, Any]:
        return self.engine.compiler.client.ledger.snapshot() if self.engine.compiler else {}

    def solve(self, item: Item) -> Outcome:
        from seglam.engine.client import Usage

        before = self._usage()
        start = time.perf_counter()
        answer = self.engine.solve(item.text)
        seconds = time.perf_counter() - start
        after = self._usage()
        spent = {k: after[k] - before.get(k, Usage()) for k in after}
        used = sum(spent.values(), Usage())
        answered = answer.tier != "unsolved"
        return Outcome(
            self.name, item.index, item.task, item.group, answer.tier, answer.tier in CACHED_TIERS, answered,
            answered and is_correct(answer.value, item.target), used.calls, used.tokens_in, used.tokens_out,
            seconds, answer.trace.entry_id, tuple(sorted((k, u.calls) for k, u in spent.items() if u.calls)),
            used.tokens_cached, used.cost,
        )


class ResponseCache:
    """A response cache (``key`` maps a request to its cache key), or no cache (``key`` None).
    A miss asks the model directly, through the same client as the engine's: the bare question
    (``cot`` None) or the task's few-shot chain-of-thought prompt (``cot``: task -> prompt)."""

    def __init__(self, name: str, client: Any, key: Callable[[str], str] | None,
                 cot: dict[str, str] | None = None) -> None:
        self.name = name
        self.client = client
        self.key = key
        self.cot = cot
        self.store: dict[str, Any] = {}

    def solve(self, item: Item) -> Outcome:
        start = time.perf_counter()
        k = self.key(item.text) if self.key is not None else None
        if k is not None and k in self.store:
            value = self.store[k]
            seconds = time.perf_counter() - start
            return Outcome(self.name, item.index, item.task, item.group, "hit", True, True,
                           is_correct(value, item.target), 0, 0, 0, seconds)
        if self.cot is not None:
            messages = [{"role": "user", "content": cot_prompt(self.cot[item.task], item.text)}]
            completion = self.client.complete(messages, "direct", json_mode=False)
            value = cot_answer(completion.text)
        else:
            messages = [{"role": "system", "content": DIRECT_SYSTEM}, {"role": "user", "content": item.text}]
            completion = self.client.complete(messages, "direct")
            value = direct_answer(completion.text)
        if k is not None and value is not None:
            self.store[k] = value
        seconds = time.perf_counter() - start
        u = completion.usage
        return Outcome(self.name, item.index, item.task, item.group, "miss", False, value is not None,
                       is_correct(value, item.target), u.calls, u.tokens_in, u.tokens_out, seconds,
                       purposes=(("direct", u.calls),), tokens_cached=u.tokens_cached, cost=u.cost)


def direct_answer(text: str) -> Any:
    from seglam.engine.schema import DirectReply, ReplyError, decode_reply

    try:
        return decode_reply(text, DirectReply).answer
    except ReplyError:
        return None


def load_cot_prompts(directory: Path, tasks: Iterable[str]) -> dict[str, str]:
    """Each task's few-shot chain-of-thought prompt: its file after the canary's ``-----`` line."""
    out = {}
    for task in tasks:
        text = (directory / f"{task}.txt").read_text(encoding="utf-8")
        out[task] = text.split("-----\n", 1)[-1].strip()
    return out


def cot_prompt(prompt: str, question: str) -> str:
    """The few-shot prompt, then the question, then the cue, as BIG-Bench Hard's evaluation does."""
    return f"{prompt}\n\nQ: {question}\n{COT_CUE}"


def cot_answer(text: str) -> str | None:
    """The answer at the end of a chain of thought ("... So the answer is (B).")."""
    head, sep, tail = text.rpartition("So the answer is ")
    if not sep:
        return None
    answer = tail.strip().splitlines()[0].strip() if tail.strip() else ""
    return answer[:-1].strip() if answer.endswith(".") else answer or None


def exact_key(text: str) -> str:
    return text


def normalised_key(text: str) -> str:
    return " ".join(text.split()).lower()


# -- running -------------------------------------------------------------------------------------


@dataclass
class RunSetup:
    """What a run needs; ``verify_options`` None means the verifier's defaults."""

    data: Path
    seed: int = 0
    limit: int | None = None
    per_task: int | None = None
    only: tuple[str, ...] | None = STREAM_TASKS
    cot: Path = COT_PROMPTS
    prices: str | None = None
    route: bool = True
    direct_fallback: bool = True
    verify_options: dict[str, Any] | None = None
    systems: tuple[str, ...] = SYSTEMS
    progress: Callable[[str], None] | None = None


@dataclass
class RunResult:
    stream: list[Item]
    outcomes: dict[str, list[Outcome]] = field(default_factory=dict)
    seglam_stats: dict[str, Any] = field(default_factory=dict)
    server_calls: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def run(setup: RunSetup) -> RunResult:
    """Run the stream through every system in ``setup.systems``; one recorded server each."""
    from seglam.engine.client import CompilerClient
    from seglam.engine.config import CompilerConfig

    tasks = load_tasks(setup.data)
    if not tasks:
        raise FileNotFoundError(f"no BBH task files in {setup.data}")
    recording = load_recording(setup.data)
    stream = build_stream(tasks, setup.seed, per_task=setup.per_task, limit=setup.limit, only=setup.only)
    result = RunResult(stream)
    say = setup.progress or (lambda _: None)
    cot = load_cot_prompts(setup.cot, sorted({i.task for i in stream})) if "none-cot" in setup.systems else None

    def config(url: str) -> CompilerConfig:
        return CompilerConfig(model="recorded-bbh", base_url=url, api_key="recorded", backoff=0.0, max_retries=1,
                              timeout=60.0, route=setup.route, direct_fallback=setup.direct_fallback,
                              prices=setup.prices)

    for name in setup.systems:
        with RecordedCompiler(recording) as server:
            start = time.perf_counter()
            if name == "seglam":
                outcomes, stats = _run_seglam(stream, config(server.url), setup, say)
                result.seglam_stats = stats
            else:
                key = {"exact": exact_key, "normalised": normalised_key, "none": None, "none-cot": None}[name]
                system = ResponseCache(name, CompilerClient(config(server.url)), key,
                                       cot if name == "none-cot" else None)
                outcomes = [system.solve(item) for item in stream]
            result.seconds[name] = time.perf_counter() - start
            result.outcomes[name] = outcomes
            result.server_calls[name] = len(server.calls)
            say(f"{name}: {len(outcomes)} requests, {sum(o.calls for o in outcomes)} LLM calls, "
                f"cost {sum(o.cost for o in outcomes):.4f}, {result.seconds[name]:.1f} s")
    return result


def _run_seglam(stream: Sequence[Item], cfg: Any, setup: RunSetup, say: Callable[[str], None]) -> tuple[list[Outcome], dict]:
    from seglam.cache.cache import Cache
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.engine.engine import Engine

    scratch = tempfile.mkdtemp(prefix="seglam-workload-")
    try:
        cache = Cache(Path(scratch) / "cache", toolchain=SeglamToolchain(setup.verify_options))
        engine = Engine(cache=cache, compiler=cfg)
        system = SeglamSystem(engine)
        outcomes = []
        try:
            for item in stream:
                out = system.solve(item)
                outcomes.append(out)
                if out.tier == "compiled" or (out.cached and not out.correct):
                    say(f"  #{item.index} {item.task}: {out.tier} in {out.seconds:.1f} s"
                        + ("" if out.correct else "  WRONG"))
            stats = engine.stats()
        finally:
            engine.close()
            cache.close()
        return outcomes, stats
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# -- metrics -------------------------------------------------------------------------------------


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, min(len(ordered), int(-(-q * len(ordered) // 100))))
    return ordered[rank - 1]


def summarise(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """One system's totals."""
    n = len(outcomes)
    hits = [o.seconds for o in outcomes if o.cached]
    purposes: Counter[str] = Counter()
    for o in outcomes:
        purposes.update(dict(o.purposes))
    return {
        "requests": n,
        "llm_calls": sum(o.calls for o in outcomes),
        "calls_by_purpose": dict(sorted(purposes.items())),
        "tokens_in": sum(o.tokens_in for o in outcomes),
        "tokens_cached": sum(o.tokens_cached for o in outcomes),
        "tokens_out": sum(o.tokens_out for o in outcomes),
        "cost": sum(o.cost for o in outcomes),
        "tiers": dict(sorted(Counter(o.tier for o in outcomes).items())),
        "cache_hits": sum(1 for o in outcomes if o.cached),
        "answered": sum(1 for o in outcomes if o.answered),
        "correct": sum(1 for o in outcomes if o.correct),
        "accuracy": (sum(1 for o in outcomes if o.correct) / n) if n else None,
        "wrong": sum(1 for o in outcomes if o.answered and not o.correct),
        "false_hits": sum(1 for o in outcomes if o.cached and not o.correct),
        "controls_served_by_program": sum(1 for o in outcomes if o.group == "control" and o.tier in PROGRAM_TIERS
                                          and o.system == "seglam"),
        "hit_latency_ms": {f"p{q}": _ms(percentile(hits, q)) for q in (50, 90, 99)},
        "seconds": round(sum(o.seconds for o in outcomes), 3),
    }


def _ms(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds * 1000, 4)


def by_group(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        groups[o.group].append(o)
    return {g: summarise(groups[g]) for g in ("dev", "date", "control") if g in groups}


def first_hits(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Per task: requests seen, the ordinal (within the task) of its first cache hit, and the
    hit rate of the requests after the task's first."""
    seen: Counter[str] = Counter()
    first: dict[str, int] = {}
    later_hits: Counter[str] = Counter()
    hit_seconds: dict[str, list[float]] = defaultdict(list)
    for o in outcomes:
        seen[o.task] += 1
        if o.cached:
            hit_seconds[o.task].append(o.seconds)
        if o.cached and o.task not in first:
            first[o.task] = seen[o.task]
        if seen[o.task] > 1 and o.cached:
            later_hits[o.task] += 1
    return {
        task: {
            "requests": seen[task],
            "first_hit": first.get(task),
            "later_hit_rate": (later_hits[task] / (seen[task] - 1)) if seen[task] > 1 else None,
            "hit_p50_ms": _ms(percentile(hit_seconds[task], 50)),
        }
        for task in sorted(seen)
    }


def admission_costs(outcomes: Sequence[Outcome]) -> dict[str, dict[str, Any]]:
    """Per task: compiled families and the seconds their compile + admission took (the
    verifier's Z3 and Hypothesis runs are most of it)."""
    out: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        if o.tier == "compiled":
            rec = out.setdefault(o.task, {"families": 0, "seconds": 0.0})
            rec["families"] += 1
            rec["seconds"] = round(rec["seconds"] + o.seconds, 2)
    return dict(sorted(out.items()))


def repriced(outcomes: Sequence[Outcome], table: PriceTable, model: str = "recorded-bbh") -> float:
    """The outcomes' cost under another price table (from their token counts)."""
    price = table.for_model(model)
    return sum(price.cost(o.tokens_in, o.tokens_cached, o.tokens_out) for o in outcomes)


def costs(result: RunResult, prices: str | None) -> dict[str, Any]:
    """Each system's cost against both baselines, under the run's prices and a sensitivity ratio."""
    other = parse_prices(SENSITIVITY_PRICES)
    out: dict[str, Any] = {"systems": {}, "sensitivity_prices": SENSITIVITY_PRICES,
                           "prices": parse_prices(prices).to_json()}
    base = {b: sum(o.cost for o in result.outcomes[b]) for b in BASELINES if b in result.outcomes}
    base_other = {b: repriced(result.outcomes[b], other) for b in base}
    for name, outs in result.outcomes.items():
        total, total_other = sum(o.cost for o in outs), repriced(outs, other)
        out["systems"][name] = {
            "cost": total,
            "cost_per_request": total / max(1, len(outs)),
            **{f"vs_{b}": (total / c if c else None) for b, c in base.items()},
            "cost_sensitivity": total_other,
            **{f"vs_{b}_sensitivity": (total_other / c if c else None) for b, c in base_other.items()},
        }
    return out


def group_costs(result: RunResult) -> dict[str, dict[str, Any]]:
    """Per group (dev, date, control): each system's cost on the group's requests, and
    SEGLAM's against both baselines on the same requests."""
    out: dict[str, dict[str, Any]] = {}
    for group in ("dev", "date", "control"):
        row = {name: sum(o.cost for o in outs if o.group == group) for name, outs in result.outcomes.items()}
        if not any(o.group == group for outs in result.outcomes.values() for o in outs):
            continue
        mine = row.get("seglam")
        out[group] = {"cost": row, **{f"seglam_vs_{b}": (mine / row[b] if mine is not None and row.get(b) else None)
                                      for b in BASELINES}}
    return out


def controls_after_first(result: RunResult, skip: int = 3) -> dict[str, Any]:
    """SEGLAM's cost per negative-control request after the first ``skip`` of each kind, against
    a direct answer (the bare-question baseline) to the same requests."""
    seglam, direct = result.outcomes.get("seglam"), result.outcomes.get("none")
    if seglam is None or direct is None:
        return {}
    by_index = {o.index: o for o in direct}
    out: dict[str, Any] = {}
    for task in CONTROLS:
        mine = [o for o in seglam if o.task == task][skip:]
        if not mine:
            continue
        theirs = [by_index[o.index] for o in mine]
        cost, base = sum(o.cost for o in mine), sum(o.cost for o in theirs)
        out[task] = {"requests": len(mine), "calls": sum(o.calls for o in mine),
                     "tiers": dict(sorted(Counter(o.tier for o in mine).items())),
                     "cost_per_request": cost / len(mine), "direct_per_request": base / len(theirs),
                     "ratio": cost / base if base else None}
    mine = [o for t in CONTROLS for o in [x for x in seglam if x.task == t][skip:]]
    if mine:
        cost, base = sum(o.cost for o in mine), sum(by_index[o.index].cost for o in mine)
        out["all"] = {"requests": len(mine), "calls": sum(o.calls for o in mine),
                      "tiers": dict(sorted(Counter(o.tier for o in mine).items())),
                      "cost_per_request": cost / len(mine), "direct_per_request": base / len(mine),
                      "ratio": cost / base if base else None}
    return out


def report_data(result: RunResult, prices: str | None = None) -> dict[str, Any]:
    seglam = result.outcomes.get("seglam", [])
    return {
        "systems": {name: summarise(outs) for name, outs in result.outcomes.items()},
        "costs": costs(result, prices),
        "group_costs": group_costs(result),
        "controls_after_first_3": controls_after_first(result),
        "seglam_by_group": by_group(seglam),
        "first_hits": {name: first_hits(outs) for name, outs in result.outcomes.items()},
        "admission": admission_costs(seglam),
        "families_compiled": sum(1 for o in seglam if o.tier == "compiled"),
        "dev_compiles": sum(1 for o in seglam if o.tier == "compiled" and o.group == "dev"),
        "dev_compiles_by_task": dict(Counter(o.task for o in seglam if o.tier == "compiled" and o.group == "dev")),
        "dev_tasks_seen": len({o.task for o in seglam if o.group == "dev"}),
        "run_seconds": {k: round(v, 1) for k, v in result.seconds.items()},
        "server_calls": result.server_calls,
        "stream": {"requests": len(result.stream), "by_task": dict(sorted(Counter(i.task for i in result.stream).items()))},
    }


def acceptance(data: dict[str, Any]) -> dict[str, bool]:
    """The acceptance checks on SEGLAM's numbers."""
    sys_ = data["systems"].get("seglam")
    if sys_ is None:
        return {}
    dev = data["seglam_by_group"].get("dev")
    hits = data["first_hits"]["seglam"]
    compiles = data["dev_compiles_by_task"]
    seen = [t for t in DEV_TASKS if t in hits]
    not_once = [t for t in seen if compiles.get(t, 0) != 1]
    not_hit = [t for t in seen if hits[t]["later_hit_rate"] not in (None, 1.0)]
    return {
        "no false hits": sys_["false_hits"] == 0,
        "no wrong answers from a program": data["seglam_wrong_program"] == 0,
        "controls never served by a program": sys_["controls_served_by_program"] == 0,
        "one compile per development family" + _except(not_once): not not_once,
        "every later development request a hit" + _except(not_hit): not not_hit,
        "development accuracy 100%": dev is None or dev["correct"] == dev["requests"],
    }


def goals(data: dict[str, Any]) -> dict[str, tuple[bool, str]]:
    """Issue 12's goals: (met, the numbers)."""
    c = data["costs"]["systems"].get("seglam")
    s = data["systems"].get("seglam")
    if c is None or s is None:
        return {}
    out: dict[str, tuple[bool, str]] = {}
    if c.get("vs_none-cot") is not None:
        out["total cost <= 0.3x the chain-of-thought baseline"] = (
            c["vs_none-cot"] <= 0.3, f"{c['vs_none-cot']:.3f}x ({c['cost']:.4f} vs {data['costs']['systems']['none-cot']['cost']:.4f})")
    if c.get("vs_none") is not None:
        out["total cost <= 1x the bare-question baseline"] = (
            c["vs_none"] <= 1.0, f"{c['vs_none']:.3f}x ({c['cost']:.4f} vs {data['costs']['systems']['none']['cost']:.4f})")
    ctl = data["controls_after_first_3"].get("all")
    if ctl and ctl["ratio"] is not None:
        per = ", ".join(f"{t} {r['ratio']:.3f}x" for t, r in data["controls_after_first_3"].items()
                        if t != "all" and r["ratio"] is not None)
        out["negative controls after the first 3 of a kind: cost per request <= 1.2x a direct answer"] = (
            ctl["ratio"] <= 1.2, f"{ctl['ratio']:.3f}x ({per})")
    out["accuracy 100%"] = (s["correct"] == s["requests"], f"{pct(s['correct'], s['requests'])}")
    out["false hits 0"] = (s["false_hits"] == 0, str(s["false_hits"]))
    return out


def _except(tasks: Sequence[str]) -> str:
    return f" (not: {', '.join(tasks)})" if tasks else ""


def _command(args: list[str]) -> str:
    """The command line that reproduces the numbers (``--out`` only says where they go)."""
    kept, skip = [], False
    for a in args:
        if skip:
            skip = False
        elif a == "--out":
            skip = True
        elif not a.startswith("--out="):
            kept.append(a)
    return " ".join([".venv/bin/python bench/workload.py", *map(shlex.quote, kept)])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/workload.py", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="the BBH task files (default: %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="the stream's shuffle seed (default: %(default)s)")
    parser.add_argument("--limit", type=int, default=None, help="only the first N requests of the stream")
    parser.add_argument("--per-task", type=int, default=None, help="only the first N instances of each task")
    parser.add_argument("--out", default=str(RESULTS), help="where to write the results (default: %(default)s)")
    parser.add_argument("--no-route", action="store_true", help="SEGLAM without the routing tier")
    parser.add_argument("--no-direct-fallback", action="store_true",
                        help="SEGLAM leaves requests no program fits unsolved instead of answering them directly")
    parser.add_argument("--verify-examples", type=int, default=None,
                        help="Hypothesis examples per function in admission (default: the verifier's own)")
    parser.add_argument("--cot", default=str(COT_PROMPTS),
                        help="the few-shot chain-of-thought prompts of the CoT baseline (default: %(default)s)")
    parser.add_argument("--prices", default=None,
                        help="price table per million tokens, e.g. '*=1/0.25/4' (default: seglam.engine.prices's)")
    parser.add_argument("--all-tasks", action="store_true",
                        help="stream every task file in --data, not only the development stream's eleven")
    parser.add_argument("--before", default=None,
                        help="an earlier run's workload.json: the report compares it with this run")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(f"the BBH workload is not at {data_dir}; pass --data DIR", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    setup = RunSetup(
        data=data_dir, seed=args.seed, limit=args.limit, per_task=args.per_task, route=not args.no_route,
        only=None if args.all_tasks else STREAM_TASKS, cot=Path(args.cot), prices=args.prices,
        direct_fallback=not args.no_direct_fallback,
        verify_options=None if args.verify_examples is None else {"max_examples": args.verify_examples},
        progress=None if args.quiet else (lambda s: print(s, flush=True)),
    )
    try:
        result = run(setup)
    except (FileNotFoundError, ValueError) as err:
        print(f"workload: {err}", file=sys.stderr)
        return 2
    data = report_data(result, args.prices)
    data["goals"] = goals(data)
    data["seed"] = args.seed
    data["seglam_wrong_program"] = sum(1 for o in result.outcomes.get("seglam", [])
                                       if o.tier in PROGRAM_TIERS and not o.correct)
    data["acceptance"] = acceptance(data)
    command = _command(list(argv) if argv is not None else sys.argv[1:])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    before = json.loads(Path(args.before).read_text(encoding="utf-8")) if args.before else None
    (out / "workload.md").write_text(render_markdown(data, command, started, before), encoding="utf-8")
    (out / "workload.json").write_text(json.dumps({"command": command, "date": started, "machine": machine_info(),
                                                   **data}, indent=1, default=str) + "\n", encoding="utf-8")
    plotted = plot(result, out / "cost_curve.png")
    print_summary(data)
    print(f"wrote {out / 'workload.md'}" + (f" and {out / 'cost_curve.png'}" if plotted else " (no matplotlib: no plot)"))
    return 0 if all(data["acceptance"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
