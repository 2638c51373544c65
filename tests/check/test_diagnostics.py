"""Every diagnostic code the checker emits: the code, the span and the suggested rewrite."""

from __future__ import annotations

import pytest

import seglam
from seglam.syntax.diagnostics import CheckError
from tests.check.helpers import codes, diagnostics, ok, one

# ---- names and definite assignment -----------------------------------------------------------


def test_undefined_name_suggests_a_close_one():
    d = one("""
        def f(count: int) -> int:
            return cuont + 1
        """, "E-NAME")
    assert (d.span.line, d.span.col, d.span.end_col) == (3, 12, 17)
    assert "did you mean `count`" in d.hint


def test_loop_variable_after_an_empty_loop_may_be_unbound():
    d = one("""
        def last(xs: list[int]) -> int:
            for x in xs:
                pass
            return x
        """, "E-NAME")
    assert "may be used before assignment" in d.message
    assert "loop" in d.hint


def test_variable_assigned_in_one_branch_may_be_unbound():
    d = one("""
        def f(n: int) -> int:
            if n > 0:
                sign = 1
            elif n < 0:
                sign = -1
            return sign
        """, "E-NAME")
    assert d.span.line == 7


def test_variable_assigned_on_every_branch_is_fine():
    ok("""
        def f(n: int) -> int:
            if n > 0:
                sign = 1
            else:
                sign = -1
            return sign
        """)


def test_assignment_after_break_is_not_definite():
    d = one("""
        def f(xs: list[int]) -> int:
            while True:
                if xs:
                    break
                found = 1
                break
            return found
        """, "E-NAME")
    assert d.span.line == 8


def test_comprehension_variables_do_not_leak():
    d = one("""
        def f(xs: list[int]) -> int:
            ys = [x * 2 for x in xs]
            return x
        """, "E-NAME")
    assert d.span.line == 4


def test_name_defined_later_in_the_function_is_unbound_here():
    assert codes("""
        def f() -> int:
            y = x + 1
            x = 2
            return y
        """) == ["E-NAME"]


def test_module_constant_used_before_its_definition():
    d = one("""
        A = B + 1
        B = 2
        def f() -> int:
            return A
        """, "E-NAME")
    assert d.span.line == 2


def test_nested_function_sees_variables_assigned_before_it():
    ok("""
        def outer(xs: list[int]) -> list[int]:
            scale = 3
            def times(x: int) -> int:
                return x * scale
            return [times(x) for x in xs]
        """)


# ---- returns -----------------------------------------------------------------------------------


def test_falling_off_the_end_is_e_return_at_the_function_name():
    d = one("""
        def sign(n: int) -> int:
            if n > 0:
                return 1
            elif n < 0:
                return -1
        """, "E-RETURN")
    assert (d.span.line, d.span.col) == (2, 5)
    assert "else" in d.hint


@pytest.mark.parametrize("body", [
    "    while True:\n        n += 1\n        if n > 9:\n            return n\n",
    "    if n > 0:\n        return 1\n    else:\n        return 2\n",
    "    assert False\n",
    "    match n:\n        case 0:\n            return 0\n        case _:\n            return 1\n",
])
def test_functions_that_always_return(body):
    ok("def f(n: int) -> int:\n" + body)


def test_optional_return_may_fall_off_the_end():
    ok("""
        def f(n: int) -> int | None:
            if n > 0:
                return n
        """)


def test_return_of_the_wrong_type():
    d = one("""
        def f(n: int) -> str:
            return n * 2
        """, "E-TYPE")
    assert "returns `int`" in d.message and "`str`" in d.message


def test_returning_an_optional_where_a_value_is_declared():
    d = one("""
        def f(d: dict[str, int]) -> int:
            return d.get("a")
        """, "E-OPTIONAL")
    assert "int | None" in d.hint


# ---- optional values -------------------------------------------------------------------------


def test_dict_get_without_default_is_optional():
    d = one("""
        def f(d: dict[str, int], k: str) -> int:
            v = d.get(k)
            return v + 1
        """, "E-OPTIONAL")
    assert d.span.line == 4
    assert "if v is not None" in d.hint


@pytest.mark.parametrize("guard", [
    "    if v is None:\n        return 0\n    return v + 1\n",
    "    if v is not None:\n        return v + 1\n    return 0\n",
    "    if not v:\n        return 0\n    return v + 1\n",
    "    assert v is not None\n    return v + 1\n",
    "    return v + 1 if v is not None else 0\n",
    "    return (v or 0) + 1\n",
    "    if isinstance(v, int):\n        return v + 1\n    return 0\n",
])
def test_optional_narrowing_forms(guard):
    ok("def f(d: dict[str, int], k: str) -> int:\n    v = d.get(k)\n" + guard)


