"""Read SPEC.md: its `sgl` code blocks and its generated tables."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SPEC = Path(__file__).resolve().parents[2] / "SPEC.md"

_BLOCK = re.compile(r"^```sgl([^\n]*)\n(.*?)^```", re.M | re.S)


@dataclass(frozen=True)
class Block:
    line: int
    source: str
    options: dict[str, str]


def blocks(text: str | None = None) -> list[Block]:
    text = SPEC.read_text(encoding="utf-8") if text is None else text
    out = []
    for match in _BLOCK.finditer(text):
        options = dict(part.split("=", 1) for part in match.group(1).split() if "=" in part)
        out.append(Block(text[: match.start()].count("\n") + 1, match.group(2), options))
    return out


def table(name: str, text: str | None = None) -> dict[str, str]:
    """The rows of a generated `| code | meaning |` table between its markers."""
    text = SPEC.read_text(encoding="utf-8") if text is None else text
    body = text.split(f"<!-- table:{name} -->", 1)[1].split(f"<!-- /table:{name} -->", 1)[0]
    rows = {}
    for line in body.strip().splitlines()[2:]:
        cells = [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        rows[cells[0].strip("`")] = cells[1]
    return rows


def render_table(codes: dict[str, str]) -> str:
    lines = ["| code | meaning |", "|---|---|"]
    lines += [f"| `{code}` | {meaning.replace('|', chr(92) + '|')} |" for code, meaning in codes.items()]
    return "\n".join(lines)


def regenerate(text: str) -> str:
    """SPEC.md with its code tables rewritten from the code (run this file to update)."""
    from seglam.syntax.diagnostics import DIAGNOSTIC_CODES
    from seglam.run.faults import FAULT_CODES

    for name, codes in (("faults", FAULT_CODES), ("diagnostics", DIAGNOSTIC_CODES)):
        start, end = f"<!-- table:{name} -->", f"<!-- /table:{name} -->"
        head, rest = text.split(start, 1)
        _, tail = rest.split(end, 1)
        text = head + start + "\n" + render_table(codes) + "\n" + end + tail
    return text


if __name__ == "__main__":
    SPEC.write_text(regenerate(SPEC.read_text(encoding="utf-8")), encoding="utf-8")
