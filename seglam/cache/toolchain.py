"""The cache's view of the language: compile, call under fuel, verify, diff.

The cache talks to the runtime only through this small protocol, so the engine and tests
can hand it another implementation, and the cache never reaches into runtime internals.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from typing import Any, Callable, Protocol

import msgspec

from seglam.cache.entry import Verification, now
from seglam.cache.errors import ToolchainUnavailable
from seglam.program import Program
from seglam.program import compile as compile_program
from seglam.run.limits import Limits
from seglam.run.result import RunResult


class CallOutcome(msgspec.Struct, frozen=True, gc=False):
    """A finished run: the value and, when the runtime reports it, the fuel it used. (A
    msgspec struct: one is built per hit, ten times cheaper than a frozen dataclass.)"""

    value: Any
    fuel_used: int | None = None


#: What a prepared call (:func:`caller`) returns: both have ``value`` and ``fuel_used``.
Outcome = CallOutcome | RunResult


class Toolchain(Protocol):
    """What the cache needs from the language. ``call`` raises ``seglam.Fault`` on a fault."""

    name: str

    def compile(self, source: str, filename: str) -> Any: ...

    def program_hash(self, program: Any) -> str: ...

    def call(self, program: Any, entry: str, kwargs: dict[str, Any], fuel: int | None) -> CallOutcome: ...

    def verify(self, program: Any, entries: tuple[str, ...] = (), seeds: dict[str, tuple[dict, ...]] | None = None) -> Verification: ...

    def diff(self, old: Any, new: Any) -> str | None: ...


def caller(toolchain: Toolchain, program: Any, entry: str, fuel: int | None) -> Callable[[dict[str, Any]], Outcome]:
    """``toolchain.call(program, entry, kwargs, fuel)`` as a function of ``kwargs``: the
    toolchain's own ``caller`` when it has one (it does once what every call repeats)."""
    make = getattr(toolchain, "caller", None)
    if make is not None:
        return make(program, entry, fuel)
    return lambda kwargs: toolchain.call(program, entry, kwargs, fuel)


class SeglamToolchain:
    """The real language: ``seglam.compile``, ``Program.call`` and ``seglam.verify``."""

    name = "seglam"

    def __init__(self, verify_options: dict[str, Any] | None = None) -> None:
        self.verify_options = dict(verify_options or {})
        self._limits: dict[tuple[int, int | None], Any] = {}  # (program limits id, fuel) -> Limits

    def compile(self, source: str, filename: str, modules: Any = None) -> Any:
        """``seglam.compile``; ``modules``: a finder of Seglam modules kept elsewhere (the
        cache's library, :class:`seglam.cache.modules.CacheFinder`)."""
        return compile_program(source, filename=filename, modules=modules)

    def program_hash(self, program: Any) -> str:
        return str(program.hash)

    def call(self, program: Any, entry: str, kwargs: dict[str, Any], fuel: int | None) -> CallOutcome:
        return self.caller(program, entry, fuel)(kwargs)

    def caller(self, program: Any, entry: str, fuel: int | None) -> Callable[[dict[str, Any]], Outcome]:
        """:meth:`call` of ``program``'s ``entry`` under ``fuel``, with what every such call
        repeats (the bound method, the limits with the fuel budget) worked out once: the
        cache keeps one per family (:class:`seglam.cache.serving.Runner`)."""
        run = getattr(program, "run", None)
        if run is None:
            return lambda kwargs: CallOutcome(program.call(entry, **kwargs))
        key = (id(getattr(program, "limits", None)), fuel)
        limits = self._limits.get(key)
        if limits is None:
            if len(self._limits) > 64:
                self._limits.clear()
            limits = self._limits[key] = _limits(program, fuel)
        if type(program) is Program:  # its RunResult reports the fuel used: the outcome as it is, no frame between
            return functools.partial(run, entry, (), limits=limits)

        def call(kwargs: dict[str, Any]) -> CallOutcome:
            result = run(entry, (), kwargs, limits=limits)
            return CallOutcome(result.value, getattr(result, "fuel_used", None))

        return call

    def verify(self, program: Any, entries: tuple[str, ...] = (), seeds: dict[str, tuple[dict, ...]] | None = None) -> Verification:
        """Verify ``program``; ``entries`` (the family's entry point) are fuzzed on their own
        inputs even when another function calls them (helpers are judged through callers);
        ``seeds`` (function -> keyword-argument dicts, such as the bindings of a request and
        its examples) are inputs known to be in the domain, where the aimed run starts."""
        verify = _verifier_function("verify")
        if verify is None:
            raise ToolchainUnavailable("seglam.verify is not available: nothing unverified is cached")
        options = dict(self.verify_options)
        options["entries"] = tuple(dict.fromkeys((*options.get("entries", ()), *entries)))
        if seeds:
            options["seeds"] = {**options.get("seeds", {}), **seeds}
        report = verify(program, **options)
        # Admission: nothing refuted, and every unknown or bounded verdict backed by targeted evidence.
        return Verification(ok=bool(report.admissible), tool="seglam.verify", summary=_summary(report), at=now())

    def diff(self, old: Any, new: Any) -> str | None:
        """``seglam diff``: Z3 where it decides, Hypothesis otherwise; None if unavailable."""
        fn = _verifier_function("diff")
        if fn is None:
            return None
        report = fn(old, new, **self.verify_options)  # the same budget settings as verify
        render = getattr(report, "render", None)
        return render() if callable(render) else _summary(report)


