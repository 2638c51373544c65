"""Admission: the one path by which a verified family enters the store.

:meth:`Admission.admit` compiles, verifies and checks a :class:`FamilyDraft` (every sample
matched and answered by the gate, every example agreed with, the patterns specific and
clashing with no other family), then writes it in one transaction that re-checks the
clashes, so two processes admitting overlapping families cannot both succeed. A
:class:`Placement` says where the draft goes: a new family (``Cache.admit``: the engine,
the CLI's ``cache add``, the starter families), a given id and version (a bundle's import),
or the next version of a stored family (``Cache.replace``: a correction, a widening),
which must also pass every counterexample stored against the family.

A library module (:meth:`Placement.module`) enters the same way: compiled, verified, and
written in one transaction; when it replaces an earlier version, every active family (and
every cache module) that imports it is re-run first, its samples, examples and
counterexamples over the new version, and moves to a new version of its own in the same
transaction. A replacement that breaks one is refused, naming the family and the check
(:mod:`seglam.cache.modules`).

The store-free rules (specificity, holes, task keys) are :mod:`seglam.cache.admit`.
"""

from __future__ import annotations

import ast
import dataclasses
import json
from dataclasses import dataclass
from typing import Any

import msgspec

from seglam.cache import admit as rules
from seglam.cache import index
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Counterexample, Entry, LibraryModule, ModuleRef, now
from seglam.cache.errors import (
    MAX_REPORT, VERIFICATION_FAILED, AdmissionError, ContentHashMismatch, CorruptEntryError, GateMiss, PatternError,
)
from seglam.cache.gate import render_bindings
from seglam.cache.lookup import Lookup
from seglam.cache.modules import (
    EVENT_PREFIX, compile_with, dependents, importers, module_filename, module_key, module_refs, name_problems,
)
from seglam.cache.pattern import Pattern, parse_pattern
from seglam.cache.records import (
    indexed, log_event, new_id, read_entry, store_entry, unfile_entry, vkey,
)
from seglam.cache.serving import Runner
from seglam.cache.signature import leading_assert_lines, pick_entry, properties_of, signature_of
from seglam.cache.store import CacheStore
from seglam.cache.values import decode_value
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.jsontext import escape_surrogates


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


