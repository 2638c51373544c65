"""Worked families for the compile prompt, chosen for the request.

A model writes a better family when the example it is shown looks like the task at hand: a
table question learns more from a table family than from word sorting. So the compile prompt
does not carry a fixed pair of examples. It carries the families nearest to the request:

1. families already admitted in the cache (the library the model is growing), else
2. a small built-in pool of short families, one per shape of task (text transform, symbols,
   expression, yes/no logic, a multiple-choice question over a table, a numeric word
   problem, date arithmetic over the Seglam library): families written for the pool in
   ``stdlib/worked``, and one BIG-Bench Hard family from ``stdlib/families``
   (boolean_expressions, the expression). Their answers come from the CPython oracle, which
   is given the standard library's Seglam modules, so a family may import them.

Nearness is BM25 over the request's words (:mod:`seglam.engine.router`, the same ranking the
routing tier uses) plus how alike the request and the family's request look: the overlap of
their *shape words* (it offers options, asks a yes/no question, asks how many or how much,
holds a table, holds numbers, is mostly symbols, spans several lines), so a request with no
word in common with any family still gets the family of its shape. The chosen families are rendered
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
from seglam.program.library import stdlib_sources
from seglam.run.oracle import run_cpython

#: The built-in pool: the short families of different shapes (longer ones would not fit the
#: budget below, so they are never shown).
BUILTIN_POOL = (
    "reverse_words",  # text in, text out
    "cancel_brackets",  # symbols in, symbols out
    "boolean_expressions",  # an expression to evaluate
    "kind_chain",  # yes/no logic: does a conclusion follow from premises
    "table_choice",  # a multiple-choice question over a table, answered with a letter
    "change_due",  # a numeric word problem, answered with a number
    "due_date",  # date arithmetic over the Seglam library (imports dates and text)
)
#: What one point of shape likeness (the Jaccard overlap of two requests' shape words, 0 to 1)
#: adds to a BM25 score: enough that the shape decides between families that share few words.
SHAPE_WEIGHT = 3.0
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
        head = f"# Worked family: {self.task} ({origin})\n\nIts request:\n{self.request}\n\nIts answer:\n"
        return head + reply_json(self.reply)

    def search_text(self) -> str:
        """What BM25 reads: the family's wording, description and request."""
        return " ".join((*self.reply.get("patterns", ()), str(self.reply.get("description", "")), self.request))


def reply_json(reply: dict[str, Any]) -> str:
    """A reply as the JSON object a model sends: one field a line, each value on one line (an
    indented dump spends a line and its indent on every list item and nested key)."""
    fields = (f"{json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in reply.items())
    return "{\n" + ",\n".join(fields) + "\n}"


# an option line: "(A) red", "A) red", or "- valid" under an "Options:" line
_OPTION = re.compile(r"(?m)^\s*\(?[A-Ka-k]\)\s*\S")
_DASH_OPTIONS = re.compile(r"(?im)^\s*options\s*:\s*\n(?:\s*[-*]\s*\S.*\n?){2,}")
_DIGIT = re.compile(r"\d")
# a question answered yes or no: it opens with an auxiliary verb ("Does Ann lie?")
_YES_NO = re.compile(r"(?im)(?:^|[.?!:]\s+)(?:is|are|was|were|do|does|did|can|could|will|would|should|has|have|had)\b[^.?!\n]*\?")
_HOW_MUCH = re.compile(r"(?i)\bhow (?:many|much)\b")
#: A count written in words ("three violins", "twenty-one"); not "one" or "a", which are
#: mostly not counts.
_COUNT_WORD = re.compile(r"(?i)\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
                          r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
                          r"eighty|ninety|hundred|thousand)\b")
#: A share: "a third", "two-fifths", "3/4" (not a date's 03/05/2021), "25%"; not "a half-brother".
_SHARE = re.compile(r"(?i)\b(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|\d+)[- ](?:half|halves|"
                    r"thirds?|quarters?|fifths?|sixths?|sevenths?|eighths?|ninths?|tenths?)\b(?!-)"
                    r"|(?<![\d/])\d{1,4}/\d{1,4}(?![\d/])|\d%")
_CELL_SEP = re.compile(r"[,|\t]")
_LETTER = re.compile(r"[^\W\d_]")
# a written date: 3/5/2021, 2021-03-05, March 5, 2021 (or Mar 5th 2021)
_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b|\b\d{4}-\d{2}-\d{2}\b|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
                   r"[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b")


