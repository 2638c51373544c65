"""The lookup's per-snapshot memo (``seglam.cache.lookup.Snapshot``): index postings and
entries read in one LMDB snapshot are reused by later reads of the same snapshot, and any
write, from this handle or another, starts a new one. Lookups through a warm handle must
always equal lookups that remember nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.cache import Cache
from seglam.cache.lookup import Snapshot, snapshot_id
from seglam.cache.synthetic import family, request

FAMILIES = 6
OPS = st.lists(
    st.one_of(
        st.tuples(st.just("put"), st.integers(0, FAMILIES - 1)),
        st.tuples(st.just("quarantine"), st.integers(0, FAMILIES - 1)),
        st.tuples(st.just("retire"), st.integers(0, FAMILIES - 1)),
        st.tuples(st.just("lookup"), st.integers(0, FAMILIES - 1)),
    ),
    max_size=25,
)


def _seen(cache: Cache, text: str) -> list[tuple]:
    return [(m.entry_id, m.status, m.pattern_index, m.bindings) for m in cache.matches(text)]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS, writer_is_reader=st.booleans())
def test_a_warm_handle_answers_like_one_that_remembers_nothing(tmp_path_factory, ops, writer_is_reader):
    path = tmp_path_factory.mktemp("snap") / "cache"
    with Cache(path) as warm, Cache(path) as cold:
        writer = warm if writer_is_reader else cold
        stored: set[int] = set()
        for op, n in ops:
            fid = family(n).id
            if op == "put" and n not in stored:
                writer.put_verified([family(n)])
                stored.add(n)
            elif op == "quarantine" and n in stored and writer.get(fid).status == "active":
                writer.quarantine(fid, "test")
            elif op == "retire" and n in stored:
                writer.retire(fid, "test")
            text = request(n, 5)
            seen = _seen(warm, text)
            cold.forget()
            assert seen == _seen(cold, text), (op, n)
            hit = warm.lookup(text)
            cold.forget()
            want = cold.lookup(text)
            assert (hit and (hit.entry.id, hit.bindings)) == (want and (want.entry.id, want.bindings))


def test_a_snapshot_is_reused_until_a_write(tmp_path):
    with Cache(tmp_path / "c") as c:
        c.put_verified([family(0)])
        text = request(0, 3)
        assert c.lookup(text).bindings == {"x": 3}
        memo = c._lookup.snapshot
        assert memo.id is not None and memo.postings and memo.probed >= set(memo.postings)
        assert family(0).id in memo.entries
        c.lookup(request(0, 4))
        assert c._lookup.snapshot is memo  # the same snapshot: nothing read again
        c.put_verified([family(1)])
        assert c.lookup(request(1, 2)).entry.id == family(1).id
        assert c._lookup.snapshot is not memo and c._lookup.snapshot.id > memo.id


def test_a_store_without_snapshot_ids_remembers_nothing():
    class NoIds:
        pass

    assert snapshot_id(NoIds()) is None
    assert Snapshot(None).postings == {} and not Snapshot(None).probed
