"""match statements: every pattern kind, narrowing in case bodies, exhaustiveness."""

from __future__ import annotations

from seglam.check import types as T
from tests.check.helpers import codes, ok

RECORDS = '''
from dataclasses import dataclass

@dataclass(frozen=True)
class Add:
    left: int
    right: int

@dataclass(frozen=True)
class Neg:
    value: int

Op = Add | Neg
'''


def test_class_patterns_narrow_and_bind_fields():
    ok(RECORDS + '''
def run(op: Op) -> int:
    match op:
        case Add(left=a, right=b):
            return a + b
        case Neg(v):
            return -v
''')


def test_case_body_sees_the_narrowed_subject():
    ok(RECORDS + '''
def run(op: Op) -> int:
    match op:
        case Add():
            return op.left + op.right
        case Neg():
            return -op.value
''')


def test_or_pattern_as_pattern_and_guard():
    ok('''
def f(n: int) -> str:
    match n:
        case 0 | 1 as small if small >= 0:
            return "small"
        case x if x < 0:
            return "negative"
        case _:
            return "big"
''')


def test_sequence_and_star_patterns():
    cm = ok('''
def f(xs: list[int]) -> int:
    match xs:
        case []:
            return 0
        case [x]:
            return x
        case [first, *rest]:
            return first + len(rest)
''')
    assert cm.functions["f"].returns == T.INT


def test_tuple_subject_with_fixed_patterns():
    ok('''
def f(p: tuple[int, str]) -> str:
    match p:
        case (0, s):
            return s
        case (n, s):
            return s * n
''')


def test_mapping_pattern():
    ok('''
def f(d: dict[str, int]) -> int:
    match d:
        case {"a": a, "b": b}:
            return a + b
        case {"a": a, **rest}:
            return a + len(rest)
        case _:
            return 0
''')


def test_singleton_patterns_cover_bool_and_none():
    ok('''
def f(b: bool | None) -> str:
    match b:
        case True:
            return "yes"
        case False:
            return "no"
        case None:
            return "unknown"
''')


def test_builtin_class_patterns_on_a_union():
    ok('''
def f(v: int | str) -> str:
    match v:
        case int(n):
            return str(n + 1)
        case str(s):
            return s.upper()
''')


def test_missing_member_and_wrong_field():
    assert codes(RECORDS + '''
def run(op: Op) -> int:
    match op:
        case Add(left=a, rigth=b):
            return a
        case Neg():
            return 0
''') == ["E-ATTR"]


def test_pattern_that_can_never_match():
    assert codes('''
def f(n: int) -> int:
    match n:
        case "a":
            return 1
    return 0
''') == ["E-TYPE"]


def test_bare_name_capture_before_other_cases():
    assert codes('''
RED = 1
def f(n: int) -> str:
    match n:
        case RED:
            return "red"
        case _:
            return "other"
''') == ["E-SYNTAX"]


def test_capture_is_only_assigned_in_its_case():
    assert codes('''
def f(n: int) -> int:
    match n:
        case 0:
            pass
        case k:
            pass
    return k
''') == ["E-NAME"]
