"""What the ``seglam cache`` subcommands do (their arguments and help are in
:mod:`seglam.cli.cache_args`; this module, and with it the cache, is imported when one runs).
"""

from __future__ import annotations

import argparse
import ast
import datetime
import shutil
import sys
import time
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Callable

from seglam.cache import (
    AdmissionError,
    AmbiguousIdError,
    BundleModuleError,
    Cache,
    CacheError,
    Entry,
    FamilyDraft,
    NotFoundError,
    PatternError,
    SameAnswerError,
)
from seglam.cache.errors import CacheCorruptError
from seglam.cache.values import decode_value, render_value
from seglam.program import SourceFileError, read_source
from seglam.syntax.intdigits import int_from_text
from seglam.syntax.jsontext import JsonTextError, dumps, loads
from seglam.cli import module_cmd, negative_cmd, trust_cmd
from seglam.cli.argtypes import ToolchainFactory
from seglam.cli.familyfile import read_family_json, sibling_of
from seglam.cli.refusal import readable

def run(args: argparse.Namespace, name: str, factory: ToolchainFactory | None) -> int:
    """Subcommand ``name`` on the cache ``--cache`` names (opened with ``factory``'s
    toolchain); a refusal exits 1, a cache failure 2, a damaged cache 3."""
    try:
        with Cache(args.cache, toolchain=factory() if factory else None) as cache:
            return SUBCOMMANDS[name](args, cache)
    except (NotFoundError, AmbiguousIdError, AdmissionError, PatternError, BundleModuleError, SameAnswerError) as err:
        return _fail(args, err, 1)
    except CacheCorruptError as err:
        return _fail(args, err, 3)
    except CacheError as err:
        return _fail(args, err, 2)
    except (OSError, ValueError) as err:
        return _fail(args, err, 2 if isinstance(err, OSError) else 1)


def _fail(args: argparse.Namespace, err: Exception, code: int) -> int:
    reasons = list(getattr(err, "reasons", ()) or [str(err)])
    if args.json:
        data = {"ok": False, "error": type(err).__name__, "reasons": reasons}
        if isinstance(err, CacheCorruptError):
            data.update(code=err.code, path=err.path)
        if isinstance(err, BundleModuleError):
            data.update(code=err.code, hint=err.hint)
        print(dumps(data, indent=2))
    elif isinstance(err, BundleModuleError):
        print(f"seglam cache: {err.code}: {err}\n  hint: {err.hint}", file=sys.stderr)
    elif isinstance(err, CacheCorruptError):
        print(f"seglam cache: {err.code}: {err}", file=sys.stderr)  # one line: path, what is wrong, what to do
    else:
        print(f"seglam cache: {type(err).__name__}:", file=sys.stderr)
        for r in reasons:
            print("  " + readable(r).replace("\n", "\n  "), file=sys.stderr)
    return code


# ---- read-only -------------------------------------------------------------------------------


def _ls(args: argparse.Namespace, cache: Cache) -> int:
    if args.negative:
        return negative_cmd.ls(args, cache)
    entries = cache.list(args.status)
    corrupt = cache.corrupt() if args.status is None else []
    if args.json:
        rows = [{**_summary(e), **trust_cmd.summary(cache, e)} for e in entries]
        rows += [{"id": i, "status": "corrupt", "reason": r} for i, r in corrupt]
        print(dumps(rows, indent=2))
        return 0
    trust = [trust_cmd.cell(cache, e) for e in entries]
    shown = any(t != "new" for t in trust)  # the TRUST column appears once a family has been checked
    rows = [
        [e.id, f"v{e.version}", e.status, *([t] if shown else []), str(e.stats.hits), str(e.stats.failures),
         _ago(e.stats.last_hit), e.signature.entry, e.description or (e.patterns[0] if e.patterns else "")]
        for e, t in zip(entries, trust)
    ] + [[i, "", "CORRUPT", *([""] if shown else []), "", "", "", "", r] for i, r in corrupt]
    if not rows:
        print(f"no families in {cache.path}")
        return 0
    print(_table(["ID", "VER", "STATUS", *(["TRUST"] if shown else []), "HITS", "FAIL", "LAST HIT", "ENTRY",
                  "DESCRIPTION"], rows))
    return 0