class Admission:
    """Admits families into one cache."""

    def __init__(self, store: CacheStore, runner: Runner, lookup: Lookup, min_specificity: int) -> None:
        self.store = store
        self.runner = runner
        self.lookup = lookup
        self.min_specificity = min_specificity

    @property
    def toolchain(self) -> Any:
        return self.runner.toolchain

    @property
    def library(self) -> Any:
        return self.runner.library

    # -- the one path -----------------------------------------------------------------------

    def admit(self, draft: FamilyDraft, placement: Placement = Placement()) -> Admitted:
        """Verify and store ``draft`` as ``placement`` says. :class:`AdmissionError` lists
        every reason when it is refused; nothing is written then."""
        if placement.kind == "module":
            return self.admit_module(draft, placement)
        for name, source in draft.modules:  # helper modules first: the program imports them
            kept = self.library.current(name)
            if kept is not None:  # a helper never replaces a library module: the same one, or refused
                _, digest = self.compile_draft(FamilyDraft(source=source, filename=f"{name}.sgl"), Placement(),
                                               self.library.finder(), f"helper module {name}")
                if digest == kept.hash:
                    continue
                raise AdmissionError([f"helper module {name!r}: the library already has a module of that name; "
                                      f"import it (`from {name} import ...`) or give the helper another name"])
            try:
                self.admit_module(FamilyDraft(source=source, provenance=draft.provenance, filename=f"{name}.sgl"),
                                  Placement.module(name, note="a helper of a family"))
            except AdmissionError as err:
                raise AdmissionError([f"helper module {name[:60]!r}: {r}" for r in err.reasons]) from None
        old = placement.replaces
        entry, program = self.prepare(draft, placement)
        entry = placement.place(entry)
        diff: str | None = None
        disagreements: tuple[dict[str, Any], ...] = ()
        if old is not None:
            reasons = self.still_failing(entry, program)
            if reasons:
                raise AdmissionError(reasons)
            diff, disagreements = self.diff(old, entry, program)
        event, detail = (("replaced", placement.note or f"{len(disagreements)} disagreement(s) with v{old.version}")
                         if old is not None else ("admitted", entry.provenance.origin))

        indexed(self.store, self.store.write, lambda txn: self.write_version(txn, entry, old, event, detail))
        self.runner.remember(entry, program)  # (the clash check above reads the index)
        return Admitted(entry, diff, disagreements)

    def write_version(self, txn: Any, entry: Entry, old: Entry | None, event: str, detail: str) -> None:
        """Inside a write transaction: ``entry`` as a new family, or as the version after
        ``old`` (which goes to history; refused if the family changed meanwhile)."""
        current = None
        if old is not None:
            current = read_entry(self.store, txn, entry.id)
            if current.version != old.version:
                raise AdmissionError([f"family {entry.id} changed meanwhile (now v{current.version}); retry"])
            key = vkey(entry.id, current.version, 4)
            txn.put(key, self.store.seal("history", key, current), db=self.store.dbs["history"])
        self.write_family(txn, entry, current, event, detail)

    def write_family(self, txn: Any, new: Entry, current: Entry | None, event: str, detail: str) -> None:
        """Inside a write transaction: refuse a clash (or, for a new family, an existing
        id), then file and store ``new`` in place of ``current``."""
        clash = self.clashes(txn, new, exclude=new.id)
        if clash:
            raise AdmissionError(clash)
        if current is None:
            if txn.get(new.id.encode(), db=self.store.dbs["entries"]) is not None:
                raise AdmissionError([f"an entry {new.id} already exists"])
        else:
            unfile_entry(self.store, txn, current, self.lookup.patterns)
        store_entry(self.store, txn, new)
        log_event(self.store, txn, new.id, event, new.version, detail)

    # -- library modules ----------------------------------------------------------------------

    def admit_module(self, draft: FamilyDraft, placement: Placement) -> Admitted:
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
        versions = self.library.versions(name)
        current = versions[-1] if versions else None
        if placement.imported and placement.program_hash is not None:  # a bundle's: kept already?
            kept = next((m for m in versions if m.hash == placement.program_hash), None)
            if kept is not None:
                return Admitted(None, module=kept, unchanged=True)
        record, program = self.prepare_module(draft, placement, {})
        if current is not None and current.hash == record.hash:
            return Admitted(None, module=current, unchanged=True)
        record = msgspec.structs.replace(record, version=current.version + 1 if current is not None else 1)
        overrides = {name: record}
        modules = [record]
        for dep in dependents(self.library.latest(), name):
            try:
                again, _ = self.prepare_module(FamilyDraft(source=dep.source, description=dep.description,
                                                           provenance=dep.provenance, filename=module_filename(dep)),
                                               Placement.module(dep.name), overrides)
            except AdmissionError as err:
                reasons += [f"module {dep.name} v{dep.version} imports {name}: {r}" for r in err.reasons]
                continue
            overrides[dep.name] = msgspec.structs.replace(again, version=dep.version + 1)
            modules.append(overrides[dep.name])
        families, programs = self.rerun_importers(overrides, f"module {name} v{record.version}", reasons)
        if reasons:
            raise AdmissionError(reasons)
        event = "module-replaced" if current is not None else "module-admitted"

        def write(txn: Any) -> None:
            now_current = self.library.current(name, txn)
            if (now_current.version if now_current else 0) != (current.version if current else 0):
                raise AdmissionError([f"module {name} changed meanwhile; retry"])
            for module in modules:
                key = module_key(module.name, module.version)
                txn.put(key, self.store.seal("modules", key, module), db=self.store.dbs["modules"])
                log_event(self.store, txn, EVENT_PREFIX + module.name, event if module is record else "module-rebuilt",
                          module.version, placement.note or module.hash[:12])
            for old, new in families:
                self.write_version(txn, new, old, "replaced", f"module {name} v{record.version}")

        indexed(self.store, self.store.write, write)
        for (_, new), program in zip(families, programs):
            self.runner.remember(new, program)
        return Admitted(None, module=record, families=tuple(new for _, new in families), modules=tuple(modules[1:]))

    def prepare_module(self, draft: FamilyDraft, placement: Placement,
                       overrides: dict[str, LibraryModule]) -> tuple[LibraryModule, Any]:
        """Compile and verify a module (every function, its examples and properties); the
        record it would store (version 0: the caller numbers it), and its program."""
        finder = self.library.finder(placement.pins, overrides)
        program, digest = self.compile_draft(draft, placement, finder, f"module {placement.module_name}")
        verification = draft.verification
        if verification is None or not verification.ok:
            verification = self.toolchain.verify(program)
        if not verification.ok:
            raise AdmissionError([f"module {placement.module_name}: " + VERIFICATION_FAILED + verification.summary[:MAX_REPORT]])
        return LibraryModule(name=placement.module_name, version=0, source=draft.source, hash=digest,
                             imports=module_refs(program, finder), description=draft.description or _docline(draft.source),
                             verification=verification, provenance=draft.provenance, created=now()), program

    def rerun_importers(self, overrides: dict[str, LibraryModule], note: str,
                        reasons: list[str]) -> tuple[list[tuple[Entry, Entry]], list[Any]]:
        """Every active family importing one of ``overrides``, prepared as its next version
        over them: verified again, its samples and examples re-run (admission's checks) and
        its stored counterexamples too. A failure is appended to ``reasons``, naming the family."""
        pairs: list[tuple[Entry, Entry]] = []
        programs: list[Any] = []
        for old in importers(self.library.families(), set(overrides)):
            draft = FamilyDraft(source=old.source, patterns=old.patterns, description=old.description,
                                entry=old.signature.entry, tasks=old.tasks, samples=old.samples, examples=old.examples,
                                provenance=msgspec.structs.replace(old.provenance, note=note),
                                filename=f"{old.id}.sgl")  # verified again: its own asserts run over the new module
            placement = dataclasses.replace(Placement.next_version(old, note), pins=old.modules)
            try:
                new, program = self.prepare(draft, placement, overrides)
                new = placement.place(new)
                failing = self.still_failing(new, program)
            except AdmissionError as err:
                failing = [_refuted(r) for r in err.reasons]
            if failing:
                label = f"family {old.id} v{old.version}" + (f" ({rules.short(old.description)})" if old.description else "")
                reasons += [f"{label} fails over {note}: {r}" for r in failing]
                continue
            pairs.append((old, new))
            programs.append(program)
        return pairs, programs

    def put_verified(self, entries: list[Entry], *, clash_check: bool = False) -> None:
        """Store entries that were verified elsewhere, skipping the verification; with
        ``clash_check``, written as :meth:`admit` writes (clashes refused, event logged)."""

        def write(txn: Any) -> None:
            for entry in entries:
                if clash_check:
                    self.write_family(txn, entry, None, "admitted", entry.provenance.origin)
                else:
                    store_entry(self.store, txn, entry)

        if clash_check:
            indexed(self.store, self.store.write, write)
        else:
            self.store.write(write)

    # -- checks -----------------------------------------------------------------------------

    def prepare(self, draft: FamilyDraft, placement: Placement = Placement(),
                overrides: dict[str, LibraryModule] | None = None) -> tuple[Entry, Any]:
        """Compile, verify and check a draft; the Entry it would store, and its program.
        Its Seglam imports are found in the standard library, the search path, then the
        cache's library (``overrides``: module versions being admitted; ``placement.pins``:
        the versions a bundle's family was verified with)."""
        texts = {"source": [draft.source], "description": [draft.description], "pattern": draft.patterns,
                 "sample": draft.samples, "task": draft.tasks, "request": [draft.request or ""]}
        unstorable = [name for name, items in texts.items() if any(escape_surrogates(t) != t for t in items)]
        if unstorable:  # no UTF-8 record (nor LMDB key) can hold them
            raise AdmissionError([f"a {name} contains a lone surrogate (U+D800..U+DFFF)" for name in unstorable])
        finder = (self.library.finder(placement.pins, overrides) if overrides or placement.pins
                  else self.library.finder_if_any())
        program, program_hash = self.compile_draft(draft, placement, finder, "program")
        entry_name = pick_entry(draft.source, draft.entry)
        verification = draft.verification
        if verification is None or not verification.ok:
            verification = self.toolchain.verify(program, entries=(entry_name,))
        if not verification.ok:
            # the whole report (the engine and the CLI render it; cut, it would not parse)
            raise AdmissionError([VERIFICATION_FAILED + verification.summary[:MAX_REPORT]])
        signature = signature_of(draft.source, entry_name)
        reasons: list[str] = []
        patterns: list[Pattern] = []
        for text in rules.dedupe(draft.patterns):
            try:
                pat = parse_pattern(text)
            except PatternError as err:
                reasons.append(f"pattern {text!r}: {err}")
                continue
            patterns.append(pat)
            reasons += rules.check_holes(pat, signature)
            reasons += rules.check_pattern_admissible(pat, min_specificity=self.min_specificity)
        samples = rules.dedupe(tuple(draft.samples) + ((draft.request,) if draft.request else ()))
        if patterns and not samples:
            reasons.append("a family with patterns needs at least one sample request")
        if not patterns and not draft.tasks:
            reasons.append("a family needs a pattern or a structured task")
        if reasons:
            raise AdmissionError(reasons)
        now_ = now()
        entry = Entry(
            id=placement.entry_id or new_id(program_hash, [p.text for p in patterns]),
            version=placement.version,
            description=draft.description,
            patterns=tuple(p.text for p in patterns),
            tasks=rules.dedupe(tuple(rules.normalise_task(t) for t in draft.tasks)),
            source=draft.source,
            program_hash=program_hash,
            signature=signature,
            examples=tuple(draft.examples),
            properties=properties_of(draft.source),
            verification=verification,
            samples=samples,
            provenance=msgspec.structs.replace(draft.provenance, created=draft.provenance.created or now_),
            modules=module_refs(program, finder),
            created=now_,
            updated=now_,
        )
        pre = leading_assert_lines(draft.source, entry_name)
        reasons += self.check_runs(entry, program, pre, patterns, draft)
        if reasons:
            raise AdmissionError(reasons)
        return entry, program

    def compile_draft(self, draft: FamilyDraft, placement: Placement, finder: Any, what: str) -> tuple[Any, str]:
        """The draft's program and content hash; refused when it does not check or its hash
        is not the one ``placement`` expects (checked before verifying: the clearest reason,
        and cheap)."""
        try:
            program = compile_with(self.toolchain, draft.source, draft.filename, finder)
        except CheckError as err:
            raise AdmissionError([f"{what} does not check:\n{err.render()}"]) from None
        digest = self.toolchain.program_hash(program)
        if placement.program_hash is not None and digest != placement.program_hash:
            raise ContentHashMismatch([f"{what} content hash {digest[:12]} differs from the manifest's "
                                  f"{placement.program_hash[:12]}: the {what.split()[0]} was edited "
                                  "(or the language version differs)"])
        return program, digest

    def check_runs(self, entry: Entry, program: Any, pre: frozenset[int], patterns: list[Pattern],
                   draft: FamilyDraft) -> list[str]:
        """Every sample is matched and answered; every pattern matches a sample; the
        program agrees with the model's own answer and with every example."""
        reasons = []
        used = set()
        for text in entry.samples:
            bound = None
            for i, pat in enumerate(patterns):
                b = pat.match(text)
                if b is not None:
                    used.add(i)
                    bound = bound or b
            if bound is None:
                reasons.append(f"no pattern matches the sample request {rules.short(text)!r}")
                continue
            res = self.runner.gate(entry, program, pre, bound, text)
            if res.counterexample is not None:
                reasons.append(f"sample {rules.short(text)!r} is refused by the gate: {res.outcome} {res.counterexample.message}")
            elif text == draft.request and draft.has_expected and res.value != draft.expected:
                reasons.append(
                    f"the program answers {res.value!r} to the originating request, the model answered {draft.expected!r}"
                )
        for i, pat in enumerate(patterns):
            if entry.samples and i not in used:
                reasons.append(f"pattern {pat.text!r} matches none of the family's sample requests")
        for ex in entry.examples:
            inputs = {k: decode_value(v) for k, v in ex.inputs.items()}
            res = self.runner.gate(entry, program, pre, inputs, ex.request)
            expected = decode_value(ex.expected)
            if res.counterexample is not None:
                reasons.append(f"example {inputs!r} is refused by the gate: {res.outcome} {res.counterexample.message}")
            elif res.value != expected:
                reasons.append(f"example {inputs!r}: expected {expected!r}, the program gives {res.value!r}")
        return reasons

    def still_failing(self, new: Entry, program: Any) -> list[str]:
        """The stored counterexamples a new version still gets wrong."""
        pre = leading_assert_lines(new.source, new.signature.entry)
        reasons = []
        for cx in new.counterexamples:
            inputs = {k: decode_value(v) for k, v in cx.inputs.items()}
            res = self.runner.gate(new, program, pre, inputs, cx.request)
            if cx.kind == "reject":
                want = decode_value(cx.expected)
                if res.counterexample is not None or res.value != want:
                    got = res.outcome if res.counterexample is not None else repr(res.value)
                    reasons.append(f"counterexample {inputs!r}: expected {want!r}, new version gives {got}")
            elif cx.kind in ("fault", "ensures") and res.outcome not in ("hit", "domain"):
                reasons.append(f"counterexample {inputs!r} still fails: {res.outcome} {res.counterexample.message}")
        return reasons

    def diff(self, old: Entry, new: Entry, new_program: Any) -> tuple[str | None, tuple[dict[str, Any], ...]]:
        """The verifier's diff when available, plus a differential run of both versions
        on every input the family has seen."""
        try:
            old_program, old_pre = self.runner.program(old)
        except GateMiss:
            return None, ()
        diff_text = None
        try:
            diff_text = self.toolchain.diff(old_program, new_program)
        except Exception as err:  # noqa: BLE001 - the diff is advice; its failure is reported, not fatal
            diff_text = f"diff unavailable: {type(err).__name__}: {err}"
        inputs: list[dict[str, Any]] = []
        for text in new.samples:
            b = next((b for p in new.patterns if (b := self.lookup.patterns.parse(p).match(text)) is not None), None)
            if b is not None:
                inputs.append(b)
        inputs += [{k: decode_value(v) for k, v in ex.inputs.items()} for ex in new.examples]
        inputs += [{k: decode_value(v) for k, v in cx.inputs.items()} for cx in new.counterexamples]
        new_pre = leading_assert_lines(new.source, new.signature.entry)
        out = []
        for b in inputs:
            a = self.runner.gate(old, old_program, old_pre, b, None)
            c = self.runner.gate(new, new_program, new_pre, b, None)
            if (a.outcome, a.value) != (c.outcome, c.value):
                out.append({"inputs": render_bindings(b), "old": a.outcome if a.counterexample else repr(a.value),
                            "new": c.outcome if c.counterexample else repr(c.value)})
        return diff_text, tuple(out)

    def check_pattern(self, pattern: str, own_samples: tuple[str, ...] = (), exclude: str | None = None) -> list[str]:
        """:func:`check_pattern_admissible` against every stored, non-retired family."""
        reasons = rules.check_pattern_admissible(pattern, own_samples, (), min_specificity=self.min_specificity)
        try:
            pat = parse_pattern(pattern)
        except PatternError:
            return reasons
        with self.store.read() as txn:
            reasons += self.pattern_clashes(txn, [pat], own_samples, exclude)
        return reasons

    def clashes(self, txn: Any, entry: Entry, exclude: str | None) -> list[str]:
        pats = [self.lookup.patterns.parse(p) for p in entry.patterns]
        reasons = self.pattern_clashes(txn, pats, entry.samples, exclude)
        names = [p.name for p in entry.signature.params]
        for task in entry.tasks:
            for other_id in self.lookup.task_ids_in(txn, index.task_key(task, names)):
                if other_id != exclude:
                    reasons.append(f"structured task {task!r} with these inputs already belongs to family {other_id}")
        return reasons

    def pattern_clashes(self, txn: Any, pats: list[Pattern], own: tuple[str, ...], exclude: str | None) -> list[str]:
        """Another family's sample matched by one of ``pats``, or one of ``own`` matched by
        another family's pattern. The first direction scans stored samples (admission
        only, O(families)); the second uses the index."""
        reasons = []
        for i, text in enumerate(own):
            which = "the request" if i == 0 else f"example request {i}"  # samples: the request, then the examples'
            for m, _ in self.lookup.matches_in(txn, text):
                if m.entry_id != exclude:
                    reasons.append(f"family {m.entry_id}'s pattern {m.pattern!r} matches {which} {rules.short(text)!r}")
        probes = [(p, p.anchors) for p in pats]
        for key, raw in txn.cursor(self.store.dbs["samples"]):
            other = bytes(key).decode()
            if other == exclude:
                continue
            try:
                texts = self.store.unseal("samples", other, raw, list[str])
            except CorruptEntryError:
                texts = []  # a damaged sample list only weakens this check; the index check above still ran
            for text in texts:
                low = None
                for pat, anchors in probes:
                    low = low if low is not None else text.lower()
                    if all(a in low for a in anchors) and pat.match(text) is not None:
                        reasons.append(f"pattern {pat.text!r} matches a request of family {other}: {rules.short(text)!r}")
        return list(dict.fromkeys(reasons))

    # -- a pattern for a stored family --------------------------------------------------------

    def add_pattern(self, entry: Entry, pattern: str, sample: str) -> str:
        """Teach an active family one more pattern: the pattern passes every admission rule,
        ``sample`` matches it and passes the gate. Returns the canonical pattern."""
        if entry.status != "active":
            raise AdmissionError([f"family {entry.id} is {entry.status}; only an active family learns patterns"])
        pat = parse_pattern(pattern)
        if pat.text in entry.patterns:
            return pat.text
        reasons = rules.check_holes(pat, entry.signature)
        reasons += rules.check_pattern_admissible(pat, min_specificity=self.min_specificity)
        bindings = pat.match(sample)
        if bindings is None:
            reasons.append(f"pattern {pat.text!r} does not match its sample {rules.short(sample)!r}")
        if reasons:
            raise AdmissionError(reasons)
        program, pre = self.runner.program(entry)
        res = self.runner.gate(entry, program, pre, bindings, sample)
        if res.counterexample is not None:
            raise AdmissionError([f"the sample is refused by the gate: {res.outcome} {res.counterexample.message}"])

        def write(txn: Any) -> None:
            current = read_entry(self.store, txn, entry.id)
            if current.program_hash != entry.program_hash or current.status != "active":
                raise AdmissionError([f"family {entry.id} changed meanwhile; retry"])
            new = msgspec.structs.replace(current, patterns=current.patterns + (pat.text,),
                                          samples=rules.dedupe(current.samples + (sample,)), updated=now())
            self.write_family(txn, new, current, "pattern-added", pat.text)

        indexed(self.store, self.store.write, write)
        return pat.text


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
        checks = [o for o in report.get("obligations", ()) if isinstance(o, dict) and o.get("verdict") == "refuted"]
    except (ValueError, AttributeError):
        return reason[:MAX_REPORT]
    if not checks:
        return reason[:MAX_REPORT]
    return "verification refuted " + "; ".join(
        f"{o.get('title')}" + (f" (expected {o['expected']}, got {o['actual']})" if o.get("expected") is not None
                               else f" ({o['actual']})" if o.get("actual") is not None else "")
        + (f" at line {o['span']['line']}" if isinstance(o.get("span"), dict) else "") for o in checks[:5])
