"""The ``seglam`` command line.

Each command group lives in its own module with a ``register(subparsers)`` function; this
file only assembles them, so ``seglam --help`` lists every command.
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import io
import re
import sys
from contextlib import contextmanager
from typing import Any, Iterator, Sequence

import seglam
from seglam.cli.argtypes import add_path_option, read_file, source_files
from seglam.cli.jsonvalues import from_json, to_json
from seglam.cli.printed import too_large
from seglam.run.limits import DepthLimitError
from seglam.run.context import RunContext
from seglam.run.limits import MAX_FUEL, Limits
from seglam.run.stdlib_core import seglam_repr
from seglam.syntax.diagnostics import Diagnostic
from seglam.syntax.intdigits import int_to_text
from seglam.syntax.jsontext import JsonLimitError, JsonTextError, dumps, escape_surrogates, loads
from seglam.syntax.span import Span
from seglam.version import LANGUAGE_VERSION, __version__

#: Command-group modules, each exposing ``register(subparsers)``. They declare arguments
#: only; a command's work is imported when it runs (:mod:`seglam.cli.deferred`).
_COMMAND_MODULES = (
    "seglam.cli.verify_args",
    "seglam.cli.cache_args",
    "seglam.cli.ask_args",
    "seglam.cli.eval_args",
)

_DESCRIPTION = """\
SEGLAM: a reasoning cache. An LLM compiles requests into small typed, verified programs
(Seglam, .sgl); the cache re-runs them on new inputs without calling the model.

Start with:
  seglam check prog.sgl                 type-check a program
  seglam run prog.sgl --call main n=5   run one of its functions
  seglam verify prog.sgl                examples, Hypothesis and Z3 checks
  seglam ask "Sort the following words alphabetically: List: pear apple"
  seglam eval requests.jsonl            run a stream through the engine: hits, accuracy, cost
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
    """Run one command; returns its exit code (argparse's usage errors return 2 here
    instead of raising SystemExit, so the CLI can be driven in-process)."""
    with _unbreakable_output():
        try:
            return _main(argv)
        except SystemExit as stop:  # argparse: --help, --version, usage errors
            return stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 2)


def _main(argv: Sequence[str] | None) -> int:
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


@contextmanager
def _unbreakable_output() -> Iterator[None]:
    """While a command runs, text that stdout/stderr cannot encode (a lone surrogate from
    an undecodable argv byte, say) is written as a backslash escape instead of raising
    UnicodeEncodeError. The streams' own setting is restored afterwards."""
    saved: list[tuple[Any, str]] = []
    for stream in (sys.stdout, sys.stderr):
        errors = getattr(stream, "errors", None)
        if errors == "strict" and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="backslashreplace")
            except (ValueError, io.UnsupportedOperation):
                continue
            saved.append((stream, errors))
    try:
        yield
    finally:
        for stream, errors in saved:
            try:
                stream.reconfigure(errors=errors)
            except (ValueError, io.UnsupportedOperation):
                pass


# ---- seglam check --------------------------------------------------------------------------------


def _register_check(subparsers) -> None:
    p = subparsers.add_parser(
        "check",
        help="parse and type-check .sgl files",
        description=("Parse and type-check Seglam files (UTF-8, regular files only, at most 4,000,000 bytes). "
                     "Exit 0 when every file checks, 1 when any has errors, 2 when a file cannot be read or on a usage error."),
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="a .sgl file, or a directory: every .sgl file in it")
    p.add_argument("--json", action="store_true", help="print one JSON object per file")
    add_path_option(p)
    p.set_defaults(handler=_cmd_check)


def _cmd_check(args) -> int:
    results = []
    status = 0
    for path in source_files(args.files):
        source, problem = read_file(path)
        if source is None:
            results.append({"file": path, "ok": False, "error": problem})
            status = 2
            continue
        try:
            program = seglam.compile(source, filename=path, path=args.path)
        except seglam.CheckError as error:
            status = max(status, 1)
            results.append({"file": path, "ok": False, "diagnostics": [d.to_json() for d in error.diagnostics], "_text": error.render()})
            continue
        results.append({"file": path, "ok": True, "hash": program.hash, "functions": sorted(program.functions)})
    if args.json:
        for r in results:
            r.pop("_text", None)
        print(dumps(results if len(results) != 1 else results[0], indent=2))
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
            print(r["error"], file=sys.stderr)
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
            "taken as a string. A number with a fraction or an exponent is exact for a Decimal "
            "parameter (1.10 keeps its scale); an enum member is given by its value or its name. "
            "JSON nests at most 200 levels; ints may have up to 65,536 bits "
            "(about 19,729 digits). A str result holding lone surrogates (U+D800-U+DFFF), which no "
            "UTF-8 output can carry, is printed as a Python literal ('\\ud800'); --json writes "
            "them as JSON escapes. The file is read as UTF-8, regular files only, at most 4,000,000 "
            "bytes. A result that would print as more than 10,000,000 elements (an object a value "
            "holds several times prints once per use) is not printed (E-OUTPUT-SIZE). Exit 0 "
            "with a result, 1 on a fault or an unprintable result, 2 on a check, input or usage "
            "error."
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
    add_path_option(p)
    p.add_argument("--emit-python", action="store_true",
                   help="print the Python the compiled backend generates for FILE (with comments naming "
                        "its .sgl lines) instead of running it")
    p.set_defaults(handler=_cmd_run)


