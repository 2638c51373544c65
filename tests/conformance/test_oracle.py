"""The CPython oracle itself: prelude, Decimal context, RE2, freezing, fault mapping."""

from __future__ import annotations

import decimal
import threading
from decimal import Decimal

import pytest

from seglam.run import oracle
from seglam.run.oracle import OracleError, fault_code_for, run_cpython


def run(body: str, *args, function: str = "main", **kwargs):
    return run_cpython(body, function, args, kwargs)


def test_value_and_fault():
    assert run("def main() -> int:\n    return -7 // 2\n").value == -4
    got = run("def main(n: int) -> int:\n    return 1 // n\n", 0)
    assert (got.ok, got.fault_code) == (False, "F-ZERO-DIV")
    assert "ZeroDivisionError" in got.message


def test_fresh_namespace_per_run():
    src = "SEEN = [1]\ndef main() -> int:\n    xs = list(SEEN)\n    xs.append(2)\n    return len(xs)\n"
    assert run(src).value == 2
    assert run(src).value == 2


def test_decimal_context_is_local_and_fixed():
    before = decimal.getcontext().copy()
    decimal.getcontext().prec = 5
    try:
        src = "from decimal import Decimal\ndef main() -> Decimal:\n    return Decimal(1) / Decimal(3)\n"
        assert run(src).value == Decimal("0.3333333333333333333333333333")
        assert decimal.getcontext().prec == 5  # the caller's context is untouched
    finally:
        decimal.setcontext(before)
    ctx = oracle.DECIMAL_CONTEXT
    assert (ctx.prec, ctx.rounding, ctx.Emin, ctx.Emax) == (28, decimal.ROUND_HALF_EVEN, -999999, 999999)
    assert ctx.traps[decimal.InvalidOperation] and ctx.traps[decimal.DivisionByZero] and ctx.traps[decimal.Overflow]
    assert not ctx.traps[decimal.Inexact]


def test_decimal_faults():
    src = "from decimal import Decimal\ndef main(s: str) -> Decimal:\n    return Decimal(1) / Decimal(s)\n"
    assert run(src, "0").fault_code == "F-ZERO-DIV"
    assert run(src, "x").fault_code == "F-VALUE"
    big = "from decimal import Decimal\ndef main() -> Decimal:\n    return Decimal('9e999999') * 10\n"
    assert run(big).fault_code == "F-OVERFLOW"


def test_contracts_name_params_by_name():
    src = (
        "@requires(lambda b: b != 0)\n"
        "@ensures(lambda a, b, result: result * b <= a)\n"
        "def main(a: int, b: int) -> int:\n"
        "    return a // b\n"
    )
    assert run(src, 7, 2).value == 3
    assert run(src, 7, 0).fault_code == "F-REQUIRES"
    assert run(src, a=7, b=0).fault_code == "F-REQUIRES"
    bad = src.replace("a // b", "a // b + 1")
    assert run(bad, 7, 2).fault_code == "F-ENSURES"


def test_contracts_importable_from_seglam():
    src = "from seglam import requires\n@requires(lambda n: n > 0)\ndef main(n: int) -> int:\n    return n\n"
    assert run(src, 0).fault_code == "F-REQUIRES"


def test_parse_prelude():
    assert oracle.parse_int(" 42 ") == 42 and oracle.parse_int("4.2") is None
    assert oracle.parse_float("1e3") == 1000.0 and oracle.parse_float("x") is None
    assert oracle.parse_decimal("1.10") == Decimal("1.10") and oracle.parse_decimal("1.10").as_tuple().exponent == -2
    assert oracle.parse_decimal("NaN") is None and oracle.parse_decimal("1,0") is None
    assert str(oracle.parse_date("2024-02-29")) == "2024-02-29" and oracle.parse_date("2023-02-29") is None
    assert oracle.parse_date("20240229") is None and oracle.parse_date("2024-W09-4") is None


def test_re_is_re2():
    src = "import re\ndef main(p: str) -> bool:\n    return re.search(p, 'aa') is not None\n"
    assert run(src, r"a+").value is True
    assert run(src, r"(a)\1").fault_code == "F-REGEX"  # backreferences are not RE2
    assert run(src, r"a(?=a)").fault_code == "F-REGEX"  # nor is lookaround
    flags = "import re\ndef main() -> list[str]:\n    return re.findall('a.', 'A\\nAb', re.I | re.S)\n"
    assert run(flags).value == ["A\n", "Ab"]


