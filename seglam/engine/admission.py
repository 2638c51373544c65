"""Judging one compiled candidate before the cache sees it.

The checks, cheapest first, each producing failures as data (:mod:`seglam.engine.feedback`)
that go back to the model in the next repair round: the program checks; the entry point
fits (and, for a decorated function, has the stub's exact signature); a pattern matches the
originating request and binds arguments; on them the program returns the model's own
direct answer (two reasoning paths agree); the model's further examples agree too; the
patterns are specific and collide with no other family; the verifier passes.

Judging is not admitting: a :class:`Candidate`'s draft enters the cache only through
:meth:`Cache.admit` (a new family) or :meth:`Cache.replace` (the next version), both the one
admission path of :mod:`seglam.cache.admission`, which re-checks all of it (reusing this
verifier report) and re-checks clashes inside its write transaction, so nothing unverified
is ever cached. The rules both sides apply (holes, entry point, signature) are the cache's
(:mod:`seglam.cache.admit`, :mod:`seglam.cache.signature`)."""

from __future__ import annotations

import dataclasses
import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from seglam.cache.admit import FamilyDraft, check_holes
from seglam.cache.entry import Example, Provenance, Signature
from seglam.cache.errors import VERIFICATION_FAILED, AdmissionError, PatternError, ToolchainUnavailable
from seglam.cache.pattern import bind, most_specific, parse_pattern
from seglam.cache.gate import classify
from seglam.cache.trust import MAX_REFUSED
from seglam.cache.signature import leading_assert_lines, pick_entry, signature_of
from seglam.cache.values import encode_value, render_value
from seglam.syntax.diagnostics import CheckError
from seglam.engine.feedback import Failure, Feedback, Passed, check_failures, clip, failure, run_failure, verifier_feedback
from seglam.engine.schema import CompileReply
from seglam.run.faults import Fault

MAX_PROGRAM_CHARS = 60_000
#: A family whose originating request the model judged unanswerable stands on this many examples.
MIN_EXAMPLES_UNANSWERED = 2
#: Examples read from one reply: the 2 to 4 the rules ask for, and a widening's refused requests.
MAX_EXAMPLES = 4 + MAX_REFUSED


@dataclass(frozen=True)
class Request:
    """What is being compiled: free text, or a task with typed inputs (and, for a
    decorated function, the exact signature and entry name the program must have)."""

    text: str | None = None
    task: str | None = None
    inputs: Mapping[str, Any] | None = None
    signature: str | None = None
    entry: str | None = None
    frozen_examples: tuple[tuple[Mapping[str, Any], Any], ...] = ()
    replaces: str | None = None  # a quarantined family this compile must produce a new version of
    counterexamples: tuple[str, ...] = ()  # rendered, for the prompt
    current: str | None = None  # the program of the family being replaced, shown to the model
    context: tuple[str, ...] = ()  # what the engine tried before (a refused route, why it widens), for the prompt
    #: a widening's kept refusals of the family, (request, why), most recent first: the new version
    #: must answer each one its patterns match (given in "examples" with its answer)
    refused: tuple[tuple[str, str], ...] = ()
    #: a replacing compile's view of the family's stored requests, which the new version must
    #: still match and answer, and how many more are stored than shown
    kept: tuple[tuple[str, ...], int] = ((), 0)
    recorded_by: str | None = None  # the family whose refusal of this request is already recorded (counted once)

    @property
    def structured(self) -> bool:
        return self.task is not None

    @property
    def label(self) -> str:
        return self.text if self.text is not None else f"{self.task} {dict(self.inputs or {})!r}"


@dataclass(frozen=True)
class Candidate:
    """A candidate that passed every check: ready for :meth:`Cache.admit`."""

    draft: FamilyDraft
    value: Any  # the program's answer to the originating request
    reply: CompileReply
    example_values: tuple[Any, ...] = ()
    #: The model answered null: the request cannot be answered as asked (none of its options
    #: is right, it contradicts itself); the program refuses it and the family stands on its
    #: examples. The request itself stays unanswered.
    unanswerable: bool = False


@dataclass(frozen=True)
class Refusal:
    """A candidate that failed; ``feedback`` (the failed checks as data, and what passed)
    goes back to the model. ``declined``: the model said the request cannot be programmed
    (empty program)."""

    feedback: Feedback
    reply: CompileReply | None = None
    declined: bool = False

    @property
    def reasons(self) -> tuple[str, ...]:
        """The failures, one line each (for traces)."""
        return self.feedback.reasons


def refusal(kind: str, title: str, reply: CompileReply | None = None, passed: Passed = Passed(), **fields: Any) -> Refusal:
    """A refusal for one failed check."""
    return Refusal(Feedback((failure(kind, title, **fields),), passed), reply)


