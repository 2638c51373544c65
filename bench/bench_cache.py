"""Cache benchmark: lookup latency as the number of families grows, and the whole hit
path (lookup + bind + gate + run) against a bare ``Program.run``, measured side by side
in one run.

    .venv/bin/python bench/bench_cache.py            # 100, 10,000 and 100,000 families
    .venv/bin/python bench/bench_cache.py --quick    # 100 and 10,000
    .venv/bin/python bench/bench_cache.py --quick --hit-only --lookups 20000   # the hit path only
    .venv/bin/python bench/bench_cache.py --bind     # binding a 10k-element list / 100 KB string
    valgrind --tool=callgrind --callgrind-out-file=/dev/null --collect-atstart=no \
        --toggle-collect=functools_reduce .venv/bin/python bench/bench_cache.py --callgrind full --lookups 1000
                                                     # instructions of 1,000 hits (any machine load)

The hit path serves 64 different requests in turn (the bare run gets the same inputs), so a
result keyed by the request text could not stand in for the work.

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


#: words the hit-path requests are made of; each request sorts a different draw of them
WORDS = ("pear apple fig kiwi banana cherry plum grape lemon mango olive peach quince melon "
         "date lime guava papaya apricot").split()


def hit_requests(count: int, rng: random.Random) -> list[str]:
    """``count`` distinct word lists (3 to 8 words each) for the hit path: each timed hit
    serves another request, so nothing keyed by the request text can stand in for the work."""
    out: dict[str, None] = {}
    while len(out) < count:
        out[" ".join(rng.sample(WORDS, rng.randint(3, 8)))] = None
    return list(out)


def hit_path_bench(cache: Cache, repeat: int, rng: random.Random | None = None,
                   callgrind: str | None = None) -> dict[str, float] | None:
    """Median microseconds of a bare ``Program.run`` of the family's program, a lookup, and
    a whole hit (lookup + bind + gate + run), interleaved, on the same inputs."""
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
    pool = hit_requests(64, rng or random.Random(11))
    texts = [HIT_PATTERN.replace("{words: str}", words) for words in pool]
    kwargs = [{"words": words} for words in pool]
    for words, text in zip(kwargs, texts):  # warm, and check the hit answers what the program does
        assert cache.lookup(text).run().value == prog.run("main", (), words).value
    steps = {
        "bare": lambda i: prog.run("main", (), kwargs[i]),
        "lookup": lambda i: cache.lookup(texts[i]),
        "full": lambda i: cache.lookup(texts[i]).run(),
    }
    if callgrind:
        callgrind_steps(steps, callgrind, repeat)
        return None
    times: dict[str, list[int]] = {k: [] for k in steps}
    for i in range(repeat):  # interleaved, so load changes hit all three alike
        n = i % len(pool)
        for name in list(steps)[i % 3:] + list(steps)[: i % 3]:
            t = time.perf_counter_ns()
            steps[name](n)
            times[name].append(time.perf_counter_ns() - t)
    bare, look, full = (statistics.median(times[k]) for k in ("bare", "lookup", "full"))
    return {"bare_run_us": bare / 1e3, "lookup_us": look / 1e3, "hit_path_us": full / 1e3, "ratio": full / bare}


#: what a call on a large input costs to bind: a program that only takes the input, run
#: through ``Program.run``, against CPython's own call of the benchmark program on it
BIND_CASES = {
    "big_list_arg": "def main(xs: list[int]) -> int:\n    return 0\n",
    "big_text_arg": "def main(text: str) -> int:\n    return 0\n",
}


def bind_bench(repeat: int) -> dict[str, dict[str, float]]:
    """Median microseconds (process CPU time, 20 calls per timing) of binding each large
    input of bench/bench_interp.py (INPUTS) and of CPython's call of that program on it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import bench_interp
    from seglam.program import compile as seglam_compile

    out = {}
    for name, source in BIND_CASES.items():
        arg = bench_interp.INPUTS[name](bench_interp.SIZES[name])
        path = bench_interp.PROGRAMS / f"{name}.sgl"
        runners = {"bind": lambda a, p=seglam_compile(source, "bind.sgl"): p.run("main", (a,)),
                   "cpython": bench_interp.cpython_runner(path.read_text(encoding="utf-8"), str(path))}
        times: dict[str, list[float]] = {k: [] for k in runners}
        for _ in range(repeat):
            for kind, fn in runners.items():
                times[kind].append(bench_interp.timed(fn, arg, 20)[0] / 20)
        bind, cpy = (statistics.median(times[k]) * 1e6 for k in ("bind", "cpython"))
        out[name] = {"bind_us": bind, "cpython_call_us": cpy, "ratio": bind / cpy}
    return out


def callgrind_steps(steps: dict, name: str, calls: int) -> None:
    """Run ``calls`` calls of one step inside ``functools.reduce``, for instruction counts:
    ``valgrind --tool=callgrind --collect-atstart=no --toggle-collect=functools_reduce``."""
    import functools

    functools.reduce(lambda _, i: steps[name](i % 64), range(calls), None)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="stop at 10,000 families")
    ap.add_argument("--lookups", type=int, default=2000)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--bind", action="store_true", help="only the cost of binding large inputs (issue 19)")
    ap.add_argument("--callgrind", choices=("bare", "lookup", "full"),
                    help="run --lookups calls of one hit-path step on 100 families and exit (for valgrind)")
    ap.add_argument("--hit-only", action="store_true",
                    help="only the hit path (--lookups hits), on one cache of the largest size")
    args = ap.parse_args(argv)
    if args.bind:
        for name, row in bind_bench(max(args.lookups // 100, 5)).items():
            print(f"{name}: binding {row['bind_us']:.1f} us; CPython's call {row['cpython_call_us']:.1f} us; "
                  f"ratio {row['ratio']:.2f}x (goal: <= 1.2x)")
        return 0
    sizes = [100, 10_000] + ([] if args.quick else [100_000])
    if args.hit_only:
        sizes = sizes[-1:]
    if args.callgrind:
        with tempfile.TemporaryDirectory() as tmp, Cache(Path(tmp) / "c", map_size=1 << 26) as cache:
            grow(cache, 0, 100)
            hit_path_bench(cache, args.lookups, callgrind=args.callgrind)
        return 0
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
            lookup = {} if args.hit_only else lookup_bench(caches, args.lookups, rng)
            results["lookup_us"] = lookup
            for size in sizes if lookup else ():
                print(f"{size:>7,} families: lookup median cold {lookup[size]['cold']:6.1f} us, "
                      f"warm {lookup[size]['warm']:6.1f} us")
            base = lookup.get(sizes[0])
            for size in sizes[1:]:
                for kind in ("cold", "warm"):
                    ratio = lookup[size][kind] / base[kind]
                    results[f"ratio_{kind}_{size}_vs_{sizes[0]}"] = ratio
                    print(f"lookup ratio ({kind}) {size:,} / {sizes[0]:,} families: {ratio:.2f}x (goal: <= 2x)")
            big = caches[sizes[-1]]
            hp = hit_path_bench(big, args.lookups if args.hit_only else max(args.lookups // 2, 200))
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
