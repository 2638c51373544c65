"""``seglam run`` arguments are read as the parameter's type needs them: a JSON number with a
fraction or an exponent is exact for a Decimal parameter (``1.10`` keeps its scale, ``1e400``
is finite; it was read as a float first: 1.1, and Infinity), a float elsewhere; an enum
member is given by its value or by its name (``--json`` writes the name; only the value was
taken). Found by a red-team run (RT-15)."""

from __future__ import annotations

import pytest

from seglam.cli.main import main

SOURCE = '''
from decimal import Decimal
from enum import Enum
from typing import Optional


class Color(Enum):
    RED = 1
    BLUE = 2


class Swap(Enum):
    A = "B"
    B = "A"


def twice(d: Decimal) -> str:
    return str(d * 2)


def mixed(d: Optional[Decimal], x: float, xs: list[float]) -> str:
    return f"{d} {x} {xs}"


def color(c: Color) -> str:
    return c.name


def swap(s: Swap) -> str:
    return s.name
'''


@pytest.fixture
def prog(tmp_path):
    path = tmp_path / "args.sgl"
    path.write_text(SOURCE, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("call, arguments, printed", [
    ("twice", ["1.10"], "2.20"),
    ("twice", ["1e400"], "2E+400"),
    ("twice", ["0.1000000000000000000000000001"], "0.2000000000000000000000000002"),
    ("twice", ['"1.10"'], "2.20"),
    ("twice", ["3"], "6"),
    ("mixed", ["1.10", "0.1", "[1, 2.50, 1e400]"], "1.10 0.1 [1, 2.5, inf]"),
    ("mixed", ["null", "1e-400", "[]"], "None 0.0 []"),
    ("color", ["1"], "RED"),
    ("color", ["BLUE"], "BLUE"),
    ("color", ['"RED"'], "RED"),
    ("swap", ["A"], "B"),  # a value first: "A" is B's value
    ("swap", ["B"], "A"),
])
def test_an_argument_is_read_as_its_parameter_needs(prog, capsys, call, arguments, printed):
    assert main(["run", prog, "--call", call, *arguments]) == 0
    assert capsys.readouterr().out == printed + "\n"


def test_an_enum_name_that_is_no_member_is_an_input_error(prog, capsys):
    assert main(["run", prog, "--call", "color", "GREEN"]) == 2
    assert "expected Color (a member or one of its values), got str" in capsys.readouterr().err
