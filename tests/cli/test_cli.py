"""The `seglam` command: check, run, --version, --help."""

import json
import subprocess
import sys

import pytest

from seglam.cli.main import main

GOOD = "def main(n: int = 3) -> list[int]:\n    return [i * i for i in range(n)]\n\ndef greet(name: str) -> str:\n    return 'hi ' + name\n"
BAD = "import os\n\ndef main() -> int:\n    return 'x'\n"


@pytest.fixture
def files(tmp_path):
    good = tmp_path / "good.sgl"
    good.write_text(GOOD)
    bad = tmp_path / "bad.sgl"
    bad.write_text(BAD)
    return good, bad


def test_check_ok(files, capsys):
    good, _ = files
    assert main(["check", str(good)]) == 0
    assert "ok" in capsys.readouterr().out


def test_check_reports_every_error_with_caret_and_code(files, capsys):
    _, bad = files
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:1:" in out and "E-IMPORT" in out and "^" in out
    assert f"{bad}:4:" in out and "E-TYPE" in out


def test_check_json(files, capsys):
    good, bad = files
    assert main(["check", "--json", str(good), str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [d["ok"] for d in data] == [True, False]
    assert {d["code"] for d in data[1]["diagnostics"]} >= {"E-IMPORT", "E-TYPE"}


def test_check_missing_file_is_a_usage_error(tmp_path, capsys):
    assert main(["check", str(tmp_path / "nope.sgl")]) == 2


def test_run_default_main_and_arguments(files, capsys):
    good, _ = files
    assert main(["run", str(good)]) == 0
    assert capsys.readouterr().out.strip() == "[0, 1, 4]"
    assert main(["run", str(good), "n=4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == [0, 1, 4, 9]
    assert main(["run", str(good), "--call", "greet", "name=bob"]) == 0
    assert capsys.readouterr().out.strip() == "hi bob"


def test_run_fault_exit_code(tmp_path, capsys):
    path = tmp_path / "div.sgl"
    path.write_text("def main(n: int) -> int:\n    return 1 // n\n")
    assert main(["run", str(path), "0"]) == 1
    err = capsys.readouterr().err
    assert "F-ZERO-DIV" in err and f"{path}:2:" in err
    assert main(["run", str(path), "0", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["fault"]["code"] == "F-ZERO-DIV"


def test_a_deep_fault_prints_a_repeated_call_three_times_then_counts_the_rest(tmp_path, capsys):
    """A recursion that hits the depth limit printed one line per call (30,000 lines at
    --max-depth 30000, found by a red-team run); runs of one call line are collapsed as
    CPython's tracebacks collapse them, and --json keeps the whole trace."""
    path = tmp_path / "down.sgl"
    path.write_text("def down(n: int) -> int:\n    if n == 0:\n        return 0\n    return 1 + down(n - 1)\n\n"
                    "def main(n: int) -> int:\n    return down(n)\n")
    assert main(["run", str(path), "500", "--max-depth", "50"]) == 1
    lines = capsys.readouterr().err.splitlines()
    calls = [line for line in lines if line.startswith("  in down")]
    assert calls[0].endswith(":7:12)") and calls[1:] == [f"  in down ({path}:4:16)"] * 3
    assert lines[-1] == "  [the line above repeated 45 more times]"  # main, down from main, 48 from down
    assert main(["run", str(path), "500", "--max-depth", "50", "--json"]) == 1
    assert len(json.loads(capsys.readouterr().out)["fault"]["trace"]) == 50


def test_run_fuel_flag(tmp_path, capsys):
    path = tmp_path / "loop.sgl"
    path.write_text("def main() -> int:\n    n = 0\n    while True:\n        n += 1\n")
    assert main(["run", str(path), "--fuel", "1000"]) == 1
    assert "F-FUEL" in capsys.readouterr().err


def test_run_check_error_and_unknown_function(files, capsys):
    good, bad = files
    assert main(["run", str(bad)]) == 2
    assert main(["run", str(good), "--call", "nope"]) == 2


def test_version_and_help():
    out = subprocess.run([sys.executable, "-m", "seglam.cli.main", "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("seglam ")
    out = subprocess.run([sys.executable, "-m", "seglam.cli.main", "--help"], capture_output=True, text=True)
    assert out.returncode == 0
    for command in ("check", "run", "verify", "cache", "ask"):
        assert command in out.stdout


def test_cold_start_does_not_import_heavy_modules(tmp_path):
    path = tmp_path / "one.sgl"
    path.write_text("def main() -> int:\n    return 1\n")
    code = (
        "import sys\nfrom seglam.cli.main import main\nrc = main(['run', sys.argv[1]])\n"
        "print(sorted(m for m in ('z3', 'openai', 'hypothesis', 'lmdb', 'seglam.verifier', 'seglam.engine',\n"
        "                          'seglam.cache') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "[]"]