def _show(args: argparse.Namespace, cache: Cache) -> int:
    if args.id.startswith("neg-"):
        return negative_cmd.show(args, cache)
    e = cache.get(args.id)
    if args.json:
        import msgspec

        stored = cache.trust.get(e.id)
        print(dumps({**msgspec.to_builtins(e), "trust": stored.to_json() if stored else None,
                     "modules": module_cmd.refs_json(e)}, indent=2, default=str))
        return 0
    p = e.provenance
    out = [
        f"family {e.id}  v{e.version}  {e.status}" + (f" ({e.status_reason})" if e.status_reason else ""),
        f"  description  {e.description}",
        f"  entry        {e.signature.render()}",
        f"  program      {e.program_hash}",
        f"  verified     {'ok' if e.verification.ok else 'FAILED'} by {e.verification.tool}",
        f"  stats        {e.stats.hits} hits, {e.stats.failures} failures, {e.stats.domain_misses} outside domain, "
        f"last hit {_ago(e.stats.last_hit)}",
        f"  provenance   {p.origin}" + (f", model {p.model}" if p.model else "") + (f", prompt {p.prompt_hash[:12]}" if p.prompt_hash else "")
        + (f", {p.tokens_in}+{p.tokens_out} tokens" if p.tokens_in or p.tokens_out else "")
        + (f", parent v{p.parent_version}" if p.parent_version else "") + f", created {_when(p.created or e.created)}",
        "  patterns",
        *[f"    {pat}" for pat in e.patterns],
    ]
    if e.tasks:
        out += ["  tasks", *[f"    {t}" for t in e.tasks]]
    if e.counterexamples:
        out.append("  counterexamples")
        for cx in e.counterexamples[-10:]:
            inputs = ", ".join(f"{k}={_short(render_value(decode_value(v)), 40)}" for k, v in cx.inputs.items())
            if cx.kind == "reject":
                got = render_value(decode_value(cx.actual)) if cx.actual is not None else "?"
                tail = f" expected {render_value(decode_value(cx.expected))}, got {got}"
            else:
                tail = f" {cx.fault or ''}"
            out.append(f"    v{cx.version} {cx.kind:8} {inputs}{tail}")
    out += module_cmd.module_lines(e)
    out += trust_cmd.lines(cache, e)
    out += ["  program source", *["    " + line for line in e.source.rstrip().splitlines()]]
    print("\n".join(out))
    return 0


def _stats(args: argparse.Namespace, cache: Cache) -> int:
    s = cache.stats()
    if args.json:
        print(dumps(s, indent=2))
        return 0
    by = s["entries"]
    rows = [
        ["path", s["path"]],
        ["families", f"{by['active']} active, {by['quarantined']} quarantined, {by['retired']} retired, {by['corrupt']} corrupt"],
        ["hits", str(s["hits"])],
        ["gate failures", f"{s['failures']} (+{s['domain_misses']} outside the precondition)"],
        ["patterns indexed", str(s["patterns_indexed"])],
        ["library modules", f"{s['library_modules']} version(s) (seglam cache modules)"],
        ["file size", _bytes(s["file_size"])],
        ["map size", _bytes(s["map_size"])],
    ]
    print(_table(["", ""], rows, header=False))
    return 0


def _history(args: argparse.Namespace, cache: Cache) -> int:
    current = cache.get(args.id)
    versions, events = cache.history(current.id)
    if args.json:
        print(dumps({
            "id": current.id,
            "versions": [{"version": v.version, "program_hash": v.program_hash, "created": v.created, "origin": v.provenance.origin,
                          "modules": module_cmd.refs_json(v)} for v in versions + [current]],
            "events": [{"at": ev.at, "kind": ev.kind, "version": ev.version, "detail": ev.detail} for ev in events],
        }, indent=2))
        return 0
    shown = any(r.version for v in versions + [current] for r in v.modules)  # the MODULES column: cache modules
    rows = [[f"v{v.version}", v.program_hash[:12], v.provenance.origin, *([module_cmd.cell(v)] if shown else []),
             _when(v.created)] for v in versions]
    rows.append([f"v{current.version}", current.program_hash[:12], current.provenance.origin + " (current)",
                 *([module_cmd.cell(current)] if shown else []), _when(current.updated)])
    print(_table(["VERSION", "PROGRAM", "ORIGIN", *(["MODULES"] if shown else []), "WHEN"], rows))
    print()
    print(_table(["WHEN", "EVENT", "VER", "DETAIL"], [[_when(ev.at), ev.kind, f"v{ev.version}", ev.detail] for ev in events]))
    return 0


# ---- changes ---------------------------------------------------------------------------------


def _add(args: argparse.Namespace, cache: Cache) -> int:
    path = Path(args.file)
    source = _source(args.file)
    meta: dict[str, Any] = {}
    sibling = sibling_of(path)
    if sibling.exists():
        meta = read_family_json(sibling)
    draft = FamilyDraft.from_family_json(
        {
            **meta,
            "patterns": args.pattern or meta.get("patterns", []),
            "samples": args.sample or meta.get("samples", []),
            "tasks": args.task or meta.get("tasks", []),
            "description": args.description if args.description is not None else meta.get("description", ""),
            "entry": args.entry or meta.get("entry"),
        },
        source,
    )
    entry_id = cache.admit(draft)
    _done(args, {"ok": True, "id": entry_id}, f"admitted family {entry_id}")
    return 0


