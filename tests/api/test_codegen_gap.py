"""A program the checker accepts but the compiled backend cannot compile (a gap of the
generator, found by a red-team run: `x = requires`, and 20 nested `while` loops, whose
generated Python CPython refused) is a coded, located check error from ``seglam.compile``
and every command, never a Python traceback."""

from __future__ import annotations

import subprocess
import sys

import pytest

import seglam
from seglam.run import compiled
from seglam.run.faults import Fault
from seglam.syntax.span import Span

SOURCE = "def main(n: int) -> int:\n    return n + 1\n"


def _gap(checked, filename):
    raise Fault("F-VALUE", "cannot compile this program: a gap", Span(2, 12, 2, 17), (), filename)


def test_a_generator_gap_is_a_located_check_error(monkeypatch):
    monkeypatch.setattr(compiled, "prepare", _gap)
    with pytest.raises(seglam.CheckError) as error:
        seglam.compile(SOURCE, filename="gap.sgl")
    diag = error.value.diagnostics[0]
    assert (diag.code, diag.span.line, diag.span.col, diag.filename) == ("E-UNSUPPORTED", 2, 12, "gap.sgl")
    assert "reference" in diag.hint
    assert "n + 1" in error.value.render()  # the source line under the caret


def test_the_reference_backend_still_runs_it(monkeypatch):
    monkeypatch.setattr(compiled, "prepare", _gap)
    assert seglam.compile(SOURCE, filename="gap.sgl", backend="reference").call("main", 1) == 2


@pytest.mark.parametrize("command", ["check", "run"])
def test_no_command_prints_a_traceback_for_it(tmp_path, command):
    path = tmp_path / "gap.sgl"
    path.write_text(SOURCE)
    script = ("import sys\nfrom seglam.run import compiled\nfrom seglam.run.faults import Fault\n"
              "from seglam.syntax.span import Span\n"
              "def gap(checked, filename):\n"
              "    raise Fault('F-VALUE', 'cannot compile this program: a gap', Span(2, 12, 2, 17), (), filename)\n"
              "compiled.prepare = gap\n"
              "from seglam.cli.main import main\n"
              f"sys.exit(main([{command!r}, {str(path)!r}]))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr
    assert "E-UNSUPPORTED" in done.stderr + done.stdout
    assert done.returncode in (1, 2)
