"""Judging one compiled candidate before the cache sees it.

The checks, cheapest first, each producing reasons that go back to the model verbatim in
the next repair round: the program checks; the entry point fits (and, for a decorated
function, has the stub's exact signature); a pattern matches the originating request and
binds arguments; on them the program returns the model's own direct answer (two
reasoning paths agree); the model's further examples agree too; the patterns are
specific and collide with no other family; the verifier passes. :meth:`Cache.admit` then
re-checks all of it inside its write transaction, so nothing unverified is ever cached.
"""

from __future__ import annotations

import dataclasses
import datetime
import enum
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Sequence

from seglam.cache.admit import FamilyDraft, check_holes
from seglam.cache.entry import Example, Provenance, Signature
from seglam.cache.errors import AdmissionError, PatternError, ToolchainUnavailable
from seglam.cache.pattern import parse_pattern
from seglam.cache.signature import pick_entry, signature_of
from seglam.cache.values import encode_value, render_value
from seglam.check.diagnostics import CheckError
from seglam.engine.schema import CompileReply
from seglam.run.faults import Fault

MAX_PROGRAM_CHARS = 60_000
MAX_REASONS = 12


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


@dataclass(frozen=True)
class Refusal:
    """A candidate that failed; ``reasons`` go back to the model. ``declined``: the model
    said the request cannot be programmed (empty program)."""

    reasons: tuple[str, ...]
    reply: CompileReply | None = None
    declined: bool = False


def frozen_asserts(entry: str, examples: Sequence[tuple[Mapping[str, Any], Any]]) -> list[str]:
    """The request's own examples as module-level asserts (they are re-appended every round,
    so a repair cannot weaken them)."""
    out = []
    for inputs, expected in examples:
        args = ", ".join(f"{k}={_literal(v)}" for k, v in inputs.items())
        out.append(f"assert {entry}({args}) == {_literal(expected)}")
    return out


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
        return Refusal(("the program is empty",), reply, declined=True)
    if len(program) > MAX_PROGRAM_CHARS:
        return Refusal((f"the program is {len(program)} characters; keep it under {MAX_PROGRAM_CHARS}",), reply)
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
        return Refusal((f"the program does not check:\n{_clip(err.render(), 4000)}",), reply)
    except AdmissionError as err:
        return Refusal(err.reasons, reply)
    except ToolchainUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - a hostile program must end in a refusal
        return Refusal((f"the program could not be compiled: {type(err).__name__}: {_clip(str(err), 500)}",), reply)

    reasons: list[str] = []
    if request.signature is not None and _sig_text(signature) != _norm_sig(request.signature):
        reasons.append(f"the entry point must be exactly `{request.signature}`, not `{_sig_text(signature)}`")
    patterns, bindings, pattern_reasons = _bind(reply, request, signature)
    reasons += pattern_reasons
    if reasons or bindings is None:
        return Refusal(tuple(reasons[:MAX_REASONS]), reply)

    value, why = _run(toolchain, compiled, entry, bindings, fuel)
    if why is not None:
        return Refusal((f"on the request's inputs {_show(bindings)} {why}",), reply)
    if not agrees(value, reply.answer):
        return Refusal(
            (
                f"the program returns {_render(value)} on the request's inputs {_show(bindings)}, but your "
                f"direct answer is {_render(reply.answer)}; one of them is wrong",
            ),
            reply,
        )

    samples: list[str] = [request.text] if request.text is not None else []
    examples: list[Example] = []
    example_values = []
    for i, ex in enumerate(reply.examples[:8]):
        ex_bind, ex_reason = _example_bindings(ex, patterns, request, signature)
        if ex_reason:
            reasons.append(f"example {i + 1}: {ex_reason}")
            continue
        got, why = _run(toolchain, compiled, entry, ex_bind, fuel)
        if why is not None:
            reasons.append(f"example {i + 1}: on inputs {_show(ex_bind)} {why}")
        elif not agrees(got, ex.answer):
            reasons.append(
                f"example {i + 1}: the program returns {_render(got)} on {_show(ex_bind)}, "
                f"the example says {_render(ex.answer)}"
            )
        else:
            example_values.append(got)
            if ex.request is not None and not request.structured:
                samples.append(ex.request)
            else:
                examples.append(_example(ex_bind, got, ex.request))
    if request.structured:
        examples.insert(0, _example(bindings, value, None))
    if check_pattern is not None and patterns:
        for text in patterns:
            reasons += check_pattern(text, tuple(samples))
    if reasons:
        return Refusal(tuple(dict.fromkeys(reasons))[:MAX_REASONS], reply)

    try:
        verification = toolchain.verify(compiled)
    except ToolchainUnavailable:
        raise
    except Exception as err:  # noqa: BLE001 - no verifier means nothing is cached
        return Refusal((f"the verifier could not run: {type(err).__name__}: {_clip(str(err), 500)}",), reply)
    if not verification.ok:
        return Refusal((f"the verifier refused the program:\n{summarise_verification(verification.summary)}",), reply)

    draft = FamilyDraft(
        source=source,
        patterns=tuple(patterns),
        description=reply.description.strip()[:2000],
        entry=entry,
        tasks=(request.task,) if request.structured else (),
        samples=tuple(dict.fromkeys(samples)),
        examples=tuple(examples),
        request=request.text,
        expected=value,
        has_expected=request.text is not None,
        provenance=provenance,
        verification=verification,
        filename=f"{entry}.sgl",
    )
    return Candidate(draft, value, reply, tuple(example_values))


