"""Formatting charges for the text it writes (SPEC.md §10, "Work on large values"; found by a
red-team run, H-05 and H-06): a format field's width or precision is charged before the
field is written (``cost.formatted``), in f-strings (the compiled backend's native ones
too), ``format()``, ``str.format`` and ``%``, so that ``f"{x:.999000f}"`` costs fuel in
proportion to the million characters it writes. Both backends charge the same, at the same
place."""

from __future__ import annotations

import pytest

from seglam.run.limits import Limits

from tests.compiled.agree import disagreements_at_every_depth_and_budget, outcomes

_FIELDS = {
    "f-string float": 'f"{x:.{P}f}"',
    "f-string int width": 'f"{n:>{P}}"',
    "f-string float exponent": 'f"{x:.{P}e}"',
    "format()": 'format(x, ".{P}f")',
    "format() width": 'format(n, ">{P}")',
    "percent": '"%.{P}f" % x',
    "percent width": '"%{P}d" % n',
}


def _source(expr: str, precision: int) -> str:
    expr = expr.replace("{P}", str(precision))
    return f"def main(x: float, n: int) -> int:\n    return len({expr})\n"


@pytest.mark.parametrize("name", sorted(_FIELDS))
def test_a_wide_field_is_charged_for_the_text_it_writes(name):
    precision = 99_999
    got = outcomes(_source(_FIELDS[name], precision), "main", (1e-300, 7), Limits())
    assert got[0] == got[1]
    assert got[0][0] == "value" and got[0][1] >= precision
    assert got[0][2] >= precision // 8


@pytest.mark.parametrize("name", sorted(_FIELDS))
def test_a_wide_field_runs_out_of_fuel_before_it_is_written(name):
    got = outcomes(_source(_FIELDS[name], 999_000), "main", (1e-300, 7), Limits(fuel=1000))
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-FUEL")


def test_the_backends_agree_at_every_budget_when_a_later_field_faults():
    # the charge comes after the field's value (a fault in it comes first) and before the
    # next field is evaluated
    source = ('def main(x: float, n: int) -> str:\n'
              '    return f"{x:.100f}{n // (n - 7):>30}{x:.60e}"\n')
    done = outcomes(source, "main", (1.5, 8), Limits())
    assert done[0] == done[1] and done[0][2] >= 100 // 8 + 60 // 8
    assert disagreements_at_every_depth_and_budget(source, (1.5, 7), range(5, 6)) == []
    assert disagreements_at_every_depth_and_budget(source, (1.5, 8), range(5, 6)) == []


# ---- the length of the string built (H-06) ------------------------------------------------------

_BUILT = {
    "percent": '"%s." % s',
    "percent two": '"%s-%s" % (s, s)',
    "percent key": '"%(a)s." % {"a": s}',
    "f-string": 'f"{s}."',
    "f-string two fields": 'f"{s}{n}"',
    "format() field in an f-string": 'f"{s:>3}."',
    "replace of the empty string": '"".replace("", s)',
    "replace growing": 's.replace("a", "aa")',
}


@pytest.mark.parametrize("name", sorted(_BUILT))
def test_a_string_built_is_charged_for_its_length(name):
    source = f"def main(s: str, n: int) -> int:\n    return len({_BUILT[name]})\n"
    got = outcomes(source, "main", ("a" * 80_000, 7), Limits())
    assert got[0] == got[1]
    assert got[0][0] == "value" and got[0][1] >= 80_000
    assert got[0][2] >= got[0][1] // 8  # the result's length


def test_a_percent_result_past_the_cap_faults_before_it_is_built():
    import tracemalloc

    source = ('def main(s: str) -> int:\n'
              '    return len("%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s" % '
              '(s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s, s))\n')
    outcomes(source, "main", ("a",), Limits())  # compiled once, outside the measure
    tracemalloc.start()
    try:
        got = outcomes(source, "main", ("a" * 900_000,), Limits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert got[0] == got[1] and got[0][:2] == ("fault", "F-STR-SIZE")
    assert peak < 4_000_000  # Python's own % would build 18 MB first


def test_the_backends_agree_at_every_budget_on_f_strings_built():
    source = ('def main(s: str, n: int) -> str:\n'
              '    t = f"{s}{s}-{n}"\n'
              '    return f"{t}{s}{n // (n - 7)}{t}"\n')
    done = outcomes(source, "main", ("ab" * 30, 8), Limits())
    assert done[0] == done[1] and done[0][2] >= (123 + 184) // 8
    assert disagreements_at_every_depth_and_budget(source, ("ab" * 30, 8), range(5, 6)) == []
    assert disagreements_at_every_depth_and_budget(source, ("ab" * 30, 7), range(5, 6)) == []
