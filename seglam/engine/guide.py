"""The language guide for LLMs, generated from SPEC.md so it never drifts from the reference.

Which parts of SPEC.md go in, in document order:

- text between ``<!-- guide:start -->`` and ``<!-- guide:end -->`` goes in verbatim;
- a section whose body contains ``<!-- guide -->`` goes in whole (up to the next heading of
  the same or a higher level);
- everything else goes in as a compact digest, the statement of the rules without the
  tutorial: every heading (of a section that keeps something), bullet, bold-led paragraph and
  table row, and each prose paragraph that names a check's code (``E-...`` or ``F-...``: it
  states a rule a program must meet) or carries ``<!-- guide:keep -->``; code blocks are
  left out (they are examples of the rules; the compile prompt shows whole worked families
  instead), and so is a bullet, paragraph or table row that carries ``<!-- guide:omit -->``
  (a rule the prompt states elsewhere: the library list, the pattern rules, or another
  section of the guide). ``<!-- guide:skip -->`` in a section leaves it out entirely.

HTML comments are removed throughout.

The result is capped at ``max_chars`` (the guide shares the context window with the
worked families and the request).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MARK = "<!-- guide -->"
START = "<!-- guide:start -->"
END = "<!-- guide:end -->"
SKIP = "<!-- guide:skip -->"
KEEP = "<!-- guide:keep -->"
OMIT = "<!-- guide:omit -->"
DEFAULT_MAX_CHARS = 24_000

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)(.*)$")
_BULLET = re.compile(r"^\s*([-*+]|\d+\.)\s+")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
#: A check's stable code (E-IMPORT, F-FROZEN, F-*-SIZE): a paragraph naming one states a rule.
_CODE = re.compile(r"\b[EF]-[A-Z*]")

#: Used only when no SPEC.md can be found (an installed wheel without the repository).
FALLBACK_GUIDE = """\
# Seglam in brief
Seglam is a typed, pure subset of Python 3.10+. Every program is valid Python and means what
CPython says. Annotate every parameter and return type; locals are inferred.
- Allowed: def, if/elif/else, for, while, break, continue, return, comprehensions, lambda,
  f-strings, slicing, tuple unpacking, match/case, `X | None`, @dataclass(frozen=True)
  records, Enum, local lists/dicts/sets built with append, `d[k] = v`, `+=`.
- Not allowed: import of host modules (only `re`, `math`, `dataclasses`, `enum`, `itertools`,
  `datetime`, `decimal` names), I/O, print, global, try/except, classes other than records
  and enums, mutation of arguments (copy first: `xs = list(xs)`).
- Contracts: `@requires(lambda x: ...)`, `@ensures(lambda x, result: ...)`, the asserts
  opening a body (assignments may come between) are preconditions; module-level
  `assert f(...) == ...` lines are examples; `prop_*` functions returning bool are properties.
- Absence is `T | None` (`parse_int(s)`, `d.get(k)`); faults end the run, they cannot be caught.
- Checks: entry points (functions no other function calls) and properties are fuzzed; a helper
  is judged only on what its callers pass. `refuted` and failing examples block admission;
  `unknown` admits only after a deeper run on boundary inputs (non-ASCII text, "", big ints).
"""


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    lines: tuple[str, ...]  # body lines, without the heading


def find_spec() -> Path | None:
    """``$SEGLAM_SPEC``, else the SPEC.md an installed wheel carries (``seglam/SPEC.md``, put
    there by setup.py), else SPEC.md at the root of the checkout the package runs from."""
    env = os.environ.get("SEGLAM_SPEC")
    if env:
        p = Path(env).expanduser()
        return p if p.is_file() else None
    package = Path(__file__).resolve().parents[1]
    for p in (package / "SPEC.md", package.parent / "SPEC.md"):
        if p.is_file():
            return p
    return None


def load_guide(spec: str | os.PathLike[str] | None = None, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The guide from ``spec`` (a path), else from :func:`find_spec`, else the fallback."""
    path = Path(spec) if spec is not None else find_spec()
    if path is None:
        return FALLBACK_GUIDE
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return FALLBACK_GUIDE
    return generate_guide(text, max_chars) or FALLBACK_GUIDE


