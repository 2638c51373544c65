"""Compiler (LLM) configuration: defaults, then a config file, then the environment.

The file is TOML (``$SEGLAM_CONFIG``, else ``~/.config/seglam/config.toml``) with a
``[compiler]`` table; the environment wins over the file so one shell can override a
shared file. Keys and their variables:

=================  ==========================  =======================================
key                environment                 meaning
=================  ==========================  =======================================
model              SEGLAM_MODEL                model name; unset means "no compiler"
base_url           SEGLAM_BASE_URL             OpenAI-compatible endpoint (…/v1)
api_key            SEGLAM_API_KEY              key (else OPENAI_API_KEY; local servers
                                               accept any)
temperature        SEGLAM_TEMPERATURE          sampling temperature
candidates         SEGLAM_CANDIDATES           programs per compile, chosen by agreement
repair_rounds      SEGLAM_REPAIR_ROUNDS        repairs fed with diagnostics
prices             SEGLAM_PRICES               price table per million tokens, by model
                                               (see :mod:`seglam.engine.prices`; unset:
                                               the default ratio 1 : 0.25 : 4)
price_in           SEGLAM_PRICE_IN             price per input token; with price_out,
                                               overrides the table for this model
price_cached       SEGLAM_PRICE_CACHED         price per provider-cached input token
                                               (0: price_in x the default ratio 0.25)
price_out          SEGLAM_PRICE_OUT            price per output token
timeout            SEGLAM_TIMEOUT              seconds per HTTP request
max_retries        SEGLAM_MAX_RETRIES          retries on 429/5xx/timeouts/bad bodies
backoff            SEGLAM_BACKOFF              first backoff delay in seconds (doubles)
max_tokens         SEGLAM_MAX_TOKENS           completion token cap per call
route              SEGLAM_ROUTE                offer nearest families before compiling
direct_fallback    SEGLAM_DIRECT_FALLBACK      answer unsolved requests directly, flagged
                                               ``uncached``
probation          SEGLAM_PROBATION            requests per family version also checked
                                               by a direct call (0: none)
novelty            SEGLAM_NOVELTY              check hits whose inputs leave what the
                                               family was verified and observed on
dispute_limit      SEGLAM_DISPUTE_LIMIT        open or lost disputes that quarantine a
                                               family (0: never)
widen              SEGLAM_WIDEN                attempts per family version at a wider
                                               version of a family that refused a request
                                               of its kind (0: never); spaced out: the 1st
                                               refusal, then the 2nd, 4th, 8th ... since
                                               the last attempt, each attempt showing the
                                               version's last 8 distinct refusals
=================  ==========================  =======================================
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from seglam.engine.prices import DEFAULT_PRICE, PER, Price, PriceError, parse_prices

try:  # Python 3.11+
    import tomllib as _toml
except ImportError:  # pragma: no cover - 3.10: JSON config files only
    _toml = None


class ConfigError(ValueError):
    """A configuration value is malformed (names the key and where it came from)."""


@dataclass(frozen=True)
class CompilerConfig:
    """Everything the compiler client needs. ``model`` None means no compiler configured."""

    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    temperature: float = 0.0
    candidates: int = 1
    repair_rounds: int = 2
    prices: str | None = None
    price_in: float = 0.0
    price_cached: float = 0.0
    price_out: float = 0.0
    timeout: float = 120.0
    max_retries: int = 4
    backoff: float = 1.0
    max_tokens: int = 4096
    route: bool = True
    direct_fallback: bool = False
    probation: int = 3
    novelty: bool = True
    dispute_limit: int = 3
    widen: int = 8

    @property
    def configured(self) -> bool:
        return bool(self.model)

    def price(self) -> Price:
        """This model's price per million tokens: ``price_in``/``price_out`` when set, else
        the ``prices`` table's (else the documented default ratio)."""
        if self.price_in or self.price_out:
            cached = self.price_cached or self.price_in * DEFAULT_PRICE.cached / DEFAULT_PRICE.input
            return Price(self.price_in * PER, cached * PER, self.price_out * PER)
        return parse_prices(self.prices).for_model(self.model)

    def cost(self, tokens_in: int, tokens_out: int, tokens_cached: int = 0) -> float:
        return self.price().cost(tokens_in, tokens_cached, tokens_out)

    def public(self) -> dict[str, Any]:
        """The settings without the key (for logs and ``seglam stats``)."""
        out = dataclasses.asdict(self)
        out["api_key"] = "set" if self.api_key else None
        return out

    def replace(self, **changes: Any) -> "CompilerConfig":
        return dataclasses.replace(self, **changes)


