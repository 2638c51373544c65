"""The PostgreSQL store on a real server (tests/pgserver.py): sharing between processes,
tampering, the schema version, faults, and moving families between the two stores.
The tests every store must pass run on both through the ``cache`` fixture (conftest)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from seglam.cache import Cache
from seglam.cache.errors import AdmissionError, CacheUnavailableError
from seglam.cache.pgstore import SCHEMA_VERSION
from seglam.cache.synthetic import family, request

from tests.cache.cache_families import ADD, SORT
from tests.cache.test_cache_cli import run_cli
from tests.pgserver import PgServer

ROOT = Path(__file__).resolve().parents[2]
SORT_REQUEST = SORT.samples[0]
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

ADMIT_ONE = """
import sys
from seglam.cache import Cache
from seglam.cache.errors import AdmissionError
from tests.cache.cache_families import ADD
from tests.cache.cache_oracle_toolchain import OracleToolchain
with Cache(sys.argv[1], toolchain=OracleToolchain()) as c:
    sys.stdin.readline()  # start together
    try:
        print("admitted", c.admit(ADD))
    except AdmissionError as err:
        print("refused", err)
    hit = c.lookup("What is 2 plus 3?")
    print("served", hit.entry.id, hit.run().value)
"""

HOLD_WRITE = """
import sys, time
from seglam.cache import Cache
from seglam.cache.records import put_entry
from seglam.cache.synthetic import family
with Cache(sys.argv[1]) as c:
    def write(txn):
        put_entry(c.store, txn, family(7))
        print("inside", flush=True)
        time.sleep(600)  # killed here, inside the write
    c.store.write(write)
