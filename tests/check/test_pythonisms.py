"""Python-isms outside the subset: each gets a stable code and a suggested rewrite
(DESIGN.md, "The language", Principles 2 and 4)."""

from __future__ import annotations

import pytest

from tests.check.helpers import codes, diagnostics, one


# ---- the examples in DESIGN.md ------------------------------------------------------------------


def test_import_os_says_no_io():
    d = one("import os\n", "E-IMPORT")
    assert d.hint == "no I/O in Seglam: pass the data in as an argument"
    assert (d.span.line, d.span.col, d.span.end_col) == (1, 8, 10)


def test_try_says_faults_cannot_be_caught():
    d = one("""
        def f(s: str) -> int:
            try:
                return int(s)
            except ValueError:
                return 0
        """, "E-EXCEPTION")
    assert d.hint.startswith("test with `if` first")
    assert d.span.line == 3


def test_global_is_e_global():
    d = one("""
        total = 0
        def add(n: int) -> int:
            global total
            total += n
            return total
        """, "E-GLOBAL")
    assert "argument" in d.hint


# ---- imports -------------------------------------------------------------------------------------


@pytest.mark.parametrize("module,hint", [
    ("sys", "no I/O"), ("subprocess", "no I/O"), ("numpy", "numpy"), ("random", "deterministic"),
    ("time", "no clock"), ("json", "no I/O"), ("heapq", "sorted"),
])
def test_modules_outside_the_stdlib(module, hint):
    d = one(f"import {module}\n", "E-IMPORT")
    assert hint in d.hint


def test_from_import_of_a_missing_member():
    d = one("from collections import deque\n", "E-IMPORT")
    assert "list" in d.hint


def test_failed_import_does_not_cascade():
    assert codes("""
        import random
        def roll() -> int:
            return random.randint(1, 6)
        """) == ["E-IMPORT"]


def test_star_import():
    assert codes("from math import *\n") == ["E-IMPORT"]


def test_relative_import():
    assert codes("from . import helpers\n") == ["E-IMPORT"]


def test_allowed_imports_check():
    from tests.check.helpers import ok

    cm = ok("""
        import math, re, itertools, functools, string
        from collections import Counter, defaultdict
        from dataclasses import dataclass, replace, field
        from enum import Enum, auto
        from decimal import Decimal
        from datetime import date, timedelta
        from typing import Optional, List, Dict
        from math import sqrt as root
        """)
    assert cm.imports["root"] == "math.sqrt"
    assert cm.imports["Decimal"] == "decimal.Decimal"
    assert cm.imports["date"] == "datetime.date"
    assert cm.imports["dataclass"] == "dataclasses.dataclass"
    assert cm.imports["re"] == "re"


# ---- I/O and reflection ------------------------------------------------------------------------


@pytest.mark.parametrize("call,code", [
    ("print(x)", "E-IO"), ("input()", "E-IO"), ("open('f')", "E-IO"),
    ("eval('1')", "E-REFLECTION"), ("exec('1')", "E-REFLECTION"), ("getattr(x, 'real')", "E-REFLECTION"),
    ("setattr(x, 'a', 1)", "E-REFLECTION"), ("hasattr(x, 'a')", "E-REFLECTION"), ("globals()", "E-REFLECTION"),
    ("locals()", "E-REFLECTION"), ("vars(x)", "E-REFLECTION"), ("type(x)", "E-REFLECTION"), ("id(x)", "E-REFLECTION"),
    ("__import__('os')", "E-REFLECTION"), ("compile('1', 'f', 'eval')", "E-REFLECTION"),
    ("hash(x)", "E-UNSUPPORTED"), ("next(iter([x]))", "E-UNSUPPORTED"),
])
def test_forbidden_builtins(call, code):
    found = diagnostics(f"""
        def f(x: int) -> int:
            y = {call}
            return x
        """)
    assert found[0].code == code
    assert found[0].span.line == 3


def test_dunder_attribute():
    d = one("""
        def f(x: int) -> str:
            return x.__class__.__name__
        """, "E-REFLECTION")
    assert "__class__" in d.message


def test_main_guard():
    d = one("""
        def main() -> int:
            return 1

        if __name__ == "__main__":
            main()
        """, "E-REFLECTION")
    assert "host calls" in d.hint


def test_date_today_is_a_clock():
    d = one("""
        from datetime import date
        def f() -> date:
            return date.today()
        """, "E-IO")
    assert "argument" in d.hint


# ---- exceptions, state, classes ----------------------------------------------------------------


def test_raise():
    d = one("""
        def f(x: int) -> int:
            if x < 0:
                raise ValueError("negative")
            return x
        """, "E-EXCEPTION")
    assert "T | None" in d.hint


def test_nonlocal():
    assert codes("""
        def f() -> int:
            n = 0
            def inc() -> None:
                nonlocal n
                n += 1
            inc()
            return n
        """) == ["E-GLOBAL"]


def test_class_with_methods():
    d = diagnostics("""
        class Counter:
            def __init__(self) -> None:
                self.n = 0
        """)
    assert {x.code for x in d} == {"E-CLASS"}
    assert any("write a function that takes the record" in (x.hint or "") or "constructor" in (x.hint or "") for x in d)


def test_frozen_dataclass_with_a_method():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Rect:
            w: float
            h: float

            def area(self) -> float:
                return self.w * self.h
        """, "E-CLASS")
    assert "def area(r: Rect" in d.hint


def test_mutable_dataclass():
    d = one("""
        from dataclasses import dataclass

        @dataclass
        class P:
            x: int
        """, "E-CLASS")
    assert "frozen=True" in d.hint


def test_inheritance():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Shape:
            name: str

        @dataclass(frozen=True)
        class Circle(Shape):
            r: float
        """, "E-CLASS")
    assert "union" in d.hint


# ---- other constructs ----------------------------------------------------------------------------


@pytest.mark.parametrize("stmt,code,hint", [
    ("with open('f') as fh:\n                pass", "E-IO", "argument"),
    ("del xs[0]", "E-UNSUPPORTED", "pop"),
    ("ys = (yield 1)", "E-UNSUPPORTED", "list"),
    ("z = 1j", "E-UNSUPPORTED", "floats"),
    ("b = b'abc'", "E-UNSUPPORTED", "str"),
    ("g = lambda *a: 0", "E-UNSUPPORTED", "list"),
    ("ok = xs is [1]", "E-TYPE", "=="),
])
def test_unsupported_constructs(stmt, code, hint):
    found = diagnostics(f"""
        def f(xs: list[int]) -> int:
            {stmt}
            return 0
        """)
    assert found[0].code == code, found
    assert hint in (found[0].hint or "")


def test_async_function():
    assert "E-UNSUPPORTED" in codes("""
        async def f(x: int) -> int:
            return x
        """)


def test_star_args_in_a_definition():
    d = one("""
        def total(*nums: int) -> int:
            return sum(nums)
        """, "E-UNSUPPORTED")
    assert "list" in d.hint


def test_lru_cache_decorator():
    d = one("""
        import functools

        @functools.lru_cache
        def fib(n: int) -> int:
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        """, "E-ATTR") if False else None
    found = diagnostics("""
        import functools

        @functools.lru_cache
        def fib(n: int) -> int:
            return n if n < 2 else fib(n - 1) + fib(n - 2)
        """)
    assert found[0].code == "E-UNSUPPORTED"
    assert "memoize" in found[0].hint
