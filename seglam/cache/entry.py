"""Cache records as msgspec structs. They are stored sealed (:mod:`seglam.cache.seal`):
a damaged or rewritten record is reported as :class:`CorruptEntryError`, never decoded.
"""

from __future__ import annotations

import time
from typing import Any, Literal

import msgspec

Status = Literal["active", "quarantined", "retired"]
STATUSES: tuple[str, ...] = ("active", "quarantined", "retired")


class Param(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One parameter of the entry point: name, Seglam type text, has a default."""

    name: str
    type: str
    default: bool = False


class Signature(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """The entry point a family's patterns bind to."""

    entry: str
    params: tuple[Param, ...]
    returns: str

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def render(self) -> str:
        args = ", ".join(f"{p.name}: {p.type}" + (" = ..." if p.default else "") for p in self.params)
        return f"{self.entry}({args}) -> {self.returns}"


class Example(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An input and its expected output (values in :mod:`seglam.cache.values` form)."""

    inputs: dict[str, Any]
    expected: Any
    request: str | None = None


class Counterexample(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An input on which the family did not give a right answer.

    ``kind``: ``reject`` (a user said the answer was wrong), ``fault`` (the run faulted),
    ``ensures`` (the postcondition failed), ``domain`` (outside the precondition; not a
    bug, but the family could not serve the request), ``bind`` (inputs did not convert).
    """

    kind: str
    inputs: dict[str, Any]
    expected: Any = None
    actual: Any = None
    fault: str | None = None
    message: str = ""
    request: str | None = None
    version: int = 0
    at: float = 0.0


class Verification(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What the verifier said when the program was admitted."""

    ok: bool
    tool: str
    summary: str = ""
    at: float = 0.0


class Provenance(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Where a version came from."""

    origin: str = "manual"  # engine | manual | import | replace
    request: str | None = None
    model: str | None = None
    prompt_hash: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    compile_seconds: float = 0.0
    created: float = 0.0
    parent_version: int | None = None
    note: str = ""


class Stats(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Live counters, kept in their own database so a hit never rewrites the entry."""

    hits: int = 0
    failures: int = 0
    domain_misses: int = 0
    ambiguous: int = 0
    last_hit: float = 0.0
    corrupt: str | None = None  # why the entry record failed its checksum, if it did


class ModuleRef(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A Seglam module a family's program imports (directly or not): its name, its content
    hash, and its version in the cache's library (0: a module of the standard library or
    of the search path, not kept in the cache)."""

    name: str
    hash: str
    version: int = 0


class LibraryModule(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One version of a library module kept in the cache (:mod:`seglam.cache.modules`)."""

    name: str
    version: int
    source: str
    hash: str  # its content hash: its own tree and the hashes of what it imports (Merkle)
    imports: tuple[ModuleRef, ...] = ()  # the Seglam modules it imports, directly or not
    description: str = ""
    verification: Verification
    provenance: Provenance = Provenance()
    created: float = 0.0


class Entry(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One family: the unit the cache stores, serves, corrects and exports."""

    id: str
    version: int = 1
    status: Status = "active"
    status_reason: str = ""
    description: str = ""
    patterns: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    source: str
    program_hash: str
    signature: Signature
    examples: tuple[Example, ...] = ()
    properties: tuple[str, ...] = ()
    verification: Verification
    counterexamples: tuple[Counterexample, ...] = ()
    samples: tuple[str, ...] = ()
    provenance: Provenance = Provenance()
    modules: tuple[ModuleRef, ...] = ()  # the Seglam modules its program imports, with their versions
    stats: Stats = Stats()
    created: float = 0.0
    updated: float = 0.0


class Event(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One line of an entry's history: admitted, replaced, rejected, retired, ..."""

    at: float
    kind: str
    version: int
    detail: str = ""


def now() -> float:
    """Wall-clock seconds; only ever used for provenance and statistics, never for results."""
    return time.time()