def _reject(args: argparse.Namespace, cache: Cache) -> int:
    e = cache.get(args.id)
    inputs = None
    if args.input:
        inputs = {}
        for item in args.input:
            name, sep, text = item.partition("=")
            param = e.signature.param(name)
            if not sep or param is None:
                raise ValueError(f"--input {item!r}: expected NAME=VALUE with NAME one of {[p.name for p in e.signature.params]}")
            inputs[name] = parse_typed(text, param.type, verbatim=args.verbatim, option=f"--input {name}=")
    if inputs is None and args.request is None:
        raise ValueError("give the request (--request TEXT) or the inputs (--input NAME=VALUE)")
    expected = parse_typed(args.expected, e.signature.returns, verbatim=args.verbatim, option="--expected ")
    cx = cache.reject(e.id, expected, inputs=inputs, request=args.request, note=args.note)
    cache.trust.rejected(e, cx)  # the same dispute record the engine keeps, settled by the operator
    actual = render_value(decode_value(cx.actual)) if cx.actual is not None else "?"
    _done(args, {"ok": True, "id": e.id, "status": "quarantined", "actual": actual, "expected": render_value(expected)},
          f"family {e.id} quarantined: it answered {actual}, expected {render_value(expected)}; "
          "the counterexample is stored and every new version must pass it")
    return 0


def _replace(args: argparse.Namespace, cache: Cache) -> int:
    source = _source(args.file)
    res = cache.replace(args.id, source, entry=args.entry, note=args.note)
    if args.json:
        print(dumps({"ok": True, "id": res.entry_id, "version": res.version, "diff": res.diff,
                          "disagreements": list(res.disagreements)}, indent=2))
        return 0
    print(f"family {res.entry_id} is now v{res.version}")
    if res.diff:
        print("verifier diff:\n  " + res.diff.replace("\n", "\n  "))
    if res.disagreements:
        print(_table(["INPUTS", "OLD", "NEW"], [[", ".join(f"{k}={v}" for k, v in d["inputs"].items()), d["old"], d["new"]]
                                                 for d in res.disagreements]))
    else:
        print("old and new agree on every input the family has seen")
    return 0


def _retire(args: argparse.Namespace, cache: Cache) -> int:
    full = cache.resolve(args.id)
    cache.retire(full, args.reason)
    _done(args, {"ok": True, "id": full, "status": "retired"}, f"family {full} retired")
    return 0


def _gc(args: argparse.Namespace, cache: Cache) -> int:
    r = cache.gc(idle_days=args.idle_days, max_failure_rate=args.max_failure_rate, min_calls=args.min_calls,
                 purge=args.purge, dry_run=args.dry_run)
    if args.json:
        print(dumps({"ok": True, "dry_run": r.dry_run, "retired": [{"id": i, "reason": why} for i, why in r.retired],
                          "purged": list(r.purged)}, indent=2))
        return 0
    verb = "would retire" if r.dry_run else "retired"
    if r.retired:
        print(_table(["ID", "REASON"], [list(x) for x in r.retired]))
    print(f"{verb} {len(r.retired)} famil{'y' if len(r.retired) == 1 else 'ies'}" + (f", purged {len(r.purged)}" if r.purged else ""))
    return 0


def _export(args: argparse.Namespace, cache: Cache) -> int:
    ids = cache.export(args.dir, include_retired=args.include_retired)
    _done(args, {"ok": True, "dir": args.dir, "exported": ids}, f"exported {len(ids)} families to {args.dir}")
    return 0


def _import(args: argparse.Namespace, cache: Cache) -> int:
    r = cache.import_(args.dir)
    if args.json:
        print(dumps({"ok": r.ok, "imported": list(r.imported), "unchanged": list(r.unchanged), "modules": list(r.modules),
                          "refused": [{"id": i, "reason": why} for i, why in r.refused]}, indent=2))
        return 0 if r.ok else 1
    print(f"imported {len(r.imported)}, unchanged {len(r.unchanged)}, refused {len(r.refused)}"
          + (f"; library modules stored: {', '.join(r.modules)}" if r.modules else ""))
    for i, why in r.refused:
        print(f"  refused {i}: " + readable(why).replace("\n", "\n    "), file=sys.stderr)
    return 0 if r.ok else 1


# ---- helpers ---------------------------------------------------------------------------------


def _source(path: str) -> str:
    """A program file, read bounded (see :func:`seglam.program.read_source`)."""
    try:
        return read_source(path)
    except SourceFileError as err:
        raise ValueError(str(err)) from None


