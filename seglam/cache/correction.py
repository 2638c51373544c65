"""Correcting families: a rejected answer (a counterexample, and the family quarantined
until a new version passes it), a settled example, a new version (through admission), and
retiring or collecting families. The old versions and an event log stay as history."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec

from seglam.cache.admission import Admission, Placement
from seglam.cache.admit import FamilyDraft
from seglam.cache.entry import Counterexample, Entry, Example, Provenance, Verification, now
from seglam.cache.errors import AdmissionError, SameAnswerError
from seglam.cache.hitstats import HitStats
from seglam.cache.inspection import Inspection
from seglam.cache.records import (
    log_event, purge_family, put_entry, quarantine, read_entry, resolve, trim, unfile_entry, update,
)
from seglam.cache.values import encode_value, render_value, same_answer


@dataclass(frozen=True)
class ReplaceResult:
    """A new version: its number, the verifier's diff (if any) and the inputs on which the
    old and new programs disagree."""

    entry_id: str
    version: int
    diff: str | None
    disagreements: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class GcReport:
    retired: tuple[tuple[str, str], ...]  # (id, reason)
    purged: tuple[str, ...]
    dry_run: bool


class Correction:
    """The changes to stored families that are not admissions of new ones."""

    def __init__(self, admission: Admission, inspection: Inspection, stats: HitStats) -> None:
        self.admission = admission
        self.store = admission.store
        self.runner = admission.runner
        self.inspection = inspection
        self.stats = stats

    def reject(self, entry_id: str, expected: Any, *, inputs: dict[str, Any] | None = None,
               request: str | None = None, note: str = "") -> Counterexample:
        """The family answered wrongly: store the input with the right answer as a
        counterexample and quarantine the family until a new version passes it. Raises
        :class:`SameAnswerError`, changing nothing, when the family already gives ``expected``."""
        full = resolve(self.store, entry_id)
        entry = self.inspection.get(full)
        if inputs is None:
            if request is None:
                raise ValueError("reject needs the inputs or the request text")
            patterns = self.admission.lookup.patterns
            inputs = next((b for p in entry.patterns if (b := patterns.parse(p).match(request)) is not None), None)
            if inputs is None:
                raise ValueError(f"no pattern of family {full} matches that request")
        actual = None
        try:
            program, pre = self.runner.program(entry)
            res = self.runner.gate(entry, program, pre, inputs, request)
            actual = encode_value(res.value) if res.counterexample is None else None
        except Exception:  # noqa: BLE001 - the actual answer is informational; the rejection stands
            res = None
        if actual is not None and res is not None and same_answer(res.value, expected):
            # A counterexample this version already passes (replace checks it the same way):
            # quarantining the family for it only stops a correct family serving (V-07).
            raise SameAnswerError(full, render_value(res.value))
        cx = Counterexample(kind="reject", inputs={k: encode_value(v) for k, v in inputs.items()},
                            expected=encode_value(expected), actual=actual, message=note,
                            request=request, version=entry.version, at=now())

        def change(txn: Any, e: Entry) -> Entry:
            log_event(self.store, txn, full, "rejected", e.version, note or f"expected {expected!r}")
            return msgspec.structs.replace(e, counterexamples=trim(e.counterexamples + (cx,)), status="quarantined",
                                           status_reason="rejected: " + (note or "wrong answer"), updated=now())

        update(self.store, full, change)
        return cx

    def quarantine(self, entry_id: str, reason: str) -> None:
        """Stop serving a family until a new version replaces it."""
        quarantine(self.store, resolve(self.store, entry_id), reason)

    def add_example(self, entry_id: str, inputs: dict[str, Any], expected: Any, *, request: str | None = None,
                    note: str = "") -> Entry:
        """Add a verified example: the current program must give ``expected`` on ``inputs``."""
        entry = self.inspection.get(entry_id)
        program, pre = self.runner.program(entry)
        res = self.runner.gate(entry, program, pre, inputs, request)
        if res.counterexample is not None or res.value != expected:
            got = res.outcome if res.counterexample is not None else repr(res.value)
            raise AdmissionError([f"example {inputs!r}: expected {expected!r}, the program gives {got}"])
        example = Example(inputs={k: encode_value(v) for k, v in inputs.items()}, expected=encode_value(expected),
                          request=request)

        def change(txn: Any, e: Entry) -> Entry:
            log_event(self.store, txn, e.id, "example-added", e.version, note or f"{inputs!r} -> {expected!r}")
            return msgspec.structs.replace(e, examples=(*e.examples, example), updated=now())

        new = update(self.store, entry.id, change)
        assert new is not None
        return new

    def replace(self, entry_id: str, source: str, *, entry: str | None = None, patterns: tuple[str, ...] | None = None,
                provenance: Provenance | None = None, note: str = "",
                verification: Verification | None = None, samples: tuple[str, ...] = (),
                description: str | None = None) -> ReplaceResult:
        """A new program for a family, admitted as its next version (see
        :meth:`Admission.admit`); the old version goes to history. ``verification``: a
        passing report of this very source made by the caller (the engine's, which ran
        with the request's bindings as seeds); without it the program is verified here.
        ``samples`` are added to the stored ones (each must match a pattern and be answered);
        ``description`` replaces the old one when given (a widened family does more)."""
        full = resolve(self.store, entry_id)
        old = self.inspection.get(full)
        draft = FamilyDraft(
            source=source,
            patterns=tuple(patterns) if patterns is not None else old.patterns,
            description=old.description if description is None else description,
            entry=entry or old.signature.entry,
            tasks=old.tasks,
            samples=tuple(dict.fromkeys((*old.samples, *samples))),
            examples=old.examples,
            provenance=provenance or Provenance(origin="replace", note=note),
            filename=f"{full}.sgl",
            verification=verification,
        )
        done = self.admission.admit(draft, Placement.next_version(old, note))
        return ReplaceResult(full, done.entry.version, done.diff, done.disagreements)

    def retire(self, entry_id: str, reason: str = "") -> None:
        """Stop serving a family for good; it stays readable with its history."""
        full = resolve(self.store, entry_id)

        def write(txn: Any) -> None:
            entry = read_entry(self.store, txn, full)
            if entry.status == "retired":
                return
            unfile_entry(self.store, txn, entry, self.admission.lookup.patterns)
            txn.delete(full.encode(), db=self.store.dbs["samples"])
            put_entry(self.store, txn, msgspec.structs.replace(entry, status="retired", status_reason=reason, updated=now()))
            log_event(self.store, txn, full, "retired", entry.version, reason)

        self.store.write(write)

    def gc(self, *, idle_days: float = 90.0, max_failure_rate: float = 0.5, min_calls: int = 5,
           purge: bool = False, dry_run: bool = False) -> GcReport:
        """Retire families unused for ``idle_days`` or failing on more than
        ``max_failure_rate`` of at least ``min_calls`` gated runs; with ``purge``, delete
        retired families (and their history) for good."""
        self.stats.flush()
        t = now()
        to_retire: list[tuple[str, str]] = []
        to_purge: list[str] = []
        for entry in self.inspection.list():
            s = entry.stats
            if entry.status == "retired":
                to_purge.append(entry.id)
                continue
            calls = s.hits + s.failures
            if calls >= min_calls and s.failures / calls > max_failure_rate:
                to_retire.append((entry.id, f"failing: {s.failures} of {calls} runs"))
            elif t - max(s.last_hit, entry.updated) > idle_days * 86400:
                to_retire.append((entry.id, f"unused for {idle_days:g} days"))
        if not dry_run:
            for entry_id, reason in to_retire:
                self.retire(entry_id, "gc: " + reason)
            if purge:
                to_purge += [i for i, _ in to_retire]
                for entry_id in to_purge:
                    purge_family(self.store, entry_id)
        return GcReport(tuple(to_retire), tuple(to_purge) if purge else (), dry_run)