def frozen_asserts(entry: str, examples: Sequence[tuple[Mapping[str, Any], Any]]) -> list[str]:
    """The request's own examples as module-level asserts (they are re-appended every round,
    so a repair cannot weaken them)."""
    out = []
    for inputs, expected in examples:
        args = ", ".join(f"{k}={_literal(v)}" for k, v in inputs.items())
        out.append(f"assert {entry}({args}) == {_literal(expected)}")
    return out


#: The checks in the order they run; a refusal names the ones it did not reach.
STAGES = ("the program checks", "the request binds to the entry point", "the program agrees with your answer",
          "examples", "patterns are admissible", "the verifier")


def evaluate(
    reply: CompileReply,
    request: Request,
    toolchain: Any,
    *,
    fuel: int,
    check_pattern: Any = None,
    provenance: Provenance = Provenance(),
) -> Candidate | Refusal:
    """Run every engine-side admission check on one reply."""
    program = strip_fence(reply.program or "")
    if not program.strip():
        return Refusal(Feedback((failure("program", "the program is empty"),)), reply, declined=True)
    if len(program) > MAX_PROGRAM_CHARS:
        return refusal("program", f"the program is {len(program)} characters; keep it under {MAX_PROGRAM_CHARS}",
                       reply, _passed(0))
    try:
        compiled = toolchain.compile(program, "candidate.sgl")  # first, for the checker's diagnostics
        entry = request.entry or pick_entry(program, reply.entry)
        if request.entry and reply.entry and reply.entry != request.entry:
            raise AdmissionError([f"the entry point must be {request.entry!r}, not {reply.entry!r}"])
        source = _with_frozen(program, entry, request.frozen_examples)
        if source != program:
            compiled = toolchain.compile(source, "candidate.sgl")
        signature = signature_of(source, entry)
    except CheckError as err:
        return Refusal(Feedback(tuple(check_failures(err)), _passed(0)), reply)
    except AdmissionError as err:
        return Refusal(Feedback(tuple(failure("entry", r) for r in err.reasons), _passed(0)), reply)
    except ToolchainUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - a hostile program must end in a refusal
        return refusal("program", "the program could not be compiled", reply, _passed(0),
                       got=f"{type(err).__name__}: {err}")

    failures: list[Failure] = []
    if request.signature is not None and _sig_text(signature) != _norm_sig(request.signature):
        failures.append(failure("entry", "the entry point has another signature", expected=request.signature,
                                got=f"def {signature.render()}"))
    patterns, bindings, pattern_failures = _bind(reply, request, signature)
    failures += pattern_failures
    if failures or bindings is None:
        return Refusal(Feedback(tuple(failures), _passed(1)), reply)

    pre = leading_assert_lines(source, entry)
    value, fail = _run(toolchain, compiled, entry, bindings, fuel, pre, "on the request's inputs",
                       f"{render_answer(reply.answer)} (your direct answer)")
    unanswerable = reply.answer is None and request.text is not None
    if unanswerable and fail is not None and fail.kind == "domain":
        fail = None  # the model judged the request unanswerable as asked, and the program refuses it
    elif unanswerable and fail is None:
        fail = failure("answer", "your answer is null (the request cannot be answered as asked), yet the program "
                       "answers it: give your answer, or let the precondition refuse this request",
                       input=_show(bindings), expected="a refusal by the precondition", got=render_answer(value))
    if fail is None and not unanswerable and not agrees(value, reply.answer):
        fail = failure("answer", "the program and your direct answer disagree on the request; one of them is wrong",
                       input=_show(bindings), expected=f"{render_answer(reply.answer)} (your direct answer)",
                       got=f"{render_answer(value)} (the program)")
    if fail is not None:
        return Refusal(Feedback((fail,), _passed(2)), reply)

    samples: list[str] = [request.text] if request.text is not None and not unanswerable else []
    examples: list[Example] = []
    example_values = []
    seeds = [bindings]  # inputs in the entry's domain: the aimed run starts from them
    for i, ex in enumerate(reply.examples[:MAX_EXAMPLES]):
        ex_bind, ex_reason = _example_bindings(ex, patterns, request, signature)
        if ex_reason:
            kind = "example misses pattern" if ex.request is not None and not request.structured else "example"
            failures.append(failure(kind, f"example {i + 1}: {ex_reason}"))
            continue
        got, fail = _run(toolchain, compiled, entry, ex_bind, fuel, pre, f"on example {i + 1}",
                         f"{render_answer(ex.answer)} (the example's answer)")
        if fail is None and not agrees(got, ex.answer):
            fail = failure("example", f"example {i + 1}: the program disagrees with the example's answer",
                           input=_show(ex_bind), expected=render_answer(ex.answer), got=render_answer(got))
        if fail is not None:
            failures.append(fail)
            continue
        example_values.append(got)
        seeds.append(ex_bind)
        if ex.request is not None and not request.structured:
            samples.append(ex.request)
        else:
            examples.append(_example(ex_bind, got, ex.request))
    if request.structured:
        examples.insert(0, _example(bindings, value, None))
    if unanswerable and len(example_values) < MIN_EXAMPLES_UNANSWERED:
        failures.append(failure("example", f"your answer is null, so the family is admitted on its examples: give at "
                                f"least {MIN_EXAMPLES_UNANSWERED} that the program answers ({len(example_values)} did)"))
    # rule 4: a request the model judged unanswerable as asked stays refused (its program
    # refuses it, checked above), in a widening too
    handled = (*samples, *(ex.request or "" for ex in reply.examples), *((request.text or "",) if unanswerable else ()))
    failures += unanswered_refusals(request, patterns, handled)
    if check_pattern is not None and patterns:
        for text in patterns:
            failures += [failure("pattern refused", r) for r in check_pattern(text, tuple(samples))]  # named in r
    if failures:
        return Refusal(Feedback(tuple(dict.fromkeys(failures)), _passed(3, len(example_values), STAGES[-1:])), reply)

    passed = _passed(5 if patterns else 3, len(example_values), ())
    try:
        verification = toolchain.verify(compiled, entries=(entry,), seeds={entry: tuple(seeds)})
    except ToolchainUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - no verifier means nothing is cached
        return refusal("verifier", "the verifier could not run", reply, passed, got=f"{type(err).__name__}: {err}")
    if not verification.ok:
        return Refusal(verifier_feedback(verification.summary, passed), reply)

    draft = FamilyDraft(
        source=source,
        patterns=tuple(patterns),
        description=reply.description.strip()[:2000],
        entry=entry,
        tasks=(request.task,) if request.structured else (),
        samples=tuple(dict.fromkeys(samples)),
        examples=tuple(examples),
        request=None if unanswerable else request.text,
        expected=value,
        has_expected=request.text is not None and not unanswerable,
        provenance=provenance,
        verification=verification,
        filename=f"{entry}.sgl",
    )
    return Candidate(draft, value, reply, tuple(example_values), unanswerable=unanswerable)


