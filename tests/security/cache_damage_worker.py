"""Worker for the cache damage tests: for each damaged copy of a cache named on stdin, run
every cache operation and print one JSON line of outcomes. A signal (SIGBUS) kills only
this process; the test sees which copy was being read from the last "start" line."""

from __future__ import annotations

import json
import sys
import tempfile
import traceback
from pathlib import Path

from seglam.cache import Cache, CacheError, GateMiss
from tests.cache.cache_oracle_toolchain import OracleToolchain

QUERIES = {
    "Sort the following words alphabetically: List: pear apple fig": "apple fig pear",
    "What is 12 plus 30?": 42,
}


def _outcome(fn) -> str:
    try:
        return "ok:" + json.dumps(fn(), sort_keys=True, default=str)
    except GateMiss:
        return "miss"
    except CacheError as err:
        return f"typed:{type(err).__name__}"
    except Exception as err:  # noqa: BLE001 - the test fails on any of these
        return f"raw:{type(err).__name__}: {err} {traceback.format_exc(limit=-3)}"


def probe(path: str) -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        cache = Cache(path, toolchain=OracleToolchain())
    except CacheError as err:
        return {"open": f"typed:{type(err).__name__}"}
    except Exception as err:  # noqa: BLE001
        return {"open": f"raw:{type(err).__name__}: {err} {traceback.format_exc(limit=-3)}"}
    try:
        out["open"] = "ok"
        out["ls"] = _outcome(lambda: sorted(e.id for e in cache.list()))
        out["corrupt"] = _outcome(lambda: sorted(i for i, _ in cache.corrupt()))
        out["stats"] = _outcome(lambda: cache.stats()["entries"]["active"])
        for text in QUERIES:
            def hit(text=text):
                h = cache.lookup(text)
                return None if h is None else h.run().value
            out[text] = _outcome(hit)
        with tempfile.TemporaryDirectory() as tmp:
            out["export"] = _outcome(lambda: len(cache.export(Path(tmp) / "b")))
    finally:
        out["close"] = _outcome(cache.close)
    return out


if __name__ == "__main__":
    for line in sys.stdin:
        path = line.strip()
        print(json.dumps({"start": path}), flush=True)
        print(json.dumps({"path": path, "outcomes": probe(path)}), flush=True)
