"""Steps taken from the context's chunk (``RunContext.ticks``, ``refill``, ``refuel``):
whatever the chunk size, both backends spend the same fuel and fault ``F-FUEL`` at the same
place at every budget, in code that mixes the places where fuel is counted: calls (the
chunk), string methods of the runtime (``ctx.fuel``, given the chunk back by
``out_of_fuel``), a leaf function's countdown loop with work on large ints
(``Runtime.take``), a precharged loop with such work (``Runtime.prespent``) and a counted
comprehension (the local ``h_f``, given the chunk back by ``refuel``)."""

from __future__ import annotations

import pytest

import seglam
from seglam.run import context
from seglam.run.context import RunContext
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.compiled.passcheck import disagreements_at_every_budget

SOURCE = '''
def shrink(x: int) -> int:
    n = 0
    while x > 1:
        x = x // 3
        n += 1
    return n


def walk(xs: list[int]) -> int:
    t = 0
    for x in xs:
        t = t + x * x
    return t


def rec(k: int, s: str) -> int:
    if k <= 0:
        return len(s.upper())
    return rec(k - 1, s + "a") + shrink(7 ** (200 * k)) + walk([k, 2 ** 600, k]) % 1000


def main(k: int) -> int:
    return rec(k, "x") + sum([i * i for i in range(k)])
'''


@pytest.fixture(scope="module")
def program():
    return seglam.compile(SOURCE, filename="chunk.sgl")


def test_the_program_reaches_every_place_fuel_is_counted(program):
    text = program.python_source()
    assert "h_next(h_ctx.ticks, False) or h_ctx.refill()" in text  # a call's step
    assert "h_ctx.refuel(-1) + 1" in text  # a countdown loop out of items
    assert "take(h_ctx" in text and "prespent(h_ctx" in text  # large work in both kinds of loop
    assert "(h_f := h_ctx.fuel)" in text  # a counted comprehension


@pytest.mark.parametrize("chunk", [1, 2, 3, 5, 64, context.TICK_CHUNK])
def test_every_chunk_size_agrees_with_the_reference_at_every_budget(program, chunk, monkeypatch):
    monkeypatch.setattr(context, "TICK_CHUNK", chunk)
    assert disagreements_at_every_budget(program, "main", (2,)) == []


def test_fuel_used_counts_the_unspent_chunk_as_left():
    ctx = RunContext(Limits(fuel=10_000))
    ctx.tick()
    ctx.tick()
    assert ctx.fuel_used == 2
    assert ctx.fuel + len(list(ctx.ticks)) == 10_000 - 2


def test_a_charge_past_ctx_fuel_takes_the_chunk_back_before_it_faults():
    ctx = RunContext(Limits(fuel=10))
    ctx.tick()  # 1 step spent, 9 held in the chunk, ctx.fuel is 0
    assert ctx.fuel == 0
    ctx.charge(8 * 7)  # 8 steps: covered by the chunk
    assert ctx.fuel_used == 9
    ctx.tick()
    assert ctx.fuel_used == 10
    with pytest.raises(Fault) as fault:
        ctx.tick()
    assert fault.value.code == "F-FUEL"
    assert ctx.fuel_used == 10


def test_a_local_count_gone_negative_takes_the_chunk():
    ctx = RunContext(Limits(fuel=10))
    ctx.tick()
    local = ctx.fuel - 3  # a region counting in a local copy spent 3
    assert ctx.refuel(local) == 6
    assert ctx.refuel.__doc__
    with pytest.raises(Fault):
        ctx.refuel(-1)  # nothing left to give back
