"""The conformance case format (``tests/conformance/cases/*.sgltest``).

A file holds cases; text before the first case is a comment. A case is::

    === a title, unique in its file
    <Seglam source>
    --- value | fault | error        (exactly one)
    <a Python literal | a fault code | diagnostic codes, one or more, space/line separated>
    --- call                          (optional; default ``main()``)
    main(3, "x", flag=True)
    --- limits                        (optional) e.g. ``fuel=10000`` or ``depth=50, fuel=10**6``
    --- backends                      (optional, rare) e.g. ``compiled reference`` (not on
                                      CPython) or ``cpython`` (only on CPython)
    --- module NAME                   (optional, repeatable) the source of a Seglam module
                                      NAME that the case imports (``from NAME import f``);
                                      every backend and CPython get the same modules
    --- cpython skip: <reason>        (optional) the expectation is Seglam's and CPython's
                                      differs by design (``set order``: CPython iterates a
                                      set in hash order, Seglam in its fixed order;
                                      ``python 3.11``: the host accepts more than 3.10);
                                      both backends still run the case

A section's content may also follow its name on the same line (``--- fault F-ZERO-DIV``).
Expected values are Python literals, plus ``Decimal('1.10')``, ``date(2024, 1, 2)``,
``timedelta(days=3)``, ``set()`` and ``float('inf')`` / ``float('-inf')``.
"""

from __future__ import annotations

import ast
import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from seglam.syntax.diagnostics import DIAGNOSTIC_CODES
from seglam.run.faults import FAULT_CODES

CASES_DIR = Path(__file__).parent / "cases"
KINDS = ("value", "fault", "error")
SECTIONS = KINDS + ("call", "limits", "backends", "cpython", "module")
#: Faults only Seglam's limits produce; CPython does not model them.
LIMIT_FAULTS = frozenset({"F-FUEL", "F-DEPTH", "F-INT-SIZE", "F-STR-SIZE", "F-COLLECTION-SIZE"})
BACKENDS = ("compiled", "reference")


class CaseFormatError(Exception):
    pass


@dataclass(frozen=True)
class Case:
    file: str
    title: str
    line: int
    source: str
    kind: str
    expected: Any  # value, fault code (str), or tuple of diagnostic codes
    function: str = "main"
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    limits: dict = field(default_factory=dict)
    backends: tuple[str, ...] = BACKENDS
    #: whether a ``--- backends`` section restricted the case (then "cpython" must be listed
    #: for the oracle to run it)
    explicit_backends: bool = False
    #: why CPython's result is not comparable (``--- cpython skip: <reason>``), or None
    cpython_skip: str | None = None
    #: ``(name, source)`` of each Seglam module the case may import (``--- module NAME``)
    modules: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> str:
        return f"{self.file}::{self.title}"

    @property
    def filename(self) -> str:
        return f"{self.file}.sgl"

    @property
    def topic(self) -> str:
        return self.file

    @property
    def cpython_runs(self) -> bool:
        """Whether the CPython oracle can judge this case."""
        if self.kind == "error" or self.cpython_skip:
            return False
        if self.kind == "fault" and self.expected in LIMIT_FAULTS:
            return False
        return "cpython" in self.backends or not self.explicit_backends


# ---- a tiny safe evaluator for expected values ----------------------------------------------

_CALLS = {
    "Decimal": lambda *a: Decimal(*a),
    "date": lambda *a: date(*a),
    "timedelta": lambda *a, **k: timedelta(*a, **k),
    "set": lambda *a: set(*a),
    "frozenset": lambda *a: frozenset(*a),
    "float": lambda *a: float(*a),
}


def _eval_node(node: ast.AST) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        operand = _eval_node(node.operand)
        if not isinstance(operand, (int, float, Decimal)) or isinstance(operand, bool):
            raise CaseFormatError("unary sign on a non-number")
        return -operand if isinstance(node.op, ast.USub) else +operand
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        left, right = _eval_node(node.left), _eval_node(node.right)
        if type(left) is int and type(right) is int and 0 <= right <= 4096:
            return left**right
        raise CaseFormatError("only int ** small int is allowed")
    if isinstance(node, ast.List):
        return [_eval_node(e) for e in node.elts]
    if isinstance(node, ast.Tuple):
        return tuple(_eval_node(e) for e in node.elts)
    if isinstance(node, ast.Set):
        return {_eval_node(e) for e in node.elts}
    if isinstance(node, ast.Dict):
        if any(k is None for k in node.keys):
            raise CaseFormatError("** in a dict literal")
        return {_eval_node(k): _eval_node(v) for k, v in zip(node.keys, node.values)}
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in _CALLS:
        args = [_eval_node(a) for a in node.args]
        kwargs = {k.arg: _eval_node(k.value) for k in node.keywords if k.arg}
        if node.func.id == "float" and not (len(args) == 1 and isinstance(args[0], str)):
            raise CaseFormatError("float() takes one string")
        return _CALLS[node.func.id](*args, **kwargs)
    raise CaseFormatError(f"not a literal: {ast.dump(node)[:80]}")


