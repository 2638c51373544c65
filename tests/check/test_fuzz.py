"""Robustness: random mutations of valid programs end in a CheckedModule or a CheckError,
never in any other exception."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.check.checker import INTERNAL_ERROR, check
from seglam.syntax.diagnostics import CheckError
from seglam.syntax import ast
from seglam.syntax.lower import parse
from tests.check.corpus import PROGRAMS
from tests.conformance.cases import load_cases

ROOT = Path(__file__).resolve().parents[2]


def _seeds() -> list[str]:
    seeds = list(PROGRAMS)
    seeds += [c.source for c in load_cases() if c.kind != "error"][::7]
    families = sorted((ROOT / "stdlib" / "families").glob("*.sgl"))
    seeds += [p.read_text() for p in families[:3]]
    return seeds


SEEDS = _seeds()

SNIPPETS = [
    "import os", "print(x)", "x = yield 1", "global x", "raise ValueError()", "try:\n    pass\nexcept:\n    pass",
    "del x", "x.__class__", "return", "break", "continue", "x: int = 'a'", "x = [] + None", "match x:\n    case _:\n        pass",
    "with open('f') as g:\n    pass", "lambda: 0", "assert x", "x = {[1]: 2}", "x = xs.append", "x = x", "x = len",
    "f(*[1, 2], **{'a': 1})", "x = (y := 3)", "class C:\n    pass", "def g(*a, **k) -> None:\n    pass",
    "x = 1 if y else 'a'", "x = not None", "for q in 3:\n    pass", "x = [*3]", "x = {**3}", "x = -'a'",
    "x = re.search('(', 's')", "x = sorted([None, 1])", "x = max()", "x = min(1)", "x = zip(*3)",
    "x = dict(a=lambda: 1)", "x = {}.get", "x = a.b.c.d", "x = 1 < 'a' < None", "x = [i for i in range(3) if i := 2]",
]


def _mutate_text(source: str, data) -> str:
    lines = source.splitlines()
    if not lines:
        return source
    choice = data.draw(st.integers(0, 5))
    i = data.draw(st.integers(0, len(lines) - 1))
    if choice == 0:
        del lines[i]
    elif choice == 1:
        j = data.draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif choice == 2:
        indent = len(lines[i]) - len(lines[i].lstrip())
        snippet = data.draw(st.sampled_from(SNIPPETS))
        lines[i:i] = [" " * indent + s for s in snippet.split("\n")]
    elif choice == 3:
        line = lines[i]
        if line:
            a = data.draw(st.integers(0, len(line)))
            b = data.draw(st.integers(a, min(len(line), a + 6)))
            lines[i] = line[:a] + line[b:]
    elif choice == 4:
        line = lines[i]
        a = data.draw(st.integers(0, len(line)))
        lines[i] = line[:a] + data.draw(st.sampled_from(["None", "x", "(", ")", ":", "[0]", ".y", " + 'a'", "*", "0"])) + line[a:]
    else:
        lines.insert(i, lines[i])
    return "\n".join(lines) + "\n"


def _nodes(module) -> list:
    return [n for n in ast.walk(module) if type(n).__name__ in _EXPR_NAMES]


_EXPR_NAMES = {"Name", "Constant", "BinOp", "UnaryOp", "BoolOp", "Compare", "IfExp", "Call", "Attribute",
               "Subscript", "ListExpr", "TupleExpr", "SetExpr", "DictExpr", "ListComp", "SetComp",
               "GeneratorExp", "DictComp", "Lambda", "JoinedStr", "NamedExpr"}


def _swap_expr(module, data):
    """Replace one expression in the tree by another one from the same tree."""
    exprs = _nodes(module)
    if len(exprs) < 2:
        return module
    target = data.draw(st.sampled_from(exprs))
    replacement = data.draw(st.sampled_from(exprs))

    def rebuild(node):
        if node is target:
            return replacement
        if isinstance(node, tuple):
            return tuple(rebuild(n) for n in node)
        if not dataclasses.is_dataclass(node) or isinstance(node, type) or type(node).__name__ == "Span":
            return node
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple) or (dataclasses.is_dataclass(value) and type(value).__name__ != "Span"):
                new = rebuild(value)
                if new is not value:
                    changes[f.name] = new
        return dataclasses.replace(node, **changes) if changes else node

    return rebuild(module)


def _check_only_check_errors(source: str, module=None) -> None:
    try:
        if module is None:
            module = parse(source, "fuzz.sgl")
        check(module, source)
    except CheckError as error:
        assert not any(INTERNAL_ERROR in d.message for d in error.diagnostics), source


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_text_mutations_only_raise_check_error(data):
    source = data.draw(st.sampled_from(SEEDS))
    for _ in range(data.draw(st.integers(1, 3))):
        source = _mutate_text(source, data)
    _check_only_check_errors(source)


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_tree_mutations_only_raise_check_error(data):
    source = data.draw(st.sampled_from(SEEDS))
    module = parse(source, "fuzz.sgl")
    for _ in range(data.draw(st.integers(1, 3))):
        module = _swap_expr(module, data)
    _check_only_check_errors(source, module)
