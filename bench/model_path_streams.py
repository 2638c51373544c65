"""Write the request streams for measuring the model path (issue 18 point 8) as `seglam eval`
reads them: one ``{"request", "answer", "task"}`` object a line.

The streams are built from the workloads beside the project (``../shared/workloads``, read at
run time and never copied into the repository): BIG-Bench Hard development tasks (MIT) and
the GSM-Symbolic P2 development templates (CC BY-NC-ND 4.0, so only ever read in place).
Requests are taken in a seeded shuffle per task, so a run is repeatable.

    .venv/bin/python bench/model_path_streams.py --out /tmp/mp [--per-task 15] [--per-template 4]

writes ``OUT/bbh_<task>.jsonl`` for each BBH task asked for and ``OUT/gsm_p2.jsonl`` (the ten
templates, ``--per-template`` instances each, interleaved so each template's later instances
come after its first). Then, for example:

    seglam eval /tmp/mp/bbh_penguins_in_a_table.jsonl --cache /tmp/mp/cache --report r.json
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

WORKLOADS = Path(__file__).resolve().parents[2] / "shared" / "workloads"
MODEL_PATH_TASKS = ("penguins_in_a_table", "formal_fallacies")
_FINAL = re.compile(r"####\s*(.+?)\s*$")


def bbh_stream(workloads: Path, task: str, n: int, seed: int) -> list[dict]:
    examples = json.loads((workloads / "bbh" / f"{task}.json").read_text(encoding="utf-8"))["examples"]
    order = list(range(len(examples)))
    random.Random(f"{seed}:{task}").shuffle(order)
    return [{"request": examples[i]["input"], "answer": examples[i]["target"], "task": task} for i in order[:n]]


def gsm_answer(solution: str) -> int | float | str:
    """The number after ``####`` (an int or a float when it reads as one, else the text)."""
    match = _FINAL.search(solution.strip())
    text = match.group(1).replace(",", "") if match else solution.strip()
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def gsm_stream(workloads: Path, per_template: int, seed: int) -> list[dict]:
    rows = [json.loads(line) for line in (workloads / "gsm_symbolic_p2" / "GSM_p2_dev.jsonl").open(encoding="utf-8")
            if line.strip()]
    by_template: dict[int, list[dict]] = {}
    for row in rows:
        by_template.setdefault(int(row["id"]), []).append(row)
    rng = random.Random(seed)
    picked = {t: rng.sample(rs, min(per_template, len(rs))) for t, rs in sorted(by_template.items())}
    out = []
    for k in range(per_template):  # round k: the k-th instance of every template
        for template, rs in picked.items():
            if k < len(rs):
                out.append({"request": rs[k]["question"], "answer": gsm_answer(rs[k]["answer"]),
                            "task": f"gsm_p2_{template}"})
    return out


def write(path: Path, lines: list[dict]) -> None:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the .jsonl streams")
    parser.add_argument("--workloads", type=Path, default=WORKLOADS, help="the shared workloads directory")
    parser.add_argument("--tasks", nargs="*", default=list(MODEL_PATH_TASKS), help="BBH tasks to write")
    parser.add_argument("--per-task", type=int, default=15)
    parser.add_argument("--per-template", type=int, default=4)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if not args.workloads.is_dir():
        print(f"no workloads at {args.workloads}: give --workloads DIR", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    for task in args.tasks:
        write(args.out / f"bbh_{task}.jsonl", bbh_stream(args.workloads, task, args.per_task, args.seed))
    if args.per_template > 0:
        write(args.out / "gsm_p2.jsonl", gsm_stream(args.workloads, args.per_template, args.seed))
    for path in sorted(args.out.glob("*.jsonl")):
        print(f"{path}: {sum(1 for _ in path.open())} requests")
    return 0


if __name__ == "__main__":
    sys.exit(main())
