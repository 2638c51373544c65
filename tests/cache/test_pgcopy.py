"""The PostgreSQL store's in-memory copy (seglam.cache.pgcopy) behaves like LMDB on every
operation the cache uses (seglam.cache.store.Txn / Cursor): random operation sequences run
on both, plain and dupsort, must give the same answers and leave the same records."""

from __future__ import annotations

import lmdb
import pytest
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
        st.tuples(st.just("multi"), KEYS, KEYS),
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
    if name == "multi":  # index.candidates: every word of a request in one call
        return [(bytes(k), bytes(v)) for k, v in cur.getmulti([key, value, key], dupdata=dup)]
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


class DictSource:
    """A database stand-in for partial tables: fixed rows, and a count of reads."""

    def __init__(self, rows: list[tuple[bytes, bytes]]) -> None:
        self.stored = rows
        self.reads = 0

    def rows(self, db, keys):
        self.reads += 1
        return [(k, v) for k, v in self.stored if keys is None or k in keys]


START = st.lists(st.tuples(KEYS, VALUES), max_size=6)


def _stored(start: list[tuple[bytes, bytes]], dup: bool) -> list[tuple[bytes, bytes]]:
    """Rows a table of that kind can hold: one value per key unless dupsort."""
    return sorted(set(start)) if dup else sorted(dict(start).items())


@settings(max_examples=150, deadline=None)
@given(ops=OPS, dup=st.booleans(), start=START)
def test_a_partial_copy_answers_like_a_whole_one(ops, dup, start):
    """A table that reads keys from its source when first used gives the same answers, and
    ends with the same records, as one loaded whole (seglam.cache.pgstore.LAZY)."""
    rows = _stored(start, dup)
    whole = CopyTxn({"t": Table(dup, rows)}, write=True)
    source = DictSource(rows)
    partial = CopyTxn({"t": Table(dup, complete=False)}, write=True, source=source)
    for op in ops:
        assert _apply(partial, "t", op, dup) == _apply(whole, "t", op, dup), op
    assert list(partial.cursor("t")) == list(whole.cursor("t"))


@given(ops=OPS, dup=st.booleans(), start=START)
def test_rollback_restores_a_partial_copy(ops, dup, start):
    """After a rolled-back write, a partial table still answers exactly as its source."""
    rows = _stored(start, dup)
    source = DictSource(rows)
    table = Table(dup, complete=False)
    txn = CopyTxn({"t": table}, write=True, source=source)
    for op in ops:
        _apply(txn, "t", op, dup)
    txn.rollback()
    reader = CopyTxn({"t": table}, source=source)
    for key, _ in rows:
        assert reader.get(key, db="t") == source.rows("t", [key])[0][1]
    assert list(reader.cursor("t")) == rows


def test_a_partial_table_reads_a_key_once_and_forgets_what_changed():
    source = DictSource([(b"a", b"1"), (b"b", b"2")])
    table = Table(False, complete=False)
    txn = CopyTxn({"t": table}, source=source)
    assert txn.get(b"a", db="t") == b"1" and txn.get(b"a", db="t") == b"1"
    assert txn.get(b"zz", db="t") is None and txn.get(b"zz", db="t") is None
    assert source.reads == 2  # one read per key, the absent one included
    source.stored = [(b"a", b"9"), (b"b", b"2"), (b"zz", b"3")]
    table.forget([b"a", b"zz"])
    assert (txn.get(b"a", db="t"), txn.get(b"zz", db="t")) == (b"9", b"3")
    assert txn.stat("t")["entries"] == 3 and table.complete
    table.forget([b"b"])
    assert not table.complete and txn.get(b"a", db="t") == b"9"


def test_a_partial_table_without_a_source_is_an_internal_error_not_a_wrong_answer():
    with pytest.raises(TypeError, match="partial"):
        CopyTxn({"t": Table(False, complete=False)}).get(b"a", db="t")