def shape_words(text: str) -> list[str]:
    """Words for what a request looks like, independent of its topic: its surface (options
    listed, a table, numbers, counts written in words, shares, written dates, mostly symbols, several lines) and the form its
    answer takes (one of ``answerletter``: lettered options; ``answeryesno``: a yes/no
    question, or a list of two words to answer with, such as ``- valid`` / ``- invalid``;
    ``answernumber``: it asks how many or how much)."""
    out = []
    letters = len(_OPTION.findall(text))
    dashed = _DASH_OPTIONS.search(text)
    words = dashed.group(0).strip().count("\n") if dashed else 0
    if letters >= 2 or words >= 2:
        out.append("shapeoptions")
    if _is_table(text):
        out.append("shapetable")
    if _DIGIT.search(text):
        out.append("shapenumbers")
    if _DATE.search(text):
        out.append("shapedates")
    if _COUNT_WORD.search(text):
        out.append("shapenumberwords")
    if _SHARE.search(text):
        out.append("shapeshares")
    visible = [c for c in text if not c.isspace()]
    if visible and sum(1 for c in visible if _LETTER.match(c)) < len(visible) / 2:
        out.append("shapesymbols")
    if text.strip().count("\n") >= 2:
        out.append("shapelines")
    if letters >= 2:
        out.append("answerletter")
    elif words == 2 or _YES_NO.search(text):
        out.append("answeryesno")
    elif _HOW_MUCH.search(text):
        out.append("answernumber")
    return out


def _is_table(text: str) -> bool:
    """Three or more lines in a row (a header and two rows) with the same number of cell
    separators (``,``, ``|``, tab), or a table whose line breaks were lost: one line of at
    least :data:`FLAT_TABLE_CELLS` cells, a third of them holding a number (BIG-Bench Hard's
    penguins tables arrive so: "name, age Louis, 7 Bernard, 5 ..."; a list of things in a
    sentence has few numbers)."""
    lines = text.splitlines()
    counts = [len(_CELL_SEP.findall(line)) for line in lines]
    return (any(a == b == c > 0 for a, b, c in zip(counts, counts[1:], counts[2:]))
            or any(_is_flat_table(line) for line in lines))


#: The fewest cells of a one-line table (a header and two rows of three columns).
FLAT_TABLE_CELLS = 9


def _is_flat_table(line: str) -> bool:
    for sep in (",", "|", "\t"):
        cells = line.split(sep)
        if len(cells) >= FLAT_TABLE_CELLS and 3 * sum(1 for c in cells if _NUMBER_WORD.search(c)) >= len(cells):
            return True
    return False


_NUMBER_WORD = re.compile(r"(?<![\w.])[-+]?\d+(?:\.\d+)?(?![\w.])")


def answer_form(text: str) -> str:
    """The form a request's answer takes, from its shape words: ``answeryesno``,
    ``answerletter``, ``answernumber``, or ``""`` (free text, a value, a sequence)."""
    return next((w for w in shape_words(text) if w.startswith("answer")), "")


def shape_likeness(a: str, b: str) -> float:
    """How alike two requests look on the surface, 0 to 1: the Jaccard overlap of their shape
    words other than the answer's form."""
    sa = {w for w in shape_words(a) if not w.startswith("answer")}
    sb = {w for w in shape_words(b) if not w.startswith("answer")}
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def families_dir() -> Path | None:
    """``stdlib/families`` (the repository's, or the installed ``seglam.stdlib``'s)."""
    candidates = [Path(__file__).resolve().parents[2] / "stdlib" / "families"]
    try:
        import importlib.resources as resources

        candidates.append(Path(str(resources.files("seglam.stdlib"))) / "families")
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    return next((p for p in candidates if p.is_dir()), None)


def worked_dir() -> Path | None:
    """``stdlib/worked``: the families written for the pool (not BIG-Bench Hard tasks)."""
    families = families_dir()
    return families.parent / "worked" if families is not None and (families.parent / "worked").is_dir() else None