def test_narrowing_continue_in_a_loop():
    ok("""
        def f(xs: list[str]) -> int:
            total = 0
            for s in xs:
                v = parse_int(s)
                if v is None:
                    continue
                total += v
            return total
        """)


def test_attribute_of_an_optional_record():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Node:
            value: int
            next: "Node | None"

        def second(n: Node) -> int:
            return n.next.value
        """, "E-OPTIONAL")
    assert "n.next" in d.message


def test_narrowed_record_field_path():
    ok("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class Node:
            value: int
            next: "Node | None"

        def second(n: Node) -> int:
            if n.next is not None:
                return n.next.value
            return 0
        """)


# ---- types -------------------------------------------------------------------------------------


def test_str_plus_int_suggests_conversion():
    d = one("""
        def f(n: int) -> str:
            return "count: " + n
        """, "E-TYPE")
    assert "str(x)" in d.hint or "f-string" in d.hint


def test_is_with_a_literal_suggests_equality():
    d = one("""
        def f(x: int) -> bool:
            return x is 1
        """, "E-TYPE")
    assert "==" in d.hint


def test_wrong_argument_type_points_at_the_argument():
    d = one("""
        def double(n: int) -> int:
            return n * 2

        def f() -> int:
            return double("3")
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (6, 19)


def test_appending_the_wrong_type_to_an_annotated_list():
    assert codes("""
        def f() -> list[int]:
            xs: list[int] = []
            xs.append("a")
            return xs
        """) == ["E-TYPE"]


def test_records_are_not_ordered_without_order_true():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class P:
            x: int

        def f(ps: list[P]) -> list[P]:
            return sorted(ps)
        """, "E-TYPE")
    assert "key=" in d.hint


def test_unhashable_set_element():
    d = one("""
        def f() -> int:
            s = {[1, 2]}
            return len(s)
        """, "E-TYPE")
    assert "tuple" in d.hint


def test_lambda_parameters_are_typed_from_the_call():
    d = one("""
        def f(words: list[str]) -> list[str]:
            return sorted(words, key=lambda w: w + 1)
        """, "E-TYPE")
    assert d.span.line == 3


