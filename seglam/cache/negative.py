"""Negative families: kinds of request the model could not program, remembered so the next
one of the kind skips the compile prompt and gets one small direct-answer call.

A negative family never answers anything: it only tells the engine "compiling this kind
failed before", so the engine asks the model directly (flagged ``uncached``, never cached).
A wrong one therefore costs direct calls, never a wrong answer.

How a kind is recognised (general, not per task or wording):

- its **lexical signature**: the words every declined request of the kind shared
  (lower-cased, stop words, numbers and one-letter words dropped); a request *carries* the
  signature when it contains all of those words. The first decline records the request's
  own words (a candidate); a later decline sharing at least :data:`MIN_SIGNATURE` words
  with a kind narrows the signature to the shared words and adds to its evidence (unless
  the narrowed signature would be carried by a request of a cached family: then the
  decline starts a kind of its own);
- the **patterns** the model gave when it declined (optional; the same whole-request
  patterns as families', checked for enough fixed wording, and matching the request).

The rules (docs/engine.md, "Negative families"):

1. *Evidence*: a kind applies only after :data:`NEGATIVE_AFTER` (2) declines or failed
   compiles of requests it claims, or after one decline that gave usable patterns (the
   model's own statement of the kind, checked as a family's: a signature needs a second
   request to narrow to what the two share, patterns do not); before, it is a
   ``candidate`` and every request still goes the full way.
2. *Positive evidence wins*: a kind whose signature every word of which appears in one
   request of an active family (a sample or a pattern's wording), or whose patterns match
   a family's sample, is not applied (stays a candidate, with the family named in its
   history): the kind overlaps something programmable.
3. *Lifting*: a later successful compile or routed answer for a request the kind claims,
   or an admitted family whose samples it claims, lifts it (status ``lifted``, kept for
   inspection, never applied again); ``seglam cache forget`` deletes it.
4. *Probes*: so that a too-broad kind is never applied forever, its
   :data:`PROBE_FIRST`-th application, then every :data:`PROBE_FACTOR` times as many
   (32, 256, 2048, ...), goes the full way instead (a probe): a compile lifts the kind, a
   decline adds evidence.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Any, Iterable, Sequence

import lmdb
import msgspec

from seglam.cache.admit import check_pattern_admissible
from seglam.cache.errors import AmbiguousIdError, CorruptEntryError, NotFoundError, PatternError
from seglam.cache.pattern import parse_pattern
from seglam.cache.words import words

MIN_SIGNATURE = 3
NEGATIVE_AFTER = 2
PROBE_FIRST = 32
PROBE_FACTOR = 8
MAX_SAMPLES = 5
MAX_HISTORY = 40
MAX_KINDS = 500
DB_NAME = "negative"

class NegativeEvent(msgspec.Struct, frozen=True):
    time: float
    kind: str  # declined | failed | narrowed | activated | blocked | applied | probe | lifted
    detail: str = ""


class NegativeKind(msgspec.Struct, frozen=True):
    """One kind of request the model could not program, with its evidence and history."""

    id: str
    status: str  # candidate | active | lifted
    signature: tuple[str, ...]
    patterns: tuple[str, ...] = ()
    evidence: int = 0
    applied: int = 0
    probes: int = 0
    samples: tuple[str, ...] = ()
    history: tuple[NegativeEvent, ...] = ()
    created: float = 0.0
    updated: float = 0.0

    def claims(self, text: str, words: frozenset[str] | None = None) -> bool:
        """Whether ``text`` is of this kind: a pattern matches it or it carries the signature."""
        if self.status == "lifted":
            return False
        words = signature_words(text) if words is None else words
        if self.signature and len(self.signature) >= MIN_SIGNATURE and set(self.signature) <= words:
            return True
        return any(_matches(p, text) for p in self.patterns)

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


def signature_words(text: str) -> frozenset[str]:
    """The words of ``text`` that can make up a signature: :func:`seglam.cache.words.words`
    without numbers and one-letter words."""
    return frozenset(w for w in words(text) if len(w) > 1 and not w.isdigit())


def is_probe(applied: int) -> bool:
    """Whether the ``applied``-th application of a kind is a probe (32, 256, 2048, ...)."""
    n = PROBE_FIRST
    while n < applied:
        n *= PROBE_FACTOR
    return n == applied


@dataclass(frozen=True)
class Claim:
    """A known negative kind claims a request: answer directly, unless this is a probe."""

    kind: NegativeKind
    probe: bool


Positives = Sequence[tuple[str, Sequence[str]]]  # (family id, its sample requests and patterns)


class NegativeKinds:
    """The negative families of one cache (``cache.negatives``), sealed like every record of
    the cache's store, in its ``negative`` database."""

    def __init__(self, store: Any) -> None:
        self.store = store
        self.db = store.dbs[DB_NAME]

    # -- reading --------------------------------------------------------------------------

    def list(self, *, include_lifted: bool = True) -> list[NegativeKind]:
        with self.store.read() as txn:
            kinds = self._all(txn)
        return [k for k in kinds if include_lifted or k.status != "lifted"]

    def get(self, prefix: str) -> NegativeKind:
        found = [k for k in self.list() if k.id.startswith(prefix)] if prefix else []
        exact = [k for k in found if k.id == prefix]
        if exact:
            return exact[0]
        if not found:
            raise NotFoundError(f"no negative family {prefix!r}")
        if len(found) > 1:
            raise AmbiguousIdError(f"{prefix!r} names {len(found)} negative families: "
                                   + ", ".join(k.id for k in found[:10]))
        return found[0]

    def claimant(self, text: str, words: frozenset[str] | None = None) -> NegativeKind | None:
        """The active kind that claims ``text``, or None; reads only (nothing is counted)."""
        words = signature_words(text) if words is None else words
        with self.store.read() as txn:
            return next((k for k in self._all(txn) if k.status == "active" and k.claims(text, words)), None)

    def claim(self, text: str) -> Claim | None:
        """The active kind that claims ``text`` (counted as applied), or None. Read-only
        until a kind claims it."""
        words = signature_words(text)
        if self.claimant(text, words) is None:
            return None

        def write(txn: lmdb.Transaction) -> Claim | None:
            for kind in self._all(txn):
                if kind.status == "active" and kind.claims(text, words):
                    applied = kind.applied + 1
                    probe = is_probe(applied)
                    changed = msgspec.structs.replace(kind, applied=applied, probes=kind.probes + probe,
                                                      updated=time.time())
                    if probe:
                        changed = _event(changed, "probe", f"application {applied} goes the full way: {text[:80]!r}")
                    self._put(txn, changed)
                    return Claim(changed, probe)
            return None

        return self.store.write(write)

    # -- learning ---------------------------------------------------------------------------

    def record(self, text: str, why: str, *, outcome: str = "declined", patterns: Iterable[str] = (),
               positives: Positives = ()) -> NegativeKind:
        """Learn from a request the model declined (``outcome`` "declined") or could not
        compile ("failed"). Returns the kind it now belongs to."""
        words = signature_words(text)
        own = tuple(p for p in patterns if _usable(p, text))

        def write(txn: lmdb.Transaction) -> NegativeKind:
            kinds = [k for k in self._all(txn) if k.status != "lifted"]
            kind = next((k for k in kinds if k.claims(text, words)), None)
            detail = f"{why[:160]} ({text[:80]!r})"
            if kind is None:
                kind = _closest(kinds, words, positives)
                if kind is not None:
                    shared = tuple(sorted(set(kind.signature) & words))
                    kind = _event(msgspec.structs.replace(kind, signature=shared), "narrowed",
                                  "signature now " + " ".join(shared))
            if kind is None:
                now_ = time.time()
                kind = NegativeKind(_new_id(text), "candidate", tuple(sorted(words)), created=now_, updated=now_)
                self._evict(txn, kinds)
            kind = msgspec.structs.replace(
                kind, evidence=kind.evidence + 1, updated=time.time(),
                patterns=tuple(dict.fromkeys((*kind.patterns, *own)))[:8],
                samples=(*kind.samples, text[:2000])[-MAX_SAMPLES:],
            )
            kind = _event(kind, outcome, detail)
            kind = _judge(kind, positives)
            self._put(txn, kind)
            return kind

        return self.store.write(write)

    def lift_for(self, text: str, reason: str) -> list[str]:
        """Lift every kind that claims ``text`` (a compile or a routed answer just worked for it)."""
        words = signature_words(text)
        return self._lift(lambda k: k.claims(text, words), reason)

    def lift_overlapping(self, family_id: str, texts: Sequence[str]) -> list[str]:
        """Lift every kind that claims one of a newly admitted family's requests."""
        bags = [(t, signature_words(t)) for t in texts]
        return self._lift(lambda k: any(k.claims(t, w) for t, w in bags),
                          f"family {family_id} was admitted for requests of this kind")

    def forget(self, kind_id: str) -> NegativeKind:
        """Delete a kind (by id or unique prefix); returns what was deleted."""
        kind = self.get(kind_id)

        def write(txn: lmdb.Transaction) -> None:
            txn.delete(kind.id.encode(), db=self.db)

        self.store.write(write)
        return kind

    # -- internals ------------------------------------------------------------------------------

    def _lift(self, test: Any, reason: str) -> list[str]:
        with self.store.read() as txn:
            if not any(k.status != "lifted" and test(k) for k in self._all(txn)):
                return []

        def write(txn: lmdb.Transaction) -> list[str]:
            lifted = []
            for kind in self._all(txn):
                if kind.status != "lifted" and test(kind):
                    self._put(txn, _event(msgspec.structs.replace(kind, status="lifted", updated=time.time()),
                                          "lifted", reason[:200]))
                    lifted.append(kind.id)
            return lifted

        return self.store.write(write)

    def _all(self, txn: lmdb.Transaction) -> list[NegativeKind]:
        out = []
        for key, raw in txn.cursor(self.db):
            try:
                out.append(self.store.unseal(DB_NAME, key, raw, NegativeKind))
            except CorruptEntryError:
                continue  # a damaged record is ignored: it can only cost a compile
        return out

    def _put(self, txn: lmdb.Transaction, kind: NegativeKind) -> None:
        txn.put(kind.id.encode(), self.store.seal(DB_NAME, kind.id, kind), db=self.db)

    def _evict(self, txn: lmdb.Transaction, kinds: list[NegativeKind]) -> None:
        """Keep at most MAX_KINDS records: the least recently updated candidates go first."""
        if len(kinds) < MAX_KINDS:
            return
        for kind in sorted(kinds, key=lambda k: (k.status != "candidate", k.updated))[: len(kinds) - MAX_KINDS + 1]:
            txn.delete(kind.id.encode(), db=self.db)


