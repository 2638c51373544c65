"""Bad input to `seglam check` / `seglam run` gets a clear one-line error and an exit code,
never a traceback (issue 20, point 3)."""

import json
import os

import pytest

from seglam.cli.main import main
from seglam.program import SourceFileError, read_source
from seglam.syntax.intdigits import int_to_text
from seglam.syntax.jsontext import loads

PROGRAM = (
    "def half(x: float) -> float:\n    return x / 2\n\n"
    "def total(xs: list[float], y: float | None) -> float:\n    return sum(xs)\n\n"
    "def surrogate() -> str:\n    return \"\\ud800\"\n\n"
    "def ident(x: int) -> int:\n    return x\n\n"
    "def size(xs: list[int]) -> int:\n    return len(xs)\n"
)


@pytest.fixture
def prog(tmp_path):
    path = tmp_path / "p.sgl"
    path.write_text(PROGRAM)
    return str(path)


def test_a_lone_surrogate_result_is_printed_as_a_literal(prog, capsys):
    assert main(["run", prog, "--call", "surrogate"]) == 0
    out, err = capsys.readouterr()
    assert out == "'\\ud800'\n" and err == ""


def test_a_lone_surrogate_result_is_a_json_escape(prog, capsys):
    assert main(["run", prog, "--call", "surrogate", "--json"]) == 0
    out = capsys.readouterr().out
    assert '"\\ud800"' in out
    assert json.loads(out)["value"] == "\ud800"
    out.encode("utf-8")  # the text is encodable: nothing was lost on the way out


def test_a_deeply_nested_json_argument_is_refused(prog, capsys):
    arg = "[" * 10_000 + "]" * 10_000
    assert main(["run", prog, "--call", "size", arg]) == 2
    err = capsys.readouterr().err
    assert "nests 10000 levels deep; at most 200" in err and "Traceback" not in err


def test_a_5000_digit_int_argument_is_accepted(prog, capsys):
    digits = "7" * 5000
    assert main(["run", prog, "--call", "ident", digits]) == 0
    assert capsys.readouterr().out.strip() == digits
    assert main(["run", prog, "--call", "ident", f"x={digits}", "--json"]) == 0
    assert loads(capsys.readouterr().out)["value"] == int(digits[:4000]) * 10**1000 + int(digits[4000:])


def test_the_largest_seglam_int_is_accepted_and_one_bit_more_is_refused(prog, capsys):
    largest = 2**65536 - 1
    assert main(["run", prog, "--call", "ident", int_to_text(largest)]) == 0
    assert capsys.readouterr().out.strip() == int_to_text(largest)
    assert main(["run", prog, "--call", "ident", int_to_text(largest + 1)]) == 2
    assert "integer has 65537 bits; at most 65536" in capsys.readouterr().err


def test_an_int_with_too_many_digits_is_refused(prog, capsys):
    assert main(["run", prog, "--call", "ident", "1" * 20_000]) == 2
    assert "integer has 20000 digits" in capsys.readouterr().err


@pytest.mark.parametrize("call, argument", [
    ("half", "9" * 400), ("half", "x=" + "9" * 400), ("half", "-" + "9" * 400),
    ("total", "[1, " + "9" * 400 + "]"), ("total", "y=" + "9" * 400),
], ids=["positional", "keyword", "negative", "list-element", "optional"])
def test_an_int_too_large_for_a_float_is_an_int_argument_as_in_the_host_api(prog, capsys, call, argument):
    """An int stays an int for a float parameter (SPEC section 3), as Program.call and CPython
    keep it: too large for a float, it is an int all the same, and dividing it faults
    F-OVERFLOW where the program divides (the red-team reproducer 10-cli-float-overflow.sgl
    once gave an OverflowError traceback here; RT-02 found that the CLI made every int a float)."""
    arguments = [argument] if call == "half" else ([argument, "null"] if argument.startswith("[") else ["[]", argument])
    status = main(["run", prog, "--call", call, *arguments])
    seen = capsys.readouterr()
    assert "Traceback" not in seen.err
    if call == "half":
        assert status == 1 and "F-OVERFLOW" in seen.err and "x / 2" in seen.err
    else:
        expected = 10 ** 400 if argument.startswith("[") else 0  # total sums xs: [1, 99...9], or []
        assert status == 0 and seen.out == int_to_text(expected) + "\n"


