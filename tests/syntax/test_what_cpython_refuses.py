"""A Seglam program is a Python program: what CPython 3.11 refuses to compile, the parser
refuses too, with a located E-SYNTAX, and what it accepts nearby still parses. Found by a
red-team run: a file ending in a line continuation, an f-string field nested in a field in
a format spec, and a form feed in the indentation (which resets the column in Python's
tokenizer) were accepted."""

from __future__ import annotations

import pytest

import seglam
from seglam.syntax.diagnostics import CheckError

HEAD = "def main(x: int) -> int:\n"

CASES = {
    "continuation on the last line": (HEAD + "    return 1\n\\\n", 3),
    "continuation on the last line, no newline": (HEAD + "    return 1\n\\", 3),
    "continuation, then a blank line": (HEAD + "    return 1\n\\\n\n", None),
    "a field in a format spec": (HEAD + "    return len(f'{x:{x}}')\n", None),
    "a field in a field in a format spec": (HEAD + "    return len(f'{x:{x:{x}}}')\n", 2),
    "a form feed first in the indentation": (HEAD + "\f    return 1\n", None),
    "a form feed after the indentation": (HEAD + "    \freturn 1\n", 2),
    "a form feed resetting to the same level": (HEAD + "    y = 1\n    \f    return y\n", None),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_seglam_refuses_what_cpython_refuses(name: str):
    source, bad_line = CASES[name]
    try:
        compile(source, "t.py", "exec")
        cpython_ok = True
    except SyntaxError:
        cpython_ok = False
    assert cpython_ok == (bad_line is None)
    if cpython_ok:
        assert seglam.compile(source, filename="t.sgl").call("main", 1) in (1, 3)
        return
    with pytest.raises(CheckError) as error:
        seglam.compile(source, filename="t.sgl")
    diag = error.value.diagnostics[0]
    assert diag.code == "E-SYNTAX" and diag.span.line == bad_line, diag
