"""Export and import: a directory of plain ``.sgl`` files (one per family, one per library
module version the families import) plus ``manifest.json`` with hashes. Import trusts
nothing: it checks every file hash, recompiles and re-verifies every program, compares
content hashes, and re-runs every admission check. The library modules come first: a
module that is missing or does not match the manifest refuses the whole bundle
(:class:`BundleModuleError`, a coded error); a refused family is reported with its reason
and the others still import.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import msgspec

from seglam.cache.admission import Placement
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Counterexample, Entry, Example, LibraryModule, ModuleRef, Provenance
from seglam.cache.errors import (
    AdmissionError, BundleModuleError, CacheError, ContentHashMismatch, CorruptEntryError, NotFoundError,
)
from seglam.cache.values import decode_value
from seglam.program import MAX_SOURCE_BYTES, SourceFileError, read_source
from seglam.syntax.jsontext import dumps, json_depth

if TYPE_CHECKING:
    from seglam.cache.cache import Cache

FORMAT = "seglam-cache-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
#: The ownership ledger: marks a directory as written by export and lists, with their
#: sha256, the files export wrote there. Export deletes or overwrites only those.
OWNER_FILE = ".seglam-export.json"
OWNER_FORMAT = "seglam-export-ownership"
END_OF_HEADER = "# --- end of seglam header; the program follows ---"
#: Limits on what import reads: the manifest's size and nesting.
MAX_MANIFEST_BYTES = 512 << 20
MAX_MANIFEST_DEPTH = 400
_FAMILY_FILE = re.compile(r"[a-z0-9_]{1,40}-[0-9a-f]{6,64}\.sgl\Z|[A-Za-z_][A-Za-z0-9_]{0,99}\.v[0-9]{1,10}\.sgl\Z")


class ManifestFamily(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """One family as the manifest records it (typed: a wrong field is reported with its path)."""

    id: str
    file: str
    file_sha256: str
    program_hash: str
    entry: str
    version: Annotated[int, msgspec.Meta(ge=1, le=2**31)] = 1
    status: Literal["active", "quarantined", "retired"] = "active"
    status_reason: str = ""
    description: str = ""
    patterns: tuple[str, ...] = ()
    tasks: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    counterexamples: tuple[Counterexample, ...] = ()
    provenance: Provenance = Provenance()
    modules: tuple[ModuleRef, ...] = ()  # the Seglam modules it imports, with their versions


class ManifestModule(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=False):
    """One version of a library module as the manifest records it."""

    name: str
    version: Annotated[int, msgspec.Meta(ge=1, le=2**31)]
    file: str
    file_sha256: str
    hash: str
    description: str = ""
    imports: tuple[ModuleRef, ...] = ()


class _ManifestHead(msgspec.Struct, frozen=True):
    format: str
    version: int
    families: list[msgspec.Raw] = []
    modules: list[ManifestModule] = []


class _Ownership(msgspec.Struct, frozen=True):
    format: Literal["seglam-export-ownership"]
    files: dict[str, list[str]] = {}


@dataclass(frozen=True)
class ImportReport:
    """What an import did, family by family."""

    imported: tuple[str, ...]
    unchanged: tuple[str, ...]  # already in the cache with the same program
    refused: tuple[tuple[str, str], ...]  # (id or file, reason)
    modules: tuple[str, ...] = ()  # the library modules stored ("name vN"; a version already kept is not)

    @property
    def ok(self) -> bool:
        return not self.refused


# ---- export ------------------------------------------------------------------------------------


def export_bundle(cache: "Cache", directory: str | os.PathLike[str], *, include_retired: bool = False) -> list[str]:
    """Write the bundle; returns the exported ids. Files are named ``<slug>-<id>.sgl``.

    The directory must be new, empty, or one an earlier export wrote (it holds
    :data:`OWNER_FILE`). Export never overwrites or deletes a file it did not write; a
    clash is a :class:`CacheError` raised before anything is written."""
    root = Path(directory)
    owned = _claim(root)
    plan: dict[str, bytes] = {}
    families = []
    for entry in cache.list():
        if entry.status == "retired" and not include_retired:
            continue
        name = f"{_slug(entry)}-{entry.id}.sgl"
        data = render_file(entry).encode("utf-8", "backslashreplace")
        plan[name] = data
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
                "modules": msgspec.to_builtins(entry.modules),
            }
        )
    modules = []
    for module in needed_modules(cache, [r for f in families for r in f["modules"]]):
        name = module_file(module)
        plan[name] = module.source.encode("utf-8", "backslashreplace")
        modules.append({"name": module.name, "version": module.version, "file": name, "hash": module.hash,
                        "file_sha256": hashlib.sha256(plan[name]).hexdigest(), "description": module.description,
                        "imports": msgspec.to_builtins(module.imports)})
    manifest = {"format": FORMAT, "version": FORMAT_VERSION, "families": families, "modules": modules}
    plan[MANIFEST] = (dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")  # written last
    clashes = [name for name in plan if _exists(root / name) and not _ours(root, name, owned)]
    if clashes:
        raise CacheError(
            f"{root}: export would overwrite {', '.join(sorted(clashes)[:5])}, which export did not write; "
            "nothing was written (move those files away or export into a new directory)"
        )
    digests = {name: hashlib.sha256(data).hexdigest() for name, data in plan.items()}
    # the ledger lists old and new contents first, so a crash at any point leaves every file
    # export wrote recognisable as its own
    during = {name: sorted(set(owned.get(name, ())) | ({digests[name]} if name in digests else set()))
              for name in set(owned) | set(plan)}
    _write_ledger(root, during)
    for name, data in plan.items():
        _write_atomic(root, name, data)
    for stale in sorted(set(owned) - set(plan)):
        if _FAMILY_FILE.match(stale) and _ours(root, stale, owned):
            (root / stale).unlink()  # a family that is gone: export wrote this very content
    _write_ledger(root, {name: [digest] for name, digest in digests.items()})
    return [f["id"] for f in families]


def needed_modules(cache: "Cache", refs: list[dict]) -> list[LibraryModule]:
    """The library module versions ``refs`` name (cache modules only), each after the
    modules it imports; :class:`CacheError` when one is not in the cache (never: a family's
    modules are kept as long as the family)."""
    wanted = sorted({(r["name"], r["version"]) for r in refs if r["version"]})
    out = []
    for name, version in wanted:
        found = next((m for m in cache.module_versions(name) if m.version == version), None)
        if found is None:
            raise CacheError(f"library module {name} v{version}, which a family imports, is not in the cache "
                             "(or its record is damaged); nothing was written")
        out.append(found)
    return sorted(out, key=lambda m: (len(m.imports), m.name, m.version))


def module_file(module: LibraryModule) -> str:
    return f"{module.name}.v{module.version}.sgl"


def _claim(root: Path) -> dict[str, list[str]]:
    """The files export wrote in ``root`` (name -> sha256s); creates or claims an empty
    directory; :class:`CacheError` for a directory export does not own."""
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise CacheError(f"{root}: cannot create the export directory: {err.strerror or err}") from None
    if not root.is_dir():
        raise CacheError(f"{root}: not a directory")
    ledger = root / OWNER_FILE
    if not _exists(ledger):
        if any(root.iterdir()):
            raise CacheError(
                f"{root}: the directory is not empty and was not written by `seglam cache export` "
                f"(it has no {OWNER_FILE}); export into a new or empty directory. Nothing was written."
            )
        _write_ledger(root, {})
        return {}
    try:
        data = read_source(ledger, limit=64 << 20).encode("utf-8")
        owned = msgspec.json.decode(data, type=_Ownership).files
    except (SourceFileError, msgspec.DecodeError) as err:
        raise CacheError(f"{ledger}: damaged ownership file ({err}); export into a new directory") from None
    return {name: digests for name, digests in owned.items() if _plain_name(name)}


def _plain_name(name: str) -> bool:
    return bool(name) and "/" not in name and "\\" not in name and name not in (".", "..") and "\0" not in name


def _exists(path: Path) -> bool:
    return os.path.lexists(path)


def _ours(root: Path, name: str, owned: dict[str, list[str]]) -> bool:
    """The file is a regular file (not a link) whose content export wrote."""
    path = root / name
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return True
    if not stat.S_ISREG(info.st_mode) or name not in owned:
        return False
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest() in owned[name]


def _write_atomic(root: Path, name: str, data: bytes) -> None:
    """Write a new file beside the target and rename it over, so a reader never sees half a
    file and a symlink at the target is replaced, never followed."""
    tmp = root / f".{name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, root / name)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_ledger(root: Path, files: dict[str, list[str]]) -> None:
    body = {"format": OWNER_FORMAT, "files": dict(sorted(files.items()))}
    _write_atomic(root, OWNER_FILE, (dumps(body, indent=1) + "\n").encode("utf-8"))


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
        raise AdmissionError(["the file has no seglam header end marker"])
    return source


# ---- import ------------------------------------------------------------------------------------


def import_bundle(cache: "Cache", directory: str | os.PathLike[str]) -> ImportReport:
    """Re-verify and admit every family of the bundle at ``directory``. A malformed manifest
    is a :class:`CacheError` naming the path and what is wrong; a malformed family is refused
    with its reason and the others still import."""
    root = Path(directory)
    head, where = read_manifest(root)
    modules = _import_modules(cache, root, head, where)
    imported: list[str] = []
    unchanged: list[str] = []
    refused: list[tuple[str, str]] = []
    for number, raw in enumerate(head.families):
        label = f"{where}: families[{number}]"
        try:
            fam = msgspec.json.decode(raw, type=ManifestFamily)
        except msgspec.DecodeError as err:
            refused.append((label, _at(err, f"$.families[{number}]")))
            continue
        label = fam.id
        try:
            outcome = _import_one(cache, root, fam)
        except AdmissionError as err:
            refused.append((label, "; ".join(err.reasons)))
            continue
        except (CacheError, ValueError, msgspec.ValidationError) as err:
            refused.append((label, f"{type(err).__name__}: {err}"))
            continue
        (imported if outcome == "imported" else unchanged).append(label)
    return ImportReport(tuple(imported), tuple(unchanged), tuple(refused), modules)


def _import_modules(cache: "Cache", root: Path, head: _ManifestHead, where: Path) -> tuple[str, ...]:
    """Check, verify and admit the bundle's library modules, before any family: every
    module a family names is in the manifest and its file; every file is the one exported
    (sha256) and compiles to the content hash the manifest records; each is verified (as
    ``seglam verify`` would). :class:`BundleModuleError` refuses the whole bundle."""
    listed = {(m.name, m.hash) for m in head.modules}
    for number, raw in enumerate(head.families):
        try:
            refs = msgspec.json.decode(raw, type=_FamilyModules).modules
        except msgspec.DecodeError:
            continue  # the family is refused on its own, with the reason
        for ref in refs:
            if ref.version and (ref.name, ref.hash) not in listed:
                raise BundleModuleError(
                    "E-BUNDLE-MODULE-MISSING",
                    f"{where}: families[{number}] imports library module {ref.name} v{ref.version} "
                    f"({ref.hash[:12]}), which the bundle does not carry; nothing was imported",
                    "export the bundle again with a seglam that carries library modules")
    sources: dict[tuple[str, str], str] = {}
    for module in head.modules:
        sources[(module.name, module.hash)] = _module_source(root, module)
    stored = []
    for module in head.modules:  # exported so that a module comes after those it imports
        try:
            done = cache.admit_module(module.name, sources[(module.name, module.hash)], description=module.description,
                                      provenance=Provenance(origin="import"), program_hash=module.hash,
                                      pins=module.imports)
        except AdmissionError as err:
            edited = isinstance(err, ContentHashMismatch)
            raise BundleModuleError(
                "E-BUNDLE-MODULE-TAMPERED" if edited else "E-BUNDLE-MODULE-REFUSED",
                f"library module {module.name} v{module.version} ({module.file}) is refused: " + "; ".join(err.reasons),
                "the module's text is not what was exported; export it again from the source cache" if edited else
                "fix the module (or the families here that import it) and export again") from None
        if not done.unchanged:
            stored.append(f"{done.module.name} v{done.module.version}")
    return tuple(stored)


class _FamilyModules(msgspec.Struct, frozen=True, forbid_unknown_fields=False):
    modules: tuple[ModuleRef, ...] = ()


def _module_source(root: Path, module: ManifestModule) -> str:
    """The text of a bundle's module file, checked against the manifest."""
    if not _plain_name(module.file) or not module.file.endswith(".sgl") or (root / module.file).resolve().parent != root.resolve():
        raise BundleModuleError("E-BUNDLE-MODULE-MISSING", f"library module {module.name}: file {module.file[:80]!r} "
                                "is outside the bundle", "a bundle's files sit beside its manifest.json")
    try:
        text = read_source(root / module.file, limit=MAX_SOURCE_BYTES)
    except SourceFileError as err:
        raise BundleModuleError("E-BUNDLE-MODULE-MISSING", f"library module {module.name} v{module.version}: {err}",
                                f"copy {module.file} from the exported bundle beside manifest.json") from None
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if digest != module.file_sha256:
        raise BundleModuleError("E-BUNDLE-MODULE-TAMPERED",
                                f"library module {module.name} v{module.version}: {module.file} was changed after export "
                                f"(sha256 {digest[:12]}, manifest {module.file_sha256[:12]})",
                                "the module's text is not what was exported; export it again from the source cache")
    return text


