"""The import structure of seglam/ and verifier/, read from the source (issue 16): which
module imports which, at module level and inside functions, and how those imports sit
against the pipeline's stages (syntax -> check -> run -> program -> verifier -> cache ->
engine -> cli).

A module's stage is its first package under ``seglam`` (``seglam.cache.entry`` is
``cache``); ``seglam.program`` and ``seglam.version`` are stages of their own and the
package itself (``seglam/__init__.py``) is the facade on top.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
STAGES = ("version", "syntax", "check", "run", "program", "verifier", "cache", "engine", "cli", "facade")


@dataclass(frozen=True)
class Import:
    source: str  # the importing module
    target: str  # the imported project module
    names: tuple[str, ...]  # the names taken (from-imports)
    local: bool  # inside a function
    line: int


def module_name(path: Path) -> str:
    """``seglam.cache.entry`` for seglam/cache/entry.py, ``seglam.verifier.api`` for verifier/api.py."""
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[0] == "verifier":
        parts = ["seglam", *parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def stage(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return STAGES.index("facade")
    return STAGES.index(parts[1]) if parts[1] in STAGES else STAGES.index("facade")


def project_modules() -> dict[str, Path]:
    files = [*(ROOT / "seglam").rglob("*.py"), *(ROOT / "verifier").rglob("*.py")]
    return {module_name(p): p for p in files if "__pycache__" not in p.parts}


def _resolve(target: str, known: dict[str, Path]) -> str | None:
    """The project module ``target`` names (a module, or a name inside a package), or None."""
    while target:
        if target in known:
            return target
        target = target.rpartition(".")[0]
    return None


def imports(known: dict[str, Path]) -> list[Import]:
    out: list[Import] = []
    for name, path in known.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))]
        inside = {id(n) for f in functions for n in ast.walk(f) if n is not f}
        type_checking = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                         and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in type_checking:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    target = _resolve(f"{node.module}.{alias.name}", known) or _resolve(node.module, known)
                    if target and target != name:
                        out.append(Import(name, target, (alias.name,) if target == _resolve(node.module, known) else (),
                                          id(node) in inside, node.lineno))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    target = _resolve(alias.name, known)
                    if target and target != name:
                        out.append(Import(name, target, (), id(node) in inside, node.lineno))
    return out


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected groups of two or more modules, over module-level imports."""
    graph: dict[str, set[str]] = {}
    for e in edges:
        if not e.local:
            graph.setdefault(e.source, set()).add(e.target)
            graph.setdefault(e.target, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:  # Tarjan; the graph is small, recursion depth is fine
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(groups)


def _is_package_of(target: str, source: str) -> bool:
    """``seglam.cache`` imported by ``seglam.cache.entry``: a package's own __init__."""
    return source.startswith(target + ".")


def upward(edges: list[Import]) -> list[Import]:
    """Imports from a lower stage into a higher one (the facade excepted as a target of nobody)."""
    return [e for e in edges if stage(e.target) > stage(e.source) and not _is_package_of(e.target, e.source)]


def private_names(edges: list[Import]) -> list[Import]:
    """``from other_module import _name``."""
    return [e for e in edges if any(n.startswith("_") and not n.startswith("__") for n in e.names)]


def local_imports(edges: list[Import]) -> list[Import]:
    return [e for e in edges if e.local]


def line_counts() -> dict[str, int]:
    """Lines per source file of seglam/ and verifier/, by path from the repository root."""
    return {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for path in project_modules().values()}


def deferred_imports_in(source: str) -> list[int]:
    """Lines of ``source`` that call ``importlib.import_module``: a module loaded when first
    used, through a table rather than an import statement (which :func:`imports` would see)."""
    return sorted(node.lineno for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
                  and isinstance(node.func, (ast.Attribute, ast.Name))
                  and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "import_module")


def deferred_imports(known: dict[str, Path]) -> dict[str, list[int]]:
    """Module -> lines calling ``importlib.import_module``, for the modules that have any."""
    found = {name: deferred_imports_in(path.read_text(encoding="utf-8")) for name, path in known.items()}
    return {name: lines for name, lines in found.items() if lines}