"""


def _wait_for(predicate, what: str, limit: float = 60.0):
    """Poll until ``predicate()`` is truthy (a notification crosses a socket); fails after ``limit``."""
    deadline = time.monotonic() + limit
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"never saw {what}"
        time.sleep(0.02)
    return value


def test_two_processes_admitting_the_same_kind_admit_one_family(pg_server):
    url = pg_server.database()
    procs = [subprocess.Popen([sys.executable, "-c", ADMIT_ONE, url], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=ENV, cwd=ROOT) for _ in range(2)]
    outs = [p.communicate("go\n", timeout=180) for p in procs]
    assert all(p.returncode == 0 for p in procs), [err for _, err in outs]
    lines = [out.splitlines() for out, _ in outs]
    assert sorted(ls[0].split()[0] for ls in lines) == ["admitted", "refused"], lines
    with Cache(url) as c:
        (only,) = c.list()
    assert all(ls[1] == f"served {only.id} 5" for ls in lines), lines  # the loser serves the winner's family


def test_a_warm_process_sees_another_process_change(pg_server, toolchain):
    url = pg_server.database()
    with Cache(url, toolchain=toolchain) as a, Cache(url, toolchain=toolchain) as b:
        assert b.lookup("What is 2 plus 3?") is None
        add_id = a.admit(ADD)
        hit = _wait_for(lambda: b.lookup("What is 2 plus 3?"), "the admitted family")
        assert hit.entry.id == add_id and hit.run().value == 5
        a.reject(add_id, 6, inputs={"a": 2, "b": 3}, note="wrong")
        _wait_for(lambda: b.lookup("What is 2 plus 3?") is None, "the quarantine")
        with pytest.raises(AdmissionError):  # the clash check sees a's family at once (under the lock)
            b.admit(ADD)


def test_a_newer_schema_is_refused_with_a_clear_error(pg_server, capsys):
    url = pg_server.database()
    Cache(url).close()
    with psycopg.connect(url, autocommit=True) as conn:
        assert conn.execute("SELECT version FROM seglam_schema").fetchone() == (SCHEMA_VERSION,)
        conn.execute("UPDATE seglam_schema SET version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(CacheUnavailableError, match=f"schema version {SCHEMA_VERSION + 1}, newer than this seglam"):
        Cache(url)
    code, _, err = run_cli(capsys, "ls", "--cache", url)
    assert code == 2 and "newer than this seglam" in err and "Traceback" not in err


def test_a_database_down_at_start_is_exit_2_without_a_traceback(pg_server, capsys):
    url = f"postgresql://seglam@/none?host={pg_server.root}&port={pg_server.port + 1}"  # nothing listens there
    with pytest.raises(CacheUnavailableError, match="cannot be used"):
        Cache(url)
    code, _, err = run_cli(capsys, "stats", "--cache", url)
    assert code == 2 and "CacheUnavailableError" in err and "Traceback" not in err


def test_the_database_going_away_and_coming_back(toolchain):
    server = PgServer()  # its own server: this test stops it
    try:
        url = server.database()
        with Cache(url, toolchain=toolchain) as c:
            add_id = c.admit(ADD)
            server.stop()
            assert c.lookup("What is 2 plus 3?").run().value == 5  # served from the process's copy
            with pytest.raises(CacheUnavailableError, match="nothing was written"):
                c.admit(SORT)
            assert c.lookup(SORT_REQUEST) is None  # no half-written entry in the copy either
            server.start()
            sort_id = _wait_for(lambda: _admit_or_none(c, SORT), "the database back")
        with Cache(url, toolchain=toolchain) as fresh:
            assert sorted(e.id for e in fresh.list()) == sorted([add_id, sort_id])
    finally:
        server.close()


def test_a_new_process_reads_programs_when_it_first_serves_them(pg_server):
    """The copy holds the index whole but programs only once used: opening does not read every
    family, a hit reads its own, listing reads all, and the answers are the same as LMDB's."""
    url = pg_server.database()
    with Cache(url) as writer:
        writer.put_verified([family(n) for n in range(30)])
    with Cache(url) as c:
        entries = c.store.tables["entries"]
        assert (entries.complete, len(entries.rows)) == (False, 0)  # opened without reading a program
        assert c.store.tables["index"].complete and len(c.store.tables["index"].rows) > 0
        hit = c.lookup(request(3, 5))
        assert hit is not None and hit.entry.id == family(3).id
        assert set(entries.rows) == {family(3).id.encode()}  # that family's program, no other
        assert c.lookup("no family has this wording at all") is None
        assert set(entries.rows) == {family(3).id.encode()}
        assert sorted(e.id for e in c.list()) == sorted(family(n).id for n in range(30))
        assert entries.complete and len(entries.rows) == 30


def test_a_partial_copy_forgets_what_another_process_changed(pg_server):
    url = pg_server.database()
    with Cache(url) as a, Cache(url) as b:
        a.put_verified([family(n) for n in range(3)])
        # b has read family 1's program (once a's notification reached it: b opened before the write)
        _wait_for(lambda: b.lookup(request(1, 2)) is not None, "a's families in b")
        assert family(1).id.encode() in b.store.tables["entries"].rows
        a.retire(family(1).id, "replaced")
        _wait_for(lambda: b.lookup(request(1, 2)) is None, "the retirement in b")
        assert b.get(family(1).id).status == "retired"  # the old row was forgotten and read again
        assert b.lookup(request(2, 2)).entry.id == family(2).id


def test_a_program_never_read_is_an_error_while_the_database_is_away(toolchain):
    """During an outage a process serves the families it has read; one it never read cannot be
    served from nowhere: a clear CacheUnavailableError, never a wrong or silent answer."""
    server = PgServer()
    try:
        url = server.database()
        with Cache(url, toolchain=toolchain) as writer:
            writer.admit(ADD)
            writer.admit(SORT)
        with Cache(url, toolchain=toolchain) as c:
            assert c.lookup("What is 2 plus 3?").run().value == 5  # read now
            server.stop()
            assert c.lookup("What is 7 plus 3?").run().value == 10  # from the copy
            with pytest.raises(CacheUnavailableError, match="cannot be used"):
                c.lookup(SORT_REQUEST)
            server.start()
            hit = _wait_for(lambda: _lookup_or_none(c, SORT_REQUEST), "the database back")
            assert hit.run().value == "apple fig pear"
    finally:
        server.close()


