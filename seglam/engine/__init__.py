"""The compiler (LLM) client and the engine: cache first, then routing, then compiling.

``Engine(cache=..., compiler=...)``, ``engine.solve(text)`` / ``engine.solve(task=...,
inputs=...)`` -> :class:`Answer`; ``@function`` turns a typed stub into a cached program.
docs/engine.md is the guide.
"""

from seglam.engine.answer import TIERS, Answer, EngineTrace
from seglam.engine.client import CompilerClient, CompilerError, NotConfiguredError, Usage
from seglam.engine.compiler import Compiler
from seglam.engine.config import CompilerConfig, ConfigError, load_config
from typing import Any, Callable

from seglam.engine.engine import Engine
from seglam.engine.function import FunctionUnsolved
from seglam.engine.function import function as decorate


def function(fn: Callable | None = None, *, engine: Any = None, examples: tuple = ()) -> Any:
    """``@seglam.function``: a typed stub becomes a cached, verified program
    (:mod:`seglam.engine.function`). ``engine`` defaults to an :class:`Engine` on the default
    cache and configured model, made on the first call."""
    return decorate(fn, engine=engine, examples=examples, make_engine=Engine)

__all__ = [
    "Answer", "Compiler", "CompilerClient", "CompilerConfig", "CompilerError", "ConfigError", "Engine",
    "EngineTrace", "FunctionUnsolved", "NotConfiguredError", "TIERS", "Usage", "function", "load_config",
]
