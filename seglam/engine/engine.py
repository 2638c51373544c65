"""The engine: cache first, then routing, then compiling; nothing unverified is cached.

``Engine.solve(text)`` for a free-text request, ``Engine.solve(task=..., inputs=...)`` for
a structured one. Tiers:

- ``hit``: a cached family's pattern (or task key) matched and its gated run answered;
- ``routed``: no pattern matched, the model picked one of the nearest families and bound
  its inputs, and the gated run answered (the family may gain a pattern);
- ``compiled``: the model wrote a program that passed every check and was admitted;
- ``disputed``: a family in probation (or on an input outside what it was verified and
  observed on) answered, a direct model call disagreed, and one settlement call decided
  (:mod:`seglam.engine.trust`); nothing is cached as right. A hit's trace says how far
  the family was trusted (``trust``);
- ``uncached``: nothing could be admitted and ``direct_fallback`` is on: the model's own
  direct answer, flagged as such; also a request of a kind the cache learned cannot be
  programmed (a negative family, :mod:`seglam.cache.negative`): one small direct call, no
  route and no compile prompt;
- ``unsolved``: no answer (and the trace says why, including what to configure).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
import time
from collections import Counter
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

import msgspec

from seglam.cache.admit import FamilyDraft, normalise_task
from seglam.cache.cache import Cache, Hit
from seglam.cache.entry import Entry, Provenance, now
from seglam.cache.errors import AdmissionError, CacheError, GateMiss, ToolchainUnavailable
from seglam.cache.gate import render_bindings
from seglam.cache.pattern import best_match, parse_pattern
from seglam.cache.values import decode_value, render_value
from seglam.engine.admission import (
    Candidate, Refusal, Request, answer_key, admission_feedback, evaluate, frozen_asserts, refusal,
)
from seglam.engine.answer import TIERS, Answer, EngineTrace
from seglam.engine.client import CompilerError, Usage
from seglam.engine.compiler import Compiler
from seglam.engine.config import HOW_TO_CONFIGURE, CompilerConfig, load_config
from seglam.engine.deadline import DeadlineExceeded, call_with_deadline
from seglam.engine.function import function as decorate
from seglam.engine.prompt import DIRECT_SYSTEM, free_text_request, repair_message, route_message, structured_request, widening_note
from seglam.engine.router import (
    OF_ITS_KIND, Doc, RouteRefusal, accepts, bm25_rank, next_version_patterns, rebinds_samples, route_bindings,
)
from seglam.engine.widening import (
    CANNOT_BIND, attempt, kept_requests, overlapped_family, record_refusal, refusal_why,
    refused_requests, version_samples,
)
from seglam.engine.worked import WorkedFamily, from_admitted
from seglam.engine.schema import CompileReply, DirectReply, ReplyError, RouteReply, decode_reply
from seglam.engine.trust import Feedback, Keeper, Policy

MAX_REQUEST_CHARS = 100_000
ROUTE_CANDIDATES = 3
_MAX_ECHO = 60_000  # longest assistant turn echoed back in a repair conversation


class Engine:
    """``Engine(cache=..., compiler=...)``.

    ``cache``: a :class:`seglam.cache.Cache`, a cache directory, or None (the default
    cache). ``compiler``: a :class:`Compiler`, a :class:`CompilerConfig`, None (configure
    from the environment and config file; no model configured means misses are
    ``unsolved`` with a message saying what to set), or False (never call a model).
    """

    def __init__(
        self,
        cache: Any = None,
        compiler: Compiler | CompilerConfig | None | bool = None,
        *,
        fuel: int | None = None,
        lock_timeout: float = 900.0,
        hit_deadline: float | None = None,
        trust: Policy | None = None,
    ) -> None:
        self._owns_cache = not hasattr(cache, "lookup")
        if self._owns_cache:
            cache = Cache(cache)
        self.cache = cache
        if compiler is None:
            compiler = load_config()
        if isinstance(compiler, CompilerConfig):
            compiler = Compiler(compiler) if compiler.configured else None
        self.compiler: Compiler | None = compiler or None
        self.fuel = fuel if fuel is not None else getattr(cache, "fuel", 10_000_000)
        self.lock_timeout = lock_timeout
        #: seconds a hit may run before the host stops it (tier "deadline"; None: no limit).
        #: A guard for the host, not program semantics: fuel is what bounds a run.
        self.hit_deadline = hit_deadline
        if trust is None:
            cfg = self.compiler.config if self.compiler else CompilerConfig()
            trust = Policy(probation=cfg.probation, novelty=cfg.novelty, dispute_limit=cfg.dispute_limit)
        #: how trust is earned (probation, novelty gate, dispute limit): seglam/engine/trust.py
        self.trust = Keeper(cache, trust, self._shadow if self.compiler else None,
                            self.compiler.chat if self.compiler else None)
        self._lock = threading.Lock()
        self._tiers: Counter[str] = Counter()
        self._seconds: Counter[str] = Counter()

    # -- lifecycle --------------------------------------------------------------------------

    def close(self) -> None:
        if self._owns_cache:
            self.cache.close()
        elif hasattr(self.cache, "flush"):
            self.cache.flush()

    def __enter__(self) -> "Engine":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public API -------------------------------------------------------------------------

    def solve(
        self,
        text: str | None = None,
        *,
        task: str | None = None,
        inputs: Mapping[str, Any] | None = None,
        examples: Sequence[tuple[Mapping[str, Any], Any]] = (),
        signature: str | None = None,
        entry: str | None = None,
    ) -> Answer:
        """Answer a free-text request, or a structured one (``task`` + ``inputs``)."""
        start = time.perf_counter()
        if (text is None) == (task is None):
            raise TypeError("solve() takes a request text, or task= with inputs=, not both")
        if text is not None:
            if not isinstance(text, str):
                raise TypeError(f"the request must be a str, not {type(text).__name__}")
            request = Request(text=text)
        else:
            if not isinstance(task, str):
                raise TypeError(f"task must be a str, not {type(task).__name__}")
            inputs = dict(inputs or {})
            if not all(isinstance(k, str) and k.isidentifier() for k in inputs):
                raise TypeError("inputs must map parameter names (identifiers) to values")
            request = Request(
                task=task, inputs=inputs, signature=signature, entry=entry,
                frozen_examples=tuple((dict(i), o) for i, o in examples),
            )
        try:
            answer = self._solve(request)
        except CacheError as err:
            answer = _unsolved(f"the cache failed: {err}")
        except Exception as err:  # noqa: BLE001 - a service boundary: a bug becomes an unsolved answer, with its name
            answer = _unsolved(f"internal error: {type(err).__name__}: {str(err)[:500]}")
        answer = dataclasses.replace(answer, trace=dataclasses.replace(answer.trace, seconds=time.perf_counter() - start))
        with self._lock:
            self._tiers[answer.tier] += 1
            self._seconds[answer.tier] += answer.trace.seconds
        return answer

    def feedback(self, answer: Answer, *, correct: bool, expected: Any = None, note: str = "") -> Feedback:
        """Tell the engine whether a family's answer was right. Right: an observation.
        Wrong: a dispute (``expected`` is the user's answer, if known), settled by one model
        call as a probation dispute is; disputes past the limit quarantine the family."""
        return self.trust.feedback(answer, correct, expected, note)

    def function(self, fn: Callable | None = None, **options: Any) -> Any:
        """``@engine.function``: see :func:`seglam.engine.function.function`."""
        return decorate(fn, engine=self, **options)

    def stats(self) -> dict[str, Any]:
        """Requests by tier, model usage by purpose, and the cache's own totals."""
        with self._lock:
            tiers = dict(self._tiers)
            seconds = dict(self._seconds)
        usage = self.compiler.client.ledger.snapshot() if self.compiler else {}
        total = sum(usage.values(), Usage())
        try:
            cache_stats = self.cache.stats()
        except CacheError as err:
            cache_stats = {"error": str(err)}
        return {
            "requests": sum(tiers.values()),
            "tiers": {t: tiers.get(t, 0) for t in TIERS},
            "seconds": {t: round(s, 6) for t, s in seconds.items()},
            "model": self.compiler.model if self.compiler else None,
            "price": self.compiler.client.price.to_json() if self.compiler else None,
            "usage": {k: v.to_json() for k, v in usage.items()},
            "usage_total": total.to_json(),
            "cache": cache_stats,
        }

    # -- the tiers --------------------------------------------------------------------------

    def _solve(self, request: Request) -> Answer:
        if request.text is not None and len(request.text) > MAX_REQUEST_CHARS:
            return _unsolved(f"the request is {len(request.text)} characters; the limit is {MAX_REQUEST_CHARS}")
        answer, miss = self._try_hit(request)
        if answer is not None:
            return answer
        reasons = [miss.reason] if miss else []
        if miss is not None:
            # a family claims this request but refused it: compiling a rival would clash, but
            # the family itself may be widened
            return self._widen(request, miss)
        if request.structured:
            owner = self._claimed_by(request)
            if owner is not None and owner.status == "active":
                # the task is known, these inputs just do not fit it: a rival would clash
                return _unsolved(f"family {owner.id} owns this task, but these inputs do not fit "
                                 f"{owner.signature.render()}; nothing was compiled", reasons)
        if self.compiler is None:  # say so when the request is of a kind the model declined
            return _unsolved(HOW_TO_CONFIGURE, reasons + self._declined_kind(request))
        corrected = self._quarantined(request)
        if corrected is None:  # its recompile is not due yet (seglam.cache.trust.repair_due)
            return self._fallback(request, reasons + ["the family claiming it is quarantined; its next recompile "
                                                      "is not due yet"], Usage(), rounds=0)
        request = corrected
        claim = self._claim_negative(request)
        if claim is not None:
            if not claim.probe:
                return self._negative_answer(request, claim.kind, reasons)
            reasons.append(f"a probe of negative family {claim.kind.id} (application {claim.kind.applied}): "
                           "this request goes the full way")
        with self._compile_lock(request):
            answer, miss = self._try_hit(request)  # another process may have compiled it meanwhile
            if answer is not None:
                return answer
            if miss is not None:
                return self._fallback(request, [miss.reason], Usage(), rounds=0)
            usage = Usage()
            if request.text is not None and self.compiler.config.route and request.replaces is None:
                answer, usage, route_reasons, tried = self._route(request.text)
                if answer is not None:
                    return answer
                reasons += route_reasons
                if tried is not None:
                    request, why = self._after_refused_route(request, tried)
                    reasons += [why] if why else []
            return self._compile(request, usage, reasons)

    def _try_hit(self, request: Request) -> tuple[Answer | None, Miss | None]:
        """(answer, None) on a hit; (None, miss) when a family matched but refused."""
        try:
            if request.text is not None:
                hit = self.cache.lookup(request.text)
            else:
                hit = self.cache.lookup_structured(request.task or "", dict(request.inputs or {}))
        except CacheError as err:
            return None, Miss(f"cache lookup failed: {err}")
        except (UnicodeError, ValueError, TypeError, RecursionError) as err:  # hostile text must not escape
            return None, Miss(f"cache lookup failed: {type(err).__name__}: {str(err)[:200]}")
        if hit is None:
            return None, None
        try:
            served = call_with_deadline(lambda: hit.run(fuel=self.fuel), self.hit_deadline)
        except GateMiss as miss:
            return None, Miss(miss.reason, hit.entry, getattr(miss.trace, "outcome", None), hit.bindings)
        except DeadlineExceeded:
            message = f"the cached program ran past the host's deadline of {self.hit_deadline} s and was stopped"
            return Answer(None, "deadline", EngineTrace(message=message)), None
        answer = Answer(served.value, "hit", _trace_from(served.trace, hit.bindings, request.label))
        return self.trust.check(answer, hit.entry, hit.bindings, request), None

    def _widen(self, request: Request, miss: Miss) -> Answer:
        """A family whose pattern claims the request refused it by its precondition: record
        the refusal, and ask the model for a wider version when one is due (:meth:`_widening`).
        Otherwise, or if that fails, the fallback."""
        entry = miss.entry
        if entry is None or miss.outcome != "domain":
            return self._fallback(request, [miss.reason], Usage(), rounds=0)
        widened, why = self._widening(request, entry, f"its precondition refused this request ({miss.reason[:300]})",
                                      refusal_why("its precondition refused", miss.reason, miss.bindings))
        if widened is None:
            return self._fallback(request, [miss.reason] + ([why] if why else []), Usage(), rounds=0)
        with self._compile_lock(request):
            return self._compile(widened, Usage(), [miss.reason, why])

    def _widening(self, request: Request, entry: Entry, why: str, refusal: str) -> tuple[Request | None, str]:
        """Record that ``entry`` refused ``request`` (``refusal``: the gate's line, or
        :data:`CANNOT_BIND`); when a widening is due (:mod:`seglam.engine.widening`), the
        request as a compile of the next version of ``entry`` that answers it and every kept
        refusal its patterns claim (the same compile and admission path; ``Cache.replace``
        re-checks every stored sample, example and counterexample); else None and why not."""
        record = record_refusal(self.cache, entry, refusal, request.text, counted=request.recorded_by == entry.id)
        cfg = self.compiler.config if self.compiler else None
        record, why_not = attempt(self.cache, entry, record, cfg.widen if cfg else 0, why)
        if record is None:
            return None, why_not
        note = widening_note(entry.id, entry.version, entry.signature.render(), entry.patterns, why)
        widened = dataclasses.replace(self._replacing(request, entry, note), refused=refused_requests(record))
        return widened, f"asking for a widened version of family {entry.id}: {why[:300]}"

    def _after_refused_route(self, request: Request, tried: RouteRefusal) -> tuple[Request, str]:
        """The router picked a family that could not answer: widen it when its patterns
        cannot bind the request or its precondition refuses it (a kind the family should
        cover); otherwise, or when widening is not possible, compile a new family, and the
        compile prompt says which family was tried and why it refused."""
        entry, why = tried.entry, ""
        if tried.widenable:
            widened, why = self._widening(request, entry, f"the router picked it for this request, but {tried.why}",
                                          tried.why if tried.domain else CANNOT_BIND)
            if widened is not None:
                return widened, why
        note = (f"the router picked family {entry.id} ({entry.description[:200]!r}, {entry.signature.render()}) for "
                f"this request, and it refused: {tried.why[:500]}; so this compile writes a new family"
                + (f" ({why})" if why else ""))
        return dataclasses.replace(request, context=(*request.context, note),
                                   recorded_by=entry.id if tried.widenable else None), ""

    def _route(self, text: str) -> tuple[Answer | None, Usage, list[str], RouteRefusal | None]:
        """Offer the nearest families to the model; answer if it binds one that checks.
        When the family it picks cannot answer, the last item says which and why."""
        try:
            entries = [e for e in self.cache.list("active") if e.patterns]
        except CacheError:
            return None, Usage(), [], None
        by_id = {e.id: e for e in entries}
        docs = [Doc(e.id, " ".join((*e.patterns, e.description, *e.samples[:3]))) for e in entries]
        ranked = bm25_rank(text, docs, ROUTE_CANDIDATES)
        if not ranked:
            return None, Usage(), [], None
        offered = [
            {
                "id": by_id[r.id].id,
                "description": by_id[r.id].description,
                "signature": by_id[r.id].signature.render(),
                "accepts": accepts(by_id[r.id].source, by_id[r.id].signature.entry),
                "patterns": list(by_id[r.id].patterns[:4]),
            }
            for r in ranked
        ]
        assert self.compiler is not None
        messages = [
            {"role": "system", "content": self.compiler.prompts.route_system},
            {"role": "user", "content": route_message(text, offered)},
        ]
        try:
            completion = self.compiler.chat(messages, "route")
        except CompilerError as err:
            return None, err.usage, [f"routing call failed: {err}"], None
        usage = completion.usage
        try:
            reply = decode_reply(completion.text, RouteReply)
        except ReplyError as err:
            return None, usage, [f"routing reply refused: {err}"], None
        if reply.family is None:
            return None, usage, [], None
        entry = by_id.get(reply.family)
        if entry is None or reply.family not in {o["id"] for o in offered}:
            return None, usage, [f"routing named a family that was not offered: {reply.family!r}"], None
        if not reply.bindings and not reply.pattern and entry.signature.params:
            return None, usage, [f"routing to {entry.id}: {OF_ITS_KIND}"], RouteRefusal(entry, OF_ITS_KIND, True)
        bindings, pattern, why = route_bindings(entry, reply, text, self.cache)
        if bindings is None:
            return None, usage, [f"routing to {entry.id} refused: {why}"], RouteRefusal(
                entry, f"its patterns and signature cannot bind the request ({why[:300]})", widenable=True)
        hit = Hit(entry, pattern, bindings, (), 0, text, self.cache)
        try:
            served = hit.run(fuel=self.fuel)
        except GateMiss as miss:
            domain = getattr(miss.trace, "outcome", None) == "domain"
            cause = "its precondition refused" if domain else "the gate refused"
            return None, usage, [f"routing to {entry.id} refused by the gate: {miss.reason}"], RouteRefusal(
                entry, refusal_why(cause, miss.reason[:300], bindings), domain, domain)
        notes = self._lift_negatives(text, f"routed to family {entry.id}")
        if pattern is not None:
            notes.append(self._learn_pattern(entry, pattern, text))
        elif why:
            notes.append(why)
        trace = dataclasses.replace(_trace_from(served.trace, bindings, text), usage=usage,
                                    reasons=tuple(n for n in notes if n))
        answer = self.trust.check(Answer(served.value, "routed", trace), entry, bindings, Request(text=text))
        return answer, answer.trace.usage, [], None

    def _learn_pattern(self, entry: Entry, pattern: str, text: str) -> str:
        """Add the routed request's pattern to its family, so the next one is a free hit."""
        add = getattr(self.cache, "add_pattern", None)
        if add is None:
            return "pattern not learned: this cache cannot add patterns"
        rebound = rebinds_samples(pattern, entry.patterns, entry.samples)
        if rebound:
            return f"pattern not learned: {rebound[0]}"
        try:
            add(entry.id, pattern, sample=text)
        except (CacheError, ValueError, TypeError) as err:
            return f"pattern not learned: {err}"
        return f"learned pattern {pattern!r}"

    def _library_modules(self) -> list[tuple[str, str]]:
        """The cache's own library modules, (name, source), for the compile prompt's listing."""
        try:
            return [(m.name, m.source) for m in self.cache.modules()] if hasattr(self.cache, "modules") else []
        except CacheError:
            return []

    def _admitted_worked(self) -> list[WorkedFamily]:
        """The cache's active families, as worked families a new family's compile prompt may show."""
        try:
            entries = self.cache.list("active")
        except CacheError:
            return []
        out = (from_admitted(e.id, e.description, e.signature.entry, e.patterns, e.source, e.samples)
               for e in entries)
        return [w for w in out if w is not None]

    def _compile(self, request: Request, usage: Usage, reasons: list[str]) -> Answer:
        assert self.compiler is not None
        cfg = self.compiler.config
        prompts = self.compiler.prompts
        started = time.perf_counter()
        frozen = frozen_asserts(request.entry or "solve", request.frozen_examples)
        if request.structured:
            user = structured_request(request.task or "", dict(request.inputs or {}), request.signature,
                                      request.frozen_examples, request.counterexamples, request.current)
        else:
            user = free_text_request(request.text or "", request.counterexamples, request.current, request.context,
                                     request.refused, request.kept)
        messages = prompts.compile_messages(user, request.text or request.task or "", self._admitted_worked(),
                                            self._library_modules(), replacing=request.replaces is not None)
        last_reply: CompileReply | None = None
        candidates_seen = 0
        for round_no in range(cfg.repair_rounds + 1):
            results: list[tuple[str, Candidate | Refusal]] = []
            for _ in range(cfg.candidates if round_no == 0 else 1):
                try:
                    completion = self.compiler.chat(messages, "compile" if round_no == 0 else "repair")
                except CompilerError as err:
                    usage = usage + err.usage
                    return self._fallback(request, reasons + [str(err)], usage, round_no + 1, allow_direct=False)
                usage = usage + completion.usage
                candidates_seen += 1
                try:
                    judged = self._judge(completion.text, request, prompts.hash)
                except ToolchainUnavailable as err:
                    return self._fallback(request, reasons + [f"the language toolchain is unavailable: {err}"], usage,
                                          round_no + 1, last_reply=last_reply)
                last_reply = judged.reply or last_reply
                results.append((completion.text, judged))
            passing = _by_agreement([c for _, c in results if isinstance(c, Candidate)])
            if not passing and any(isinstance(c, Refusal) and c.declined for _, c in results):
                why = "the model says this request cannot be programmed"
                notes = self._learn_negative(request, "declined", why, last_reply)
                return self._fallback(request, reasons + [why] + notes, usage, round_no + 1, last_reply=last_reply)
            refused: list[str] = []
            for cand in passing:
                provenance = _final_provenance(cand, usage, time.perf_counter() - started, round_no + 1, candidates_seen)
                try:
                    entry_id, version, notes = self._store(request, dataclasses.replace(
                        cand.draft, provenance=provenance, modules=helpers(cand.reply)))
                except AdmissionError as err:
                    refused += list(err.reasons)
                    answer, _ = self._try_hit(request)  # a concurrent writer may have admitted the kind
                    if answer is not None:
                        return dataclasses.replace(answer, trace=dataclasses.replace(answer.trace, usage=usage))
                    continue
                except CacheError as err:
                    return self._fallback(request, reasons + [f"cache refused the write: {err}"], usage, round_no + 1,
                                          last_reply=last_reply)
                reasons = reasons + notes + self.trust.declare_open(entry_id, cand.reply.open)
                if request.text is not None:
                    reasons = reasons + self._lift_negatives(request.text, f"family {entry_id} compiled for it",
                                                             entry_id, (*cand.draft.samples, *cand.draft.patterns))
                trace = self._compiled_trace(entry_id, version, cand, request, usage, round_no + 1, candidates_seen,
                                             reasons)
                if cand.unanswerable:
                    return Answer(None, "unsolved", dataclasses.replace(trace, message=(
                        f"the model judged this request unanswerable as asked (its answer was null); family "
                        f"{entry_id} v{version} was admitted on its examples and refuses this request")))
                return Answer(cand.value, "compiled", trace)
            answer, _ = self._try_hit(request)  # a rival may have admitted this kind meanwhile
            if answer is not None:
                return dataclasses.replace(answer, trace=dataclasses.replace(answer.trace, usage=usage))
            widened, why = self._widen_overlapped(request, [c for _, c in results], refused)
            if widened is not None:
                return self._compile(widened, usage, reasons + [f"round {round_no + 1}: {why}"])
            first_text, first = results[0]
            feedback = first.feedback if isinstance(first, Refusal) else admission_feedback(refused)
            reasons += [f"round {round_no + 1}: {r}" for r in feedback.reasons]
            messages = messages + [
                {"role": "assistant", "content": first_text[:_MAX_ECHO]},
                {"role": "user", "content": repair_message(feedback, frozen)},
            ]
        reasons += self._learn_negative(request, "failed", f"{cfg.repair_rounds + 1} compile round(s) failed", last_reply)
        return self._fallback(request, reasons, usage, cfg.repair_rounds + 1, last_reply=last_reply)

    # -- negative families (kinds the model could not program) -----------------------------------

    def _claim_negative(self, request: Request, count: bool = True) -> Any:
        """The known non-programmable kind that claims a free-text request, if any: its
        ``Claim`` (the application counted), or with ``count`` off the kind, only read."""
        negatives = getattr(self.cache, "negatives", None)
        if negatives is None or request.text is None or request.replaces is not None:
            return None
        try:
            return negatives.claim(request.text) if count else negatives.claimant(request.text)
        except CacheError:
            return None  # a broken record costs a compile, never an answer

    def _declined_kind(self, request: Request) -> list[str]:
        kind = self._claim_negative(request, count=False)
        return [f"negative family {kind.id}: a kind the model could not program; only a model's direct answer "
                "serves it"] if kind is not None else []

    def _negative_answer(self, request: Request, kind: Any, reasons: list[str]) -> Answer:
        """One small direct call for a request of a known non-programmable kind. Never a
        program's answer: the value is the model's, flagged ``uncached``."""
        assert self.compiler is not None
        why = (f"negative family {kind.id}: requests of this kind could not be programmed "
               f"({kind.evidence} times); no route, no compile")
        if not self.compiler.config.direct_fallback:
            return _unsolved(why + "; direct_fallback is off, so the model was not asked", reasons)
        value, usage, failed = self._direct(request, Usage())
        notes = tuple(reasons) + (why,) + ((failed,) if failed else ())
        if value is None:
            return Answer(None, "unsolved", EngineTrace(usage=usage, reasons=notes, message="the direct answer failed"))
        return Answer(value, "uncached", EngineTrace(usage=usage, reasons=notes, message=(
            "the model's direct answer for a kind the cache learned it cannot program; not verified, not cached")))

    def _learn_negative(self, request: Request, outcome: str, why: str, reply: CompileReply | None) -> list[str]:
        """Remember that compiling this free-text request failed (declined or refused)."""
        negatives = getattr(self.cache, "negatives", None)
        if negatives is None or request.text is None or request.replaces is not None:
            return []
        try:
            positives = [(e.id, (*e.samples, *e.patterns)) for e in self.cache.list("active")]
            kind = negatives.record(request.text, why, outcome=outcome,
                                    patterns=tuple(reply.patterns) if reply is not None else (), positives=positives)
        except CacheError as err:
            return [f"negative family not recorded: {err}"]
        return [f"negative family {kind.id}: {kind.status}, evidence {kind.evidence}"]

    def _lift_negatives(self, text: str, reason: str, family: str | None = None, texts: Sequence[str] = ()) -> list[str]:
        """A request of the kind was programmed after all: lift the kinds that claim it."""
        negatives = getattr(self.cache, "negatives", None)
        if negatives is None:
            return []
        try:
            lifted = negatives.lift_for(text, reason)
            if family is not None:
                lifted += negatives.lift_overlapping(family, texts)
        except CacheError as err:
            return [f"negative families not lifted: {err}"]
        return [f"lifted negative family {k}: {reason}" for k in dict.fromkeys(lifted)]

    def _judge(self, text: str, request: Request, prompt_hash: str) -> Candidate | Refusal:
        """Decode one reply and run the engine-side admission checks on it."""
        try:
            reply = decode_reply(text, CompileReply)
        except ReplyError as err:
            return refusal("reply", str(err))
        assert self.compiler is not None
        provenance = Provenance(origin="engine", request=request.label[:20000], model=self.compiler.model,
                                prompt_hash=prompt_hash)
        try:
            return evaluate(reply, request, self.cache.toolchain_for(helpers(reply)), fuel=self.fuel,
                            check_pattern=self._pattern_checker(request), provenance=provenance)
        except ToolchainUnavailable:
            raise
        except CacheError as err:
            return refusal("pattern refused", f"the cache could not check the patterns: {err}", reply)

    def _store(self, request: Request, draft: FamilyDraft) -> tuple[str, int, list[str]]:
        """Admit a new family, or write the next version of the one being replaced (widened
        or corrected). A new version keeps the old patterns its signature still fits and
        the new ones that match a stored request without rebinding it (``Cache.replace``
        re-checks them all); each other new pattern is then learned with the request or
        example it matches (``add_pattern``: admissible, no clash, passes the gate)."""
        if request.replaces is None:
            return self.cache.admit(draft), 1, []
        old = self.cache.get(request.replaces)
        keep, add, notes = next_version_patterns(old, draft, self.cache.toolchain_for(), self.fuel)
        res = self.cache.replace(request.replaces, draft.source, entry=draft.entry, patterns=keep,
                                 provenance=draft.provenance, note="recompiled by the engine",
                                 verification=draft.verification,
                                 samples=version_samples(request, draft.patterns, keep, draft.samples, draft.request is None),
                                 description=draft.description or None)
        if add:
            new = self.cache.get(res.entry_id)
            notes += [self._learn_pattern(new, pattern, sample) for pattern, sample in add]
        if res.disagreements:
            notes.append(f"v{res.version} answers {len(res.disagreements)} stored input(s) otherwise than "
                         f"v{old.version}: {list(res.disagreements[:3])}"[:1000])
        return res.entry_id, res.version, notes

    def _widen_overlapped(self, request: Request, judged: Sequence[Candidate | Refusal],
                          refused: Sequence[str]) -> tuple[Request | None, str]:
        """A new family refused because its patterns overlap an existing family's requests:
        that family already claims the kind, so ask for a wider version of it (with this
        request's wording added) instead of pushing the model to a narrower rival."""
        entry, why = overlapped_family(self.cache, request, judged, refused)
        return self._widening(request, entry, why, CANNOT_BIND) if entry is not None else (None, "")

    def _pattern_checker(self, request: Request) -> Callable[[str, tuple[str, ...]], list[str]]:
        def check(pattern: str, samples: tuple[str, ...]) -> list[str]:
            return self.cache.check_pattern(pattern, samples, exclude=request.replaces)

        return check

    def _quarantined(self, request: Request) -> Request | None:
        """A request claimed by a quarantined family (being corrected) recompiles that
        family: the new version must pass every counterexample stored against it. None
        when that recompile is not due (they are spaced out: 1st, 2nd, 4th, 8th... request)."""
        entry = self._claimed_by(request)
        if entry is None or entry.status != "quarantined":
            return request
        return self._replacing(request, entry) if self.trust.repair_due(entry) else None

    def _replacing(self, request: Request, entry: Entry, *notes: str) -> Request:
        """``request`` as a compile of the next version of ``entry`` (widening or correction):
        its current program, every stored counterexample and dispute, and ``notes`` (why)."""
        return dataclasses.replace(request, replaces=entry.id, current=entry.source, counterexamples=(
            *_render_counterexamples(entry), *self.trust.notes(entry.id)), context=(*request.context, *notes),
            kept=kept_requests(entry))

    def _claimed_by(self, request: Request) -> Entry | None:
        """The non-retired family that owns this request: by pattern (free text) or by task
        text and input names (structured), whatever the input kinds."""
        try:
            if request.text is not None:
                found = self.cache.matches(request.text) if hasattr(self.cache, "matches") else []
                return self.cache.get(found[0].entry_id) if found else None
            key = normalise_task(request.task or "")
            names = set(request.inputs or {})
            for entry in self.cache.list():
                if entry.status != "retired" and key in entry.tasks and {p.name for p in entry.signature.params} == names:
                    return entry
        except CacheError:
            return None
        return None

    def _compiled_trace(self, entry_id: str, version: int, cand: Candidate, request: Request, usage: Usage,
                        rounds: int, candidates: int, reasons: list[str]) -> EngineTrace:
        pattern = None
        bindings: dict[str, Any] = dict(request.inputs or {})
        if request.text is not None:
            best = best_match([parse_pattern(text) for text in cand.draft.patterns], request.text)
            if best is not None:
                pattern, bindings = best[0].text, best[1]
        return EngineTrace(
            entry_id=entry_id, version=version, pattern=pattern, bindings=render_bindings(bindings),
            rounds=rounds, candidates=candidates, usage=usage, reasons=tuple(reasons),
            message="compiled, verified and admitted", request=request.label[:20000], inputs=dict(bindings),
        )

    def _fallback(self, request: Request, reasons: list[str], usage: Usage, rounds: int, *,
                  last_reply: CompileReply | None = None, allow_direct: bool = True) -> Answer:
        """``uncached`` with the model's direct answer when configured, else ``unsolved``."""
        cfg = self.compiler.config if self.compiler else None
        if cfg is not None and cfg.direct_fallback and allow_direct:
            value = last_reply.answer if last_reply is not None else None
            if last_reply is None:
                value, usage, why = self._direct(request, usage)
                if why:
                    reasons = reasons + [why]
            if value is not None:
                return Answer(value, "uncached", EngineTrace(rounds=rounds, usage=usage, reasons=tuple(reasons),
                                                             message="the model's direct answer; not verified, not cached"))
        return Answer(None, "unsolved", EngineTrace(rounds=rounds, usage=usage, reasons=tuple(reasons),
                                                    message="no verified program answers this request; nothing was cached"))

    def _shadow(self, request: Request) -> tuple[Any, Usage, str | None]:
        """The direct call that checks a family in probation (purpose ``shadow``)."""
        return self._direct(request, Usage(), "shadow")

    def _direct(self, request: Request, usage: Usage, purpose: str = "direct") -> tuple[Any, Usage, str | None]:
        assert self.compiler is not None
        ask = request.text if request.text is not None else structured_request(request.task or "", dict(request.inputs or {}))
        messages = [
            {"role": "system", "content": DIRECT_SYSTEM},
            {"role": "user", "content": ask},
        ]
        try:
            completion = self.compiler.chat(messages, purpose)
        except CompilerError as err:
            return None, usage + err.usage, f"direct answer failed: {err}"
        usage = usage + completion.usage
        try:
            return decode_reply(completion.text, DirectReply).answer, usage, None
        except ReplyError as err:
            return None, usage, f"direct answer refused: {err}"

    @contextmanager
    def _compile_lock(self, request: Request) -> Iterator[None]:
        """One compile per request at a time across processes sharing the cache: the second
        asker waits, then finds the first one's family as a hit."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - no flock (Windows): admission still refuses duplicates
            yield
            return
        key = hashlib.sha256(request.label.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        try:
            directory = Path(self.cache.path) / "locks"
            directory.mkdir(exist_ok=True)
            fd = os.open(directory / f"{key}.lock", os.O_CREAT | os.O_RDWR, 0o644)
        except (OSError, AttributeError, TypeError):
            yield
            return
        try:
            deadline = time.monotonic() + self.lock_timeout
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        break  # a stuck peer: go on; admission still refuses a duplicate
                    time.sleep(0.05)
            yield
        finally:
            os.close(fd)  # closing releases the lock


# -- helpers --------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Miss:
    """Why no family answered: ``entry`` matched and refused with ``outcome`` (``domain``:
    its precondition), or the lookup failed (no entry)."""

    reason: str
    entry: Entry | None = None
    outcome: str | None = None
    bindings: Mapping[str, Any] = dataclasses.field(default_factory=dict)



def _unsolved(message: str, reasons: Sequence[str] = ()) -> Answer:
    return Answer(None, "unsolved", EngineTrace(reasons=tuple(reasons), message=message))


def _trace_from(gate: Any, inputs: Mapping[str, Any], request: str) -> EngineTrace:
    data = gate.to_json() if hasattr(gate, "to_json") else {}
    return EngineTrace(
        request=request[:20000],
        inputs=dict(inputs),
        entry_id=gate.entry_id,
        version=gate.version,
        pattern=gate.pattern,
        bindings=dict(gate.bindings),
        fuel_used=gate.fuel_used,
        gate=data,
        message="served by a cached, verified program",
    )


def _final_provenance(cand: Candidate, usage: Usage, seconds: float, rounds: int, candidates: int) -> Provenance:
    """The candidate's provenance with what the whole compile cost."""
    return msgspec.structs.replace(
        cand.draft.provenance,
        tokens_in=usage.tokens_in,
        tokens_out=usage.tokens_out,
        compile_seconds=seconds,
        created=now(),
        note=f"rounds={rounds} candidates={candidates} cost={usage.cost:.6g}",
    )


def _render_counterexamples(entry: Entry, limit: int = 20) -> tuple[str, ...]:
    out = []
    for cx in entry.counterexamples[-limit:]:
        try:
            inputs = ", ".join(f"{k}={render_value(decode_value(v))}" for k, v in cx.inputs.items())
        except (TypeError, ValueError):
            continue
        where = f"request {cx.request!r}: " if cx.request else ""
        if cx.kind == "reject":
            out.append(f"{where}inputs {inputs} must give {render_value(decode_value(cx.expected))}")
        elif cx.kind in ("fault", "ensures"):
            out.append(f"{where}inputs {inputs} failed: {cx.fault or cx.kind} {cx.message[:200]}")
    return tuple(out)


def _by_agreement(cands: list[Candidate]) -> list[Candidate]:
    """Candidates ordered by how many others give the same answer to the request (several
    independent programs that agree are more likely right); ties keep their order."""
    if len(cands) <= 1:
        return cands
    votes = Counter(repr(answer_key(c.value)) for c in cands)
    order = sorted(range(len(cands)), key=lambda i: (-votes[repr(answer_key(cands[i].value))], i))
    return [cands[i] for i in order]


def helpers(reply: CompileReply) -> tuple[tuple[str, str], ...]:
    """The helper modules a reply wrote (name, source): admitted to the cache's library
    before the family that imports them (:meth:`seglam.cache.Cache.admit`)."""
    return tuple((m.name, m.source) for m in reply.modules)
