"""The words of a request that say what kind of request it is: lower-cased word tokens,
without pattern holes and stop words. Routing ranks families by them (BM25) and negative
families recognise a kind by them, so both read a request the same way. Also the index
probe keys of a request (:func:`request_tokens`), which the hit path looks up."""

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


#: A word or a symbol (the anchors of seglam.cache.pattern: words, then symbols, never a
#: lone surrogate).
_PROBE = re.compile(r"\w+|[^\w\s\ud800-\udfff]")

#: ASCII symbols (neither ``\w`` nor ``\s``), as byte tables: every symbol to a space,
#: and every byte but the symbols deleted.
_ASCII_SYMBOLS = bytes(c for c in range(128) if not (chr(c).isalnum() or chr(c) == "_" or chr(c).isspace()))
_SYMBOLS_TO_SPACE = bytes.maketrans(_ASCII_SYMBOLS, b" " * len(_ASCII_SYMBOLS))
_NOT_SYMBOLS = bytes(c for c in range(256) if c not in _ASCII_SYMBOLS)


def request_tokens(text: str) -> set[str]:
    r"""The index probe keys of a request: its lower-cased words and symbols (``_PROBE``).
    ASCII text (most requests) is split by two byte translations, no regex: the words are
    what is left between spaces once every symbol is a space (``str.split`` splits at
    exactly the characters ``\s`` matches), the symbols what is left once everything else
    is deleted; half the regex scan's instructions."""
    low = text.lower()
    if not low.isascii():
        return set(_PROBE.findall(low))
    data = low.encode("ascii")
    tokens = set(data.translate(_SYMBOLS_TO_SPACE).decode("ascii").split())
    symbols = data.translate(None, _NOT_SYMBOLS)
    if symbols:
        tokens.update(symbols.decode("ascii"))
    return tokens
