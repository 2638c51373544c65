"""Checker speed: CPU time of ``check`` (parse excluded) on every ``stdlib/families/*.sgl``,
the median of REPEATS runs per file, and the time per 100 source lines.

It was a test's assertion ("a long program checks in under 250 ms of CPU"); a time limit
depends on the machine, so it is measured here and printed instead.

    .venv/bin/python bench/bench_check.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from seglam.check.checker import check  # noqa: E402
from seglam.syntax.lower import parse  # noqa: E402

FAMILIES = ROOT / "stdlib" / "families"
REPEATS = 5


def check_ms(source: str, name: str) -> float:
    """Median CPU milliseconds of ``check`` on one parsed module."""
    module = parse(source, name)
    check(module, source)  # warm up: the signature table is parsed once per process
    times = []
    for _ in range(REPEATS):
        start = time.process_time()
        check(module, source)
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> int:
    rows = []
    for path in sorted(FAMILIES.glob("*.sgl")):
        source = path.read_text(encoding="utf-8")
        rows.append((path.stem, len(source.splitlines()), check_ms(source, path.name)))
    print(f"{'family':<60} {'lines':>6} {'check ms':>9} {'ms/100 lines':>13}")
    for name, lines, ms in sorted(rows, key=lambda r: -r[2]):
        print(f"{name:<60} {lines:>6} {ms:>9.1f} {100 * ms / lines:>13.2f}")
    per_100 = [100 * ms / lines for _, lines, ms in rows]
    print(f"\n{len(rows)} files: median {statistics.median(r[2] for r in rows):.1f} ms, "
          f"max {max(r[2] for r in rows):.1f} ms; median {statistics.median(per_100):.2f} ms per 100 lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
