"""Verify time per program over the verifier corpus: median and max, and the Z3 / Hypothesis
share of the time, measured side by side in one run.

    python bench/bench_verify.py [--max-examples N] [--bound K] [--json]
    python bench/bench_verify.py --families [--json]

``--families`` times ``seglam verify FILE --json`` (a fresh process per file, one after
another, default settings) on every ``stdlib/families/*.sgl``: the admission cost of the
BBH families, with the CLI's start-up included, and whether each is admissible (exit 0:
proved; 3: some obligation unknown, admissible when each has targeted evidence).

Z3 runs in a worker process while Hypothesis runs in this one, so "wall" is less than the
sum of the two; "z3 wait" is the time spent waiting for the worker after Hypothesis ended.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "verifier" / "corpus"
FAMILIES = ROOT / "stdlib" / "families"
SEGLAM = Path(sys.executable).with_name("seglam")


def measure(max_examples: int, bound: int) -> list[dict]:
    from seglam.verifier.api import make_options, verify_loaded
    from seglam.verifier.load import load_program

    rows = []
    opts = make_options(max_examples=max_examples, bound=bound)
    for path in sorted(CORPUS.glob("*.sgl")):
        source = path.read_text(encoding="utf-8")
        t0 = time.perf_counter()
        loaded = load_program(source, path.name)
        t1 = time.perf_counter()
        report = verify_loaded(loaded, opts)
        t2 = time.perf_counter()
        tm = report.timings
        rows.append(
            {
                "program": path.stem,
                "wall": t2 - t0,
                "compile": t1 - t0,
                "examples": tm.get("examples", 0.0),
                "hypothesis": tm.get("hypothesis", 0.0),
                "z3_start": tm.get("z3_start", 0.0),
                "z3_wait": tm.get("z3_wait", 0.0),
                "replay": tm.get("replay", 0.0),
                "obligations": len(report.results),
            }
        )
    return rows


def measure_families() -> list[dict]:
    rows = []
    for path in sorted(FAMILIES.glob("*.sgl")):
        t0 = time.perf_counter()
        done = subprocess.run([str(SEGLAM), "verify", str(path), "--json"], capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        try:
            doc = json.loads(done.stdout)
        except ValueError:
            doc = {}
        rows.append({"family": path.stem, "wall": wall, "exit": done.returncode, "summary": doc.get("summary", {}),
                     "status": doc.get("status"), "admissible": doc.get("admissible")})
    return rows


def main_families(as_json: bool) -> int:
    rows = measure_families()
    total = sum(r["wall"] for r in rows)
    if as_json:
        print(json.dumps({"total_s": total, "rows": rows}, indent=2))
        return 0
    for r in rows:
        v = r["summary"]
        counts = " ".join(f"{k}={v[k]}" for k in sorted(v)) if v else "(no summary)"
        print(f"{r['family']:52s} {r['wall']:7.2f} s  exit {r['exit']}  admissible {r['admissible']}  {counts}")
    slowest = max(rows, key=lambda r: r["wall"])
    print(f"\n{len(rows)} families: total {total:.1f} s, slowest {slowest['wall']:.1f} s ({slowest['family']})")
    return 0


def summarise(rows: list[dict]) -> dict:
    walls = [r["wall"] for r in rows]
    hyp = sum(r["hypothesis"] for r in rows)
    z3 = sum(r["z3_start"] + r["z3_wait"] for r in rows)
    total = sum(walls)
    return {
        "programs": len(rows),
        "median_s": statistics.median(walls),
        "max_s": max(walls),
        "max_program": max(rows, key=lambda r: r["wall"])["program"],
        "total_s": total,
        "hypothesis_share": hyp / total,
        "z3_share": z3 / total,
        "other_share": 1 - (hyp + z3) / total,
        "under_2s": sum(1 for w in walls if w < 2.0),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-examples", type=int, default=50)
    ap.add_argument("--bound", type=int, default=8)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--families", action="store_true", help="time seglam verify on every stdlib family instead")
    args = ap.parse_args(argv)
    if args.families:
        return main_families(args.json)
    sys.path.insert(0, str(ROOT))
    rows = measure(args.max_examples, args.bound)
    summary = summarise(rows)
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}, indent=2))
        return 0
    print(f"{'program':30s} {'wall':>7s} {'hyp':>7s} {'z3 wait':>8s} {'oblig':>6s}")
    for r in rows:
        print(f"{r['program']:30s} {r['wall']:7.3f} {r['hypothesis']:7.3f} {r['z3_wait']:8.3f} {r['obligations']:6d}")
    s = summary
    print(
        f"\n{s['programs']} programs: median {s['median_s']:.3f} s, max {s['max_s']:.3f} s ({s['max_program']}), "
        f"{s['under_2s']} under 2 s; share of time: Hypothesis {s['hypothesis_share']:.0%}, "
        f"Z3 (start + wait) {s['z3_share']:.0%}, other {s['other_share']:.0%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
