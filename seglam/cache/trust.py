"""Trust records: what each family has earned since it was admitted (``cache.trust``).

Admission checks a family against one request and the model's own examples; trust is
earned afterwards, per version (docs/cache.md, "Trust"):

- **observations**: requests on which the program and an independent answer (a cheap
  direct model call, or a user's confirmation) agreed;
- **disputes**: inputs on which they disagreed, kept with both values until settled
  (``program-wrong``: the input is then a ``reject`` counterexample of the family;
  ``program-right``: a verified example) and kept for the family's history after;
- the **envelope** (:mod:`seglam.cache.envelope`) of the inputs the version was verified
  on (its samples, examples and reject counterexamples) and observed on, and the holes
  declared **open** (:meth:`TrustBook.declare_open`);
- **refusals**: requests of its kind it refused (its precondition refused them, or its
  patterns cannot bind them): counted, and the last :data:`MAX_REFUSED` distinct ones of
  the version kept with why (``refused``, most recent first), which a widening shows the
  model and the widened version must answer where its patterns claim them;
- **widenings**: attempts at a wider version of this version (and of the earlier ones),
  and the refusals since the last one; ``seglam.engine.widening.widening_due`` spaces the attempts out;
- the **observed** inputs themselves (the last :data:`MAX_OBSERVED`, with the confirmed
  answer), carried from version to version: a new version that gives the confirmed answer
  on every one of them earns them as its own observations (:meth:`TrustBook.replay`), so
  a repair or a widening that changes nothing the old version was seen to get right does
  not start probation again;
- **repairs** and **claims** of a quarantined version: how many recompiles were tried and
  how many requests it claimed since; :func:`repair_due` spaces the recompiles out.

Records live in the store's ``trust`` database, one per family id, sealed like every other
record: a damaged one is reported (``TrustBook.damaged``) and read as a fresh record, so
damage can cost probation calls, never trust the family did not earn. This module records;
the engine (:mod:`seglam.engine.trust`) decides what to do with the records.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any, Callable, Mapping

import lmdb
import msgspec

from seglam.cache.entry import Counterexample, Entry
from seglam.cache.envelope import Hole, novelties, program_words, widen_all
from seglam.cache.errors import CorruptEntryError, NotFoundError, PatternError
from seglam.cache.pattern import parse_pattern
from seglam.cache.signature import covering_properties
from seglam.cache.values import ValueFormatError, decode_value, encode_value, render_value

DB_NAME = "trust"
#: Settled disputes kept per family (open ones are always kept).
MAX_SETTLED = 50
MAX_HISTORY = 40
MEMO = 4096
#: Observed inputs (with their confirmed answers) kept per family for replay.
MAX_OBSERVED = 32
#: Distinct refused requests kept per family version (most recent first) for its widening.
MAX_REFUSED = 8
#: How long a kept refused request and its reason may be.
MAX_REFUSED_CHARS = 2000
MAX_REFUSED_WHY = 600
ORIGINS = ("shadow", "novel", "user", "operator")
STATUSES = ("open", "program-wrong", "program-right")


class TrustEvent(msgspec.Struct, frozen=True, gc=False):
    at: float
    kind: str  # observed | disputed | settled | open | refused | reset
    version: int
    detail: str = ""


class Dispute(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """An input on which the program and another answer disagreed (values encoded with
    :func:`seglam.cache.values.encode_value`)."""

    id: str
    version: int
    origin: str  # shadow | novel (a probation call) | user (feedback) | operator (seglam cache reject)
    inputs: dict[str, Any]
    request: str | None = None
    program: Any = None  # what the program answered
    other: Any = None  # the direct answer, or the user's expected one (None: not given)
    status: str = "open"  # open | program-wrong | program-right
    settled_by: str = ""  # model | operator
    answer: Any = None  # the right answer, once settled
    why: str = ""
    at: float = 0.0
    settled_at: float = 0.0

    def render(self) -> str:
        """One line: where, both values, and how it stands."""
        try:
            inputs = ", ".join(f"{k}={render_value(decode_value(v))[:60]}" for k, v in self.inputs.items())
            program, other = render_value(decode_value(self.program)), render_value(decode_value(self.other))
        except ValueFormatError:
            inputs, program, other = "?", "?", "?"
        head = f"request {self.request[:200]!r}" if self.request else f"inputs {inputs}"
        tail = self.status if self.status == "open" else f"settled {self.status} by {self.settled_by}"
        return f"{head}: the program answered {program}, the {self.origin} answer was {other} ({tail})"


class Observed(msgspec.Struct, frozen=True, gc=False):
    """An input on which the program's answer was confirmed by an independent one (values
    encoded with :func:`seglam.cache.values.encode_value`)."""

    inputs: dict[str, Any]
    answer: Any
    version: int


class Refused(msgspec.Struct, frozen=True, gc=False):
    """A request of the family's kind that this version refused, and why (its gate's or
    precondition's line, or that its patterns cannot bind it)."""

    request: str
    why: str
    at: float = 0.0


