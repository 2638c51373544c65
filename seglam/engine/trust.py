"""Earning trust: probation with shadow answers, the novelty gate, disputes and how they
are settled, and users' feedback (docs/engine.md, "Trust is earned").

After the gate served a program's answer, :meth:`Keeper.check` decides whether the family
has earned the right to serve it alone:

- **probation**: the first ``probation`` requests a version serves (default 3) are also
  answered by a cheap direct model call (purpose ``shadow``);
- **novelty**: a request whose bound inputs leave the version's envelope
  (:mod:`seglam.cache.envelope`) is checked the same way until it has been observed;
- **disputed**: while a dispute on the version is open, every request is checked.

Agreement (compared as the eval compares an answer with the expected one,
:func:`seglam.engine.evaluation.judge`) is an observation. Disagreement is a dispute: the
answer gets the tier ``disputed`` with both values in its trace, the input is stored in the
cache's trust record, and one deliberate call (purpose ``settle``) that sees the program,
its output and the other answer says which is right. Program wrong: the input becomes a
``reject`` counterexample (the family is quarantined and its next version must pass it).
Program right: the input becomes a verified example. Unsettled disputes stay open (the
next compile of the family sees them); ``dispute_limit`` of them quarantine the family.

Checks are spent only where trust is not earned yet: a new version first replays the
observations of earlier versions (:meth:`Keeper._replay`, no model call) and inherits them
when it gives every confirmed answer; holes a compile reply declares open
(:meth:`Keeper.declare_open`, admitted only when a property covers them) are never novel;
and a quarantined family is recompiled on a schedule (:meth:`Keeper.repair_due`), not on
every request it claims.

This module never admits or replaces a program: it only records and asks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any, Callable, Mapping, Sequence

import msgspec

from seglam.cache.entry import Entry
from seglam.cache.errors import AdmissionError, CacheError
from seglam.cache.trust import Dispute, TrustRecord, fresh
from seglam.cache.values import encode_value
from seglam.engine.admission import Request, coerce, render_answer
from seglam.engine.answer import Answer, EngineTrace
from seglam.engine.client import CompilerError, Usage
from seglam.engine.evaluation import judge
from seglam.engine.schema import ReplyError, decode_reply

SETTLE_SYSTEM = """\
You settle a disagreement. A verified program and another source gave different answers to
the same request. Read the request, the program and both answers, work out the right answer
yourself, and reply with one JSON object:
  {"right": "program" | "other" | "neither", "answer": <the right answer>, "why": "<one sentence>"}
"program": the program's answer is right; "other": the other answer is right; "neither":
both are wrong and "answer" is the right one."""

_MAX_SOURCE = 20_000
_MAX_OPEN = 32  # holes a compile reply may declare open
Direct = Callable[[Request], tuple[Any, Usage, "str | None"]]


class SettleReply(msgspec.Struct, frozen=True, kw_only=True):
    """The settlement call's reply."""

    right: str
    answer: Any = None
    why: str = ""


@dataclass(frozen=True)
class Policy:
    """How much trust costs: ``probation`` shadow-checked requests per version (0: none),
    the novelty gate on or off, and the open or lost disputes that quarantine a family."""

    probation: int = 3
    novelty: bool = True
    dispute_limit: int = 3

    @property
    def active(self) -> bool:
        return self.probation > 0 or self.novelty


@dataclass(frozen=True)
class Verdict:
    """How a dispute ended: ``program-right``, ``program-wrong`` or ``open`` (not settled)."""

    status: str
    answer: Any
    why: str
    usage: Usage
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Feedback:
    """What :meth:`Keeper.feedback` did: ``observed``, or the dispute and its verdict."""

    outcome: str  # observed | program-right | program-wrong | open
    dispute: Dispute | None
    message: str
    usage: Usage = Usage()


def same_answer(a: Any, b: Any) -> bool:
    """Whether two answers say the same, normalised as the eval's right/wrong verdict is."""
    return judge(a, b)[1] or judge(b, a)[1]