def unanswered_refusals(request: Request, patterns: Sequence[str], answered: Sequence[str]) -> list[Failure]:
    """A widening's refused requests that a pattern of the new version matches (the version
    claims them) but that are not ``answered`` (the request, and the examples whose answers
    the program gave): each must be answered as the request is, so it must come as an
    example with its answer. A refused request no pattern matches is not claimed."""
    done = {a.strip() for a in answered}
    out = []
    for text, why in request.refused:
        if text.strip() in done:
            continue
        claimed = next((p for p in patterns if parse_pattern(p).match(text) is not None), None)
        if claimed is not None:
            out.append(failure("refusal", f"your pattern {clip(claimed, 120)!r} matches a request the family refused, "
                                          "so the new version must answer it: give it in \"examples\" with its answer "
                                          "(or narrow the pattern if it is of another kind)",
                               input=repr(clip(text, 300)), got=f"refused before: {clip(why, 200)}"))
    return out


def _passed(stages: int, examples: int = 0, not_run: tuple[str, ...] | None = None) -> Passed:
    """The first ``stages`` of :data:`STAGES` passed (examples are counted, not named); by
    default every stage after the failing one (``STAGES[stages]``) was not run."""
    done = tuple(s for s in STAGES[:stages] if s != "examples")
    return Passed(checks=done, examples=examples, not_run=STAGES[stages + 1:] if not_run is None else not_run)


def admission_feedback(reasons: Sequence[str]) -> Feedback:
    """The cache's refusal of a candidate that passed every engine-side check (its write
    transaction re-checks everything: a family admitted meanwhile may clash). A verifier
    report among them is read like the engine's own: its failed obligations, each whole,
    never the report's JSON cut in the middle."""
    failures: list[Failure] = []
    for reason in reasons:
        head, found, report = reason.partition(VERIFICATION_FAILED)
        if found and not head:
            failures += verifier_feedback(report).failures
        else:
            failures.append(failure("cache", reason))
    return Feedback(tuple(failures), _passed(len(STAGES), 0, ()))