class TrustRecord(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """One family's earned trust; ``version`` is the version the counts belong to."""

    id: str
    version: int
    observations: int = 0
    needed: int | None = None  # the probation length the engine last asked for (None: never checked)
    envelope: dict[str, Hole] = {}
    open_holes: tuple[str, ...] = ()
    known: tuple[str, ...] = ()  # the words the program's own string literals name (envelope.program_words)
    disputes: tuple[Dispute, ...] = ()
    refusals: int = 0  # refusals of every version
    refused: tuple[Refused, ...] = ()  # this version's distinct refused requests, most recent first
    widenings: int = 0  # times this version was asked to be widened
    earlier_widenings: int = 0  # times the family's earlier versions were (engine.widening spaces on from them)
    since_widening: int = 0  # refusals of this version since its last widening (or since it began)
    observed: tuple[Observed, ...] = ()  # confirmed inputs, of this and earlier versions
    replayed: bool = False  # the earlier versions' observations were replayed on this one
    repairs: int = 0  # recompiles tried while this version was quarantined
    claims: int = 0  # requests this version claimed while quarantined
    history: tuple[TrustEvent, ...] = ()
    updated: float = 0.0

    def open_disputes(self, version: int | None = None) -> list[Dispute]:
        return [d for d in self.disputes if d.status == "open" and (version is None or d.version == version)]

    def state(self, needed: int | None = None) -> str:
        """``disputed`` (an open dispute on this version), ``probation`` (fewer observations
        than ``needed``), ``trusted``, or ``unchecked`` (no engine has checked it yet)."""
        if self.open_disputes(self.version):
            return "disputed"
        want = self.needed if needed is None else needed
        if want is None:
            return "unchecked"
        return "probation" if self.observations < want else "trusted"

    def novel(self, bindings: Mapping[str, Any]) -> list[str]:
        """Why ``bindings`` leave this version's envelope (empty: inside it)."""
        return novelties(self.envelope, bindings, self.open_holes, self.known)

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


def fresh(entry: Entry, carried: TrustRecord | None = None) -> TrustRecord:
    """The record a version starts with: no observations, the envelope of the inputs it was
    verified on, the disputes, refusals and still-covered open holes of earlier versions."""
    envelope: dict[str, Hole] = {}
    for bindings in verified_inputs(entry):
        envelope = widen_all(envelope, bindings)
    open_holes = tuple(h for h in (carried.open_holes if carried else ()) if covering_properties(entry.source, entry.signature, h))
    return TrustRecord(
        id=entry.id, version=entry.version, envelope=envelope, open_holes=open_holes,
        known=tuple(sorted(program_words(entry.source))),
        disputes=carried.disputes if carried else (), refusals=carried.refusals if carried else 0,
        observed=carried.observed if carried else (), needed=carried.needed if carried else None, history=carried.history if carried else (), updated=time.time(),
        earlier_widenings=carried.earlier_widenings + carried.widenings if carried else 0,
    )


def verified_inputs(entry: Entry) -> list[dict[str, Any]]:
    """The bound inputs of the entry's samples, examples and reject counterexamples."""
    out = []
    pats = []
    for text in entry.patterns:
        try:
            pats.append(parse_pattern(text))
        except PatternError:
            continue
    for sample in entry.samples:
        bound = next((b for p in pats if (b := p.match(sample)) is not None), None)
        if bound is not None:
            out.append(bound)
    for inputs in [ex.inputs for ex in entry.examples] + [cx.inputs for cx in entry.counterexamples if cx.kind == "reject"]:
        try:
            out.append({k: decode_value(v) for k, v in inputs.items()})
        except ValueFormatError:
            continue
    return out


class TrustBook:
    """The trust records of one cache, in its store's ``trust`` database."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.db = store.dbs[DB_NAME]
        self.damaged: list[tuple[str, str]] = []  # (family id, why) met since opening
        # records already read, by the entry state and the exact stored bytes (a hit reads its
        # family's record every time; the same bytes need no second check)
        self._memo: dict[str, tuple[tuple[Any, ...], TrustRecord]] = {}

    # -- reading ----------------------------------------------------------------------------

    def view(self, entry: Entry) -> TrustRecord:
        """The record for ``entry``'s current version (a fresh one if none is stored yet)."""
        with self.store.read() as txn:
            raw = txn.get(entry.id.encode(), db=self.db)
            stamp = (entry.version, entry.updated, entry.program_hash, bytes(raw) if raw is not None else None)
            known = self._memo.get(entry.id)
            if known is not None and known[0] == stamp:
                return known[1]
            record = self._current(txn, entry)
        if len(self._memo) >= MEMO:
            self._memo.clear()
        self._memo[entry.id] = (stamp, record)
        return record

    def list(self) -> list[TrustRecord]:
        out = []
        with self.store.read() as txn:
            for key, raw in txn.cursor(self.db):
                record = self._unseal(bytes(key).decode(), raw)
                if record is not None:
                    out.append(record)
        return out

    def get(self, entry_id: str) -> TrustRecord | None:
        """The stored record of a family (any version), or None."""
        with self.store.read() as txn:
            raw = txn.get(entry_id.encode(), db=self.db)
            return self._unseal(entry_id, raw) if raw is not None else None

    # -- learning ---------------------------------------------------------------------------

    def observe(self, entry: Entry, bindings: Mapping[str, Any], *, needed: int, source: str = "shadow",
                answer: Any = None) -> TrustRecord:
        """The program and an independent answer agreed on ``bindings`` (on ``answer``, which
        is kept for replay on later versions when given)."""
        kept = _observed(bindings, answer, entry.version) if answer is not None else None

        def change(record: TrustRecord) -> TrustRecord:
            observed = record.observed if kept is None else (*record.observed, kept)[-MAX_OBSERVED:]
            return _event(msgspec.structs.replace(
                record, observations=record.observations + 1, needed=needed, observed=observed,
                envelope=widen_all(record.envelope, bindings, verified=False)), "observed", entry.version, source)

        return self._change(entry, change)

    def replay(self, entry: Entry, gives: Callable[[dict[str, Any], Any], bool]) -> TrustRecord:
        """Replay the observations of earlier versions on ``entry``'s version, once:
        ``gives(bindings, answer)`` says whether this version's program gives the confirmed
        ``answer`` on ``bindings``. When it does on every one, each counts as an observation
        of this version (and widens its envelope as an observation does): the program agreed
        with an independent answer on that input, only the answer was got earlier. When it
        does not on one, nothing is inherited and probation goes on as for a new family."""
        record = self.view(entry)
        older = [o for o in record.observed if o.version < entry.version]
        if record.replayed or not older:
            return record
        failed = ""
        for o in older:
            try:
                bindings, answer = {k: decode_value(v) for k, v in o.inputs.items()}, decode_value(o.answer)
            except ValueFormatError:
                continue
            if not gives(bindings, answer):
                failed = f"v{entry.version} differs from the confirmed answer {render_value(answer)[:80]} on " + \
                    ", ".join(f"{k}={render_value(v)[:40]}" for k, v in bindings.items())
                break

        def change(r: TrustRecord) -> TrustRecord:
            if r.replayed:
                return r
            if failed:
                return _event(msgspec.structs.replace(r, replayed=True), "replayed", entry.version, f"not inherited: {failed}")
            envelope = r.envelope
            for o in older:
                envelope = widen_all(envelope, {k: decode_value(v) for k, v in o.inputs.items()}, verified=False)
            observed = tuple(msgspec.structs.replace(o, version=entry.version) if o.version < entry.version else o
                             for o in r.observed)
            return _event(msgspec.structs.replace(r, replayed=True, observations=r.observations + len(older),
                                                  envelope=envelope, observed=observed),
                          "replayed", entry.version, f"{len(older)} earlier observation(s) reproduced: inherited")

        return self._change(entry, change)

    def claimed_while_quarantined(self, entry: Entry, *, repairing: bool) -> TrustRecord:
        """A request ``entry`` (quarantined) claimed; ``repairing``: it is recompiled now."""
        return self._change(entry, lambda r: msgspec.structs.replace(
            r, claims=r.claims + 1, repairs=r.repairs + (1 if repairing else 0)), stale=True)

    def dispute(self, entry: Entry, bindings: Mapping[str, Any], *, origin: str, program: Any, other: Any,
                request: str | None = None, needed: int | None = None) -> Dispute:
        """Record a disagreement on ``bindings`` (open until :meth:`settle`)."""
        if origin not in ORIGINS:
            raise ValueError(f"origin must be one of {ORIGINS}")
        stamp = time.time()
        found = Dispute(id=_dispute_id(entry.id, stamp, request), version=entry.version, origin=origin,
                        inputs={k: _encode(v) for k, v in bindings.items()}, request=request[:20000] if request else None,
                        program=_encode(program), other=_encode(other), at=stamp)

        def change(record: TrustRecord) -> TrustRecord:
            record = msgspec.structs.replace(record, disputes=_trim((*record.disputes, found)),
                                             needed=record.needed if needed is None else needed)
            return _event(record, "disputed", entry.version, found.render()[:300])

        self._change(entry, change, stale=True)
        return found

    def settle(self, entry: Entry, dispute_id: str, status: str, *, answer: Any, why: str, by: str) -> Dispute:
        """Settle an open dispute: ``program-right`` grows the envelope by its input,
        ``program-wrong`` only records it (the caller stores the counterexample)."""
        if status not in STATUSES[1:]:
            raise ValueError(f"status must be one of {STATUSES[1:]}")
        settled: list[Dispute] = []

        def change(record: TrustRecord) -> TrustRecord:
            disputes = []
            envelope = record.envelope
            for d in record.disputes:
                if d.id == dispute_id and d.status == "open":
                    d = msgspec.structs.replace(d, status=status, settled_by=by, answer=_encode(answer),
                                                why=why[:2000], settled_at=time.time())
                    settled.append(d)
                    if status == "program-right" and d.version == record.version:
                        envelope = widen_all(envelope, {k: decode_value(v) for k, v in d.inputs.items()})
                disputes.append(d)
            if not settled:
                raise NotFoundError(f"no open dispute {dispute_id!r} on family {entry.id}")
            record = msgspec.structs.replace(record, disputes=_trim(tuple(disputes)), envelope=envelope)
            return _event(record, "settled", entry.version, f"{dispute_id}: {status} ({by}): {why[:200]}")

        self._change(entry, change, stale=True)
        return settled[0]

    def rejected(self, entry: Entry, cx: Counterexample) -> Dispute:
        """An operator's correction (``seglam cache reject``: :meth:`Cache.reject` stored
        ``cx``) as a dispute settled ``program-wrong`` by the operator."""
        found = self.dispute(entry, {k: decode_value(v) for k, v in cx.inputs.items()}, origin="operator",
                             request=cx.request, other=decode_value(cx.expected),
                             program=decode_value(cx.actual) if cx.actual is not None else None)
        return self.settle(entry, found.id, "program-wrong", answer=decode_value(cx.expected), by="operator",
                           why=cx.message or "rejected by an operator")

    def refused(self, entry: Entry, why: str, request: str | None = None) -> TrustRecord:
        """``entry`` refused a request of its kind (``why``: its precondition's line, or that
        its patterns cannot bind it). Counted; ``request`` (free text) is kept in this
        version's ``refused`` (distinct, most recent first, at most :data:`MAX_REFUSED`).
        A refusal met by an older version than the stored one only counts."""

        def change(r: TrustRecord) -> TrustRecord:
            r = msgspec.structs.replace(r, refusals=r.refusals + 1)
            if r.version == entry.version:
                kept = r.refused if request is None else remember_refused(r.refused, request, why)
                r = msgspec.structs.replace(r, refused=kept, since_widening=r.since_widening + 1)
            return _event(r, "refused", entry.version, why[:200])

        return self._change(entry, change, stale=True)

    def widening(self, entry: Entry, why: str) -> TrustRecord:
        """The engine asks the model for a widened version of ``entry``: counted per version,
        and the refusals since the last attempt start again from 0
        (``seglam.engine.widening.widening_due``)."""
        return self._change(entry, lambda r: _event(msgspec.structs.replace(
            r, widenings=r.widenings + 1, since_widening=0), "widening", entry.version, why[:200]))

    def declare_open(self, entry: Entry, hole: str) -> TrustRecord:
        """Declare ``hole`` open: the program handles any value of it, so the novelty gate
        skips it. Refused (ValueError) unless one of the program's properties takes a
        parameter of that name and type and calls the entry point: the verifier fuzzes
        properties over their whole parameter types, so the claim is checked on any value."""
        if entry.signature.param(hole) is None:
            raise ValueError(f"family {entry.id} has no hole {hole!r}; its holes: "
                             + ", ".join(p.name for p in entry.signature.params))
        props = covering_properties(entry.source, entry.signature, hole)
        if not props:
            raise ValueError(
                f"no property covers hole {hole!r}: add a prop_* function that takes {hole}: "
                f"{entry.signature.param(hole).type} and calls {entry.signature.entry} (the verifier fuzzes it over "
                "every value of that type), replace the program, then declare the hole open")

        def change(record: TrustRecord) -> TrustRecord:
            holes = tuple(sorted({*record.open_holes, hole}))
            return _event(msgspec.structs.replace(record, open_holes=holes), "open", entry.version,
                          f"{hole} declared open; covered by {', '.join(props)}")

        return self._change(entry, change)

    def forget(self, entry_id: str) -> None:
        """Drop a family's record (the family was purged)."""
        self.store.write(lambda txn: txn.delete(entry_id.encode(), db=self.db))

    # -- internals ----------------------------------------------------------------------------

    def _current(self, txn: lmdb.Transaction, entry: Entry) -> TrustRecord:
        raw = txn.get(entry.id.encode(), db=self.db)
        record = self._unseal(entry.id, raw) if raw is not None else None
        if record is not None and record.version == entry.version:
            return record
        if record is not None and record.version > entry.version:
            return fresh(entry)  # an older version read from history: nothing earned applies
        return fresh(entry, record)

    def _change(self, entry: Entry, change: Callable[[TrustRecord], TrustRecord], *, stale: bool = False) -> TrustRecord:
        """Apply ``change`` to ``entry``'s record in one write. ``entry`` may be stale (a newer
        version was stored meanwhile): then only a ``stale`` change (a dispute, a settlement,
        a refusal: kept with the version they name) is applied to the newer record; anything
        else (an observation of the old program) is dropped."""

        def write(txn: lmdb.Transaction) -> TrustRecord:
            raw = txn.get(entry.id.encode(), db=self.db)
            stored = self._unseal(entry.id, raw) if raw is not None else None
            if stored is not None and stored.version > entry.version:
                if not stale:
                    return stored
                record = change(stored)
            else:
                record = change(self._current(txn, entry))
            record = msgspec.structs.replace(record, updated=time.time())
            txn.put(entry.id.encode(), self.store.seal(DB_NAME, entry.id, record), db=self.db)
            return record

        return self.store.write(write)

    def _unseal(self, entry_id: str, raw: Any) -> TrustRecord | None:
        try:
            return self.store.unseal(DB_NAME, entry_id, raw, TrustRecord)
        except CorruptEntryError as err:
            if len(self.damaged) < 100:
                self.damaged.append((entry_id, err.reason))
            return None


def remember_refused(kept: tuple[Refused, ...], request: str, why: str) -> tuple[Refused, ...]:
    """``kept`` with ``request`` first (moved there if already kept), at most :data:`MAX_REFUSED`."""
    text = request[:MAX_REFUSED_CHARS]
    new = Refused(text, why[:MAX_REFUSED_WHY], time.time())
    return (new, *(r for r in kept if r.request != text))[:MAX_REFUSED]


def _observed(bindings: Mapping[str, Any], answer: Any, version: int) -> Observed | None:
    try:
        return Observed({k: encode_value(v) for k, v in bindings.items()}, encode_value(answer), version)
    except TypeError:
        return None


def _encode(value: Any) -> Any:
    try:
        return encode_value(value)
    except TypeError:
        return render_value(value)


def _trim(disputes: tuple[Dispute, ...]) -> tuple[Dispute, ...]:
    settled = [d for d in disputes if d.status != "open"]
    drop = {d.id for d in settled[:-MAX_SETTLED]} if len(settled) > MAX_SETTLED else set()
    return tuple(d for d in disputes if d.id not in drop)


def _event(record: TrustRecord, kind: str, version: int, detail: str) -> TrustRecord:
    event = TrustEvent(time.time(), kind, version, detail)
    return msgspec.structs.replace(record, history=(*record.history, event)[-MAX_HISTORY:])


def _dispute_id(entry_id: str, stamp: float, request: str | None) -> str:
    text = f"{entry_id}\0{stamp!r}\0{time.perf_counter_ns()}\0{request or ''}"
    return "dsp-" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10]
