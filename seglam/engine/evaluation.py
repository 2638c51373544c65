"""Counting what a request stream cost and how well it was answered (``seglam eval``).

Pure functions over per-request :class:`Outcome` records: the runner (the CLI) takes a
snapshot of the compiler client's ledger before and after each ``Engine.solve`` call, and
:func:`spent` turns the two snapshots into what that one request spent, by purpose
(compile / repair / route / direct). :func:`summarise` folds outcomes into a
:class:`Summary` (per task and in total); :func:`cumulative_series` gives the cost curve.

Answers are compared with the line's expected answer two ways: *exact* (the same value, or
the value's text equals the expected string) and *normalised* (:func:`normal_form`:
whitespace and case, a trailing ``.``, option letters ``(A)`` vs ``A``, numbers ``5`` vs
``"5.0"``, lists vs tuples). ``right`` is the normalised verdict; ``right_exact`` counts the
exact ones. A *false hit* is a program's answer (tiers ``hit``, ``routed``, ``compiled``)
that is wrong: the one failure a reasoning cache must not have.

The baselines are what the same stream would cost without SEGLAM: a *direct* call to the
model for every request, and a *response cache* keyed on the exact request text (one call
per distinct request). Their calls are counted exactly; their tokens are an ESTIMATE
(characters / 4 of the request and of the answer, plus :data:`DIRECT_OVERHEAD_TOKENS` for
the direct-answer framing), priced with the same price table.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, Iterable, Mapping, Sequence

from seglam.engine.answer import TIERS, Answer
from seglam.engine.client import Usage
from seglam.engine.prices import Price
from seglam.engine.stream import StreamLine

#: The report's format; bump when a field changes meaning.
SCHEMA = "seglam-eval/1"
#: The task label of lines that give none.
NO_TASK = "-"
#: Prompt tokens of a direct call besides the request itself (system prompt, chat framing),
#: in the baselines' estimate.
DIRECT_OVERHEAD_TOKENS = 24
_MAX_DEPTH = 100
_LETTER = re.compile(r"^\(([a-z])\)$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([e][+-]?\d+)?$")


# -- what one request spent ------------------------------------------------------------------------


def spent(before: Mapping[str, Usage], after: Mapping[str, Usage]) -> dict[str, Usage]:
    """What was spent between two ledger snapshots, by purpose (purposes with no attempt
    left out)."""
    out = {}
    for purpose, total in after.items():
        used = total - before.get(purpose, Usage())
        if used.attempts or used.calls:
            out[purpose] = used
    return out


# -- comparing answers -----------------------------------------------------------------------------


def normal_form(value: Any, depth: int = 0) -> Any:
    """A form in which answers that mean the same compare equal: text stripped, case-folded,
    whitespace collapsed and without a trailing ``.``; ``(a)`` as ``a``; numbers (and text
    that is a number) as exact fractions; booleans as ``true``/``false``; lists and tuples
    alike; dicts by key; sets unordered."""
    if depth > _MAX_DEPTH:
        return ("deep", repr(value)[:200])
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, float):
        return _number(repr(value)) or repr(value)
    if isinstance(value, str):
        return _normal_text(value)
    if isinstance(value, (list, tuple)):
        return tuple(normal_form(v, depth + 1) for v in value)
    if isinstance(value, (set, frozenset)):
        return frozenset(normal_form(v, depth + 1) for v in value)
    if isinstance(value, dict):
        return tuple(sorted(((repr(normal_form(k, depth + 1)), normal_form(v, depth + 1)) for k, v in value.items()),
                            key=lambda kv: kv[0]))
    return _normal_text(str(value))


def judge(value: Any, expected: Any) -> tuple[bool, bool]:
    """``(exact, right)`` for an answer against the expected one."""
    exact = _same(value, expected) or (isinstance(expected, str) and _text(value) == expected)
    try:
        right = exact or normal_form(value) == normal_form(expected)
    except (TypeError, ValueError, RecursionError):
        right = exact
    return exact, right


def _normal_text(text: str) -> Any:
    t = " ".join(text.split()).casefold()
    while t.endswith("."):
        t = t[:-1].rstrip()
    letter = _LETTER.match(t)
    if letter:
        return letter.group(1)
    return _number(t) or t


def _number(text: str) -> Fraction | None:
    if len(text) > 400 or not _NUMBER.match(text.casefold()):
        return None
    try:
        return Fraction(text)
    except (ValueError, ZeroDivisionError, OverflowError):
        return None


def _same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except (TypeError, ValueError, RecursionError):
        return False


def _text(value: Any) -> str | None:
    """The text a program's value is scored as (BIG-Bench style: ``8`` is ``"8"``)."""
    if isinstance(value, str):
        return value
    if isinstance(value, (bool, int, float)):
        try:
            return str(value)
        except ValueError:  # an int past CPython's digit limit
            return None
    return None


