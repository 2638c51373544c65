"""Routing: how many new wordings of a known kind the cache absorbs without a new family.

    nice .venv/bin/python bench/bench_routing.py                       # table on stdout
    nice .venv/bin/python bench/bench_routing.py --write               # also bench/results/routing.md
    nice .venv/bin/python bench/bench_routing.py --families DIR        # another recording's families
    nice .venv/bin/python bench/bench_routing.py --per-task 40         # a quick run

For each task (default date_understanding and penguins_in_a_table) two streams run through
the real engine (patterns, negative families, routing, admission with the full verifier,
the LMDB cache) on a fresh cache each, against the RECORDED model
(``seglam.engine.recorded``: the repository's own families replayed, not a real model):

- **as in BBH**: the task's requests as the task file words them;
- **reworded**: the same requests, each in one of four wordings of the task's frame (the
  task file's own and the three rewordings in ``REWORDINGS``, in turn), with the same
  inputs and targets. The recorded model knows which request each one rewords (so it knows
  its kind and its inputs), never more.

Per stream: the families compiled, the route calls, the requests routed to a family, the
patterns learned from them, and the new wordings *absorbed* (a wording is absorbed when a
request of it was routed and its pattern learned, so that later requests of it are plain
hits); answers served by a program that are wrong; requests no program served (``uncached``
answers are the model's direct answers).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script from the repository root
    sys.path.insert(0, str(REPO))

from seglam.engine.recorded import Recording, RecordedCompiler, load_recording, load_tasks, reworded  # noqa: E402

DEFAULT_DATA = REPO / "tests" / "data" / "bbh"
RESULTS = REPO / "bench" / "results"
TASKS = ("date_understanding", "penguins_in_a_table")

#: Three rewordings of each task's fixed frame: literal (old, new) replacements. The inputs
#: (the context, the table, the question's own words, the options) are left as they are.
REWORDINGS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "date_understanding": (
        (("What is the date", "Which date is"), ("in MM/DD/YYYY?", "in the MM/DD/YYYY format?")),
        (("Options:", "Choices:"),),
        (("What is the date", "Tell me the date"), ("Options:", "Pick one of:")),
    ),
    "penguins_in_a_table": (
        (("Here is a table where the first line is a header and each subsequent line is a penguin:",
          "Below is a table; its first line is the header and every later line is one penguin:"),),
        (("Options:", "Choices:"),),
        (("Here is a table where the first line is a header and each subsequent line is a penguin:",
          "The table below has a header line, then one line per penguin:"), ("Options:", "Pick one of:")),
    ),
}


@dataclass(frozen=True)
class Request:
    text: str
    target: str
    wording: int  # 0: the task file's own; 1..3: REWORDINGS[task][wording - 1]


def reword(text: str, replacements: Sequence[tuple[str, str]]) -> str | None:
    """``text`` with every replacement applied, or None when one does not apply."""
    for old, new in replacements:
        if old not in text:
            return None
        text = text.replace(old, new)
    return text


def build_stream(recording: Recording, task: str, seed: int, per_task: int | None,
                 reworded_stream: bool) -> tuple[list[Request], dict[str, str]]:
    """The task's requests, shuffled; reworded in turn when asked. Also new text -> old text."""
    items = [i for i in recording.instances.values() if i.task == task]
    random.Random(seed).shuffle(items)
    items = items[:per_task] if per_task is not None else items
    out, pairs = [], {}
    for n, inst in enumerate(items):
        wording = n % 4 if reworded_stream else 0
        text = inst.text
        if wording:
            new = reword(inst.text, REWORDINGS[task][wording - 1])
            if new is None:
                wording = 0
            else:
                pairs[new] = inst.text
                text = new
        out.append(Request(text, inst.target, wording))
    return out, pairs


