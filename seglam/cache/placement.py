"""Where an admitted draft goes (:class:`Placement`) and what admission did
(:class:`Admitted`): the values :mod:`seglam.cache.admission` and
:mod:`seglam.cache.module_admission` share."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from seglam.cache.entry import Counterexample, Entry, LibraryModule, ModuleRef


@dataclass(frozen=True)
class Placement:
    """Where an admitted draft goes. The default is a new family (a fresh id, version 1,
    active); :meth:`imported` and :meth:`next_version` build the other two."""

    entry_id: str | None = None
    version: int = 1
    status: str = "active"
    status_reason: str = ""
    counterexamples: tuple[Counterexample, ...] = ()
    program_hash: str | None = None  # the content hash the program must have (a bundle's manifest)
    replaces: Entry | None = None  # the stored version this one succeeds
    note: str = ""  # the event's detail (a replacement)
    imported: bool = False
    kind: str = "family"  # or "module": a library module named ``module_name``
    module_name: str = ""
    pins: tuple[ModuleRef, ...] = ()  # the library module versions the program must compile over (a bundle's)

    @classmethod
    def module(cls, name: str, program_hash: str | None = None, pins: tuple[ModuleRef, ...] = (),
               note: str = "") -> "Placement":
        """A library module ``name``: its first version, or the next one when the cache has
        it (which re-runs every family that imports it). ``program_hash`` (a bundle's): the
        content hash it must have; a version with that hash already kept is not stored again."""
        return cls(kind="module", module_name=name, program_hash=program_hash, pins=pins, note=note,
                   imported=program_hash is not None)

    @classmethod
    def next_version(cls, old: Entry, note: str = "") -> "Placement":
        """The next version of ``old``: it keeps the counterexamples and must pass them."""
        return cls(entry_id=old.id, version=old.version + 1, counterexamples=old.counterexamples, replaces=old,
                   note=note)

    def place(self, entry: Entry) -> Entry:
        """The prepared entry with this placement's status, counterexamples and lineage."""
        provenance = entry.provenance
        if self.replaces is not None:
            provenance = msgspec.structs.replace(provenance, parent_version=self.replaces.version)
        if self.imported:
            provenance = msgspec.structs.replace(provenance, note=(provenance.note + " imported").strip())
        return msgspec.structs.replace(
            entry, status=self.status, status_reason=self.status_reason, counterexamples=self.counterexamples,
            provenance=provenance, created=self.replaces.created if self.replaces is not None else entry.created)


@dataclass(frozen=True)
class Admitted:
    """An admitted family, and for a replacement the verifier's diff against the old
    version and the inputs on which the two disagree. For a library module: the version
    stored (or the current one, when it was already there), and the families and modules
    that moved to a new version over it."""

    entry: Entry | None
    diff: str | None = None
    disagreements: tuple[dict[str, Any], ...] = ()
    module: LibraryModule | None = None
    families: tuple[Entry, ...] = ()
    modules: tuple[LibraryModule, ...] = ()
    unchanged: bool = False  # the module version was kept already: nothing was written