def read_manifest(root: Path) -> tuple[_ManifestHead, Path]:
    """The manifest's header, with each family still undecoded; :class:`CacheError` saying
    where and what is wrong."""
    path = root / MANIFEST
    try:
        text = read_source(path, limit=MAX_MANIFEST_BYTES)
    except SourceFileError as err:
        raise CacheError(f"cannot read the bundle manifest: {err}") from None
    depth = json_depth(text)
    if depth > MAX_MANIFEST_DEPTH:
        raise CacheError(f"{path}: nests {depth} levels deep; a bundle manifest nests at most {MAX_MANIFEST_DEPTH}")
    try:
        head = msgspec.json.decode(text.encode("utf-8", "surrogatepass"), type=_ManifestHead)
    except msgspec.DecodeError as err:
        raise CacheError(f"{path}: not a {FORMAT} manifest: {_at(err, '$')}") from None
    if head.format != FORMAT or head.version > FORMAT_VERSION:
        raise CacheError(f"{path}: not a {FORMAT} version {FORMAT_VERSION} manifest "
                         f"(format {head.format[:60]!r}, version {head.version})")
    return head, path


def _at(err: Exception, prefix: str) -> str:
    """msgspec's message with its ``$`` path placed under ``prefix``."""
    text = str(err)
    if " - at `$" in text:
        return text.replace(" - at `$", f" - at `{prefix}", 1)
    return f"{text} - at `{prefix}`"


