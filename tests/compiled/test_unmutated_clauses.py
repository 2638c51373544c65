"""A ``for`` or a comprehension over a list or dict the program holds (not a fresh one): its
loop or first clause is sized ``unmutated`` (:func:`seglam.run.codegen.exprs.held_sized`),
and the pass ``precharge`` charges its steps up front when nothing in the loop can change a
collection's length (:func:`seglam.run.codegen.passes.sized.mutates`); ``cap_versioning``
never relies on it. Golden before/after tests, and both backends at every fuel budget on
programs of each kind."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes import cap_versioning
from tests.compiled.passcheck import (NATIVES, as_emitted, disagreements_at_every_budget, emitted, lifted, normalised,
                                      precharged, precharged_comprehension)


def test_a_quiet_loop_over_a_held_list_is_measured_with_len_and_charged_up_front():
    before = """
        for u_x in u_xs:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t += u_x
        """
    after = """
        if (h_n := g_len((h_it1 := u_xs))) <= h_f:
            h_f -= h_n
            for u_x in h_it1:
                u_t += u_x
        else:
            for u_x in h_it1:
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                u_t += u_x
        """
    assert precharged(before, "unmutated") == normalised(after)


@pytest.mark.parametrize("change", ["u_ys.append(u_x)", "u_ys.pop()", "u_d[u_x] = 1", "del u_d[u_x]"])
def test_a_loop_that_may_change_a_collection_is_left_as_it_is(change):
    before = f"""
        for u_x in u_xs:
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            {change}
        """
    assert precharged(before, "unmutated") == normalised(before)


def test_cap_versioning_never_relies_on_a_held_list():
    before = """
        for u_x in u_xs:
            u_ys.append(u_x)
            if g_len(u_ys) > h_clim:
                g_len_fault(h_ctx, g_len(u_ys))
        """
    loop = lifted(py.parse(textwrap.dedent(before)).body[0], "unmutated")
    assert emitted(cap_versioning.run(loop, NATIVES, lambda prefix: f"{prefix}1", lambda call: True)) \
        == normalised(before)


def test_a_comprehension_over_a_held_list_is_measured_with_len_and_charged_up_front():
    before = "[u_s + u_k for u_s in u_rest if h_ctk()]"
    after = ("[u_s + u_k for u_s in h_it1] if (h_n := g_len((h_it1 := u_rest))) <= h_f "
             "and (h_f := (h_f - h_n)) is not None else [u_s + u_k for u_s in h_it1 "
             "if h_next(h_ctx.ticks, False) or h_ctx.refill()]")
    assert precharged_comprehension(before, "unmutated") == normalised(after)


@pytest.mark.parametrize("before", [
    "[u_ys.append(u_s) for u_s in u_xs if h_ctk()]",  # may grow the list it iterates (an alias)
    "[u_xs.pop() for u_s in u_xs if h_ctk()]",  # shrinks it: fewer steps than its length
    "{u_k: u_d.setdefault(u_k, 0) for u_k in u_d if h_ctk()}",
    "[u_s for u_s in u_xs if h_ctk() if u_d.pop(u_s, None) is None]",
])
def test_a_comprehension_that_may_change_a_collection_is_left_as_it_is(before):
    assert precharged_comprehension(before, "unmutated") == as_emitted(before)


_PROGRAMS = {  # name -> (program, function, arguments)
    "recursive list": ("""
def sums(xs: list[int], i: int) -> list[int]:
    if i == len(xs):
        return [0]
    rest = sums(xs, i + 1)
    return rest + [s + xs[i] for s in rest]


def main(n: int) -> int:
    return len(sums([i * 7 % 5 + 1 for i in range(n)], 0))
""", "main", (3,)),
    "local list, a condition": ("""
def main(n: int) -> int:
    xs = [1, 2, 3]
    for i in range(n):
        xs.append(i * i)
    return len([x for x in xs if x % 2 == 0])
""", "main", (4,)),
    "dict": ("""
def main(n: int) -> dict[int, int]:
    d = {0: 1}
    for i in range(n):
        d[i] = i * 2
    return {k: v + 1 for k, v in d.items() if k > 0} | {k: k for k in d}
""", "main", (4,)),
    "big ints": ("""
def main(n: int) -> list[int]:
    xs = [10 ** 40, 3, 10 ** 300]
    for i in range(n):
        xs.append(i)
    return [x * x * x for x in xs]
""", "main", (3,)),
    "a loop over a held list": ("""
def main(n: int) -> int:
    xs = [i * 3 for i in range(n)]
    xs.append(10 ** 30)
    total = 0
    for x in xs:
        total += x * x
    return total
""", "main", (4,)),
    "a loop over a held dict": ("""
def main(n: int) -> int:
    d = {i: i * i for i in range(n)}
    total = 0
    for k in d:
        total += k + 1
    for k in d:
        d[k] = 0
    return total + len(d)
""", "main", (4,)),
    "loops over a dict's views": ("""
def main(n: int) -> int:
    d = {i: i * 2 for i in range(n)}
    d[7] = 10 ** 40
    t = 0
    for k, v in d.items():
        t += k * v
    for v in d.values():
        t += v
    for k in d.keys():
        t += k
    return t + sum([v for v in d.values()]) + len({k: v for k, v in d.items() if v > 2})
""", "main", (4,)),
    "a loop growing the list it iterates": ("""
def main(n: int) -> int:
    xs = [1, 2]
    ys = xs
    for x in xs:
        if len(ys) < n:
            ys.append(x)
    return len(xs)
""", "main", (6,)),
    "a pop in the comprehension": ("""
def main(n: int) -> list[int]:
    xs = [1, 2, 3]
    for i in range(n):
        xs.append(i)
    return [xs.pop() for x in xs]
""", "main", (3,)),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_fuel_agrees_at_every_budget(name):
    source, function, args = _PROGRAMS[name]
    program = seglam.compile(source, filename="unmutated.sgl")
    assert disagreements_at_every_budget(program, function, args) == []


def test_the_generated_code_of_a_held_list_is_charged_up_front():
    source, _, _ = _PROGRAMS["local list, a condition"]
    program = seglam.compile(source, filename="unmutated.sgl")
    assert "(h_f := (h_f - h_n)) is not None" in program.python_source("main")


def test_a_comprehension_popping_its_own_list_still_counts_each_step():
    source, _, _ = _PROGRAMS["a pop in the comprehension"]
    program = seglam.compile(source, filename="unmutated.sgl")
    assert "h_n" not in program.python_source("main").split("return", 1)[1]
