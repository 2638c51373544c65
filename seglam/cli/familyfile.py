"""The family file beside a program (``FILE.json`` next to ``FILE.sgl``: patterns, samples,
tasks, description, entry), as ``seglam cache add`` reads it, and the entry points
``seglam verify`` names from it or from ``--entry``.

The cache verifies a family with its entry point named (``entries=``): that function is
fuzzed on its own inputs even when another function (a ``main`` running the worked example)
calls it. ``seglam verify`` names the same function, so that its verdict predicts admission
(V-04: a family was "admissible" to ``verify`` and refused by ``cache add``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from seglam.cache.errors import AdmissionError
from seglam.cache.signature import pick_entry
from seglam.program import SourceFileError, read_source
from seglam.syntax.jsontext import JsonTextError, loads

FAMILY_LISTS = ("patterns", "samples", "tasks")
FAMILY_TEXTS = ("description", "entry", "task")


def sibling_of(path: str | Path) -> Path:
    """Where the family file of the program at ``path`` is: the same name, ending ``.json``."""
    return Path(path).with_suffix(".json")


def read_family_json(path: Path) -> dict[str, Any]:
    """A family file: a JSON object whose lists hold strings; ValueError saying what is wrong."""
    try:
        meta = loads(read_source(path))
    except (SourceFileError, JsonTextError) as err:
        raise ValueError(f"{path}: {err}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: expected a JSON object, got {type(meta).__name__}")
    for name in FAMILY_LISTS:
        value = meta.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{path}: {name!r} must be a list of strings")
    for name in FAMILY_TEXTS:
        if meta.get(name) is not None and not isinstance(meta[name], str):
            raise ValueError(f"{path}: {name!r} must be a string")
    return meta


@dataclass(frozen=True)
class Entries:
    """The functions ``seglam verify`` fuzzes on their own inputs besides those the call
    graph gives: ``names``; ``origin`` says where they came from ("--entry", or the family
    file's name); ``note`` says why a family file beside the program gave none; ``error`` is
    a usage error (an ``--entry`` that names no function)."""

    names: tuple[str, ...] = ()
    origin: str | None = None
    note: str | None = None
    error: str | None = None


def entries_for(path: str, source: str, named: list[str] | None) -> Entries:
    """The entry points of the program at ``path``: the ``--entry`` names when given (they win
    over the family file, as ``cache add --entry`` does), else the family file's entry, else,
    for a family file that names none, the cache's default (:func:`pick_entry`: ``main``,
    ``solve``, or the only public function). A program without a family file gets none."""
    if named:
        for name in named:
            try:
                pick_entry(source, name)
            except AdmissionError as err:
                return Entries(error=f"--entry {name}: " + "; ".join(err.reasons))
            except SyntaxError:
                break  # the verifier reports the program's own error
        return Entries(tuple(dict.fromkeys(named)), "--entry")
    family = sibling_of(path)
    if not family.is_file():
        return Entries()
    try:
        meta = read_family_json(family)
        return Entries((pick_entry(source, meta.get("entry")),), family.name)
    except ValueError as err:
        return Entries(note=f"family file not used: {err}")
    except AdmissionError as err:
        return Entries(note=f"{family.name} gives no entry point the cache can use: " + "; ".join(err.reasons))
    except SyntaxError:
        return Entries()  # the verifier reports the program's own error


def describe(entries: Entries) -> str | None:
    """The report's line about the entry points named, or None when none was."""
    if entries.names:
        where = "--entry" if entries.origin == "--entry" else f"the family file {entries.origin}, as `seglam cache add` verifies it"
        many = len(entries.names) > 1
        return (f"entry point{'s' if many else ''} {', '.join(entries.names)} ({where}): fuzzed on "
                f"{'their' if many else 'its'} own inputs, even where another function calls {'them' if many else 'it'}")
    return entries.note
