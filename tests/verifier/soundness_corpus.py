"""The verifier soundness corpus: programs with seeded bugs and correct programs.

    tests/verifier/soundness/wrong/*.sgl   a seeded bug; header lines
                                           ``# bug: WHAT`` and ``# witness: f(x=...)``
    tests/verifier/soundness/right/*.sgl   correct programs

A wrong program must not pass (refuted, or at least not admissible); a right one must not
be refused. The witness is a call that shows the bug on the interpreter, so every entry's
bug is real (the test replays it).
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).parent / "soundness"
WRONG = ROOT / "wrong"
RIGHT = ROOT / "right"


@dataclass(frozen=True)
class Witness:
    function: str
    kwargs: dict


def wrong_files() -> list[Path]:
    return sorted(WRONG.glob("*.sgl"))


def right_files() -> list[Path]:
    return sorted(RIGHT.glob("*.sgl"))


def header(path: Path, key: str) -> str | None:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"# {key}:"):
            return line.split(":", 1)[1].strip()
    return None


def witness(path: Path) -> Witness:
    """The ``# witness:`` call: keyword arguments that are literals, ``Decimal("...")``
    or ``date(y, m, d)``."""
    text = header(path, "witness")
    if text is None:
        raise ValueError(f"{path.name}: no '# witness:' line")
    call = ast.parse(text, mode="eval").body
    if not isinstance(call, ast.Call) or not isinstance(call.func, ast.Name) or call.args:
        raise ValueError(f"{path.name}: the witness must be f(name=value, ...)")
    return Witness(call.func.id, {k.arg: _value(k.value) for k in call.keywords})


def _value(node):
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        args = [ast.literal_eval(a) for a in node.args]
        if node.func.id == "Decimal":
            return Decimal(*args)
        if node.func.id == "date":
            return date(*args)
        raise ValueError(f"unknown constructor {node.func.id}")
    if isinstance(node, ast.List):
        return [_value(x) for x in node.elts]
    return ast.literal_eval(node)
