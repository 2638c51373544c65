"""The benchmark's programs (bench/programs, issue 19's new ones included) give the same
value on the compiled backend, the reference evaluator and CPython at a small size, and the
two Seglam backends use the same fuel: the benchmark compares like with like."""

from __future__ import annotations

import pytest

import seglam
from tests.bench_scripts import load_bench
from tests.conformance.cases import same_value

BENCH = load_bench("bench_interp.py")


#: sizes where the program's answer is not a fault (anagrams needs words enough to form a class)
SMALL = {"anagrams": 1000}


def _small_argument(name: str):
    n = SMALL.get(name, min(BENCH.SIZES[name], 40))
    return BENCH.INPUTS[name](n * 10) if name in BENCH.INPUTS else n


def test_every_program_has_a_size_and_every_size_a_program():
    assert sorted(p.stem for p in BENCH.PROGRAMS.glob("*.sgl")) == sorted(BENCH.SIZES)
    assert BENCH.NEW_PROGRAMS <= set(BENCH.SIZES) and len(BENCH.NEW_PROGRAMS) >= 12


@pytest.mark.parametrize("name", sorted(BENCH.SIZES))
def test_backends_and_cpython_agree(name):
    path = BENCH.PROGRAMS / f"{name}.sgl"
    source = path.read_text(encoding="utf-8")
    arg = _small_argument(name)
    program = seglam.compile(source, filename=str(path))
    compiled = program.run("main", (arg,), backend="compiled")
    reference = program.run("main", (arg,), backend="reference")
    expected = BENCH.cpython_runner(source, str(path))(arg)
    assert compiled.fuel_used == reference.fuel_used
    assert same_value(compiled.value, reference.value)
    assert BENCH.plain(compiled.value) == BENCH.plain(expected)
