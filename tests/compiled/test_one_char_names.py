"""One-character names (:mod:`seglam.run.codegen.chars`): which reads hold one character,
the generated code that then skips the length tests, and both backends at every fuel budget
on programs using such names in comparisons, keys, str methods, ``int``, ``+`` and ``*``."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import seglam
from seglam.check import types as T
from seglam.run.codegen.chars import one_char_reads
from seglam.syntax import ast as A
from seglam.syntax.lower import parse
from seglam.run.limits import Limits
from tests.compiled.agree import outcomes
from tests.compiled.passcheck import disagreements_at_every_budget


def _char_reads(source: str, text_names: frozenset[str] = frozenset({"s", "t"})) -> list[tuple[int, str]]:
    """(line, name) of the reads one_char_reads picks in the first def of ``source``, where
    the names ``text_names`` (and only they) are typed str."""
    module = parse(source, "chars.sgl")
    fn = next(s for s in module.body if isinstance(s, A.FunctionDef))

    def type_of(node):
        return T.STR if isinstance(node, A.Name) and node.id in text_names else None

    ids = one_char_reads(fn.body, type_of, frozenset(p.name for p in fn.params), lambda name: name != "hidden")
    found = []
    stack = list(fn.body)
    while stack:
        node = stack.pop()
        if isinstance(node, A.Name) and id(node) in ids:
            found.append((node.span.line, node.id))
        stack.extend(A.iter_children(node))
    return sorted(found)


def test_the_target_of_a_loop_over_a_str_is_one_character_in_its_body():
    source = """
def f(s: str) -> int:
    n = 0
    for ch in s:
        if ch == "a" or ch.isdigit():
            n += 1
    return n
"""
    assert _char_reads(source) == [(5, "ch"), (5, "ch")]


@pytest.mark.parametrize("source", [
    # rebound in the body
    """
def f(s: str) -> int:
    for ch in s:
        ch = ch + ch
        if ch == "aa":
            return 1
    return 0
""",
    # read by a lambda (it may run after the loop) and after the loop
    """
def f(s: str) -> bool:
    ch = "xyz"
    for ch in s:
        g = lambda: ch == "a"
    return ch == "a"
""",
    # a loop over something else, and a comprehension binding the same name
    """
def f(xs: list[str], s: str) -> list[bool]:
    for ch in xs:
        ys = [ch == "a" for ch in xs]
    return [ch == "b" for ch in s for ch in xs]
""",
])
def test_no_other_read_is_one_character(source):
    assert _char_reads(source) == []


def test_a_local_every_binding_of_which_is_one_character_is_one_character_wherever_read():
    source = """
def f(s: str, t: str) -> int:
    prev = s[0]
    n = 0
    for ch in t:
        if ch != prev:
            n += 1
        prev = ch
    last = "z"
    return n + (1 if prev == last else 0)
"""
    assert _char_reads(source) == [(6, "ch"), (6, "prev"), (8, "ch"), (10, "last"), (10, "prev")]


@pytest.mark.parametrize("source", [
    """
def f(s: str) -> bool:
    key = s[0]
    if len(s) > 3:
        key = s[1:3]
    return key == "ab"
""",
    """
def f(s: str, key: str) -> bool:
    key = s[0]
    return key == "a"
""",
    """
def f(s: str) -> bool:
    key = s[0]
    key += "b"
    return key == "ab"
""",
])
def test_a_local_with_any_other_binding_is_not_one_character(source):
    assert (3, "key") not in _char_reads(source) and not [r for r in _char_reads(source) if r[0] > 3]


def test_the_targets_of_zip_and_enumerate_over_strs_are_one_character():
    source = """
def f(s: str, t: str, xs: list[str]) -> int:
    n = 0
    for i, c in enumerate(s):
        n += 1 if c == "a" and i == 0 else 0
    for a, b in zip(s, xs):
        n += 1 if a == b else 0
    for a2, b2 in hidden(s, t):
        n += 1 if a2 == b2 else 0
    return n + sum(1 for x, y in zip(s, t) if x == y)
"""
    assert _char_reads(source) == [(5, "c"), (7, "a"), (10, "x"), (10, "y")]  # not b: xs is a list


def test_a_comprehension_clause_over_a_str_is_one_character_after_it():
    source = """
def f(s: str, t: str) -> list[bool]:
    return [c == d for c in s if c != " " for d in t]
"""
    assert _char_reads(source) == [(3, "c"), (3, "c"), (3, "d")]


_PROGRAMS = {  # name -> (program, arguments of main)
    "compare and count": ("""
def main(s: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    prev = ""
    for ch in s:
        if ch != prev and ch.isalpha():
            counts[ch] = counts.get(ch, 0) + 1
        prev = ch
    return counts
""", ("abbcaZ9z",)),
    "digits": ("""
def main(s: str) -> int:
    n = 0
    out = ""
    for ch in s:
        if ch.isdigit():
            n = n * 10 + int(ch)
        else:
            out = out + ch * n + ch.upper()
            n = 0
    return n + len(out)
""", ("3a2b10c",)),
    "against long text": ("""
def main(s: str) -> int:
    t = s * 200
    n = 0
    for ch in s:
        if ch < t or t == ch:
            n += 1
    return n
""", ("ab",)),
    "items of a str": ("""
def main(s: str) -> int:
    n = 0
    seen: set[str] = set()
    for i in range(len(s) // 2):
        if s[i] == s[len(s) - 1 - i] and s[i].isalpha():
            n += int(s[-1]) if s[-1].isdigit() else 1
        seen.add(s[i] + s[i] * 3)
    return n + len(seen)
""", ("ab1xba3",)),
    "grouping by first letter": ("""
def main(words: list[str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for w in words:
        key = w[0]
        if key not in groups:
            groups[key] = []
        groups[key].append(w)
    return groups
""", (["apple", "avocado", "bean", "x" * 300, "xy"],)),
    "zip and enumerate": ("""
def main(s: str) -> int:
    t = s[::-1]
    n = sum(1 for a, b in zip(s, t) if a == b)
    for i, c in enumerate(s, 1):
        if c < "b":
            n += i
    return n
""", ("abcba",)),
    "comprehension": ("""
def main(s: str) -> int:
    seen = {c for c in s if c.lower() in "aeiou"}
    return len(seen) + len([c for c in s if c == "x"])
""", ("Axeixo",)),
}


@pytest.mark.parametrize("name", sorted(_PROGRAMS))
def test_fuel_agrees_at_every_budget(name):
    source, args = _PROGRAMS[name]
    program = seglam.compile(source, filename="chars.sgl")
    assert disagreements_at_every_budget(program, "main", args) == []


def test_the_generated_code_tests_no_length_of_a_character():
    source, _ = _PROGRAMS["digits"]
    program = seglam.compile(source, filename="chars.sgl")
    assert "len(u_ch)" not in program.python_source("main")


@settings(max_examples=30, deadline=None)
@given(text=st.text(alphabet="ab1٣ \u00e9" + "x" * 3, max_size=40) | st.just("7" * 300 + "a"),
       fuel=st.integers(0, 400), max_str_len=st.sampled_from([4, 64, 1000]))
def test_any_text_and_budget_agree_with_the_reference(text, fuel, max_str_len):
    for name in ("compare and count", "digits", "items of a str", "zip and enumerate", "comprehension"):
        source, _ = _PROGRAMS[name]
        compiled, reference = outcomes(source, "main", (text,), Limits(fuel=fuel, max_str_len=max_str_len))
        assert compiled == reference, name
