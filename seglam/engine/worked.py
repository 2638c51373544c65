"""Worked families for the compile prompt, chosen for the request.

A model writes a better family when the example it is shown looks like the task at hand: a
table question learns more from a table family than from word sorting. So the compile prompt
does not carry a fixed pair of examples. It carries the families nearest to the request:

1. families already admitted in the cache (the library the model is growing), else
2. a small built-in pool of short families from ``stdlib/families``, one per shape of task
   (text transform, symbols, expression, yes/no logic).

Nearness is BM25 over the request's words (:mod:`seglam.engine.router`, the same ranking the
routing tier uses) plus a few *shape words* that say what the request looks like (it offers
options, holds numbers, is mostly symbols, spans several lines), so a request with no word in
common with any family still gets the family of its shape. The chosen families are rendered
after the prompt's fixed prefix, so servers that cache prompt prefixes still serve the guide,
the rules and the schema from their cache. A char budget bounds what they add.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Sequence

from seglam.cache.pattern import parse_pattern
from seglam.engine.router import Doc, bm25_rank
from seglam.run.oracle import run_cpython

#: The built-in pool: the short families of different shapes (longer ones would not fit the
#: budget below, so they are never shown).
BUILTIN_POOL = (
    "word_sorting",  # text in, text out
    "dyck_languages",  # symbols
    "boolean_expressions",  # an expression to evaluate
    "web_of_lies",  # yes/no logic over statements
)
#: At most this many worked families in one prompt.
MAX_WORKED = 2
#: What the worked families may add to a compile prompt, in chars (~1,500 tokens).
WORKED_BUDGET = 6_000


@dataclass(frozen=True)
class WorkedFamily:
    """One example of a good compile reply: the request it answered and the reply itself.
    ``admitted`` marks a family taken from the cache rather than from the built-in pool."""

    task: str
    request: str
    reply: dict[str, Any]
    admitted: bool = False

    def render(self) -> str:
        origin = "a family already admitted in this cache" if self.admitted else "a built-in example"
        return (
            f"# Worked family: {self.task} ({origin})\n\nIts request:\n{self.request}\n\nIts answer:\n"
            + json.dumps(self.reply, indent=1, ensure_ascii=False)
        )

    def search_text(self) -> str:
        """What BM25 reads: the family's wording, description and request, with shape words."""
        text = " ".join((*self.reply.get("patterns", ()), str(self.reply.get("description", "")), self.request))
        return text + " " + " ".join(shape_words(self.request))


# an option line: "(A) red", "A) red", or "- valid" under an "Options:" line
_OPTION = re.compile(r"(?m)^\s*\(?[A-Ka-k]\)\s*\S")
_DASH_OPTIONS = re.compile(r"(?im)^\s*options\s*:\s*\n(?:\s*[-*]\s*\S.*\n?){2,}")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")


def shape_words(text: str) -> list[str]:
    """Words for what a request looks like, independent of its topic."""
    out = []
    if len(_OPTION.findall(text)) >= 2 or _DASH_OPTIONS.search(text):
        out.append("shapeoptions")
    if _DIGIT.search(text):
        out.append("shapenumbers")
    visible = [c for c in text if not c.isspace()]
    if visible and sum(1 for c in visible if _LETTER.match(c)) < len(visible) / 2:
        out.append("shapesymbols")
    if text.strip().count("\n") >= 2:
        out.append("shapelines")
    return out


def families_dir() -> Path | None:
    """``stdlib/families`` (the repository's, or the installed ``seglam.stdlib``'s)."""
    candidates = [Path(__file__).resolve().parents[2] / "stdlib" / "families"]
    try:
        import importlib.resources as resources

        candidates.append(Path(str(resources.files("seglam.stdlib"))) / "families")
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    return next((p for p in candidates if p.is_dir()), None)


def load_worked(names: Sequence[str] = BUILTIN_POOL, directory: Path | None = None) -> list[WorkedFamily]:
    """Worked families from their ``.sgl`` + ``.json`` sidecars. The answers shown are the
    programs' own outputs under the CPython oracle, so the examples are always right; a family
    that does not run is left out."""
    directory = directory or families_dir()
    out: list[WorkedFamily] = []
    if directory is None:
        return out
    for name in names:
        try:
            meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
            source = (directory / f"{name}.sgl").read_text(encoding="utf-8")
            entry = meta.get("entry", "solve")
            samples = list(meta.get("samples", []))
            answers = [_oracle_answer(source, entry, meta["patterns"], s) for s in samples[:3]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not samples or any(a is _NO for a in answers):
            continue
        reply = {
            "description": meta.get("description", ""),
            "entry": entry,
            "patterns": list(meta["patterns"]),
            "program": source,
            "answer": answers[0],
            "examples": [{"request": s, "answer": a} for s, a in zip(samples[1:3], answers[1:3])],
            "properties": _prop_names(source),
        }
        out.append(WorkedFamily(name, samples[0], reply))
    return out


def from_admitted(family_id: str, description: str, entry: str, patterns: Sequence[str], source: str,
                  samples: Sequence[str]) -> WorkedFamily | None:
    """A family from the cache as a worked family (its first sample request; the reply without
    answers, which the cache keeps as verified examples of its own). None without a sample."""
    if not samples or not source:
        return None
    reply = {"description": description, "entry": entry, "patterns": list(patterns), "program": source}
    return WorkedFamily(family_id, samples[0], reply, admitted=True)


def select_worked(query: str, pool: Sequence[WorkedFamily], admitted: Sequence[WorkedFamily] = (),
                  budget: int = WORKED_BUDGET, limit: int = MAX_WORKED) -> list[WorkedFamily]:
    """The families to show for ``query``: nearest first (admitted ones ranked with the pool,
    preferred on ties), as many as fit ``limit`` and ``budget``, at most one of them from the
    built-in pool (one complete reply teaches the format; more of the cache's own families
    teach code to reuse). Always at least one when any family is available (the shortest of
    the pool when nothing is near)."""
    candidates = [*admitted, *pool]
    if not candidates:
        return []
    docs = [Doc(str(i), w.search_text()) for i, w in enumerate(candidates)]
    ranked = [candidates[int(s.id)] for s in bm25_rank(query + " " + " ".join(shape_words(query)), docs, len(docs))]
    chosen: list[WorkedFamily] = []
    used = 0
    for w in ranked:
        size = len(w.render())
        second_builtin = not w.admitted and any(not c.admitted for c in chosen)
        if len(chosen) < limit and used + size <= budget and not second_builtin:
            chosen.append(w)
            used += size
    if not chosen:
        shortest = min(pool or candidates, key=lambda w: len(w.render()))
        chosen.append(shortest)
    return chosen


def render_worked(worked: Iterable[WorkedFamily]) -> str:
    """The worked families as the compile prompt shows them (empty when none)."""
    return "\n\n".join(w.render() for w in worked)


_NO = object()


def _oracle_answer(source: str, entry: str, patterns: Iterable[str], request: str) -> Any:
    for text in patterns:
        bound = parse_pattern(text).match(request)
        if bound is not None:
            try:
                res = run_cpython(source, entry, kwargs=bound)
            except Exception:  # noqa: BLE001 - a broken worked family is skipped, not fatal
                return _NO
            return res.value if res.ok else _NO
    return _NO


def _prop_names(source: str) -> list[str]:
    return [line.split("(")[0][4:].strip() for line in source.splitlines() if line.startswith("def prop_")]
