"""What the cache's library modules cost (issue 15, point 2).

Prints, for one small module of our own (`clock`, two functions' worth) and N families that
import it, with the real toolchain on a small verification budget (Hypothesis 10 examples,
no Z3; the same budget as the tests):
- admitting the module, and admitting each importing family;
- replacing the module with N importers (each is verified again and its samples, examples
  and counterexamples re-run before the replacement is accepted), for each N given;
- the first (cold) run of a family over a cache module and of one without imports, and warm
  hits of both (the compiled program is memoised per family version).

Timings are wall-clock on whatever machine runs it; nothing here is a test.

    .venv/bin/python bench/bench_modules.py [--importers 1 4 8] [--hits 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time

from seglam.cache import Cache, FamilyDraft
from seglam.cache.toolchain import SeglamToolchain

CLOCK = '''"""Hours on a 24-hour clock."""


def later(h: int, n: int) -> int:
    """`n` hours after `h`."""
    return (h + n) % 24


def earlier(h: int, n: int) -> int:
    """`n` hours before `h`."""
    return (h - n) % 24


assert later(23, 2) == 1
assert earlier(1, 2) == 23
'''
IMPORTING = '''from clock import later


def main(h: int, n: int) -> int:
    return later(h, n)


assert main(22, 3) == 1
'''
PLAIN = '''def main(h: int, n: int) -> int:
    return (h + n) % 24


assert main(22, 3) == 1
'''


def _draft(source: str, zone: int) -> FamilyDraft:
    pattern = f"What hour is it {{n: int}} hours after {{h: int}} o'clock in zone {zone}?"
    return FamilyDraft(source=source, patterns=(pattern,), samples=(f"What hour is it 5 hours after 21 o'clock in zone {zone}?",))


def _seconds(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def replacement(importers: int) -> dict[str, float]:
    """Admit the module and ``importers`` families over it, then replace the module."""
    with tempfile.TemporaryDirectory() as tmp, Cache(tmp, toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as cache:
        admit_module = _seconds(lambda: cache.admit_module("clock", CLOCK))
        family = [_seconds(lambda i=i: cache.admit(_draft(IMPORTING, i))) for i in range(importers)]
        replace = _seconds(lambda: cache.admit_module("clock", CLOCK.replace("(h + n) % 24", "(n + h) % 24")))
        assert all(e.version == 2 for e in cache.list())
    return {"importers": importers, "admit_module_s": admit_module, "admit_family_median_s": statistics.median(family),
            "replace_module_s": replace, "replace_per_importer_s": replace / importers}


def serving(hits: int) -> dict[str, float]:
    """Cold first run and warm hits: a family over a cache module, one without imports."""
    with tempfile.TemporaryDirectory() as tmp:
        with Cache(tmp, toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as cache:
            cache.admit_module("clock", CLOCK)
            cache.admit(_draft(IMPORTING, 1))
            cache.admit(_draft(PLAIN, 2))
        out: dict[str, float] = {}
        with Cache(tmp) as cache:  # a new process's view: nothing compiled yet
            for zone, label in ((1, "module"), (2, "plain")):
                text = f"What hour is it 3 hours after 23 o'clock in zone {zone}?"
                out[f"cold_first_run_{label}_ms"] = _seconds(lambda: cache.lookup(text).run()) * 1000
                warm = []
                for _ in range(hits):
                    start = time.perf_counter_ns()
                    cache.lookup(text).run()
                    warm.append(time.perf_counter_ns() - start)
                out[f"warm_hit_{label}_us"] = statistics.median(warm) / 1000
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--importers", type=int, nargs="+", default=[1, 4, 8])
    ap.add_argument("--hits", type=int, default=200)
    args = ap.parse_args()
    rows = [replacement(n) for n in args.importers]
    print(json.dumps({"replacement": rows, "serving": serving(args.hits)}, indent=2))


if __name__ == "__main__":
    main()
