"""Fuzzing the front end: any input ends in a syntax tree or a CheckError, never a Python
exception; and the subset property holds: whatever we accept, CPython accepts too."""

import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import seglam
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.lower import parse

ROOT = Path(__file__).resolve().parents[2]

SEEDS = [
    "def f(xs: list[int], k: int = 2) -> int:\n    total = 0\n    for i, x in enumerate(xs):\n        if x % k == 0 and i:\n            total += x ** 2\n    return total\n",
    "from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass P:\n    x: int\n    y: int = 0\n\ndef g(p: P) -> str:\n    match p:\n        case P(x=0):\n            return f'{p.y:>3}'\n        case _:\n            return 'no'\n",
    "def h(s: str) -> dict[str, int]:\n    counts = {}\n    for w in s.split():\n        counts[w] = counts.get(w, 0) + 1\n    return {k: v for k, v in sorted(counts.items(), key=lambda kv: -kv[1])}\n",
    "@requires(lambda n: n >= 0)\ndef fact(n: int) -> int:\n    return 1 if n <= 1 else n * fact(n - 1)\n\nassert fact(5) == 120\n",
]


def _family_sources() -> list[str]:
    return [p.read_text() for p in sorted((ROOT / "stdlib" / "families").glob("*.sgl"))][:8]


def _accepts(source: str) -> bool:
    try:
        parse(source, "fuzz.sgl")
    except CheckError as error:
        for d in error.diagnostics:
            assert d.code.startswith("E-") and d.span.line >= 0
        return False
    return True


def _python_accepts(source: str) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(source, "<fuzz>", "exec")
        except (SyntaxError, ValueError, MemoryError, RecursionError):
            return False
    return True


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_random_text_never_raises(text):
    _accepts(text)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.binary(max_size=200))
def test_random_bytes_never_raise(data):
    _accepts(data.decode("utf-8", errors="replace"))


_PIECES = ["(", ")", "[", "]", "{", "}", ":", ",", "=", "\n", "    ", "lambda", "*", "**", "'", '"', "f'{", "}'",
           "match", "case", "if", "else", "for", "in", "not", "is", "->", "@", "def", "return", ".", "_", "#", "\\", "0x", "1e", "j"]


@st.composite
def mutated_programs(draw):
    source = draw(st.sampled_from(SEEDS + _family_sources()))
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(source)))
        action = draw(st.sampled_from(["insert", "delete", "duplicate"]))
        if action == "insert":
            source = source[:position] + draw(st.sampled_from(_PIECES)) + source[position:]
        elif action == "delete":
            source = source[:position] + source[position + draw(st.integers(1, 8)):]
        else:
            source = source[:position] + source[position: position + 12] + source[position:]
    return source


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(mutated_programs())
def test_mutated_programs_never_raise_and_stay_inside_python(source):
    if _accepts(source):
        assert _python_accepts(source), "accepted a program that CPython rejects:\n" + source


@pytest.mark.parametrize("source", [
    "x = " + "(" * 5000 + "1" + ")" * 5000 + "\n",
    "x = " + "[" * 5000 + "]" * 5000 + "\n",
    "x = " + "-" * 20000 + "1\n",
    "x = " + "not " * 20000 + "True\n",
    "x = " + " + ".join(["1"] * 20000) + "\n",
    "x = " + "a." * 20000 + "b\n",
    "x = f" + "(" * 3000 + ")" * 3000 + "\n",
    "".join("    " * i + "if x:\n" for i in range(200)) + "    " * 200 + "pass\n",
    "x = 1" + "0" * 100000 + "\n",
    "s = '" + "a" * 100000 + "'\n",
    "x = [" + "1," * 50000 + "]\n",
    "\x00",
    "def f():\n\treturn 1\n        return 2\n",
], ids=lambda source: f"{len(source)}-chars-{source[:12]!r}")  # the id, not the whole program, in reports
def test_hostile_shapes_end_in_a_diagnostic_or_a_tree(source):
    _accepts(source)


ESCAPE_PIECES = st.sampled_from(["\\u", "\\U", "\\x", "\\N{", "\\N{LATIN SMALL LETTER E}", "}", "0", "f", "F",
                                 "1", "10FFFF", "g", "a", "\\\\", "\\n", "\\", "é", "{", "{1}", " "])


@settings(max_examples=300, deadline=None)
@given(body=st.lists(ESCAPE_PIECES, max_size=8).map("".join), prefix=st.sampled_from(["", "f", "r", "rf"]))
@example(body="{f}", prefix="f")  # found by a full run: a field naming an undefined name
@example(body="\\{1}", prefix="f")  # found by a full run: a backslash before a field is kept, as in CPython
@example(body="a\\\\\\{1}", prefix="f")  # an odd run of backslashes before a field
def test_escapes_decode_as_cpython_does_or_are_a_located_syntax_error(body, prefix):
    """A string literal with any mix of escapes (and, in f-strings, fields): what CPython
    accepts gives the same string here on both backends; what CPython refuses (a truncated
    \\u, an unknown \\N{name}...) is E-SYNTAX with a location, never a traceback."""
    if body.endswith("\\") and not body.endswith("\\\\"):
        body += "\\\\"  # a lone final backslash would escape the closing quote: another token
    source = f'def main() -> str:\n    return {prefix}"{body}"\n'
    py_ok = _python_accepts(source)
    try:
        program = seglam.compile(source, filename="esc.sgl")
    except CheckError as error:
        if py_ok and {d.code for d in error.diagnostics} == {"E-NAME"}:
            # an f-string field naming an undefined name (`f"{f}"`): CPython compiles it and
            # fails when it runs; Seglam says so at check time
            with pytest.raises(NameError):
                _run_main(source)
            return
        assert not py_ok, (source, error.diagnostics)
        assert all(d.code.startswith("E-") and d.span.line == 2 for d in error.diagnostics)
        return
    assert py_ok, source
    expected = _run_main(source)
    for backend in ("compiled", "reference"):
        assert program.run("main", backend=backend).value == expected, (source, backend)


def _run_main(source: str) -> object:
    namespace: dict = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        exec(compile(source, "esc.py", "exec"), namespace)  # noqa: S102 - a string literal only
    return namespace["main"]()


@pytest.mark.parametrize("literal, reason", [
    ('"\\uff"', "truncated \\uXXXX escape"),
    ('f"a\\uff{1}"', "truncated \\uXXXX escape"),
    ('"\\N{NO SUCH NAME}"', "unknown Unicode character name"),
    ('"\\x4"', "truncated \\xXX escape"),
    ("'\\U00110000'", "illegal Unicode character"),
])
def test_a_bad_escape_is_a_located_syntax_error(literal, reason):
    with pytest.raises(CheckError) as caught:
        parse(f"x = {literal}\n", "bad.sgl")
    (d,) = caught.value.diagnostics
    assert (d.code, d.span.line, d.span.col) == ("E-SYNTAX", 1, 5)
    assert d.message == f"invalid escape in a string literal: {reason}" and "\\uXXXX" in d.hint