def _lookup_or_none(cache: Cache, text: str):
    try:
        return cache.lookup(text)
    except CacheUnavailableError:
        return None


def _admit_or_none(cache: Cache, draft) -> str | None:
    try:
        return cache.admit(draft)
    except CacheUnavailableError:
        return None


def test_a_writer_killed_inside_its_write_leaves_nothing(pg_server):
    url = pg_server.database()
    Cache(url).close()
    p = subprocess.Popen([sys.executable, "-c", HOLD_WRITE, url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True, env=ENV, cwd=ROOT)
    assert p.stdout.readline() == "inside\n", p.stderr.read()
    os.kill(p.pid, signal.SIGKILL)
    p.wait(timeout=30)
    with Cache(url) as c:
        assert c.list() == []
        c.put_verified([family(8)])  # the dead writer's lock is gone
        assert c.matches(request(8, 2))[0].entry_id == family(8).id


def test_families_move_between_lmdb_and_postgresql(pg_server, tmp_path, toolchain):
    url = pg_server.database()
    with Cache(tmp_path / "lmdb", toolchain=toolchain) as lm:
        ids = sorted([lm.admit(SORT), lm.admit(ADD)])
        lm.export(tmp_path / "bundle")
    with Cache(url, toolchain=toolchain) as pg:
        report = pg.import_(tmp_path / "bundle")
        assert sorted(report.imported) == ids
        assert pg.lookup("What is 2 plus 3?").run().value == 5
        pg.export(tmp_path / "back")
    with Cache(tmp_path / "lmdb2", toolchain=toolchain) as again:
        assert sorted(again.import_(tmp_path / "back").imported) == ids


def test_seglam_cache_may_name_the_database(pg_server, monkeypatch, capsys, toolchain):
    url = pg_server.database()
    monkeypatch.setenv("SEGLAM_CACHE", url)
    with Cache(toolchain=toolchain) as c:
        assert c.path == url and type(c.store).__name__ == "PgStore"
        add_id = c.admit(ADD)
    code, out, _ = run_cli(capsys, "ls")
    assert code == 0 and add_id in out


def test_threads_read_while_another_thread_writes(pg_server):
    import threading

    url = pg_server.database()
    with Cache(url) as c:
        c.put_verified([family(n) for n in range(20)])
        errors: list[BaseException] = []
        done = threading.Event()

        def read() -> None:
            try:
                while not done.is_set():
                    for n in range(20):
                        assert c.matches(request(n, 4))[0].entry_id == family(n).id
            except BaseException as err:  # noqa: BLE001 - reported below
                errors.append(err)

        readers = [threading.Thread(target=read) for _ in range(3)]
        for t in readers:
            t.start()
        for n in range(20, 60):
            c.put_verified([family(n)])
        done.set()
        for t in readers:
            t.join()
        assert errors == []
        assert all(c.matches(request(n, 1)) for n in range(60))


def test_a_test_server_is_stopped_and_removed_when_its_process_is_killed():
    """tests/pgserver.py: a run stopped by a signal skips ``close()``; its watchdog still stops
    the server and removes its directory, so no postmaster outlives the tests."""
    repo = Path(__file__).resolve().parents[2]
    code = "from tests.pgserver import PgServer\nimport time\ns = PgServer()\nprint(s.root, flush=True)\ntime.sleep(120)\n"
    child = subprocess.Popen([sys.executable, "-c", code], cwd=repo, stdout=subprocess.PIPE, text=True)
    try:
        root = Path(child.stdout.readline().strip())
        assert root.is_dir() and (root / "data" / "postmaster.pid").exists()
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)
    for _ in range(60):
        if not root.exists():
            break
        time.sleep(0.5)
    assert not root.exists()