def strip_fence(program: str) -> str:
    """A program the model wrapped in a Markdown code fence, unwrapped (a common habit)."""
    lines = program.strip("\n").splitlines()
    if len(lines) >= 2 and lines[0].lstrip().startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1]) + "\n"
    return program


def summarise_verification(summary: str, limit: int = 4000) -> str:
    """A verifier report as the model reads it: the failed obligations first, whole, within
    ``limit`` characters, then what passed (see :mod:`seglam.engine.feedback`)."""
    return verifier_feedback(summary).render(limit)


# -- pieces -----------------------------------------------------------------------------


def _with_frozen(program: str, entry: str, frozen: Sequence[tuple[Mapping[str, Any], Any]]) -> str:
    lines = frozen_asserts(entry, frozen)
    if not lines:
        return program
    return program.rstrip("\n") + "\n\n\n# Frozen examples that came with the request.\n" + "\n".join(lines) + "\n"


def _bind(
    reply: CompileReply, request: Request, signature: Signature
) -> tuple[list[str], dict[str, Any] | None, list[Failure]]:
    """(pattern texts, bindings of the originating request, failures)."""
    if request.structured:
        inputs = dict(request.inputs or {})
        names = [p.name for p in signature.params]
        missing = [p.name for p in signature.params if not p.default and p.name not in inputs]
        extra = [k for k in inputs if k not in names]
        if missing or extra:
            return [], None, [failure("entry", "the entry point must take exactly the request's inputs",
                                      expected=", ".join(inputs) or "(no inputs)", got=signature.render())]
        return [], inputs, []
    failures: list[Failure] = []
    texts: list[str] = []
    matches = []
    if not reply.patterns:
        return [], None, [failure("pattern misses request", "give at least one pattern that matches the request")]
    for text in reply.patterns[:8]:
        try:
            pat = parse_pattern(text)
        except PatternError as err:
            failures.append(failure("pattern", str(err), where=f"pattern {text!r}", code=err.code))
            continue
        hole_reasons = check_holes(pat, signature)
        if hole_reasons:
            failures += [failure("pattern", r) for r in hole_reasons]  # each names the pattern
            continue
        texts.append(pat.text)
        if (b := pat.match(request.text or "")) is not None:
            matches.append((pat, b))
    best = most_specific(matches)  # as a hit will bind the request
    bindings = None if best is None else best[1]
    if bindings is None and not failures:
        failures.append(failure("pattern misses request", "no pattern matches the whole request",
                                input=repr(request.text), got="; ".join(repr(t) for t in texts)))
    return texts, bindings, failures


def _example_bindings(
    ex: Any, patterns: list[str], request: Request, signature: Signature
) -> tuple[dict[str, Any], str | None]:
    if ex.request is not None and not request.structured:
        b = bind([parse_pattern(text) for text in patterns], ex.request)
        if b is not None:
            return b, None
        return {}, f"no pattern matches its request {clip(ex.request, 120)!r}"
    if ex.inputs is not None:
        try:
            return coerce_inputs(ex.inputs, signature), None
        except ValueError as err:
            return {}, str(err)
    return {}, "give either a request (free text) or inputs (structured)"


def _run(
    toolchain: Any, program: Any, entry: str, bindings: dict[str, Any], fuel: int, pre: frozenset[int],
    subject: str, want: str,
) -> tuple[Any, Failure | None]:
    """The entry point's value on ``bindings``, or the failure of the run (a fault triaged
    by the cache gate: ``domain``, ``ensures``, ``fault``; ``fuel`` when the budget ran out)."""
    try:
        return toolchain.call(program, entry, bindings, fuel).value, None
    except Fault as fault:
        failed = run_failure(classify(fault, pre), fault, _show(bindings), want)
        return None, dataclasses.replace(failed, title=f"{subject}: {failed.title}")
    except (TypeError, ValueError) as err:
        return None, failure("bind", f"{subject}: the inputs do not fit the entry point", input=_show(bindings),
                             got=str(err))
    except Exception as err:  # noqa: BLE001 - a runtime bug is a refusal, never a crash
        return None, failure("fault", f"{subject}: the run failed", input=_show(bindings), expected=want,
                             got=f"{type(err).__name__}: {err}")


def _example(inputs: Mapping[str, Any], expected: Any, request: str | None) -> Example:
    return Example(inputs={k: encode_value(v) for k, v in inputs.items()}, expected=encode_value(expected), request=request)


