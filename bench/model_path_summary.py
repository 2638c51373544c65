"""Summarise a model-path run (issue 18 point 8) from the reports ``seglam eval`` wrote.

A run has two phases per stream (see bench/results/model_path.md for the commands):

1. *with the model*: ``seglam eval STREAM --report RUN/reports/NAME.json`` from an empty cache;
2. *held out, no model*: the same kind's later requests against a copy of that cache,
   ``seglam eval LATER --no-model --report RUN/later/reports/NAME.own.json``, and every task's
   later requests against it, ``... NAME.cross.json`` (a hit on another task's request is a
   hit the family should never have had).

    .venv/bin/python bench/model_path_summary.py RUN

prints, per kind (the ``task`` of a request): model calls by purpose, whether the kind's first
request was admitted and in how many repair rounds, the stream's later requests, the held-out
hits right / wrong and the unanswered ones by cause, and hits on other tasks' requests.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path


def _load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["requests"] if path.exists() else []


def _cause(request: dict) -> str:
    """Why a request got no program answer, in a few words."""
    text = " ".join(request.get("reasons") or [request.get("why", "")])
    if "refused the request" in text:
        return "precondition"
    if "negative family" in text:
        return "declined kind"
    if "no model is configured" in text:
        return "no pattern"
    return "compile failed" if request.get("calls") else "other"


def kind_rows(stream: list[dict]) -> dict[str, dict]:
    """Per task: calls, first-request outcome, later requests of the stream."""
    rows: dict[str, dict] = {}
    for request in stream:
        row = rows.setdefault(request["task"], {"calls": collections.Counter(), "first": None, "repairs": None,
                                                "later": collections.Counter()})
        row["calls"].update(request.get("calls") or {})
        if row["first"] is None:
            row["first"] = request["tier"]
            row["repairs"] = (request.get("calls") or {}).get("repair", 0)
        else:
            row["later"][_outcome(request)] += 1
    return rows


def _outcome(request: dict) -> str:
    if request["tier"] in ("hit", "routed", "compiled", "disputed"):  # disputed: the settled answer
        return "right" if request.get("right") else "wrong"
    return "unsolved"


def held_out(own: list[dict], cross: list[dict], task: str, stream_tasks: set[str]) -> dict:
    """Held-out results for ``task``; a hit of the stream's cache on a request of a task the
    stream never had (not in ``stream_tasks``) is foreign."""
    mine = [r for r in own if r["task"] == task]
    hits = [r for r in mine if r["tier"] in ("hit", "routed")]
    foreign = [r for r in cross if r["task"] not in stream_tasks and r["tier"] in ("hit", "routed")]
    return {
        "n": len(mine), "right": sum(1 for r in hits if r.get("right")), "wrong": sum(1 for r in hits if not r.get("right")),
        "unanswered": collections.Counter(_cause(r) for r in mine if r["tier"] not in ("hit", "routed")),
        "foreign_hits": len(foreign), "foreign_wrong": sum(1 for r in foreign if not r.get("right")),
        "foreign_n": sum(1 for r in cross if r["task"] not in stream_tasks),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the run's directory (reports/, later/reports/)")
    args = parser.parse_args(argv)
    streams = sorted((args.run / "reports").glob("*.json"))
    if not streams:
        print(f"no reports in {args.run / 'reports'}", file=sys.stderr)
        return 2
    print("| kind | model calls | first request | later in stream: right / wrong / unsolved "
          "| held out: hits right / wrong of n, unanswered by cause | the stream's cache on other tasks' requests: hits |")
    print("|---|---|---|---|---|---|")
    totals = collections.Counter()
    for path in streams:
        later = args.run / "later" / "reports"
        own, cross = _load(later / f"{path.stem}.own.json"), _load(later / f"{path.stem}.cross.json")
        rows = kind_rows(_load(path))
        for task, row in sorted(rows.items()):
            calls = ", ".join(f"{k} {v}" for k, v in sorted(row["calls"].items())) or "0"
            first = f"{row['first']} ({row['repairs']} repair{'s' if row['repairs'] != 1 else ''})"
            lat = row["later"]
            h = held_out(own, cross, task, set(rows))
            causes = ", ".join(f"{k} {v}" for k, v in h["unanswered"].most_common()) or "-"
            foreign = f"{h['foreign_hits']} ({h['foreign_wrong']} wrong) of {h['foreign_n']}" if cross else "-"
            print(f"| {task} | {calls} | {first} | {lat['right']} / {lat['wrong']} / {lat['unsolved']} "
                  f"| {h['right']} / {h['wrong']} of {h['n']}; {causes} | {foreign} |")
            admitted_first = row["first"] == "compiled" and row["repairs"] <= 2
            if task == min(rows):  # the stream's cache, counted once
                totals.update({"foreign_hits": h["foreign_hits"], "foreign_wrong": h["foreign_wrong"]})
            totals.update({"kinds": 1, "admitted_first": int(admitted_first), "later_right": lat["right"],
                           "later_wrong": lat["wrong"], "later_unsolved": lat["unsolved"], "held_right": h["right"],
                           "held_wrong": h["wrong"], "held_n": h["n"]})
            totals.update({f"calls_{k}": v for k, v in row["calls"].items()})
    print()
    print("totals: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
