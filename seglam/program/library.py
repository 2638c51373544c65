"""Seglam modules a program imports: finding, checking and linking them (SPEC.md, "Imports").

``from dates import add_days`` or ``import dates`` names a Seglam module. It is looked for,
as Python looks for modules, in order: the standard library's Seglam modules (``stdlib/*.sgl``,
shipped in the package as ``seglam.stdlib``), each directory of the search path (``path=``,
then ``SEGLAM_PATH``), then ``modules=`` given in memory (the hook for library modules kept
elsewhere, such as the cache's). A Python standard-library module name (``os``, ``json``) is
never a Seglam module: the checker explains those (E-IMPORT).

Each imported module is checked on its own first (its errors are reported in its own file),
then *linked*: its definitions join the program's tree under qualified names
(``dates.add_days``; ``seglam/syntax/link.py``), keeping only what the program reaches, and
the whole is checked once more, so imported names are type-checked where they are used. Both
backends run the linked tree, so fuel, depth and size limits count across modules exactly as
within one. The program's hash covers its imports' hashes (a Merkle tree).

Owns: resolution, import diagnostics (E-MODULE, E-IMPORT-CYCLE, E-IMPORT-NAME), linking.
Never runs a program.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import os
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Iterable, Mapping, Protocol

from seglam.check.checker import check
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.check.hints import IMPORT_HINTS
from seglam.check.signatures import ALLOWED_MODULES
from seglam.program.source import read_source
from seglam.syntax import ast as A
from seglam.syntax.canonical import program_hash
from seglam.syntax.link import MissingMember, Renaming, rename_statement
from seglam.syntax.lower import parse
from seglam.syntax.span import Span

#: The directory of the standard library's Seglam modules: ``stdlib/`` of the checkout, which
#: installs as the package ``seglam.stdlib``.
_SEGLAM = Path(__file__).resolve().parent.parent
STDLIB_DIR = next((d for d in (_SEGLAM / "stdlib", _SEGLAM.parent / "stdlib") if (d / "__init__.py").is_file()),
                  _SEGLAM / "stdlib")

#: The environment variable that adds directories to the search path (``os.pathsep``-separated).
PATH_VARIABLE = "SEGLAM_PATH"
SUFFIX = ".sgl"


@dataclass(frozen=True)
class ModuleSource:
    """The text of one Seglam module, and where it was found."""

    name: str
    filename: str
    source: str


class Finder(Protocol):
    """One place modules are looked for."""

    def find(self, name: str) -> ModuleSource | None: ...

    def describe(self) -> str: ...


@dataclass(frozen=True)
class DirectoryFinder:
    """``<directory>/<name>.sgl``."""

    directory: str
    label: str = ""

    def find(self, name: str) -> ModuleSource | None:
        path = os.path.join(self.directory, name + SUFFIX)
        if not os.path.isfile(path):
            return None
        return ModuleSource(name, path, read_source(path))

    def describe(self) -> str:
        return self.label or self.directory

    def names(self) -> list[str]:
        try:
            return sorted(p[: -len(SUFFIX)] for p in os.listdir(self.directory) if p.endswith(SUFFIX))
        except OSError:
            return []


@dataclass(frozen=True)
class MappingFinder:
    """Modules given in memory, by name (``seglam.compile(..., modules={"name": source})``)."""

    modules: tuple[tuple[str, str], ...]
    label: str = "the modules given"

    def find(self, name: str) -> ModuleSource | None:
        for module, source in self.modules:
            if module == name:
                return ModuleSource(name, f"{name}{SUFFIX}", source)
        return None

    def describe(self) -> str:
        return self.label

    def names(self) -> list[str]:
        return sorted(name for name, _ in self.modules)


def search_path(path: Iterable[str | os.PathLike] | None = None, modules: "Mapping[str, str] | Finder | None" = None,
                environ: Mapping[str, str] | None = None) -> tuple:
    """The finders, in the order they are searched: the standard library, ``path``,
    ``SEGLAM_PATH``, then ``modules``: name -> source, or a :class:`Finder` of its own (the
    hook for modules kept elsewhere, looked up one name at a time)."""
    environ = os.environ if environ is None else environ
    finders: list = [DirectoryFinder(str(STDLIB_DIR), "the standard library")]
    finders += [DirectoryFinder(os.fspath(p)) for p in (path or ())]
    finders += [DirectoryFinder(p) for p in environ.get(PATH_VARIABLE, "").split(os.pathsep) if p]
    if hasattr(modules, "find"):
        finders.append(modules)
    elif modules:
        finders.append(MappingFinder(tuple(sorted(dict(modules).items()))))
    return tuple(finders)


def stdlib_modules() -> list[str]:
    """The names of the standard library's Seglam modules."""
    return DirectoryFinder(str(STDLIB_DIR)).names()