def load_worked(names: Sequence[str] = BUILTIN_POOL, directory: Path | None = None) -> list[WorkedFamily]:
    """Worked families from their ``.sgl`` + ``.json`` sidecars, in ``directory`` or else in
    ``stdlib/worked`` and ``stdlib/families``. The answers shown are the programs' own outputs
    under the CPython oracle, so the examples are always right; a family that does not run is
    left out."""
    directories = [d for d in ([directory] if directory else [worked_dir(), families_dir()]) if d is not None]
    out: list[WorkedFamily] = []
    for name in names:
        home = next((d for d in directories if (d / f"{name}.json").is_file()), None)
        if home is None:
            continue
        try:
            meta = json.loads((home / f"{name}.json").read_text(encoding="utf-8"))
            source = (home / f"{name}.sgl").read_text(encoding="utf-8")
            entry = meta.get("entry", "solve")
            samples = list(meta.get("samples", []))
            answers = [_oracle_answer(source, entry, meta["patterns"], s) for s in samples[:3]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not samples or any(a is _NO for a in answers):
            continue
        reply = {
            "description": meta.get("description", ""),
            **({} if entry == "solve" else {"entry": entry}),  # "solve" is the default (rule 2)
            "patterns": list(meta["patterns"]),
            "program": without_header(source),
            "answer": answers[0],
            "examples": [{"request": s, "answer": a} for s, a in zip(samples[1:3], answers[1:3])],
        }  # no "properties": the engine finds the prop_* functions in the program itself
        out.append(WorkedFamily(name, samples[0], reply))
    return out


def without_header(source: str) -> str:
    """The program without its leading comment block (the family's notes for a reader of the
    repository; the reply's "description" says what the family does)."""
    lines = source.splitlines(keepends=True)
    i = 0
    while i < len(lines) and (lines[i].startswith("#") or not lines[i].strip()):
        i += 1
    return "".join(lines[i:])


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
    preferred on ties; of the pool, those that read a table, for a request holding one, and
    those whose answer takes the request's form come first), as many as fit ``limit`` and
    ``budget``, at most one of them from the built-in pool (one complete reply teaches the
    format; more of the cache's own families teach code to reuse). Always at least one when any family is available (the shortest of
    the pool when nothing is near)."""
    candidates = [*admitted, *pool]
    if not candidates:
        return []
    docs = [Doc(str(i), w.search_text()) for i, w in enumerate(candidates)]
    words = {int(s.id): s.score for s in bm25_rank(query, docs, len(docs))}
    score = [words.get(i, 0.0) + SHAPE_WEIGHT * shape_likeness(query, w.request) for i, w in enumerate(candidates)]
    # Of the built-in pool, a request that holds a table is shown a family that reads one, then
    # a family whose answer takes the request's form (when it has one); the cache's own families
    # are of the user's kinds and compete by nearness alone (words and shape).
    table, form = "shapetable" in shape_words(query), answer_form(query)
    reads = [not table or w.admitted or "shapetable" in shape_words(w.request) for w in candidates]
    same = [not form or w.admitted or answer_form(w.request) == form for w in candidates]
    # a pool family about dates (it imports the library's `dates`) is for requests that hold one
    dated = "shapedates" in shape_words(query)
    fits = [dated or w.admitted or "shapedates" not in shape_words(w.request) for w in candidates]
    order = sorted(range(len(candidates)),
                   key=lambda i: (not reads[i], not same[i], -score[i], not candidates[i].admitted))
    ranked = [candidates[i] for i in order if fits[i] and (score[i] > 0 or not candidates[i].admitted and (
        (table and reads[i]) or (form and same[i])))]
    chosen: list[WorkedFamily] = []
    used = 0
    for w in ranked:
        size = len(w.render())
        second_builtin = not w.admitted and any(not c.admitted for c in chosen)
        if len(chosen) < limit and used + size <= budget and not second_builtin:
            chosen.append(w)
            used += size
    if not chosen:
        fitting = [w for w, ok in zip(candidates, fits) if ok and not w.admitted]
        shortest = min(fitting or pool or candidates, key=lambda w: len(w.render()))
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
                res = run_cpython(source, entry, kwargs=bound, modules=dict(stdlib_sources()))
            except Exception:  # noqa: BLE001 - a broken worked family is skipped, not fatal
                return _NO
            return res.value if res.ok else _NO
    return _NO
