"""``seglam cache``: inspect, correct, export and import the reasoning cache.

    seglam cache ls | show ID | stats | history ID | add FILE.sgl
    seglam cache reject ID --expected VALUE (--request TEXT | --input NAME=VALUE ...)
    seglam cache replace ID FILE | retire ID | gc | export DIR | import DIR
    seglam cache ls --negative | show neg-ID | forget neg-ID   (kinds the model cannot program)
    seglam cache modules [NAME] | add-module FILE.sgl [--name NAME] | why REQUEST

Every subcommand takes ``--cache DIR`` and ``--json``. Exit codes: 0 done, 1 refused or
not found (the reason is printed), 2 the cache itself failed (full disk, locked, bad
input file), 3 the cache is damaged, truncated or not a SEGLAM cache (the message says
what to do).
"""

# (This docstring is the help of ``seglam cache``.) The command line of ``cache``: its
# arguments only; the work is in seglam.cli.cache_cmd, imported (with the cache) when a
# subcommand runs (seglam.cli.deferred).

from __future__ import annotations

import argparse
from typing import Any

from seglam.cli.argtypes import ToolchainFactory, cache_options
from seglam.cli.deferred import handler


def register(subparsers: Any, *, toolchain_factory: ToolchainFactory | None = None) -> None:
    """Add ``cache`` and its subcommands. ``toolchain_factory`` replaces the language
    toolchain (tests, embedding)."""
    common = cache_options()
    p = subparsers.add_parser(
        "cache",
        help="inspect, correct, export and import the reasoning cache",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="cache_command", metavar="SUBCOMMAND", required=True)

    def add(name: str, help_: str) -> argparse.ArgumentParser:
        sp = sub.add_parser(name, parents=[common], help=help_, description=help_)
        sp.set_defaults(handler=handler("seglam.cli.cache_cmd:run", name, toolchain_factory))
        return sp

    sp = add("ls", "list families")
    sp.add_argument("--status", choices=("active", "quarantined", "retired"), help="only families with this status")
    sp.add_argument("--negative", action="store_true", help="list the negative families (kinds the model cannot program)")
    add("forget", "delete a negative family: requests of its kind compile again").add_argument("id")
    add("show", "show one family: patterns, signature, program, counterexamples, provenance").add_argument("id")
    add("stats", "totals: families by status, hits, failures, sizes")
    add("history", "earlier versions and the event log of a family").add_argument("id")
    sp = add("open", "declare a hole open: the novelty gate no longer checks its values "
             "(a property must cover it)")
    sp.add_argument("id")
    sp.add_argument("hole")
    sp = add("add", "verify and admit a family from a .sgl file (patterns from a sibling .json or --pattern)")
    sp.add_argument("file")
    sp.add_argument("--pattern", action="append", default=[], help="a pattern (repeatable)")
    sp.add_argument("--sample", action="append", default=[], help="a sample request of the family (repeatable)")
    sp.add_argument("--task", action="append", default=[], help="a structured task name (repeatable)")
    sp.add_argument("--description", default=None)
    sp.add_argument("--entry", default=None, help="entry-point function (default: main, or the only one)")
    sp = add("reject", "record a wrong answer with the right one and quarantine the family (refused, "
             "changing nothing, when the family already gives that answer)")
    sp.add_argument("id")
    sp.add_argument("--expected", required=True,
                    help="the right answer, read as the entry point's return type: a str verbatim (write 00:00, "
                         "not \"00:00\": a quoted str is refused unless --verbatim), other types as JSON or a "
                         "Python literal")
    sp.add_argument("--request", help="the request text that got the wrong answer")
    sp.add_argument("--input", action="append", default=[], metavar="NAME=VALUE", help="an input (repeatable)")
    sp.add_argument("--verbatim", action="store_true",
                    help="take a quoted str value (--expected '\"00:00\"') as written, quotes included")
    sp.add_argument("--note", default="")
    sp = add("replace", "verify a new program for a family, diff it against the old one, keep history")
    sp.add_argument("id")
    sp.add_argument("file")
    sp.add_argument("--entry", default=None)
    sp.add_argument("--note", default="")
    sp = add("retire", "stop serving a family for good")
    sp.add_argument("id")
    sp.add_argument("--reason", default="")
    sp = add("gc", "retire families unused for long or failing; --purge deletes retired ones")
    sp.add_argument("--idle-days", type=float, default=90.0)
    sp.add_argument("--max-failure-rate", type=float, default=0.5)
    sp.add_argument("--min-calls", type=int, default=5)
    sp.add_argument("--purge", action="store_true")
    sp.add_argument("--dry-run", action="store_true")
    sp = add("export", "write every family as a .sgl file plus manifest.json")
    sp.add_argument("dir")
    sp.add_argument("--include-retired", action="store_true")
    add("import", "re-verify and admit every family of an exported directory").add_argument("dir")
    add("modules", "list the library modules kept in the cache, or one module's versions, events and source"
        ).add_argument("name", nargs="?")
    sp = add("add-module", "verify and admit a Seglam module as a library module (a new version replaces the "
             "current one only if every family importing it still passes)")
    sp.add_argument("file")
    sp.add_argument("--name", default=None, help="the module's name (default: the file's name without .sgl)")
    sp.add_argument("--description", default=None)
    sp.add_argument("--note", default="")
    add("why", "which family, version and library modules answer a request (runs it; records nothing)"
        ).add_argument("request")
