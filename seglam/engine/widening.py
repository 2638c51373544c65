"""When the engine asks the model for a wider version of a family (docs/engine.md, "Widening").

A family refuses a request of its kind in three ways: its precondition refuses the bound
input (a hit, or a routed request), its patterns cannot bind a request the router says is of
its kind, or a fresh compile's patterns overlap the family's requests. Every refusal is
recorded in the version's trust record (``cache.trust.refused``: counted, and the request
kept with why, the last :data:`seglam.cache.trust.MAX_REFUSED` distinct ones). A widening is
tried on the 1st refusal, then, after each failed attempt, on the 2nd, 4th, 8th ... refusal
since the attempt before (:func:`widening_due`), at most ``widen``
attempts per version; each attempt shows the model every kept refusal, and the new version
must answer each one its patterns claim (:func:`seglam.engine.admission.evaluate`).
"""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from seglam.cache.entry import Entry
from seglam.cache.errors import CacheError
from seglam.cache.gate import render_bindings
from seglam.cache.pattern import parse_pattern
from seglam.cache.trust import TrustRecord
from seglam.engine.admission import Candidate, Refusal, Request
from seglam.engine.router import Family, overlapping

#: Why a family refused a request its patterns do not match (the router's pick, an overlap).
CANNOT_BIND = "its patterns cannot bind it"


#: How much of each bound input, and of all of them, a refusal's reason shows (with the
#: refusing line, within the trust record's ``MAX_REFUSED_WHY``).
SHOWN_INPUT_CHARS = 120
SHOWN_INPUTS_CHARS = 280
#: How much of an input is rendered before its start and end are taken (a request is far shorter).
RENDERED_INPUT_CHARS = 100_000


def refusal_why(cause: str, reason: str, bindings: Mapping[str, Any]) -> str:
    """Why a family refused a request its patterns bound: ``cause`` (its precondition, the
    gate), the inputs the patterns bound, then the refusing line (``reason``). The inputs come
    first so the kept reason, cut at ``MAX_REFUSED_WHY``, still shows which part of the request
    the program could not read (a stand-in model of run 5 saw only the precondition's line and
    could not tell which sentence its parser had failed on)."""
    rendered = render_bindings(dict(bindings), RENDERED_INPUT_CHARS)
    shown = ", ".join(f"{k}={ends(v, SHOWN_INPUT_CHARS)}" for k, v in rendered.items())
    if len(shown) > SHOWN_INPUTS_CHARS:
        shown = shown[:SHOWN_INPUTS_CHARS - 3] + "..."
    return f"{cause} the request's inputs {shown or '(none)'} ({reason})"


