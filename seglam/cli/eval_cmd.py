"""What ``seglam eval STREAM.jsonl`` does (its arguments and help are in
:mod:`seglam.cli.eval_args`; this module, and with it the engine, is imported when it runs):
each line of the stream through the engine, then the report (docs/eval.md).
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence, TextIO

from seglam.cache import CacheError
from seglam.cache.errors import CacheCorruptError
from seglam.cli.argtypes import ToolchainFactory
from seglam.cli.ask_cmd import model_config, open_cache
from seglam.cli.plot import PlotUnavailable, draw_cost_curve, require_matplotlib
from seglam.engine import TIERS, ConfigError, Engine, Usage
from seglam.engine.evaluation import NO_TASK, build_report, outcome, spent
from seglam.engine.stream import StreamError, read_stream
from seglam.syntax.jsontext import JsonTextError, dumps


def evaluate(args: argparse.Namespace, toolchain_factory: ToolchainFactory | None) -> int:
    for flag, path in (("--report", args.report), ("--png", args.png)):
        problem = _unwritable(path)
        if problem:
            return _fail(f"{flag} {path}: {problem}")
    if args.png:
        try:
            require_matplotlib()
        except PlotUnavailable as err:
            return _fail(str(err))
    try:
        lines = read_stream(args.stream, limit=args.limit)
    except StreamError as err:
        print(err.render(), file=sys.stderr)
        return 2
    try:
        config = model_config(args)
        price = config.price()
    except ConfigError as err:
        return _fail(f"configuration: {err}")
    try:
        cache = open_cache(args.cache, toolchain_factory)
    except CacheCorruptError as err:
        print(f"seglam: {err}", file=sys.stderr)
        return 3
    except CacheError as err:
        return _fail(f"cache: {err}")
    try:
        run = _run(cache, config, lines, args.no_model, _progress(sys.stderr, len(lines)))
    finally:
        cache.close()
    meta = {
        "stream": args.stream,
        "requests_in_stream": len(lines),
        "model": None if args.no_model else config.model,
        "model_mode": "off" if args.no_model else ("configured" if config.configured else "none"),
        "price": price.to_json(),
        **run.meta,
    }
    report = build_report(meta, run.outcomes, price)
    status = 130 if run.interrupted else (1 if report.false_hits else 0)
    data = report.to_json()
    if args.json:
        print(dumps(data, indent=1))
    else:
        print(render_report(report))
    if args.report:
        try:
            Path(args.report).write_text(dumps(data, indent=1) + "\n", encoding="utf-8")
        except (OSError, JsonTextError) as err:
            return _fail(f"--report {args.report}: {err}")
    if args.png and report.outcomes:
        try:
            draw_cost_curve(report.series, args.png, f"{Path(args.stream).name}: {len(report.outcomes)} requests, "
                                                     f"model {meta['model'] or 'none'}")
        except (OSError, PlotUnavailable, ValueError) as err:
            return _fail(f"--png {args.png}: {err}")
    return status


# -- running the stream ----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Run:
    """The outcomes of a run (in stream order), its meta data, whether Ctrl-C stopped it."""

    outcomes: list[Any]
    meta: dict[str, Any]
    interrupted: bool


def _run(cache: Any, config: Any, lines: Sequence[Any], no_model: bool, progress: Callable[[Any], None]) -> _Run:
    """Each line through ``Engine.solve``, with a ledger snapshot before and after it. A
    Ctrl-C stops the run; the requests done so far are kept."""
    outcomes: list[Any] = []
    interrupted = False
    seen: set[str] = set()
    start = time.perf_counter()
    with Engine(cache=cache, compiler=False if no_model else config) as engine:
        ledger: Callable[[], dict[str, Usage]] = (
            engine.compiler.client.ledger.snapshot if engine.compiler is not None else dict)
        before_stats = engine.stats()
        try:
            for index, line in enumerate(lines):
                before = ledger()
                answer = engine.solve(line.request)
                outcomes.append(outcome(index, line, answer, spent(before, ledger()), repeat=line.request in seen))
                seen.add(line.request)
                progress(outcomes)
        except KeyboardInterrupt:
            interrupted = True
        progress(None)
        after_stats = engine.stats()
    meta = {
        "cache": after_stats["cache"].get("path"),
        "families_before": _active(before_stats),
        "families_after": _active(after_stats),
        "interrupted": interrupted,
        "wall_seconds": round(time.perf_counter() - start, 3),
    }
    return _Run(outcomes, meta, interrupted)


def _active(stats: dict[str, Any]) -> int | None:
    entries = stats.get("cache", {}).get("entries")
    return entries.get("active") if isinstance(entries, dict) else None


def _progress(stream: TextIO, total: int) -> Callable[[Any], None]:
    """A one-line progress display on a terminal (stderr); nothing when it is not one."""
    try:
        live = stream.isatty()
    except (AttributeError, ValueError):
        live = False
    if not live:
        return lambda _: None
    counts: dict[str, int] = {}
    calls = [0]

    def show(outcomes: Any) -> None:
        if outcomes is None:
            stream.write("\n")
            stream.flush()
            return
        last = outcomes[-1]
        counts[last.tier] = counts.get(last.tier, 0) + 1
        calls[0] += last.total.calls
        tiers = " ".join(f"{t} {counts[t]}" for t in TIERS if counts.get(t))
        stream.write(f"\r[{len(outcomes)}/{total}] {tiers} | model calls {calls[0]}\x1b[K")
        stream.flush()

    return show


# -- the text report -------------------------------------------------------------------------------


def render_report(report: Any) -> str:
    """The human-readable report: a table per task, then the totals and the baselines."""
    m = report.meta
    t = report.total
    out = [f"seglam eval: {m['stream']}: {t.requests} request(s)" + (
        f" of {m['requests_in_stream']} (interrupted)" if m.get("interrupted") else "")]
    out.append(f"model:   {_model_line(m)}")
    out.append(f"cache:   {m.get('cache')}: {m.get('families_before')} active famil(ies) before, "
               f"{m.get('families_after')} after")
    out.append("")
    out += _table(report)
    out.append("")
    calls = ", ".join(f"{p} {n}" for p, n in t.calls.items()) or "none"
    u = t.usage
    retried = f"; {u.attempts} HTTP attempts with the retries" if u.attempts != t.calls_total else ""
    out.append(f"model calls:  {t.calls_total} ({calls}){retried}")
    price = m["price"]
    out.append(f"tokens:       {u.tokens_in:,} prompt ({u.tokens_cached:,} from the provider's prompt cache) + "
               f"{u.tokens_out:,} completion; cost {u.cost:.6g} (per million tokens: input {price['input']:g}, "
               f"cached input {price['cached_input']:g}, output {price['output']:g})")
    success = f" ({t.admitted / t.compile_attempts:.0%})" if t.compile_attempts else ""
    out.append(f"compiles:     {t.compile_attempts} attempted, {t.admitted} admitted{success}; repair rounds: "
               f"admitted {_hist(t.repair_rounds['admitted'])}, failed {_hist(t.repair_rounds['failed'])}")
    out.append(f"families:     {len(t.families)} made" + (f" ({', '.join(t.families[:8])}"
                                                          f"{', ...' if len(t.families) > 8 else ''})" if t.families else ""))
    if t.absorbed.get("families"):
        out.append(f"per family:   {t.absorbed['requests_per_family']} requests answered, "
                   f"{t.absorbed['wordings_per_family']} wordings (patterns) matched, over "
                   f"{t.absorbed['families']} famil(ies) that answered")
    if t.scored:
        out.append(f"answers:      {t.right} of {t.scored} scored right ({t.right_exact} exactly), {t.wrong} wrong, "
                   f"{t.unanswered} unanswered")
    else:
        out.append("answers:      no line gives an expected answer: nothing scored")
    out.append(f"false hits:   {t.false_hits} (a program's answer that was wrong)" +
               ("  <-- exit code 1" if t.false_hits else ""))
    out.append("")
    out += _verdict(report)
    return "\n".join(out)


def _model_line(m: dict[str, Any]) -> str:
    if m["model_mode"] == "off":
        return "off (--no-model): only what the cache already answers; a miss is unsolved"
    if m["model_mode"] == "none":
        return ("none configured: a miss is unsolved. Set --model and --base-url "
                "(or SEGLAM_MODEL / SEGLAM_BASE_URL, see `seglam ask --help`)")
    return str(m["model"])


def _table(report: Any) -> list[str]:
    tiers = [x for x in TIERS if report.total.tiers.get(x) or x in ("hit", "compiled", "unsolved")]
    head = ["task", "requests", *tiers, "right", "wrong", "false hits", "calls", "cost"]
    rows = []
    groups = list(report.tasks.items())
    if len(groups) > 1 or (groups and groups[0][0] != NO_TASK):
        groups.append(("total", report.total))
    else:
        groups = [("total", report.total)]
    for name, s in groups:
        rows.append([" ".join(name.split())[:40] or "?", str(s.requests), *(str(s.tiers.get(x, 0)) for x in tiers),
                     str(s.right) if s.scored else "-", str(s.wrong) if s.scored else "-", str(s.false_hits),
                     str(s.calls_total), f"{s.usage.cost:.4g}"])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    fmt = [(c.ljust(w) if i == 0 else c.rjust(w)) for i, (c, w) in enumerate(zip(head, widths))]
    lines = ["  ".join(fmt)]
    for r in rows:
        lines.append("  ".join((c.ljust(w) if i == 0 else c.rjust(w)) for i, (c, w) in enumerate(zip(r, widths))))
    return lines


def _hist(h: dict[str, int]) -> str:
    return " ".join(f"{k}:{v}" for k, v in h.items()) or "-"


def _verdict(report: Any) -> list[str]:
    """What SEGLAM did for this stream, against the baselines (their tokens estimated)."""
    t = report.total
    direct = t.baseline["direct"]
    rc = t.baseline["response_cache"]
    lines = [
        f"SEGLAM answered {t.program_answers} of {t.requests} request(s) with a verified program and made "
        f"{t.calls_total} model call(s) (cost {t.usage.cost:.4g}).",
        f"Without it: a direct call per request is {int(direct['calls'])} call(s) (about {direct['cost']:.4g}); "
        f"a response cache on the exact text is {int(rc['calls'])} (about {rc['cost']:.4g}). "
        "Baseline tokens are estimated (characters / 4).",
    ]
    later = report.outcomes[len(report.outcomes) // 2:]
    if len(report.outcomes) >= 4:
        later_calls = sum(o.total.calls for o in later)
        lines.append(f"In the second half of the stream SEGLAM made {later_calls} call(s) for {len(later)} "
                     f"request(s) ({later_calls / len(later):.2f} a request; the direct baseline makes 1).")
    if t.tiers.get("unsolved") and report.meta["model_mode"] != "configured":
        lines.append("Unsolved requests need a model: configure one to compile them.")
    return lines


# -- helpers ---------------------------------------------------------------------------------------


def _unwritable(path: str | None) -> str | None:
    """Why ``path`` cannot be written as an output file, or None."""
    if path is None:
        return None
    target = Path(path)
    try:
        if target.is_dir():
            return "is a directory"
        parent = target.parent
        if not parent.is_dir():
            return f"no such directory: {parent}"
    except (OSError, ValueError) as err:
        return str(err)
    return None


def _fail(message: str) -> int:
    print(f"seglam: {message}", file=sys.stderr)
    return 2
