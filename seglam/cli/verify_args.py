"""The command line of ``seglam verify`` and ``seglam diff``: their arguments (the work is in
:mod:`seglam.cli.verify_cmd`, imported when one of them runs; see :mod:`seglam.cli.deferred`).

Exit codes of ``verify``: 0 every obligation proved (a proof for len <= K only with a clean
aimed run past K), 1 something refuted or failing, 2 a usage or check error, 3 nothing
refuted but some obligation unknown (the cache admits such a program only when each unknown
obligation has targeted evidence: see docs/verify.md). ``diff``: 0 the versions agree, 1
they differ, 2 a usage or check error.
"""

from __future__ import annotations

import argparse
import math

from seglam.cli.argtypes import add_path_option, positive_int
from seglam.cli.deferred import handler


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "verify",
        help="check examples, Hypothesis properties and Z3 proofs of .sgl files",
        description=(
            "Verify Seglam files: run every example, test every function and property with "
            "Hypothesis, and prove what Z3 can. Each obligation gets one verdict: proved, "
            "proved for len <= K, refuted (with a counterexample) or unknown (with the reason). "
            "Whatever Z3 leaves unknown or proves only for len <= K gets a run aimed at the "
            "boundaries (lengths past K, big ints, float and Decimal limits, Unicode case "
            "mapping and astral characters); its evidence is recorded in the report."
        ),
        epilog=(
            "exit codes: 0 every obligation proved; 1 something refuted or failing; "
            "2 usage or check error; 3 nothing refuted, but some obligation unknown "
            "(admissible to the cache only if each has targeted evidence: JSON \"admissible\")"
        ),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a .sgl file, or a directory: every .sgl file in it")
    p.add_argument(
        "--entry", action="append", metavar="NAME",
        help="fuzz function NAME on its own inputs even where another function calls it, as the cache "
             "does with a family's entry point (repeatable; default: the \"entry\" of a family file "
             "FILE.json beside FILE.sgl, as `seglam cache add` reads it)",
    )
    _common(p)
    add_path_option(p)
    p.set_defaults(handler=handler("seglam.cli.verify_cmd:cmd_verify"))

    d = subparsers.add_parser(
        "diff",
        help="do two versions of a program agree on every valid input?",
        description=(
            "Compare OLD and NEW on every input the old precondition admits: Z3 equivalence "
            "where the code is in the fragment, Hypothesis differential testing always. "
            "Exit 0 when no difference was found, 1 when one was, 2 on a usage or check error."
        ),
    )
    d.add_argument("old", metavar="OLD.sgl")
    d.add_argument("new", metavar="NEW.sgl")
    d.add_argument("--call", metavar="NAME", action="append", help="compare only this function (repeatable; default: every function in both)")
    _common(d)
    d.set_defaults(handler=handler("seglam.cli.verify_cmd:cmd_diff"))


def _common(p) -> None:
    p.add_argument("--json", action="store_true", help="machine-readable output, one object per obligation")
    p.add_argument("--max-examples", type=positive_int, default=50, metavar="N", help="Hypothesis examples per function (default 50)")
    p.add_argument("--bound", type=_bound, default=8, metavar="K", help="unroll lists, strings and loops to length K (default 8)")
    p.add_argument("--budget", type=positive_int, default=3_000_000, metavar="RLIMIT", help="Z3 resource limit per obligation (default 3000000)")
    p.add_argument("--timeout", type=_positive_float, default=60.0, metavar="SECONDS", help="wall-clock safety net for the Z3 worker (default 60)")
    p.add_argument("--no-z3", action="store_true", help="skip the Z3 proofs")
    p.add_argument("--no-hypothesis", action="store_true", help="skip Hypothesis testing")


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not (value > 0 and math.isfinite(value)):
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value


def _bound(text: str) -> int:
    value = positive_int(text)
    if value > 64:
        raise argparse.ArgumentTypeError("at most 64")
    return value
