"""Run every benchmark in bench/, one after another (`make bench`).

Each benchmark prints ratios measured side by side in one run; see bench/README.md for
what each measures and the numbers last recorded.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent
SCRIPTS = ["bench_interp.py", "bench_check.py", "bench_cache.py", "bench_verify.py", "bench_prompt.py", "workload.py"]


def main() -> int:
    status = 0
    for name in SCRIPTS:
        script = BENCH / name
        if not script.exists():
            continue
        print(f"\n=== {name} " + "=" * (60 - len(name)), flush=True)
        status |= subprocess.call([sys.executable, str(script), *sys.argv[1:]])
    return status


if __name__ == "__main__":
    sys.exit(main())
