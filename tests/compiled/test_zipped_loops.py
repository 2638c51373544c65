"""A ``for`` or a comprehension over a native ``zip(a, b, ...)`` or ``enumerate(a)`` of sized
iterables is sized ``zipped`` (``zipped_unmutated`` when one of them is a held list or dict,
:func:`seglam.run.codegen.exprs.held_sized`): the pass ``precharge`` measures it as its
shortest argument (:func:`seglam.run.codegen.passes.sized.measure`) and charges its steps up
front. Golden before/after tests, the lowering's choice, and both backends at every fuel
budget on programs of each kind."""

from __future__ import annotations

import pytest

import seglam
from tests.compiled.passcheck import disagreements_at_every_budget, normalised, precharged, precharged_comprehension


def test_a_quiet_loop_over_a_zip_is_measured_by_its_shortest_argument_and_charged_up_front():
    before = """
        for u_x, u_y in g_zip(u_xs, u_ys):
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            u_t += u_x
        """
    after = """
        if (h_n := (g_min(g_len(h_it1a), g_len(h_it1b)) if (h_it1 := g_zip((h_it1a := u_xs), (h_it1b := u_ys))) is not None else 0)) <= h_f:
            h_f -= h_n
            for u_x, u_y in h_it1:
                u_t += u_x
        else:
            for u_x, u_y in h_it1:
                h_f -= 1
                if h_f < 0:
                    h_f = h_ctx.refuel(h_f)
                u_t += u_x
        """
    assert precharged(before, "zipped") == normalised(after)


def test_an_enumerate_is_as_long_as_its_one_argument():
    before = "[u_i * u_c for u_i, u_c in g_enumerate(u_xs) if h_ctk()]"
    after = ("[u_i * u_c for u_i, u_c in h_it1] if (h_n := (g_len(h_it1a) if (h_it1 := g_enumerate((h_it1a := u_xs))) "
             "is not None else 0)) <= h_f and (h_f := (h_f - h_n)) is not None "
             "else [u_i * u_c for u_i, u_c in h_it1 if h_next(h_ctx.ticks, False) or h_ctx.refill()]")
    assert precharged_comprehension(before, "zipped") == normalised(after)


@pytest.mark.parametrize("change", ["u_ys.append(u_x)", "u_ys.pop()", "u_d[u_x] = 1"])
def test_a_zip_of_a_held_list_in_a_loop_that_may_change_a_collection_is_left_as_it_is(change):
    before = f"""
        for u_x, u_y in g_zip(u_xs, u_ys):
            h_f -= 1
            if h_f < 0:
                h_f = h_ctx.refuel(h_f)
            {change}
        """
    assert precharged(before, "zipped_unmutated") == normalised(before)


_PROGRAMS = {  # name -> (program, function, arguments, True when a loop of it is charged up front)
    "zip of two held lists": ("""
def main(n: int) -> int:
    xs = [i % 7 for i in range(n)]
    ys = [i % 5 for i in range(n + 2)]
    t = 0
    for x, y in zip(xs, ys):
        t += x * y
    return t
""", "main", (6,), True),
    "enumerate of a str": ("""
def main(s: str) -> list[int]:
    return [i for i, c in enumerate(s) if c == "a"]
""", "main", ("banana",), True),
    "zip of a slice and its list, big ints": ("""
def main(n: int) -> int:
    xs = [10 ** 30 + i for i in range(n)]
    t = 0
    for a, b in zip(xs[1:], xs):
        t += a * b - b
    return t
""", "main", (5,), True),
    "zip of a parameter and a range's list, a comprehension": ("""
def dot(a: list[int], b: list[int]) -> int:
    return sum([x * y for x, y in zip(a, b)])


def main(n: int) -> int:
    return dot([i for i in range(n)], [2 * i + 1 for i in range(n)])
""", "main", (5,), True),
    "zip of dicts and a tuple": ("""
def main(n: int) -> int:
    d = {i: i * i for i in range(n)}
    e = {i: 1 for i in range(n + 3)}
    t = 0
    for k, j, w in zip(d, e, (1, 2, 3, 4)):
        t += k + j + w
    return t
""", "main", (4,), True),
    "enumerate with a start, positional or named": ("""
def main(n: int) -> int:
    xs = [i % 7 for i in range(n)]
    t = 0
    for i, x in enumerate(xs, 1):
        t += i * x
    for i, x in enumerate(xs, start=n):
        t += i - x
    return t + sum([i * x for i, x in enumerate(xs, 2)])
""", "main", (5,), True),
    "a zip of a range and a list": ("""
def main(n: int) -> int:
    xs = [i % 7 for i in range(n + 3)]
    t = 0
    for i, x in zip(range(n), xs):
        t += i * x
    return t
""", "main", (5,), True),
    "enumerate from a huge start": ("""
def main(s: str) -> int:
    t = 0
    first = 10 ** 40
    for i, c in enumerate(s, first):
        t += i % 1000
    return t
""", "main", ("hello",), True),
    "a loop growing a list it zips": ("""
def main(n: int) -> int:
    xs = [1, 2, 3]
    ys = xs
    t = 0
    for a, b in zip(xs, [5, 6, 7, 8, 9]):
        if len(ys) < n:
            ys.append(a + b)
        t += a
    return t + len(xs)
""", "main", (5,), False),
    "a zip inside a zip's loop": ("""
def main(n: int) -> int:
    rows = [[i * j % 4 for j in range(n)] for i in range(n)]
    t = 0
    for r, s in zip(rows, rows[1:]):
        t += sum([a * b for a, b in zip(r, s)])
    return t
""", "main", (4,), True),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_fuel_agrees_at_every_budget(name):
    source, function, args, _ = _PROGRAMS[name]
    program = seglam.compile(source, filename="zipped.sgl")
    assert disagreements_at_every_budget(program, function, args) == []


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_the_lowering_sizes_a_native_zip_and_the_pass_charges_it_up_front(name):
    source, function, _, charged = _PROGRAMS[name]
    text = seglam.compile(source, filename="zipped.sgl").python_source()
    measured = "_zip((h_it" in text or "_enumerate((h_it" in text
    assert measured == charged


@pytest.mark.parametrize("iterable", ["zip({1, 2, n}, [4, 5, 6])", "enumerate({4, 5, n})",
                                      "zip(*[[4, 5], [6, 7]])", "zip([4, 5], [6, 7], strict=True)"])
def test_a_zip_the_stdlib_runs_is_not_measured(iterable):
    source = f"""
def main(n: int) -> int:
    t = 0
    for a, b in {iterable}:
        t += a * b
    return t
"""
    program = seglam.compile(source, filename="zipped.sgl")
    assert "(h_n :=" not in program.python_source("main")
    assert disagreements_at_every_budget(program, "main", (3,)) == []