def strip_fence(program: str) -> str:
    """A program the model wrapped in a Markdown code fence, unwrapped (a common habit)."""
    lines = program.strip("\n").splitlines()
    if len(lines) >= 2 and lines[0].lstrip().startswith("```") and lines[-1].strip() == "```":
        return "\n".join(lines[1:-1]) + "\n"
    return program


def summarise_verification(summary: str, limit: int = 4000) -> str:
    """The failing obligations of a verifier report, one line each (refuted errors first,
    then the rest that failed), instead of the whole JSON report."""
    import json

    try:
        data = json.loads(summary)
    except (TypeError, ValueError, RecursionError):
        return _clip(str(summary), limit)
    if not isinstance(data, dict) or not isinstance(data.get("obligations"), list):
        return _clip(str(summary), limit)
    lines = []
    if data.get("error"):
        lines.append(f"error: {data['error']}")
    bad = [o for o in data["obligations"] if isinstance(o, dict) and o.get("verdict") == "refuted"]
    bad.sort(key=lambda o: o.get("severity") != "error")
    for o in bad:
        span = o.get("span") or {}
        where = f"line {span.get('line')}: " if span.get("line") else ""
        text = f"- {where}{o.get('function', '?')}: {o.get('title', o.get('kind', '?'))}: {o.get('verdict')}"
        if o.get("reason"):
            text += f" ({o['reason']})"
        if o.get("counterexample"):
            text += f"; counterexample {o['counterexample']}"
        if o.get("expected") is not None or o.get("actual") is not None:
            text += f"; expected {o.get('expected')}, actual {o.get('actual')}"
        lines.append(text)
    if not lines:
        unknown = [o for o in data["obligations"] if isinstance(o, dict) and o.get("verdict") == "unknown"
                   and o.get("severity") == "error"]
        lines += [f"- {o.get('function', '?')}: {o.get('title', '?')}: unknown ({o.get('reason', '')})" for o in unknown[:8]]
    return _clip("\n".join(lines) or str(summary), limit)


# -- pieces -----------------------------------------------------------------------------


def _with_frozen(program: str, entry: str, frozen: Sequence[tuple[Mapping[str, Any], Any]]) -> str:
    lines = frozen_asserts(entry, frozen)
    if not lines:
        return program
    return program.rstrip("\n") + "\n\n\n# Frozen examples that came with the request.\n" + "\n".join(lines) + "\n"


