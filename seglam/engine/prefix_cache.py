"""A SIMULATED provider prompt cache, for the loopback servers (recorded compiler, tests).

Providers that cache prompt prefixes bill the cached part at a discount and report it as
``usage.prompt_tokens_details.cached_tokens``. This simulates the rule OpenAI documents:
a prompt of at least 1024 tokens can reuse an earlier prompt's exact prefix, counted in
steps of 128 tokens from 1024. It is a model of that rule, not a provider: tokens are
estimated (about four characters each, as :func:`seglam.engine.recorded.count_tokens`),
nothing expires, and the first prompt with a given prefix pays in full (as it does).
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any, Sequence

MIN_TOKENS = 1024
BLOCK_TOKENS = 128
CHARS_PER_TOKEN = 4
#: Prefix digests kept before the simulated cache starts over (a bound on memory).
MAX_PREFIXES = 200_000


def prompt_text(messages: Sequence[Any]) -> str:
    """The prompt as one string, message by message with its role, in order: what a
    provider's prefix match compares."""
    parts = []
    for m in messages:
        if isinstance(m, dict):
            parts.append(f"<|{m.get('role', '')}|>\n{m.get('content', '')}\n")
    return "".join(parts)


class PrefixCache:
    """``cached_tokens(model, messages, prompt_tokens)``: the tokens of this prompt's longest
    prefix (>= 1024 tokens, in 128-token steps) already seen for ``model``; then remembers
    this prompt's own prefixes. Thread-safe."""

    def __init__(self) -> None:
        self._seen: set[bytes] = set()
        self._lock = threading.Lock()

    def cached_tokens(self, model: str, messages: Sequence[Any], prompt_tokens: int) -> int:
        text = prompt_text(messages).encode("utf-8", "surrogatepass")
        blocks = min(prompt_tokens, len(text) // CHARS_PER_TOKEN) // BLOCK_TOKENS
        first = MIN_TOKENS // BLOCK_TOKENS
        if blocks < first:
            return 0
        digest = hashlib.sha256(model.encode("utf-8", "surrogatepass") + b"\0")
        keys = []
        done = 0
        for n in range(first, blocks + 1):
            end = n * BLOCK_TOKENS * CHARS_PER_TOKEN
            digest.update(text[done:end])
            done = end
            keys.append(digest.copy().digest())
        with self._lock:
            hit = next((first + i for i in range(len(keys) - 1, -1, -1) if keys[i] in self._seen), 0)
            if len(self._seen) + len(keys) > MAX_PREFIXES:
                self._seen.clear()
            self._seen.update(keys)
        return min(hit * BLOCK_TOKENS, prompt_tokens)
