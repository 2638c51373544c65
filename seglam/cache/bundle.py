"""Export and import: a directory of plain ``.sgl`` files (one per family) plus
``manifest.json`` with hashes. Import trusts nothing: it checks every file hash,
recompiles and re-verifies every program, compares content hashes, and re-runs every
admission check. A refused family is reported with its reason; the others still import.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Counterexample, Entry, Example, Provenance
from seglam.cache.errors import AdmissionError, CacheError, CorruptEntryError, NotFoundError
from seglam.check.diagnostics import CheckError

if TYPE_CHECKING:
    from seglam.cache.cache import Cache

FORMAT = "seglam-cache-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
END_OF_HEADER = "# --- end of seglam header; the program follows ---"


@dataclass(frozen=True)
class ImportReport:
    """What an import did, family by family."""

    imported: tuple[str, ...]
    unchanged: tuple[str, ...]  # already in the cache with the same program
    refused: tuple[tuple[str, str], ...]  # (id or file, reason)

    @property
    def ok(self) -> bool:
        return not self.refused


def export_bundle(cache: "Cache", directory: str | os.PathLike[str], *, include_retired: bool = False) -> list[str]:
    """Write the bundle; returns the exported ids. Files are named ``<slug>-<id>.sgl``."""
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    previous = _listed_files(root)
    families = []
    for entry in cache.list():
        if entry.status == "retired" and not include_retired:
            continue
        name = f"{_slug(entry)}-{entry.id}.sgl"
        text = render_file(entry)
        data = text.encode("utf-8")
        (root / name).write_bytes(data)
        families.append(
            {
                "id": entry.id,
                "file": name,
                "file_sha256": hashlib.sha256(data).hexdigest(),
                "program_hash": entry.program_hash,
                "version": entry.version,
                "status": entry.status,
                "status_reason": entry.status_reason,
                "description": entry.description,
                "entry": entry.signature.entry,
                "patterns": list(entry.patterns),
                "tasks": list(entry.tasks),
                "samples": list(entry.samples),
                "examples": msgspec.to_builtins(entry.examples),
                "counterexamples": msgspec.to_builtins(entry.counterexamples),
                "provenance": msgspec.to_builtins(entry.provenance),
            }
        )
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "families": families}
    tmp = root / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, root / MANIFEST)  # a reader never sees half a manifest
    for stale in previous - {f["file"] for f in families}:
        (root / stale).unlink(missing_ok=True)  # only files an earlier export listed: a re-export mirrors the cache
    return [f["id"] for f in families]


def _listed_files(root: Path) -> set[str]:
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
        return {Path(f["file"]).name for f in manifest.get("families", []) if isinstance(f, dict) and "file" in f}
    except (OSError, ValueError, AttributeError, TypeError):
        return set()


def render_file(entry: Entry) -> str:
    """The ``.sgl`` file of a family: a comment header for people, then the program as
    stored. The header is informational; ``manifest.json`` is authoritative."""
    lines = [f"# seglam-family: {entry.id} v{entry.version} ({entry.status})"]
    if entry.description:
        lines += [f"# {line}".rstrip() for line in entry.description.splitlines()]
    lines.append(f"# entry: {entry.signature.render()}")
    lines += [f"# pattern: {p}" for p in entry.patterns]
    lines += [f"# task: {t}" for t in entry.tasks]
    lines.append(f"# program-hash: {entry.program_hash}")
    lines.append(END_OF_HEADER)
    return "\n".join(lines) + "\n" + entry.source


def split_file(text: str) -> str:
    """The program source of an exported file (everything after the header)."""
    head, sep, source = text.partition(END_OF_HEADER + "\n")
    if not sep:
        raise ValueError("no seglam header end marker")
    return source


def import_bundle(cache: "Cache", directory: str | os.PathLike[str]) -> ImportReport:
    root = Path(directory)
    try:
        manifest = json.loads((root / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise CacheError(f"{root / MANIFEST}: cannot read the bundle manifest: {err}") from None
    if manifest.get("format") != FORMAT or manifest.get("version", 0) > FORMAT_VERSION:
        raise CacheError(f"{root}: not a {FORMAT} version {FORMAT_VERSION} bundle")
    imported: list[str] = []
    unchanged: list[str] = []
    refused: list[tuple[str, str]] = []
    for fam in manifest.get("families", []):
        label = str(fam.get("id") or fam.get("file") or "?")
        try:
            outcome = _import_one(cache, root, fam)
        except AdmissionError as err:
            refused.append((label, "; ".join(err.reasons)))
            continue
        except (CacheError, KeyError, TypeError, ValueError, msgspec.ValidationError) as err:
            refused.append((label, f"{type(err).__name__}: {err}"))
            continue
        (imported if outcome == "imported" else unchanged).append(label)
    return ImportReport(tuple(imported), tuple(unchanged), tuple(refused))


_ID = re.compile(r"[0-9a-f]{6,64}\Z")


def _import_one(cache: "Cache", root: Path, fam: dict[str, Any]) -> str:
    entry_id = fam["id"]
    if not _ID.match(entry_id):
        raise AdmissionError([f"bad id {entry_id!r}"])
    path = root / fam["file"]
    if path.resolve().parent != root.resolve():
        raise AdmissionError([f"file {fam['file']!r} is outside the bundle"])
    try:
        data = path.read_bytes()
    except OSError as err:
        raise AdmissionError([f"cannot read {fam['file']}: {err.strerror}"]) from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != fam["file_sha256"]:
        raise AdmissionError([f"{fam['file']} was changed after export (sha256 {digest[:12]}, manifest {fam['file_sha256'][:12]})"])
    source = split_file(data.decode("utf-8"))
    try:
        existing = cache.get(entry_id)
    except NotFoundError:
        existing = None
    except CorruptEntryError:
        raise AdmissionError([f"entry {entry_id} exists in this cache but is corrupt; purge it first"]) from None
    if existing is not None:
        if existing.program_hash == fam["program_hash"]:
            return "unchanged"
        raise AdmissionError([f"entry {entry_id} already exists here with another program (use `seglam cache replace`)"])
    draft = FamilyDraft(
        source=source,
        patterns=tuple(fam["patterns"]),
        description=fam.get("description", ""),
        entry=fam["entry"],
        tasks=tuple(fam.get("tasks", ())),
        samples=tuple(fam.get("samples", ())),
        examples=msgspec.convert(fam.get("examples", []), tuple[Example, ...]),
        provenance=msgspec.convert(fam.get("provenance", {}), Provenance),
        filename=fam["file"],
    )
    try:
        actual = cache.toolchain.program_hash(cache.toolchain.compile(source, fam["file"]))
    except CheckError as err:
        raise AdmissionError([f"program does not check:\n{err.render()}"]) from None
    if actual != fam["program_hash"]:  # checked before verifying: the clearest reason, and cheap
        raise AdmissionError(
            [f"program content hash {actual[:12]} differs from the manifest's {fam['program_hash'][:12]}: "
             "the program was edited (or the language version differs)"]
        )
    entry, program = cache._prepare(draft, entry_id=entry_id, version=int(fam.get("version", 1)))
    status = fam.get("status", "active")
    entry = msgspec.structs.replace(
        entry,
        status="quarantined" if status == "quarantined" else "active",
        status_reason=fam.get("status_reason", "") if status == "quarantined" else "",
        counterexamples=msgspec.convert(fam.get("counterexamples", []), tuple[Counterexample, ...]),
        provenance=msgspec.structs.replace(entry.provenance, note=(entry.provenance.note + " imported").strip()),
    )
    cache._store_new(entry, program)
    return "imported"


def _slug(entry: Entry) -> str:
    base = entry.signature.entry if entry.signature.entry not in ("main", "solve") else (entry.description or "family")
    slug = "_".join(re.findall(r"[a-z0-9]+", base.lower())[:4])[:40]
    return slug or "family"
