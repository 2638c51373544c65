"""Hit counts queued without a lock (seglam/cache/hitstats.py) and the trace of a hit built
when first read (seglam/cache/gate.py ``Served``): no count is lost, whatever the threads
and the drains, and the trace read late is the one built at once."""

import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import Cache, hitstats
from seglam.cache.gate import Served, trace_of
from tests.cache.cache_families import ADD, SORT
from tests.cache.cache_oracle_toolchain import OracleToolchain


def test_threads_hitting_while_drains_run_lose_no_count_on_close(tmp_path, monkeypatch):
    monkeypatch.setattr(hitstats, "DRAIN_EVERY", 3)  # drains (and writes) race with the hits
    monkeypatch.setattr(hitstats, "FLUSH_EVERY", 1)
    with Cache(tmp_path / "c", toolchain=OracleToolchain()) as cache:
        add, srt = cache.admit(ADD), cache.admit(SORT)

        def work(k: int) -> None:
            for i in range(30):
                cache.lookup(f"What is {k} plus {i}?").run()
                cache.lookup(f"Sort the following words alphabetically: List: w{k} v{i}").run()

        threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert cache.get(add).stats.hits == 180  # read before close: queued hits count
    with Cache(tmp_path / "c", toolchain=OracleToolchain()) as cache:
        assert cache.get(add).stats.hits == 180 and cache.get(srt).stats.hits == 180


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.sampled_from("abc"), st.booleans()), max_size=60), st.integers(1, 8))
def test_queued_hits_are_counted_exactly(hits, drain_every):
    old = hitstats.DRAIN_EVERY, hitstats.FLUSH_EVERY, hitstats.FLUSH_SECONDS
    hitstats.DRAIN_EVERY, hitstats.FLUSH_EVERY, hitstats.FLUSH_SECONDS = drain_every, 10, 1e9  # drains, no write
    try:
        stats = hitstats.HitStats(None)  # type: ignore[arg-type]  # nothing is written here
        for entry_id, ambiguous in hits:
            stats.bump(entry_id, ambiguous)
        assert len(stats.queue) < drain_every
        with stats.lock:
            stats.drain()
        assert not stats.queue
        for entry_id in "abc":
            mine = [amb for e, amb in hits if e == entry_id]
            p = stats.pending.get(entry_id) or hitstats.Pending()
            assert (p.hits, p.ambiguous) == (len(mine), sum(mine))
    finally:
        hitstats.DRAIN_EVERY, hitstats.FLUSH_EVERY, hitstats.FLUSH_SECONDS = old


def test_a_hits_trace_read_late_is_the_trace_built_at_once(tmp_path):
    with Cache(tmp_path / "c", toolchain=OracleToolchain()) as cache:
        cache.admit(SORT)
        cache.admit(ADD)
        hit = cache.lookup("Sort the following words alphabetically: List: pear apple")
        served = hit.run()
        assert served.value == "apple pear"
        late = served.trace
        assert late is served.trace  # built once
        eager = trace_of(hit, cache.fuel, "hit", late.run_ns, late.fuel_used)
        assert late == eager and late.outcome == "hit" and late.bindings == {"words": "'pear apple'"}
        assert served == Served(served.value, eager) and "apple pear" in repr(served)
        assert Served(1, eager).trace is eager
