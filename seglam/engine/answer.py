"""What ``Engine.solve`` returns: the value, the tier and a trace that says why."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from seglam.cache.values import encode_value
from seglam.engine.client import Usage

TIERS = ("hit", "routed", "compiled", "disputed", "uncached", "unsolved", "deadline")
#: How far a program's answer was trusted (``EngineTrace.trust``): ``trusted`` (the family
#: earned it), ``probation`` / ``novel`` / ``disputed`` (checked against a direct answer,
#: :mod:`seglam.engine.trust`), ``unchecked`` (no model to check it with).
TRUST = ("trusted", "probation", "novel", "disputed", "unchecked")


@dataclass(frozen=True)
class EngineTrace:
    """Why an answer came out as it did ("why did this hit?").

    ``gate`` is the cache's own trace of the run (entry, version, program hash, pattern,
    bindings, fuel, lookup/run times) when a program answered. ``reasons`` lists every
    refusal on the way (gate misses, refused candidates, endpoint failures)."""

    entry_id: str | None = None
    version: int | None = None
    pattern: str | None = None
    bindings: dict[str, str] = field(default_factory=dict)
    fuel_used: int | None = None
    seconds: float = 0.0
    rounds: int = 0
    candidates: int = 0
    usage: Usage = Usage()
    reasons: tuple[str, ...] = ()
    gate: dict[str, Any] | None = None
    message: str = ""
    trust: str | None = None  # one of TRUST when a program answered
    shadow: dict[str, Any] | None = None  # the check: program and direct answers, agreed, dispute, verdict
    request: str | None = None  # the request (or task and inputs), for feedback
    inputs: dict[str, Any] = field(default_factory=dict)  # the bound inputs (host values), for feedback

    def to_json(self) -> dict[str, Any]:
        return {
            "entry_id": self.entry_id,
            "version": self.version,
            "pattern": self.pattern,
            "bindings": dict(self.bindings),
            "fuel_used": self.fuel_used,
            "seconds": round(self.seconds, 6),
            "rounds": self.rounds,
            "candidates": self.candidates,
            "usage": self.usage.to_json(),
            "reasons": list(self.reasons),
            "gate": self.gate,
            "message": self.message,
            "trust": self.trust,
            "shadow": self.shadow,
        }


@dataclass(frozen=True)
class Answer:
    """``value`` (None when unsolved), ``tier`` (one of :data:`TIERS`) and the ``trace``.
    ``disputed``: a program and a direct answer disagreed (:mod:`seglam.engine.trust`); the
    value is the settled one (else the direct answer) and neither is cached as right."""

    value: Any
    tier: str
    trace: EngineTrace = EngineTrace()

    @property
    def solved(self) -> bool:
        return self.tier not in ("unsolved", "deadline")

    @property
    def cached(self) -> bool:
        """Whether a verified program produced the value."""
        return self.tier in ("hit", "routed", "compiled")

    def to_json(self) -> dict[str, Any]:
        try:
            value = encode_value(self.value)
        except TypeError:
            value = repr(self.value)
        return {"value": value, "tier": self.tier, "trace": self.trace.to_json()}
