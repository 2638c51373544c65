"""The compiler: a configured client plus the prompts. It talks to the model; judging and
admitting what the model wrote is :mod:`seglam.engine.admission` and the engine's job."""

from __future__ import annotations

from typing import Any, Sequence

from seglam.engine.client import Completion, CompilerClient, Usage
from seglam.engine.config import CompilerConfig, load_config
from seglam.engine.prompt import PromptBook, build_prompts


class Compiler:
    """``Compiler(config)`` or ``Compiler.from_env()``; ``prompts`` and ``client`` may be
    given (tests, a shared prompt book)."""

    def __init__(
        self,
        config: CompilerConfig | None = None,
        *,
        prompts: PromptBook | None = None,
        client: CompilerClient | None = None,
        **client_options: Any,
    ) -> None:
        self.config = config or load_config()
        self.client = client or CompilerClient(self.config, **client_options)
        self._prompts = prompts

    @classmethod
    def from_env(cls, **overrides: Any) -> "Compiler":
        return cls(load_config(**overrides))

    @property
    def prompts(self) -> PromptBook:
        # built on first use: loading worked families runs them, which a CLI miss-free run avoids
        if self._prompts is None:
            self._prompts = build_prompts()
        return self._prompts

    @property
    def model(self) -> str:
        return self.config.model or ""

    def chat(self, messages: Sequence[dict[str, str]], purpose: str) -> Completion:
        return self.client.complete(messages, purpose)

    def usage(self) -> Usage:
        return self.client.ledger.total()
