"""Subprocess workers for the reliability tests (run as ``python cache_worker.py MODE ...``)."""

from __future__ import annotations

import json
import random
import resource
import signal
import sys

from seglam.cache import Cache, CacheFullError
from seglam.cache.records import add_stats
from seglam.cache.synthetic import family, request


def mixed(path: str, worker: int, ops: int, shared: str) -> None:
    """Write own families, read everyone's, and bump a shared counter (read-modify-write)."""
    rng = random.Random(worker)
    written, checked = [], 0
    with Cache(path) as cache:
        for i in range(ops):
            n = worker * 10_000 + i
            cache.put_verified([family(n)])
            written.append(n)
            probe = rng.choice(written) if rng.random() < 0.5 else rng.randrange(8) * 10_000 + rng.randrange(i + 1)
            found = cache.matches(request(probe, 7))
            if found:  # another worker's family may not be written yet
                assert found[0].bindings == {"x": 7}, found
                assert found[0].entry_id == family(probe).id
                checked += 1
            cache.store.write(lambda txn: add_stats(cache.store, txn, shared, failures=1))
    print(json.dumps({"worker": worker, "written": written, "checked": checked}))


def writer(path: str) -> None:
    """Commit families forever, printing each id after its commit; the parent SIGKILLs us."""
    with Cache(path) as cache:
        n = 0
        while True:
            batch = [family(n + k) for k in range(3)]
            cache.put_verified(batch)
            print(" ".join(e.id for e in batch), flush=True)
            n += 3


def fill(path: str, fsize: int) -> None:
    """Write until the file-size limit (a stand-in for a full disk) stops us."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    with Cache(path) as cache:
        n = 0
        try:
            while True:
                cache.put_verified([family(n + k) for k in range(20)])
                print(n + 19, flush=True)
                n += 20
        except CacheFullError as err:
            print("FULL", str(err).replace("\n", " "), flush=True)


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    if mode == "mixed":
        mixed(args[0], int(args[1]), int(args[2]), args[3])
    elif mode == "writer":
        writer(args[0])
    elif mode == "fill":
        fill(args[0], int(args[1]))
