"""The envelope of a family: the inputs it was verified and observed on, per hole.

Pure functions over plain values; :mod:`seglam.cache.trust` stores the envelopes. A
value's *features* are:

- its **words**: lower-cased runs of letters in its text (for a list, dict, tuple or set:
  in all of its items; a bool is the word ``true`` or ``false``);
- its **numbers**: every int, float or Decimal in it, and every number written inside its
  text (``"M 31.00,29.00"`` gives 31 and 29);
- its **length**: ``len()`` of a text, list, tuple, set or dict (none for a scalar).

A hole's envelope keeps the vocabulary of words seen (at most :data:`MAX_WORDS`), the
smallest and largest number, and the shortest and longest length. Inputs the family was
*verified* on widen it at once. An *observed* input (the program agreed with a direct
answer) widens the ranges at once, but a new word joins the vocabulary only when
:data:`SUPPORT` observed inputs held it (until then it waits in ``pending``): a program can
agree by accident (a new option that happens to come first), and one accident must not
make a word trusted. A bound value is
**inside** when every one of its words is in the vocabulary, every number lies within the
range *rounded out to whole decimal orders of magnitude* and its length within the lengths
*rounded out to powers of two*; otherwise it is *novel*, and :func:`novelties` says why,
hole by hole. The rounding is the generalisation a program earns: seen 12..87 admits
10..99 (any other two-digit number), seen 120 as well admits up to 999; seen 0.5..3 admits
0..9 (:func:`number_span`); lengths seen 25..31 admit 16..31, and a length of 40 (the next
power of two) stays novel until observed (:func:`length_span`). Words are generalised
only to the words the program's own text names in its string literals
(:func:`program_words`: a lexicon, the option texts it compares with): a word its author
wrote down is not a variant the family never saw, while a program that knows four fruits
is wrong exactly on the fifth, which stays novel. A hole declared *open* is never novel
(docs/cache.md, "Trust").

This module must never decide anything about serving: it only describes inputs.
"""

from __future__ import annotations

import ast
import datetime
import enum
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

import msgspec

#: Most words a hole's vocabulary keeps; past that, new words stay novel (a hole whose
#: values are free text should be declared open instead).
MAX_WORDS = 400
#: Most words :func:`program_words` reads from one program, and the longest literal it reads.
MAX_PROGRAM_WORDS = 4000
_MAX_LITERAL = 20_000
#: Observed inputs that must hold a new word before it joins the vocabulary.
SUPPORT = 2
#: Items of a collection read for features (a huge list is judged by its first ones and
#: its length).
MAX_ITEMS = 2000
_MAX_DEPTH = 50
_WORD = re.compile(r"[^\W\d_]+")
_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_MAX_NUMBER_TEXT = 400


