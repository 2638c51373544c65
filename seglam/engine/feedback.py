"""Repair feedback: what the model reads after one of its candidates was refused.

The failed checks come first, each a whole item: its kind, where (``file:line`` or the
pattern), the counterexample input, expected vs got, the fault or diagnostic code and a
hint. Then one line counts what passed. Items are never cut in the middle: the rendering
keeps whole items within a character budget and says how many more were left out.

Input is typed: :class:`Failure` items built from the checker's diagnostics, the runtime's
faults (triaged by the cache gate), and the verifier's obligations (decoded from its JSON
report into :class:`seglam.verifier.report.Result`), plus :class:`Passed` counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Sequence

import msgspec

from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.run.faults import FAULT_CODES, Fault
from seglam.syntax.span import Span
from seglam.verifier.report import BOUNDED, PROVED, REFUTED, Result, short_ints

#: Characters the diagnostics part (items, the "left out" line and the passed line) stays under.
BUDGET = 3000
#: Longest rendering of one field of an item (a value, an input, a title).
FIELD = 300
#: The checker's source excerpt (line + caret) is shown only when at most this long.
EXCERPT = 400

#: What each kind of failure means, shown when no fault or diagnostic code says more.
KIND_HINTS: dict[str, str] = {
    "reply": "answer with one JSON object that fits the schema, nothing else",
    "program": "send the whole module as the \"program\" string",
    "entry": "the entry point's name and parameters must be exactly the ones asked for",
    "pattern": "holes are {name: type} with name a parameter of the entry point; every parameter must be bound",
    "pattern misses request": "a pattern is anchored at both ends: spell its fixed wording exactly as in the request "
                              "(case and whitespace are flexible) and put a hole where the request varies",
    "pattern refused": "keep more of the request's fixed wording; a pattern must not match another family's requests",
    "answer": "work the request out again by hand: fix the program or your direct answer, whichever is wrong",
    "example": "work this example out by hand: fix the program or the example, whichever is wrong",
    "example misses pattern": "each example request must match one of your patterns",
    "domain": "the precondition rejects this input, yet it is a request of this kind: widen the precondition "
              "or handle the input",
    "verifier": "the program must verify before it is cached",
    "no evidence": "the aimed run starts from the request's and your examples' inputs and variants of them (a number "
                   "replaced, a sentence or word dropped, doubled or swapped); a precondition refusing nearly all "
                   "of them leaves open obligations without evidence: accept such variants, or give more examples",
    "example refuted": "a module-level example does not hold: fix the program, or the example if it is wrong",
    "ensures refuted": "the postcondition fails on this input: fix the result, or state the postcondition correctly",
    "property refuted": "the property fails on this input: fix the program, or the property if it is wrong",
    "cache": "the cache re-checks every candidate when it writes it; fix what it names",
    "bind": "the entry point's parameters must take the inputs as given (their names and types)",
}

#: What to do about each fault code (the runtime's codes, SPEC.md "Faults").
FAULT_HINTS: dict[str, str] = {
    "F-FUEL": "the run took too many steps: look for a loop that never ends, or a search that grows "
              "exponentially; bound the work by the input size",
    "F-DEPTH": "the recursion is too deep: use a loop, or recurse on a smaller part of the input",
    "F-ZERO-DIV": "guard the divisor, or exclude such inputs in the precondition if they are not requests of this kind",
    "F-INDEX": "check the index against len() first",
    "F-KEY": "use d.get(k) or test `k in d` first",
    "F-VALUE": "a function got a value outside its domain (max of an empty list, int() of bad text): test first",
    "F-NONE": "test `x is not None` before using an optional value",
    "F-ENSURES": "the postcondition fails on this input: fix the result, or state the postcondition correctly",
    "F-REQUIRES": "a call broke the callee's precondition: check the argument before the call",
    "F-ASSERT": "an assert fails on this input",
    "F-FROZEN": "arguments and module constants are frozen: copy before changing (list(xs), dict(d))",
    "F-MUTATION": "do not change a collection while iterating over it: iterate over a copy",
}


@dataclass(frozen=True)
class Failure:
    """One failed check. ``kind`` is a stable label (see :data:`KIND_HINTS` and the
    verifier's obligation kinds); every other field is optional text, already rendered."""

    kind: str
    title: str
    where: str | None = None  # "candidate.sgl:12" or "pattern 'How many {x: int} ...'"
    input: str | None = None  # the counterexample input: a call or the bound inputs
    expected: str | None = None
    got: str | None = None
    code: str | None = None  # fault or diagnostic code
    hint: str | None = None
    excerpt: str | None = None  # the source line with a caret (checker diagnostics)
    #: a failed comparison's sides on the input ("result == n * 2: result is 3, n * 2 is 4")
    compared: str | None = None

    def line(self) -> str:
        """The failure on one line (traces, logs)."""
        head = f"{self.kind}" + (f" {self.code}" if self.code else "") + (f" at {self.where}" if self.where else "")
        parts = [f"{head}: {self.title}"]
        if self.input is not None:
            parts.append(f"input {self.input}")
        if self.expected is not None:
            parts.append(f"expected {self.expected}")
        if self.got is not None:
            parts.append(f"got {self.got}")
        if self.compared is not None:
            parts.append(f"compared {self.compared}")
        return "; ".join(parts)

    @property
    def advice(self) -> str | None:
        """The hint: the item's own, else the fault code's, else the kind's."""
        return self.hint or FAULT_HINTS.get(self.code or "") or KIND_HINTS.get(self.kind)

    def render(self, number: int, hint: bool = True) -> str:
        """The failure as a numbered block; every field clipped, so a block is never long.
        ``hint=False`` leaves the hint out (an earlier item already gave it)."""
        head = f"{number}. {self.kind}" + (f" [{self.code}]" if self.code else "")
        head += (f" at {clip(self.where, FIELD // 2)}" if self.where else "") + f": {clip(self.title, FIELD)}"
        lines = [head]
        if self.excerpt and len(self.excerpt) <= EXCERPT:
            lines += [f"   {l}" for l in self.excerpt.splitlines()]
        for label, value in (("input", self.input), ("expected", self.expected), ("got", self.got),
                             ("compared", self.compared)):
            if value is not None:
                lines.append(f"   {label + ':':9} {clip(value, FIELD)}")
        if hint and self.advice:
            lines.append(f"   hint:     {clip(self.advice, FIELD)}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Passed:
    """What passed (or was not reached) on the way to the failures."""

    checks: tuple[str, ...] = ()  # named checks that passed, in order
    examples: int = 0  # the model's own examples that agreed
    proved: int = 0
    bounded: int = 0  # proved for len <= K and checked past K
    unknown: tuple[str, ...] = ()  # open obligations backed by evidence: their reasons
    warnings: tuple[str, ...] = ()  # verifier warnings (never a failure)
    not_run: tuple[str, ...] = ()  # checks that only run once the failures are fixed
    left_out: int = 0  # obligations the verifier's summary left out (it is size-capped)

    def line(self) -> str:
        parts = list(self.checks)
        if self.examples:
            parts.append(f"{self.examples} of your examples agree" if self.examples > 1 else "1 of your examples agrees")
        if self.proved:
            parts.append(f"{self.proved} obligation{'s' if self.proved != 1 else ''} proved")
        if self.bounded:
            parts.append(f"{self.bounded} proved for len <= K and tested past it")
        if self.unknown:
            parts.append(f"{len(self.unknown)} unknown, each with a clean aimed run ({_few(self.unknown, 1)})")
        if self.warnings:
            parts.append(f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''} ({_few(self.warnings, 2, 200)})")  # a warning says why evidence is thin: whole
        text = "passed: " + (", ".join(parts) if parts else "nothing yet")
        if self.not_run:
            text += "; not run yet: " + ", ".join(self.not_run)
        if self.left_out:
            text += f"; {self.left_out} more obligations are not in the verifier's summary"
        return text


@dataclass(frozen=True)
class Feedback:
    """The failures of one refused candidate, in order, and what passed."""

    failures: tuple[Failure, ...]
    passed: Passed = Passed()

    def render(self, budget: int = BUDGET) -> str:
        """Whole items only, failures first, within ``budget`` characters (the first item
        always, its fields clipped); then how many were left out and what passed. A hint
        is given once, with the first item it applies to."""
        passed = clip(self.passed.line(), 2 * FIELD)
        total = len(self.failures)
        blocks: list[str] = []
        used = len(passed) + len(_left_out(total, total)) + 2
        hints: set[str | None] = {None}
        for i, item in enumerate(self.failures):
            block = item.render(i + 1, hint=item.advice not in hints)
            if blocks and used + len(block) + 1 > budget:
                break
            blocks.append(block)
            hints.add(item.advice)
            used += len(block) + 1
        if total > len(blocks):
            blocks.append(_left_out(total - len(blocks), total))
        blocks.append(passed)
        return "\n".join(blocks)

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(f.line() for f in self.failures)


def _left_out(n: int, total: int) -> str:
    return f"... {n} more of {total} failures not shown; fix the ones above first."


def _few(texts: Sequence[str], n: int = 2, limit: int = 60) -> str:
    shown = [clip(t, limit) for t in dict.fromkeys(texts)][:n]
    rest = len(dict.fromkeys(texts)) - len(shown)
    return "; ".join(shown) + (f"; +{rest} more" if rest > 0 else "")


def clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def failure(kind: str, title: str, **fields: Any) -> Failure:
    """A failure with its text fields clipped to a sane size."""
    return Failure(kind, clip(title, 4 * FIELD), **{k: (clip(v, 4 * FIELD) if isinstance(v, str) else v)
                                                      for k, v in fields.items()})


# -- from the checker -------------------------------------------------------------------


def check_failures(err: CheckError) -> list[Failure]:
    """One failure per checker diagnostic, with its source line and caret."""
    return [_diagnostic(d, err.source) for d in err.diagnostics]


def _diagnostic(d: Diagnostic, source: str | None) -> Failure:
    rendered = replace(d, hint=None).render(source).split("\n", 1)  # the checker's own excerpt
    excerpt = rendered[1] if len(rendered) > 1 else None
    return failure("check", d.message, where=f"{d.filename}:{d.span.line}:{d.span.col}", code=d.code,
                   hint=d.hint, excerpt=excerpt)


# -- from a run (the request's or an example's inputs) ----------------------------------


def run_failure(kind: str, fault: Fault, inputs: str, expected: str | None = None) -> Failure:
    """A run that faulted; ``kind`` is the gate's triage (``domain``, ``ensures``, ``fault``),
    or ``fuel`` when the budget ran out."""
    kind = "fuel" if fault.code == "F-FUEL" else kind
    where = f"{fault.filename}:{fault.span.line}" if fault.span is not None and fault.span.line else None
    title = {"domain": "the precondition rejects these inputs", "ensures": "the postcondition fails",
             "fuel": "the run ran out of fuel"}.get(kind, FAULT_CODES.get(fault.code, "the run faulted"))
    return failure(kind, title, where=where, input=inputs, expected=expected,
                   got=f"fault {fault.code}: {fault.message}", code=fault.code,
                   hint=KIND_HINTS["domain"] if kind == "domain" else None)


# -- from the verifier ------------------------------------------------------------------


class _SpanJson(msgspec.Struct, frozen=True):
    line: int = 0
    col: int = 0
    end_line: int = 0
    end_col: int = 0


class _ResultJson(msgspec.Struct, frozen=True):
    """One obligation as :meth:`Result.to_json` writes it."""

    kind: str
    title: str
    verdict: str
    file: str = "<input>"
    function: str | None = None
    bound: int | None = None
    severity: str = "error"
    code: str | None = None
    method: str = "z3"
    span: _SpanJson | None = None
    reason: str | None = None
    counterexample: str | None = None
    expected: str | None = None
    actual: str | None = None
    compared: str | None = None
    notes: list[str] = []
    evidence: str | None = None


class _ReportJson(msgspec.Struct, frozen=True):
    obligations: list[_ResultJson] = []
    error: str | None = None
    file: str = "<input>"
    omitted: int = 0  # obligations left out to keep the summary small (seglam.cache.toolchain.fit_json)


def decode_report(summary: str) -> tuple[str, str | None, tuple[Result, ...], int] | None:
    """(file, check error, results, results left out) of a verifier report's JSON; None if
    it is not one."""
    try:
        data = msgspec.json.decode(summary.encode("utf-8", "surrogatepass"), type=_ReportJson)
    except (msgspec.DecodeError, msgspec.ValidationError, UnicodeError, RecursionError):
        return None
    results = tuple(
        Result(o.function, o.kind, o.title, o.verdict, span=Span(o.span.line, o.span.col, o.span.end_line,
                                                                    o.span.end_col) if o.span else None,
               code=o.code, method=o.method, reason=o.reason or "", counterexample=o.counterexample,
               expected=o.expected, actual=o.actual, compared=o.compared, bound=o.bound, severity=o.severity, notes=tuple(o.notes),
               evidence=o.evidence)
        for o in data.obligations
    )
    return data.file, data.error, results, data.omitted


def verifier_feedback(summary: str, passed: Passed = Passed()) -> Feedback:
    """The verifier's refusal: refuted obligations (in report order), then open ones
    without evidence; everything settled is counted in ``passed``."""
    decoded = decode_report(summary)
    if decoded is None:
        return Feedback((failure("verifier", clip(summary, 4 * FIELD) or "the verifier refused the program"),), passed)
    filename, error, results, omitted = decoded
    failures = [failure("verifier", error)] if error else []
    failures += [_obligation(r, filename) for r in results if r.failed]
    failures += _without_evidence([r for r in results if r.open and r.evidence is None], filename)
    settled = [r for r in results if not r.failed and not (r.open and r.evidence is None)]
    counts = replace(
        passed,
        proved=sum(1 for r in settled if r.verdict == PROVED and r.severity == "error"),
        bounded=sum(1 for r in settled if r.verdict == BOUNDED and r.severity == "error"),
        unknown=tuple(r.reason or r.title for r in settled if r.verdict not in (PROVED, BOUNDED, REFUTED)
                      and r.severity == "error"),
        warnings=tuple(r.reason or r.title for r in settled if r.severity == "warning"),
        left_out=omitted,
    )
    return Feedback(tuple(failures), counts)


def _without_evidence(results: Sequence[Result], filename: str) -> list[Failure]:
    """Open obligations without evidence, one failure per function and reason the aimed run
    gave none (its note: "only 0 aimed inputs met the precondition ..."), listing their
    lines: 29 such obligations of one entry point were 29 items that said the same and hid
    the reason (stand-in run 7)."""
    groups: dict[tuple[str | None, str], list[Result]] = {}
    for r in results:
        groups.setdefault((r.function, r.no_evidence_note), []).append(r)
    out = []
    for (function, note), group in groups.items():
        if not note or len(group) == 1:
            out += [_obligation(r, filename) for r in group]
            continue
        lines = ", ".join(dict.fromkeys(str(r.span.line) for r in group if r.span is not None and r.span.line))
        out.append(failure("no evidence", f"{function or 'module'}: {len(group)} obligations Z3 left open have "
                           f"{note}", where=f"{filename}:{lines}" if lines else None))
    return out


def _obligation(r: Result, filename: str) -> Failure:
    owner = "module" if r.function is None else r.function
    where = f"{filename}:{r.span.line}" if r.span is not None and r.span.line else None
    if r.failed:
        kind, title = f"{r.kind} refuted", f"{owner}: {r.title}" + (f" ({r.reason})" if r.reason else "")
    else:
        note = r.no_evidence_note
        kind, title = f"{r.kind} not proved", (f"{owner}: {r.title}: {r.verdict_text()} ({r.reason or 'no reason given'})"
                                               + (f"; {note}" if note else ""))
    def text(v: str | None) -> str | None:  # 2**1024 + 1, not 309 digits clipped mid-number
        return None if v is None else short_ints(v)

    return failure(kind, title, where=where, input=text(r.counterexample), expected=text(r.expected), got=text(r.actual),
                   compared=text(r.compared), code=r.code)
