"""The compiler client: chat completions from any OpenAI-compatible endpoint, with retries
and token/cost accounting.

The ``openai`` package does the HTTP; its own retries are switched off so that every
attempt is counted here and the backoff is ours (exponential, honouring ``Retry-After``,
bounded by ``max_retries``). Retried: 429, 5xx, timeouts, dropped connections, and
response bodies that are not a chat completion. Anything else (401, 404, 400) fails at once.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Sequence

from seglam.engine.config import HOW_TO_CONFIGURE, CompilerConfig


class CompilerError(Exception):
    """The model could not be reached or kept failing. ``attempts`` made, ``usage`` spent."""

    def __init__(self, message: str, attempts: int = 0, usage: "Usage | None" = None) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.usage = usage or Usage()


class NotConfiguredError(CompilerError):
    """No model is configured; the message says exactly what to set."""

    def __init__(self) -> None:
        super().__init__(HOW_TO_CONFIGURE)


@dataclass(frozen=True)
class Usage:
    """Tokens, cost, calls and seconds; adds up with ``+``. ``tokens_cached`` is the part of
    ``tokens_in`` the provider served from its prompt cache (billed at a discount)."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    attempts: int = 0
    tokens_cached: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(
            self.calls + other.calls,
            self.tokens_in + other.tokens_in,
            self.tokens_out + other.tokens_out,
            self.cost + other.cost,
            self.seconds + other.seconds,
            self.attempts + other.attempts,
            self.tokens_cached + other.tokens_cached,
        )

    def __sub__(self, other: "Usage") -> "Usage":
        """What was spent between two snapshots of a running total."""
        return Usage(
            self.calls - other.calls,
            self.tokens_in - other.tokens_in,
            self.tokens_out - other.tokens_out,
            self.cost - other.cost,
            self.seconds - other.seconds,
            self.attempts - other.attempts,
            self.tokens_cached - other.tokens_cached,
        )

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def to_json(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "tokens_in": self.tokens_in,
            "tokens_out": self.tokens_out,
            "tokens_cached": self.tokens_cached,
            "cost": round(self.cost, 10),
            "seconds": round(self.seconds, 6),
            "attempts": self.attempts,
        }


@dataclass(frozen=True)
class Completion:
    """One successful call: the text and what it cost."""

    text: str
    usage: Usage
    purpose: str = "compile"
    model: str = ""


@dataclass
class Ledger:
    """Per-client running totals by purpose (compile, repair, route, direct, shadow, settle). The one
    mutable object of the client; guarded by a lock because an Engine may be shared."""

    by_purpose: dict[str, Usage] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, purpose: str, usage: Usage) -> None:
        with self._lock:
            self.by_purpose[purpose] = self.by_purpose.get(purpose, Usage()) + usage

    def total(self) -> Usage:
        with self._lock:
            return sum(self.by_purpose.values(), Usage())

    def snapshot(self) -> dict[str, Usage]:
        with self._lock:
            return dict(self.by_purpose)


Message = dict[str, str]


class CompilerClient:
    """Chat completions against ``config.base_url`` with ``config.model``."""

    def __init__(
        self,
        config: CompilerConfig,
        *,
        sleep: Callable[[float], None] = time.sleep,
        http_client: Any = None,
    ) -> None:
        if not config.configured:
            raise NotConfiguredError()
        import openai  # imported here so the runtime never needs it

        self.config = config
        self._openai = openai
        self._sleep = sleep
        self._client = openai.OpenAI(
            api_key=config.api_key or "not-needed",
            base_url=config.base_url,
            timeout=config.timeout,
            max_retries=0,
            http_client=http_client,
        )
        self.ledger = Ledger()
        self.price = config.price()

    def complete(self, messages: Sequence[Message], purpose: str = "compile", *, json_mode: bool = True) -> Completion:
        """One chat completion, retried on transient failures; raises :class:`CompilerError`."""
        cfg = self.config
        spent = Usage()
        last = "no attempt made"
        retry_after: float | None = None
        for attempt in range(cfg.max_retries + 1):
            if attempt:
                self._sleep(self._delay(attempt, retry_after))
            retry_after = None
            start = time.perf_counter()
            try:
                response = self._client.chat.completions.create(
                    model=cfg.model,
                    messages=list(messages),
                    temperature=cfg.temperature,
                    max_tokens=cfg.max_tokens,
                    **({"response_format": {"type": "json_object"}} if json_mode else {}),
                )
            except self._openai.APIStatusError as err:
                seconds = time.perf_counter() - start
                spent = spent + Usage(attempts=1, seconds=seconds)
                status = err.status_code
                last = f"HTTP {status}: {_short(err.message)}"
                if status == 429 or status >= 500 or status == 408:
                    retry_after = _retry_after(err)
                    continue
                self.ledger.add(purpose, spent)
                raise CompilerError(f"the model endpoint refused the request ({last})", attempt + 1, spent) from None
            except (self._openai.APITimeoutError, self._openai.APIConnectionError) as err:
                spent = spent + Usage(attempts=1, seconds=time.perf_counter() - start)
                last = f"{'timeout' if isinstance(err, self._openai.APITimeoutError) else 'connection error'}"
                continue
            except (self._openai.APIError, ValueError, TypeError, KeyError) as err:
                # a body that is not a chat completion (garbage, truncated, wrong shape)
                spent = spent + Usage(attempts=1, seconds=time.perf_counter() - start)
                last = f"malformed response: {_short(str(err))}"
                continue
            seconds = time.perf_counter() - start
            text, (tin, tout, tcached) = _extract(response)
            if text is None:
                spent = spent + Usage(attempts=1, seconds=seconds)
                last = "malformed response: no message content"
                continue
            cost = self.price.cost(tin, tcached, tout)
            spent = spent + Usage(1, tin, tout, cost, seconds, 1, tcached)
            self.ledger.add(purpose, spent)
            return Completion(text, spent, purpose, str(getattr(response, "model", "") or cfg.model))
        self.ledger.add(purpose, spent)
        raise CompilerError(
            f"the model endpoint failed {cfg.max_retries + 1} time(s); last: {last}", cfg.max_retries + 1, spent
        )

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        base = self.config.backoff * (2 ** (attempt - 1))
        if retry_after is not None:
            base = max(base, retry_after)
        return min(base, 60.0)


def _retry_after(err: Any) -> float | None:
    try:
        value = err.response.headers.get("retry-after")
        return None if value is None else max(0.0, min(float(value), 60.0))
    except (AttributeError, TypeError, ValueError):
        return None


def _extract(response: Any) -> tuple[str | None, tuple[int, int, int]]:
    """The message text and (prompt, completion, provider-cached prompt) tokens; tolerant
    of sparse servers (a missing or malformed count is 0; cached never exceeds prompt)."""
    try:
        text = response.choices[0].message.content
    except (AttributeError, IndexError, TypeError):
        return None, (0, 0, 0)
    usage = getattr(response, "usage", None)
    tin = _count(getattr(usage, "prompt_tokens", 0))
    tout = _count(getattr(usage, "completion_tokens", 0))
    details = getattr(usage, "prompt_tokens_details", None)
    cached = details.get("cached_tokens") if isinstance(details, dict) else getattr(details, "cached_tokens", 0)
    return (text if isinstance(text, str) else None), (tin, tout, min(_count(cached), tin))


def _count(value: Any) -> int:
    try:
        return max(0, int(value or 0))
    except (TypeError, ValueError, OverflowError):
        return 0


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