# -- one request -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What the engine did with one line of the stream."""

    index: int
    line: int
    task: str
    tier: str
    value: Any  # the answer's JSON form (None when unsolved)
    solved: bool
    program: bool  # a verified program computed the value
    has_expected: bool = False
    expected: Any = None
    exact: bool = False
    right: bool = False
    usage: tuple[tuple[str, Usage], ...] = ()
    entry_id: str | None = None  # the family admitted for this request (tier compiled)
    seconds: float = 0.0
    repeat: bool = False  # the same request text came earlier (a response cache would hit)
    baseline_in: int = 0
    baseline_out: int = 0
    why: str = ""  # the engine's message when it did not answer from a program
    reasons: tuple[str, ...] = ()  # what the engine tried and why each step failed (refusals, routing)
    family: str | None = None  # the family whose program answered (any program tier)
    pattern: str | None = None  # the pattern that matched the request, when a pattern did

    @property
    def wrong(self) -> bool:
        return self.has_expected and self.solved and not self.right

    @property
    def false_hit(self) -> bool:
        return self.program and self.has_expected and not self.right

    @property
    def unanswered(self) -> bool:
        return self.has_expected and not self.solved

    @property
    def total(self) -> Usage:
        return sum((u for _, u in self.usage), Usage())

    def calls(self, purpose: str) -> int:
        return sum(u.calls for p, u in self.usage if p == purpose)

    @property
    def compile_attempted(self) -> bool:
        """Whether the engine tried to compile this request (a compile call was sent, even
        one the endpoint failed)."""
        return any(p == "compile" and (u.attempts or u.calls) for p, u in self.usage)

    def to_json(self) -> dict[str, Any]:
        t = self.total
        return {
            "line": self.line, "task": self.task, "tier": self.tier, "value": self.value,
            "expected": self.expected if self.has_expected else None,
            "right": self.right if self.has_expected else None,
            "false_hit": self.false_hit, "entry_id": self.entry_id,
            "calls": {p: u.calls for p, u in self.usage if u.calls},
            "tokens": {"prompt": t.tokens_in, "completion": t.tokens_out, "cached": t.tokens_cached},
            "cost": round(t.cost, 10), "seconds": round(self.seconds, 6),
            "why": self.why, "reasons": list(self.reasons),
        }


#: A request's reasons in the report: the last ones, each clipped (a refusal can be long).
MAX_REASONS = 12
REASON_CHARS = 4_000


def outcome(index: int, line: StreamLine, answer: Answer, used: Mapping[str, Usage], *, repeat: bool = False) -> Outcome:
    """The record of one request: its answer, what it spent (:func:`spent`), the verdict."""
    value = answer.to_json()["value"] if answer.solved else None
    exact, right = judge(answer.value, line.answer) if line.has_answer and answer.solved else (False, False)
    tokens_in, tokens_out = baseline_tokens(line.request, line.answer if line.has_answer else answer.value)
    return Outcome(
        index=index, line=line.line, task=line.task or NO_TASK, tier=answer.tier, value=value,
        solved=answer.solved, program=answer.cached, has_expected=line.has_answer,
        expected=line.answer, exact=exact, right=right, usage=tuple(sorted(used.items())),
        entry_id=answer.trace.entry_id if answer.tier == "compiled" else None, seconds=answer.trace.seconds,
        repeat=repeat, baseline_in=tokens_in, baseline_out=tokens_out,
        why=answer.trace.message[:REASON_CHARS],
        reasons=tuple(str(r)[:REASON_CHARS] for r in answer.trace.reasons[-MAX_REASONS:]),
        family=answer.trace.entry_id if answer.cached else None,
        pattern=answer.trace.pattern if answer.cached else None,
    )