def literal(text: str) -> Any:
    """Evaluate an expected-value literal."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CaseFormatError(f"bad literal {text!r}: {exc}") from exc
    return _eval_node(tree.body)


def parse_call(text: str) -> tuple[str, tuple, dict]:
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise CaseFormatError(f"bad call {text!r}: {exc}") from exc
    node = tree.body
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        raise CaseFormatError(f"a call must look like f(1, 'x'): {text!r}")
    args = tuple(_eval_node(a) for a in node.args)
    kwargs = {}
    for kw in node.keywords:
        if kw.arg is None:
            raise CaseFormatError("** in a call")
        kwargs[kw.arg] = _eval_node(kw.value)
    return node.func.id, args, kwargs


def parse_limits(text: str) -> dict[str, int]:
    limits: dict[str, int] = {}
    for part in text.replace("\n", ",").split(","):
        part = part.strip()
        if not part:
            continue
        name, sep, value = part.partition("=")
        if not sep or not name.strip().isidentifier():
            raise CaseFormatError(f"bad limit {part!r}")
        got = literal(value)
        if type(got) is not int:
            raise CaseFormatError(f"limit {name} must be an int")
        limits[name.strip()] = got
    return limits


# ---- the file format -----------------------------------------------------------------------


def parse_text(text: str, file: str) -> list[Case]:
    cases: list[Case] = []
    seen: set[str] = set()
    lines = text.splitlines()
    i = 0
    while i < len(lines) and not lines[i].startswith("=== "):
        i += 1
    while i < len(lines):
        header = lines[i]
        title = header[4:].strip()
        start = i + 1
        if not title:
            raise CaseFormatError(f"{file}:{start}: empty title")
        if title in seen:
            raise CaseFormatError(f"{file}:{start}: duplicate title {title!r}")
        seen.add(title)
        i += 1
        body: list[str] = []
        while i < len(lines) and not lines[i].startswith(("--- ", "=== ")) and lines[i] != "---":
            body.append(lines[i])
            i += 1
        sections: dict[str, list[str]] = {}
        modules: dict[str, str] = {}
        while i < len(lines) and lines[i].startswith("--- "):
            name, _, rest = lines[i][4:].strip().partition(" ")
            if name not in SECTIONS:
                raise CaseFormatError(f"{file}:{i + 1}: unknown section {name!r}")
            if name in sections or (name == "module" and rest.strip() in modules):
                raise CaseFormatError(f"{file}:{i + 1}: section {name!r} twice")
            if name == "module" and not rest.strip().isidentifier():
                raise CaseFormatError(f"{file}:{i + 1}: write `--- module NAME`")
            content = [rest] if rest.strip() and name != "module" else []
            i += 1
            while i < len(lines) and not lines[i].startswith(("--- ", "=== ")):
                content.append(lines[i])
                i += 1
            if name == "module":
                modules[rest.strip()] = "\n".join(content).strip("\n") + "\n"
            else:
                sections[name] = content
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        if not body:
            raise CaseFormatError(f"{file}:{start}: case {title!r} has no source")
        source = "\n".join(body) + "\n"
        kinds = [k for k in KINDS if k in sections]
        if len(kinds) != 1:
            raise CaseFormatError(f"{file}:{start}: case {title!r} needs exactly one of {KINDS}")
        kind = kinds[0]
        content = "\n".join(sections[kind]).strip()
        if kind == "value":
            expected: Any = literal(content)
        elif kind == "fault":
            if content not in FAULT_CODES:
                raise CaseFormatError(f"{file}:{start}: unknown fault code {content!r}")
            expected = content
        else:
            codes = tuple(content.replace(",", " ").split())
            bad = [c for c in codes if c not in DIAGNOSTIC_CODES]
            if not codes or bad:
                raise CaseFormatError(f"{file}:{start}: bad diagnostic codes {bad or content!r}")
            expected = codes
        function, args, kwargs = "main", (), {}
        if "call" in sections:
            function, args, kwargs = parse_call("\n".join(sections["call"]))
        limits = parse_limits("\n".join(sections.get("limits", [])))
        backends = BACKENDS
        explicit = "backends" in sections
        if explicit:
            backends = tuple("\n".join(sections["backends"]).replace(",", " ").split())
            unknown = [b for b in backends if b not in BACKENDS + ("cpython",)]
            if unknown or not backends:
                raise CaseFormatError(f"{file}:{start}: unknown backends {unknown}")
        skip = None
        if "cpython" in sections:
            text = " ".join(sections["cpython"]).strip()
            if not text.startswith("skip:") or not text[5:].strip():
                raise CaseFormatError(f"{file}:{start}: write `--- cpython skip: <reason>`")
            skip = text[5:].strip()
        cases.append(
            Case(file, title, start, source, kind, expected, function, args, kwargs, limits, backends, explicit,
                 skip, tuple(sorted(modules.items())))
        )
    return cases


def load_cases(directory: Path = CASES_DIR) -> list[Case]:
    cases: list[Case] = []
    for path in sorted(directory.glob("*.sgltest")):
        cases.extend(parse_text(path.read_text(encoding="utf-8"), path.stem))
    return cases


# ---- comparing values ----------------------------------------------------------------------


def same_value(got: Any, want: Any) -> bool:
    """Equal, with equal types all the way down (1 != 1.0 != True; -0.0 != 0.0; dict order counts)."""
    if type(got) is not type(want):
        return False
    if isinstance(want, float):
        return repr(got) == repr(want) or (math.isnan(got) and math.isnan(want))
    if isinstance(want, Decimal):
        return got.as_tuple() == want.as_tuple()
    if isinstance(want, (list, tuple)):
        return len(got) == len(want) and all(same_value(g, w) for g, w in zip(got, want))
    if isinstance(want, dict):
        return len(got) == len(want) and all(
            same_value(gk, wk) and same_value(gv, wv)
            for (gk, gv), (wk, wv) in zip(got.items(), want.items())
        )
    if isinstance(want, (set, frozenset)):
        return got == want and sorted(map(repr, got)) == sorted(map(repr, want))
    return got == want