def _bind(
    reply: CompileReply, request: Request, signature: Signature
) -> tuple[list[str], dict[str, Any] | None, list[str]]:
    """(pattern texts, bindings of the originating request, reasons)."""
    if request.structured:
        inputs = dict(request.inputs or {})
        names = [p.name for p in signature.params]
        missing = [p.name for p in signature.params if not p.default and p.name not in inputs]
        extra = [k for k in inputs if k not in names]
        reasons = []
        if missing or extra:
            reasons.append(
                f"the entry point {signature.render()} must take exactly the inputs {', '.join(inputs) or '(none)'}"
            )
        return [], (inputs if not reasons else None), reasons
    reasons: list[str] = []
    texts: list[str] = []
    bindings = None
    if not reply.patterns:
        return [], None, ["give at least one pattern that matches the request"]
    for text in reply.patterns[:8]:
        try:
            pat = parse_pattern(text)
        except PatternError as err:
            reasons.append(f"pattern {text!r}: {err.code}: {err}")
            continue
        hole_reasons = check_holes(pat, signature)
        if hole_reasons:
            reasons += hole_reasons
            continue
        texts.append(pat.text)
        if bindings is None:
            bindings = pat.match(request.text or "")
    if bindings is None and not reasons:
        reasons.append(
            "no pattern matches the whole request (patterns are anchored at both ends; the fixed wording must be "
            "spelled as in the request): " + "; ".join(repr(t) for t in texts)
        )
    return texts, bindings, reasons


def _example_bindings(
    ex: Any, patterns: list[str], request: Request, signature: Signature
) -> tuple[dict[str, Any], str | None]:
    if ex.request is not None and not request.structured:
        for text in patterns:
            b = parse_pattern(text).match(ex.request)
            if b is not None:
                return b, None
        return {}, f"no pattern matches its request {_clip(ex.request, 120)!r}"
    if ex.inputs is not None:
        try:
            return coerce_inputs(ex.inputs, signature), None
        except ValueError as err:
            return {}, str(err)
    return {}, "give either a request (free text) or inputs (structured)"


def _run(toolchain: Any, program: Any, entry: str, bindings: dict[str, Any], fuel: int) -> tuple[Any, str | None]:
    try:
        return toolchain.call(program, entry, bindings, fuel).value, None
    except Fault as fault:
        return None, f"the program faults: {fault.code}: {_clip(fault.message, 400)}"
    except (TypeError, ValueError) as err:
        return None, f"the inputs do not fit the entry point: {_clip(str(err), 400)}"
    except Exception as err:  # noqa: BLE001 - a runtime bug is a refusal, never a crash
        return None, f"the run failed: {type(err).__name__}: {_clip(str(err), 400)}"


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
        if head == "float" and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if head == "tuple" and isinstance(value, list):
            return tuple(value)
        if head == "set" and isinstance(value, list):
            return set(value)
    except (InvalidOperation, ValueError) as err:
        raise ValueError(f"parameter {name}: {value!r} is not a {type_text} ({err})") from None
    simple = {"int": int, "str": str, "bool": bool, "float": float, "list": list, "dict": dict}
    want = simple.get(head)
    if want is not None and len(options) == 1:
        ok = isinstance(value, want) and not (want is int and isinstance(value, bool))
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
            return _norm(value) == ("l", tuple(sorted((_norm(x) for x in answer), key=repr)))
        return _norm(value) == _norm(answer) or _scalar_text(value) == _scalar_text(answer) is not None
    except RecursionError:
        return False


def _norm(v: Any) -> Any:
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
        return _norm({f.name: getattr(v, f.name) for f in dataclasses.fields(v)})
    if isinstance(v, (list, tuple)):
        return ("l", tuple(_norm(x) for x in v))
    if isinstance(v, (set, frozenset)):
        return ("l", tuple(sorted((_norm(x) for x in v), key=repr)))
    if isinstance(v, dict):
        return ("d", tuple(sorted(((repr(_norm(k)), _norm(x)) for k, x in v.items()))))
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


def _render(value: Any, limit: int = 300) -> str:
    try:
        return _clip(render_value(value), limit)
    except (RecursionError, ValueError):
        return "<a value too deeply nested to show>"


def _show(bindings: Mapping[str, Any]) -> str:
    return _clip(", ".join(f"{k}={_render(v)}" for k, v in bindings.items()), 300)


def _clip(text: str, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."