def ends(text: str, limit: int) -> str:
    """``text`` within about ``limit`` characters: its start and its end, the middle cut out
    at words ("'Here is a table ... What is the name of the last penguin?'"). A long input's
    end is often what the program could not read: stand-ins of runs 10 and 11 were shown
    inputs cut after their first 120 characters, mid-word, before the question."""
    if len(text) <= limit:
        return text
    head, tail = text[: limit * 2 // 3], text[-(limit // 3):]
    head = head.rsplit(" ", 1)[0] if " " in head[1:] else head
    tail = tail.split(" ", 1)[1] if " " in tail[:-1] else tail
    return f"{head} ... {tail}"


def record_refusal(cache: Any, entry: Entry, why: str, text: str | None, *, counted: bool = False) -> TrustRecord | None:
    """Record that ``entry`` refused the request ``text`` (None: a structured request, only
    counted), unless this request's refusal is ``counted`` already (a refused route, then a
    compile that overlaps the same family: one request, one refusal); the record, or None
    when the cache cannot keep it (the refusal itself stands)."""
    try:
        return cache.trust.view(entry) if counted else cache.trust.refused(entry, why, text)
    except (CacheError, AttributeError):
        return None


#: The widest spacing of widenings, as a power of two: a widening prompt costs about as much
#: as 30-40 direct answers, so from then on one widening per 32 refusals spends at most as
#: much on widening as on answering the refused requests directly.
MAX_WIDENING_SPACING = 5


def widening_spacing(record: TrustRecord) -> int:
    """How many refusals since the last attempt the next widening waits for: 2**k after k
    attempts at this family, its earlier versions' included (1, 2, 4, ... 32), so a kind whose
    every request needs a new reader widens log2(n) times in n requests, not n times, and
    each widening is shown more of the refused requests (MAX_REFUSED)."""
    return 2 ** min(record.widenings + record.earlier_widenings, MAX_WIDENING_SPACING)


def widening_due(record: TrustRecord, limit: int) -> bool:
    """Whether the refusal just recorded should try a wider version: when
    :func:`widening_spacing` refusals came since the attempt before, at most ``limit``
    attempts per version (0: never)."""
    return 0 < limit and record.widenings < limit and record.since_widening >= widening_spacing(record)


def attempt(cache: Any, entry: Entry, record: TrustRecord | None, limit: int, why: str) -> tuple[TrustRecord | None, str]:
    """The record to widen ``entry`` with (its attempt counted) when a widening is due after
    the refusal just recorded (``record``); else None and why not ("" when widening is off)."""
    if not limit or entry.status != "active":
        return None, ""
    if record is None:
        return None, "widening not tried: the refusal could not be recorded"
    head = f"family {entry.id} v{entry.version}"
    if record.widenings >= limit:
        return None, f"{head}: widening tried {record.widenings} time(s) already (the limit, widen={limit})"
    if not widening_due(record, limit):
        return None, (f"{head}: widening tried {record.widenings} time(s), {record.earlier_widenings} before this "
                      f"version; the next attempt comes with refusal number {widening_spacing(record)} since the "
                      f"last ({record.since_widening} so far)")
    try:
        return cache.trust.widening(entry, why), ""
    except (CacheError, AttributeError) as err:
        return None, f"widening not tried: {err}"


def refused_requests(record: TrustRecord) -> tuple[tuple[str, str], ...]:
    """The kept refusals of ``record`` as (request, why), most recent first."""
    return tuple((r.request, r.why) for r in record.refused)


#: At most this many of a family's stored requests, and chars of them, shown in a replacing compile.
SHOWN_SAMPLES = 10
SHOWN_SAMPLE_CHARS = 8_000


def kept_requests(entry: Entry) -> tuple[tuple[str, ...], int]:
    """The stored requests (samples) a replacing compile shows, and how many it leaves out:
    the first request each pattern matches, then the most recent, within ``SHOWN_SAMPLES`` and
    ``SHOWN_SAMPLE_CHARS``. The next version must still match and answer every stored request
    (``Cache.replace`` re-checks them), so the model is shown the wordings it must keep (a
    stand-in model of run 5 saw only the patterns, never the requests behind them)."""
    patterns = [parse_pattern(p) for p in entry.patterns]
    first = [next((t for t in entry.samples if pat.match(t) is not None), None) for pat in patterns]
    ordered = dict.fromkeys([t for t in first if t is not None] + list(reversed(entry.samples)))
    shown: list[str] = []
    for text in ordered:
        if len(shown) == SHOWN_SAMPLES or sum(map(len, shown)) + len(text) > SHOWN_SAMPLE_CHARS:
            continue
        shown.append(text)
    return tuple(shown), len(entry.samples) - len(shown)


def version_samples(request: Request, claimed: Sequence[str], stored: Sequence[str],
                    answered: Sequence[str] = (), unanswerable: bool = False) -> tuple[str, ...]:
    """The requests a next version adds to its family's samples, regressions every later
    version must still answer: the request and the widening's refused requests that the new
    version's own patterns (``claimed``) match, so it answered each
    (:func:`seglam.engine.admission.unanswered_refusals`), and the requests it answered in
    its reply (``answered``: the request and its examples, checked by admission), each one
    that a pattern stored with the program (``stored``) matches. (One only a pattern learned
    afterwards matches is stored with that pattern when it is its sample.) Before, a
    widening's own examples were checked once and then forgotten (stand-in run 7 saw them
    missing from the stored requests of the next widening). An ``unanswerable`` request
    (the model answered null, rule 4; the version refuses it) is not one of them."""
    if request.text is None:
        return ()
    mine, kept = [parse_pattern(p) for p in claimed], [parse_pattern(p) for p in stored]
    texts = dict.fromkeys(t for t in (request.text, *(text for text, _ in request.refused))
                          if not (unanswerable and t == request.text))
    claimed_texts = [t for t in texts if any(p.match(t) is not None for p in mine)]
    return tuple(t for t in dict.fromkeys((*claimed_texts, *answered))
                 if any(p.match(t) is not None for p in kept))


def overlapped_family(cache: Any, request: Request, judged: Sequence[Candidate | Refusal],
                      refused: Sequence[str]) -> tuple[Entry | None, str]:
    """The family whose requests a fresh compile's patterns overlap (that family claims the
    kind: widen it rather than push the model to a narrower rival), and why; else None."""
    if request.replaces is not None or request.text is None:
        return None, ""
    replies = [c.reply for c in judged if c.reply is not None and (
        isinstance(c, Candidate) and refused
        or isinstance(c, Refusal) and any(f.kind == "pattern refused" for f in c.feedback.failures))]
    if not replies:
        return None, ""
    reply = replies[0]
    samples = (request.text, *(ex.request for ex in reply.examples if ex.request))
    try:
        entries = {e.id: e for e in cache.list("active") if e.patterns}
    except CacheError:
        return None, ""
    ids = overlapping(reply.patterns, samples, [Family(e.id, e.patterns, e.samples) for e in entries.values()])
    if not ids:
        return None, ""
    return entries[ids[0]], (f"the family written for this request has patterns {list(reply.patterns)[:4]} that "
                             "overlap its requests, so this request is of its kind")
