"""Two processes asking the same new request: one compile, one entry, no corruption."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

from seglam.cache.cache import Cache
from tests.engine.conftest import VOWELS_REQUEST, vowels_reply
from tests.engine.fake_openai import reply
from tests.engine.oracle_toolchain import OracleToolchain

WORKER = Path(__file__).with_name("engine_worker.py")


def test_two_processes_compile_once(server, tmp_path):
    cache_dir = tmp_path / "cache"
    go = tmp_path / "go"
    # slow replies widen the race window; only one should ever be asked for
    server.set_default(lambda body: reply(vowels_reply(), delay=0.5))
    procs = [
        subprocess.Popen([sys.executable, str(WORKER), str(cache_dir), server.url, VOWELS_REQUEST, str(go)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    time.sleep(0.1)
    go.touch()
    outs = []
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err
        outs.append(json.loads(out.strip().splitlines()[-1]))
    assert sorted(o["tier"] for o in outs) == ["compiled", "hit"]
    assert all(o["value"] == 3 for o in outs)
    assert outs[0]["entry"] == outs[1]["entry"]
    assert server.calls == 1
    with Cache(cache_dir, toolchain=OracleToolchain()) as cache:
        assert len(cache.list()) == 1
        assert cache.corrupt() == []


def test_a_rival_compile_of_the_same_kind_admits_nothing_and_serves_the_winner(server, cache, make_engine):
    """Without the lock (two wordings, or another host), the loser's admission is refused
    by the clash check inside the write transaction, and it serves the winner's family."""
    from seglam.engine.admission import Request
    from seglam.engine.client import Usage

    a, b = make_engine(), make_engine()
    server.script(reply(vowels_reply()))
    won = a.solve(VOWELS_REQUEST)
    assert won.tier == "compiled"
    server.script(reply(vowels_reply(answer=2)))
    late = b._compile(Request(text="How many vowels are in the word kiwi?"), Usage(), [])
    assert late.tier == "hit" and late.value == 2
    assert late.trace.entry_id == won.trace.entry_id
    assert len(cache.list()) == 1


def test_one_engine_shared_by_threads_serves_every_hit(cache):
    import threading

    from seglam.cache import FamilyDraft
    from seglam.engine import Engine
    from tests.engine.conftest import VOWELS_PATTERN, VOWELS_SRC

    cache.admit(FamilyDraft(source=VOWELS_SRC, patterns=(VOWELS_PATTERN,), samples=(VOWELS_REQUEST,)))
    engine = Engine(cache=cache, compiler=False)
    bad: list = []

    def work() -> None:
        for j in range(15):
            ans = engine.solve(f"How many vowels are in the word banana{'a' * (j % 4)}?")
            if ans.tier != "hit" or ans.value != 3 + j % 4:
                bad.append(ans)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert [(a.tier, a.value, a.trace.message, a.trace.reasons) for a in bad] == []
    assert engine.stats()["tiers"]["hit"] == 60
