"""The cost curve on the real BIG-Bench Hard workload: SEGLAM against response caches.

One seeded, shuffled stream of every instance of the BBH task files (the eight development
families, date_understanding, and the negative controls sports_understanding and snarks) runs
through four systems, in one run, on the same stream:

- **seglam**: the real engine (prompt, routing, admission with the verifier, the LMDB cache)
  against the recorded compiler (``seglam.engine.recorded``: a local OpenAI-compatible server
  replaying recorded model answers, one family per compile call);
- **exact**: a response cache keyed on the exact request text;
- **normalised**: a response cache keyed on the text with whitespace collapsed and lower-cased;
- **none**: no cache, every request goes to the model.

The baselines' model is the same recorded server answering directly (a perfect model: its
answer is the target), so calls and tokens are counted the same way for every system.

Writes ``bench/results/workload.md`` (tables, the command, date and machine) and
``bench/results/cost_curve.png`` (cumulative LLM calls against requests), plus
``bench/results/workload.json`` (the numbers). Exit code 0 when SEGLAM served no wrong answer
from its cache and no negative control by a program, 1 otherwise, 2 on a setup error.

    .venv/bin/python bench/workload.py                 # the full stream (~2,600 requests)
    .venv/bin/python bench/workload.py --limit 200     # a quick run: the first 200 of the stream
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
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

from seglam.engine.recorded import Instance, RecordedCompiler, load_recording, load_tasks  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "bbh"  # the repository's copy of the BBH task files (MIT)
RESULTS = REPO / "bench" / "results"
DEV_TASKS = (
    "boolean_expressions", "word_sorting", "dyck_languages", "navigate", "web_of_lies",
    "tracking_shuffled_objects_five_objects", "logical_deduction_five_objects", "object_counting",
)
DATE_TASK = "date_understanding"
CONTROLS = ("sports_understanding", "snarks")
SYSTEMS = ("seglam", "exact", "normalised", "none")
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
        before = self._usage()
        start = time.perf_counter()
        answer = self.engine.solve(item.text)
        seconds = time.perf_counter() - start
        after = self._usage()
        purposes = {k: after[k].calls - (before[k].calls if k in before else 0) for k in after}
        tokens_in = sum(after[k].tokens_in - (before[k].tokens_in if k in before else 0) for k in after)
        tokens_out = sum(after[k].tokens_out - (before[k].tokens_out if k in before else 0) for k in after)
        answered = answer.tier != "unsolved"
        return Outcome(
            self.name, item.index, item.task, item.group, answer.tier, answer.tier in CACHED_TIERS, answered,
            answered and is_correct(answer.value, item.target), sum(purposes.values()), tokens_in, tokens_out,
            seconds, answer.trace.entry_id, tuple(sorted((k, v) for k, v in purposes.items() if v)),
        )


class ResponseCache:
    """A response cache (``key`` maps a request to its cache key), or no cache (``key`` None).
    A miss asks the model directly, through the same client as the engine's."""

    def __init__(self, name: str, client: Any, key: Callable[[str], str] | None) -> None:
        self.name = name
        self.client = client
        self.key = key
        self.store: dict[str, Any] = {}

    def solve(self, item: Item) -> Outcome:
        from seglam.engine.schema import DirectReply, ReplyError, decode_reply

        start = time.perf_counter()
        k = self.key(item.text) if self.key is not None else None
        if k is not None and k in self.store:
            value = self.store[k]
            seconds = time.perf_counter() - start
            return Outcome(self.name, item.index, item.task, item.group, "hit", True, True,
                           is_correct(value, item.target), 0, 0, 0, seconds)
        messages = [{"role": "system", "content": DIRECT_SYSTEM}, {"role": "user", "content": item.text}]
        completion = self.client.complete(messages, "direct")
        try:
            value = decode_reply(completion.text, DirectReply).answer
        except ReplyError:
            value = None
        if k is not None and value is not None:
            self.store[k] = value
        seconds = time.perf_counter() - start
        u = completion.usage
        return Outcome(self.name, item.index, item.task, item.group, "miss", False, value is not None,
                       is_correct(value, item.target), u.calls, u.tokens_in, u.tokens_out, seconds,
                       purposes=(("direct", u.calls),))


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
    only: tuple[str, ...] | None = None
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

    def config(url: str) -> CompilerConfig:
        return CompilerConfig(model="recorded-bbh", base_url=url, api_key="recorded", backoff=0.0, max_retries=1,
                              timeout=60.0, route=setup.route, direct_fallback=setup.direct_fallback)

    for name in setup.systems:
        with RecordedCompiler(recording) as server:
            start = time.perf_counter()
            if name == "seglam":
                outcomes, stats = _run_seglam(stream, config(server.url), setup, say)
                result.seglam_stats = stats
            else:
                key = {"exact": exact_key, "normalised": normalised_key, "none": None}[name]
                system = ResponseCache(name, CompilerClient(config(server.url)), key)
                outcomes = [system.solve(item) for item in stream]
            result.seconds[name] = time.perf_counter() - start
            result.outcomes[name] = outcomes
            result.server_calls[name] = len(server.calls)
            say(f"{name}: {len(outcomes)} requests, {sum(o.calls for o in outcomes)} LLM calls, "
                f"{result.seconds[name]:.1f} s")
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
        "tokens_out": sum(o.tokens_out for o in outcomes),
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