_ID = re.compile(r"[0-9a-f]{6,64}\Z")
_SHA = re.compile(r"[0-9a-f]{64}\Z")


def _import_one(cache: "Cache", root: Path, fam: ManifestFamily) -> str:
    if not _ID.match(fam.id):
        raise AdmissionError([f"bad id {fam.id[:80]!r}"])
    if not _SHA.match(fam.file_sha256):
        raise AdmissionError([f"bad file_sha256 {fam.file_sha256[:80]!r}"])
    if not _plain_name(fam.file):
        raise AdmissionError([f"file {fam.file[:80]!r} is outside the bundle"])
    path = root / fam.file
    if path.resolve().parent != root.resolve():
        raise AdmissionError([f"file {fam.file[:80]!r} is outside the bundle"])
    try:
        text = read_source(path, limit=MAX_SOURCE_BYTES + 64 * 1024)  # the program plus its header
    except SourceFileError as err:
        raise AdmissionError([str(err)]) from None
    data = text.encode("utf-8")
    digest = hashlib.sha256(data).hexdigest()
    if digest != fam.file_sha256:
        raise AdmissionError([f"{fam.file} was changed after export (sha256 {digest[:12]}, manifest {fam.file_sha256[:12]})"])
    source = split_file(text)
    for what, values in (("example", [(e.inputs, e.expected) for e in fam.examples]),
                         ("counterexample", [(c.inputs, c.expected) for c in fam.counterexamples])):
        for inputs, expected in values:
            try:
                [decode_value(v) for v in (*inputs.values(), expected)]
            except ValueError as err:
                raise AdmissionError([f"an {what} holds a malformed value: {err}"]) from None
    try:
        existing = cache.get(fam.id)
    except NotFoundError:
        existing = None
    except CorruptEntryError:
        raise AdmissionError([f"entry {fam.id} exists in this cache but is corrupt; purge it first"]) from None
    if existing is not None:
        if existing.program_hash == fam.program_hash:
            return "unchanged"
        raise AdmissionError([f"entry {fam.id} already exists here with another program (use `seglam cache replace`)"])
    draft = FamilyDraft(
        source=source,
        patterns=fam.patterns,
        description=fam.description,
        entry=fam.entry,
        tasks=fam.tasks,
        samples=fam.samples,
        examples=fam.examples,
        provenance=fam.provenance,
        filename=fam.file,
    )
    quarantined = fam.status == "quarantined"
    cache.admit(draft, Placement(entry_id=fam.id, version=fam.version, program_hash=fam.program_hash,
                                 status="quarantined" if quarantined else "active",
                                 status_reason=fam.status_reason if quarantined else "",
                                 counterexamples=fam.counterexamples, imported=True, pins=fam.modules))
    return "imported"


def _slug(entry: Entry) -> str:
    base = entry.signature.entry if entry.signature.entry not in ("main", "solve") else (entry.description or "family")
    slug = "_".join(re.findall(r"[a-z0-9]+", base.lower())[:4])[:40]
    return slug or "family"