@functools.lru_cache(maxsize=1)
def stdlib_sources() -> Mapping[str, str]:
    """name -> source of every standard-library module: what the CPython oracle needs to run
    a program that imports them (``run_cpython(..., modules=dict(stdlib_sources()))``)."""
    finder = DirectoryFinder(str(STDLIB_DIR))
    return MappingProxyType({name: found.source for name in finder.names() if (found := finder.find(name))})


# ---- what a module imports ---------------------------------------------------------------------


def is_seglam_module(name: str) -> bool:
    """Whether an import of ``name`` is looked for as a Seglam module: a plain identifier that
    is not a module of Python's standard library or one the checker explains."""
    return (name.isidentifier() and name not in ALLOWED_MODULES and name != "__future__"
            and name not in sys.stdlib_module_names and name not in IMPORT_HINTS and name != "seglam")


def imported_modules(tree: A.Module) -> list[tuple[str, Span]]:
    """``(module, span)`` for each top-level import of a Seglam module, in order."""
    out = []
    for stmt in tree.body:
        if isinstance(stmt, A.Import):
            out += [(a.name, a.span) for a in stmt.names if is_seglam_module(a.name)]
        elif isinstance(stmt, A.ImportFrom) and not stmt.level and stmt.module and is_seglam_module(stmt.module):
            out.append((stmt.module, stmt.span))
    return out


# ---- loaded modules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Definition:
    """One top-level statement of a module, renamed for linking: the names it defines and the
    global names it reads."""

    defines: frozenset[str]
    reads: frozenset[str]
    stmt: object


@dataclass(frozen=True)
class LoadedModule:
    """An imported Seglam module, checked on its own."""

    name: str
    filename: str
    source: str
    hash: str
    imports: tuple[str, ...]                 # the Seglam modules it imports directly
    exports: Mapping[str, str]               # public name -> qualified name
    host_imports: Mapping[str, str]          # a name it imports from a Python module -> that module
    definitions: tuple[Definition, ...]      # renamed, without its examples and properties


@dataclass(frozen=True)
class Linked:
    """A program's tree linked with what it imports."""

    module: A.Module
    hash: str
    modules: Mapping[str, LoadedModule]       # every module imported, directly or not


def link(tree: A.Module, source: str, finders: tuple) -> Linked:
    """Link ``tree`` with the Seglam modules it imports; CheckError on an import problem
    (located in the importing file) or an error inside an imported module (in its file)."""
    if not imported_modules(tree):
        return Linked(tree, program_hash(tree), MappingProxyType({}))
    original, tree = tree, _one_import_per_statement(tree)
    loaded: dict[str, LoadedModule] = {}
    diagnostics: list[Diagnostic] = []
    direct = _load_imports(tree, finders, (), loaded, diagnostics)
    renaming = _renaming(tree, {}, direct, tree.filename, diagnostics)
    missing: list[MissingMember] = []
    body = [rename_statement(s, renaming, missing) for s in tree.body if not _imports_seglam(s)]
    _report_missing(missing, tree.filename, loaded, diagnostics)
    if diagnostics:
        raise CheckError(sorted(diagnostics, key=lambda d: (d.span.line, d.span.col)), source)
    linked_body = _needed(loaded, body) + body
    module = A.Module(tree.span, tuple(linked_body), tree.docstring, tree.filename)
    imports = {name: loaded[name].hash for name in direct}
    return Linked(module, program_hash(original, imports), MappingProxyType(dict(loaded)))


