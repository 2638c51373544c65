"""Admitting library modules: the module placement of the one admission path
(:meth:`seglam.cache.admission.Admission.admit` with :meth:`Placement.module` dispatches
here). A module is compiled and verified on its own; a new version of a module is accepted
only if every active family (and cache module) importing it passes over it, and then all of
them move to new versions in one transaction (:mod:`seglam.cache.modules`). ``adm`` is the
:class:`~seglam.cache.admission.Admission` whose checks and writes are used.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from typing import Any

import msgspec

from seglam.cache import admit as rules
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Entry, LibraryModule, now
from seglam.cache.errors import MAX_REPORT, VERIFICATION_FAILED, AdmissionError
from seglam.cache.modules import EVENT_PREFIX, dependents, importers, module_filename, module_key, module_refs, name_problems
from seglam.cache.placement import Admitted, Placement
from seglam.cache.records import indexed, log_event
from seglam.syntax.jsontext import escape_surrogates


def admit_helpers(adm: Any, draft: FamilyDraft) -> None:
    """Admit the helper modules written with a family (``draft.modules``) before it: a
    helper never replaces a library module (the same content is reused, other content
    refused)."""
    for name, source in draft.modules:  # helper modules first: the program imports them
        kept = adm.library.current(name)
        if kept is not None:  # a helper never replaces a library module: the same one, or refused
            _, digest = adm.compile_draft(FamilyDraft(source=source, filename=f"{name}.sgl"), Placement(),
                                           adm.library.finder(), f"helper module {name}")
            if digest == kept.hash:
                continue
            raise AdmissionError([f"helper module {name!r}: the library already has a module of that name; "
                                  f"import it (`from {name} import ...`) or give the helper another name"])
        try:
            admit_module(adm, FamilyDraft(source=source, provenance=draft.provenance, filename=f"{name}.sgl"),
                              Placement.module(name, note="a helper of a family"))
        except AdmissionError as err:
            raise AdmissionError([f"helper module {name[:60]!r}: {r}" for r in err.reasons]) from None


def admit_module(adm: Any, draft: FamilyDraft, placement: Placement) -> Admitted:
    """Verify ``draft`` as the library module ``placement.module_name`` and store it as
    its next version; the families and modules that import it are re-run over it first
    and move to new versions in the same transaction. Storing the version the cache
    already has changes nothing."""
    name = placement.module_name
    reasons = name_problems(name, draft.source)
    if escape_surrogates(draft.source + draft.description) != draft.source + draft.description:
        reasons.append("the module contains a lone surrogate (U+D800..U+DFFF)")  # no record can hold it
    if reasons:
        raise AdmissionError(reasons)
    versions = adm.library.versions(name)
    current = versions[-1] if versions else None
    if placement.imported and placement.program_hash is not None:  # a bundle's: kept already?
        kept = next((m for m in versions if m.hash == placement.program_hash), None)
        if kept is not None:
            return Admitted(None, module=kept, unchanged=True)
    record, program = prepare_module(adm, draft, placement, {})
    if current is not None and current.hash == record.hash:
        return Admitted(None, module=current, unchanged=True)
    record = msgspec.structs.replace(record, version=current.version + 1 if current is not None else 1)
    overrides = {name: record}
    modules = [record]
    for dep in dependents(adm.library.latest(), name):
        try:
            again, _ = prepare_module(adm, FamilyDraft(source=dep.source, description=dep.description,
                                                       provenance=dep.provenance, filename=module_filename(dep)),
                                           Placement.module(dep.name), overrides)
        except AdmissionError as err:
            reasons += [f"module {dep.name} v{dep.version} imports {name}: {r}" for r in err.reasons]
            continue
        overrides[dep.name] = msgspec.structs.replace(again, version=dep.version + 1)
        modules.append(overrides[dep.name])
    families, programs = rerun_importers(adm, overrides, f"module {name} v{record.version}", reasons)
    if reasons:
        raise AdmissionError(reasons)
    event = "module-replaced" if current is not None else "module-admitted"

    def write(txn: Any) -> None:
        now_current = adm.library.current(name, txn)
        if (now_current.version if now_current else 0) != (current.version if current else 0):
            raise AdmissionError([f"module {name} changed meanwhile; retry"])
        for module in modules:
            key = module_key(module.name, module.version)
            txn.put(key, adm.store.seal("modules", key, module), db=adm.store.dbs["modules"])
            log_event(adm.store, txn, EVENT_PREFIX + module.name, event if module is record else "module-rebuilt",
                      module.version, placement.note or module.hash[:12])
        for old, new in families:
            adm.write_version(txn, new, old, "replaced", f"module {name} v{record.version}")

    indexed(adm.store, adm.store.write, write)
    for (_, new), program in zip(families, programs):
        adm.runner.remember(new, program)
    return Admitted(None, module=record, families=tuple(new for _, new in families), modules=tuple(modules[1:]))

def prepare_module(adm: Any, draft: FamilyDraft, placement: Placement,
                   overrides: dict[str, LibraryModule]) -> tuple[LibraryModule, Any]:
    """Compile and verify a module (every function, its examples and properties); the
    record it would store (version 0: the caller numbers it), and its program."""
    finder = adm.library.finder(placement.pins, overrides)
    program, digest = adm.compile_draft(draft, placement, finder, f"module {placement.module_name}")
    verification = draft.verification
    if verification is None or not verification.ok:
        verification = adm.toolchain.verify(program)
    if not verification.ok:
        raise AdmissionError([f"module {placement.module_name}: " + VERIFICATION_FAILED + verification.summary[:MAX_REPORT]])
    return LibraryModule(name=placement.module_name, version=0, source=draft.source, hash=digest,
                         imports=module_refs(program, finder), description=draft.description or _docline(draft.source),
                         verification=verification, provenance=draft.provenance, created=now()), program

def rerun_importers(adm: Any, overrides: dict[str, LibraryModule], note: str,
                    reasons: list[str]) -> tuple[list[tuple[Entry, Entry]], list[Any]]:
    """Every active family importing one of ``overrides``, prepared as its next version
    over them: verified again, its samples and examples re-run (admission's checks) and
    its stored counterexamples too. A failure is appended to ``reasons``, naming the family."""
    pairs: list[tuple[Entry, Entry]] = []
    programs: list[Any] = []
    for old in importers(adm.library.families(), set(overrides)):
        draft = FamilyDraft(source=old.source, patterns=old.patterns, description=old.description,
                            entry=old.signature.entry, tasks=old.tasks, samples=old.samples, examples=old.examples,
                            provenance=msgspec.structs.replace(old.provenance, note=note),
                            filename=f"{old.id}.sgl")  # verified again: its own asserts run over the new module
        placement = dataclasses.replace(Placement.next_version(old, note), pins=old.modules)
        try:
            new, program = adm.prepare(draft, placement, overrides)
            new = placement.place(new)
            failing = adm.still_failing(new, program)
        except AdmissionError as err:
            failing = [_refuted(r) for r in err.reasons]
        if failing:
            label = f"family {old.id} v{old.version}" + (f" ({rules.short(old.description)})" if old.description else "")
            reasons += [f"{label} fails over {note}: {r}" for r in failing]
            continue
        pairs.append((old, new))
        programs.append(program)
    return pairs, programs


def _docline(source: str) -> str:
    """The first line of a module's docstring ('' without one)."""
    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return ""
    return doc.strip().splitlines()[0] if doc.strip() else ""


def _refuted(reason: str) -> str:
    """A verification failure as the checks it refuted (``example f(1) == 2: gives 3``); any
    other reason as it is."""
    if not reason.startswith(VERIFICATION_FAILED):
        return reason
    try:
        report = json.loads(reason[len(VERIFICATION_FAILED):])
        checks = [o for o in report.get("obligations", ()) if isinstance(o, dict) and o.get("verdict") == "refuted"
                  and o.get("severity", "error") == "error"]  # a weak-spec warning refutes nothing
    except (ValueError, AttributeError):
        return reason[:MAX_REPORT]
    if not checks:
        return reason[:MAX_REPORT]
    return "verification refuted " + "; ".join(
        f"{o.get('title')}" + (f" (expected {o['expected']}, got {o['actual']})" if o.get("expected") is not None
                               else f" ({o['actual']})" if o.get("actual") is not None else "")
        + (f" at line {o['span']['line']}" if isinstance(o.get("span"), dict) else "") for o in checks[:5])
