"""The language guide for LLMs, generated from SPEC.md so it never drifts from the reference.

Which parts of SPEC.md go in:

- a section whose body contains ``<!-- guide -->`` goes in whole (up to the next heading of
  the same or a higher level), HTML comments removed;
- a fenced block opened with ```` ```python guide ```` goes in wherever it is;
- with no markers at all, a compact digest: every heading, every bullet line and every
  code block, without the prose paragraphs.

The result is capped at ``max_chars`` (the guide shares the context window with the
worked families and the request).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

MARK = "<!-- guide -->"
DEFAULT_MAX_CHARS = 14_000

_HEADING = re.compile(r"^(#{1,6})\s+(.*\S)\s*$")
_FENCE = re.compile(r"^\s*(```+|~~~+)(.*)$")
_COMMENT = re.compile(r"<!--.*?-->", re.S)

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
- Contracts: `@requires(lambda x: ...)`, `@ensures(lambda x, result: ...)`, leading asserts
  are preconditions; module-level `assert f(...) == ...` lines are examples; `prop_*`
  functions returning bool are properties.
- Absence is `T | None` (`parse_int(s)`, `d.get(k)`); faults end the run, they cannot be caught.
"""


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    lines: tuple[str, ...]  # body lines, without the heading


def find_spec() -> Path | None:
    """``$SEGLAM_SPEC``, else SPEC.md at the repository root next to the package."""
    env = os.environ.get("SEGLAM_SPEC")
    if env:
        p = Path(env).expanduser()
        return p if p.is_file() else None
    p = Path(__file__).resolve().parents[2] / "SPEC.md"
    return p if p.is_file() else None


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
    sections = split_sections(markdown)
    marked = MARK in markdown or any(_is_guide_fence(l) for l in markdown.splitlines())
    out: list[str] = []
    if marked:
        i = 0
        while i < len(sections):
            s = sections[i]
            if any(MARK in l for l in s.lines):
                out += [f"{'#' * s.level} {s.title}", *_strip_comments(s.lines)]
                j = i + 1
                while j < len(sections) and sections[j].level > s.level:
                    t = sections[j]
                    out += [f"{'#' * t.level} {t.title}", *_strip_comments(t.lines)]
                    j += 1
                i = j
                continue
            blocks = _guide_fences(s.lines)
            if blocks:
                out += [f"{'#' * s.level} {s.title}", *blocks]
            i += 1
    else:
        for s in sections:
            body = _digest(s.lines)
            if s.title or body:
                out += ([f"{'#' * s.level} {s.title}"] if s.title else []) + body
    return _cap(_squeeze(out), max_chars)


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


def _is_guide_fence(line: str) -> bool:
    m = _FENCE.match(line)
    return bool(m and "guide" in m.group(2).split())


def _guide_fences(lines: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    inside = False
    for line in lines:
        m = _FENCE.match(line)
        if m and not inside and _is_guide_fence(line):
            inside = True
            out.append(m.group(1) + "python")
        elif m and inside:
            inside = False
            out.append(line.strip())
        elif inside:
            out.append(line)
    return out


def _digest(lines: tuple[str, ...]) -> list[str]:
    """Bullets, tables and code blocks; prose paragraphs dropped."""
    out: list[str] = []
    inside = False
    for line in _strip_comments(lines):
        if _FENCE.match(line):
            inside = not inside
            out.append(line)
        elif inside or re.match(r"^\s*([-*+]|\d+\.)\s+", line) or line.lstrip().startswith("|"):
            out.append(line)
    return out


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