def _load_imports(tree: A.Module, finders: tuple, stack: tuple[str, ...], loaded: dict,
                  diagnostics: list) -> dict[str, LoadedModule]:
    direct: dict[str, LoadedModule] = {}
    for name, span in imported_modules(tree):
        if name in stack:
            cycle = " -> ".join(stack[stack.index(name):] + (name,))
            diagnostics.append(Diagnostic("E-IMPORT-CYCLE", f"importing `{name}` here closes an import cycle: {cycle}",
                                          span, tree.filename, "move what both modules need into a third module"))
            continue
        module = loaded.get(name)
        if module is None:
            found = next((m for m in (f.find(name) for f in finders) if m is not None), None)
            if found is None:
                diagnostics.append(_not_found(name, span, tree.filename, finders))
                continue
            module = _load(found, finders, stack + (name,), loaded)
        direct[name] = module
    return direct


def _load(found: ModuleSource, finders: tuple, stack: tuple[str, ...], loaded: dict) -> LoadedModule:
    tree = _one_import_per_statement(_parse(found.source, found.filename))
    diagnostics: list[Diagnostic] = []
    direct = _load_imports(tree, finders, stack, loaded, diagnostics)
    if diagnostics:
        raise CheckError(diagnostics, found.source)
    key = (found, tuple(sorted((n, m.hash) for n, m in direct.items())))
    with _CHECKED_LOCK:
        module = _CHECKED.get(key)
    if module is None:
        module = _checked_module(found, tree, direct, loaded)
        with _CHECKED_LOCK:
            while len(_CHECKED) >= _CHECKED_MAX:
                del _CHECKED[next(iter(_CHECKED))]
            _CHECKED[key] = module
    loaded[found.name] = module
    return module


@functools.lru_cache(maxsize=256)
def _parse(source: str, filename: str) -> A.Module:
    return parse(source, filename)


#: Modules already checked, by (text and place, the hashes of what they import): the same
#: module over the same imports is checked once per process.
_CHECKED: dict[tuple, LoadedModule] = {}
_CHECKED_MAX = 128
_CHECKED_LOCK = threading.Lock()


def _checked_module(found: ModuleSource, tree: A.Module, deps: Mapping[str, LoadedModule],
                    loaded: Mapping[str, LoadedModule]) -> LoadedModule:
    """Check ``found`` on its own (linked with what it imports), then rename it for linking
    into the modules that import it."""
    name = found.name
    diagnostics: list[Diagnostic] = []
    # checked as a program of its own: its names unqualified, its examples and properties kept
    own = _renaming(tree, {}, deps, found.filename, diagnostics)
    missing: list[MissingMember] = []
    body = [rename_statement(s, own, missing) for s in tree.body if not _imports_seglam(s)]
    _report_missing(missing, found.filename, loaded, diagnostics)
    if diagnostics:
        raise CheckError(diagnostics, found.source)
    check(A.Module(tree.span, tuple(_needed(loaded, body) + body), tree.docstring, found.filename), found.source)
    # as a dependency: every global name qualified, only its definitions kept
    qualified = {n: f"{name}.{n}" for n in _globals(tree)}
    renaming = _renaming(tree, qualified, deps, found.filename, diagnostics)
    definitions = tuple(_definition(s, rename_statement(s, renaming, []), qualified)
                        for s in tree.body if not _imports_seglam(s) and not _is_test(s))
    hosts = {n: s.module if isinstance(s, A.ImportFrom) else n
             for s in tree.body if isinstance(s, (A.Import, A.ImportFrom)) and not _imports_seglam(s)
             for n in _host_import_names(s)}
    exports = {n: q for n, q in qualified.items() if n not in hosts}
    exports.update({alias: target for alias, target in renaming.names.items() if alias not in qualified})
    return LoadedModule(name, found.filename, found.source,
                        program_hash(_parse(found.source, found.filename), {n: m.hash for n, m in deps.items()}),
                        tuple(deps), MappingProxyType(exports), MappingProxyType(hosts),
                        tuple(d for d in definitions if d.defines))


