"""Lexical retrieval for the routing tier: BM25 over each family's patterns, description
and sample requests; what a family's entry point accepts, as the router is shown it; and
which families a refused compile's patterns overlap (the family to widen instead).

A small BM25 written here rather than a dependency: the corpus is one short document per
family, it is rebuilt per miss from the cache's own listing, and the scoring must be
deterministic and explainable. Similarity only *proposes* candidates to the model; it
never decides a hit.
"""

from __future__ import annotations

import ast
import math
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable, Sequence

from seglam.cache.admit import FamilyDraft, check_holes
from seglam.cache.entry import Entry, Signature
from seglam.cache.errors import AdmissionError, PatternError
from seglam.cache.pattern import Pattern, bind, parse_pattern
from seglam.cache.signature import signature_of
from seglam.cache.words import words as tokens  # the same words negative families use
from seglam.check.prelude import prelude_asserts
from seglam.engine.admission import answer_key, coerce_inputs
from seglam.engine.schema import RouteReply


@dataclass(frozen=True)
class Doc:
    """One family as the router sees it."""

    id: str
    text: str


@dataclass(frozen=True)
class Scored:
    id: str
    score: float


def bm25_rank(query: str, docs: Sequence[Doc], k: int = 3, *, k1: float = 1.2, b: float = 0.75) -> list[Scored]:
    """The ``k`` best documents with a positive score, best first (ties by id)."""
    q = set(tokens(query))
    if not q or not docs:
        return []
    bags = [Counter(tokens(d.text)) for d in docs]
    lengths = [sum(bag.values()) for bag in bags]
    avg = (sum(lengths) / len(lengths)) or 1.0
    n = len(docs)
    df = Counter(t for bag in bags for t in set(bag) if t in q)
    scored = []
    for doc, bag, length in zip(docs, bags, lengths):
        s = 0.0
        for t in q:
            f = bag.get(t, 0)
            if not f:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            s += idf * f * (k1 + 1) / (f + k1 * (1 - b + b * length / avg))
        if s > 0:
            scored.append(Scored(doc.id, s))
    scored.sort(key=lambda x: (-x.score, x.id))
    return scored[:k]


def rebinds_samples(pattern: str, own: Sequence[str], samples: Sequence[str]) -> list[str]:
    """The family's sample requests that ``pattern`` (one the family is about to learn) binds
    to other inputs than the family's own patterns do: learning it would change what the
    family answers to its own samples, so it is not learned. Samples it does not match, or
    that none of ``own`` matches, are fine (the family's own patterns still serve them, or
    the new pattern is the only one that does)."""
    try:
        new = parse_pattern(pattern)
        mine = [parse_pattern(p) for p in own]
    except PatternError as err:
        return [f"the pattern is malformed: {err}"]
    out = []
    for sample in samples:
        bound = new.match(sample)
        if bound is None:
            continue
        before = bind(mine, sample)
        if before is not None and bound != before:
            out.append(f"pattern {new.text!r} binds the family's sample {sample[:80]!r} to other inputs")
    return out


def _parsed(texts: Sequence[str]) -> list[Pattern]:
    """The patterns that parse (a malformed one's own refusal says why)."""
    out = []
    for text in texts:
        try:
            out.append(parse_pattern(text))
        except PatternError:
            continue
    return out


#: Longest text of what a family accepts, as the router is shown it.
ACCEPTS_CHARS = 400


