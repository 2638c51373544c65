"""Patterns compiled at run time are charged for the program they build and kept in a bounded
cache (found by a red-team run, H-09: a loop over distinct patterns of large RE2 programs,
each charged only its length, kept every program and reached 1.7 GB under the default fuel).
SPEC.md §10: ``cost.regex_compile(programsize)`` after the compile, at most
``REGEX_CACHE_ENTRIES`` patterns and ``REGEX_CACHE_INSTS`` instructions kept, least recently
used dropped first. Deterministic checks only (fuel and entries, not memory or time)."""

from __future__ import annotations

import pytest

import seglam
from seglam.run import cost
from seglam.run.context import RunContext
from seglam.run.limits import Limits
from seglam.run.regexcache import PROGRAM_INSTS, PROGRAM_PATTERNS, ProgramPatterns, RegexCache
from seglam.run.stdlib_modules import compile_regex, re_search

from tests.compiled.agree import outcomes

_LOOP = ("import re\n\n\ndef main(n: int, passes: int) -> int:\n    k = 0\n"
         "    for j in range(passes):\n        for i in range(n):\n"
         "            if re.search(\"a\" + str(i) + \"b\", \"xa7by\") is not None:\n"
         "                k += 1\n    return k\n")


def _fuel(source: str, args: tuple, limits: Limits = Limits()) -> int:
    got = outcomes(source, "main", args, limits)
    assert got[0] == got[1] and got[0][0] == "value", got
    return got[0][2]


def test_a_compile_is_charged_for_the_program_it_builds():
    # "\w{999}" * 20 builds about 60,000 instructions (40 ms of RE2's compile): 180,000 fuel,
    # where its length alone was 18
    source = "import re\n\n\ndef main(n: int) -> int:\n    return len(re.compile(\"\\\\w{999}\" * n).pattern)\n"
    program = compile_regex("\\w{999}" * 20).programsize
    assert program > 50_000
    got = outcomes(source, "main", (20,), Limits(fuel=cost.regex_compile(program) - 1))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL"), got
    # what else the call costs is what it costs with a one-piece pattern
    assert _fuel(source, (20,), Limits(fuel=_fuel(source, (1,)) + cost.regex_compile(program))) > cost.regex_compile(program)


def test_a_loop_over_distinct_large_patterns_runs_out_of_fuel():
    # the attack's shape: each pattern is new, so each is compiled (6,000 instructions each)
    source = ("import re\n\n\ndef main(n: int) -> int:\n    k = 0\n    for i in range(n):\n"
              "        if re.search(\"\\\\w{999}\" * 2 + str(i), \"x\") is None:\n            k += 1\n    return k\n")
    got = outcomes(source, "main", (1000,), Limits(fuel=1_000_000))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL"), got


def test_patterns_within_the_cache_are_compiled_once():
    n = cost.REGEX_CACHE_ENTRIES
    one, two = _fuel(_LOOP, (n, 1)), _fuel(_LOOP, (n, 2))
    compile_fuel = cost.regex_compile(compile_regex("a0b").programsize)
    assert compile_fuel > 0
    # the second pass pays its searches only: no compile
    assert two - one < one - n * compile_fuel


def test_one_pattern_more_than_the_cache_holds_is_compiled_on_every_use():
    # least recently used first: cycling over one pattern more than it holds misses every time
    n = cost.REGEX_CACHE_ENTRIES + 1
    one, two = _fuel(_LOOP, (n, 1)), _fuel(_LOOP, (n, 2))
    assert two - one >= one - 2  # the second pass compiles all again (less the outer loop's step)


def test_the_cache_keeps_at_most_its_entries():
    ctx = RunContext(Limits())
    for i in range(3 * cost.REGEX_CACHE_ENTRIES):
        re_search(ctx, f"a{i}b", "a1b")
    assert len(ctx.run_regexes) == cost.REGEX_CACHE_ENTRIES
    assert ("a0b", 0) not in ctx.run_regexes.entries
    assert (f"a{3 * cost.REGEX_CACHE_ENTRIES - 1}b", 0) in ctx.run_regexes.entries


