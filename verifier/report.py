"""Verdicts, one per obligation, and the report that groups them.

A verdict is exactly one of ``proved``, ``proved for len <= K``, ``refuted`` (with a
counterexample that reproduced in the interpreter) or ``unknown`` (with the reason). Warnings
(a weak ``ensures``, a precondition no generated input met) never fail a report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from seglam.syntax.span import Span

PROVED = "proved"
BOUNDED = "proved for len <= K"
REFUTED = "refuted"
UNKNOWN = "unknown"
VERDICTS = (PROVED, BOUNDED, REFUTED, UNKNOWN)
#: The summary's count of warnings (obligations of severity "warning", whatever their verdict).
WARNINGS = "warnings"
#: How the note of an open obligation that got no evidence from its aimed run begins.
NO_EVIDENCE = "no targeted evidence"
#: ``seglam verify``'s exit code per report status.
EXIT_CODES = {"proved": 0, "refuted": 1, "error": 2, "unknown": 3}

#: The order obligations are listed in, within one function and one source position.
KIND_ORDER = ("example", "precondition", "fault", "callee", "assert", "ensures", "pins", "property", "tested")


@dataclass(frozen=True)
class Result:
    """The verdict on one obligation."""

    function: str | None  # None for module-level examples
    kind: str  # see KIND_ORDER
    title: str
    verdict: str
    span: Span | None = None
    code: str | None = None  # the fault code the obligation is about, if any
    method: str = "z3"  # "z3", "hypothesis", "run"
    reason: str = ""  # why unknown; or what a refutation means
    counterexample: str | None = None  # a Seglam call, e.g. "avg(xs=[])"
    expected: str | None = None
    actual: str | None = None
    bound: int | None = None  # K, for "proved for len <= K"
    severity: str = "error"  # "error" or "warning"
    notes: tuple[str, ...] = ()
    evidence: str | None = None  # for an open obligation: the aimed run that found nothing
    #: a failed comparison's sides on the counterexample: "result == n * 2: result is 3, n * 2 is 4"
    compared: str | None = None
    #: the counterexample's neutral inputs (for replays; JSON has its text, ``counterexample``)
    inputs: dict | None = field(default=None, compare=False, repr=False)

    @property
    def failed(self) -> bool:
        return self.verdict == REFUTED and self.severity == "error"

    @property
    def open(self) -> bool:
        """Not settled by a proof: an ``unknown`` error, or a proof only for ``len <= K``."""
        return self.severity == "error" and self.verdict in (UNKNOWN, BOUNDED)

    @property
    def no_evidence_note(self) -> str:
        """Why the aimed run gave this open obligation no evidence (its last such note), or ""."""
        return next((n for n in reversed(self.notes) if n.startswith(NO_EVIDENCE)), "")

    @property
    def settled(self) -> bool:
        """Proved, or proved for ``len <= K`` with a clean aimed run past K, or a warning."""
        return not self.failed and (not self.open or (self.verdict == BOUNDED and self.evidence is not None))

    def verdict_text(self) -> str:
        if self.verdict == REFUTED and self.severity == "warning":
            return "warning"
        if self.verdict == BOUNDED:
            return f"proved for len <= {self.bound}"
        return self.verdict

    def to_json(self, filename: str) -> dict:
        # "compared" only when there is one: the cache caps a summary's size, and a null on
        # every obligation would crowd out whole obligations
        extra = {"compared": self.compared} if self.compared is not None else {}
        return {**extra,
            "file": filename,
            "function": self.function,
            "kind": self.kind,
            "title": self.title,
            "verdict": self.verdict,
            "bound": self.bound,
            "severity": self.severity,
            "code": self.code,
            "method": self.method,
            "span": self.span.to_json() if self.span else None,
            "reason": self.reason or None,
            "counterexample": self.counterexample,
            "expected": self.expected,
            "actual": self.actual,
            "notes": list(self.notes),
            "evidence": self.evidence,
        }


#: Ints with more digits than this are shown near a power of two or ten in the text report.
LONG_INT_DIGITS = 30


def near_power(v: int) -> str:
    """A positive int as ``2**k + d`` or ``10**k - d`` when that is exact and shorter than
    its digits (``2**1024 + 1``, not 309 digits); else its digits."""
    digits = str(v)
    best = digits
    for base, ks in ((2, (v.bit_length() - 1, v.bit_length())), (10, (len(digits) - 1, len(digits)))):
        for k in ks:
            d = v - base**k
            text = f"{base}**{k}" + (f" + {d}" if d > 0 else f" - {-d}" if d < 0 else "")
            if len(text) < len(best):
                best = text
    return best


def short_ints(text: str) -> str:
    """``text`` (Seglam source of values) with each int literal of more than
    :data:`LONG_INT_DIGITS` digits, outside string literals, written near a power; a
    negated one in parentheses. For people: JSON keeps the exact digits."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c in "'\"":  # a string literal: copied as it is, escapes included
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
            continue
        if c.isdigit() and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] in "_.")):
            j = i
            while j < n and text[j].isdigit():
                j += 1
            literal = text[i:j]
            float_like = j < n and text[j] in ".eEj_"
            if len(literal) > LONG_INT_DIGITS and not float_like:
                short = near_power(int(literal))
                negated = i > 0 and text[i - 1] == "-"
                out.append(f"({short})" if negated and short != literal and " " in short else short)
            else:
                out.append(literal)
            i = j
            continue
        out.append(c)
        i += 1
    return "".join(out)