def parse_typed(text: str, type_text: str, *, verbatim: bool = True, option: str = "") -> Any:
    """A command-line value read as a Seglam type: ``str`` verbatim, scalars parsed, and
    anything else as JSON or a Python literal. Without ``verbatim``, a ``str`` written as a
    quoted literal (``'"00:00"'``: a JSON habit) is refused with what to write instead
    (``option`` names the option in the message), because read verbatim the quotes would
    be part of the value: a wrong answer recorded as the right one."""
    options = [t.strip() for t in type_text.split("|")]
    if "None" in options and text in ("None", "null"):
        return None
    kind = next((t for t in options if t != "None"), "str")
    try:
        if kind == "str":
            unquoted = None if verbatim else quoted_text(text)
            if unquoted is not None:
                raise QuotedValueError(
                    f"{option}{text!r} looks quoted, but a str value is read verbatim, quotes and all: write "
                    f"{option}{unquoted!r} for the text {unquoted}, or add --verbatim if the quotes are part of it")
            return text
        if kind == "int":
            return int_from_text(text.strip())
        if kind == "float":
            return float(text)
        if kind == "Decimal":
            return Decimal(text)
        if kind == "bool":
            if text.lower() in ("true", "false"):
                return text.lower() == "true"
            raise ValueError(text)
        if kind == "date":
            return datetime.date.fromisoformat(text)
    except QuotedValueError:
        raise
    except (ValueError, InvalidOperation):
        raise ValueError(f"{text!r} is not a {kind}") from None
    try:
        return loads(text)
    except JsonTextError:
        pass
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        raise ValueError(f"{text!r} is not a {type_text} (write JSON or a Python literal)") from None


class QuotedValueError(ValueError):
    """A ``str`` value given as a quoted literal; refused so its quotes are not recorded as
    part of the value (see :func:`parse_typed`)."""


def quoted_text(text: str) -> str | None:
    """The string ``text`` spells as a quoted literal (``"00:00"``, ``'00:00'``, JSON or Python
    escapes), or None when it is not one."""
    if len(text) < 2 or text[0] != text[-1] or text[0] not in "\"'":
        return None
    try:  # JSON first: its "\ud800\udc00" is one astral character, a Python literal's two halves
        value = loads(text) if text[0] == '"' else ast.literal_eval(text)
    except (JsonTextError, ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        try:
            value = ast.literal_eval(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            return None
    return value if isinstance(value, str) else None


def _summary(e: Entry) -> dict[str, Any]:
    return {"id": e.id, "version": e.version, "status": e.status, "description": e.description, "entry": e.signature.entry,
            "patterns": list(e.patterns), "hits": e.stats.hits, "failures": e.stats.failures, "last_hit": e.stats.last_hit,
            "program_hash": e.program_hash}


def _done(args: argparse.Namespace, data: dict[str, Any], text: str) -> None:
    print(dumps(data, indent=2) if args.json else text)


def _table(headers: list[str], rows: list[list[str]], *, header: bool = True) -> str:
    """Left-aligned columns; the last column is cut to the terminal width."""
    cols = len(headers)
    widths = [max([len(headers[i]) if header else 0] + [len(r[i]) for r in rows]) for i in range(cols)]
    total = shutil.get_terminal_size((120, 24)).columns
    lead = sum(widths[:-1]) + 2 * (cols - 1)
    widths[-1] = max(10, min(widths[-1], total - lead))

    def line(cells: list[str]) -> str:
        cut = [_short(c.replace("\n", " "), w) for c, w in zip(cells, widths)]
        return "  ".join(c.ljust(w) for c, w in zip(cut, widths)).rstrip()

    out = [line(headers)] if header else []
    return "\n".join(out + [line(r) for r in rows])


def _short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _ago(t: float) -> str:
    if not t:
        return "never"
    s = max(time.time() - t, 0)
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= size:
            return f"{int(s // size)}{unit} ago"
    return f"{int(s)}s ago"


def _when(t: float) -> str:
    return datetime.datetime.fromtimestamp(t).strftime("%Y-%m-%d %H:%M") if t else "-"


def _bytes(n: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


#: What each ``seglam cache`` subcommand does, given the parsed arguments and the open cache.
SUBCOMMANDS: dict[str, Callable[[argparse.Namespace, Cache], int]] = {
    "ls": _ls,
    "forget": negative_cmd.forget,
    "show": _show,
    "stats": _stats,
    "history": _history,
    "open": trust_cmd.open_hole,
    "add": _add,
    "reject": _reject,
    "replace": _replace,
    "retire": _retire,
    "gc": _gc,
    "export": _export,
    "import": _import,
    "modules": module_cmd.modules,
    "add-module": module_cmd.add_module,
    "why": module_cmd.why,
}