def test_the_cache_keeps_at_most_its_instructions():
    ctx = RunContext(Limits(fuel=10 ** 9))
    pattern = "\\w{999}" * 20  # about 60,000 instructions: four fit in 2**18
    size = compile_regex(pattern).programsize
    for i in range(10):
        re_search(ctx, pattern + str(i), "x")
        assert ctx.run_regexes.insts <= cost.REGEX_CACHE_INSTS
    assert len(ctx.run_regexes) == cost.REGEX_CACHE_INSTS // (size + 1)


def test_a_program_larger_than_the_cache_is_not_kept():
    cache = RegexCache()
    cache.put(("x", 0), compile_regex("x"))
    big = compile_regex("\\w{999}" * 90)
    assert big.programsize > cost.REGEX_CACHE_INSTS
    cache.put(("big", 0), big)
    assert list(cache.entries) == [("x", 0)] and cache.get(("big", 0)) is None


def test_a_use_makes_a_pattern_the_most_recently_used():
    cache = RegexCache()
    for i in range(cost.REGEX_CACHE_ENTRIES):
        cache.put((str(i), 0), compile_regex(str(i)))
    assert cache.get(("0", 0)) is not None
    cache.put(("new", 0), compile_regex("new"))
    assert ("0", 0) in cache.entries and ("1", 0) not in cache.entries


def test_literal_patterns_are_never_dropped():
    # the backend's precompiled literal patterns are outside the cache; a run-time one is dropped
    ctx = RunContext(Limits(), ProgramPatterns({("lit", 0): compile_regex("lit")}))

    def search_fuel(pattern: str) -> int:
        used = ctx.fuel_used
        re_search(ctx, pattern, "literal")
        return ctx.fuel_used - used

    first_lit, first_run = search_fuel("lit"), search_fuel("run")
    for i in range(2 * cost.REGEX_CACHE_ENTRIES):
        re_search(ctx, f"a{i}b", "x")
    assert search_fuel("lit") == first_lit
    assert search_fuel("run") == first_run > first_lit


# ---- the program's memo: RE2's work done once per program, fuel unchanged ----

_CONSTANT = ('import re\n\nWORD = "[a-z]+" + "\\\\d"\n\n\n'
             'def main(s: str) -> int:\n    return 0 if re.fullmatch(WORD, s) is None else len(s)\n')


def _count_compiles(monkeypatch) -> list:
    from seglam.run import stdlib_modules
    calls: list = []
    real = stdlib_modules.compile_regex
    monkeypatch.setattr(stdlib_modules, "compile_regex", lambda p, f=0: calls.append(p) or real(p, f))
    return calls


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_a_pattern_a_run_compiled_is_not_compiled_again_by_the_programs_next_runs(backend, monkeypatch):
    # a module constant used as a pattern is compiled at run time: a cache hit of a date
    # family paid RE2's work for 27 of them on every run (~1 ms); each run still pays its fuel
    program = seglam.compile(_CONSTANT, filename="memo.sgl")
    calls = _count_compiles(monkeypatch)
    runs = [program.run("main", args=("abc1",), backend=backend) for _ in range(3)]
    assert [r.value for r in runs] == [4, 4, 4]
    assert len({r.fuel_used for r in runs}) == 1
    assert calls == ["[a-z]+\\d"]


def test_a_runs_fuel_does_not_depend_on_what_earlier_runs_left_in_the_memo():
    fresh = seglam.compile(_CONSTANT, filename="memo.sgl")
    used = seglam.compile(_CONSTANT, filename="memo.sgl")
    used.run("main", args=("abc1",))
    assert used.run("main", args=("zz9",)).fuel_used == fresh.run("main", args=("zz9",)).fuel_used


def test_the_memo_keeps_patterns_within_its_bounds_first_come_first_kept():
    memo = ProgramPatterns()
    small = [(f"a{i}b", 0) for i in range(PROGRAM_PATTERNS + 5)]
    for key in small:
        memo.remember(key, compile_regex(key[0]))
    assert len(memo.memo) == PROGRAM_PATTERNS and memo.remembered(small[0]) is not None
    assert memo.remembered(small[-1]) is None
    big = ProgramPatterns()
    large = compile_regex("\\w{999}" * 20)  # about 60,000 instructions
    assert large.programsize <= PROGRAM_INSTS < 2 * large.programsize
    big.remember(("x", 0), large)
    big.remember(("y", 0), large)
    assert big.remembered(("x", 0)) is large and big.remembered(("y", 0)) is None
    assert big.insts <= PROGRAM_INSTS