# ---- renaming ------------------------------------------------------------------------------------


def _renaming(tree: A.Module, own: dict[str, str], deps: Mapping[str, LoadedModule], filename: str,
              diagnostics: list) -> Renaming:
    """Global names: ``own`` (a module's own names, when it is linked into another) plus the
    names its Seglam imports bind; E-IMPORT-NAME for a name a module does not define."""
    names = dict(own)
    modules = {}
    defined = _globals(tree)
    for stmt in tree.body:
        if not _imports_seglam(stmt):
            continue
        if isinstance(stmt, A.Import):
            for alias in stmt.names:
                module = deps.get(alias.name)
                if module is not None and is_seglam_module(alias.name):
                    modules[alias.asname or alias.name] = (alias.name, module.exports)
            continue
        module = deps.get(stmt.module)
        if module is None:
            continue
        if not stmt.names:
            diagnostics.append(Diagnostic("E-IMPORT", "`import *` is not available", stmt.span, filename,
                                          f"import the names you use: `from {stmt.module} import name`"))
        for alias in stmt.names:
            local = alias.asname or alias.name
            target = module.exports.get(alias.name)
            if target is None:
                diagnostics.append(_no_member(module, alias.name, alias.span, filename))
            elif local in defined:
                diagnostics.append(Diagnostic("E-REDEFINED", f"`{local}` is imported from `{module.name}` and also defined here",
                                              alias.span, filename, f"import it under another name: `{alias.name} as other`"))
            else:
                names[local] = target
    return Renaming(names, modules)


def _one_import_per_statement(tree: A.Module) -> A.Module:
    """``import a, re`` as ``import a`` and ``import re``, so a statement imports either a
    Seglam module or a Python one."""
    body = []
    for stmt in tree.body:
        if isinstance(stmt, A.Import) and len(stmt.names) > 1:
            body += [dataclasses.replace(stmt, names=(alias,)) for alias in stmt.names]
        else:
            body.append(stmt)
    return dataclasses.replace(tree, body=tuple(body))


def _globals(tree: A.Module) -> list[str]:
    """The names a module defines at top level (functions, classes, constants, host imports)."""
    out: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, (A.FunctionDef, A.ClassDef)):
            out.append(stmt.name)
        elif isinstance(stmt, A.Assign):
            out += [t.id for t in stmt.targets if isinstance(t, A.Name)]
        elif isinstance(stmt, A.AnnAssign) and isinstance(stmt.target, A.Name):
            out.append(stmt.target.id)
        elif isinstance(stmt, (A.Import, A.ImportFrom)) and not _imports_seglam(stmt):
            out += _host_import_names(stmt)
    return out


def _host_import_names(stmt) -> list[str]:
    if isinstance(stmt, A.Import):
        return [a.asname or a.name.split(".")[0] for a in stmt.names]
    if stmt.module == "__future__":
        return []
    return [a.asname or a.name for a in stmt.names]


def _imports_seglam(stmt) -> bool:
    if isinstance(stmt, A.Import):
        return any(is_seglam_module(a.name) for a in stmt.names)
    return isinstance(stmt, A.ImportFrom) and not stmt.level and bool(stmt.module) and is_seglam_module(stmt.module)


def _is_test(stmt) -> bool:
    """A module's examples and properties: checked with the module, not with its importers."""
    return isinstance(stmt, A.Assert) or (isinstance(stmt, A.FunctionDef) and stmt.name.startswith("prop_"))


