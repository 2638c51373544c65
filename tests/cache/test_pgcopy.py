"""The PostgreSQL store's in-memory copy (seglam.cache.pgcopy) behaves like LMDB on every
operation the cache uses (seglam.cache.store.Txn / Cursor): random operation sequences run
on both, plain and dupsort, must give the same answers and leave the same records."""

from __future__ import annotations

import lmdb
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache.pgcopy import CopyTxn, Table

KEYS = st.lists(st.sampled_from(b"ab\x00"), min_size=1, max_size=3).map(bytes)  # many collisions and prefixes
VALUES = st.lists(st.sampled_from(b"xy\x00"), min_size=1, max_size=2).map(bytes)
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), KEYS, VALUES),
        st.tuples(st.just("delete"), KEYS, st.just(b"")),
        st.tuples(st.just("delete"), KEYS, VALUES),
        st.tuples(st.just("get"), KEYS, st.just(b"")),
        st.tuples(st.just("range"), KEYS, st.just(b"")),
        st.tuples(st.just("dups"), KEYS, st.just(b"")),
        st.tuples(st.just("delete_dup"), KEYS, VALUES),
        st.tuples(st.just("purge"), KEYS, st.just(b"")),
        st.tuples(st.just("stat"), st.just(b""), st.just(b"")),
        st.tuples(st.just("drop"), st.just(b""), st.just(b"")),
    ),
    max_size=40,
)


def _apply(txn, db, op: tuple[str, bytes, bytes], dup: bool = True):
    name, key, value = op
    if name == "put":
        return txn.put(key, value, db=db)
    if name == "delete":
        return txn.delete(key, value, db=db) if value else txn.delete(key, db=db)
    if name == "get":
        return txn.get(key, db=db)
    if name == "stat":
        return txn.stat(db)["entries"]
    if name == "drop":
        return txn.drop(db, delete=False)
    cur = txn.cursor(db)
    if name == "range":  # Cache.resolve: keys from a prefix on
        return [bytes(k) for k in cur.iternext(values=False)] if cur.set_range(key) else None
    if name == "dups":  # index.candidates / file_patterns (dupsort databases)
        if not dup or not cur.set_key(key):
            return None
        return cur.count(), [bytes(v) for v in cur.iternext_dup(keys=False)]
    if name == "delete_dup":  # index.unfile_patterns (dupsort databases only)
        return cur.delete() if dup and cur.set_key_dup(key, value) else None
    deleted = []  # Cache._purge: delete every record under a prefix
    while cur.set_range(key) and bytes(cur.key()).startswith(key):
        deleted.append(bytes(cur.key()))
        cur.delete()
    return deleted


@settings(max_examples=150, deadline=None)
@given(ops=OPS, dup=st.booleans())
def test_the_copy_answers_like_lmdb(tmp_path_factory, ops, dup):
    env = lmdb.open(str(tmp_path_factory.mktemp("lmdb")), max_dbs=2, map_size=1 << 20)
    try:
        db = env.open_db(b"t", dupsort=dup)
        tables = {"t": Table(dup)}
        with env.begin(write=True) as real:
            copy = CopyTxn(tables, write=True)
            for op in ops:
                assert _apply(copy, "t", op, dup) == _apply(real, db, op, dup), op
            assert list(copy.cursor("t")) == [(bytes(k), bytes(v)) for k, v in real.cursor(db)]
    finally:
        env.close()


@given(ops=OPS, dup=st.booleans())
def test_rollback_restores_the_copy(ops, dup):
    table = Table(dup, [(b"a", b"x"), (b"ab", b"y"), (b"b", b"x")])
    before = list(table.items())
    txn = CopyTxn({"t": table}, write=True)
    for op in ops:
        _apply(txn, "t", op, dup)
    txn.rollback()
    assert list(table.items()) == before and table.size == len(before)
