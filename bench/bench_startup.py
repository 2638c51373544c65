"""Start-up of the command line (issue 16): what ``seglam --help``, ``seglam check`` and
``seglam run`` cost before they do any work, and how many modules they import.

Each command runs in a fresh interpreter ``--runs`` times; the medians of wall time and of
CPU time (user + system, which machine load disturbs less) are printed, with the number of
modules ``python -X importtime`` reports. ``--against DIR`` also runs the same commands with
another checkout's tree (say, ``git archive main | tar -x -C /tmp/main``) first on
``PYTHONPATH``, interleaved run by run with this one so load affects both alike. (The
editable install still maps ``seglam.verifier``, ``seglam.grammar`` and ``seglam.stdlib`` to
this checkout; none of the three commands imports the verifier.)

    .venv/bin/python bench/bench_startup.py [--runs 21] [--against /tmp/main]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAIN = "import sys; from seglam.cli.main import main; sys.exit(main(sys.argv[1:]))"
PROGRAM = "def main() -> int:\n    return 1 + 2\n"


def one_run(tree: Path, argv: list[str], cwd: str) -> tuple[float, float]:
    """(wall ms, CPU ms) of one run of ``seglam ARGV`` with ``tree`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", MAIN, *argv], env=env, cwd=cwd,
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(child.pid, 0)
    return (time.perf_counter() - start) * 1000, (usage.ru_utime + usage.ru_stime) * 1000


def modules(tree: Path, argv: list[str], cwd: str) -> int:
    """How many modules ``seglam ARGV`` imports (``-X importtime`` lines)."""
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", MAIN, *argv], env=env, cwd=cwd,
                         capture_output=True, text=True)
    return sum(line.startswith("import time:") for line in out.stderr.splitlines()) - 1  # minus the header


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--against", type=Path, help="another checkout's tree, run interleaved with this one")
    args = parser.parse_args()
    trees = [ROOT] + ([args.against.resolve()] if args.against else [])
    with tempfile.TemporaryDirectory() as tmp:
        program = Path(tmp) / "prog.sgl"
        program.write_text(PROGRAM, encoding="utf-8")
        commands = [["--help"], ["check", str(program)], ["run", str(program)]]
        print(f"{'tree':<40} {'command':<14} {'wall ms':>8} {'cpu ms':>7} {'modules':>8}")
        for argv in commands:
            samples: dict[Path, list[tuple[float, float]]] = {t: [] for t in trees}
            for _ in range(args.runs):
                for tree in trees:
                    samples[tree].append(one_run(tree, argv, tmp))
            for tree in trees:
                wall = statistics.median(s[0] for s in samples[tree])
                cpu = statistics.median(s[1] for s in samples[tree])
                shown = " ".join(a if a != str(program) else "prog.sgl" for a in argv)
                print(f"{str(tree):<40} {shown:<14} {wall:>8.0f} {cpu:>7.0f} {modules(tree, argv, tmp):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
