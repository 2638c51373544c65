"""The host-level deadline for a hit (Engine(hit_deadline=...)): a run past it is stopped and
reported in its own tier; runs within it, and runs without a deadline, are untouched."""

from __future__ import annotations

import pytest

import seglam
from seglam.engine.deadline import DeadlineExceeded, call_with_deadline
from seglam.run.limits import Limits
from tests.engine.fake_openai import reply

SPIN = '''
def spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i % 7
    return total
'''


def test_a_run_past_the_deadline_is_stopped_and_one_within_it_is_not():
    prog = seglam.compile("def main() -> int:\n    n = 0\n    while True:\n        n += 1\n")
    with pytest.raises(DeadlineExceeded):
        call_with_deadline(lambda: prog.run("main", (), limits=Limits(fuel=2 ** 60)), 0.05)
    quick = seglam.compile(SPIN)
    assert call_with_deadline(lambda: quick.call("spin", 10), 30.0) == 24
    assert call_with_deadline(lambda: quick.call("spin", 10), None) == 24
    # nothing is left pending for the thread after a guarded call returns
    assert sum(range(100)) == 4950


def test_a_hit_past_the_deadline_is_its_own_unsolved_tier(server, cache, make_engine):
    engine = make_engine()
    server.script(reply({"description": "sum of i % 7 for i below n", "patterns": [], "entry": "spin", "program": SPIN,
                         "answer": 24, "examples": [{"inputs": {"n": 3}, "answer": 3}]}))
    first = engine.solve(task="Sum i mod 7 below n.", inputs={"n": 10})
    assert first.tier == "compiled" and first.value == 24
    engine.fuel = 2 ** 60
    engine.hit_deadline = 0.05
    stopped = engine.solve(task="sum i mod 7 below n", inputs={"n": 10 ** 15})
    assert stopped.tier == "deadline" and not stopped.solved and stopped.value is None
    assert "deadline" in stopped.trace.message
    fine = engine.solve(task="sum i mod 7 below n", inputs={"n": 10})
    assert fine.tier == "hit" and fine.value == 24
    assert engine.stats()["tiers"]["deadline"] == 1
    assert server.calls == 1