def test_attribute_typo_on_a_record():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class P:
            name: str

        def f(p: P) -> str:
            return p.nmae
        """, "E-ATTR")
    assert "did you mean `name`" in d.hint


def test_str_format_suggests_an_fstring():
    d = one("""
        def f(n: int) -> str:
            return "{}".format(n)
        """, "E-ATTR")
    assert "f-string" in d.hint


def test_wrong_number_of_arguments():
    assert codes("""
        def add(a: int, b: int) -> int:
            return a + b

        def f() -> int:
            return add(1)
        """) == ["E-ARGS"]


def test_unknown_keyword_argument():
    d = one("""
        def add(a: int, b: int) -> int:
            return a + b

        def f() -> int:
            return add(1, c=2)
        """, "E-ARGS")
    assert "did you mean `b`" in d.hint


# ---- annotations -------------------------------------------------------------------------------


def test_missing_parameter_annotation():
    d = one("""
        def f(x) -> int:
            return 1
        """, "E-ANNOTATION")
    assert "x: int" in d.hint


def test_missing_return_annotation():
    d = one("""
        def f(x: int):
            return x
        """, "E-ANNOTATION")
    assert "-> None" in d.hint


def test_bad_annotation():
    d = one("""
        from typing import Any
        def f(x: list) -> int:
            return 1
        """, "E-IMPORT") if False else None
    found = diagnostics("""
        def f(x: list) -> int:
            return 1
        """)
    assert [x.code for x in found] == ["E-BAD-TYPE"]
    assert "list[int]" in found[0].hint


def test_any_is_not_a_type():
    assert "E-BAD-TYPE" in codes("""
        def f(x: object) -> int:
            return 1
        """)


# ---- frozen values -----------------------------------------------------------------------------


@pytest.mark.parametrize("body", ["xs.append(1)", "xs.sort()", "xs[0] = 1", "xs += [1]", "xs[0] += 1"])
def test_mutating_a_parameter(body):
    d = one(f"""
        def f(xs: list[int]) -> int:
            {body}
            return len(xs)
        """, "E-FROZEN")
    assert d.hint == "arguments are frozen: copy first: `xs = list(xs)`"


def test_a_none_function_changing_its_argument_is_told_how_the_change_gets_back():
    """A `-> None` function that changes an argument (a DFS's `visited`) exists for that
    change: copying it first (the general hint) checks, and the caller silently gets nothing
    back. The hint says to return the updated value or to use a nested function over the
    caller's local. Found by a red-team run (RT-11)."""
    d = one("""
        def dfs(graph: dict[str, list[str]], node: str, visited: set[str]) -> None:
            visited.add(node)
            for nxt in graph[node]:
                if nxt not in visited:
                    dfs(graph, nxt, visited)
        """, "E-FROZEN")
    assert "a copy would be lost when `dfs` returns" in d.hint and "`return visited`" in d.hint
    assert "nested function" in d.hint


def test_copying_a_parameter_makes_it_mutable():
    ok("""
        def f(xs: list[int]) -> list[int]:
            xs = list(xs)
            xs.append(1)
            xs.sort()
            return xs
        """)


def test_mutating_a_module_constant():
    d = one("""
        NAMES = ["a"]
        def f() -> int:
            NAMES.append("b")
            return len(NAMES)
        """, "E-FROZEN")
    assert "names = list(NAMES)" in d.hint


def test_mutating_a_nested_part_of_a_parameter():
    assert codes("""
        def f(grid: list[list[int]]) -> int:
            grid[0].append(1)
            return 0
        """) == ["E-FROZEN"]


def test_assigning_a_record_field():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class P:
            x: int

        def f(p: P) -> P:
            p.x = 3
            return p
        """, "E-FROZEN")
    assert "dataclasses.replace(p, x=...)" in d.hint


def test_local_collections_are_mutable():
    ok("""
        def f(xs: list[int]) -> dict[int, list[int]]:
            out: dict[int, list[int]] = {}
            for x in xs:
                out.setdefault(x % 3, []).append(x)
            for k in out:
                out[k].sort()
            return out
        """)


# ---- match -------------------------------------------------------------------------------------


def test_non_exhaustive_enum_match():
    d = one("""
        from enum import Enum

        class Color(Enum):
            RED = 1
            GREEN = 2
            BLUE = 3

        def f(c: Color) -> str:
            match c:
                case Color.RED:
                    return "r"
                case Color.GREEN:
                    return "g"
        """, "E-MATCH")
    assert "Color.BLUE" in d.message and "case Color.BLUE:" in d.hint


def test_non_exhaustive_union_of_records():
    d = one("""
        from dataclasses import dataclass

        @dataclass(frozen=True)
        class A:
            x: int

        @dataclass(frozen=True)
        class B:
            y: int

        def f(v: A | B) -> int:
            match v:
                case A(x=x):
                    return x
        """, "E-MATCH")
    assert "B()" in d.message


def test_non_exhaustive_optional_match():
    assert codes("""
        def f(v: int | None) -> int:
            match v:
                case None:
                    return 0
        """) == ["E-MATCH"]


def test_guarded_case_does_not_count_for_exhaustiveness():
    assert codes("""
        def f(b: bool) -> int:
            match b:
                case True:
                    return 1
                case False if 1 > 2:
                    return 0
        """) == ["E-MATCH"]


def test_match_on_int_without_wildcard_is_allowed():
    ok("""
        def f(n: int) -> str:
            match n:
                case 0:
                    return "zero"
                case 1 | 2:
                    return "small"
            return "big"
        """)


# ---- syntax-like errors the checker finds -------------------------------------------------------


def test_break_outside_loop():
    assert codes("""
        def f() -> None:
            break
        """) == ["E-SYNTAX"]


def test_return_outside_function():
    assert codes("return 1\n") == ["E-SYNTAX"]


# ---- regular expressions ----------------------------------------------------------------------


@pytest.mark.parametrize("pattern", [r'r"(a)\1"', r'r"(?=a)b"', r'r"(?<!a)b"', r'"["'])
def test_invalid_literal_regex(pattern):
    d = one(f"""
        import re
        def f(s: str) -> bool:
            return re.search({pattern}, s) is not None
        """, "E-REGEX")
    assert d.span.line == 4
    assert "RE2" in d.hint


# ---- lambdas ----------------------------------------------------------------------------------


@pytest.mark.parametrize("assign, call, col", [
    ("fact = lambda n: 1 if n <= 1 else n * fact(n - 1)", "fact(5)", 43),
    ("fact = lambda n, k=1: k if n <= 1 else fact(n - 1, k * n)", "fact(5)", 44),
])
def test_lambda_calling_itself_is_reported_at_the_inner_call(assign, call, col):
    """Not E-NESTING at 1:1 (the checker typed the body at each call, forever)."""
    d = one(f"""
        def f() -> int:
            {assign}
            return {call}
        """, "E-TYPE")
    assert (d.span.line, d.span.col) == (3, col)
    assert "nested `def`" in d.hint


# ---- date formats (H-11) ------------------------------------------------------------------------


@pytest.mark.parametrize("call, col, directive", [
    ('d.strftime("%Y %c")', 23, "%c"),
    ('format(d, "%F")', 22, "%F"),
    ('d.strftime("%-d")', 23, "%-"),
])
def test_literal_date_format_with_a_host_directive(call, col, directive):
    """Rejected at the literal, with the portable directives in the hint (SPEC section 9)."""
    d = one(f"""
        from datetime import date
        def f(d: date) -> str:
            return {call}
        """, "E-DATE-FORMAT")
    assert (d.span.line, d.span.col) == (4, col)
    assert f"'{directive}'" in d.message
    assert "%a %A %b %B %d %f %G %H %I %j %m %M %p %S %u %U %V %w %W %y %Y %%" in d.hint


def test_computed_date_format_is_left_to_the_run():
    ok("""
        from datetime import date
        def f(d: date, fmt: str) -> str:
            return d.strftime(fmt) + f"{d:{fmt}}" + format(d, fmt) + f"{d:%Y-%m-%d}"
        """)


def test_findall_with_groups_gives_tuples():
    ok("""
        import re
        def f(s: str) -> list[tuple[str, str]]:
            return re.findall(r"(\\w+)=(\\w+)", s)
        """)


# ---- contracts ---------------------------------------------------------------------------------


def test_requires_lambda_must_name_parameters():
    d = one("""
        @requires(lambda y: y > 0)
        def f(x: int) -> int:
            return x
        """, "E-CONTRACT")
    assert "`y` is not a parameter of `f`" in d.message


def test_requires_body_must_be_bool():
    d = one("""
        @requires(lambda xs: len(xs))
        def f(xs: list[int]) -> int:
            return xs[0]
        """, "E-CONTRACT")
    assert "len(xs) > 0" in d.hint


def test_ensures_sees_result():
    ok("""
        @ensures(lambda x, result: result >= x)
        def f(x: int) -> int:
            return x + 1
        """)


def test_property_must_return_bool():
    assert codes("""
        def prop_x(n: int) -> int:
            return n
        """) == ["E-CONTRACT"]


def test_requires_called_as_a_function():
    assert "E-CONTRACT" in codes("""
        def f(x: int) -> int:
            requires(x > 0)
            return x
        """)


# ---- module level ------------------------------------------------------------------------------


def test_module_constant_cannot_call_a_user_function():
    assert codes("""
        def build() -> list[int]:
            return [1]

        TABLE = build()
        """) == ["E-CONSTANT"]


def test_examples_may_call_user_functions():
    cm = ok("""
        def double(n: int) -> int:
            return n * 2

        assert double(2) == 4
        """)
    assert len(cm.examples) == 1


def test_function_defined_twice():
    assert codes("""
        def f() -> int:
            return 1

        def f() -> int:
            return 2
        """) == ["E-REDEFINED"]


def test_all_errors_are_reported():
    found = codes("""
        import os

        def f(xs: list[int]) -> int:
            print(xs)
            xs.append(1)
            return undefined_name
        """)
    assert found == ["E-IMPORT", "E-IO", "E-FROZEN", "E-NAME"]


@pytest.mark.parametrize("source, code, hint", [
    ("import math\n\ndef f(xs: list[float]) -> float:\n    return math.random()\n", "E-ATTR", "Seglam is deterministic"),
    ("import math\n\ndef f(x: float) -> float:\n    return math.sqr(x)\n", "E-ATTR", "did you mean `math.sqrt`?"),
    ("import math\n\ndef f(x: float) -> float:\n    return math.frexp(x)[0]\n", "E-ATTR", "`math` in Seglam has `acos`"),
    ("from itertools import chian\n\ndef f() -> int:\n    return 1\n", "E-IMPORT", "did you mean `itertools.chain`?"),
    ("import itertools\n\ndef f() -> list[int]:\n    return list(itertools.repeat(1, 3))\n", "E-ATTR", "use `[x] * n`"),
])
def test_a_module_member_seglam_lacks_gets_a_hint(source, code, hint):
    """A missing module member is told the written hint, else the closest name the module
    has, else what it has; it had no hint (a red-team run, RT-16)."""
    with pytest.raises(CheckError) as info:
        seglam.compile(source, "f.sgl")
    (d,) = [d for d in info.value.diagnostics if d.code == code]
    assert d.hint is not None and hint in d.hint, d.hint


@pytest.mark.parametrize("body", ["N += 1", "N = N + 1"])
def test_assigning_a_module_constant_in_a_function_is_e_global_with_a_hint_that_checks(body):
    """A function that assigns a module constant makes the name its own, unbound where it is
    read: E-GLOBAL saying so, where E-NAME's hint (give it a value first) changed nothing; the
    hinted rewrite checks. Found with the red-team run's RT-12."""
    source = f"N = 5\n\ndef f() -> int:\n    {body}\n    return N\n"
    with pytest.raises(CheckError) as info:
        seglam.compile(source, "f.sgl")
    (d,) = info.value.diagnostics
    assert (d.code, d.span.line) == ("E-GLOBAL", 4) and "module constant `N`" in d.message
    assert "`n = N` first" in d.hint
    seglam.compile("N = 5\n\ndef f() -> int:\n    n = N\n    " + body.replace("N", "n") + "\n    return n\n", "f.sgl")