def _definition(original, stmt, qualified: dict[str, str]) -> Definition:
    """``stmt`` (``original`` renamed) as a definition: what it defines, under qualified names."""
    if isinstance(stmt, (A.FunctionDef, A.ClassDef)):
        defines = {stmt.name}
    elif isinstance(stmt, (A.Import, A.ImportFrom)):
        aliases = tuple(dataclasses.replace(a, asname=qualified[local])
                        for a, local in zip(stmt.names, _host_import_names(original)) if local in qualified)
        stmt = dataclasses.replace(stmt, names=aliases)
        defines = {a.asname for a in aliases}
    elif isinstance(stmt, (A.Assign, A.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, A.Assign) else (stmt.target,)
        defines = {t.id for t in targets if isinstance(t, A.Name)}
    else:
        defines = set()
    return Definition(frozenset(defines), _reads(stmt), stmt)


def _reads(stmt) -> frozenset[str]:
    out = set()
    for node in A.walk(stmt):
        if isinstance(node, A.Name):
            out.add(node.id)
        elif isinstance(node, A.Constant) and isinstance(node.value, str) and "." in node.value:
            out.add(node.value)  # a quoted annotation
    return frozenset(out)


def _needed(loaded: Mapping[str, LoadedModule], body: list) -> list:
    """The imported definitions ``body`` reaches, directly or through each other, in the order
    of their modules (a module after those it imports) and of their statements."""
    table: dict[str, tuple[int, int, Definition]] = {}
    for m, module in enumerate(_ordered(loaded)):
        for s, definition in enumerate(module.definitions):
            for name in definition.defines:
                table[name] = (m, s, definition)
    wanted: dict[tuple[int, int], Definition] = {}
    pending = [n for stmt in body for n in _reads(stmt)]
    while pending:
        entry = table.get(pending.pop())
        if entry is None or (entry[0], entry[1]) in wanted:
            continue
        wanted[(entry[0], entry[1])] = entry[2]
        pending.extend(entry[2].reads)
    return [wanted[key].stmt for key in sorted(wanted)]


def _ordered(loaded: Mapping[str, LoadedModule]) -> list[LoadedModule]:
    """Modules with every module after the modules it imports."""
    out: list[LoadedModule] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen or name not in loaded:
            return
        seen.add(name)
        for dep in loaded[name].imports:
            visit(dep)
        out.append(loaded[name])

    for name in sorted(loaded):
        visit(name)
    return out


# ---- diagnostics ---------------------------------------------------------------------------------


def _not_found(name: str, span: Span, filename: str, finders: tuple) -> Diagnostic:
    known = sorted({n for f in finders for n in getattr(f, "names", lambda: [])()})
    close = difflib.get_close_matches(name, known, n=1)
    where = ", ".join(f.describe() for f in finders)
    hint = f"did you mean `{close[0]}`?" if close else (
        f"put `{name}{SUFFIX}` in a directory on the search path (`--path DIR`, ${PATH_VARIABLE}, "
        f"`seglam.compile(..., path=[...])`)")
    return Diagnostic("E-MODULE", f"no Seglam module `{name}` (searched {where})", span, filename, hint)


def _no_member(module: LoadedModule, name: str | None, span: Span, filename: str) -> Diagnostic:
    if name is None:
        example = next(iter(sorted(module.exports)), "name")
        return Diagnostic("E-NAME", f"module `{module.name}` is not a value", span, filename,
                          f"use the names it defines: `{module.name}.{example}`")
    origin = module.host_imports.get(name)
    close = difflib.get_close_matches(name, list(module.exports), n=1)
    if origin is not None:
        hint = f"`{module.name}` imports `{name}` from `{origin}`: import it from there"
    elif close:
        hint = f"did you mean `{close[0]}`?"
    else:
        hint = f"`{module.name}` defines: {', '.join(sorted(module.exports)[:12])}"
    return Diagnostic("E-IMPORT-NAME", f"module `{module.name}` has no name `{name}`", span, filename, hint)


def _report_missing(missing: list[MissingMember], filename: str, loaded: Mapping[str, LoadedModule],
                    diagnostics: list) -> None:
    for miss in missing:
        diagnostics.append(_no_member(loaded[miss.module], miss.attr, miss.span, filename))
