"""What model calls cost: a price table, per model, per million tokens.

A price has three parts, as providers bill them: prompt tokens, prompt tokens the provider
served from its prompt cache (``usage.prompt_tokens_details.cached_tokens``, billed at a
discount), and completion tokens. Cost is in whatever unit the table is written in.

The default is a documented ratio, not any provider's price list: 1 unit per million
prompt tokens, 0.25 per million cached prompt tokens, 4 per million completion tokens
(:data:`DEFAULT_PRICE`). Set real prices with the ``prices`` setting (``SEGLAM_PRICES``):
an inline table ``"model=in/cached/out; other=in/cached/out; *=in/cached/out"`` or the path
of a TOML/JSON file ``{"model": {"input": 2.0, "cached_input": 0.5, "output": 8.0}}``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

PER = 1_000_000


class PriceError(ValueError):
    """A price table is malformed (the message names the entry)."""


@dataclass(frozen=True)
class Price:
    """Prices per million tokens: ``input`` (not from the provider's cache), ``cached``
    (prompt tokens served from it), ``output`` (completion tokens)."""

    input: float
    cached: float
    output: float

    def cost(self, tokens_in: int, tokens_cached: int, tokens_out: int) -> float:
        """``tokens_cached`` is the part of ``tokens_in`` served from the provider's cache."""
        cached = max(0, min(tokens_cached, tokens_in))
        return ((tokens_in - cached) * self.input + cached * self.cached + tokens_out * self.output) / PER

    def to_json(self) -> dict[str, float]:
        return {"input": self.input, "cached_input": self.cached, "output": self.output}


#: The documented default ratio, input : cached input : output = 1 : 0.25 : 4.
DEFAULT_PRICE = Price(1.0, 0.25, 4.0)


@dataclass(frozen=True)
class PriceTable:
    """Prices by model name; ``default`` for any model not listed (``*`` in a table)."""

    prices: Mapping[str, Price] = field(default_factory=dict)
    default: Price = DEFAULT_PRICE

    def for_model(self, model: str | None) -> Price:
        return self.prices.get(model or "", self.default)

    def to_json(self) -> dict[str, Any]:
        return {"*": self.default.to_json(), **{m: p.to_json() for m, p in self.prices.items()}}


def parse_prices(spec: str | None) -> PriceTable:
    """A table from an inline spec or a file path (see the module docstring); empty: the default."""
    if spec is None or not spec.strip():
        return PriceTable()
    text = spec.strip()
    if "=" not in text and (text.endswith((".toml", ".json")) or Path(text).expanduser().is_file()):
        return _from_mapping(_read(Path(text).expanduser()), text)
    rows: dict[str, Price] = {}
    for part in (p.strip() for p in text.split(";")):
        if not part:
            continue
        model, sep, numbers = part.partition("=")
        if not sep or not model.strip():
            raise PriceError(f"prices: {part!r} is not model=input/cached/output")
        rows[model.strip()] = _price(numbers.split("/"), part)
    return _table(rows)


def _read(path: Path) -> Mapping[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
        if path.suffix == ".json":
            data = json.loads(raw)
        else:
            import tomllib

            data = tomllib.loads(raw)
    except (OSError, UnicodeDecodeError, ValueError, ImportError) as err:
        raise PriceError(f"prices: cannot read {path}: {err}") from None
    if not isinstance(data, dict):
        raise PriceError(f"prices: {path} must hold a table of models")
    return data.get("prices", data)


def _from_mapping(data: Mapping[str, Any], where: str) -> PriceTable:
    rows: dict[str, Price] = {}
    for model, row in data.items():
        if not isinstance(row, dict):
            raise PriceError(f"prices: {where}: {model!r} must be a table of input/cached_input/output")
        unknown = set(row) - {"input", "cached_input", "output"}
        if unknown:
            raise PriceError(f"prices: {where}: {model!r} has unknown key(s) {', '.join(sorted(unknown))}")
        rows[str(model)] = _price([row.get("input"), row.get("cached_input", row.get("input")), row.get("output")],
                                  f"{where}: {model}")
    return _table(rows)


def _price(numbers: list[Any], where: str) -> Price:
    if len(numbers) != 3:
        raise PriceError(f"prices: {where!r}: give three numbers, input/cached/output per million tokens")
    try:
        values = [float(n) for n in numbers]
    except (TypeError, ValueError):
        raise PriceError(f"prices: {where!r}: not numbers") from None
    if any(not v >= 0 for v in values) or any(v == float("inf") for v in values):
        raise PriceError(f"prices: {where!r}: prices must be finite and 0 or more")
    return Price(*values)


def _table(rows: dict[str, Price]) -> PriceTable:
    default = rows.pop("*", DEFAULT_PRICE)
    return PriceTable(rows, default)