class Keeper:
    """Applies a :class:`Policy` for one engine: ``direct(request)`` is the engine's own
    direct call (purpose ``shadow``), ``chat(messages, purpose)`` its model."""

    def __init__(self, cache: Any, policy: Policy, direct: Direct | None, chat: Callable[..., Any] | None) -> None:
        self.cache = cache
        self.policy = policy
        self.direct = direct
        self.chat = chat

    # -- after a hit ----------------------------------------------------------------------------

    def check(self, answer: Answer, entry: Entry, bindings: Mapping[str, Any], request: Request) -> Answer:
        """``answer`` (served by ``entry`` on ``bindings``) as trust allows: unchanged but
        labelled when the family has earned it, else checked against a direct answer."""
        book = getattr(self.cache, "trust", None)
        if book is None or not self.policy.active:
            return _label(answer, "trusted" if book is not None else "unchecked")
        try:
            record = book.view(entry)
        except CacheError:
            record = fresh(entry)
        if record.observations < self.policy.probation and not record.replayed:
            record = self._replay(entry, record)
        kind, why = self.why_check(record, bindings)
        if kind is None:
            return _label(answer, "trusted")
        if self.direct is None:
            return _label(answer, "unchecked", f"{why}; no model is configured to check it")
        other, usage, failed = self.direct(request)
        trace = replace(answer.trace, usage=answer.trace.usage + usage)
        if failed or other is None:
            return replace(answer, trace=replace(trace, trust=kind, reasons=(*trace.reasons, why, failed or "no answer"),
                                                 message=f"{trace.message}; the check call failed: not observed"))
        shadow = {"program": render_answer(answer.value), "direct": render_answer(other), "why": why}
        if same_answer(answer.value, other):
            notes = self._observe(entry, bindings, "novel" if kind == "novel" else "shadow", answer.value)
            return replace(answer, trace=replace(trace, trust=kind, shadow={**shadow, "agreed": True},
                                                 reasons=(*trace.reasons, why, *notes)))
        try:
            found = book.dispute(entry, bindings, origin="novel" if kind == "novel" else "shadow",
                                 program=answer.value, other=other, request=request.label, needed=self.policy.probation)
        except CacheError as err:
            return Answer(other, "disputed", replace(trace, trust="disputed", shadow={**shadow, "agreed": False},
                                                     message=f"program and direct answer disagree; not recorded: {err}"))
        verdict = self.settle(entry, found, bindings, request, answer.value, other, "direct answer")
        value = answer.value if verdict.status == "program-right" else verdict.answer
        shadow = {**shadow, "agreed": False, "dispute": found.id, "verdict": verdict.status, "settled_why": verdict.why}
        message = ("the program and a direct answer disagree: a dispute "
                   + ("left open (the direct answer is given)" if verdict.status == "open"
                      else f"settled {verdict.status}") + "; nothing was cached as right")
        return Answer(value, "disputed", replace(trace, trust="disputed", shadow=shadow, usage=trace.usage + verdict.usage,
                                                 reasons=(*trace.reasons, why, *verdict.notes), message=message))

    def why_check(self, record: TrustRecord, bindings: Mapping[str, Any]) -> tuple[str | None, str]:
        """(kind, why) when this request must be checked: ``probation``, ``disputed`` or
        ``novel``; (None, "") when the family has earned serving it alone."""
        if record.observations < self.policy.probation:
            return "probation", f"probation: check {record.observations + 1} of {self.policy.probation} for v{record.version}"
        if record.open_disputes(record.version):
            return "disputed", f"{len(record.open_disputes(record.version))} open dispute(s) on v{record.version}"
        if self.policy.novelty:
            novel = record.novel(bindings)
            if novel:
                return "novel", "input outside the family's envelope: " + "; ".join(novel[:4])
        return None, ""

    # -- disputes -------------------------------------------------------------------------------

    def settle(self, entry: Entry, found: Dispute, bindings: Mapping[str, Any], request: Request, program: Any,
               other: Any, label: str) -> Verdict:
        """One deliberate call decides the dispute; the verdict is recorded (counterexample or
        verified example). An unsettled dispute may quarantine the family."""
        if self.chat is None:
            return self._open(entry, other, "no model is configured to settle it")
        messages = [
            {"role": "system", "content": SETTLE_SYSTEM},
            {"role": "user", "content": _settle_message(entry, request, program, other, label)},
        ]
        try:
            completion = self.chat(messages, "settle")
        except CompilerError as err:
            return replace(self._open(entry, other, f"the settlement call failed: {err}"), usage=err.usage)
        usage = completion.usage
        try:
            reply = decode_reply(completion.text, SettleReply)
        except ReplyError as err:
            return replace(self._open(entry, other, f"the settlement reply was refused: {err}"), usage=usage)
        if reply.right == "program":
            return replace(self._program_right(entry, found, bindings, request, program, reply.why), usage=usage)
        right = other if reply.right == "other" else reply.answer
        if reply.right not in ("other", "neither") or right is None:
            return replace(self._open(entry, other, f"the settlement reply said {reply.right!r} without an answer"),
                           usage=usage)
        return replace(self._program_wrong(entry, found, bindings, request, right, reply.why, "model"), usage=usage)

    def _program_right(self, entry: Entry, found: Dispute, bindings: Mapping[str, Any], request: Request, program: Any,
                       why: str) -> Verdict:
        notes = []
        try:
            self.cache.trust.settle(entry, found.id, "program-right", answer=program, why=why, by="model")
            self.cache.add_example(entry.id, dict(bindings), program, request=request.text,
                                   note=f"dispute {found.id} settled: the program was right")
            notes.append(f"dispute {found.id}: the program was right; the input is now a verified example")
        except (CacheError, AdmissionError, ValueError) as err:
            notes.append(f"dispute {found.id}: settled for the program, but not recorded: {err}")
        return Verdict("program-right", program, why, Usage(), tuple(notes))

    def _program_wrong(self, entry: Entry, found: Dispute, bindings: Mapping[str, Any], request: Request, right: Any,
                       why: str, by: str) -> Verdict:
        typed = _typed(right, entry.signature.returns)
        notes = []
        try:
            self.cache.trust.settle(entry, found.id, "program-wrong", answer=typed, why=why, by=by)
            self.cache.reject(entry.id, typed, inputs=dict(bindings), request=request.text,
                              note=f"dispute {found.id} settled by the {by}: {why[:300]}")
            notes.append(f"dispute {found.id}: the program was wrong; family {entry.id} is quarantined and its "
                         "next version must pass this input")
        except (CacheError, ValueError) as err:
            notes.append(f"dispute {found.id}: settled against the program, but not recorded: {err}")
        return Verdict("program-wrong", typed, why, Usage(), tuple(notes))

    def _open(self, entry: Entry, other: Any, why: str) -> Verdict:
        notes = [f"dispute left open: {why}"]
        try:
            record = self.cache.trust.view(entry)
            lost = len(record.open_disputes(entry.version)) + sum(
                1 for d in record.disputes if d.version == entry.version and d.status == "program-wrong")
            if self.policy.dispute_limit and lost >= self.policy.dispute_limit:
                self.cache.quarantine(entry.id, f"{lost} disputes on v{entry.version} (limit {self.policy.dispute_limit})")
                notes.append(f"family {entry.id} quarantined: {lost} disputes on v{entry.version}")
        except CacheError as err:
            notes.append(f"dispute count not checked: {err}")
        return Verdict("open", other, why, Usage(), tuple(notes))

    def _replay(self, entry: Entry, record: TrustRecord) -> TrustRecord:
        """The earlier versions' observations replayed on this version (no model call):
        inherited when it gives every confirmed answer (:meth:`TrustBook.replay`)."""

        def gives(bindings: dict[str, Any], answer: Any) -> bool:
            try:
                res = self.cache.run_entry(entry, bindings)
            except CacheError:
                return False
            return res.counterexample is None and same_answer(res.value, answer)

        try:
            return self.cache.trust.replay(entry, gives)
        except (CacheError, AttributeError):
            return record

    def declare_open(self, entry_id: str, holes: Sequence[str]) -> list[str]:
        """Record the holes a compile reply declared open; each is admitted only when a
        property covers it (:meth:`TrustBook.declare_open`, the rule of ``seglam cache open``)."""
        notes = []
        for hole in list(dict.fromkeys(holes))[:_MAX_OPEN]:  # a reply cannot flood the trace
            try:
                self.cache.trust.declare_open(self.cache.get(entry_id), hole)
                notes.append(f"hole {hole!r} declared open: a property covers it")
            except (CacheError, ValueError, AttributeError) as err:
                notes.append(f"hole {hole!r} not declared open: {err}")
        return notes

    def repair_due(self, entry: Entry) -> bool:
        """Whether this request should recompile the quarantined ``entry`` (counted; the
        recompiles are spaced out by :func:`repair_due`)."""
        try:
            due = repair_due(self.cache.trust.view(entry))
            self.cache.trust.claimed_while_quarantined(entry, repairing=due)
        except (CacheError, AttributeError):
            return True
        return due

    def _observe(self, entry: Entry, bindings: Mapping[str, Any], source: str, answer: Any = None) -> list[str]:
        try:
            record = self.cache.trust.observe(entry, bindings, needed=self.policy.probation, source=source,
                                              answer=answer)
        except CacheError as err:
            return [f"observation not recorded: {err}"]
        return [f"observation {record.observations} of v{entry.version} recorded"]

    # -- users' feedback ------------------------------------------------------------------------

    def feedback(self, answer: Answer, correct: bool, expected: Any = None, note: str = "") -> Feedback:
        """A user says ``answer`` was right (an observation) or wrong (a dispute, with the
        user's ``expected`` answer as the other side, settled like any other)."""
        trace = answer.trace
        if trace.entry_id is None or trace.version is None:
            raise ValueError("only an answer served by a cached family takes feedback (its trace names no family)")
        entry = self.cache.get(trace.entry_id)
        if entry.version != trace.version:
            raise ValueError(f"family {entry.id} changed since this answer (v{trace.version}, now v{entry.version}); "
                             "ask again and give feedback on the new answer")
        bindings = dict(trace.inputs)
        request = Request(text=trace.request or "")
        if correct:
            notes = self._observe(entry, bindings, "user", answer.value)
            return Feedback("observed", None, "; ".join(notes))
        found = self.cache.trust.dispute(entry, bindings, origin="user", program=answer.value, other=expected,
                                         request=trace.request)
        label = "user's expected answer" if expected is not None else "user's verdict (wrong, no answer given)"
        verdict = self.settle(entry, found, bindings, request, answer.value, expected, label)
        return Feedback(verdict.status, found, "; ".join(verdict.notes) or verdict.why, verdict.usage)

    def notes(self, entry_id: str) -> tuple[str, ...]:
        """The family's open disputes, rendered for its next compile prompt."""
        book = getattr(self.cache, "trust", None)
        try:
            record = book.get(entry_id) if book is not None else None
        except CacheError:
            return ()
        if record is None:
            return ()
        return tuple(f"disputed, not settled: {d.render()}; find out which answer is right"
                     for d in record.open_disputes()[-10:])


