"""A program's identity: SHA-256 of a canonical, alpha-normalised encoding of its tree.

What does not change the hash: comments, formatting, docstrings, and the names of local
variables (renamed by order of first binding, scope-correctly). What does: everything a
caller can observe — function, parameter, record, field, enum and constant names, every
operation and literal — plus the language and stdlib versions (as Dhall does), so a cached
entry is never run under semantics it was not verified with.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Mapping

from seglam.syntax import ast as A
from seglam.syntax.span import Span
from seglam.version import LANGUAGE_VERSION, STDLIB_VERSION

_SKIPPED_FIELDS = frozenset({"span", "name_span", "docstring", "filename"})


def program_hash(module: A.Module, imports: Mapping[str, str] | None = None) -> str:
    """Hex SHA-256 of the canonical encoding of ``module``.

    ``imports`` maps each Seglam module ``module`` imports to that module's own hash, so the
    hash is a Merkle tree: the same source over another version of a library it imports is
    another program. A module that imports none hashes as it always did."""
    digest = hashlib.sha256()
    digest.update(f"seglam-lang {LANGUAGE_VERSION} stdlib {STDLIB_VERSION}\n".encode())
    digest.update(canonical_bytes(module))
    for name in sorted(imports or {}):
        digest.update(f"\nimport {name} {imports[name]}".encode())
    return digest.hexdigest()


def canonical_bytes(module: A.Module) -> bytes:
    """The canonical encoding of ``module`` (the hash input, useful for debugging)."""
    out = bytearray()
    for stmt in module.body:
        renames = _local_renames(stmt) if isinstance(stmt, A.FunctionDef) else {}
        _encode(stmt, out, renames)
    return bytes(out)


# ---- encoding ---------------------------------------------------------------------------------


def _encode(value, out: bytearray, renames: dict[int, str]) -> None:
    """Tagged, length-prefixed, so distinct trees never share an encoding."""
    stack = [value]
    while stack:
        item = stack.pop()
        if hasattr(item, "__dataclass_fields__") and not isinstance(item, Span):
            fields = [f for f in item.__dataclass_fields__ if f not in _SKIPPED_FIELDS]
            _put(out, b"N", type(item).__name__.encode())
            out += struct.pack(">I", len(fields))
            pending = []
            for name in fields:
                field_value = getattr(item, name)
                if name in ("id", "name", "rest") and isinstance(field_value, str) and id(item) in renames:
                    field_value = renames[id(item)]
                pending.append(field_value)
            stack.extend(reversed(pending))
        elif isinstance(item, tuple):
            _put(out, b"T", str(len(item)).encode())
            stack.extend(reversed(item))
        else:
            out += _atom(item)


def _put(out: bytearray, tag: bytes, payload: bytes) -> None:
    out += tag + struct.pack(">I", len(payload)) + payload


def _atom(value) -> bytes:
    out = bytearray()
    if value is None:
        _put(out, b"0", b"")
    elif value is ...:
        _put(out, b".", b"")
    elif isinstance(value, bool):
        _put(out, b"B", b"1" if value else b"0")
    elif isinstance(value, int):
        _put(out, b"I", str(value).encode() if abs(value) < 10**4000 else hex(value).encode())
    elif isinstance(value, float):
        _put(out, b"F", struct.pack(">d", value))
    elif isinstance(value, str):
        _put(out, b"S", value.encode("utf-8", "surrogatepass"))
    else:
        raise TypeError(f"cannot encode {type(value).__name__}")
    return bytes(out)


# ---- alpha-normalisation ------------------------------------------------------------------------


def _local_renames(function: A.FunctionDef) -> dict[int, str]:
    """Map id(node) → canonical name for every occurrence of a local name in ``function``.

    Parameters of the top-level function keep their names (callers use them as keywords);
    every other local — assigned names, loop and comprehension variables, lambda parameters,
    nested functions, match captures — is renamed ``%0``, ``%1``, ... by order of binding.
    A name that is not bound in an enclosing scope is global and keeps its name.
    """
    renames: dict[int, str] = {}
    counter = [0]

    def fresh() -> str:
        name = f"%{counter[0]}"
        counter[0] += 1
        return name

    def visit_scope(body_nodes: list, params: list[A.Param], outer: dict[str, str], keep_params: bool) -> None:
        scope = dict(outer)
        for p in params:
            scope[p.name] = p.name if keep_params else fresh()
            if not keep_params:
                renames[id(p)] = scope[p.name]
        for name in bound_names(body_nodes):
            if name not in scope or name in outer:
                scope[name] = fresh()
        for node in body_nodes:
            visit(node, scope)

    def visit(node, scope: dict[str, str]) -> None:
        if isinstance(node, A.Lambda):
            for default in (p.default for p in node.params if p.default is not None):
                visit(default, scope)
            visit_scope([node.body], list(node.params), scope, keep_params=False)
            return
        if isinstance(node, A.FunctionDef):
            if node.name in scope:
                renames[id(node)] = scope[node.name]
            for d in node.decorators:
                visit(d, scope)
            for p in node.params:
                if p.default is not None:
                    visit(p.default, scope)
            visit_scope(list(node.body), list(node.params), scope, keep_params=False)
            return
        if isinstance(node, (A.ListComp, A.SetComp, A.GeneratorExp, A.DictComp)):
            inner = dict(scope)
            first = True
            for gen in node.generators:
                visit(gen.iter, scope if first else inner)
                first = False
                for name in target_names(gen.target):
                    inner[name] = fresh()
                visit(gen.target, inner)
                for cond in gen.ifs:
                    visit(cond, inner)
            for part in ((node.key, node.value) if isinstance(node, A.DictComp) else (node.elt,)):
                visit(part, inner)
            return
        if isinstance(node, A.Name) and node.id in scope:
            renames[id(node)] = scope[node.id]
        elif isinstance(node, (A.MatchAs, A.MatchStar)) and node.name is not None and node.name in scope:
            renames[id(node)] = scope[node.name]
        elif isinstance(node, A.MatchMapping) and node.rest in scope:
            renames[id(node)] = scope[node.rest]
        for child in A.iter_children(node):
            visit(child, scope)

    for d in function.decorators:
        visit(d, {p.name: p.name for p in function.params})
    visit_scope(list(function.body), list(function.params), {}, keep_params=True)
    return renames


def target_names(target) -> list[str]:
    return [n.id for n in A.walk(target) if isinstance(n, A.Name)]


def bound_names(nodes: list) -> list[str]:
    """Names bound directly in this scope (not inside nested lambdas/comprehensions/defs), in order."""
    seen: dict[str, None] = {}
    stack = list(reversed(nodes))
    while stack:
        node = stack.pop()
        if isinstance(node, (A.Lambda, A.ListComp, A.SetComp, A.GeneratorExp, A.DictComp)):
            continue
        if isinstance(node, A.FunctionDef):
            seen.setdefault(node.name, None)
            continue
        targets: list = []
        if isinstance(node, A.Assign):
            targets = list(node.targets)
        elif isinstance(node, (A.AugAssign, A.AnnAssign)):
            targets = [node.target]
        elif isinstance(node, A.For):
            targets = [node.target]
        elif isinstance(node, A.NamedExpr):
            targets = [node.target]
        elif isinstance(node, (A.MatchAs, A.MatchStar)) and node.name:
            seen.setdefault(node.name, None)
        elif isinstance(node, A.MatchMapping) and node.rest:
            seen.setdefault(node.rest, None)
        for target in targets:
            for name_node in A.walk(target):
                if isinstance(name_node, A.Name) and _is_binding_position(target, name_node):
                    seen.setdefault(name_node.id, None)
        stack.extend(reversed(list(A.iter_children(node))))
    return list(seen)


def _is_binding_position(target, name_node: A.Name) -> bool:
    """In ``d[k] = v`` only ``d``'s item is written: ``k`` and ``d`` are reads, not bindings."""
    if target is name_node:
        return True
    if isinstance(target, (A.TupleExpr, A.ListExpr)):
        return any(_is_binding_position(e, name_node) for e in target.elts)
    if isinstance(target, A.Starred):
        return _is_binding_position(target.value, name_node)
    return False
