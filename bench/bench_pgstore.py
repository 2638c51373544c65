"""PostgreSQL store vs LMDB: lookup and hit latency (p50, p99) at 100 and 100,000 families,
the time a new process needs to load its copy, and admissions per second with 8
concurrent writer processes. Results: bench/results/pgstore.md.

    .venv/bin/python bench/bench_pgstore.py            # 100 and 100,000 families
    .venv/bin/python bench/bench_pgstore.py --quick    # 100 and 10,000

It starts its own PostgreSQL (tests/pgserver.py: a temporary cluster on loopback, unix
socket; fsync off, as for the tests) and a temporary LMDB directory. Families are the
synthetic ones of seglam.cache.synthetic; the hit path runs bench_cache.py's sort family.

Measured: ``open`` = a new Cache on the store (PostgreSQL: reading the index and the other
small tables into the process's copy; programs are read when first used), ``first lookup``
= ``Cache.lookup`` of a family this process has not read yet (600 families, once each),
``lookup`` = ``Cache.lookup`` of a random family's request (its pattern compiled
and entry decoded once per process, as on a warm server), ``hit`` = ``lookup(...).run()``
of one family (lookup + bind + gate + run), each interleaved LMDB / PostgreSQL so load hits
both alike. ``admissions/s``: 8 processes each admitting families through the cache's
admission transaction (clash check against every stored family + insert, one write
transaction; the verifier is not run, it costs the same on both stores).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_cache import HIT_PATTERN, HIT_REQUEST, HIT_SOURCE, grow  # noqa: E402

from seglam.cache import Cache  # noqa: E402
from seglam.cache.entry import Entry, Verification  # noqa: E402
from seglam.cache.signature import signature_of  # noqa: E402
from seglam.cache.synthetic import family, request  # noqa: E402
from tests.pgserver import PgServer  # noqa: E402

STORES = ("lmdb", "postgresql")


def quantiles(times: list[int]) -> dict[str, float]:
    cuts = statistics.quantiles(times, n=100)
    return {"p50_us": statistics.median(times) / 1e3, "p99_us": cuts[98] / 1e3}


def interleaved(steps: dict[str, Callable[[int], object]], repeat: int) -> dict[str, dict[str, float]]:
    """Run each step ``repeat`` times, taking turns, so machine load hits all alike."""
    names = list(steps)
    times: dict[str, list[int]] = {n: [] for n in names}
    for i in range(repeat):
        for name in names[i % len(names):] + names[: i % len(names)]:
            t = time.perf_counter_ns()
            steps[name](i)
            times[name].append(time.perf_counter_ns() - t)
    return {n: quantiles(times[n]) for n in names}


def hit_entry() -> Entry:
    from seglam.program import compile as seglam_compile

    prog = seglam_compile(HIT_SOURCE, "bench.sgl")
    return Entry(id="bench0000000", patterns=(HIT_PATTERN,), source=HIT_SOURCE, program_hash=prog.hash,
                 signature=signature_of(HIT_SOURCE, "main"), verification=Verification(ok=True, tool="bench"),
                 samples=(HIT_REQUEST,))


def rss_mb() -> float:
    """This process's resident memory (Linux; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def latency(locations: dict[str, str], size: int, repeat: int) -> dict[str, object]:
    """Lookup and hit latency on a fresh Cache per store (a new process's view)."""
    out: dict[str, object] = {}
    caches = {}
    try:
        for store, where in locations.items():
            t, mem = time.perf_counter(), rss_mb()
            caches[store] = Cache(where)
            out[f"{store}_open_s"] = time.perf_counter() - t  # PostgreSQL: loading the process's copy
            out[f"{store}_open_mb"] = rss_mb() - mem
        rng = random.Random(size)
        probes = [request(rng.randrange(size), rng.randrange(1000)) for _ in range(min(repeat, 2000))]
        # cold: the first lookup of a family this process has not read (PostgreSQL reads its
        # program then: one round trip); each family is looked up once, so none is warm
        cold = random.Random(-size).sample(range(size), min(size, 600))
        out |= interleaved({f"cold_lookup_{s}": (lambda i, c=c: c.lookup(request(cold[i], 7)))
                            for s, c in caches.items()}, len(cold))
        for c in caches.values():  # warm: every probe's pattern compiled and entry decoded once
            for text in probes:
                assert c.lookup(text) is not None
            assert c.lookup(HIT_REQUEST).run().value == "apple banana fig kiwi pear"
        steps = {f"lookup_{s}": (lambda i, c=c: c.lookup(probes[i % len(probes)])) for s, c in caches.items()}
        steps |= {f"hit_{s}": (lambda i, c=c: c.lookup(HIT_REQUEST).run()) for s, c in caches.items()}
        out |= interleaved(steps, repeat)
    finally:
        for c in caches.values():
            c.close()
    return out


