"""Reliability, with real processes: concurrent readers and writers, a SIGKILLed writer,
flipped bytes on disk, a full map and a full disk."""

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from tests.cache.cache_families import ADD, SORT
from seglam.cache import Cache, CacheFullError, CorruptEntryError
from seglam.cache.entry import Entry
from seglam.cache.records import read_stats
from seglam.cache.synthetic import family, request

WORKER = str(Path(__file__).with_name("cache_worker.py"))
ENV = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}


def _spawn(*args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, WORKER, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=ENV)


def _all_entries(path) -> dict[str, Entry]:
    with Cache(path) as c, c.store.read() as txn:
        return {bytes(k).decode(): c.store.unseal("entries", k, v, Entry) for k, v in txn.cursor(c.store.dbs["entries"])}


def test_eight_processes_lose_nothing_and_corrupt_nothing(cache_location):
    """Eight processes (for PostgreSQL: eight "hosts" sharing one database)."""
    path = cache_location
    ops = 40
    shared = "shared000000"
    procs = [_spawn("mixed", path, str(w), str(ops), shared) for w in range(8)]
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outs.append(json.loads(out))
    entries = _all_entries(path)  # every record unseals: nothing corrupt
    expected = {family(n).id for o in outs for n in o["written"]}
    assert len(expected) == 8 * ops and expected <= set(entries)
    with Cache(path) as c:
        with c.store.read() as txn:
            assert read_stats(c.store, txn, shared).failures == 8 * ops  # no lost read-modify-write
        for o in outs:
            n = o["written"][-1]
            assert c.matches(request(n, 3))[0].bindings == {"x": 3}
    assert sum(o["checked"] for o in outs) > 8 * ops // 4


def test_sigkilled_writer_leaves_every_committed_entry(cache_location):
    path = cache_location
    for round_ in range(3):
        p = _spawn("writer", path)
        committed = []
        target = 20 + 15 * round_
        while len(committed) < target:  # the writer prints after each commit; '' if it died
            line = p.stdout.readline()
            if not line:
                break
            committed += line.split()
        os.kill(p.pid, signal.SIGKILL)  # mid-loop, most likely inside a write transaction
        p.wait(timeout=10)
        assert len(committed) >= target, p.stderr.read()
        entries = _all_entries(path)
        assert set(committed) <= set(entries)
    with Cache(path) as c:  # the write lock was released by the dead writer
        c.put_verified([family(999_999)])
        assert c.matches(request(999_999, 1))


def _damage(location: str, marker: bytes) -> None:
    """Change one byte of every stored copy of ``marker`` beneath the cache: in LMDB's
    data file, or (PostgreSQL) in the rows, by an edit that bypasses seglam."""
    if location.startswith("postgresql://"):
        with psycopg.connect(location, autocommit=True) as conn:
            rows = conn.execute("SELECT key, value FROM seglam_entries WHERE position(%s in value) > 0", (marker,)).fetchall()
            assert rows, "the program text is not stored verbatim in seglam_entries"
            for key, value in rows:
                conn.execute("UPDATE seglam_entries SET value = %s WHERE key = %s",
                             (value.replace(marker, marker[:7] + bytes([marker[7] ^ 1]) + marker[8:]), key))
        return
    data_file = Path(location) / "data.mdb"
    data = bytearray(data_file.read_bytes())
    # every copy of the text (LMDB may also keep a stale page holding an older copy)
    places = [m.start() for m in re.finditer(re.escape(marker), data)]
    assert places, "the program text is not stored verbatim in data.mdb"
    for at in places:
        data[at + 7] ^= 0x01  # "return a + b" -> "return ` + b": damage beneath the store
    data_file.write_bytes(bytes(data))


def test_flipped_bytes_are_detected_quarantined_and_never_run(cache_location, toolchain):
    path = cache_location
    with Cache(path, toolchain=toolchain) as c:
        sort_id = c.admit(SORT)
        add_id = c.admit(ADD)
    _damage(path, b"return a + b")
    with Cache(path, toolchain=toolchain) as c:
        calls = toolchain.calls
        assert c.lookup("What is 2 plus 3?") is None
        with pytest.raises(CorruptEntryError):
            c.get(add_id)
        assert toolchain.calls == calls  # never executed
        assert c.corrupt() == [(add_id, "seal mismatch (damaged or rewritten)")]
        assert c.stats()["entries"]["corrupt"] == 1
        _, events = c.history(add_id)
        assert [e.kind for e in events][-1] == "corrupt"
        assert c.lookup("Sort the following words alphabetically: List: b a").run().value == "a b"
        assert sort_id


def test_full_map_grows(tmp_path):
    with Cache(tmp_path / "c", map_size=64 * 1024) as c:
        for start in range(0, 600, 50):
            c.put_verified([family(n) for n in range(start, start + 50)])
        assert c.store.env.info()["map_size"] > 64 * 1024
        assert len(c.list()) == 600


def test_full_map_at_its_maximum_fails_cleanly(tmp_path):
    with Cache(tmp_path / "c", map_size=64 * 1024, max_map_size=256 * 1024) as c:
        written = 0
        with pytest.raises(CacheFullError, match="maximum size"):
            for start in range(0, 100_000, 20):
                c.put_verified([family(n) for n in range(start, start + 20)])
                written += 20
        assert written > 0
        assert len(c.list()) == written  # nothing lost, nothing half-written
        assert c.matches(request(written - 1, 5))


def test_full_disk_fails_cleanly(tmp_path):
    path = str(tmp_path / "c")
    p = _spawn("fill", path, str(2 * 1024 * 1024))
    out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    lines = out.split("\n")
    full = [l for l in lines if l.startswith("FULL")]
    assert full and "nothing was written" in full[0], out[-500:] + err[-2000:]
    last = int([l for l in lines if l and l[0].isdigit()][-1])
    entries = _all_entries(path)
    assert {family(n).id for n in range(last + 1)} <= set(entries)


def test_map_grows_while_other_threads_read(tmp_path):
    import threading

    with Cache(tmp_path / "c", map_size=64 * 1024) as c:
        c.put_verified([family(n) for n in range(20)])
        stop = threading.Event()
        errors = []

        def read() -> None:
            try:
                while not stop.is_set():
                    for n in range(20):
                        assert c.lookup(request(n, 2)).bindings == {"x": 2}
                    time.sleep(0.002)  # leave the writer some of the GIL
            except Exception as err:  # noqa: BLE001
                errors.append(err)

        readers = [threading.Thread(target=read) for _ in range(4)]
        for t in readers:
            t.start()
        for start in range(20, 1000, 40):  # forces several doublings of a 64 KiB map
            c.put_verified([family(n) for n in range(start, start + 40)])
        stop.set()
        for t in readers:
            t.join()
        assert not errors
        assert c.store.env.info()["map_size"] >= 512 * 1024
        assert len(c.list()) == 1020