def coerce_inputs(values: Mapping[str, Any], signature: Signature) -> dict[str, Any]:
    """JSON values from the model -> host values of the parameters' types (Decimal and date
    from strings or numbers, tuples and sets from lists). ValueError says what is wrong."""
    out = {}
    names = {p.name for p in signature.params}
    for k in values:
        if k not in names:
            raise ValueError(f"{k!r} is not a parameter of {signature.render()}")
    for p in signature.params:
        if p.name not in values:
            if p.default:
                continue
            raise ValueError(f"parameter {p.name} of {signature.render()} is not bound")
        out[p.name] = coerce(values[p.name], p.type, p.name)
    return out


def coerce(value: Any, type_text: str, name: str = "value") -> Any:
    t = type_text.replace(" ", "")
    options = t.split("|")
    if value is None and "None" in options:
        return None
    head = options[0].split("[", 1)[0]
    try:
        if head == "Decimal" and isinstance(value, (str, int, float)) and not isinstance(value, bool):
            return Decimal(str(value))
        if head == "date" and isinstance(value, str):
            return datetime.date.fromisoformat(value)
        if head == "tuple" and isinstance(value, list):
            return tuple(value)
        if head == "set" and isinstance(value, list):
            return set(value)
    except (InvalidOperation, ValueError) as err:
        raise ValueError(f"parameter {name}: {value!r} is not a {type_text} ({err})") from None
    simple = {"int": int, "str": str, "bool": bool, "float": float, "list": list, "dict": dict}
    want = simple.get(head)
    if want is not None and len(options) == 1:
        # an int is a float's value as it is (SPEC section 3), as CPython and Program.call take it
        ok = (isinstance(value, want) or (want is float and isinstance(value, int))) \
            and not (want in (int, float) and isinstance(value, bool))
        if not ok:
            raise ValueError(f"parameter {name}: {value!r} is not a {type_text}")
    return value


# -- agreement --------------------------------------------------------------------------


def agrees(value: Any, answer: Any) -> bool:
    """Whether the program's value and the model's JSON answer say the same thing: equal
    after JSON normalisation (tuples/sets as lists, numbers by value, enums by name,
    records as dicts), and a scalar equals its own spelling ("7" vs 7, "True" vs True)."""
    try:
        if isinstance(value, (set, frozenset)) and isinstance(answer, list):  # JSON has no sets
            return answer_key(value) == ("l", tuple(sorted((answer_key(x) for x in answer), key=repr)))
        return answer_key(value) == answer_key(answer) or _scalar_text(value) == _scalar_text(answer) is not None
    except RecursionError:
        return False


def answer_key(v: Any) -> Any:
    """A comparable form of an answer value: numbers by value, sets and dicts by content,
    records by their fields (two answers agree when their keys are equal)."""
    if isinstance(v, bool) or v is None:
        return ("b", v)
    if isinstance(v, (int, float, Decimal)):
        try:
            return ("n", Decimal(str(v)).normalize())
        except InvalidOperation:
            return ("f", repr(v))
    if isinstance(v, str):
        return ("s", v.strip())
    if isinstance(v, enum.Enum):
        return ("s", v.name)
    if isinstance(v, datetime.date):
        return ("s", v.isoformat())
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return answer_key({f.name: getattr(v, f.name) for f in dataclasses.fields(v)})
    if isinstance(v, (list, tuple)):
        return ("l", tuple(answer_key(x) for x in v))
    if isinstance(v, (set, frozenset)):
        return ("l", tuple(sorted((answer_key(x) for x in v), key=repr)))
    if isinstance(v, dict):
        return ("d", tuple(sorted(((repr(answer_key(k)), answer_key(x)) for k, x in v.items()))))
    return ("?", repr(v))


def _scalar_text(v: Any) -> str | None:
    if isinstance(v, (bool, int, float, Decimal, str)):
        return str(v).strip()
    if isinstance(v, enum.Enum):
        return v.name
    return None


# -- small helpers ----------------------------------------------------------------------


def _sig_text(sig: Signature) -> str:
    return _norm_sig(sig.render())


def _norm_sig(text: str) -> str:
    text = text.strip()
    if text.startswith("def "):
        text = text[4:]
    return "".join(text.rstrip(":").split())


def _literal(value: Any) -> str:
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(_literal(v) for v in sorted(value, key=repr)) + "}" if value else "set()"
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(_literal(v) for v in value)
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_literal(k)}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (bool, int, float, str)) or value is None:
        return repr(value)
    return render_value(value)


def render_answer(value: Any, limit: int = 300) -> str:
    """An answer value as the prompts and traces show it, clipped to ``limit`` characters."""
    try:
        return clip(render_value(value), limit)
    except (RecursionError, ValueError):
        return "<a value too deeply nested to show>"


def _show(bindings: Mapping[str, Any]) -> str:
    return clip(", ".join(f"{k}={render_answer(v)}" for k, v in bindings.items()), 300)

