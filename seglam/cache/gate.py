"""The hit gate: a matched family answers only if the bound inputs satisfy its
precondition, the run finishes under fuel, and the postcondition holds. Anything else is
a miss plus a counterexample, never a wrong answer."""

from __future__ import annotations

import time
from typing import Any, Callable

import msgspec

from seglam.cache.entry import Counterexample, Entry, now
from seglam.cache.toolchain import Outcome, Toolchain, caller
from seglam.cache.values import encode_value, render_value
from seglam.run.faults import Fault

DEFAULT_FUEL = 10_000_000


class Trace(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """Why a request hit (or why the gate refused): enough to replay and audit it.
    (msgspec structs, not dataclasses, on the hit path: ten times cheaper to build.)"""

    entry_id: str
    version: int
    program_hash: str
    pattern: str | None  # None for a structured request
    bindings: dict[str, str]  # parameter -> rendered value
    fuel_limit: int | None
    fuel_used: int | None = None
    lookup_ns: int = 0
    run_ns: int = 0
    ambiguous: tuple[str, ...] = ()  # other families whose patterns also matched
    outcome: str = "hit"  # hit | domain | fault | ensures | bind

    def to_json(self) -> dict[str, Any]:
        return msgspec.to_builtins(self)


class Served(msgspec.Struct, gc=False):
    """A gated answer: ``value`` and its :attr:`trace`. A hit's trace is built when first
    read, so a caller that wants only the value does not pay for it; it is the same trace
    either way (the run does not change the bindings: the gate's counterexamples rely on
    that too, and Seglam's boundary copies what it binds). ``Served(value, trace)`` for a
    trace built already; ``parts``: the hit served, the fuel limit, run_ns and the fuel used,
    from which :func:`trace_of` builds it."""

    value: Any
    built: Trace | None = None
    parts: tuple[Any, int, int, int | None] | None = None

    @property
    def trace(self) -> Trace:
        trace = self.built
        if trace is None:
            hit, fuel_limit, run_ns, fuel_used = self.parts
            trace = self.built = trace_of(hit, fuel_limit, "hit", run_ns, fuel_used)
        return trace

    def __eq__(self, other: object) -> bool:  # the answer and its trace, however it was made
        return type(other) is Served and (self.value, self.trace) == (other.value, other.trace)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Served(value={self.value!r}, trace={self.trace!r})"


class GateResult(msgspec.Struct, frozen=True, gc=False):
    """What one gated run produced: ``value`` when ``counterexample`` is None."""

    value: Any
    counterexample: Counterexample | None
    outcome: str
    run_ns: int
    fuel_used: int | None = None


def classify(fault: Fault, precondition_lines: frozenset[int]) -> str:
    """``domain`` for a failed precondition of the entry function (``@requires`` or a leading
    assert), ``ensures`` for a failed postcondition, ``fault`` for anything else: a helper's
    precondition failing under the entry point is a bug of the program, not of the input
    (helpers are judged through their callers, docs/verify.md)."""
    if fault.code == "F-REQUIRES":
        return "domain" if not fault.trace or len(fault.trace) <= 1 else "fault"
    if fault.code == "F-ASSERT" and fault.span is not None and fault.span.line in precondition_lines:
        # only a fault raised in the entry function itself; a callee's assert is a bug
        if not fault.trace or len(fault.trace) <= 1:
            return "domain"
    if fault.code == "F-ENSURES":
        return "ensures"
    return "fault"


def run_gated(
    toolchain: Toolchain,
    program: Any,
    entry: Entry,
    bindings: dict[str, Any],
    *,
    fuel: int | None,
    precondition_lines: frozenset[int],
    request: str | None = None,
) -> GateResult:
    """Call the entry point on ``bindings`` under the runtime's contract checks and fuel."""
    return gated(caller(toolchain, program, entry.signature.entry, fuel), entry, bindings, precondition_lines, request)


def gated(call: Callable[[dict[str, Any]], Outcome], entry: Entry, bindings: dict[str, Any],
          precondition_lines: frozenset[int], request: str | None) -> GateResult:
    """:func:`run_gated` with the call prepared (:func:`seglam.cache.toolchain.caller`): the
    hit path keeps one per family."""
    start = time.perf_counter_ns()
    try:
        out = call(bindings)
    except Fault as fault:
        kind = classify(fault, precondition_lines)
        return _refused(entry, bindings, kind, fault.code, fault.message + where(fault, entry), request, start)
    except (TypeError, ValueError) as err:  # an input the boundary conversion refused
        return _refused(entry, bindings, "bind", None, f"{type(err).__name__}: {err}", request, start)
    except Exception as err:  # noqa: BLE001 - a runtime bug must never become an answer
        return _refused(entry, bindings, "fault", None, f"internal {type(err).__name__}: {err}", request, start)
    return GateResult(out.value, None, "hit", time.perf_counter_ns() - start, out.fuel_used)


def where(fault: Fault, entry: Entry, limit: int = 160) -> str:
    """`` at line N: <that line of the program>`` for a fault located in the family's own
    source (compiled as ``<id>.sgl``), so a refusal names the condition that refused: the
    widening and repair prompts and ``seglam cache why`` show it; `` at FILE:N`` for one
    inside an imported module."""
    span = fault.span
    if span is None or span.line < 1:
        return ""
    lines = entry.source.splitlines()
    if fault.filename not in ("<input>", f"{entry.id}.sgl") or span.line > len(lines):
        return f" at {fault.filename}:{span.line}"
    text = lines[span.line - 1].strip()
    return f" at line {span.line}: {text if len(text) <= limit else text[: limit - 3] + '...'}"


def _refused(
    entry: Entry,
    bindings: dict[str, Any],
    kind: str,
    code: str | None,
    message: str,
    request: str | None,
    start: int,
) -> GateResult:
    cx = Counterexample(
        kind=kind,
        inputs={k: _safe_encode(v) for k, v in bindings.items()},
        fault=code,
        message=message[:2000],
        request=request[:20000] if request else None,
        version=entry.version,
        at=now(),
    )
    return GateResult(None, cx, kind, time.perf_counter_ns() - start)


def _safe_encode(value: Any) -> Any:
    try:
        return encode_value(value)
    except TypeError:
        return render_value(value)


def render_bindings(bindings: dict[str, Any], limit: int = 200) -> dict[str, str]:
    """Short renderings of bound values, for traces."""
    out = {}
    for k, v in bindings.items():
        text = repr(v) if type(v) is str else render_value(v)  # text: render_value's repr, without the call
        out[k] = text if len(text) <= limit else text[: limit - 3] + "..."
    return out


def trace_of(hit: Any, fuel_limit: int, outcome: str, run_ns: int = 0, fuel_used: int | None = None) -> Trace:
    """The trace of serving ``hit`` (a :class:`seglam.cache.lookup.Hit`)."""
    entry = hit.entry
    return Trace(entry_id=entry.id, version=entry.version, program_hash=entry.program_hash, pattern=hit.pattern,
                 bindings=render_bindings(hit.bindings), fuel_limit=fuel_limit, fuel_used=fuel_used,
                 lookup_ns=hit.lookup_ns, run_ns=run_ns, ambiguous=hit.ambiguous, outcome=outcome)