def _cmd_run(args) -> int:
    source, problem = read_file(args.file)
    if source is None:
        print(f"seglam run: {problem}", file=sys.stderr)
        return 2
    try:
        program = seglam.compile(source, filename=args.file, backend=args.backend, path=args.path)
    except seglam.CheckError as error:
        print(error.render(), file=sys.stderr)
        return 2
    if args.emit_python:
        print(program.python_source(), end="")
        return 0
    info = program.functions.get(args.call)
    if info is None:
        print(f"seglam run: {args.file} has no function {args.call!r} (functions: {', '.join(sorted(program.functions)) or 'none'})", file=sys.stderr)
        return 2
    types = [p.type for p in info.params]
    by_name = {p.name: p.type for p in info.params}
    positional, keyword = [], {}
    bits = program.limits.max_int_bits
    for raw in args.arguments:
        match = _ARG_RE.match(raw)
        try:
            if match and match.group(1) in by_name:
                keyword[match.group(1)] = from_json(_decode(match.group(2), bits), by_name[match.group(1)], program.checked)
            else:
                index = len(positional)
                positional.append(from_json(_decode(raw, bits), types[index] if index < len(types) else None, program.checked))
        except JsonLimitError as error:
            print(f"seglam run: argument {_short(raw)!r}: {error}", file=sys.stderr)
            return 2
    overrides = {k: v for k, v in (("fuel", args.fuel), ("max_depth", args.max_depth)) if v is not None}
    try:
        limits = dataclasses.replace(program.limits, **overrides) if overrides else None
    except ValueError as error:
        print(f"seglam run: {error}", file=sys.stderr)
        return 2
    try:
        result = program.run(args.call, tuple(positional), keyword, limits=limits)
    except (TypeError, DepthLimitError) as error:
        print(f"seglam run: {error}", file=sys.stderr)
        return 2
    except seglam.Fault as fault:
        if args.json:
            print(dumps({"fault": fault.to_json()}, indent=2))
        else:
            print(_render_fault(fault, program), file=sys.stderr)
        return 1
    refused = too_large(result.value)
    if refused is not None:
        if args.json:
            print(dumps({"error": {"code": "E-OUTPUT-SIZE", "message": refused}}, indent=2))
        else:
            print(f"seglam run: E-OUTPUT-SIZE: {refused}", file=sys.stderr)
        return 1
    if args.json:
        print(dumps({"value": to_json(result.value), "fuel_used": result.fuel_used}))
    else:
        print(render_result(result.value))
    return 0


def render_result(value: Any) -> str:
    """How ``seglam run`` prints a value: a str as it is, unless it holds lone surrogates
    (no UTF-8 output can carry them), which is printed as a Python literal (``'\\ud800'``);
    an int in full at any size; anything else as Seglam's ``repr`` prints it (SPEC section 9:
    a set in its fixed order, a Counter most common first), the same text on every run (or,
    for a container of ints too long for repr, or nested too deep, as JSON)."""
    if isinstance(value, str):
        return value if escape_surrogates(value) == value else repr(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return int_to_text(value)
    try:
        return seglam_repr(RunContext(_PRINTING), value)
    except (ValueError, RecursionError):  # an int past CPython's 4300-digit repr limit, deep nesting
        return dumps(to_json(value))


#: Printing a result is not part of its run: no budget but the printed-size limit (printed.py).
_PRINTING = Limits(fuel=MAX_FUEL, max_str_len=1 << 62, max_collection_len=1 << 62)


def _decode(text: str, max_int_bits: int):
    """A command-line argument as JSON; a bare word that is not JSON is the string itself.
    Past the limits (nesting, int size) it is an error, not a string."""
    try:
        return loads(text, max_int_bits=max_int_bits, exact_fractions=True)
    except JsonLimitError:
        raise
    except JsonTextError:
        return text


def _short(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _render_fault(fault, program) -> str:
    """The fault with a caret in the file it happened in, then the calls that led there (each
    frame's position is in its caller's file: an imported module's for ``dates.add_days``)."""
    span = fault.span or Span(1, 1, 1, 2)
    innermost = program.file_of(fault.trace[-1].function) if fault.trace else (fault.filename, program.source)
    lines = [Diagnostic(fault.code, fault.message, span, fault.filename).render(innermost[1] if fault.span else None)]
    caller = program.filename
    calls = []
    for frame in fault.trace:
        where = f"{caller}:{frame.span.line}:{frame.span.col}" if frame.span else caller
        calls.append(f"  in {frame.function} ({where})")
        caller = program.file_of(frame.function)[0]
    return "\n".join(lines + _collapsed(calls))


def _collapsed(calls: list[str], shown: int = 3) -> list[str]:
    """Runs of one repeated call line (a deep recursion) shown ``shown`` times, then counted,
    as CPython's tracebacks do: a fault 30,000 calls deep prints a few lines, not 30,000."""
    out: list[str] = []
    i = 0
    while i < len(calls):
        j = i
        while j < len(calls) and calls[j] == calls[i]:
            j += 1
        out.extend(calls[i:min(j, i + shown)])
        if j - i > shown:
            out.append(f"  [the line above repeated {j - i - shown} more times]")
        i = j
    return out


if __name__ == "__main__":
    sys.exit(main())
