"""``seglam eval STREAM.jsonl``: run a stream of requests through the engine, with your model,
and see what SEGLAM does for you.

    seglam eval requests.jsonl                       # the configured model and cache
    seglam eval requests.jsonl --model M --base-url URL --cache ./fresh-cache
    seglam eval requests.jsonl --no-model            # only what the cache already answers
    seglam eval requests.jsonl --json --report out.json --png curve.png

Each line: {"request": "...", "answer": "...", "task": "..."}; answer (the expected answer)
and task (a label that groups the report) are optional. Prints, per task and in total:
requests by tier, right / wrong answers, false hits (a program's answer that was wrong),
model calls by purpose, tokens and cost (priced with the configured price table), compile
success, repair rounds and families made, against a response cache and a direct call per
request. docs/eval.md describes every field.

Exit codes: 0 done; 1 some answer from a program was wrong (a false hit); 2 a usage,
configuration or stream error (coded E-STREAM-* diagnostics); 3 a damaged cache;
130 interrupted (the report of the requests done so far is printed).
"""

# (This docstring is the help of ``seglam eval``.) The command line of ``eval``: its
# arguments only; the work is in seglam.cli.eval_cmd, imported when it runs
# (seglam.cli.deferred).

from __future__ import annotations

import argparse
from typing import Any

from seglam.cli.argtypes import ToolchainFactory, positive_int
from seglam.cli.ask_args import add_model_options
from seglam.cli.deferred import handler


def register(subparsers: Any, *, toolchain_factory: ToolchainFactory | None = None) -> None:
    """Add ``eval``. ``toolchain_factory`` replaces the language toolchain (tests)."""
    p = subparsers.add_parser(
        "eval",
        help="run a JSONL stream of requests through the engine and report hits, accuracy, model calls and cost",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("stream", metavar="STREAM.jsonl", help="one JSON object a line: request, answer (optional), task (optional)")
    p.add_argument("--cache", metavar="DIR",
                   help="cache directory (default: $SEGLAM_CACHE, else the platform cache dir); "
                        "a new directory measures from an empty cache")
    p.add_argument("--json", action="store_true", help="print the report as JSON on stdout")
    p.add_argument("--report", metavar="FILE", help="also write the JSON report to FILE")
    p.add_argument("--png", metavar="FILE", help="draw the cost curve to FILE (needs matplotlib: seglam[bench])")
    p.add_argument("--no-model", action="store_true", help="never call a model: only what the cache already answers")
    p.add_argument("--limit", type=positive_int, metavar="N", help="run only the first N requests")
    add_model_options(p)
    p.set_defaults(handler=handler("seglam.cli.eval_cmd:evaluate", toolchain_factory))
