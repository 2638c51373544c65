"""The cache's library: Seglam modules kept as records of their own, with history.

A library module (:class:`~seglam.cache.entry.LibraryModule`) is stored in the ``modules``
database under ``name \\0 version``; every version stays, the highest is current. It enters
the store only through admission (:meth:`seglam.cache.admission.Admission.admit` with
:meth:`~seglam.cache.admission.Placement.module`), which verifies it and, when it replaces
an earlier version, re-runs every family that imports it first.

A family records the modules its program imports (:class:`~seglam.cache.entry.ModuleRef`:
name, content hash, cache version), so its program always compiles over the very versions it
was verified with: :class:`CacheFinder` is the search-path hook (``seglam.compile(...,
modules=finder)``, looked up after the standard library and the search path) that serves a
family's pinned version, or the current one to a program being admitted.

Owns: reading module records, finding a module for the linker, and a family's module refs.
Never verifies or writes (admission does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from seglam.cache.entry import Entry, Event, LibraryModule, ModuleRef
from seglam.cache.errors import CorruptEntryError
from seglam.cache.records import prefixed, vkey
from seglam.cache.store import CacheStore
from seglam.cache.toolchain import caller
from seglam.program.library import SUFFIX, ModuleSource, imported_modules, is_seglam_module, stdlib_modules
from seglam.syntax.diagnostics import CheckError
from seglam.syntax import ast as A
from seglam.syntax.lower import parse

#: Where a cache module seems to come from, in diagnostics and tracebacks: ``<cache>/name.v3.sgl``.
ORIGIN = "<cache>/"
#: The event log key of a module's events (a family id is hex, so never collides).
EVENT_PREFIX = "module:"


def module_key(name: str, version: int) -> bytes:
    return vkey(name, version, 4)


def module_filename(record: LibraryModule) -> str:
    return f"{ORIGIN}{record.name}.v{record.version}{SUFFIX}"


class CacheModules:
    """The read side of the cache's library modules."""

    def __init__(self, store: CacheStore) -> None:
        self.store = store

    def versions(self, name: str, txn: Any = None) -> list[LibraryModule]:
        """Every readable version of ``name``, oldest first."""
        if txn is None:
            with self.store.read() as fresh:
                return self.versions(name, fresh)
        out = []
        for key, raw in prefixed(txn.cursor(self.store.dbs["modules"]), name.encode() + b"\0"):
            try:
                out.append(self.store.unseal("modules", key, raw, LibraryModule, name))
            except CorruptEntryError:
                continue
        return out

    def current(self, name: str, txn: Any = None) -> LibraryModule | None:
        versions = self.versions(name, txn)
        return versions[-1] if versions else None

    def version(self, name: str, version: int) -> LibraryModule | None:
        return next((m for m in self.versions(name) if m.version == version), None)

    def names(self) -> list[str]:
        """The names of the modules kept, sorted."""
        with self.store.read() as txn:
            return sorted({bytes(key).split(b"\0", 1)[0].decode() for key, _ in txn.cursor(self.store.dbs["modules"])})

    def latest(self) -> list[LibraryModule]:
        """The current version of every module, by name."""
        with self.store.read() as txn:
            return [m for name in self.names() if (m := self.current(name, txn)) is not None]

    def any(self) -> bool:
        with self.store.read() as txn:
            return txn.stat(self.store.dbs["modules"])["entries"] > 0

    def events(self, name: str) -> list[Event]:
        """The event log of module ``name`` (admitted, replaced, rebuilt), oldest first."""
        prefix = (EVENT_PREFIX + name).encode() + b"\0"
        out = []
        with self.store.read() as txn:
            for key, raw in prefixed(txn.cursor(self.store.dbs["events"]), prefix):
                try:
                    out.append(self.store.unseal("events", key, raw, Event, name))
                except CorruptEntryError:
                    continue
        return out

    def families(self) -> list[Entry]:
        """Every readable family (the importers of a module being replaced are among them)."""
        out = []
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.store.dbs["entries"]):
                try:
                    out.append(self.store.unseal("entries", bytes(key).decode(), raw, Entry))
                except CorruptEntryError:
                    continue
        return out

    def finder(self, pins: Iterable[ModuleRef] = (), overrides: Mapping[str, LibraryModule] | None = None) -> "CacheFinder":
        """The linker's hook: ``overrides`` first (versions being admitted), then the
        versions ``pins`` name by hash, then the current version."""
        return CacheFinder(self, {r.name: r.hash for r in pins if r.version}, dict(overrides or {}))

    def finder_for(self, entry: Entry) -> "CacheFinder | None":
        """What ``entry``'s program compiles with: its pinned versions; None when it imports
        no cache module (it compiles as any program)."""
        return self.finder(entry.modules) if any(r.version for r in entry.modules) else None

    def finder_if_any(self, pins: Iterable[ModuleRef] = ()) -> "CacheFinder | None":
        """A finder when the cache keeps any module (None: nothing to find)."""
        return self.finder(pins) if self.any() else None


