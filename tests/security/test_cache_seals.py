"""Keyed seals: a rewritten entry is caught even with a recomputed program hash; a damaged
index posting is detected and the index rebuilt; an unsealed (older) cache is refused
(issue 20, point 3)."""

from __future__ import annotations

import hashlib
import os
import stat

import lmdb
import msgspec
import pytest

from seglam.cache import Cache, CorruptEntryError, FamilyDraft
from seglam.cache.entry import Entry, Event
from seglam.cache.errors import CacheCorruptError
from seglam.cache.seal import Sealer
from seglam.cache.store import DATABASES
from seglam.cli.main import main
from tests.cache.cache_families import ADD
from tests.cache.cache_oracle_toolchain import OracleToolchain

SQUARE = FamilyDraft(
    source="def square(n: int) -> int:\n    return n * n\n\nassert square(3) == 9\n",
    description="Square a number",
    patterns=("What is {n: int} squared?",),
    samples=("What is 7 squared?",),
)


def _raw_env(path):
    return lmdb.open(str(path), max_dbs=len(DATABASES) + 2, subdir=True)


def test_a_rewritten_entry_with_a_recomputed_hash_is_never_served(tmp_path):
    path = tmp_path / "c"
    toolchain = OracleToolchain()
    with Cache(path, toolchain=toolchain) as cache:
        fid = cache.admit(SQUARE)
        assert cache.lookup("What is 12 squared?").run().value == 144
    # the attacker rewrites the program, recomputes program_hash as the cache computes it,
    # and seals the record as well as anyone without the cache's secret can
    env = _raw_env(path)
    db = env.open_db(b"entries")
    with env.begin(write=True) as txn:
        raw = txn.get(fid.encode(), db=db)
        entry = msgspec.msgpack.decode(raw[22:], type=Entry)
        source = entry.source.replace("return n * n", "return n * n + 1")
        forged = msgspec.structs.replace(entry, source=source,
                                         program_hash=toolchain.program_hash(toolchain.compile(source, "x.sgl")))
        for guess in (os.urandom(32), hashlib.sha256(b"").digest()):
            txn.put(fid.encode(), Sealer(guess).seal("entries", fid.encode(), forged), db=db)
    env.close()
    calls = toolchain.calls
    with Cache(path, toolchain=toolchain) as cache:
        assert cache.lookup("What is 12 squared?") is None  # never 145
        with pytest.raises(CorruptEntryError, match="seal mismatch"):
            cache.get(fid)
        assert cache.corrupt() == [(fid, "seal mismatch (damaged or rewritten)")]
    assert toolchain.calls == calls  # the forged program never ran


def test_the_secret_is_private_to_its_owner(tmp_path):
    with Cache(tmp_path / "c", toolchain=OracleToolchain()):
        pass
    mode = stat.S_IMODE(os.stat(tmp_path / "c" / "secret").st_mode)
    assert mode == 0o600 and os.path.getsize(tmp_path / "c" / "secret") == 32


def _damage_index(path, change):
    env = _raw_env(path)
    db = env.open_db(b"index", dupsort=True)
    with env.begin(write=True) as txn:
        key, value = next(iter(txn.cursor(db)))
        key, value = bytes(key), bytes(value)
        txn.delete(key, value, db=db)
        new_key, new_value = change(key, value)
        txn.put(new_key, new_value, db=db, dupdata=True)
    env.close()


@pytest.mark.parametrize("change", [
    lambda k, v: (k, v[:3] + bytes([v[3] ^ 0x80]) + v[4:]),  # one flipped byte (was UnicodeDecodeError)
    lambda k, v: (k, v[:-1] + bytes([v[-1] ^ 0x01])),  # in the tag
    lambda k, v: (b"what", v),  # filed under another word
])
def test_a_damaged_index_posting_is_detected_and_the_index_rebuilt(tmp_path, change):
    path = tmp_path / "c"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        fid = cache.admit(SQUARE)
    _damage_index(path, change)
    with Cache(path, toolchain=OracleToolchain()) as cache:
        assert cache.lookup("What is 12 squared?").run().value == 144
        assert cache.lookup("What is 5 squared?").run().value == 25  # rebuilt once, not per lookup
        with cache.store.read() as txn:
            rebuilt = [cache.store.unseal("events", k, v, Event).kind for k, v in txn.cursor(cache.store.dbs["events"])
                       if bytes(k).startswith(b"index\0")]
        assert [m.entry_id for m in cache.matches("What is 3 squared?")] == [fid]
    assert rebuilt == ["index-rebuilt"]


def test_a_cache_without_seals_is_refused_with_how_to_migrate(tmp_path, capsys):
    path = tmp_path / "old"
    env = _raw_env(path)
    with env.begin(write=True) as txn:
        txn.put(b"abc123", b"SGC1" + bytes(30), db=env.open_db(b"entries", txn=txn))
    env.close()
    with pytest.raises(CacheCorruptError, match="older seglam") as info:
        Cache(path)
    assert "seglam cache export" in str(info.value) and "seglam cache import" in str(info.value)
    assert main(["cache", "ls", "--cache", str(path)]) == 3
    assert "Traceback" not in capsys.readouterr().err


def test_a_removed_secret_is_not_silently_replaced(tmp_path):
    path = tmp_path / "c"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        cache.admit(ADD)
    (path / "secret").unlink()
    with pytest.raises(CacheCorruptError, match="no secret"):
        Cache(path)
    assert not (path / "secret").exists()


def test_admission_over_a_damaged_index_rebuilds_it_first(tmp_path):
    path = tmp_path / "c"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        fid = cache.admit(SQUARE)
    _damage_index(path, lambda k, v: (k, v[:-1] + bytes([v[-1] ^ 0x01])))
    with Cache(path, toolchain=OracleToolchain()) as cache:
        add_id = cache.admit(ADD)  # the clash check met the damaged posting, rebuilt, retried
        assert cache.lookup("What is 2 plus 3?").entry.id == add_id
        assert cache.lookup("What is 4 squared?").entry.id == fid