def _mark(r: Result) -> str:
    """The text report's marker: uppercase blocks admission (``FAIL`` refuted, ``OPEN`` not
    proved and no targeted evidence: a bounded proof included, which ``ok`` hid), ``ok``
    settled, ``??`` unknown but backed by evidence, ``warn`` a warning."""
    if r.verdict == REFUTED:
        return "FAIL" if r.severity == "error" else "warn"
    if r.open and r.evidence is None:
        return "OPEN"
    return "??  " if r.verdict == UNKNOWN else "ok  "


def sort_key(r: Result, order: dict[str | None, int]) -> tuple:
    span = r.span
    where = (span.line, span.col) if span else (0, 0)
    kind = KIND_ORDER.index(r.kind) if r.kind in KIND_ORDER else len(KIND_ORDER)
    return (order.get(r.function, len(order)), where, kind, r.title, r.code or "")


@dataclass(frozen=True)
class Report:
    """Everything ``seglam verify`` found about one file."""

    filename: str
    results: tuple[Result, ...]
    error: str | None = None  # a check error: the program never got to verification
    timings: dict = field(default_factory=dict, compare=False)  # seconds per phase; never in JSON
    #: the standard library's modules the program imports, whose functions' own obligations
    #: were verified when the library shipped and are not repeated (seglam.verifier.library)
    library: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """True when nothing failed: no refuted obligation (warnings aside), no check error."""
        return self.error is None and not any(r.failed for r in self.results)

    @property
    def admissible(self) -> bool:
        """What the cache admits: nothing refuted, and every obligation proved or, when
        ``unknown`` or proved only for ``len <= K``, backed by targeted evidence."""
        return self.ok and all(not r.open or r.evidence is not None for r in self.results)

    @property
    def status(self) -> str:
        """``error``, ``refuted``, ``unknown`` (nothing refuted, something not proved) or ``proved``."""
        if self.error is not None:
            return "error"
        if not self.ok:
            return "refuted"
        return "proved" if all(r.settled for r in self.results) else "unknown"

    @property
    def exit_code(self) -> int:
        """0 proved, 1 refuted, 2 check or usage error, 3 nothing refuted but something unknown."""
        return EXIT_CODES[self.status]

    def by_verdict(self) -> dict[str, int]:
        """Obligations per verdict, each counted once: warnings (a weak-spec ``pins``, a
        precondition no generated input met) under ``warnings`` only, never as ``refuted``
        (a reader of ``refuted > 0`` would "fix" a correct program)."""
        counts = {v: 0 for v in VERDICTS} | {WARNINGS: 0}
        for r in self.results:
            counts[WARNINGS if r.severity == "warning" else r.verdict] += 1
        return counts

    def to_json(self) -> dict:
        return {
            "file": self.filename,
            "ok": self.ok,
            "status": self.status,
            "admissible": self.admissible,
            "error": self.error,
            "summary": self.by_verdict(),
            "obligations": [r.to_json(self.filename) for r in self.results],
            "library": list(self.library),
        }

    def json_text(self) -> str:
        return json.dumps(self.to_json(), indent=2, sort_keys=True, ensure_ascii=False)

    def render(self) -> str:
        """The human report, grouped by function."""
        lines = [f"{self.filename}:"]
        if self.error is not None:
            lines.append(self.error)
            return "\n".join(lines)
        if self.library:
            lines.append(f"  standard library: {', '.join(self.library)} (verified when it ships: "
                         f"seglam verify stdlib/; its functions' own obligations are not repeated here, "
                         f"their calls' are)")
        current, shown = object(), None
        for r in self.results:
            if r.function != current:
                current, shown = r.function, None
                lines.append(f"  {'examples' if r.function is None else r.function + '()'}")
            where = f"line {r.span.line}:{r.span.col}: " if r.span and r.span.line else ""
            mark = _mark(r)
            lines.append(f"    {mark} {where}{r.title}: {r.verdict_text()} [{r.method}]")
            if r.counterexample:
                lines.append(f"           counterexample: {short_ints(r.counterexample)}")
            if r.expected is not None:
                lines.append(f"           expected: {short_ints(r.expected)}")
            if r.actual is not None:
                lines.append(f"           actual:   {short_ints(r.actual)}")
            if r.compared is not None:
                lines.append(f"           compared: {short_ints(r.compared)}")
            if r.reason and r.verdict != REFUTED or (r.reason and not r.counterexample):
                lines.append(f"           {r.reason}")
            for n in r.notes:
                lines.append(f"           note: {n}")
            if r.evidence and r.evidence != shown:
                lines.append(f"           evidence: {r.evidence}")
            shown = r.evidence if r.evidence else shown
        c = self.by_verdict()
        lines.append(
            f"  {len(self.results)} obligations: {c[PROVED]} proved, {c[BOUNDED]} proved for len <= K, "
            f"{c[REFUTED]} refuted, {c[WARNINGS]} warnings, {c[UNKNOWN]} unknown -> {self._verdict_line()}"
        )
        return "\n".join(lines)

    def _verdict_line(self) -> str:
        status = self.status
        if status == "proved":
            return "OK"
        if status == "refuted":
            return "FAILED"
        bare = sum(1 for r in self.results if r.open and r.evidence is None)
        if bare:
            return f"UNKNOWN (not admissible: {bare} open obligation(s) without targeted evidence)"
        return "UNKNOWN (admissible: every open obligation has targeted evidence)"
