"""The starter families: Seglam programs written for a few real request kinds (BIG-Bench
Hard tasks), loaded into a cache so it answers from the first request.

1. The bundled starter export (``manifest.json`` + ``.sgl`` files, as ``seglam cache
   export`` writes them): ``$SEGLAM_STARTER``, else ``seglam/engine/starter/``. It is
   imported with :meth:`Cache.import_`, which re-verifies everything and trusts nothing.
2. Any family the bundle could not provide is admitted from the family sources,
   ``stdlib/families/*.sgl`` with their ``*.json`` sidecars (patterns, samples), through
   :meth:`Cache.admit`, verified too. A bundle exported by an older language version is
   refused on its content hashes, so this fallback keeps the starter working.

``python -m seglam.cli.demo --write-bundle seglam/engine/starter`` regenerates the bundle.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable

from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Provenance
from seglam.cache.errors import AdmissionError, CacheError, ToolchainUnavailable
from seglam.engine.worked import families_dir

Progress = Callable[[str, str, str], None]  # (family, "imported"|"unchanged"|"refused", reason)


@dataclass(frozen=True)
class StarterReport:
    source: str
    imported: tuple[str, ...]
    unchanged: tuple[str, ...]
    refused: tuple[tuple[str, str], ...]
    seconds: float


def _repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def starter_bundle() -> Path | None:
    env = os.environ.get("SEGLAM_STARTER")
    candidates = [Path(env).expanduser()] if env else []
    candidates.append(Path(__file__).resolve().parent / "starter")
    return next((p for p in candidates if (p / "manifest.json").is_file()), None)


def family_drafts(directory: Path | None = None, only: Iterable[str] | None = None) -> list[tuple[str, FamilyDraft]]:
    """(name, draft) for every ``*.json`` + ``*.sgl`` pair, in name order."""
    directory = directory or families_dir()
    if directory is None:
        return []
    wanted = set(only) if only is not None else None
    out = []
    for meta_path in sorted(directory.glob("*.json")):
        name = meta_path.stem
        if wanted is not None and name not in wanted and name.split("__")[0] not in wanted:
            continue
        sgl = meta_path.with_suffix(".sgl")
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            source = sgl.read_text(encoding="utf-8")
        except (OSError, ValueError):
            continue
        if not isinstance(meta, dict) or not meta.get("patterns"):
            continue
        provenance = Provenance(origin="import", note=f"starter family {name}")
        out.append((name, FamilyDraft.from_family_json(meta, source, provenance=provenance)))
    return out


def load_starter(
    cache: Any,
    source: str | os.PathLike[str] | None = None,
    *,
    only: Iterable[str] | None = None,
    progress: Progress | None = None,
) -> StarterReport:
    """Load the starter families into ``cache`` (see the module docstring for the sources).
    Raises :class:`ToolchainUnavailable` when the language cannot verify anything."""
    start = time.perf_counter()
    path = Path(source) if source is not None else starter_bundle()
    imported: list[str] = []
    unchanged: list[str] = []
    refused: list[tuple[str, str]] = []
    sources: list[str] = []
    if path is not None and (path / "manifest.json").is_file():
        sources.append(str(path))
        report = cache.import_(path)
        names = _starter_names(cache)
        for name in (names.get(i, i) for i in report.imported):
            imported.append(name)
            _say(progress, name, "imported", "")
        for name in (names.get(i, i) for i in report.unchanged):
            unchanged.append(name)
            _say(progress, name, "unchanged", "")
        refused += list(report.refused)  # retried from the sources below
        if not report.refused or source is not None:
            for name, why in report.refused:
                _say(progress, name, "refused", why)
            return StarterReport(", ".join(sources), tuple(imported), tuple(unchanged), tuple(refused),
                                 time.perf_counter() - start)
        path = None
    present = " ".join(e.provenance.note for e in cache.list())
    drafts = family_drafts(path, only)
    if drafts:
        sources.append(str(path or families_dir()))
    refused = []
    for name, draft in drafts:
        if f"starter family {name} " in present + " ":
            continue
        try:
            cache.admit(draft)
        except ToolchainUnavailable:
            raise
        except (AdmissionError, CacheError) as err:
            why = "; ".join(err.reasons) if isinstance(err, AdmissionError) else str(err)
            refused.append((name, why))
            _say(progress, name, "refused", why)
            continue
        imported.append(name)
        _say(progress, name, "imported", "")
    where = ", then ".join(sources) or "(no starter families found)"
    return StarterReport(where, tuple(imported), tuple(unchanged), tuple(refused), time.perf_counter() - start)


def _starter_names(cache: Any) -> dict[str, str]:
    """Entry id -> starter family name (from the provenance note), for readable progress."""
    out = {}
    for e in cache.list():
        words = e.provenance.note.split()
        if len(words) >= 3 and words[:2] == ["starter", "family"]:
            out[e.id] = words[2]
    return out


def write_bundle(cache: Any, directory: str | os.PathLike[str]) -> list[str]:
    """Export ``cache`` (after :func:`load_starter`) as the starter bundle."""
    return cache.export(directory)


def _say(progress: Progress | None, name: str, what: str, why: str) -> None:
    if progress is not None:
        progress(name, what, why)
