"""The ``seglam`` command line.

Each command group lives in its own module with a ``register(subparsers)`` function; this
file only assembles them, so ``seglam --help`` lists every command.
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from typing import Sequence

from seglam.version import LANGUAGE_VERSION, __version__

#: Command-group modules, each exposing ``register(subparsers)``.
_COMMAND_MODULES = (
    "seglam.cli.verify_cmd",
    "seglam.cli.cache_cmd",
    "seglam.cli.ask_cmd",
)

_DESCRIPTION = """\
SEGLAM: a reasoning cache. An LLM compiles requests into small typed, verified programs
(Seglam, .sgl); the cache re-runs them on new inputs without calling the model.

Start with:
  seglam check prog.sgl                 type-check a program
  seglam run prog.sgl --call main n=5   run one of its functions
  seglam verify prog.sgl                examples, Hypothesis and Z3 checks
  seglam ask "Sort the following words alphabetically: List: pear apple"
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="seglam", description=_DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--version", action="version", version=f"seglam {__version__} (language {LANGUAGE_VERSION})")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    _register_check(subparsers)
    _register_run(subparsers)
    for module_name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
            continue
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    # argparse cannot take positionals after options in a sub-command (`run f.sgl --call g x=1`),
    # so `run` collects the leftovers as further arguments.
    args, extra = parser.parse_known_args(argv)
    if extra:
        if getattr(args, "command", None) != "run" or any(e.startswith("--") for e in extra):
            parser.parse_args(argv)  # reports the unknown arguments and exits 2
        args.arguments = list(args.arguments) + extra
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


# ---- seglam check --------------------------------------------------------------------------------


def _register_check(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="parse and type-check .sgl files",
        description="Parse and type-check Seglam files. Exit 0 when every file checks, 1 when any has errors, 2 on a usage error.",
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    p.set_defaults(handler=_cmd_check)


def _cmd_check(args) -> int:
    import seglam

    results = []
    status = 0
    for path in args.files:
        source = _read(path)
        if source is None:
            results.append({"file": path, "ok": False, "error": "cannot read file"})
            status = 2
            continue
        try:
            program = seglam.compile(source, filename=path)
        except seglam.CheckError as error:
            status = max(status, 1)
            results.append({"file": path, "ok": False, "diagnostics": [d.to_json() for d in error.diagnostics], "_text": error.render()})
            continue
        results.append({"file": path, "ok": True, "hash": program.hash, "functions": sorted(program.functions)})
    if args.json:
        for r in results:
            r.pop("_text", None)
        print(json.dumps(results if len(results) != 1 else results[0], indent=2))
        return status
    for r in results:
        if r["ok"]:
            count = len(r["functions"])
            print(f"{r['file']}: ok ({count} function{'s' if count != 1 else ''}, hash {r['hash'][:12]})")
        elif "_text" in r:
            print(r["_text"])
            count = len(r["diagnostics"])
            print(f"{r['file']}: {count} error{'s' if count != 1 else ''}")
        else:
            print(f"{r['file']}: {r['error']}", file=sys.stderr)
    return status


# ---- seglam run ----------------------------------------------------------------------------------


_ARG_RE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$", re.S)


def _register_run(subparsers) -> None:
    p = subparsers.add_parser(
        "run",
        help="run a function of a .sgl file",
        description=(
            "Run one function of a Seglam file and print its result. Arguments are JSON values, "
            "given as NAME=JSON (keyword) or JSON (positional); a bare word that is not JSON is "
            "taken as a string. Exit 0 with a result, 1 on a fault, 2 on a check or usage error."
        ),
        epilog='example: seglam run sort.sgl --call sort_words words="pear apple fig"',
    )
    p.add_argument("file", metavar="FILE")
    p.add_argument("arguments", nargs="*", metavar="ARG", help="NAME=JSON or JSON")
    p.add_argument("--call", default="main", metavar="NAME", help="the function to call (default: main)")
    p.add_argument("--json", action="store_true", help="print the result (or fault) as JSON")
    p.add_argument("--backend", choices=("compiled", "reference"), default="compiled")
    p.add_argument("--fuel", type=int, help="step budget for the run")
    p.add_argument("--max-depth", type=int, help="call depth limit")
    p.set_defaults(handler=_cmd_run)


def _cmd_run(args) -> int:
    import dataclasses

    import seglam
    from seglam.cli.jsonvalues import from_json, to_json
    from seglam.run.limits import Limits

    source = _read(args.file)
    if source is None:
        print(f"seglam run: cannot read {args.file}", file=sys.stderr)
        return 2
    try:
        program = seglam.compile(source, filename=args.file, backend=args.backend)
    except seglam.CheckError as error:
        print(error.render(), file=sys.stderr)
        return 2
    info = program.functions.get(args.call)
    if info is None:
        print(f"seglam run: {args.file} has no function {args.call!r} (functions: {', '.join(sorted(program.functions)) or 'none'})", file=sys.stderr)
        return 2
    types = [p.type for p in info.params]
    by_name = {p.name: p.type for p in info.params}
    positional, keyword = [], {}
    for raw in args.arguments:
        match = _ARG_RE.match(raw)
        if match and match.group(1) in by_name:
            keyword[match.group(1)] = from_json(_decode(match.group(2)), by_name[match.group(1)], program.checked)
        else:
            index = len(positional)
            positional.append(from_json(_decode(raw), types[index] if index < len(types) else None, program.checked))
    overrides = {k: v for k, v in (("fuel", args.fuel), ("max_depth", args.max_depth)) if v is not None}
    try:
        limits = dataclasses.replace(program.limits, **overrides) if overrides else None
    except ValueError as error:
        print(f"seglam run: {error}", file=sys.stderr)
        return 2
    try:
        result = program.run(args.call, tuple(positional), keyword, limits=limits)
    except TypeError as error:
        print(f"seglam run: {error}", file=sys.stderr)
        return 2
    except seglam.Fault as fault:
        if args.json:
            print(json.dumps({"fault": fault.to_json()}, indent=2))
        else:
            print(_render_fault(fault, source), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"value": to_json(result.value), "fuel_used": result.fuel_used}, ensure_ascii=False))
    elif isinstance(result.value, str):
        print(result.value)
    else:
        print(repr(result.value))
    return 0


def _decode(text: str):
    try:
        return json.loads(text)
    except ValueError:
        return text


def _render_fault(fault, source: str) -> str:
    from seglam.check.diagnostics import Diagnostic
    from seglam.syntax.span import Span

    span = fault.span or Span(1, 1, 1, 2)
    lines = [Diagnostic(fault.code, fault.message, span, fault.filename).render(source if fault.span else None)]
    for frame in fault.trace:
        where = f"{fault.filename}:{frame.span.line}:{frame.span.col}" if frame.span else fault.filename
        lines.append(f"  in {frame.function} ({where})")
    return "\n".join(lines)


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except (OSError, UnicodeDecodeError):
        return None


if __name__ == "__main__":
    sys.exit(main())