def generate_guide(markdown: str, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """The guide text for one SPEC.md source (pure; see the module docstring for the rules)."""
    out: list[str] = []
    rest: list[str] = []
    inside = False
    for line in markdown.splitlines():
        if START in line:
            out += _digest_sections("\n".join(rest))
            rest = []
            inside = True
        elif END in line:
            inside = False
        elif inside:
            out.append(line)
        else:
            rest.append(line)
    out += _digest_sections("\n".join(rest))
    return _cap(_squeeze(_without_restated(_strip_comments(tuple(out)))), max_chars)


#: Codes whose row in a code table (SPEC section 11, the faults) the guide leaves out: another
#: line of the guide states what raises each (the contracts in section 8, freezing in 7,
#: regular expressions in 9, the limits' table in 10), so the row would say it twice.
STATED_ELSEWHERE = frozenset({"F-ASSERT", "F-REQUIRES", "F-ENSURES", "F-FROZEN", "F-REGEX", "F-FUEL", "F-DEPTH",
                              "F-INT-SIZE", "F-STR-SIZE", "F-COLLECTION-SIZE"})
_CODE_ROW = re.compile(r"^- `([EF]-[A-Z-]+)`: ")


def _without_restated(lines: list[str]) -> list[str]:
    """``lines`` without the code-table rows of :data:`STATED_ELSEWHERE`, each only when
    another line still names its code (a code is never lost)."""
    def restated(i: int, line: str) -> bool:
        m = _CODE_ROW.match(line)
        return bool(m and m.group(1) in STATED_ELSEWHERE
                    and any(m.group(1) in other for j, other in enumerate(lines) if j != i))

    return [line for i, line in enumerate(lines) if not restated(i, line)]


def _digest_sections(markdown: str) -> list[str]:
    out: list[str] = []
    sections = split_sections(markdown)
    bodies: list[list[str]] = []
    for i, s in enumerate(sections):
        if any(SKIP in l for l in s.lines) or _inside_skipped(sections, i):
            bodies.append([])
        elif any(MARK in l for l in s.lines) or _inside_marked(sections, i):
            bodies.append(list(s.lines))
        else:
            bodies.append(_digest(s.lines))
    for i, s in enumerate(sections):
        head = [f"{'#' * s.level} {s.title}"] if s.title else []
        keeps = any(any(l.strip() for l in bodies[j]) for j in _subtree(sections, i))
        if keeps:
            out += head + bodies[i]
    return out


def _subtree(sections: list[Section], i: int) -> range:
    """Section ``i`` and the sections nested under it."""
    j = i + 1
    while j < len(sections) and sections[j].level > sections[i].level:
        j += 1
    return range(i, j)


def _inside_skipped(sections: list[Section], i: int) -> bool:
    return any(i in _subtree(sections, k) for k in range(i) if any(SKIP in l for l in sections[k].lines))


def _inside_marked(sections: list[Section], i: int) -> bool:
    return any(i in _subtree(sections, k) for k in range(i) if any(MARK in l for l in sections[k].lines))


def split_sections(markdown: str) -> list[Section]:
    """Sections by heading; ``#`` lines inside code fences are not headings."""
    sections: list[Section] = []
    level, title, body = 0, "", []
    fence: str | None = None
    for line in markdown.splitlines():
        m = _FENCE.match(line)
        if m:
            marker = m.group(1)[:3]
            fence = None if fence == marker else (fence or marker)
        h = _HEADING.match(line) if fence is None else None
        if h:
            sections.append(Section(level, title, tuple(body)))
            level, title, body = len(h.group(1)), h.group(2), []
        else:
            body.append(line)
    sections.append(Section(level, title, tuple(body)))
    return [s for s in sections if s.title or any(l.strip() for l in s.lines)]


def _digest(lines: tuple[str, ...]) -> list[str]:
    """The rules of one section's body: bullets, bold-led paragraphs, table rows and the
    paragraphs that name a code or carry ``KEEP``, each without ``OMIT`` items; no code."""
    out: list[str] = []
    for kind, block in _blocks(lines):
        text = "\n".join(block)
        if kind == "code" or OMIT in text:
            continue
        if kind == "prose" and not (text.startswith("**") or KEEP in text or _CODE.search(_COMMENT.sub("", text))):
            continue
        out += _strip_comments(tuple(block))
    return _compact_tables([l for l in out if l.strip()])


_TABLE_RULE = re.compile(r"^\s*\|[\s:|-]+\|\s*$")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _compact_tables(lines: list[str]) -> list[str]:
    """Markdown tables as lists: the rule row goes; with two columns the header goes too and
    each row is ``- key: meaning``; with more, the header is ``Columns: a | b | c`` and each
    row ``- a | b | c`` (an escaped ``\\|`` in a cell is read as ``|``)."""
    out: list[str] = []
    for i, line in enumerate(lines):
        if not line.lstrip().startswith("|") or _TABLE_RULE.match(line):
            out.append(line)
            continue
        cells = [c.strip().replace("\\|", "|") for c in _CELL_SPLIT.split(line.strip())[1:-1]]
        header = i + 1 < len(lines) and bool(_TABLE_RULE.match(lines[i + 1]))
        if header:
            if len(cells) > 2:
                out.append("Columns: " + " | ".join(cells))
        else:
            out.append("- " + (" | ".join(cells) if len(cells) > 2 else ": ".join(cells)))
    return [l for l in out if not _TABLE_RULE.match(l)]


def _blocks(lines: tuple[str, ...]) -> list[tuple[str, list[str]]]:
    """The body split into its blocks: ``code`` (a fenced block), ``row`` (a table row),
    ``bullet`` (a list item with its indented continuation lines) and ``prose`` (a paragraph)."""
    blocks: list[tuple[str, list[str]]] = []
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        kind = blocks[-1][0] if blocks else ""
        if fence is not None:
            blocks[-1][1].append(line)
            if m and m.group(1)[:3] == fence:
                fence = None
        elif m:
            fence = m.group(1)[:3]
            blocks.append(("code", [line]))
        elif not line.strip():
            blocks.append(("blank", []))
        elif line.lstrip().startswith("|"):
            blocks.append(("row", [line]))
        elif _BULLET.match(line):
            blocks.append(("bullet", [line]))
        elif kind == "bullet" and line[:1].isspace() or kind == "prose":
            blocks[-1][1].append(line)
        else:
            blocks.append(("prose", [line]))
    return [b for b in blocks if b[0] != "blank"]


def _strip_comments(lines: tuple[str, ...]) -> list[str]:
    return _COMMENT.sub("", "\n".join(lines)).split("\n")


def _squeeze(lines: list[str]) -> str:
    text = "\n".join(l.rstrip() for l in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def _cap(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    cut = text.rfind("\n", 0, max_chars)
    return text[: cut if cut > 0 else max_chars] + "\n[... guide truncated ...]\n"