def baseline_tokens(request: str, answer: Any) -> tuple[int, int]:
    """The ESTIMATED prompt and completion tokens of one direct call (characters / 4)."""
    try:
        shown = answer if isinstance(answer, str) else repr(answer)
    except (ValueError, RecursionError):
        shown = ""
    reply = len(shown[:100_000]) + len('{"answer": ""}')
    return DIRECT_OVERHEAD_TOKENS + math.ceil(len(request) / 4), max(1, math.ceil(reply / 4))


# -- summaries -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    """The counts for a group of requests (one task, or all)."""

    requests: int
    tiers: dict[str, int]
    scored: int
    right: int
    right_exact: int
    wrong: int
    unanswered: int
    false_hits: int
    program_answers: int
    calls: dict[str, int]
    usage: Usage
    compile_attempts: int
    admitted: int
    repair_rounds: dict[str, dict[str, int]]
    families: tuple[str, ...]
    absorbed: dict[str, Any] = field(default_factory=dict)
    baseline: dict[str, dict[str, float]] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def calls_total(self) -> int:
        return sum(self.calls.values())

    def to_json(self) -> dict[str, Any]:
        u = self.usage
        return {
            "requests": self.requests,
            "tiers": dict(self.tiers),
            "scored": self.scored,
            "right": self.right,
            "right_exact": self.right_exact,
            "wrong": self.wrong,
            "unanswered": self.unanswered,
            "false_hits": self.false_hits,
            "program_answers": self.program_answers,
            "calls": dict(self.calls),
            "calls_total": self.calls_total,
            "attempts": u.attempts,
            "tokens": {"prompt": u.tokens_in, "completion": u.tokens_out, "cached": u.tokens_cached},
            "cost": round(u.cost, 10),
            "compile": {"attempts": self.compile_attempts, "admitted": self.admitted,
                        "failed": self.compile_attempts - self.admitted,
                        "success": round(self.admitted / self.compile_attempts, 4) if self.compile_attempts else None},
            "repair_rounds": {k: dict(v) for k, v in self.repair_rounds.items()},
            "families_made": len(self.families),
            "families": list(self.families),
            "absorbed": dict(self.absorbed),
            "baseline": {k: dict(v) for k, v in self.baseline.items()},
            "seconds": round(self.seconds, 6),
        }


def summarise(outcomes: Sequence[Outcome], price: Price) -> Summary:
    """The counts over ``outcomes`` (in stream order)."""
    tiers = {t: 0 for t in TIERS}
    calls: dict[str, int] = {}
    for o in outcomes:
        tiers[o.tier] = tiers.get(o.tier, 0) + 1
        for purpose, u in o.usage:
            calls[purpose] = calls.get(purpose, 0) + u.calls
    attempts = [o for o in outcomes if o.compile_attempted]
    rounds: dict[str, dict[str, int]] = {"admitted": {}, "failed": {}}
    for o in attempts:
        bucket = rounds["admitted" if o.tier == "compiled" else "failed"]
        key = str(o.calls("repair"))
        bucket[key] = bucket.get(key, 0) + 1
    return Summary(
        requests=len(outcomes),
        tiers=tiers,
        scored=sum(o.has_expected for o in outcomes),
        right=sum(o.has_expected and o.right for o in outcomes),
        right_exact=sum(o.has_expected and o.exact for o in outcomes),
        wrong=sum(o.wrong for o in outcomes),
        unanswered=sum(o.unanswered for o in outcomes),
        false_hits=sum(o.false_hit for o in outcomes),
        program_answers=sum(o.program for o in outcomes),
        calls=dict(sorted(calls.items())),
        usage=sum((o.total for o in outcomes), Usage()),
        compile_attempts=len(attempts),
        admitted=sum(o.tier == "compiled" for o in attempts),
        repair_rounds={k: dict(sorted(v.items(), key=lambda kv: int(kv[0]))) for k, v in rounds.items()},
        families=tuple(dict.fromkeys(o.entry_id for o in outcomes if o.entry_id)),
        absorbed=absorbed(outcomes),
        baseline=_baselines(outcomes, price),
        seconds=sum(o.seconds for o in outcomes),
    )