def accepts(source: str, entry: str, limit: int = ACCEPTS_CHARS) -> str:
    """What ``entry`` accepts, in a line: its docstring's first paragraph (a sentence wrapped
    over several lines is kept whole: the run-9 router stand-in was shown half a sentence), then its precondition
    (``@requires(...)`` decorators and the asserts of its prelude, SPEC §8), within ``limit``
    characters. The precondition is kept whole where it fits and the docstring gives way, cut
    at a word (the run-10 stand-ins were shown refusal clauses cut mid-word). Empty when the
    source has neither (or does not parse). The router sees it so it can tell a family that
    answers a request from one whose precondition refuses it."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError):
        return ""
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == entry), None)
    if fn is None:
        return ""
    doc = ast.get_docstring(fn)
    first = " ".join(doc.strip().split("\n\n")[0].split()) if doc else ""
    conditions = ["@" + ast.unparse(d) for d in fn.decorator_list if "requires" in ast.unparse(d)]
    conditions += [ast.unparse(a) for a in prelude_asserts(fn.body[1:] if doc else fn.body)]
    precondition = "; ".join(" ".join(c.split()) for c in conditions)
    if not first:
        return _clip(precondition, limit)
    if not precondition:
        return _clip(first, limit)
    room = limit - len(precondition) - 2
    if room < min(len(first), 40):  # too little left for the docstring's gist: share the room
        return _clip(first + "; " + precondition, limit)
    return _clip(first, room) + "; " + precondition


def _clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word and marked "..."."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 3, 0)]
    head = cut.rsplit(" ", 1)[0] if " " in cut else cut
    return head + "..."


@dataclass(frozen=True)
class Family:
    """A family as the overlap check sees it."""

    id: str
    patterns: tuple[str, ...]
    samples: tuple[str, ...]


def overlapping(patterns: Sequence[str], samples: Sequence[str], families: Sequence[Family]) -> list[str]:
    """The ids of ``families`` that a new family (``patterns``, ``samples``) overlaps: one
    of its patterns matches a family's sample, or a family's pattern matches one of its
    samples (the two directions of the cache's clash rule). Most overlaps first, ties in
    the given order. Malformed patterns are skipped (their own refusal says why)."""
    mine = _parsed(patterns)
    counts: Counter[str] = Counter()
    for fam in families:
        theirs = _parsed(fam.patterns)
        counts[fam.id] += sum(1 for p in mine for s in fam.samples if p.match(s) is not None)
        counts[fam.id] += sum(1 for p in theirs for s in samples if p.match(s) is not None)
    order = {fam.id: i for i, fam in enumerate(families)}
    return sorted((f for f, n in counts.items() if n), key=lambda f: (-counts[f], order[f]))


def widened_patterns(old: Sequence[str], old_samples: Sequence[str], new: Sequence[str], new_samples: Sequence[str],
                     signature: Signature) -> tuple[tuple[str, ...], list[tuple[str, str]], tuple[str, ...]]:
    """How a new version of a family (widening or correction) takes its patterns: (the
    patterns to store with the new program, the patterns to learn afterwards with the
    request they match, the stored ones that bind an old sample to other inputs).

    Stored now: each old pattern whose holes still fit the new ``signature``, then each
    new pattern that matches an old sample; the cache checks that every old sample is still
    matched and answered, and the caller that a pattern which binds an old sample to other
    inputs than the old patterns do (:func:`rebinds_samples`) keeps its answer, or leaves
    it out. Learned afterwards: each new pattern that matches no old sample, with the first
    of ``new_samples`` (the request, then the examples') it matches."""
    keep = [text for pat, text in zip(_parsed(old), old) if not check_holes(pat, signature)]
    fitting = tuple(keep)
    later: list[tuple[str, str]] = []
    rebinding: list[str] = []
    for pat in _parsed(new):
        if pat.text in keep:
            continue
        if any(pat.match(s) is not None for s in old_samples):
            keep.append(pat.text)
            rebinding += [pat.text] if rebinds_samples(pat.text, fitting, old_samples) else []
            continue
        sample = next((s for s in new_samples if pat.match(s) is not None), None)
        if sample is not None:
            later.append((pat.text, sample))
    return tuple(keep), later, tuple(rebinding)


def superseded(keep: Sequence[str], old: Sequence[str], new: Sequence[str], samples: Sequence[str]) -> tuple[str, ...]:
    """The old patterns in ``keep`` that a new version's own patterns replace: not listed
    again in ``new``, matching a stored request, and every stored request they match matched
    by a new pattern in ``keep`` too. The widening prompt allows this ("or replace them by
    wider ones that match the same requests"); kept, a more specific old pattern would go on
    binding those requests the old way (stand-in run 10, dates 0007)."""
    newer = _parsed([p for p in keep if p in new])
    out = []
    for text in keep:
        if text not in old or text in new:
            continue
        pat = parse_pattern(text)
        mine = [s for s in samples if pat.match(s) is not None]
        if mine and all(any(n.match(s) is not None for n in newer) for s in mine):
            out.append(text)
    return tuple(out)


#: Why a route fails when the router names a family and no bindings (see the route rules).
OF_ITS_KIND = ("the router says the request is of its kind but the family cannot answer it as it is: it asks what "
               "the family does not compute (another question or form), or its precondition would refuse it, or "
               "an entry point parameter has no text in the request")


@dataclass(frozen=True)
class RouteRefusal:
    """The family the router picked could not answer: ``why``; ``widenable`` when its
    patterns could not bind the request or its precondition refused it (``domain``)."""

    entry: Entry
    why: str
    widenable: bool
    domain: bool = False


def route_bindings(entry: Entry, reply: RouteReply, text: str, cache: Any) -> tuple[dict[str, Any] | None, str | None, str]:
    """(bindings, learnable pattern, note). The model's pattern is preferred when it parses,
    fits the signature and binds the request (structure, not the model's word, then binds);
    else the model's bindings, converted to the parameter types."""
    note = ""
    if reply.pattern:
        try:
            pat = parse_pattern(reply.pattern)
            problems = check_holes(pat, entry.signature)
            bound = pat.match(text) if not problems else None
            if bound is not None:
                clash = cache.check_pattern(pat.text, (text,), exclude=entry.id) if hasattr(cache, "check_pattern") else []
                return bound, (None if clash else pat.text), ("; ".join(clash) if clash else "")
            note = "; ".join(problems) or "the proposed pattern does not match the request"
        except PatternError as err:
            note = f"the proposed pattern is malformed: {err}"
    try:
        return coerce_inputs(reply.bindings, entry.signature), None, (f"pattern not learned: {note}" if note else "")
    except ValueError as err:
        return None, None, str(err)


def changed_answers(samples: Sequence[str], old_patterns: Sequence[str], new_patterns: Sequence[str],
                    old_run: Callable[[dict[str, Any]], Any], new_run: Callable[[dict[str, Any]], Any]) -> list[str]:
    """The family's stored requests that a new version (``new_patterns``, ``new_run``)
    answers otherwise than the current one, through any of its patterns that matches them:
    a widening must keep every answer it gives. A run that raises (a fault, a refusal) is
    left to the cache's own re-check."""
    before_pats, after_pats = _parsed(old_patterns), _parsed(new_patterns)
    out = []
    for text in samples:
        old_b = bind(before_pats, text)
        for new_b in (b for b in (p.match(text) for p in after_pats) if b is not None):
            if old_b is None:
                break
            try:
                before, after = old_run(old_b), new_run(new_b)
            except Exception:  # noqa: BLE001 - a fault or refusal: Cache.replace re-checks and names it
                continue
            if answer_key(before) != answer_key(after):
                out.append(f"the new version answers the family's request {text[:120]!r} with {after!r}; the "
                           f"current version answers {before!r}: a widening keeps every answer")
                break
    return out


def next_version_patterns(old: Entry, draft: FamilyDraft, toolchain: Any,
                          fuel: int) -> tuple[tuple[str, ...], list[tuple[str, str]], list[str]]:
    """The patterns of ``old``'s next version written from ``draft`` (:func:`widened_patterns`):
    (to store with the program, to learn afterwards with their request, notes). A widening
    of an active family must keep every answer it gives to its stored requests, through
    every pattern (:func:`changed_answers`; AdmissionError otherwise); a correction of a
    quarantined one may change them, so there a pattern that rebinds a stored request is
    left out."""
    entry = draft.entry or old.signature.entry
    keep, later, rebinding = widened_patterns(old.patterns, old.samples, draft.patterns, draft.samples,
                                              signature_of(draft.source, entry))
    notes = []
    if old.status != "active":
        keep = tuple(p for p in keep if p not in rebinding)
        notes = [f"pattern {p!r} left out: it binds a stored request to other inputs" for p in rebinding]
    replaced = superseded(keep, old.patterns, draft.patterns, old.samples)
    keep = tuple(p for p in keep if p not in replaced)
    notes += [f"pattern {p!r} replaced: the new patterns match every stored request it matched" for p in replaced]
    if old.status != "active":
        return keep, later, notes
    before, after = toolchain.compile(old.source, f"{old.id}.sgl"), toolchain.compile(draft.source, draft.filename)
    changed = changed_answers(old.samples, old.patterns, keep,
                              lambda b: toolchain.call(before, old.signature.entry, b, fuel).value,
                              lambda b: toolchain.call(after, entry, b, fuel).value)
    if changed:
        raise AdmissionError(changed)
    return keep, later, notes
