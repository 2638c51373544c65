"""The verifier soundness corpus as a benchmark: how many seeded-bug programs pass, how many
correct programs are refused, and the verify time of each.

    python bench/bench_soundness.py [--max-examples N] [--json] [--markdown]
    python bench/bench_soundness.py --markdown --rows AFTER.json --before BEFORE.json

For each ``tests/verifier/soundness/{wrong,right}/*.sgl`` it runs ``seglam verify`` (the
library call the CLI makes, default settings unless given) and the cache's admission
decision (``SeglamToolchain().verify``). A wrong program *passes* when ``seglam verify``
exits 0 or admission accepts it; a right program is *refused* when admission refuses it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "verifier" / "soundness"


def status_of(report) -> str:
    if report.error is not None:
        return "error"
    if not report.ok:
        return "refuted"
    if all(r.verdict in ("proved", "proved for len <= K") or r.severity == "warning" for r in report.results):
        return "proved"
    return "unknown"


def measure(max_examples: int) -> list[dict]:
    import seglam
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.verifier.api import make_options, verify_loaded
    from seglam.verifier.load import load_program

    options = dict(max_examples=max_examples)
    toolchain = SeglamToolchain(options)
    rows = []
    for kind in ("wrong", "right"):
        for path in sorted((CORPUS / kind).glob("*.sgl")):
            source = path.read_text(encoding="utf-8")
            t0 = time.perf_counter()
            report = verify_loaded(load_program(source, path.name), make_options(**options))
            wall = time.perf_counter() - t0
            admitted = toolchain.verify(seglam.compile(source, filename=path.name)).ok
            status = status_of(report)
            bad = (report.exit_code == 0 or admitted) if kind == "wrong" else not admitted
            rows.append({"kind": kind, "program": path.stem, "status": status, "exit": report.exit_code,
                         "admitted": admitted, "bad": bad, "verify_s": round(wall, 3)})
    return rows


def _outcome(r: dict) -> str:
    if r["kind"] == "wrong":
        return "PASSES (bad)" if r["bad"] else "caught"
    return "REFUSED (bad)" if r["bad"] else "accepted"


def _counts(rows: list[dict]) -> str:
    wrong = [r for r in rows if r["kind"] == "wrong"]
    right = [r for r in rows if r["kind"] == "right"]
    return (f"wrong programs that pass (exit 0 or admitted): **{sum(r['bad'] for r in wrong)} of {len(wrong)}**; "
            f"right programs refused: **{sum(r['bad'] for r in right)} of {len(right)}**; "
            f"verify time total {sum(r['verify_s'] for r in rows):.1f} s, max {max(r['verify_s'] for r in rows):.2f} s "
            f"({max(rows, key=lambda r: r['verify_s'])['program']})")


def markdown(rows: list[dict], command: str, before: list[dict] | None = None) -> str:
    """The results table; with ``before`` (rows of an earlier run), its verdicts side by side."""
    old = {(r["kind"], r["program"]): r for r in before or ()}
    lines = [f"Command: `{command}`", "", f"- after: {_counts(rows)}"]
    if before:
        lines.append(f"- before: {_counts(before)}")
    lines += ["", "| kind | program | status | exit | admitted | outcome | verify s |" + (" before: status / exit / outcome |" if before else ""),
              "|---|---|---|---|---|---|---|" + ("---|" if before else "")]
    for r in rows:
        line = f"| {r['kind']} | {r['program']} | {r['status']} | {r['exit']} | {r['admitted']} | {_outcome(r)} | {r['verify_s']:.2f} |"
        b = old.get((r["kind"], r["program"]))
        if before:
            line += f" {b['status']} / {b['exit']} / {_outcome(b)} |" if b else " - |"
        lines.append(line)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max-examples", type=int, default=50)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="the table for bench/results/soundness.md")
    ap.add_argument("--rows", metavar="JSON", help="render these rows (from --json) instead of measuring")
    ap.add_argument("--before", metavar="JSON", help="rows (from --json) of an earlier version, shown side by side")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    rows = json.loads(Path(args.rows).read_text()) if args.rows else measure(args.max_examples)
    before = json.loads(Path(args.before).read_text()) if args.before else None
    if args.json:
        print(json.dumps(rows, indent=2))
    elif args.markdown:
        print(markdown(rows, "python bench/bench_soundness.py --json" + (f" --max-examples {args.max_examples}" if args.max_examples != 50 else ""), before))
    else:
        for r in rows:
            print(f"{r['kind']:5s} {r['program']:28s} {r['status']:8s} exit {r['exit']} admitted {r['admitted']!s:5s} {'BAD' if r['bad'] else 'ok '} {r['verify_s']:6.2f} s")
        wrong = [r for r in rows if r["kind"] == "wrong"]
        right = [r for r in rows if r["kind"] == "right"]
        print(f"\nwrong passed {sum(r['bad'] for r in wrong)}/{len(wrong)}, right refused {sum(r['bad'] for r in right)}/{len(right)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
