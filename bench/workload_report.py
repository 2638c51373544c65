"""The workload benchmark's output: the markdown report, the cost curve and the summary
(``bench/workload.py`` runs the stream and computes the numbers; this module shows them)."""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Any

from seglam.cli.plot import Curve, PlotUnavailable, draw_curves
from seglam.engine.evaluation import cumulative

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


def pct(n: int, d: int) -> str:
    return f"{100 * n / d:.1f}%" if d else "-"


def render_markdown(data: dict[str, Any], command: str, started: str, before: dict[str, Any] | None = None) -> str:
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
        "![cumulative cost and LLM calls](cost_curve.png)",
        "",
        "## Cost against both baselines",
        "",
    ] + _cost_lines(data) + (before_after(before, {**data, "date": started}) if before else []) + [
        "",
        "## Per system",
        "",
        "| system | requests | LLM calls | calls / request | tokens in | of which provider-cached | tokens out | "
        "cost | cache hits | accuracy | wrong | false hits | hit p50 ms | hit p90 ms | hit p99 ms |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for name, s in systems.items():
        lat = s["hit_latency_ms"]
        lines.append(
            f"| {name} | {s['requests']} | {s['llm_calls']} | {s['llm_calls'] / max(1, s['requests']):.3f} | "
            f"{s['tokens_in']} | {s['tokens_cached']} | {s['tokens_out']} | {s['cost']:.4f} | {s['cache_hits']} | "
            f"{pct(s['correct'], s['requests'])} | "
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
            "| group | requests | LLM calls | tokens in | cost | compiled | hits | uncached | unsolved | accuracy | wrong "
            "| false hits |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for g, s in data["seglam_by_group"].items():
            t = s["tiers"]
            lines.append(
                f"| {g} | {s['requests']} | {s['llm_calls']} | {s['tokens_in']} | {s['cost']:.4f} | {t.get('compiled', 0)} | "
                f"{t.get('hit', 0) + t.get('routed', 0)} | {t.get('uncached', 0)} | {t.get('unsolved', 0)} | "
                f"{pct(s['correct'], s['requests'])} | {s['wrong']} | {s['false_hits']} |"
            )
        lines += ["", "Groups: dev = the eight development families; date = date_understanding "
                  "(one family for the kind; its precondition declines the contexts that need world knowledge, "
                  "which get a direct answer); control = sports_understanding and snarks, which no program may serve."]
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
    met = data.get("goals", {})
    if met:
        lines += ["", "## Goals (issue 12)", ""]
        lines += [f"- {'MET' if ok else 'NOT MET'}: {what}: {numbers}" for what, (ok, numbers) in met.items()]
    checks = data.get("acceptance", {})
    if checks:
        lines += ["", "## Acceptance", ""]
        lines += [f"- {'PASS' if ok else 'FAIL'}: {what}" for what, ok in checks.items()]
    return "\n".join(lines) + "\n"


def _cost_lines(data: dict[str, Any]) -> list[str]:
    c = data["costs"]
    p = c["prices"]["*"]
    lines = [
        f"Cost = tokens priced per million: input {p['input']:g}, provider-cached input {p['cached_input']:g}, "
        f"output {p['output']:g} (the documented default ratio of `seglam.engine.prices`, not a provider's "
        f"price list); the last two columns reprice the same tokens at `{c['sensitivity_prices']}` "
        "(a larger cached-input discount). Provider-cached tokens come from the recorded server's SIMULATED "
        "prefix cache (OpenAI's documented rule: prompts of 1024+ tokens, 128-token steps), for every system.",
        "",
        "| system | cost | per request | vs chain-of-thought baseline | vs bare-question baseline "
        "| vs CoT at 1 : 0.1 : 4 | vs bare at 1 : 0.1 : 4 |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in c["systems"].items():
        lines.append(
            f"| {name} | {r['cost']:.4f} | {r['cost_per_request'] * 1000:.4f} e-3 | {_x(r.get('vs_none-cot'))} | "
            f"{_x(r.get('vs_none'))} | {_x(r.get('vs_none-cot_sensitivity'))} | {_x(r.get('vs_none_sensitivity'))} |")
    groups = data.get("group_costs", {})
    if groups:
        names = list(next(iter(groups.values()))["cost"])
        lines += ["", "By group (the same requests for every system):", "",
                  "| group | " + " | ".join(names) + " | seglam vs CoT | seglam vs bare |",
                  "|---|" + "---|" * (len(names) + 2)]
        for g, r in groups.items():
            lines.append(f"| {g} | " + " | ".join(f"{r['cost'][n]:.4f}" for n in names)
                         + f" | {_x(r.get('seglam_vs_none-cot'))} | {_x(r.get('seglam_vs_none'))} |")
    ctl = data.get("controls_after_first_3", {})
    if ctl:
        lines += ["", "Negative controls after the first 3 requests of each kind (SEGLAM against a direct answer "
                  "to the same requests, i.e. the bare-question baseline's cost for them):", "",
                  "| kind | requests | SEGLAM calls | SEGLAM tiers | SEGLAM cost / request | direct cost / request | ratio |",
                  "|---|---|---|---|---|---|---|"]
        for task, r in ctl.items():
            tiers = ", ".join(f"{k} {v}" for k, v in r["tiers"].items())
            lines.append(f"| {task} | {r['requests']} | {r['calls']} | {tiers} | {r['cost_per_request'] * 1e6:.1f} e-6 | "
                         f"{r['direct_per_request'] * 1e6:.1f} e-6 | {_x(r['ratio'])} |")
    return lines


def _x(ratio: float | None) -> str:
    return "-" if ratio is None else f"{ratio:.3f}x"


def plot(result: Any, path: Path) -> bool:
    """Cumulative cost (top) and LLM calls (bottom) against requests, one line per system
    (drawn by the same code as ``seglam eval --png``); False without matplotlib."""
    styles = {"seglam": "-", "exact": "--", "normalised": ":", "none": "-.", "none-cot": (0, (5, 1, 1, 1, 1, 1))}
    curves = [Curve(name, cumulative(o.cost for o in outs), cumulative(o.calls for o in outs),
                    styles.get(name, "-"), 2.0 if name == "seglam" else 1.5)
              for name, outs in result.outcomes.items()]
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        draw_curves(curves, path, f"BIG-Bench Hard stream ({len(result.stream)} requests): what the model calls cost")
    except PlotUnavailable:
        return False
    return True


def print_summary(data: dict[str, Any]) -> None:
    for name, s in data["systems"].items():
        print(f"{name:>10}: {s['requests']} requests, {s['llm_calls']} LLM calls, cost {s['cost']:.4f}, "
              f"{s['cache_hits']} hits, "
              f"accuracy {pct(s['correct'], s['requests'])}, false hits {s['false_hits']}, "
              f"hit p50 {_fmt(s['hit_latency_ms']['p50'])} ms")
    for what, (ok, numbers) in data.get("goals", {}).items():
        print(f"{'MET' if ok else 'NOT MET'}: {what}: {numbers}")
    for what, ok in data.get("acceptance", {}).items():
        print(f"{'PASS' if ok else 'FAIL'}: {what}")


def before_after(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """A markdown section comparing an earlier run's ``workload.json`` with this run."""
    rows = []
    for label, data in (("before", before), ("after", after)):
        c = data["costs"]["systems"].get("seglam", {})
        s = data["systems"].get("seglam", {})
        date = data.get("seglam_by_group", {}).get("date", {})
        fams = data.get("admission", {})
        rows.append(
            f"| {label} ({data.get('date', 'this run')}) | {c.get('cost', 0):.4f} | {_x(c.get('vs_none-cot'))} | "
            f"{_x(c.get('vs_none'))} | {s.get('llm_calls', '-')} | {data.get('families_compiled', '-')} | "
            f"{fams.get('date_understanding', {}).get('families', 0)} | "
            f"{fams.get('penguins_in_a_table', {}).get('families', 0)} | {date.get('cost', 0):.4f} | "
            f"{pct(s.get('correct', 0), s.get('requests', 0))} | {s.get('false_hits', '-')} |")
    return ["", "## Before and after", "",
            "The previous full run (its `workload.json`) against this one, same stream and prices.", "",
            "| run | SEGLAM cost | vs CoT | vs bare | LLM calls | families compiled | date_understanding families "
            "| penguins_in_a_table families | date group cost | accuracy | false hits |",
            "|---|---|---|---|---|---|---|---|---|---|---|", *rows]