def cumulative_calls(outcomes: Sequence[Outcome]) -> list[int]:
    total, out = 0, []
    for o in outcomes:
        total += o.calls
        out.append(total)
    return out


def report_data(result: RunResult) -> dict[str, Any]:
    seglam = result.outcomes.get("seglam", [])
    return {
        "systems": {name: summarise(outs) for name, outs in result.outcomes.items()},
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


def _except(tasks: Sequence[str]) -> str:
    return f" (not: {', '.join(tasks)})" if tasks else ""


# -- output --------------------------------------------------------------------------------------


def machine_info() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.system()} {platform.release()}, {cpu or 'unknown CPU'}, {os.cpu_count()} CPUs "
            f"(affinity {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'}), "
            f"Python {platform.python_version()}")


def _fmt(v: Any) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def _pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def render_markdown(data: dict[str, Any], command: str, started: str) -> str:
    systems = data["systems"]
    lines = [
        "# The cost curve on BIG-Bench Hard",
        "",
        f"Command: `{command}`  ",
        f"Date: {started}  ",
        f"Machine: {machine_info()}  ",
        f"Stream: {data['stream']['requests']} requests, seed {data['seed']}; "
        f"run time per system: " + ", ".join(f"{k} {v} s" for k, v in data["run_seconds"].items()),
        "",
        "![cumulative LLM calls](cost_curve.png)",
        "",
        "## Per system",
        "",
        "| system | requests | LLM calls | calls / request | tokens in | tokens out | cache hits | "
        "accuracy | wrong | false hits | hit p50 ms | hit p90 ms | hit p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in systems.items():
        lat = s["hit_latency_ms"]
        lines.append(
            f"| {name} | {s['requests']} | {s['llm_calls']} | {s['llm_calls'] / max(1, s['requests']):.3f} | "
            f"{s['tokens_in']} | {s['tokens_out']} | {s['cache_hits']} | {_pct(s['correct'], s['requests'])} | "
            f"{s['wrong']} | {s['false_hits']} | {_fmt(lat['p50'])} | {_fmt(lat['p90'])} | {_fmt(lat['p99'])} |"
        )
    if "seglam" in systems:
        s = systems["seglam"]
        lines += [
            "",
            "SEGLAM tiers: " + ", ".join(f"{k} {v}" for k, v in s["tiers"].items())
            + "; LLM calls by purpose: " + ", ".join(f"{k} {v}" for k, v in s["calls_by_purpose"].items()),
            "",
            "## SEGLAM by group",
            "",
            "| group | requests | LLM calls | compiled | hits | uncached | unsolved | accuracy | wrong | false hits |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for g, s in data["seglam_by_group"].items():
            t = s["tiers"]
            lines.append(
                f"| {g} | {s['requests']} | {s['llm_calls']} | {t.get('compiled', 0)} | "
                f"{t.get('hit', 0) + t.get('routed', 0)} | {t.get('uncached', 0)} | {t.get('unsolved', 0)} | "
                f"{_pct(s['correct'], s['requests'])} | {s['wrong']} | {s['false_hits']} |"
            )
        lines += ["", "Groups: dev = the eight development families; date = date_understanding "
                  "(per-wording families; a partial fit); control = sports_understanding and snarks, "
                  "which no program may serve."]
    lines += ["", "## Requests until the first cache hit, per task", "",
              "The ordinal, within the task's own requests, of its first cache hit (`-`: none); "
              "in brackets, the hit rate of the task's requests after its first.", ""]
    names = list(systems)
    with_latency = "seglam" in names
    lines.append("| task | requests | " + " | ".join(names) + (" | seglam hit p50 ms |" if with_latency else " |"))
    lines.append("|---|---|" + "---|" * (len(names) + with_latency))
    tasks = sorted({t for fh in data["first_hits"].values() for t in fh})
    for task in tasks:
        cells = []
        for name in names:
            rec = data["first_hits"][name].get(task)
            if rec is None:
                cells.append("")
                continue
            rate = rec["later_hit_rate"]
            cells.append(f"{_fmt(rec['first_hit'])} ({'-' if rate is None else f'{100 * rate:.0f}%'})")
        n = data["first_hits"][names[0]].get(task, {}).get("requests", "")
        if with_latency:
            cells.append(_fmt(data["first_hits"]["seglam"].get(task, {}).get("hit_p50_ms")))
        lines.append(f"| {task} | {n} | " + " | ".join(cells) + " |")
    if data["admission"]:
        total = sum(r["seconds"] for r in data["admission"].values())
        lines += ["", "## Admission cost (SEGLAM)", "",
                  "Seconds of the requests that compiled a family: the compile call, the checks, and the "
                  "verifier (type check, examples, Hypothesis, Z3), once per family.", "",
                  "| task | families | seconds |", "|---|---|---|"]
        for task, r in data["admission"].items():
            lines.append(f"| {task} | {r['families']} | {r['seconds']:.1f} |")
        lines.append(f"| total | {sum(r['families'] for r in data['admission'].values())} | {total:.1f} |")
    checks = data.get("acceptance", {})
    if checks:
        lines += ["", "## Acceptance", ""]
        lines += [f"- {'PASS' if ok else 'FAIL'}: {what}" for what, ok in checks.items()]
    return "\n".join(lines) + "\n"


def plot(result: RunResult, path: Path) -> bool:
    """Cumulative LLM calls against requests, one line per system; False without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    fig, ax = plt.subplots(figsize=(8, 5), dpi=120)
    styles = {"seglam": "-", "exact": "--", "normalised": ":", "none": "-."}
    for name, outs in result.outcomes.items():
        ys = cumulative_calls(outs)
        ax.plot(range(1, len(ys) + 1), ys, styles.get(name, "-"), label=f"{name} ({ys[-1] if ys else 0} calls)",
                linewidth=2 if name == "seglam" else 1.5)
    ax.set_xlabel("requests")
    ax.set_ylabel("cumulative LLM calls")
    ax.set_title(f"BIG-Bench Hard stream ({len(result.stream)} requests): LLM calls")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def print_summary(data: dict[str, Any]) -> None:
    for name, s in data["systems"].items():
        print(f"{name:>10}: {s['requests']} requests, {s['llm_calls']} LLM calls, {s['cache_hits']} hits, "
              f"accuracy {_pct(s['correct'], s['requests'])}, false hits {s['false_hits']}, "
              f"hit p50 {_fmt(s['hit_latency_ms']['p50'])} ms")
    for what, ok in data.get("acceptance", {}).items():
        print(f"{'PASS' if ok else 'FAIL'}: {what}")


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
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)

    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(f"the BBH workload is not at {data_dir}; pass --data DIR", file=sys.stderr)
        return 2
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    setup = RunSetup(
        data=data_dir, seed=args.seed, limit=args.limit, per_task=args.per_task, route=not args.no_route,
        direct_fallback=not args.no_direct_fallback,
        verify_options=None if args.verify_examples is None else {"max_examples": args.verify_examples},
        progress=None if args.quiet else (lambda s: print(s, flush=True)),
    )
    try:
        result = run(setup)
    except (FileNotFoundError, ValueError) as err:
        print(f"workload: {err}", file=sys.stderr)
        return 2
    data = report_data(result)
    data["seed"] = args.seed
    data["seglam_wrong_program"] = sum(1 for o in result.outcomes.get("seglam", [])
                                       if o.tier in PROGRAM_TIERS and not o.correct)
    data["acceptance"] = acceptance(data)
    command = _command(list(argv) if argv is not None else sys.argv[1:])
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "workload.md").write_text(render_markdown(data, command, started), encoding="utf-8")
    (out / "workload.json").write_text(json.dumps({"command": command, "date": started, "machine": machine_info(),
                                                   **data}, indent=1, default=str) + "\n", encoding="utf-8")
    plotted = plot(result, out / "cost_curve.png")
    print_summary(data)
    print(f"wrote {out / 'workload.md'}" + (f" and {out / 'cost_curve.png'}" if plotted else " (no matplotlib: no plot)"))
    return 0 if all(data["acceptance"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
