"""What keyed seals cost on the lookup path (issue 20).

Prints, measured side by side in one run:
- the cost of one tag: HMAC-SHA256 (what the cache uses) and keyed BLAKE2b (for scale);
- warm lookups on a cache of synthetic families with the checked-postings memo on, and
  with it cleared before every lookup (every posting's HMAC is checked again), interleaved
  request by request so machine load affects both alike; medians and their ratio.

    .venv/bin/python bench/bench_seal.py [--families 2000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import random
import statistics
import tempfile
import time
import timeit

from seglam.cache import Cache
from seglam.cache.synthetic import family, request


def tag_costs() -> dict[str, float]:
    key, message = b"k" * 32, b"index\0" + b"x" * 40
    runs = 20000
    h = min(timeit.repeat(lambda: hmac.digest(key, message, "sha256"), number=runs, repeat=5)) / runs
    b = min(timeit.repeat(lambda: hashlib.blake2b(message, key=key, digest_size=16).digest(), number=runs, repeat=5)) / runs
    return {"hmac_sha256_us": h * 1e6, "keyed_blake2b_us": b * 1e6}


def lookups(families: int, rounds: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp, Cache(tmp) as cache:
        cache.put_verified([family(n) for n in range(families)])
        rng = random.Random(1)
        hot = [request(rng.randrange(families), 7) for _ in range(100)]
        for text in hot:
            assert cache.lookup(text) is not None
        memo, fresh = [], []
        for round_ in range(rounds):
            for i, text in enumerate(hot):
                # alternate which goes first: the second lookup of a text finds the CPU caches warm
                for with_memo in ((True, False) if (round_ + i) % 2 else (False, True)):
                    if with_memo:
                        cache.lookup(text)  # untimed: this text's postings are in the memo
                    else:
                        cache.store.sealer.forget()
                    t = time.perf_counter_ns()
                    cache.lookup(text)
                    (memo if with_memo else fresh).append(time.perf_counter_ns() - t)
    m, f = statistics.median(memo) / 1000, statistics.median(fresh) / 1000
    return {"warm_lookup_memo_us": m, "warm_lookup_every_tag_checked_us": f, "ratio": f / m}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--families", type=int, default=2000)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    for name, value in {**tag_costs(), **lookups(args.families, args.rounds)}.items():
        print(f"{name:36} {value:8.2f}")


if __name__ == "__main__":
    main()