def _closest(kinds: list[NegativeKind], words: frozenset[str], positives: Positives = ()) -> NegativeKind | None:
    """The kind sharing the most signature words (at least MIN_SIGNATURE) with a request,
    among those whose narrowed signature would not be carried by a request of a cached
    family (narrowing must not turn a specific kind into one that overlaps a programmable one)."""
    bags = [signature_words(t) for _, texts in positives for t in texts]
    best, most = None, MIN_SIGNATURE - 1
    for kind in kinds:
        shared = set(kind.signature) & words
        if len(shared) > most and not any(shared <= bag for bag in bags):
            best, most = kind, len(shared)
    return best


def _judge(kind: NegativeKind, positives: Positives) -> NegativeKind:
    """Rules 1 and 2: enough evidence and no overlap with a programmable family make a kind active."""
    if kind.evidence < (1 if kind.patterns else NEGATIVE_AFTER):
        return kind
    overlap = next((fid for fid, texts in positives if any(_overlaps(kind, t) for t in texts)), None)
    if overlap is not None:
        if kind.status == "active" or not kind.history or kind.history[-1].kind != "blocked":
            kind = _event(kind, "blocked", f"overlaps family {overlap}: not applied")
        return msgspec.structs.replace(kind, status="candidate")
    if kind.status != "active":
        kind = _event(msgspec.structs.replace(kind, status="active"), "activated",
                      f"{kind.evidence} declines or failed compiles")
    return kind


def _overlaps(kind: NegativeKind, text: str) -> bool:
    if len(kind.signature) >= MIN_SIGNATURE and set(kind.signature) <= signature_words(text):
        return True
    return any(_matches(p, text) for p in kind.patterns)


def _usable(pattern: Any, text: str) -> bool:
    """A declined request's pattern is kept when it is well-formed, specific enough (the
    admission rule for families' patterns) and matches the request itself."""
    if not isinstance(pattern, str) or not pattern.strip():
        return False
    try:
        return not check_pattern_admissible(pattern, (), ()) and _matches(pattern, text)
    except (PatternError, ValueError, TypeError):
        return False


def _matches(pattern: str, text: str) -> bool:
    try:
        return parse_pattern(pattern).match(text) is not None
    except (PatternError, ValueError, TypeError, RecursionError):
        return False


def _event(kind: NegativeKind, what: str, detail: str) -> NegativeKind:
    return msgspec.structs.replace(kind, history=(*kind.history, NegativeEvent(time.time(), what, detail))[-MAX_HISTORY:])


def _new_id(text: str) -> str:
    return "neg-" + hashlib.sha256(f"{time.time_ns()}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:10]
