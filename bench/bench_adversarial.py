"""Adversarial-time benchmark: does fuel bound wall time?

Runs every program in ``bench/adversarial/*.sgl`` (each defines ``main(n: int)`` and loops
``n`` times over work that is expensive for its size: big-int arithmetic, pow with big
moduli, int <-> str, colliding hash keys, sorts, regexes, long strings, deep recursion) with
a large ``n`` under a fixed fuel budget, so most runs end with F-FUEL after spending the
whole budget. Each run happens in its own process with a wall-clock guard (``--timeout``):
a run that the guard stops is reported as such (it means fuel did not bound its time).

Per program it prints the fuel used, the wall time of the run (the call only, not the
compilation) and the microseconds per unit of fuel; then the maximum. SPEC.md (§10) states
the bound this checks: about 1 s per million fuel (1 µs per unit) on the reference machine.

    .venv/bin/python bench/bench_adversarial.py                      # compiled backend
    .venv/bin/python bench/bench_adversarial.py --backend reference --fuel 200000
    .venv/bin/python bench/bench_adversarial.py --only powmod_big,colliding_set
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CORPUS = ROOT / "bench" / "adversarial"
#: ``n`` for every program: large enough that the fuel budget, not ``n``, ends the run.
N = 10 ** 9
FUEL = 2_000_000
TIMEOUT = 60.0


def run_one(path: Path, backend: str, fuel: int, n: int) -> dict:
    """Run ``main(n)`` of ``path`` in this process; the outcome, fuel used and wall time."""
    import seglam
    from seglam.run.limits import Limits

    program = seglam.compile(path.read_text(), filename=str(path), backend=backend)
    limits = Limits(fuel=fuel)
    start = time.perf_counter()
    try:
        result = program.run("main", (n,), limits=limits)
        outcome, used = "value", result.fuel_used
    except seglam.Fault as fault:
        outcome, used = fault.code, fuel if fault.code == "F-FUEL" else None
    seconds = time.perf_counter() - start
    return {"outcome": outcome, "fuel_used": used, "seconds": seconds}


def measure(path: Path, backend: str, fuel: int, n: int, timeout: float) -> dict:
    """:func:`run_one` in a fresh process, stopped after ``timeout`` seconds."""
    cmd = [sys.executable, __file__, "--child", str(path), "--backend", backend, "--fuel", str(fuel), "--n", str(n)]
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"outcome": f"stopped after {timeout:g} s", "fuel_used": None, "seconds": timeout}
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        return {"outcome": f"crashed: {done.stderr.strip()[-200:]}", "fuel_used": None, "seconds": 0.0}
    return json.loads(lines[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", default="compiled", choices=("compiled", "reference"))
    parser.add_argument("--fuel", type=int, default=FUEL)
    parser.add_argument("--n", type=int, default=N)
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    parser.add_argument("--only", default="", help="comma-separated program names")
    parser.add_argument("--child", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_one(Path(args.child), args.backend, args.fuel, args.n)))
        return 0
    names = {x for x in args.only.split(",") if x}
    paths = [p for p in sorted(CORPUS.glob("*.sgl")) if not names or p.stem in names]
    print(f"backend {args.backend}, fuel budget {args.fuel:,}, n = {args.n:,}, guard {args.timeout:g} s")
    print("| program | outcome | fuel used | wall s | µs / fuel |")
    print("|---|---|---:|---:|---:|")
    worst = 0.0
    for path in paths:
        got = measure(path, args.backend, args.fuel, args.n, args.timeout)
        used = got["fuel_used"]
        if used:
            per = got["seconds"] * 1e6 / used
        else:  # stopped by the guard, or a fault whose fuel is not reported: charge the budget
            per = got["seconds"] * 1e6 / args.fuel if got["outcome"].startswith("stopped") else 0.0
        worst = max(worst, per)
        shown = f"{used:,}" if used else "-"
        print(f"| {path.stem} | {got['outcome']} | {shown} | {got['seconds']:.3f} | {per:.3f} |", flush=True)
    print(f"\n**max µs / fuel: {worst:.3f}** (bound: about 1.0)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
