"""Synthetic families for benchmarks and stress tests: distinct vocabularies, real
patterns, trivially correct programs. Stored with :meth:`Cache.put_verified`, never
admitted through the model path."""

from __future__ import annotations

import hashlib

from seglam.cache.entry import Entry, Param, Signature, Verification

_CONSONANTS = "bcdfghjklmnprstvz"
_VOWELS = "aeiou"


def word(n: int) -> str:
    """A pronounceable, unique word for every n >= 0 (``baba``, ``babe``, ...)."""
    syllables = []
    n += 17 * 5 * 17 * 5  # at least four syllables, so no word is a common English token
    while n:
        n, r = divmod(n, len(_CONSONANTS) * len(_VOWELS))
        syllables.append(_CONSONANTS[r // len(_VOWELS)] + _VOWELS[r % len(_VOWELS)])
    return "".join(syllables)


def source(n: int) -> str:
    return f"def main(x: int) -> int:\n    return x + {n}\n"


def pattern(n: int) -> str:
    return f"Apply the {word(3 * n)} {word(3 * n + 1)} rule to {{x: int}} with {word(3 * n + 2)} care"


def request(n: int, x: int) -> str:
    return pattern(n).replace("{x: int}", str(x))


def family(n: int, prefix: str = "") -> Entry:
    """The n-th synthetic family (id ``<prefix>`` + 12 hex digits)."""
    src = source(n)
    digest = hashlib.sha256(src.encode()).hexdigest()
    return Entry(
        id=(prefix + hashlib.sha256(f"{prefix}{n}".encode()).hexdigest())[:12],
        description=f"synthetic family {n}",
        patterns=(pattern(n),),
        source=src,
        program_hash=digest,
        signature=Signature(entry="main", params=(Param(name="x", type="int"),), returns="int"),
        verification=Verification(ok=True, tool="synthetic"),
        samples=(request(n, 1),),
    )