def admissions(location: str, writers: int, each: int) -> float:
    """Admissions per second with ``writers`` processes admitting ``each`` families."""
    procs = [subprocess.Popen([sys.executable, __file__, "--writer", location, str(w), str(each)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for w in range(writers)]
    for p in procs:
        assert p.stdout.readline() == "ready\n"
    t = time.perf_counter()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    for p in procs:
        out, _ = p.communicate(timeout=3600)
        assert p.returncode == 0 and out.strip() == str(each), out
    return writers * each / (time.perf_counter() - t)


def writer(location: str, worker: int, each: int) -> None:
    with Cache(location) as cache:
        print("ready", flush=True)
        sys.stdin.readline()
        for i in range(each):
            entry = family(10_000_000 + worker * 100_000 + i)
            cache.put_verified([entry], clash_check=True)  # the admission transaction: clash check + insert
        print(each, flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="100 and 10,000 families")
    ap.add_argument("--repeat", type=int, default=3000)
    ap.add_argument("--each", type=int, default=25, help="admissions per writer")
    ap.add_argument("--json", type=Path, help="also write the numbers here")
    ap.add_argument("--writer", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.writer:
        writer(args.writer[0], int(args.writer[1]), int(args.writer[2]))
        return 0
    sizes = [100, 10_000 if args.quick else 100_000]
    server = PgServer()
    results: dict[str, object] = {"sizes": sizes}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in sizes:
                locations = {"lmdb": str(Path(tmp) / f"c{size}"), "postgresql": server.database()}
                for store, where in locations.items():
                    t = time.perf_counter()
                    with Cache(where, map_size=1 << 28) as c:
                        grow(c, 0, size)
                        c.put_verified([hit_entry()])
                    print(f"{store:>10}: built {size:>7,} families in {time.perf_counter() - t:6.1f} s", flush=True)
                res = latency(locations, size, args.repeat)
                results[str(size)] = res
                for store in STORES:
                    look, hit, cold = res[f"lookup_{store}"], res[f"hit_{store}"], res[f"cold_lookup_{store}"]
                    print(f"{store:>10} {size:>7,} families: open {res[f'{store}_open_s']:6.2f} s "
                          f"+{res[f'{store}_open_mb']:5.0f} MB, lookup p50 "
                          f"{look['p50_us']:6.1f} us p99 {look['p99_us']:7.1f} us, hit p50 {hit['p50_us']:6.1f} us "
                          f"p99 {hit['p99_us']:7.1f} us; first lookup of a family p50 {cold['p50_us']:6.1f} us "
                          f"p99 {cold['p99_us']:7.1f} us", flush=True)
            for store in STORES:
                where = str(Path(tmp) / "adm") if store == "lmdb" else server.database()
                Cache(where).close()
                rate = admissions(where, 8, args.each)
                results[f"admissions_per_s_{store}"] = rate
                print(f"{store:>10}: {rate:6.1f} admissions/s with 8 writer processes ({8 * args.each} admissions, "
                      "starting from an empty cache)", flush=True)
    finally:
        server.close()
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