@dataclass(frozen=True)
class CacheFinder:
    """A :class:`seglam.program.library.Finder` over the cache's library modules."""

    modules: CacheModules
    pins: Mapping[str, str] = field(default_factory=dict)  # name -> the content hash wanted
    overrides: Mapping[str, LibraryModule] = field(default_factory=dict)

    def record(self, name: str) -> LibraryModule | None:
        """The version of ``name`` this finder serves (None: not a cache module)."""
        if name in self.overrides:
            return self.overrides[name]
        versions = self.modules.versions(name)
        wanted = self.pins.get(name)
        if wanted is not None:
            return next((m for m in reversed(versions) if m.hash == wanted), None)
        return versions[-1] if versions else None

    def find(self, name: str) -> ModuleSource | None:
        found = self.record(name)
        return None if found is None else ModuleSource(name, module_filename(found), found.source)

    def describe(self) -> str:
        return "the cache's library modules"

    def names(self) -> list[str]:
        return sorted(set(self.modules.names()) | set(self.overrides))


def module_refs(program: Any, finder: CacheFinder | None) -> tuple[ModuleRef, ...]:
    """The modules ``program`` imports (directly or not), each with its cache version when
    the cache's library served it (0 otherwise), by name."""
    imported = getattr(program, "modules", None)
    if not isinstance(imported, Mapping):
        return ()
    out = []
    for name, (filename, _, digest) in sorted(imported.items()):
        version = 0
        if finder is not None and str(filename).startswith(ORIGIN):
            found = finder.record(name)
            version = found.version if found is not None else 0
        out.append(ModuleRef(name=name, hash=digest, version=version))
    return tuple(out)


def compile_with(toolchain: Any, source: str, filename: str, finder: CacheFinder | None) -> Any:
    """``toolchain.compile``, with the cache's library modules on its search path when
    ``finder`` is given (a toolchain without modules is called as before)."""
    if finder is None:
        return toolchain.compile(source, filename)
    return toolchain.compile(source, filename, modules=finder)


def importers(entries: Iterable[Entry], names: set[str]) -> list[Entry]:
    """The active families whose program imports one of the cache modules ``names``."""
    return [e for e in entries if e.status == "active" and any(r.name in names and r.version for r in e.modules)]


def name_problems(name: str, source: str) -> list[str]:
    """Why ``name`` cannot name a library module kept in the cache (empty: it can)."""
    if not name.isidentifier() or not is_seglam_module(name):
        return [f"{name[:60]!r} cannot name a Seglam module (an identifier that is not a Python module's name)"]
    if name in stdlib_modules():
        return [f"`{name}` is a module of the standard library, which is found first; choose another name"]
    try:
        tree = parse(source, f"{name}{SUFFIX}")
    except CheckError:
        return []  # its compile reports it, located
    if any(imported == name for imported, _ in imported_modules(tree)):
        return [f"module `{name}` imports itself"]
    if not any(isinstance(s, A.Assert) or (isinstance(s, A.FunctionDef) and s.name.startswith("prop_")) for s in tree.body):
        return [f"module `{name}` has no examples (top-level asserts) or properties (prop_*): a library module "
                "carries its own evidence"]
    return []


@dataclass(frozen=True)
class LibraryToolchain:
    """A toolchain whose programs find the cache's library modules (and ``finder``'s
    others): what the engine checks a reply with, so a family may import them."""

    base: Any
    finder: CacheFinder

    @property
    def name(self) -> str:
        return str(self.base.name)

    def compile(self, source: str, filename: str, modules: Any = None) -> Any:
        return compile_with(self.base, source, filename, modules or self.finder)

    def program_hash(self, program: Any) -> Any:
        return self.base.program_hash(program)

    def call(self, *args: Any, **kwargs: Any) -> Any:
        return self.base.call(*args, **kwargs)

    def caller(self, program: Any, entry: str, fuel: int | None) -> Any:
        return caller(self.base, program, entry, fuel)

    def verify(self, *args: Any, **kwargs: Any) -> Any:
        return self.base.verify(*args, **kwargs)

    def diff(self, *args: Any, **kwargs: Any) -> Any:
        return self.base.diff(*args, **kwargs)


def dependents(latest: Iterable[LibraryModule], name: str) -> list[LibraryModule]:
    """The cache modules that import ``name`` (directly or not), each after those it imports:
    a module's refs list everything it imports, so one that imports another dependent has
    more of them."""
    found = [m for m in latest if m.name != name and any(r.name == name and r.version for r in m.imports)]
    return sorted(found, key=lambda m: (len(m.imports), m.name))
