"""``seglam ask`` and ``seglam stats``: send requests through the engine, see what it did.

    seglam ask "Sort the following words alphabetically: List: pear apple"
    seglam ask --task "Add two numbers" --input a=2 --input b=3
    seglam ask --show-prompt ["REQUEST"]
    seglam stats

Exit codes: 0 answered (hit, routed, compiled or uncached), 1 unsolved, 2 a usage,
configuration or cache error.
"""

# (This docstring is the help of ``seglam ask``.) The command line of ``ask`` and ``stats``:
# their arguments only; the work is in seglam.cli.ask_cmd, imported when one of them runs
# (seglam.cli.deferred).

from __future__ import annotations

import argparse
from typing import Any

from seglam.cli.argtypes import ToolchainFactory, cache_options
from seglam.cli.deferred import handler


def register(subparsers: Any, *, toolchain_factory: ToolchainFactory | None = None) -> None:
    """Add ``ask`` and ``stats``. ``toolchain_factory`` replaces the language toolchain
    (tests, embedding)."""
    common = cache_options()

    p = subparsers.add_parser(
        "ask",
        parents=[common],
        help="answer a request from the cache, compiling it with the configured model on a miss",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("request", nargs="?", help="a free-text request (the inputs are inside the text)")
    p.add_argument("--task", help="a structured request: the task text (give its inputs with --input)")
    p.add_argument("--input", action="append", default=[], metavar="NAME=JSON",
                   help="an input of a structured request (repeatable; text that is not JSON is a string)")
    p.add_argument("--show-prompt", action="store_true", help="print the compile prompt (and the request's turn) and exit")
    add_model_options(p)
    p.set_defaults(handler=handler("seglam.cli.ask_cmd:ask", toolchain_factory))

    s = subparsers.add_parser("stats", parents=[common], help="what the cache has learned and what it saved",
                              description="Families, hits, failures, the model tokens spent on compiling them and "
                                          "what they cost (priced with the configured price table), and the "
                                          "negative families (kinds the model cannot program).")
    s.set_defaults(handler=handler("seglam.cli.ask_cmd:stats", toolchain_factory))


def add_model_options(parser: argparse.ArgumentParser) -> None:
    """The model flags ``ask`` and ``eval`` share (read back with :func:`model_config`)."""
    g = parser.add_argument_group("model (overrides the environment and the config file)")
    g.add_argument("--model")
    g.add_argument("--base-url")
    g.add_argument("--temperature", type=float)
    g.add_argument("--candidates", type=int)
    g.add_argument("--repair-rounds", type=int)
    g.add_argument("--no-route", action="store_true", help="skip the routing tier on a miss")
    g.add_argument("--direct-fallback", action="store_true",
                   help="answer unsolved requests with the model's direct answer, flagged uncached")
    g.add_argument("--probation", type=int, metavar="N",
                   help="requests per family version also checked by a direct call (default 3; 0: none)")
    g.add_argument("--no-novelty", action="store_true",
                   help="do not check hits whose inputs leave what the family was verified and observed on")
