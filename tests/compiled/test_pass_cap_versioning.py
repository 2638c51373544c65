"""Golden before/after tests of the pass ``cap_versioning``
(:mod:`seglam.run.codegen.passes.cap_versioning`), and what it leaves: the same value, fuel
and faults as the reference evaluator, at every fuel budget and at a collection cap the loop
reaches."""

from __future__ import annotations

import ast as py
import textwrap

import pytest

import seglam
from seglam.run.codegen.passes import cap_versioning
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.compiled.passcheck import NATIVES, disagreements_at_every_budget, emitted, lifted, normalised


def _run_pass(before: str, sized: str | None = "len", module_calls: tuple[str, ...] = ()) -> str:
    loop = lifted(py.parse(textwrap.dedent(before)).body[0], sized, module_calls)
    return emitted(cap_versioning.run(loop, NATIVES, lambda prefix: f"{prefix}1", _safe))


def _safe(call: py.Call) -> bool:
    """The calls the golden loops make that cannot reach the fuel counter (``Purity.safe_call``)."""
    if isinstance(call.func, py.Attribute):
        return call.func.attr == "append"
    return isinstance(call.func, py.Name) and call.func.id in ("h_tick", "g_len", "g_len_fault")


def test_a_loop_that_may_leave_early_runs_without_its_cap_checks_when_the_room_is_proven():
    before = """
        for u_c in u_s:
            h_tick()
            if u_c == 'z':
                break
            u_out.append(u_twice(u_c))
            if g_len(u_out) > h_clim:
                g_len_fault(h_ctx, g_len(u_out))
        """
    after = """
        if g_len(u_out) + 1 * (h_n := g_len((h_it1 := u_s))) <= h_clim:
            for u_c in h_it1:
                h_tick()
                if u_c == 'z':
                    break
                u_out.append(u_twice(u_c))
        else:
            for u_c in h_it1:
                h_tick()
                if u_c == 'z':
                    break
                u_out.append(u_twice(u_c))
                if g_len(u_out) > h_clim:
                    g_len_fault(h_ctx, g_len(u_out))
        """
    assert _run_pass(before, module_calls=("u_twice",)) == normalised(after)


def test_every_grown_collection_gets_its_room_test_with_the_growths_of_a_step():
    before = """
        for u_i in g_range(u_a, u_b):
            h_tick()
            u_xs.append(u_i)
            u_ys.append(u_i)
            if g_len(u_xs) > h_clim:
                g_len_fault(h_ctx, g_len(u_xs))
            if g_len(u_ys) > h_clim:
                g_len_fault(h_ctx, g_len(u_ys))
        """
    after = """
        if g_len(u_xs) + 2 * (h_n := (h_it1b - h_it1a if (h_it1 := g_range((h_it1a := u_a), (h_it1b := u_b))) is not None and h_it1b > h_it1a else 0)) <= h_clim and g_len(u_ys) + 2 * h_n <= h_clim:
            for u_i in h_it1:
                h_tick()
                u_xs.append(u_i)
                u_ys.append(u_i)
        else:
            for u_i in h_it1:
                h_tick()
                u_xs.append(u_i)
                u_ys.append(u_i)
                if g_len(u_xs) > h_clim:
                    g_len_fault(h_ctx, g_len(u_xs))
                if g_len(u_ys) > h_clim:
                    g_len_fault(h_ctx, g_len(u_ys))
        """
    assert _run_pass(before, sized="sized_len") == normalised(after)


_GROWS = """
for u_c in u_s:
    h_tick()
    u_out.append({call})
    if g_len(u_out) > h_clim:
        g_len_fault(h_ctx, g_len(u_out))
"""


@pytest.mark.parametrize("before, sized", [
    (_GROWS.format(call="u_c"), None),  # not sized
    (_GROWS.format(call="u_f(u_c)"), "len"),  # a call that may see the collection
    (_GROWS.format(call="u_c") + "else:\n    pass\n", "len"),  # an else clause
    (_GROWS.format(call="u_c").replace("h_tick()", "u_out = u_s"), "len"),  # the grown name rebound
    (_GROWS.format(call="u_c").replace("h_tick()", "u_out.extend(u_s)"), "len"),  # another mutator
    (_GROWS.format(call="u_c").replace("h_tick()", "for u_d in u_s:\n        u_out.append(u_d)"), "len"),
    ("for u_c in u_s:\n    h_tick()\n    u_t += 1\n", "len"),  # grows nothing
])
def test_anything_else_is_left_as_it_is(before, sized):
    assert _run_pass(before, sized) == normalised(before)


_PROGRAM = """
def twice(x: str) -> str:
    return x + x

def main(s: str) -> list[str]:
    out = []
    for c in s:
        if c == "z":
            break
        out.append(twice(c))
    return out
"""


@pytest.mark.parametrize("s", ["", "abc", "abzc"])
def test_the_pass_runs_on_generated_code_and_fuel_agrees_at_every_budget(s):
    program = seglam.compile(_PROGRAM, filename="cap_versioning.sgl")
    assert "h_clim:\n        for u_c in h_it1" in program.python_source("main")  # the unchecked copy
    assert disagreements_at_every_budget(program, "main", (s,)) == []


@pytest.mark.parametrize("cap", [2, 3, 4, 5])
def test_a_collection_cap_the_loop_reaches_faults_as_in_the_reference_evaluator(cap):
    program = seglam.compile(_PROGRAM, filename="cap_versioning.sgl")
    outcomes = []
    for backend in ("compiled", "reference"):
        try:
            result = program.run("main", ("abcd",), backend=backend, limits=Limits(max_collection_len=cap))
            outcomes.append(("value", result.value, result.fuel_used))
        except Fault as fault:
            outcomes.append(("fault", fault.code, fault.span))
    assert outcomes[0] == outcomes[1]