def test_arguments_and_constants_are_frozen():
    alias = "def main(xs: list[int]) -> int:\n    ys = xs\n    ys.append(1)\n    return len(ys)\n"
    assert run(alias, [1]).fault_code == "F-FROZEN"
    copy = "def main(xs: list[int]) -> int:\n    ys = list(xs)\n    ys.append(1)\n    return len(ys)\n"
    assert run(copy, [1]).value == 2
    const = "T = {'a': [1]}\ndef main() -> int:\n    t = T['a']\n    t.append(2)\n    return 0\n"
    assert run(const).fault_code == "F-FROZEN"
    # results come back as plain host values
    ret = run("def main(xs: list[list[int]]) -> list[list[int]]:\n    return xs\n", [[1]])
    assert type(ret.value) is list and type(ret.value[0]) is list


def test_caller_keeps_its_local_list_after_passing_it():
    src = (
        "def peek(xs: list[int]) -> int:\n    return xs[0]\n"
        "def main() -> list[int]:\n    xs = [1]\n    peek(xs)\n    xs.append(2)\n    return xs\n"
    )
    assert run(src).value == [1, 2]


def test_module_examples_run():
    src = "def sq(x: int) -> int:\n    return x + x\nassert sq(3) == 9\ndef main() -> int:\n    return 0\n"
    assert run(src).fault_code == "F-ASSERT"


def test_imports_outside_the_stdlib_are_refused():
    with pytest.raises(OracleError):
        run("import os\ndef main() -> int:\n    return 0\n")


def test_unmapped_exception_is_an_oracle_error():
    with pytest.raises(OracleError):
        run("def main() -> int:\n    return 1 + 'a'\n")


@pytest.mark.parametrize(
    "exc, code",
    [
        (ZeroDivisionError(), "F-ZERO-DIV"),
        (decimal.DivisionByZero(), "F-ZERO-DIV"),
        (IndexError(), "F-INDEX"),
        (KeyError("k"), "F-KEY"),
        (ValueError(), "F-VALUE"),
        (OverflowError(), "F-OVERFLOW"),
        (AssertionError(), "F-ASSERT"),
        (RecursionError(), "F-DEPTH"),
        (RuntimeError("dictionary changed size during iteration"), "F-MUTATION"),
        (RuntimeError("Set changed size during iteration"), "F-MUTATION"),
        (TypeError("unsupported operand type(s) for +: 'NoneType' and 'int'"), "F-NONE"),
        (AttributeError("'NoneType' object has no attribute 'upper'"), "F-NONE"),
        (RuntimeError("something else"), None),
        (TypeError("unsupported operand type(s) for +: 'int' and 'str'"), None),
    ],
)
def test_fault_mapping(exc, code):
    assert fault_code_for(exc) == code


def test_runs_in_threads():
    src = "from decimal import Decimal\ndef main(n: int) -> Decimal:\n    return Decimal(n) / Decimal(7)\n"
    results: dict[int, Decimal] = {}

    def work(n: int) -> None:
        results[n] = run(src, n).value

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with decimal.localcontext(oracle.DECIMAL_CONTEXT):
        assert results == {n: Decimal(n) / Decimal(7) for n in range(8)}


def test_frozen_counter_and_defaultdict_keep_their_methods():
    src = (
        "from collections import Counter, defaultdict\n"
        "COUNTS = Counter('abracadabra')\n"
        "def main() -> list[tuple[str, int]]:\n"
        "    return COUNTS.most_common(2)\n"
        "def bump() -> int:\n"
        "    c = COUNTS\n"
        "    c['z'] = 1\n"
        "    return 0\n"
    )
    assert run(src).value == [("a", 5), ("b", 2)]
    assert run(src, function="bump").fault_code == "F-FROZEN"
    dd = "from collections import defaultdict\nD = defaultdict(int, {'a': 1})\ndef main() -> int:\n    return D['a']\n"
    assert run(dd).value == 1
