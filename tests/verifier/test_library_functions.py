"""The standard library's functions are verified when it ships, not again in every program
that imports them (seglam/verifier/library.py): their own obligations leave the report, the
program's calls of them stay, and a module that is not the shipped library is verified like
the program's own code. Found by a black-box run of model-written families (V-13): a
family importing ``dates`` had 176 obligations, 122 of them the module's."""

from __future__ import annotations

import json

import seglam
from seglam.cli.main import main
from seglam.verifier import verify

USES_TEXT = '''from text import number


def count(s: str) -> int:
    n = number(s)
    if n is None:
        return 0
    return n + 1


assert count("seven") == 8
'''

# days_in_month requires 1 <= month <= 12; this caller passes any month
MISUSES_DATES = '''from dates import days_in_month


def days(year: int, month: int) -> int:
    return days_in_month(year, month)


assert days(2024, 2) == 29
'''

OWN_MODULE = '''def half(n: int) -> int:
    return n // 2 + [0][n]
'''

USES_OWN = '''from mine import half


def twice(n: int) -> int:
    return half(n) * 2


assert twice(0) == 0
'''


def test_the_librarys_own_obligations_leave_the_report_and_the_program_keeps_its_own():
    report = verify(USES_TEXT, max_examples=10)
    assert report.library == ("text",)
    functions = {r.function for r in report.results}
    assert "count" in functions and not any(f and f.startswith("text.") for f in functions), functions
    assert report.ok and report.admissible, report.render()
    assert "standard library: text" in report.render()
    assert json.loads(report.json_text())["library"] == ["text"]


def test_a_call_that_breaks_the_librarys_precondition_is_still_refuted_in_the_caller():
    report = verify(MISUSES_DATES, max_examples=20)
    assert report.library == ("dates",)
    failed = [r for r in report.results if r.failed]
    assert failed and all(r.function == "days" for r in failed), report.render()


def test_a_module_that_is_not_the_shipped_library_is_verified_like_the_programs_own_code():
    program = seglam.compile(USES_OWN, filename="uses_own.sgl", modules={"mine": OWN_MODULE})
    report = verify(program, max_examples=20)
    assert report.library == ()
    # half faults (F-INDEX) for every n but 0: found in the module's function or its caller
    assert not report.ok, report.render()
    assert "mine.half" in {r.function for r in report.results}


def test_the_command_line_says_which_modules_it_left_out(tmp_path, capsys):
    path = tmp_path / "count.sgl"
    path.write_text(USES_TEXT, encoding="utf-8")
    assert main(["verify", "--no-z3", "--max-examples", "5", str(path)]) in (0, 3)
    out = capsys.readouterr().out
    assert "standard library: text (verified when it ships" in out
    assert "text.number()" not in out
