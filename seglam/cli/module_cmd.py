"""The cache's library modules on the command line: ``seglam cache modules [NAME]`` (list
them, or one module's versions and events), ``seglam cache add-module FILE`` (admit or
replace one; a replacement re-runs every family that imports it), ``seglam cache why
REQUEST`` (which family, version and modules answer a request), and the modules part of
``seglam cache show``."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

import msgspec

from seglam.cache.entry import Entry, ModuleRef
from seglam.cache.errors import NotFoundError
from seglam.cache.gate import render_bindings
from seglam.cache.values import render_value
from seglam.program import SourceFileError, read_source


def module_lines(entry: Entry) -> list[str]:
    """The modules part of ``seglam cache show``: name, version, content hash."""
    if not entry.modules:
        return []
    return ["  modules", *[f"    {render_ref(r)}" for r in entry.modules]]


def render_ref(ref: ModuleRef) -> str:
    where = f"v{ref.version} (cache)" if ref.version else "(standard library or search path)"
    return f"{ref.name} {where} {ref.hash[:16]}"


def cell(entry: Entry) -> str:
    """The MODULES column of ``seglam cache history``: the cache modules a version imports."""
    return ", ".join(f"{r.name} v{r.version}" for r in entry.modules if r.version) or "-"


def refs_json(entry: Entry) -> list[dict[str, Any]]:
    return [{"name": r.name, "version": r.version, "hash": r.hash, "cache": bool(r.version)} for r in entry.modules]


def modules(args: argparse.Namespace, cache: Any) -> int:
    """``seglam cache modules [NAME]``."""
    if args.name:
        return _one(args, cache, args.name)
    kept = cache.modules()
    users = _users(cache)
    if args.json:
        print(json.dumps([{"name": m.name, "version": m.version, "hash": m.hash, "description": m.description,
                           "families": users.get(m.name, 0)} for m in kept], indent=2))
        return 0
    if not kept:
        print("no library modules in this cache (add one: seglam cache add-module FILE.sgl)")
        return 0
    width = max(len(m.name) for m in kept)
    print(f"{'NAME'.ljust(width)}  VER  HASH          FAMILIES  DESCRIPTION")
    for m in kept:
        print(f"{m.name.ljust(width)}  {('v' + str(m.version)).ljust(3)}  {m.hash[:12]}  {str(users.get(m.name, 0)).ljust(8)}  "
              f"{m.description}")
    return 0


def _users(cache: Any) -> dict[str, int]:
    """Module name -> how many families (not retired) import its current version."""
    counts: dict[str, int] = {}
    latest = {m.name: m.hash for m in cache.modules()}
    for entry in cache.list():
        if entry.status == "retired":
            continue
        for ref in entry.modules:
            if ref.version and latest.get(ref.name) == ref.hash:
                counts[ref.name] = counts.get(ref.name, 0) + 1
    return counts


def _one(args: argparse.Namespace, cache: Any, name: str) -> int:
    versions = cache.module_versions(name)
    if not versions:
        raise NotFoundError(f"no library module {name!r} in this cache (`seglam cache modules` lists them)")
    events = cache.module_events(name)
    if args.json:
        print(json.dumps({"name": name, "versions": [msgspec.to_builtins(v) for v in versions],
                          "events": [msgspec.to_builtins(e) for e in events]}, indent=2, default=str))
        return 0
    current = versions[-1]
    out = [f"module {name}  v{current.version}  {current.hash}", f"  description  {current.description}"]
    if current.imports:
        out += ["  imports", *[f"    {render_ref(r)}" for r in current.imports]]
    out.append("  versions")
    out += [f"    v{v.version} {v.hash[:16]} {v.provenance.origin}" for v in versions]
    out.append("  events")
    out += [f"    v{e.version} {e.kind} {e.detail}" for e in events]
    out += ["  source", *["    " + line for line in current.source.rstrip().splitlines()]]
    print("\n".join(out))
    return 0


def add_module(args: argparse.Namespace, cache: Any) -> int:
    """``seglam cache add-module FILE [--name NAME]``."""
    try:
        source = read_source(args.file)
    except SourceFileError as err:
        raise ValueError(str(err)) from None
    name = args.name or Path(args.file).stem
    done = cache.admit_module(name, source, description=args.description or "", note=args.note)
    module = done.module
    moved = [{"id": e.id, "version": e.version} for e in done.families]
    if args.json:
        print(json.dumps({"ok": True, "name": module.name, "version": module.version, "hash": module.hash,
                          "families": moved, "modules": [f"{m.name} v{m.version}" for m in done.modules]}, indent=2))
        return 0
    print(f"module {module.name} is v{module.version} ({module.hash[:12]})")
    for e in done.families:
        print(f"  family {e.id} re-run over it: now v{e.version}")
    for m in done.modules:
        print(f"  module {m.name} imports it: now v{m.version}")
    return 0


def why(args: argparse.Namespace, cache: Any) -> int:
    """``seglam cache why REQUEST``: the family and version that answer it, the pattern
    and bindings, the answer (run behind the gate; nothing recorded), and the modules."""
    hit = cache.lookup(args.request)
    if hit is None:
        raise NotFoundError("no family answers that request (`seglam cache ls` lists them; "
                            "`seglam ask` compiles one)")
    entry = hit.entry
    result = cache.run_entry(entry, hit.bindings)
    answer = render_value(result.value) if result.counterexample is None else f"refused by the gate ({result.outcome})"
    if args.json:
        print(json.dumps({"id": entry.id, "version": entry.version, "program_hash": entry.program_hash,
                          "pattern": hit.pattern, "bindings": render_bindings(hit.bindings), "answer": answer,
                          "outcome": result.outcome, "modules": refs_json(entry)}, indent=2))
        return 0
    out = [f"family {entry.id}  v{entry.version}  {entry.description}",
           f"  pattern      {hit.pattern}",
           f"  bindings     {', '.join(f'{k}={v}' for k, v in render_bindings(hit.bindings).items())}",
           f"  answer       {answer}",
           f"  program      {entry.program_hash}"]
    out += module_lines(entry) or ["  modules      none (the program imports no Seglam module)"]
    print("\n".join(out))
    return 0
