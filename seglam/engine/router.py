"""Lexical retrieval for the routing tier: BM25 over each family's patterns, description
and sample requests.

A small BM25 written here rather than a dependency: the corpus is one short document per
family, it is rebuilt per miss from the cache's own listing, and the scoring must be
deterministic and explainable. Similarity only *proposes* candidates to the model; it
never decides a hit.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from seglam.cache.errors import PatternError
from seglam.cache.pattern import parse_pattern
from seglam.cache.words import words as tokens  # the same words negative families use


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
    family answers to its own samples, so it is not learned. Samples it does not match are
    fine (the family's own patterns still serve them)."""
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
        before = next((b for b in (p.match(sample) for p in mine) if b is not None), None)
        if bound != before:
            out.append(f"pattern {new.text!r} binds the family's sample {sample[:80]!r} to other inputs")
    return out