def absorbed(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """How much of a kind each family covers: the families whose programs answered, and
    per such family the requests it answered and the distinct wordings (patterns) that
    matched them. One family per kind shows as many requests and wordings per family; a
    family per wording as about one of each."""
    answered = [o for o in outcomes if o.family]
    families = {o.family for o in answered}
    wordings = {(o.family, o.pattern) for o in answered if o.pattern}
    n = len(families)
    return {"families": n,
            "requests_per_family": round(len(answered) / n, 2) if n else None,
            "wordings_per_family": round(len(wordings) / n, 2) if n else None}


def by_task(outcomes: Sequence[Outcome], price: Price) -> dict[str, Summary]:
    """One summary per task label, in order of first appearance."""
    groups: dict[str, list[Outcome]] = {}
    for o in outcomes:
        groups.setdefault(o.task, []).append(o)
    return {task: summarise(group, price) for task, group in groups.items()}


def _baselines(outcomes: Sequence[Outcome], price: Price) -> dict[str, dict[str, float]]:
    def of(chosen: Iterable[Outcome]) -> dict[str, float]:
        chosen = list(chosen)
        tin = sum(o.baseline_in for o in chosen)
        tout = sum(o.baseline_out for o in chosen)
        return {"calls": len(chosen), "tokens_in": tin, "tokens_out": tout, "cost": round(price.cost(tin, 0, tout), 10)}

    return {"direct": of(outcomes), "response_cache": of(o for o in outcomes if not o.repeat)}


# -- the cost curve --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """Cumulative counts after each request, in stream order (the cost curve)."""

    calls: tuple[int, ...]
    cost: tuple[float, ...]
    direct_calls: tuple[int, ...]
    direct_cost: tuple[float, ...]
    cache_calls: tuple[int, ...]
    cache_cost: tuple[float, ...]

    def to_json(self) -> dict[str, list[float]]:
        return {
            "calls": list(self.calls), "cost": [round(c, 10) for c in self.cost],
            "direct_calls": list(self.direct_calls), "direct_cost": [round(c, 10) for c in self.direct_cost],
            "response_cache_calls": list(self.cache_calls),
            "response_cache_cost": [round(c, 10) for c in self.cache_cost],
        }


def cumulative(values: Iterable[float]) -> list[float]:
    out: list[float] = []
    total: float = 0
    for v in values:
        total += v
        out.append(total)
    return out


def cumulative_series(outcomes: Sequence[Outcome], price: Price) -> Series:
    direct = [price.cost(o.baseline_in, 0, o.baseline_out) for o in outcomes]
    return Series(
        calls=tuple(int(c) for c in cumulative(o.total.calls for o in outcomes)),
        cost=tuple(cumulative(o.total.cost for o in outcomes)),
        direct_calls=tuple(range(1, len(outcomes) + 1)),
        direct_cost=tuple(cumulative(direct)),
        cache_calls=tuple(int(c) for c in cumulative(0 if o.repeat else 1 for o in outcomes)),
        cache_cost=tuple(cumulative(0.0 if o.repeat else d for o, d in zip(outcomes, direct))),
    )


# -- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """Everything ``seglam eval`` prints and writes. ``meta``: stream, model, price, cache,
    families before/after, whether the run was interrupted."""

    meta: dict[str, Any]
    total: Summary
    tasks: dict[str, Summary]
    series: Series
    outcomes: tuple[Outcome, ...]

    @property
    def false_hits(self) -> int:
        return self.total.false_hits

    def to_json(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            **self.meta,
            "total": self.total.to_json(),
            "tasks": {k: v.to_json() for k, v in self.tasks.items()},
            "series": self.series.to_json(),
            "requests": [o.to_json() for o in self.outcomes],
        }


def build_report(meta: Mapping[str, Any], outcomes: Sequence[Outcome], price: Price) -> Report:
    return Report(dict(meta), summarise(outcomes, price), by_task(outcomes, price),
                  cumulative_series(outcomes, price), tuple(outcomes))
