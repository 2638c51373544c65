"""What ``seglam verify`` and ``seglam diff`` do (their arguments are in
:mod:`seglam.cli.verify_args`; this module, and with it the verifier, Hypothesis and Z3, is
imported when one of them runs)."""

from __future__ import annotations

import json
import sys

from seglam.cli.argtypes import read_file, source_files
from seglam.cli.familyfile import Entries, describe, entries_for
from seglam.verifier.api import make_options, verify_loaded
from seglam.verifier.diff import diff
from seglam.verifier.load import load_program
from seglam.verifier.report import Report


def _options(args) -> dict:
    return dict(
        max_examples=args.max_examples,
        bound=args.bound,
        budget=args.budget,
        timeout=args.timeout,
        z3=not args.no_z3,
        hypothesis=not args.no_hypothesis,
    )


def cmd_verify(args) -> int:
    status = 0
    docs = []
    for path in source_files(args.files):
        source, error = read_file(path)
        shown = path.encode("utf-8", "backslashreplace").decode("utf-8")  # argv may hold lone surrogates
        entries = Entries()
        if source is None:
            report = Report(shown, (), error)
        else:
            entries = entries_for(path, source, args.entry)
            report = verify_source(source, shown, _options(args), search=args.path, entries=entries)
        status = max(status, report.exit_code)
        if args.json:
            docs.append({**report.to_json(), "entries": list(entries.names), "entries_from": entries.origin,
                         **({"entry_note": entries.note} if entries.note else {})})
        else:
            print(_with_entries(report.render(), entries))
    if args.json:
        print(json.dumps(docs[0] if len(docs) == 1 else docs, indent=2, sort_keys=True, ensure_ascii=False))
    return status


def verify_source(source: str, path: str, options: dict, search=None, entries: Entries = Entries()):
    """The report on one program; ``entries`` name the functions fuzzed on their own inputs
    besides those the call graph gives (an ``--entry`` naming no function is a usage error)."""
    if entries.error is not None:
        return Report(path, (), f"error: {entries.error}")
    loaded = load_program(source, path, search=search)
    if loaded.error is not None:
        return Report(path, (), loaded.error)
    return verify_loaded(loaded, make_options(**options, entries=entries.names))


def _with_entries(text: str, entries: Entries) -> str:
    """The human report with its line about the entry points named, under the file's name."""
    line = describe(entries)
    if line is None:
        return text
    head, _, rest = text.partition("\n")
    return f"{head}\n  {line}" + (f"\n{rest}" if rest else "")


def cmd_diff(args) -> int:
    old, err1 = read_file(args.old)
    new, err2 = read_file(args.new)
    if old is None or new is None:
        print(err1 or err2, file=sys.stderr)
        return 2
    opts = _options(args)
    result = diff(old, new, functions=args.call, old_filename=args.old, new_filename=args.new, **opts)
    if args.json:
        print(json.dumps(result.to_json(), indent=2, sort_keys=True, ensure_ascii=False))
    else:
        print(result.render())
    return result.exit_code
