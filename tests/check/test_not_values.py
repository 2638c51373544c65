"""Names that only declare (`requires`, `ensures`, `dataclass`, `field`, `Enum`, `auto`) are
not values: used as one, each is a coded diagnostic at the name. Before, `x = requires`
passed the checker and then compiling the program raised a Python exception (a Fault from
the code generator, shown as a traceback by `seglam check`/`run`/`verify`); found by the
red-team reproducer 03-requires-as-value.sgl."""

from __future__ import annotations

import pytest

import seglam

HEADER = """\
import dataclasses
import enum
from dataclasses import dataclass, field
from enum import Enum, auto


"""

NAMES = {
    "requires": "E-CONTRACT", "ensures": "E-CONTRACT",
    "dataclass": "E-TYPE", "field": "E-TYPE", "Enum": "E-TYPE", "auto": "E-TYPE",
    "dataclasses.dataclass": "E-TYPE", "dataclasses.field": "E-TYPE", "enum.Enum": "E-TYPE", "enum.auto": "E-TYPE",
}

#: Places a value is used; `NAME` is replaced by the name under test.
PLACES = [
    "    x = NAME\n    return 1",
    "    return len([NAME])",
    "    return len(str(NAME))",
    "    return len(sorted([1], key=NAME))",
    "    f = lambda: NAME\n    return 1",
    "    return 1 if NAME else 0",
    "    return 1 if NAME == NAME else 0",
    '    return len(f"{NAME}")',
    "    a, b = NAME, 1\n    return b",
]


def _compile_error(source: str) -> seglam.CheckError:
    with pytest.raises(seglam.CheckError) as raised:
        seglam.compile(source, filename="t.sgl")
    return raised.value


@pytest.mark.parametrize("name", NAMES)
def test_a_declaring_name_assigned_to_a_local_is_a_coded_diagnostic_at_the_name(name):
    source = HEADER + f"def main() -> int:\n    x = {name}\n    return 1\n"
    found = _compile_error(source).diagnostics
    assert [d.code for d in found] == [NAMES[name]]
    assert (found[0].span.line, found[0].span.col) == (8, 9) and found[0].hint


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("name", ["requires", "field", "dataclasses.dataclass", "enum.Enum"])
def test_a_declaring_name_is_refused_wherever_a_value_is_used(name, place):
    source = HEADER + "def main() -> int:\n" + place.replace("NAME", name) + "\n"
    assert NAMES[name] in [d.code for d in _compile_error(source).diagnostics]


def test_the_reproducer_is_answered_by_seglam_check_with_a_diagnostic(tmp_path, capsys):
    from seglam.cli.main import main

    path = tmp_path / "r.sgl"
    path.write_text("def main() -> int:\n    x = requires\n    return 1\n")
    for command, status in ((["check", str(path)], 1), (["run", str(path)], 2)):  # run: 2 on a check error
        assert main(command) == status
        out, err = capsys.readouterr()
        assert "E-CONTRACT" in out + err and "Traceback" not in out + err


def test_the_declaring_names_still_declare():
    program = seglam.compile(HEADER + """\
class Color(Enum):
    RED = auto()


@dataclass(frozen=True)
class Box:
    items: list[int] = field(default_factory=list)


@requires(lambda n: n >= 0)
@ensures(lambda n, result: result >= n)
def main(n: int) -> int:
    return n + len(Box().items) + Color.RED.value
""")
    assert program.run("main", (2,)).value == 3
