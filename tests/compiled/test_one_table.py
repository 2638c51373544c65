"""One charge table (issue 19): the compiled backend's inline forms read the stdlib's and
``seglam.run.cost``'s tables instead of restating them, and charge what they say.

Each test runs both backends on the same program and input and compares value and fuel, on
inputs either side of every threshold the inline forms test (the bulk unit, the digits below
which ``int(s)`` costs nothing extra, the sort size below which a sort costs nothing extra),
and checks the inline form is the one that ran (the native method in the generated source).
"""

from __future__ import annotations

import pytest

import seglam
from seglam.check.signatures import METHODS
from seglam.run import cost
from seglam.run.codegen import inline
from seglam.run.codegen.passes import purity
from seglam.run.context import BULK_UNIT
from seglam.run.stdlib_text import GROWING_STR_METHODS, LINEAR_STR_METHODS, STR_METHODS

#: Arguments for each str method the compiled backend writes inline (by name).
_ARGS = {"count": '"a"', "endswith": '"a"', "find": '"a"', "index": '""', "partition": '"a"',
         "removeprefix": '"a"', "removesuffix": '"a"', "rfind": '"a"', "rindex": '""',
         "rpartition": '"a"', "startswith": '"a"', "split": '"a"', "rsplit": '"a"'}
_INLINE = sorted(inline.LINEAR_STR | inline.GROWING_STR | inline.SPLITTING_STR)
#: ... of those, the ones Seglam's str type has (the stdlib implements a few more)
_TYPED = [m for m in _INLINE if f"\ndef {m}(" in METHODS["str"]]


def _both(source: str, function: str, args: tuple) -> tuple:
    program = seglam.compile(source, filename="one_table.sgl")
    compiled = program.run(function, args, backend="compiled")
    reference = program.run(function, args, backend="reference")
    return program, (compiled.value, compiled.fuel_used), (reference.value, reference.fuel_used)


def test_inline_str_method_lists_are_the_stdlib_tables():
    assert inline.LINEAR_STR is LINEAR_STR_METHODS and inline.GROWING_STR is GROWING_STR_METHODS
    # every name the generator writes inline is a str method the stdlib implements
    assert set(_INLINE) <= set(STR_METHODS)
    # and the purity pass treats exactly those (and the collection natives) as safe
    assert set(_INLINE) <= purity.SAFE_METHODS
    assert len(_TYPED) > 30  # the agreement test below covers nearly all of them


@pytest.mark.parametrize("method", _TYPED)
@pytest.mark.parametrize("size", [0, 1, BULK_UNIT - 1, BULK_UNIT, 5 * BULK_UNIT + 3])
def test_inline_str_method_charges_what_the_stdlib_charges(method, size):
    source = (f"def main(s: str) -> str:\n    r = s.{method}({_ARGS.get(method, '')})\n"
              f"    return str(r)\n")
    program, compiled, reference = _both(source, "main", ("ab" * size,))
    assert compiled == reference
    assert f".{method}(" in program.python_source("main")  # the inline form ran, not the stdlib call


@pytest.mark.parametrize("digits", sorted({1, 150, inline.LONG_DIGITS - 1, inline.LONG_DIGITS,
                                           inline.LONG_DIGITS + 1, inline.LONG_DIGITS + 40, 1000}))
def test_int_of_str_charges_the_cost_table_either_side_of_the_free_digits(digits):
    assert cost.str_to_int(inline.LONG_DIGITS) == 0 < cost.str_to_int(inline.LONG_DIGITS + 1)
    source = "def main(s: str) -> int:\n    return int(s) % 1000\n"
    _, compiled, reference = _both(source, "main", ("7" * digits,))
    assert compiled == reference


@pytest.mark.parametrize("n", sorted({0, 2, inline.SORT_FREE - 1, inline.SORT_FREE, inline.SORT_FREE + 1, 500}))
def test_sort_charges_the_cost_table_either_side_of_the_free_size(n):
    assert cost.sort_extra(inline.SORT_FREE - 1) == 0 < cost.sort_extra(inline.SORT_FREE)
    source = ("def main(n: int) -> int:\n    xs = [(i * 7919) % 1009 for i in range(n)]\n"
              "    ys = sorted(xs)\n    xs.sort()\n    return len(ys) + len(xs)\n")
    _, compiled, reference = _both(source, "main", (n,))
    assert compiled == reference