class Hole(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """What one hole's values looked like: vocabulary, number range and lengths."""

    words: tuple[str, ...] = ()
    low: float | None = None
    high: float | None = None
    shortest: int | None = None
    longest: int | None = None
    pending: tuple[str, ...] = ()  # words observed once, not yet in the vocabulary


@dataclass(frozen=True)
class Features:
    words: frozenset[str]
    numbers: tuple[float, ...]
    length: int | None


def features(value: Any) -> Features:
    """The words, numbers and length of one bound value."""
    words: set[str] = set()
    numbers: list[float] = []
    _collect(value, words, numbers, 0)
    length = len(value) if isinstance(value, (str, list, tuple, set, frozenset, dict)) else None
    return Features(frozenset(words), tuple(numbers), length)


def widen(hole: Hole | None, value: Any, *, verified: bool = True) -> Hole:
    """``hole`` grown to take ``value`` in (an observed value's new words wait for support)."""
    f = features(value)
    hole = hole or Hole()
    vocabulary, pending = set(hole.words), set(hole.pending)
    for word in sorted(f.words - vocabulary):
        if len(vocabulary) >= MAX_WORDS:
            break
        if verified or SUPPORT <= 1 or word in pending:
            vocabulary.add(word)
            pending.discard(word)
        elif len(pending) < MAX_WORDS:
            pending.add(word)
    low, high = hole.low, hole.high
    if f.numbers:
        low = min(f.numbers) if low is None else min(low, *f.numbers)
        high = max(f.numbers) if high is None else max(high, *f.numbers)
    shortest, longest = hole.shortest, hole.longest
    if f.length is not None:
        shortest = f.length if shortest is None else min(shortest, f.length)
        longest = f.length if longest is None else max(longest, f.length)
    return Hole(words=tuple(sorted(vocabulary)), low=low, high=high, shortest=shortest, longest=longest,
                pending=tuple(sorted(pending)))


def outside(hole: Hole | None, value: Any, known: frozenset[str] = frozenset()) -> list[str]:
    """Why ``value`` is outside ``hole`` (empty: inside); ``known``: the program's own words."""
    f = features(value)
    hole = hole or Hole()
    why = []
    unseen = sorted(f.words - set(hole.words) - known)
    if unseen:
        shown = ", ".join(unseen[:5]) + (f" (+{len(unseen) - 5} more)" if len(unseen) > 5 else "")
        why.append(f"words not seen before: {shown}")
    low, high = number_span(hole.low, hole.high)
    strays = [n for n in f.numbers if not low <= n <= high]
    if strays:
        span = "none seen" if hole.low is None else f"seen {_num(hole.low)}..{_num(hole.high)}, admitted {_num(low)}..{_num(high)}"
        why.append(f"number {_num(strays[0])} outside the range ({span})")
    shortest, longest = length_span(hole.shortest, hole.longest)
    if f.length is not None and not shortest <= f.length <= longest:
        span = "none seen" if hole.shortest is None else f"seen {hole.shortest}..{hole.longest}, admitted {shortest}..{longest}"
        why.append(f"length {f.length} outside the lengths ({span})")
    return why


def number_span(low: float | None, high: float | None) -> tuple[float, float]:
    """The numbers a hole admits: its range [low, high] rounded out to whole decimal orders
    of magnitude (12..87 -> 10..99; 0.5..3 -> 0..9; -40..7 -> -99..9; nothing seen: none)."""
    if low is None or high is None:
        return math.inf, -math.inf
    return _round_out(low, down=True), _round_out(high, down=False)


def length_span(shortest: int | None, longest: int | None) -> tuple[int, int]:
    """The lengths a hole admits: [shortest, longest] rounded out to powers of two (25..31
    -> 16..31; 3..6 -> 2..7; 0 stays 0; nothing seen: none)."""
    if shortest is None or longest is None:
        return 1, 0
    low = 0 if shortest <= 0 else 1 << (shortest.bit_length() - 1)
    return low, (1 << longest.bit_length()) - 1 if longest > 0 else 0


def _round_out(x: float, *, down: bool) -> float:
    """``x`` moved away from the range's inside to the edge of its order of magnitude: a
    positive upper bound to 10**digits - 1, a positive lower bound to 10**(digits - 1)
    (0 below 10), and mirrored for negative numbers."""
    if not math.isfinite(x):
        return x
    if x < 0:
        return -_round_out(-x, down=not down)
    if x < 1:
        return 0.0 if down else 9.0
    if x >= 1e15:  # past exact float integers: the range itself
        return x
    digits = len(str(int(x)))
    return (0.0 if digits == 1 else float(10 ** (digits - 1))) if down else float(10 ** digits - 1)


def widen_all(envelope: Mapping[str, Hole], bindings: Mapping[str, Any], *, verified: bool = True) -> dict[str, Hole]:
    """Every hole of ``envelope`` grown by the bound values of ``bindings``."""
    out = dict(envelope)
    for name, value in bindings.items():
        out[name] = widen(out.get(name), value, verified=verified)
    return out


def novelties(envelope: Mapping[str, Hole], bindings: Mapping[str, Any], open_holes: Iterable[str] = (),
              known: Iterable[str] = ()) -> list[str]:
    """``"hole: why"`` for every bound value outside its hole's envelope (open holes skipped;
    ``known``: the words of :func:`program_words`, inside every hole)."""
    skip = set(open_holes)
    lexicon = frozenset(known)
    out = []
    for name, value in bindings.items():
        if name in skip:
            continue
        out += [f"{name}: {why}" for why in outside(envelope.get(name), value, lexicon)]
    return out


def program_words(source: str) -> frozenset[str]:
    """The words (as :func:`features` reads them) of every string literal in a program's
    source, at most :data:`MAX_PROGRAM_WORDS`; none when it does not parse."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return frozenset()
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(words) < MAX_PROGRAM_WORDS:
            words.update(w.casefold() for w in _WORD.findall(node.value[:_MAX_LITERAL]))
    return frozenset(sorted(words)[:MAX_PROGRAM_WORDS])


def render(hole: Hole) -> str:
    """One line for ``seglam cache show``."""
    parts = []
    if hole.words:
        shown = " ".join(hole.words[:12]) + (f" ... ({len(hole.words)} words)" if len(hole.words) > 12 else "")
        parts.append(f"words {shown}")
    if hole.low is not None:
        parts.append(f"numbers {_num(hole.low)}..{_num(hole.high)}")
    if hole.shortest is not None:
        parts.append(f"lengths {hole.shortest}..{hole.longest}")
    return "; ".join(parts) or "nothing seen"


def _collect(value: Any, words: set[str], numbers: list[float], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, bool):
        words.add("true" if value else "false")
    elif isinstance(value, (int, float, Decimal)):
        numbers.append(_float(value))
    elif isinstance(value, str):
        _text(value, words, numbers)
    elif isinstance(value, (datetime.date, enum.Enum)):
        _text(value.isoformat() if isinstance(value, datetime.date) else value.name, words, numbers)
    elif isinstance(value, dict):
        for i, (k, v) in enumerate(value.items()):
            if i >= MAX_ITEMS:
                break
            _collect(k, words, numbers, depth + 1)
            _collect(v, words, numbers, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for i, item in enumerate(value):
            if i >= MAX_ITEMS:
                break
            _collect(item, words, numbers, depth + 1)
    elif value is not None:
        _text(str(value), words, numbers)


def _text(text: str, words: set[str], numbers: list[float]) -> None:
    words.update(w.casefold() for w in _WORD.findall(text))
    for m in _NUMBER.finditer(text):
        if len(m.group()) <= _MAX_NUMBER_TEXT:
            numbers.append(_float(m.group()))


def _float(value: Any) -> float:
    """A number as a float; past the float range, +-inf (ranges only need the order)."""
    try:
        out = float(value)
    except OverflowError:
        out = math.inf if value > 0 else -math.inf
    except (TypeError, ValueError):
        return 0.0
    return 0.0 if math.isnan(out) else out


def _num(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if math.isfinite(x) and x == int(x) and abs(x) < 1e15 else repr(x)