def _limits(program: Any, fuel: int | None) -> Any:
    """The program's limits with the gate's fuel budget."""
    base = getattr(program, "limits", None)
    if fuel is None:
        return base
    if base is not None and dataclasses.is_dataclass(base):
        return dataclasses.replace(base, fuel=fuel)
    return Limits(fuel=fuel)


def _verifier_function(name: str) -> Any:
    """``seglam.verifier.<name>`` (``verify``, ``diff``), imported when first needed (Z3 and
    Hypothesis are heavy); None when it is not available. A name that is a module stands
    for the function of the same name in it."""
    try:
        import seglam.verifier as verifier
    except ImportError:
        return None
    fn = getattr(verifier, name, None)
    return fn if fn is None or callable(fn) else getattr(fn, name, None)


SUMMARY_LIMIT = 20_000


def _summary(report: Any) -> str:
    """A report as text: its JSON form if it has one (kept valid JSON, see :func:`fit_json`),
    else its str()."""
    for attr in ("to_json", "as_json"):
        method = getattr(report, attr, None)
        if callable(method):
            try:
                return fit_json(method(), SUMMARY_LIMIT)
            except (TypeError, ValueError):
                break
    render = getattr(report, "render", None)
    text = render() if callable(render) else str(report)
    return text[:SUMMARY_LIMIT]


def fit_json(data: Any, limit: int) -> str:
    """A report's JSON within ``limit`` characters and still JSON: when it is too long,
    whole obligations are left out, those that passed first (refuted errors are kept
    longest), in report order, and ``omitted`` counts them."""
    text = json.dumps(data, default=str, sort_keys=True)
    obligations = data.get("obligations") if isinstance(data, dict) else None
    if len(text) <= limit or not isinstance(obligations, list):
        return text[:limit]
    sizes = [len(json.dumps(o, default=str, sort_keys=True)) + 2 for o in obligations]
    room = limit - len(json.dumps({**data, "obligations": [], "omitted": len(obligations)}, default=str)) - 16
    kept: set[int] = set()
    for i in sorted(range(len(obligations)), key=lambda i: (_rank(obligations[i]), i)):
        if sizes[i] <= room:
            kept.add(i)
            room -= sizes[i]
    trimmed = {**data, "obligations": [o for i, o in enumerate(obligations) if i in kept],
               "omitted": len(obligations) - len(kept)}
    return json.dumps(trimmed, default=str, sort_keys=True)[:limit]


#: The verdicts of an obligation left open (admitted only with evidence).
OPEN_VERDICTS = ("unknown", "proved for len <= K")


def _rank(obligation: Any) -> int:
    """Which obligations a trimmed summary keeps longest: those that block admission (refuted
    errors, and open ones without evidence), then the other open ones. Before, an open
    obligation without evidence ranked with those that had it and was cut, so a refusal
    reached the model with no failure in it (stand-in run 7)."""
    if not isinstance(obligation, dict) or obligation.get("severity") != "error":
        return 2
    verdict = str(obligation.get("verdict"))
    if verdict == "refuted" or verdict in OPEN_VERDICTS and obligation.get("evidence") is None:
        return 0
    return 1 if verdict in OPEN_VERDICTS else 2
