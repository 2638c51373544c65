"""The compiler (LLM) client and the engine: cache first, then routing, then compiling.

``Engine(cache=..., compiler=...)``, ``engine.solve(text)`` / ``engine.solve(task=...,
inputs=...)`` -> :class:`Answer`; ``@function`` turns a typed stub into a cached program.
docs/engine.md is the guide.
"""

from seglam.engine.answer import TIERS, Answer, EngineTrace
from seglam.engine.client import CompilerClient, CompilerError, NotConfiguredError, Usage
from seglam.engine.compiler import Compiler
from seglam.engine.config import CompilerConfig, ConfigError, load_config
from seglam.engine.engine import Engine
from seglam.engine.function import FunctionUnsolved, function

__all__ = [
    "Answer", "Compiler", "CompilerClient", "CompilerConfig", "CompilerError", "ConfigError", "Engine",
    "EngineTrace", "FunctionUnsolved", "NotConfiguredError", "TIERS", "Usage", "function", "load_config",
]
