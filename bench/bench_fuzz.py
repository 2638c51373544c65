"""Differential fuzzing, the long run (issue 19 point 3): many generated Seglam programs on
the compiled backend, the reference evaluator and CPython; every disagreement is a bug.

The programs come from ``tests/compiled/progen.py`` (the strategies the bounded test in
``tests/compiled/test_differential_fuzz.py`` runs). Each program runs with the default
budget and again with a small fuel budget (0-200 steps), so running out of fuel is compared
too. Hypothesis draws with the given seed and does not derandomise, so a different seed is a
different run; a disagreement stops the run and prints the shrunk program.

    .venv/bin/python bench/bench_fuzz.py --examples 3000 --seed 1
    .venv/bin/python bench/bench_fuzz.py --examples 3000 --seed 1 --write   # bench/results/fuzz.md
"""

from __future__ import annotations

import argparse
import collections
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results" / "fuzz.md"


def run(examples: int, seed: int) -> tuple[collections.Counter, str | None]:
    from hypothesis import HealthCheck, given, seed as hypothesis_seed, settings
    from hypothesis import strategies as st

    import seglam
    from tests.compiled.progen import disagreement, programs

    tally: collections.Counter = collections.Counter()
    found: list[str] = []

    @hypothesis_seed(seed)
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck))
    @given(programs(), st.integers(min_value=0, max_value=200))
    def check(program, fuel):
        source, args = program
        for budget in (None, fuel):
            problem = disagreement(source, args, fuel=budget)
            if problem is not None:
                found[:] = [f"{problem}\nfuel={budget} args={args!r}\n{source}"]
                raise AssertionError(problem)
        tally["programs"] += 1
        tally[_outcome(seglam.compile(source, filename="fuzz.sgl"), args)] += 1

    try:
        check()
    except AssertionError:
        return tally, found[0] if found else "a disagreement (see above)"
    return tally, None


def _outcome(program, args: tuple) -> str:
    """What the program did with the default budget: a value, or which fault."""
    import seglam

    try:
        program.run("main", args)
    except seglam.Fault as fault:
        return f"fault {fault.code}"
    return "value"


def report(tally: collections.Counter, problem: str | None, examples: int, seed: int, seconds: float) -> str:
    lines = [
        "# Differential fuzzing: compiled backend, reference evaluator, CPython",
        "",
        "```",
        f".venv/bin/python bench/bench_fuzz.py --examples {examples} --seed {seed} --write",
        "```",
        "",
        f"Recorded {time.strftime('%Y-%m-%d', time.gmtime())}, {seconds:.0f} s of wall time on the shared machine.",
        "Each program ran three ways with the default budget and twice more (the two Seglam",
        "backends) under a small fuel budget: value with types, fault code, and between the",
        "Seglam backends fuel used and fault span must all agree.",
        "",
        f"- programs run: **{tally['programs']}**",
        f"- disagreements: **{0 if problem is None else 1}**" + ("" if problem is None else " (the run stops at the first)"),
        "",
        "| outcome with the default budget | programs |",
        "|---|---:|",
    ]
    lines += [f"| {k} | {v} |" for k, v in sorted(tally.items()) if k != "programs"]
    if problem is not None:
        lines += ["", "First disagreement:", "", "```", problem, "```"]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write", action="store_true", help="write bench/results/fuzz.md")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The recursion limit will not be reset")
    start = time.time()
    tally, problem = run(args.examples, args.seed)
    text = report(tally, problem, args.examples, args.seed, time.time() - start)
    print(text)
    if args.write:
        RESULTS.write_text(text, encoding="utf-8")
    return 0 if problem is None else 1


if __name__ == "__main__":
    raise SystemExit(main())
