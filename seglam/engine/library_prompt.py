"""The Seglam library as the compile prompt lists it: the public names of the standard
library's Seglam modules (``stdlib/*.sgl``: ``dates``, ``text``, ``tables``), read from the
modules themselves, so the list can never drift from what a program can import. Bodies,
examples and properties are left out (a program imports them; the model need not read them).

Two parts, so the prompt stays short:

- :func:`library_index` (in the fixed system prompt): each module's purpose and its names;
- :func:`library_for` (in the request's message, after the worked families): the modules the
  request looks like it needs, each name with its signature and the first line of its
  docstring (``- add_days(d: date, n: int) -> date: `n` days after `d` ...``). A module is
  needed by a request with one of its shape words (:data:`MODULE_SHAPES`: a written date for
  ``dates``, a table for ``tables``, lettered options, a count in words or a share (``a third``, ``3/4``) for ``text``: the
  object-counting stand-in of run 9 was not shown ``text.number`` and wrote its own, the
  GSM stand-ins of run 10 their own fraction readers); a module without one is
  shown for every request.

Owns: rendering both. The modules are found by :mod:`seglam.program.library`.
"""

from __future__ import annotations

import ast
import functools
import re

from typing import Sequence

from seglam.engine.router import Doc, bm25_rank
from seglam.engine.worked import shape_words
from seglam.program.library import stdlib_sources

HEADING = ("# The Seglam library: verified modules to import (`from dates import add_days, parse_mdy`) instead of "
           "rewriting what they do; the signatures of those this request may need are shown with it")
#: The shape words (:func:`seglam.engine.worked.shape_words`) of a request that needs a module.
MODULE_SHAPES = {"dates": frozenset({"shapedates"}), "tables": frozenset({"shapetable"}),
                 "text": frozenset({"answerletter", "shapenumberwords", "shapeshares"})}
#: The longest one-line doc shown, in chars (a longer first sentence is cut at a word). Long
#: enough for every first sentence of the standard library: a model reading a cut doc guesses
#: what a function returns on the cases that matter (None, clamping), stand-in run 5.
DOC_CHARS = 170


@functools.lru_cache(maxsize=4)
def library_index(sources: tuple[tuple[str, str], ...] | None = None) -> str:
    """For the fixed prompt: ``- module <name>: <purpose>: <name> <name> ...`` per module of
    ``sources`` ((module name, source) pairs; default the standard library)."""
    lines = []
    for name, source in _pairs(sources):
        tree = ast.parse(source)
        names = [*_constants(tree), *(f.name for f in _functions(tree))]
        lines.append(f"- module {name}: {_purpose(tree)}: {' '.join(names)}")  # names as the standard library's
    return "\n".join(lines) + "\n"


def library_for(query: str, sources: tuple[tuple[str, str], ...] | None = None) -> str:
    """For one request: the full listing (:func:`module_summary`) of each module ``query``
    needs (see the module docstring); empty when it needs none."""
    shapes = set(shape_words(query))
    blocks = [_summary(name, source) for name, source in _pairs(sources)
              if MODULE_SHAPES.get(name) is None or MODULE_SHAPES[name] & shapes]
    if not blocks:
        return ""
    return "# The library modules this request may need (signatures; import them)\n\n" + "\n".join(blocks)


#: At most this many of the cache's own library modules are listed for one request.
MAX_CACHE_MODULES = 4
CACHE_HEADING = "# Modules of this cache's library that look related (signatures; import them like the above)"


def cache_library_for(query: str, modules: Sequence[tuple[str, str]], limit: int = MAX_CACHE_MODULES) -> str:
    """For one request: the listing of the cache's own library modules (``modules``: (name,
    source) pairs, admitted helpers a model wrote before) that share words with ``query``,
    nearest first (BM25 over each module's listing), at most ``limit``, so a library that
    grows stays bounded in the prompt; empty when none is near."""
    blocks = {name: _summary(name, source) for name, source in modules}
    ranked = bm25_rank(query, [Doc(name, block) for name, block in blocks.items()], limit)
    if not ranked:
        return ""
    return CACHE_HEADING + "\n\n" + "\n".join(blocks[r.id] for r in ranked)


def _pairs(sources: tuple[tuple[str, str], ...] | None) -> tuple[tuple[str, str], ...]:
    return sources if sources is not None else tuple(sorted(stdlib_sources().items()))


@functools.lru_cache(maxsize=16)
def _summary(name: str, source: str) -> str:
    return module_summary(name, source)


def module_summary(name: str, source: str) -> str:
    """One module's block: ``module <name>: <purpose>``, its constants, its functions. Names
    starting with ``_`` and ``prop_`` are the module's own."""
    tree = ast.parse(source)
    lines = [f"module {name}: {_purpose(tree)}"]
    if _constants(tree):
        lines.append("  constants: " + ", ".join(_constants(tree)))
    for fn in _functions(tree):
        doc = first_line(ast.get_docstring(fn) or "")
        lines.append(f"- {signature(fn)}" + (f": {doc}" if doc else ""))
    return "\n".join(lines)


def _purpose(tree: ast.Module) -> str:
    return first_line(ast.get_docstring(tree) or "").split(" (")[0].split(":")[0].rstrip(".")


def _constants(tree: ast.Module) -> list[str]:
    return [t.id for stmt in tree.body if isinstance(stmt, ast.Assign) for t in stmt.targets
            if isinstance(t, ast.Name) and t.id.isupper() and not t.id.startswith("_")]


def _functions(tree: ast.Module) -> list[ast.FunctionDef]:
    return [s for s in tree.body if isinstance(s, ast.FunctionDef) and not s.name.startswith(("_", "prop_"))]


def signature(fn: ast.FunctionDef) -> str:
    """``name(a: int, sep: str=',') -> str``: the parameters and result as the module writes them."""
    return f"{fn.name}({ast.unparse(fn.args)})" + (f" -> {ast.unparse(fn.returns)}" if fn.returns else "")


def first_line(doc: str) -> str:
    """The first sentence of a docstring (up to a full stop before a capital letter), on one
    line, cut at a word to at most DOC_CHARS."""
    text = " ".join(doc.split())
    end = _SENTENCE_END.search(text)
    text = text[: end.start() + 1] if end else text
    if len(text) > DOC_CHARS:
        text = text[:DOC_CHARS].rsplit(" ", 1)[0] + " ..."
    return text


_SENTENCE_END = re.compile(r"[.!?] (?=[A-Z`\"])")
