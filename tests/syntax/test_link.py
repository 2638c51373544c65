"""Renaming a module's global names for linking (``seglam/syntax/link.py``): golden tests of
which names change and which are left alone."""

from __future__ import annotations

from seglam.syntax import ast as A
from seglam.syntax.link import Renaming, rename_statement
from seglam.syntax.lower import parse

SOURCE = '''
from dataclasses import dataclass
from enum import Enum


class Color(Enum):
    RED = 1


@dataclass(frozen=True)
class Box:
    color: Color
    size: int = LIMIT


LIMIT = 3


def grow(b: "Box", n: int = LIMIT) -> Box:
    LIMIT_LOCAL = [LIMIT for LIMIT in range(n)]
    key = lambda grow: grow + n
    total = sum(key(x) for x in LIMIT_LOCAL) + shapes.area(n, n)
    match b:
        case Box(color=Color.RED, size=size):
            return Box(b.color, size + total)
    def inner(Box: int) -> int:
        return Box + LIMIT
    return grow(b, inner(n))
'''


def _renamed():
    tree = parse(SOURCE, "m.sgl")
    names = {n: f"m.{n}" for n in ("Color", "Box", "LIMIT", "grow", "dataclass", "Enum")}
    renaming = Renaming(names, {"shapes": ("shapes", {"area": "shapes.area"})})
    missing: list = []
    return [rename_statement(s, renaming, missing) for s in tree.body], missing


def _names(node) -> list[str]:
    return [n.id for n in A.walk(node) if isinstance(n, A.Name)]


def test_definitions_and_their_uses_are_qualified():
    body, missing = _renamed()
    assert missing == []
    color, box, limit, grow = body[2:]
    assert (color.name, box.name, grow.name) == ("m.Color", "m.Box", "m.grow")
    assert _names(color.bases[0]) == ["m.Enum"] and _names(box.decorators[0]) == ["m.dataclass"]
    assert _names(limit.targets[0]) == ["m.LIMIT"]
    # a class body's targets are fields and members, not globals; their annotations and defaults are
    assert [s.target.id for s in box.body] == ["color", "size"] and _names(box.body[1].value) == ["m.LIMIT"]
    assert [s.targets[0].id for s in color.body] == ["RED"]
    # a parameter's annotation (quoted too) and default, and the return annotation
    assert grow.params[0].annotation.value == "m.Box" and _names(grow.params[1].default) == ["m.LIMIT"]
    assert _names(grow.returns) == ["m.Box"]


def test_locals_shadow_globals_as_in_python():
    body, _ = _renamed()
    grow = body[-1]
    comprehension, lam, total, match, inner, ret = grow.body
    assert _names(comprehension.value) == ["LIMIT", "LIMIT", "range", "n"]   # the comprehension's own LIMIT
    assert _names(lam.value) == ["grow", "n"]                                  # the lambda's parameter `grow`
    assert "shapes.area" in _names(total.value) and "shapes" not in _names(total.value)
    case = match.cases[0]
    assert _names(case.pattern) == ["m.Box", "m.Color"]
    assert _names(case.body[0]) == ["m.Box", "b", "size", "total"]
    assert _names(inner) == ["int", "int", "Box", "m.LIMIT"]                  # the parameter `Box` is local
    assert _names(ret) == ["m.grow", "b", "inner", "n"]


def test_a_member_the_module_lacks_is_reported_and_left_alone():
    tree = parse("def f() -> int:\n    return shapes.volume(1) + len(shapes)\n", "m.sgl")
    missing: list = []
    (stmt,) = [rename_statement(s, Renaming({}, {"shapes": ("shapes", {})}), missing) for s in tree.body]
    assert [(m.module, m.attr, m.span.line) for m in missing] == [("shapes", "volume", 2), ("shapes", None, 2)]
    assert stmt == tree.body[0]
