"""The grammar itself: conflict-free LALR(1), and every accepted program is valid Python."""

import ast as pyast

import pytest

from seglam.syntax.diagnostics import CheckError
from seglam.syntax import ast as A
from seglam.syntax.lower import parse
from seglam.syntax.parser import build_strict


def test_grammar_builds_in_strict_mode():
    # Strict mode fails on any shift/reduce or reduce/reduce conflict and on colliding terminals.
    build_strict()


ACCEPTED = [
    "x = 1\n",
    "def f(a: int, /, b: int = 2, *, c: bool = False) -> int:\n    return a + b\n",
    "xs = [a * b for a in range(3) for b in range(3) if a != b]\n",
    "d = {k: v for k, v in zip('ab', (1, 2))}\n",
    "s = f'{1 + 2:>{3}} {\"q\"!r} {{}}'\n",
    "match = 1\nmatch += 2\n",
    "def f(x: int) -> int:\n    match x:\n        case 0 | 1:\n            return 1\n        case _:\n            return x\n",
    "def f(p: object) -> int:\n    match p:\n        case [1, *rest]:\n            return 1\n        case {'a': 1, **kw}:\n            return 2\n        case Point(x=0, y=yy) if yy:\n            return 3\n    return 0\n",
    "case = 3\nprint(case)\n",
    "if (n := 10) > 5:\n    pass\n",
    "a, *b = [1, 2, 3]\n",
    "x = 1 if True else 2\n",
    "y = lambda a, b=1: a + b\n",
    "z = not 1 < 2 <= 3 is not None\n",
    "w = -2 ** -1\n",
    "v = [1,\n     2,  # a comment inside brackets\n     3]\n",
    "# only a comment",
    "@dataclass(frozen=True)\nclass P:\n    x: int\n    y: int = 0\n",
    "t = x[1:2, ::3]\n",
    "s = 'a' 'b' \"c\"\n",
    "n = 0x_ff + 0o7 + 0b1 + 1_000 + 1.5e-3\n",
    "if x:\n    pass\nelif y:\n    pass\nelse:\n    pass\n",
    "for i in range(3):\n    continue\nelse:\n    pass\n",
    "while False:\n    break\n",
    "def f():\n    '''doc'''\n    return\n",
]


@pytest.mark.parametrize("source", ACCEPTED)
def test_accepted_programs_are_valid_python(source):
    parse(source)
    compile(source, "<test>", "exec")


REJECTED = [
    "x = \n",
    "def f(:\n    pass\n",
    "if x\n    pass\n",
    "  x = 1\n",
    "def f():\nreturn 1\n",
    "f() = 3\n",
    "x + 1 = 3\n",
    "f(a=1, 2)\n",
    "f(a=1, a=2)\n",
    "def f(a=1, b):\n    pass\n",
    "def f(a, a):\n    pass\n",
    "x = *a\n",
    "a, *b, *c = d\n",
    "x = (1 +\n",
    "x = 'unclosed\n",
    "x = $\n",
    "if x:\n        a = 1\n    b = 2\n",
    "lambda: (yield)\n" if False else "x = 1 +* 2\n",
    "match x:\n    case 1:\n    pass\n",
]


@pytest.mark.parametrize("source", REJECTED)
def test_invalid_python_is_a_syntax_diagnostic(source):
    with pytest.raises(CheckError) as info:
        parse(source, "bad.sgl")
    (diag, *_) = info.value.diagnostics
    assert diag.code in ("E-SYNTAX", "E-NESTING")
    assert diag.filename == "bad.sgl"
    assert diag.span.line >= 1 and diag.span.col >= 1
    with pytest.raises(SyntaxError):
        compile(source, "<test>", "exec")


def test_syntax_error_points_at_the_token_with_a_caret():
    source = "def f(x: int) -> int:\n    return x +\n"
    with pytest.raises(CheckError) as info:
        parse(source, "f.sgl")
    text = info.value.render()
    assert text.startswith("f.sgl:2:")
    assert "E-SYNTAX" in text
    assert "^" in text


def test_positions_are_one_based_and_exact():
    module = parse("x = 1\ny = foo(bar)\n")
    call = module.body[1].value
    assert isinstance(call, A.Call)
    assert (call.span.line, call.span.col, call.span.end_col) == (2, 5, 13)
    assert (call.args[0].span.col, call.args[0].span.end_col) == (9, 12)


def test_fstring_fields_have_positions_in_the_file():
    module = parse("s = f'ab{value + 1}'\n")
    joined = module.body[0].value
    field = joined.values[1]
    assert isinstance(field.value, A.BinOp)
    assert field.value.left.span.col == 10


def test_soft_keywords_match_python():
    module = parse("match = [1]\nmatch[0]\ncase = match\n")
    assert all(not isinstance(s, A.Match) for s in module.body)
    module = parse("def f(x: int) -> int:\n    match (x):\n        case 1:\n            return 1\n    return 0\n")
    assert isinstance(module.body[0].body[0], A.Match)


@pytest.mark.parametrize("source,kind", [
    ("try:\n    x = 1\nexcept Exception:\n    pass\n", "try"),
    ("with open('f') as h:\n    pass\n", "with"),
    ("global x\n", "global"),
    ("del x\n", "del"),
    ("raise ValueError('x')\n", "raise"),
])
def test_unsupported_python_still_parses_for_a_better_diagnostic(source, kind):
    module = parse(source)
    assert isinstance(module.body[0], A.Unsupported) and module.body[0].kind == kind


def test_literal_values_match_python():
    source = "a = 0x1F\nb = 1_000\nc = 1.5e3\nd = 'a\\tb'\ne = r'\\d'\nf = '''x\ny'''\ng = 'a' 'b'\n"
    module = parse(source)
    values = [s.value.value for s in module.body]
    expected = [pyast.literal_eval(line.split(" = ", 1)[1]) for line in ["a = 0x1F", "b = 1_000", "c = 1.5e3", "d = 'a\\tb'", "e = r'\\d'", "f = '''x\ny'''", "g = 'a' 'b'"]]
    assert values == expected


@pytest.mark.parametrize("source, line, col", [
    ("def main(n: int) -> int:\n    x = n\n      y = 2\n    return x + y\n", 3, 7),
    ("def main(n: int) -> int:\n    x = n  # note\n\n    # a comment\n        y = 2\n    return x\n", 5, 9),
    ("x = 1\n  y = 2\n", 2, 3),
])
def test_an_unexpected_indent_points_at_the_indented_line(source, line, col):
    """The caret is on the line indented too far, at its first character, with a hint about
    the indentation; it was at the end of the line above (the position of the line break
    the indentation token borrows). Found by a red-team run (RT-13)."""
    with pytest.raises(CheckError) as info:
        parse(source, "f.sgl")
    diag = info.value.diagnostics[0]
    assert (diag.code, diag.message) == ("E-SYNTAX", "unexpected indent")
    assert (diag.span.line, diag.span.col) == (line, col)
    assert "indented more than the one before it" in diag.hint
