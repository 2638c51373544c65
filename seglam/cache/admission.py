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
(:mod:`seglam.cache.module_admission`, :mod:`seglam.cache.modules`).

The store-free rules (specificity, holes, task keys) are :mod:`seglam.cache.admit`.
"""

from __future__ import annotations

from typing import Any

import msgspec

from seglam.cache import admit as rules
from seglam.cache import index
from seglam.cache import module_admission
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Entry, LibraryModule, now
from seglam.cache.errors import (
    MAX_REPORT, VERIFICATION_FAILED, AdmissionError, ContentHashMismatch, CorruptEntryError, GateMiss, PatternError,
)
from seglam.cache.gate import render_bindings
from seglam.cache.lookup import Lookup
from seglam.cache.modules import compile_with, module_refs
from seglam.cache.pattern import Pattern, most_specific, parse_pattern
from seglam.cache.placement import Admitted, Placement
from seglam.cache.records import (
    indexed, log_event, new_id, read_entry, store_entry, unfile_entry, vkey,
)
from seglam.cache.serving import Runner
from seglam.cache.signature import leading_assert_lines, pick_entry, properties_of, signature_of
from seglam.cache.store import CacheStore
from seglam.cache.values import decode_value, same_answer
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.jsontext import escape_surrogates

__all__ = ["Admission", "Admitted", "Placement"]


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
            return module_admission.admit_module(self, draft, placement)
        module_admission.admit_helpers(self, draft)
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
            found = [(i, pat, b) for i, pat in enumerate(patterns) if (b := pat.match(text)) is not None]
            used.update(i for i, _, _ in found)
            best = most_specific([(pat, b) for _, pat, b in found])  # as a hit binds it
            if best is None:
                reasons.append(f"no pattern matches the sample request {rules.short(text)!r}")
                continue
            res = self.runner.gate(entry, program, pre, best[1], text)
            if res.counterexample is not None:
                reasons.append(f"sample {rules.short(text)!r} is refused by the gate: {res.outcome} "
                               f"{res.counterexample.message} (bound by {best[0].text!r} to "
                               f"{_shown(best[1])})")
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
                if res.counterexample is not None or not same_answer(res.value, want):
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


def _shown(bindings: dict[str, Any]) -> str:
    """``story='3/5, and ...', when='yesterday'``: what a refused sample was bound to, so a
    repair can see which part its program did not read."""
    return ", ".join(f"{name}={text}" for name, text in render_bindings(bindings, 120).items()) or "no inputs"