def test_an_int_for_a_float_parameter_prints_as_an_int(prog, capsys):
    assert main(["run", prog, "--call", "total", "[1, 2.5]", "null"]) == 0
    assert capsys.readouterr().out == "3.5\n"
    assert main(["run", prog, "--call", "total", "[1, 2]", "3"]) == 0
    assert capsys.readouterr().out == "3\n"  # sum of ints: an int, as CPython gives


def test_the_largest_int_a_float_holds_is_a_float_argument(prog, capsys):
    assert main(["run", prog, "--call", "half", str(2 ** 1023), "--json"]) == 0
    assert loads(capsys.readouterr().out)["value"] == float(2 ** 1022)


@pytest.mark.parametrize("command", ["check", "run", "verify"])
def test_a_device_is_not_read(command, capsys):
    assert main([command, "/dev/zero"]) == 2
    seen = capsys.readouterr()
    # verify reports each file on stdout (its report), check and run on stderr
    assert "/dev/zero: not a regular file" in (seen.out if command == "verify" else seen.err)


def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path, capsys):
    fifo = tmp_path / "f.sgl"
    os.mkfifo(fifo)
    assert main(["check", str(fifo)]) == 2
    assert "not a regular file" in capsys.readouterr().err


def test_a_directory_and_non_utf8_and_missing_files(tmp_path, capsys):
    binary = tmp_path / "b.sgl"
    binary.write_bytes(b"def main() -> int:\n    return 1\n# \xff\n")
    empty = tmp_path / "empty"   # a directory stands for its .sgl files; with none, it is read as it is
    empty.mkdir()
    assert main(["check", str(empty), str(tmp_path), str(tmp_path / "missing.sgl")]) == 2
    err = capsys.readouterr().err
    assert f"{empty}: is a directory" in err
    assert f"{binary}:3: not UTF-8 text" in err
    assert "missing.sgl: cannot read: No such file or directory" in err


def test_a_byte_order_mark_at_the_start_is_read_as_python_reads_it(tmp_path, capsys):
    """A UTF-8 BOM (Windows editors write one) was E-SYNTAX "unexpected character" at 1:1."""
    path = tmp_path / "bom.sgl"
    path.write_bytes(b"\xef\xbb\xbfdef main() -> int:\r\n    return 7\r\n")
    assert read_source(path) == "def main() -> int:\r\n    return 7\r\n"
    assert main(["run", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "7"


def test_the_source_reader_is_bounded(tmp_path):
    path = tmp_path / "big.sgl"
    path.write_text("x" * 101)
    with pytest.raises(SourceFileError, match="too large \\(101 bytes; the limit is 100\\)"):
        read_source(path, limit=100)
    assert read_source(path, limit=101) == "x" * 101


def test_usage_errors_return_2_in_process(capsys):
    assert main(["run"]) == 2
    assert main(["--version"]) == 0
    assert main(["no-such-command"]) == 2


@pytest.mark.parametrize("command", ["check", "run", "verify"])
@pytest.mark.parametrize("path", ["\ud800.sgl", "a\x00b.sgl"])
def test_a_path_the_file_system_cannot_take_is_a_clear_error(command, path, capsys):
    assert main([command, path]) == 2
    out, err = capsys.readouterr()  # verify reports on stdout, check and run on stderr
    assert "cannot read: not a valid path" in out + err and "Traceback" not in out + err
    (out + err).encode("utf-8")  # printable: the surrogate is shown escaped
