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
