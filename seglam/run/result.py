"""The result of one run, made by either backend and returned through :class:`seglam.Program`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RunResult:
    """What one run produced: the value (as a host Python value) and the fuel it used."""

    value: Any
    fuel_used: int
