"""Admission rules that need no store: what a family draft is, whether a pattern is
specific enough, and whether its holes fit the entry point.

The engine calls :func:`check_pattern_admissible` while it still negotiates patterns with
the model; :meth:`Cache.admit` applies the same rules against every stored family.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Sequence

from seglam.cache.entry import Example, Provenance, Signature, Verification
from seglam.cache.errors import PatternError
from seglam.cache.holes import HOLE_TYPES, MAX_HOLE_WORTH, hole_fits
from seglam.cache.pattern import Pattern, parse_pattern

#: How much of a request a pattern must pin down, in literal characters' worth
#: (:attr:`Pattern.pinned`): ``Sort: {w: str}`` pins 5, ``What is {a: int} plus {b: int}?``
#: pins 11 + 4 + 4, ``{e: expr} =`` pins 1 + 9.
MIN_SPECIFICITY = 10


@dataclass(frozen=True)
class FamilyDraft:
    """Everything needed to admit a family. ``samples`` are requests known to belong to
    it; ``request``/``expected`` are the originating request and the model's own direct
    answer to it (admission requires the program to agree)."""

    source: str
    patterns: tuple[str, ...] = ()
    description: str = ""
    entry: str | None = None
    tasks: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()
    examples: tuple[Example, ...] = ()
    request: str | None = None
    expected: Any = None
    has_expected: bool = False
    provenance: Provenance = field(default_factory=Provenance)
    verification: Verification | None = None  # a report the caller already has for this source
    filename: str = "family.sgl"
    modules: tuple[tuple[str, str], ...] = ()  # helper modules (name, source) to admit to the library first

    @classmethod
    def from_family_json(cls, meta: dict[str, Any], source: str, **extra: Any) -> "FamilyDraft":
        """A draft from a ``stdlib/families/*.json`` manifest and its ``.sgl`` source."""
        return cls(
            source=source,
            patterns=tuple(meta.get("patterns", ())),
            description=meta.get("description", ""),
            entry=meta.get("entry"),
            tasks=tuple(meta.get("tasks", ())),
            samples=tuple(meta.get("samples", ())),
            filename=f"{meta.get('task', 'family')}.sgl",
            **extra,
        )


@dataclass(frozen=True)
class FamilyView:
    """Another family, as the admissibility check sees it."""

    id: str
    patterns: tuple[str, ...]
    samples: tuple[str, ...]


def check_pattern_admissible(
    pattern: str | Pattern,
    own_samples: Iterable[str] = (),
    other_families: Iterable[FamilyView] = (),
    *,
    min_specificity: int = MIN_SPECIFICITY,
) -> list[str]:
    """Reasons the pattern is over-general or clashes with another family; [] when
    admissible. Checks: it pins down enough of a request (:func:`over_general`); it matches
    none of another family's sample requests; no other family's pattern matches one of
    this family's samples."""
    try:
        pat = pattern if isinstance(pattern, Pattern) else parse_pattern(pattern)
    except PatternError as err:
        return [f"pattern {pattern!r}: {err.code}: {err}"]
    reasons = over_general(pat, min_specificity)
    own = tuple(own_samples)
    for other in other_families:
        hit = next((s for s in other.samples if pat.match(s) is not None), None)
        if hit is not None:
            reasons.append(f"pattern {pat.text!r} matches a request of family {other.id}: {short(hit)!r}")
        for text in other.patterns:
            try:
                theirs = parse_pattern(text)
            except PatternError:
                continue
            clash = next((s for s in own if theirs.match(s) is not None), None)
            if clash is not None:
                reasons.append(f"family {other.id}'s pattern {theirs.text!r} matches this family's request {short(clash)!r}")
    return reasons


def over_general(pat: Pattern, min_specificity: int = MIN_SPECIFICITY) -> list[str]:
    """The one specificity rule: a pattern pins down at least ``min_specificity``
    characters' worth of a request (literal characters count one each, holes by their
    class, :attr:`Pattern.pinned`), and keeps a literal word or symbol to be indexed by."""
    reasons = []
    if pat.pinned < min_specificity:
        reasons.append(
            f"pattern {pat.text!r} is over-general (E-PATTERN-GENERAL): it pins down {pat.pinned} characters' "
            f"worth of a request, it needs {min_specificity} ({_worth_text(pat)}); keep more of the request's "
            "fixed wording, or use narrower holes (" + hole_worths() + ")"
        )
    if not pat.anchors:
        reasons.append(
            f"pattern {pat.text!r} has no literal word or symbol (E-PATTERN-ANCHOR); keep at least one of the "
            "request's fixed words or symbols (such as `=` or `?`) outside the holes"
        )
    return reasons


def hole_worths() -> str:
    """``str 0, word 0, int 4, ...``: what each hole type counts toward specificity."""
    special = {"tokens": f"tokens its tokens' characters, up to {MAX_HOLE_WORTH}",
               "chars": "chars by its size (one character 9, 0-9 4, a-z 3)"}
    return ", ".join(special.get(name, f"{name} {t.worth}") for name, t in HOLE_TYPES.items())


def _worth_text(pat: Pattern) -> str:
    pieces = [f"{pat.literal_chars} literal"] + [f"{h.spelling} {h.worth}" for h in pat.holes]
    return " + ".join(pieces)


def check_holes(pattern: Pattern, signature: Signature) -> list[str]:
    """Every hole names a parameter of a fitting type; every parameter without a default
    is bound."""
    reasons = []
    bound = set()
    for hole in pattern.holes:
        param = signature.param(hole.name)
        if param is None:
            reasons.append(f"pattern {pattern.text!r}: hole {{{hole.name}}} is not a parameter of {signature.render()}")
            continue
        bound.add(hole.name)
        if not hole_fits(hole.type, param.type):
            want = HOLE_TYPES[hole.type].param_type
            reasons.append(
                f"pattern {pattern.text!r}: hole {{{hole.name}: {hole.type}}} binds {want}, "
                f"but parameter {hole.name} is {param.type}"
            )
    missing = [p.name for p in signature.params if not p.default and p.name not in bound]
    if missing:
        reasons.append(f"pattern {pattern.text!r} leaves parameter(s) {', '.join(missing)} unbound")
    return reasons


_SPACES = re.compile(r"\s+")


def normalise_task(task: str) -> str:
    """The key text of a structured request: case-folded, whitespace collapsed, trailing
    punctuation dropped."""
    return _SPACES.sub(" ", task.casefold()).strip().rstrip(".?!:;").strip()


def value_kind(value: Any) -> str:
    """The coarse Seglam kind of a host value (the "type shape" of a structured input)."""
    import datetime
    from decimal import Decimal

    if value is None:
        return "None"
    for kind, types in (
        ("bool", bool),
        ("int", int),
        ("float", float),
        ("Decimal", Decimal),
        ("str", str),
        ("date", datetime.date),
        ("list", list),
        ("tuple", tuple),
        ("dict", dict),
        ("set", (set, frozenset)),
    ):
        if isinstance(value, types):
            return kind
    return type(value).__name__


def kind_fits(kind: str, param_type: str) -> bool:
    """Whether a value of this kind can be passed for a parameter of this type. User types
    (records, enums) are left to the runtime's conversion."""
    heads = {t.strip().split("[", 1)[0] for t in param_type.split("|")}
    if kind in heads:
        return True
    builtin = {"bool", "int", "float", "Decimal", "str", "date", "list", "tuple", "dict", "set", "None"}
    if heads - builtin and kind in ("dict", "str"):  # a record from a dict, an enum from its name
        return True
    return kind not in builtin  # a record or enum instance


def short(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters for a message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def dedupe(items: Sequence[str]) -> tuple[str, ...]:
    """Items in first-seen order without repeats."""
    return tuple(dict.fromkeys(items))
