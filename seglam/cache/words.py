"""The words of a request that say what kind of request it is: lower-cased word tokens,
without pattern holes and stop words. Routing ranks families by them (BM25) and negative
families recognise a kind by them, so both read a request the same way."""

from __future__ import annotations

import re

#: A pattern's typed hole, ``{name: type}`` (its words are not the request's).
HOLE = re.compile(r"\{\s*[A-Za-z_]\w*\s*:\s*\w+\s*\}")
_WORD = re.compile(r"[a-z0-9]+")
#: Words that carry no signal for "which kind of request is this".
STOP_WORDS = frozenset(
    "a an the of to and or in on at is are be it this that these those for with by from as "
    "what which who how do does you your i me my we our".split()
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens of ``text`` without pattern holes and stop words."""
    return [t for t in _WORD.findall(HOLE.sub(" ", text.lower())) if t not in STOP_WORDS]
