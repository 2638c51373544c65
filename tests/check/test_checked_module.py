"""The CheckedModule the later stages read: functions, records, enums, constants, examples,
properties, imports and the type of every expression."""

from __future__ import annotations

from seglam.check import types as T
from seglam.syntax import ast
from tests.check.corpus import PROGRAMS
from tests.check.helpers import ok

SOURCE = '''
from dataclasses import dataclass, field
from enum import Enum, auto

@dataclass(frozen=True, order=True)
class Item:
    name: str
    qty: int = 1
    tags: list[str] = field(default_factory=list)

class Size(Enum):
    SMALL = auto()
    LARGE = auto()

class Unit(Enum):
    KG = "kg"
    G = "g"

LIMIT = 10
NAMES: list[str] = ["a", "b"]
Pair = tuple[int, int]

@requires(lambda xs, k: k >= 0)
@ensures(lambda xs, k, result: len(result) <= k)
def top(xs: list[int], k: int = 3, *, reverse: bool = True) -> list[int]:
    assert k <= LIMIT
    assert len(xs) >= 0
    return sorted(xs, reverse=reverse)[:k]

def swap(p: Pair) -> Pair:
    return (p[1], p[0])

assert top([3, 1, 2], 2) == [3, 2]

def prop_top_is_short(xs: list[int]) -> bool:
    return len(top(xs)) <= 3
'''


def test_functions_and_params():
    cm = ok(SOURCE)
    info = cm.functions["top"]
    assert [(p.name, p.type.render(), p.kind) for p in info.params] == [
        ("xs", "list[int]", "normal"), ("k", "int", "normal"), ("reverse", "bool", "keyword_only")]
    assert isinstance(info.params[1].default, ast.Constant)
    assert info.returns == T.ListType(T.INT)
    assert len(info.requires) == 1 and len(info.ensures) == 1
    assert isinstance(info.requires[0], ast.Lambda)
    assert info.prelude == 2
    assert cm.functions["swap"].returns == T.TupleType((T.INT, T.INT))


def test_records_enums_constants():
    cm = ok(SOURCE)
    item = cm.records["Item"]
    assert [(f.name, f.type.render(), f.default is not None) for f in item.fields] == [
        ("name", "str", False), ("qty", "int", True), ("tags", "list[str]", True)]
    assert item.order is True
    assert cm.enums["Size"].members == (("SMALL", 1), ("LARGE", 2))
    assert cm.enums["Unit"].members == (("KG", "kg"), ("G", "g"))
    assert cm.enums["Unit"].value_type == T.STR
    assert list(cm.constants) == ["LIMIT", "NAMES"]
    assert cm.constants["NAMES"] == T.ListType(T.STR)
    assert "Pair" not in cm.constants   # a type alias, not a value


def test_examples_properties_imports():
    cm = ok(SOURCE)
    assert len(cm.examples) == 1 and isinstance(cm.examples[0], ast.Assert)
    assert cm.properties == ("prop_top_is_short",)
    assert cm.imports == {"dataclass": "dataclasses.dataclass", "field": "dataclasses.field",
                          "Enum": "enum.Enum", "auto": "enum.auto"}


def _expression_nodes(module):
    skip: set[int] = set()
    for node in ast.walk(module):
        if isinstance(node, ast.FunctionDef):
            for p in node.params:
                if p.annotation is not None:
                    skip |= {id(n) for n in ast.walk(p.annotation)}
            if node.returns is not None:
                skip |= {id(n) for n in ast.walk(node.returns)}
            for d in node.decorators:
                skip.add(id(d))
                skip.add(id(getattr(d, "func", d)))
        elif isinstance(node, ast.AnnAssign):
            skip |= {id(n) for n in ast.walk(node.annotation)}
        elif isinstance(node, ast.ClassDef):
            skip |= {id(n) for n in ast.walk(node)}
        elif isinstance(node, ast.Assign) and isinstance(node.value, (ast.Subscript, ast.BinOp)):
            pass
    kinds = (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
             ast.Attribute, ast.Subscript, ast.ListExpr, ast.TupleExpr, ast.SetExpr, ast.DictExpr, ast.ListComp,
             ast.SetComp, ast.GeneratorExp, ast.DictComp, ast.Lambda, ast.JoinedStr, ast.NamedExpr)
    return [n for n in ast.walk(module) if isinstance(n, kinds) and id(n) not in skip]


def test_every_expression_in_a_function_has_a_type():
    for source in PROGRAMS:
        cm = ok(source)
        aliases = {id(n) for s in cm.module.body if isinstance(s, ast.Assign) and s.targets[0].id not in cm.constants
                   for n in ast.walk(s)}
        missing = [n for n in _expression_nodes(cm.module) if id(n) not in cm.types and id(n) not in aliases]
        assert not missing, missing[:3]


def test_inferred_local_types():
    cm = ok('''
def f(words: list[str]) -> dict[str, int]:
    counts = {}
    best = None
    for w in words:
        counts[w] = counts.get(w, 0) + 1
        if best is None or len(w) > len(best):
            best = w
    result = []
    result.append(len(words))
    return counts
''')
    body = cm.functions["f"].node.body
    counts_target = body[0].targets[0]
    best_target = body[1].targets[0]
    assert cm.types[id(counts_target)] == T.DictType(T.NEVER, T.NEVER)   # the value assigned there: `{}`
    loop = body[2]
    store = loop.body[0]
    assert cm.types[id(store.targets[0])] == T.INT
    ret = body[-1].value
    assert cm.types[id(ret)] == T.DictType(T.STR, T.INT)
    assert cm.types[id(best_target)] == T.NONE