def _label(answer: Answer, trust: str, why: str = "") -> Answer:
    reasons = (*answer.trace.reasons, why) if why else answer.trace.reasons
    return replace(answer, trace=replace(answer.trace, trust=trust, reasons=reasons))


def _typed(value: Any, returns: str) -> Any:
    """The right answer as a value of the entry point's return type, when it converts."""
    for candidate in (value, *_parsed(value)):
        try:
            return coerce(candidate, returns)
        except (ValueError, TypeError):
            continue
    return value


def _parsed(value: Any) -> tuple[Any, ...]:
    if not isinstance(value, str):
        return ()
    try:
        return (json.loads(value),)
    except ValueError:
        return ()


def _settle_message(entry: Entry, request: Request, program: Any, other: Any, label: str) -> str:
    return "\n".join([
        "Request:", request.label, "",
        f"Program ({entry.signature.render()}):", entry.source[:_MAX_SOURCE], "",
        f"The program's answer: {json.dumps(_jsonable(program), ensure_ascii=False)}",
        f"The other answer ({label}): {json.dumps(_jsonable(other), ensure_ascii=False)}",
    ])


def _jsonable(value: Any) -> Any:
    try:
        json.dumps(value)
        return value
    except (TypeError, ValueError):
        try:
            return encode_value(value)
        except TypeError:
            return repr(value)


def repair_due(record: TrustRecord) -> bool:
    """Whether the next request a quarantined version claims should recompile it: the k-th
    recompile (from 0) is tried on the (2**k)-th claimed request (1, 2, 4, 8, ...), so n
    requests cost at most log2(n) + 1 recompiles, and the others get the fallback."""
    return record.claims + 1 >= 2 ** record.repairs
