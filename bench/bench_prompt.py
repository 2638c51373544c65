"""How long a compile prompt is (issue 18 point 4), over a development stream.

For every request of the stream, builds the compile prompt the engine would send on a miss
with an empty cache (the fixed system prompt, then the worked families chosen for that
request, then the request) and prints, in tokens estimated as chars / 4:

- the median, p90 and maximum prompt size, overall and per task;
- the size of the fixed prefix (what a server's prefix cache can serve) and of its parts;
- which worked family each task's requests were shown, and how often.

With ``--families DIR`` (default ``stdlib/families``; labelled "our families": programs
written for this repository, not a model's) it also prints the lines of family code, per family
and in total, and how our date_understanding family does on every date_understanding request
under the CPython oracle (right / declined / wrong): run it on an older checkout's
``stdlib/families`` for a before/after (issue 15: the families rewritten on the Seglam library).

The stream is the BIG-Bench Hard development files in the repository (tests/data/bbh) by
default, or any directory of the same ``{"examples": [{"input": ...}]}`` files; ``--stream``
measures a JSONL file instead, one request per line under ``request`` (``seglam eval``'s
format) or ``question`` (the GSM-Symbolic files in ../shared/workloads/gsm_symbolic_p2).

    .venv/bin/python bench/bench_prompt.py [--data DIR | --stream FILE.jsonl] [--families DIR] [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import Counter
from pathlib import Path

from seglam.engine.guide import load_guide
from seglam.engine.library_prompt import library_index
from seglam.engine.prompt import RULES, build_prompts, free_text_request, pattern_rules, stdlib_list, typed_in, unwrap
from seglam.engine.worked import select_worked

DEFAULT_DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "bbh"


def tokens(chars: int) -> int:
    return chars // 4


def requests_of(data: Path) -> dict[str, list[str]]:
    """The requests by task: a directory of BBH-style files, or a JSONL stream (one task, or
    the lines' own ``task``)."""
    if data.is_file():
        out: dict[str, list[str]] = {}
        for line in data.read_text(encoding="utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                out.setdefault(str(row.get("task", data.stem)), []).append(row.get("request") or row["question"])
        return out
    return {path.stem: [ex["input"] for ex in json.loads(path.read_text(encoding="utf-8")).get("examples", [])]
            for path in sorted(data.glob("*.json"))}


def measure(data: Path) -> dict:
    book = build_prompts()
    sizes: dict[str, list[int]] = {}
    shown: dict[str, Counter] = {}
    for task, requests in requests_of(data).items():
        for request in requests:
            messages = book.compile_messages(free_text_request(request), request)
            sizes.setdefault(task, []).append(tokens(sum(len(m["content"]) for m in messages)))
            chosen = select_worked(request, book.worked)
            shown.setdefault(task, Counter())[" + ".join(w.task for w in chosen)] += 1
    every = sorted(n for per in sizes.values() for n in per)
    return {
        "requests": len(every),
        "median_tokens": statistics.median(every),
        "p90_tokens": every[int(0.9 * (len(every) - 1))],
        "max_tokens": every[-1],
        "fixed_prefix_tokens": tokens(len(book.system)),
        "parts_tokens": {"rules": tokens(len(unwrap(pattern_rules(RULES)))), "guide": tokens(len(unwrap(load_guide()))),
                         "library": tokens(len(stdlib_list(typed_in(load_guide())))),
                         "seglam_modules": tokens(len(library_index()))},
        "per_task": {
            task: {"median_tokens": statistics.median(per), "worked": dict(shown[task].most_common(3))}
            for task, per in sizes.items()
        },
    }


FAMILIES = Path(__file__).resolve().parents[1] / "stdlib" / "families"


def family_lines(directory: Path) -> dict[str, int]:
    """Lines of each family program (``*.sgl``) in ``directory``, and their ``total``."""
    out = {p.stem: len(p.read_text(encoding="utf-8").splitlines()) for p in sorted(directory.glob("*.sgl"))}
    return {**out, "total": sum(out.values())}


def date_outcomes(directory: Path, data: Path = DEFAULT_DATA) -> dict[str, int]:
    """right / declined / wrong of ``directory``'s date_understanding family on every request
    of the task, under the CPython oracle (given the standard library's Seglam modules)."""
    from seglam.cache.pattern import parse_pattern
    from seglam.program.library import stdlib_sources
    from seglam.run.oracle import run_cpython

    meta = json.loads((directory / "date_understanding.json").read_text(encoding="utf-8"))
    source = (directory / "date_understanding.sgl").read_text(encoding="utf-8")
    patterns = [parse_pattern(p) for p in meta["patterns"]]
    out = {"right": 0, "declined": 0, "wrong": 0}
    for ex in json.loads((data / "date_understanding.json").read_text(encoding="utf-8"))["examples"]:
        bound = next((b for b in (p.match(ex["input"]) for p in patterns) if b is not None), None)
        res = None if bound is None else run_cpython(source, meta["entry"], kwargs=bound, modules=dict(stdlib_sources()))
        kind = "declined" if res is None or not res.ok else "right" if res.value == ex["target"] else "wrong"
        out[kind] += 1
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="directory of BBH-style task files")
    parser.add_argument("--stream", type=Path, help="a JSONL stream instead (request or question per line)")
    parser.add_argument("--families", type=Path, default=FAMILIES, help="the family programs to count (our families)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    source = args.stream or args.data
    if not source.exists() or not requests_of(source):
        parser.error(f"no requests in {source} (a directory of task files or a JSONL file)")
    report = measure(source)
    report["family_lines"] = family_lines(args.families)
    if (args.families / "date_understanding.sgl").is_file() and (DEFAULT_DATA / "date_understanding.json").is_file():
        report["date_understanding"] = date_outcomes(args.families)
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"compile prompt over {report['requests']} requests of {source} (tokens = chars / 4, empty cache)")
    print(f"  median {report['median_tokens']}  p90 {report['p90_tokens']}  max {report['max_tokens']}")
    print(f"  fixed prefix {report['fixed_prefix_tokens']} (" + ", ".join(
        f"{k.replace('_', ' ')} {v}" for k, v in report["parts_tokens"].items()) + ")")
    for task, row in report["per_task"].items():
        worked = ", ".join(f"{k} x{v}" for k, v in row["worked"].items())
        print(f"  {task:42} median {row['median_tokens']:>6}  shown: {worked}")
    lines = report["family_lines"]
    print(f"our families ({args.families}): {lines['total']} lines of family code; "
          + ", ".join(f"{k} {v}" for k, v in lines.items() if k != "total"))
    if "date_understanding" in report:
        d = report["date_understanding"]
        print(f"  our date_understanding family (CPython oracle): {d['right']} right, {d['declined']} declined, "
              f"{d['wrong']} wrong")
    return 0


if __name__ == "__main__":
    sys.exit(main())