def run_stream(recording: Recording, stream: Sequence[Request], verify_options: dict[str, Any] | None) -> dict[str, Any]:
    from seglam.cache.cache import Cache
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.engine.config import CompilerConfig
    from seglam.engine.engine import Engine

    tiers: Counter[str] = Counter()
    purposes: Counter[str] = Counter()
    learned: dict[str, int] = {}  # learned pattern -> wording it was learned for
    compiled: dict[str, int] = {}  # family id -> wording of the request that compiled it
    routed_wordings: Counter[int] = Counter()
    hits_by_wording: Counter[int] = Counter()
    wrong = 0
    scratch = tempfile.mkdtemp(prefix="seglam-routing-")
    start = time.perf_counter()
    try:
        with RecordedCompiler(recording) as server:
            cfg = CompilerConfig(model="recorded-bbh", base_url=server.url, api_key="recorded", backoff=0.0,
                                 max_retries=1, timeout=60.0, route=True, direct_fallback=True)
            cache = Cache(Path(scratch) / "cache", toolchain=SeglamToolchain(verify_options))
            engine = Engine(cache=cache, compiler=cfg)
            try:
                for req in stream:
                    answer = engine.solve(req.text)
                    tiers[answer.tier] += 1
                    if answer.tier in ("hit", "routed", "compiled") and str(answer.value).strip() != req.target:
                        wrong += 1
                    if answer.tier == "compiled" and answer.trace.entry_id:
                        compiled.setdefault(answer.trace.entry_id, req.wording)
                    if answer.tier == "hit":
                        hits_by_wording[req.wording] += 1
                    if answer.tier == "routed":
                        routed_wordings[req.wording] += 1
                        for note in answer.trace.reasons:
                            if note.startswith("learned pattern "):
                                learned.setdefault(note[len("learned pattern "):], req.wording)
            finally:
                engine.close()
                cache.close()
            purposes.update(c.kind for c in server.calls)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    wordings = sorted({r.wording for r in stream})
    new = [w for w in wordings if w != min(wordings)] if len(wordings) > 1 else []
    return {
        "requests": len(stream),
        "wordings": len(wordings),
        "tiers": dict(tiers),
        "calls": dict(purposes),
        "families_compiled": len(compiled),
        "families_for_new_wordings": sum(1 for w in compiled.values() if w in new),
        "routed": sum(routed_wordings.values()),
        "patterns_learned": len(learned),
        "new_wordings": len(new),
        "new_wordings_absorbed": len({w for w in learned.values() if w in new}),
        "hits_on_new_wordings": sum(hits_by_wording[w] for w in new),
        "requests_of_new_wordings": sum(1 for r in stream if r.wording in new),
        "wrong": wrong,
        "seconds": round(time.perf_counter() - start, 1),
    }


def measure(data: Path, families: Path | None, tasks: Sequence[str], seed: int, per_task: int | None,
            verify_options: dict[str, Any] | None, say: Any = print) -> list[dict[str, Any]]:
    base = load_recording(data, families)
    rows = []
    for task in tasks:
        for kind in ("as in BBH", "reworded"):
            stream, pairs = build_stream(base, task, seed, per_task, kind == "reworded")
            recording = reworded(base, pairs) if pairs else base
            row = {"task": task, "stream": kind,
                   "families_in_recording": sorted(f for f in base.families if f.split("__")[0] == task),
                   **run_stream(recording, stream, verify_options)}
            say(f"{task} ({kind}): {json.dumps({k: v for k, v in row.items() if k != 'families_in_recording'})}")
            rows.append(row)
    return rows


def render(rows: Sequence[dict[str, Any]], command: str, started: str, families: str) -> str:
    out = [
        "# Routing: new wordings absorbed by a known family",
        "",
        f"Command: `{command}`  ",
        f"Date: {started}  ",
        f"Machine: {platform.system()} {platform.release()}, {platform.machine()}, Python {platform.python_version()}  ",
        f"Model: the RECORDED model (`seglam.engine.recorded`, the families in `{families}`), not a real one.",
        "",
        "What is measured and how: `bench/bench_routing.py` (its docstring). A wording is *absorbed* when a",
        "request of it was routed to the family and its pattern learned; later requests of that wording are hits.",
        "",
        "| task | stream | families in the recording | requests | wordings | families compiled | of them for a new wording | route calls | routed | patterns learned | new wordings absorbed | hits on new wordings | uncached | wrong |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        fams = r["families_in_recording"]
        out.append(
            f"| {r['task']} | {r['stream']} | {len(fams)} | {r['requests']} | {r['wordings']} | {r['families_compiled']} | "
            f"{r['families_for_new_wordings']} | {r['calls'].get('route', 0)} | {r['routed']} | {r['patterns_learned']} | "
            f"{r['new_wordings_absorbed']} of {r['new_wordings']} | {r['hits_on_new_wordings']} of "
            f"{r['requests_of_new_wordings']} | {r['tiers'].get('uncached', 0)} | {r['wrong']} |")
    out.append("")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="the BBH task files (default: %(default)s)")
    parser.add_argument("--families", type=Path, default=None, help="the recorded families (default: stdlib/families)")
    parser.add_argument("--tasks", nargs="+", default=list(TASKS), choices=sorted(REWORDINGS))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--per-task", type=int, default=None, help="only the first N requests of each task")
    parser.add_argument("--verify-examples", type=int, default=None, help="Hypothesis budget in admission")
    parser.add_argument("--write", action="store_true", help="also write bench/results/routing.md (and .json)")
    args = parser.parse_args(argv)
    if not load_tasks(args.data):
        print(f"no BBH task files in {args.data}", file=sys.stderr)
        return 2
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    options = {"max_examples": args.verify_examples} if args.verify_examples is not None else None
    rows = measure(args.data, args.families, args.tasks, args.seed, args.per_task, options)
    command = "nice .venv/bin/python bench/bench_routing.py " + " ".join(sys.argv[1:] if argv is None else argv)
    text = render(rows, command.strip(), started, str(args.families or "stdlib/families"))
    print(text)
    if args.write:
        (RESULTS / "routing.md").write_text(text, encoding="utf-8")
        (RESULTS / "routing.json").write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
