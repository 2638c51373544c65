"""Expected verdicts of the verifier corpus, read from each file's header comments.

    # expect: FUNCTION KIND VERDICT [CODE]     (FUNCTION "-" for module-level examples)
    # expect-ok: true|false                    (the report's overall result)
    # expect-diff: same|differ                 (diff pairs: NAME_old.sgl / NAME_new.sgl)

VERDICT is ``proved``, ``bounded`` (proved, possibly only for len <= K), ``refuted``,
``unknown`` (never proved), or ``none`` (no obligation of that kind is refuted).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).parent
CORPUS = HERE / "corpus"
DIFFS = HERE / "diffs"


@dataclass(frozen=True)
class Expect:
    function: str | None
    kind: str
    verdict: str
    code: str | None


def expectations(path: Path) -> tuple[list[Expect], bool | None]:
    exps, ok = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            parts = line.split(":", 1)[1].split()
            fn = None if parts[0] == "-" else parts[0]
            exps.append(Expect(fn, parts[1], parts[2], parts[3] if len(parts) > 3 else None))
        elif line.startswith("# expect-ok:"):
            ok = line.split(":", 1)[1].strip() == "true"
    return exps, ok


def check(report, exps: list[Expect]) -> list[str]:
    """Mismatches between a report and the expectations (empty when all hold)."""
    problems = []
    for e in exps:
        rs = [r for r in report.results if r.function == e.function and r.kind == e.kind and (e.code is None or r.code == e.code)]
        verdicts = [r.verdict for r in rs]
        if e.verdict == "none":
            if any(r.verdict == "refuted" and r.severity == "error" for r in rs):
                problems.append(f"{e}: got {verdicts}")
            continue
        if not rs:
            problems.append(f"{e}: no such obligation")
            continue
        if e.verdict == "proved" and not all(v == "proved" for v in verdicts):
            problems.append(f"{e}: got {verdicts}")
        elif e.verdict == "bounded" and not all(v in ("proved", "proved for len <= K") for v in verdicts):
            problems.append(f"{e}: got {verdicts}")
        elif e.verdict == "refuted" and "refuted" not in verdicts:
            problems.append(f"{e}: got {verdicts}")
        elif e.verdict == "unknown" and not all(v == "unknown" for v in verdicts):
            problems.append(f"{e}: got {verdicts}")
    return problems


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.sgl"))


def diff_pairs() -> list[tuple[Path, Path, str]]:
    out = []
    for old in sorted(DIFFS.glob("*_old.sgl")):
        new = old.with_name(old.name.replace("_old.sgl", "_new.sgl"))
        want = next(l.split(":", 1)[1].strip() for l in old.read_text().splitlines() if l.startswith("# expect-diff:"))
        out.append((old, new, want))
    return out
