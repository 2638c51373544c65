"""Cache benchmark: lookup latency as the number of families grows, and the whole hit
path (lookup + bind + gate + run) against a bare ``Program.run``, measured side by side
in one run.

    .venv/bin/python bench/bench_cache.py            # 100, 10,000 and 100,000 families
    .venv/bin/python bench/bench_cache.py --quick    # 100 and 10,000

Goal (DESIGN.md): lookup at 100,000 families within 2x of its time at 100.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from seglam.cache import Cache  # noqa: E402
from seglam.cache.entry import Entry, Verification  # noqa: E402
from seglam.cache.signature import signature_of  # noqa: E402
from seglam.cache.synthetic import family, request  # noqa: E402

HIT_SOURCE = '''
@requires(lambda words: len(words.split()) > 0)
@ensures(lambda words, result: len(result.split()) == len(words.split()))
def main(words: str) -> str:
    return " ".join(sorted(words.split()))
'''
HIT_PATTERN = "Sort the following words alphabetically: List: {words: str}"
HIT_REQUEST = "Sort the following words alphabetically: List: pear apple fig kiwi banana"


def median_ns(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter_ns()
        fn()
        times.append(time.perf_counter_ns() - t)
    return statistics.median(times)


def grow(cache: Cache, start: int, stop: int, batch: int = 5000) -> None:
    for lo in range(start, stop, batch):
        cache.put_verified([family(n) for n in range(lo, min(lo + batch, stop))])


def lookup_bench(caches: dict[int, Cache], lookups: int, rng: random.Random) -> dict[int, dict[str, float]]:
    """Median lookup time per cache size, measured interleaved (one lookup per size in
    turn), so machine load hits every size alike.

    cold: a random family each time, with the process's pattern and entry memos cleared,
    so every lookup reads, checksums and decodes its entry and compiles its pattern.
    warm: the same 100 hot families at every size, through a second Cache handle on the
    same store whose memos stay on."""
    sizes = list(caches)
    warm = {n: Cache(caches[n].path) for n in sizes}
    try:
        times: dict[tuple[int, str], list[int]] = {(n, k): [] for n in sizes for k in ("cold", "warm")}
        hot = {n: [request(i, 7) for i in range(0, n, max(n // 100, 1))][:100] for n in sizes}
        for n in sizes:
            for text in hot[n]:
                warm[n].lookup(text)
        for i in range(lookups):
            order = sizes[i % len(sizes):] + sizes[: i % len(sizes)]
            for n in order:
                cold = caches[n]
                text = request(rng.randrange(n), rng.randrange(1000))
                cold.forget()
                t = time.perf_counter_ns()
                hit = cold.lookup(text)
                times[(n, "cold")].append(time.perf_counter_ns() - t)
                assert hit is not None
                t = time.perf_counter_ns()
                hit = warm[n].lookup(hot[n][i % len(hot[n])])
                times[(n, "warm")].append(time.perf_counter_ns() - t)
                assert hit is not None
    finally:
        for c in warm.values():
            c.close()
    return {n: {k: statistics.median(times[(n, k)]) / 1e3 for k in ("cold", "warm")} for n in sizes}


def hit_path_bench(cache: Cache, repeat: int) -> dict[str, float] | None:
    try:
        from seglam.program import compile as seglam_compile

        prog = seglam_compile(HIT_SOURCE, "bench.sgl")
        prog.run("main", (), {"words": "b a"})
    except Exception as err:  # noqa: BLE001 - the runtime may not be built yet
        print(f"hit path: skipped (Seglam runtime unavailable: {type(err).__name__}: {err})")
        return None
    entry = Entry(
        id="bench0000000",
        patterns=(HIT_PATTERN,),
        source=HIT_SOURCE,
        program_hash=prog.hash,
        signature=signature_of(HIT_SOURCE, "main"),
        verification=Verification(ok=True, tool="bench"),
        samples=(HIT_REQUEST,),
    )
    cache.put_verified([entry])
    words = "pear apple fig kiwi banana"
    want = prog.run("main", (), {"words": words}).value
    assert cache.lookup(HIT_REQUEST).run().value == want
    kwargs = {"words": words}
    steps = {
        "bare": lambda: prog.run("main", (), kwargs),
        "lookup": lambda: cache.lookup(HIT_REQUEST),
        "full": lambda: cache.lookup(HIT_REQUEST).run(),
    }
    times: dict[str, list[int]] = {k: [] for k in steps}
    for i in range(repeat):  # interleaved, so load changes hit all three alike
        for name in list(steps)[i % 3:] + list(steps)[: i % 3]:
            t = time.perf_counter_ns()
            steps[name]()
            times[name].append(time.perf_counter_ns() - t)
    bare, look, full = (statistics.median(times[k]) for k in ("bare", "lookup", "full"))
    return {"bare_run_us": bare / 1e3, "lookup_us": look / 1e3, "hit_path_us": full / 1e3, "ratio": full / bare}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="stop at 10,000 families")
    ap.add_argument("--lookups", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    sizes = [100, 10_000] + ([] if args.quick else [100_000])
    rng = random.Random(7)
    results: dict[str, object] = {"sizes": sizes}
    with tempfile.TemporaryDirectory() as tmp:
        caches = {}
        try:
            for size in sizes:
                caches[size] = Cache(Path(tmp) / f"c{size}", map_size=1 << 28)
                t = time.perf_counter()
                grow(caches[size], 0, size)
                print(f"built {size:>7,} families in {time.perf_counter() - t:5.1f} s", flush=True)
            lookup = lookup_bench(caches, args.lookups, rng)
            results["lookup_us"] = lookup
            for size in sizes:
                print(f"{size:>7,} families: lookup median cold {lookup[size]['cold']:6.1f} us, "
                      f"warm {lookup[size]['warm']:6.1f} us")
            base = lookup[sizes[0]]
            for size in sizes[1:]:
                for kind in ("cold", "warm"):
                    ratio = lookup[size][kind] / base[kind]
                    results[f"ratio_{kind}_{size}_vs_{sizes[0]}"] = ratio
                    print(f"lookup ratio ({kind}) {size:,} / {sizes[0]:,} families: {ratio:.2f}x (goal: <= 2x)")
            big = caches[sizes[-1]]
            hp = hit_path_bench(big, max(args.lookups // 2, 200))
            if hp:
                results["hit_path"] = hp
                print(f"bare Program.run {hp['bare_run_us']:.1f} us; lookup {hp['lookup_us']:.1f} us; "
                      f"lookup + bind + gate + run {hp['hit_path_us']:.1f} us")
                print(f"hit path / bare run: {hp['ratio']:.2f}x (at {sizes[-1]:,} families)")
        finally:
            for c in caches.values():
                c.close()
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
