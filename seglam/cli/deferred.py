"""Command handlers imported when their command runs: the command line's one deferred import.

``seglam`` registers every command at start-up, so ``seglam --help`` lists them all; but the
work of ``ask``, ``stats``, ``eval``, ``verify``, ``diff`` and ``cache`` needs the engine (and
the OpenAI client), the verifier (with Hypothesis and Z3) or the cache (LMDB, msgspec). Each
such command is split in two:
``<name>_args.py`` declares its arguments and imports nothing heavy, and ``<name>_cmd.py``
does the work, importing what it needs at its top. The parser's handler for the command is
``handler("seglam.cli.ask_cmd:ask")``, which imports that module only when the command runs,
so ``seglam run`` and ``seglam check`` never load the engine, the verifier or the cache.
"""

from __future__ import annotations

import argparse
import importlib
from typing import Any, Callable


def handler(target: str, *bound: Any) -> Callable[[argparse.Namespace], int]:
    """A handler that imports ``target`` (``"module:function"``) when called and calls
    ``function(args, *bound)``."""
    module, _, name = target.partition(":")

    def run(args: argparse.Namespace) -> int:
        return getattr(importlib.import_module(module), name)(args, *bound)

    return run