_FIELDS = {f.name: f for f in dataclasses.fields(CompilerConfig)}
_NOT_NEGATIVE = ("repair_rounds", "max_retries", "backoff", "probation", "widen", "dispute_limit")
_ENV = {name: f"SEGLAM_{name.upper()}" for name in _FIELDS}

HOW_TO_CONFIGURE = (
    "no model is configured: set SEGLAM_MODEL (and SEGLAM_BASE_URL for a non-OpenAI endpoint, "
    "SEGLAM_API_KEY or OPENAI_API_KEY for the key), or write them as model/base_url/api_key "
    "under [compiler] in ~/.config/seglam/config.toml (or the file named by SEGLAM_CONFIG)"
)


def config_path(env: Mapping[str, str] | None = None) -> Path:
    env = os.environ if env is None else env
    if env.get("SEGLAM_CONFIG"):
        return Path(env["SEGLAM_CONFIG"]).expanduser()
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "seglam" / "config.toml"


def load_config(
    path: str | os.PathLike[str] | None = None,
    env: Mapping[str, str] | None = None,
    **overrides: Any,
) -> CompilerConfig:
    """Defaults < config file < environment < ``overrides`` (None overrides are ignored)."""
    env = os.environ if env is None else env
    values: dict[str, Any] = {}
    file = Path(path) if path is not None else config_path(env)
    if file.is_file():
        values.update(_coerce_all(_read_file(file), str(file)))
    for name, var in _ENV.items():
        if env.get(var, "") != "":
            values[name] = _coerce(name, env[var], var)
    if "api_key" not in values and env.get("OPENAI_API_KEY"):
        values["api_key"] = env["OPENAI_API_KEY"]
    if "base_url" not in values and env.get("OPENAI_BASE_URL"):
        values["base_url"] = env["OPENAI_BASE_URL"]
    values.update(_coerce_all({k: v for k, v in overrides.items() if v is not None}, "argument"))
    config = CompilerConfig(**values)
    _validate(config)
    return config


def _read_file(file: Path) -> dict[str, Any]:
    try:
        text = file.read_text(encoding="utf-8")
        if file.suffix == ".json" or _toml is None:
            data = json.loads(text)
        else:
            data = _toml.loads(text)
    except (OSError, UnicodeDecodeError, ValueError) as err:
        raise ConfigError(f"{file}: cannot read the config file: {err}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: expected a table")
    table = data.get("compiler", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{file}: [compiler] must be a table")
    unknown = sorted(set(table) - set(_FIELDS))
    if unknown:
        raise ConfigError(f"{file}: unknown key(s) {', '.join(unknown)}; known: {', '.join(_FIELDS)}")
    return table


def _coerce_all(values: Mapping[str, Any], where: str) -> dict[str, Any]:
    out = {}
    for name, raw in values.items():
        if name not in _FIELDS:
            raise ConfigError(f"{where}: unknown setting {name!r}")
        out[name] = _coerce(name, raw, where)
    return out


def _coerce(name: str, raw: Any, where: str) -> Any:
    default = _FIELDS[name].default
    try:
        if isinstance(default, bool):
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError(f"not a boolean: {raw!r}")
        if isinstance(default, int):
            if isinstance(raw, bool):
                raise ValueError("not an integer")
            return int(raw)
        if isinstance(default, float):
            if isinstance(raw, bool):
                raise ValueError("not a number")
            return float(raw)
        return None if raw is None else str(raw)
    except (TypeError, ValueError) as err:
        raise ConfigError(f"{where}: bad value for {name}: {err}") from None


def _validate(c: CompilerConfig) -> None:
    problems = [f"{name} must be 0 or more" for name in _NOT_NEGATIVE if getattr(c, name) < 0]
    if c.candidates < 1:
        problems.append("candidates must be at least 1")
    if not c.timeout > 0:
        problems.append("timeout must be positive")
    if c.price_in < 0 or c.price_out < 0 or c.price_cached < 0:
        problems.append("prices must be 0 or more")
    try:
        parse_prices(c.prices)
    except PriceError as err:
        problems.append(str(err))
    if not 0 <= c.temperature <= 2:
        problems.append("temperature must be within 0..2")
    if c.max_tokens < 1:
        problems.append("max_tokens must be at least 1")
    if problems:
        raise ConfigError("; ".join(problems))
