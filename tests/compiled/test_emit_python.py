"""What the compiled backend generates, as text (issue 19 point 2): ``Program.python_source``
and ``seglam run --emit-python`` print the Python that runs, with comments naming the
``.sgl`` line of each statement."""

from __future__ import annotations

import ast
import copy
import re
from pathlib import Path

import pytest

import seglam
from seglam.cli.main import main as cli

PROGRAMS = Path(__file__).resolve().parents[2] / "bench" / "programs"

SOURCE = """\
def fib(n: int) -> int:
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def main(n: int) -> list[int]:
    out = []
    for i in range(n):
        out.append(fib(i))
    return out
"""


def _program() -> seglam.Program:
    return seglam.compile(SOURCE, filename="fib.sgl")


def test_every_statement_line_of_the_program_is_named_and_quoted():
    text = _program().python_source()
    for number, line in enumerate(SOURCE.splitlines(), start=1):
        if line.strip():
            assert f"# fib.sgl:{number}: {line.strip()}" in text, (number, line)


def test_comments_stand_before_the_code_of_their_line():
    lines = _program().python_source().splitlines()
    at = lines.index("        # fib.sgl:4: return fib(n - 1) + fib(n - 2)")
    assert lines[at + 1].lstrip().startswith("return ") and "u_fib(h_d + 1, u_n - 1)" in lines[at + 1]


def test_one_function_only():
    text = _program().python_source("fib")
    assert re.findall(r"^\s*def (\w+)", text, re.M) == ["u_fib"]
    assert "fib.sgl:8" not in text and "u_main" not in text


def test_unknown_function_is_a_lookup_error():
    with pytest.raises(LookupError, match="no function 'nope'"):
        _program().python_source("nope")


def test_the_runtime_names_are_explained_in_a_header():
    text = _program().python_source()
    header = text.split("\n\n", 1)[0]
    used = set(re.findall(r"\bg_\d+_\w+", text.split("\n\n", 1)[1]))
    assert used and all(f"#   {name} = " in header for name in used)


@pytest.mark.parametrize("path", sorted(PROGRAMS.glob("*.sgl")), ids=lambda p: p.stem)
def test_the_text_is_exactly_the_code_that_runs(path):
    """Parsing the printed source gives back the generated tree (comments aside): what is
    printed is what runs, not a paraphrase."""
    source = path.read_text(encoding="utf-8")
    program = seglam.compile(source, filename=path.name)
    printed = ast.parse(program.python_source())
    assert _dump(printed) == _dump(program._backend("compiled").source_tree)


class _FoldNegatives(ast.NodeTransformer):
    """``-1`` is printed from a negative constant and parsed back as ``-(1)``."""

    def visit_UnaryOp(self, node):
        self.generic_visit(node)
        if isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant) and type(node.operand.value) in (int, float):
            return ast.Constant(-node.operand.value)
        return node


def _dump(tree) -> str:
    return ast.dump(_FoldNegatives().visit(copy.deepcopy(tree)))


def test_cli_emit_python(tmp_path, capsys):
    path = tmp_path / "fib.sgl"
    path.write_text(SOURCE)
    assert cli(["run", "--emit-python", str(path)]) == 0
    out = capsys.readouterr().out
    assert "def u_main(" in out and f"# {path}:10: out.append(fib(i))" in out
    compile(out, "<emitted>", "exec")  # valid Python


def test_cli_emit_python_of_a_bad_program_is_a_diagnostic(tmp_path, capsys):
    path = tmp_path / "bad.sgl"
    path.write_text("def main() -> int:\n    return 'x'\n")
    assert cli(["run", "--emit-python", str(path)]) == 2
    err = capsys.readouterr().err
    assert "bad.sgl:2:" in err and "E-" in err
