"""What a refuted check saw: the value a function returned before its ``@ensures`` failed,
and, of the condition that came out false (an ``@ensures``, an ``assert`` anywhere in a
function's body or in a function it calls, a property's final ``return``), the part that
failed and its values.

A fault says only "postcondition of triangle failed"; a repair needs "triangle returned 0,
and ``n * (n + 1) // 2`` is 1". Neither value survives the fault, so they are recomputed on
a *probe program*, an ordinary Seglam program run under the same limits, with an
expression from :mod:`.conditions` that renders the failing part of the condition and what
it shows:

- an ``@ensures``: the source with the function's ``@ensures`` lines blanked (so the call
  returns its result instead of faulting) and a function of the lambda's bindings
  returning that expression;
- an ``assert``: the source with that assert given the expression as its message, which
  is evaluated only when it fails, so an assert in a loop or in a callee reports the turn
  and the call that failed (with the loop's variables) in its fault message;
- a property's final ``return``: a copy of the property returning the expression there
  and ``""`` from every other ``return``.

If the probe does not check or faults, that fact is just left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam import program as P
from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError
from seglam.verifier.conditions import describe, detail_expr, parts, read_detail
from seglam.verifier.examples import source_text
from seglam.verifier.runner import ProgramRunner
from seglam.verifier.values import render
from seglam.verifier.view import FunctionView, bound_names

PROBE = "seglam_probe"
#: How a failed assert's fault message begins when the assert has a message.
ASSERT_MESSAGE = "assertion failed: "


@dataclass(frozen=True)
class Seen:
    """What a probe recovered: the returned value (rendered) and the failed part, e.g.
    ``result == n * (n + 1) // 2: result is 0, n * (n + 1) // 2 is 1``."""

    returned: str | None = None
    compared: str | None = None


def _annotation(source: str, expr: A.Expr | None) -> str | None:
    return None if expr is None else source_text(source, expr.span)


def _ensures_params(source: str, fv: FunctionView, lam: A.Lambda) -> str | None:
    """The lambda's parameters with the types the function gives them (``result``: its return type)."""
    declared = {p.name: p.annotation for p in fv.node.params}
    out = []
    for p in lam.params:
        ann = _annotation(source, fv.node.returns if p.name == "result" else declared.get(p.name))
        if ann is None or "\n" in ann:
            return None
        out.append(f"{p.name}: {ann}")
    return ", ".join(out)


def _def_params(source: str, fv: FunctionView) -> str | None:
    out = []
    for p in fv.node.params:
        ann = _annotation(source, p.annotation)
        if p.kind != "normal" or ann is None or "\n" in ann:
            return None
        out.append(f"{p.name}: {ann}")
    return ", ".join(out)


def _unused(names, base: str) -> str:
    name, i = base, 0
    while name in names:
        i += 1
        name = f"{base}_{i}"
    return name


def _blank_ensures(lines: list[str], fv: FunctionView) -> list[str]:
    """``lines`` with the function's ``@ensures`` decorators blanked (lines kept, so spans hold)."""
    out = list(lines)
    for d in fv.node.decorators:
        if isinstance(d, A.Call) and isinstance(d.func, A.Name) and d.func.id == "ensures":
            for ln in range(d.span.line, d.span.end_line + 1):
                out[ln - 1] = ""
    return out


def _returns(node: object) -> list[A.Return]:
    """The ``return`` statements in ``node``, not those of a nested ``def``."""
    if isinstance(node, A.Return):
        return [node]
    if isinstance(node, (tuple, list)):
        return [r for x in node for r in _returns(x)]
    if isinstance(node, (A.FunctionDef, A.Lambda)) or not hasattr(node, "__dataclass_fields__"):
        return []
    return [r for f in node.__dataclass_fields__ if f != "span" for r in _returns(getattr(node, f))]


def _returning_text(lines: list[str], returns: list[A.Return], first: int) -> list[str]:
    """``lines`` (source lines from line ``first`` on) with each of ``returns`` made ``return
    ""``: the probe returns ``str``, and those paths did not reach the failed check."""
    out = list(lines)
    for r in returns:
        i, j = r.span.line - first, r.span.end_line - first
        if i < 0 or j >= len(out):
            continue
        if i == j:
            out[i] = out[i][: r.span.col - 1] + 'return ""' + out[i][r.span.end_col - 1 :]
            continue
        out[i] = out[i][: r.span.col - 1] + 'return ""'
        for k in range(i + 1, j):
            out[k] = ""
        out[j] = " " * (r.span.end_col - 1) + out[j][r.span.end_col - 1 :]
    return out


def _stmts(node: object):
    """Every statement in ``node`` with the ``for`` loops around it (outermost first), not
    those of a nested ``def``."""
    if isinstance(node, (tuple, list)):
        for x in node:
            yield from _stmts(x)
        return
    if isinstance(node, A.FunctionDef) or not hasattr(node, "__dataclass_fields__"):
        return
    yield node, ()
    for f in ("body", "orelse", "cases"):
        for stmt, loops in _stmts(getattr(node, f, ())):
            yield stmt, ((node,) if isinstance(node, A.For) else ()) + loops


def _assert_at(fv: FunctionView, line: int) -> tuple[A.Assert, tuple[A.For, ...]] | None:
    """The ``assert`` of ``fv`` (anywhere in its body) on ``line``, with the loops around it."""
    for stmt, loops in _stmts(fv.node.body):
        if isinstance(stmt, A.Assert) and stmt.span.line <= line <= stmt.span.end_line:
            return stmt, loops
    return None


def _loop_names(loops: tuple[A.For, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.id for f in loops for n in A.walk(f.target) if isinstance(n, A.Name)))


def _indent_of(lines: list[str], node) -> str | None:
    """The indentation of the line ``node`` starts, or None when other code comes before it."""
    line = lines[node.span.line - 1] if node.span.line <= len(lines) else ""
    indent = line[: len(line) - len(line.lstrip())]
    return indent if len(indent) == node.span.col - 1 else None


def _with_message(source: str, stmt: A.Assert, detail: str) -> str | None:
    """``source`` with ``stmt`` given ``detail`` as its message (evaluated only when it fails)."""
    lines = source.splitlines()
    indent, cond = _indent_of(lines, stmt), source_text(source, stmt.test.span)
    if indent is None or cond is None:
        return None
    new = f"{indent}assert (\n{cond}\n), {detail}".split("\n")
    return "\n".join(lines[: stmt.span.line - 1] + new + lines[stmt.span.end_line :]) + "\n"


def _return_copy(source: str, fv: FunctionView, detail: str, name: str) -> list[str] | None:
    """A copy of ``fv`` named ``name`` whose final ``return`` returns ``detail`` and whose
    other ``return``s return ``""``."""
    params, lines = _def_params(source, fv), source.splitlines()
    last = fv.node.body[-1]
    start = fv.node.body[0].span.line
    indent = _indent_of(lines, last)
    if params is None or indent is None or start == fv.node.span.line:
        return None
    body = _returning_text(lines[start - 1 : last.span.line - 1], _returns(list(fv.node.body[:-1])), start)
    return ["", "", f"def {name}({params}) -> str:", *body, f"{indent}return {detail}"]


def _compile(loaded_program, text: str):
    try:
        return P.compile(text, filename=loaded_program.filename, backend="reference",
                         modules=loaded_program.module_sources())
    except (CheckError, RecursionError):
        return None


def seen_ensures(program, runner: ProgramRunner, fv: FunctionView, lam: A.Lambda | None, inputs: dict) -> Seen:
    """What ``fv`` returned on ``inputs`` and, for ``lam`` (the failed postcondition), its
    failing part and values."""
    source = program.source
    if source is None or "." in fv.name:
        return Seen()
    lines = _blank_ensures(source.splitlines(), fv)
    ps = parts(source, lam.body, bound_names(lam)) if lam is not None else None
    params = _ensures_params(source, fv, lam) if ps is not None else None
    name = _unused(set(runner.view.functions), PROBE)
    if ps is not None and params is not None:
        lines += ["", "", f"def {name}({params}) -> str:", f"    return {detail_expr(ps)}"]
    probe = _compile(program, "\n".join(lines) + "\n")
    if probe is None:
        return Seen()
    prunner = ProgramRunner(probe, runner.view, runner.limits, "reference")
    out = prunner.call(fv.name, inputs)
    if not out.ok:
        return Seen()
    returned = render(out.value)
    if ps is None or params is None:
        return Seen(returned)
    args = {**inputs, "result": out.value}
    shown = prunner.call(name, {p.name: args[p.name] for p in lam.params if p.name in args})
    got = read_detail(shown.value) if shown.ok and isinstance(shown.value, str) else None
    return Seen(returned, None if got is None else describe(ps, got))


def seen_assert(program, runner: ProgramRunner, fv: FunctionView, holder: FunctionView, inputs: dict, line: int) -> Seen:
    """The failing part and values of the ``assert`` on ``line`` of ``holder`` (``fv`` or a
    function it calls; anywhere in its body, loops' variables shown) when ``fv`` runs on
    ``inputs``: the probe is the program with that assert given the detail as its message."""
    source = program.source
    found = _assert_at(holder, line) if source is not None and "." not in holder.name else None
    if found is None:
        return Seen()
    stmt, loops = found
    ps, extra = parts(source, stmt.test, bound_names(holder.node)), _loop_names(loops)
    text = None if ps is None else _with_message(source, stmt, detail_expr(ps, extra))
    probe = None if text is None else _compile(program, text)
    if probe is None:
        return Seen()
    out = ProgramRunner(probe, runner.view, runner.limits, "reference").call(fv.name, inputs)
    head, sep, rest = out.message.partition(ASSERT_MESSAGE)
    got = read_detail(rest) if out.fault == "F-ASSERT" and sep and not head else None
    shown = None if got is None else describe(ps, got, extra)
    # an assert of a callee says whose it is: the counterexample is the caller's
    return Seen(None, f"in {holder.name}: {shown}" if shown and holder.name != fv.name else shown)


def seen_return(program, runner: ProgramRunner, fv: FunctionView, inputs: dict) -> Seen:
    """The failing part and values of a property's final ``return`` (it returned False)."""
    source = program.source
    last = fv.node.body[-1] if fv.node.body else None
    if source is None or "." in fv.name or not isinstance(last, A.Return) or last.value is None:
        return Seen()
    ps = parts(source, last.value, bound_names(fv.node))
    name = _unused(set(runner.view.functions), PROBE)
    copy = None if ps is None else _return_copy(source, fv, detail_expr(ps), name)
    probe = None if copy is None else _compile(program, "\n".join(source.splitlines() + copy) + "\n")
    if probe is None:
        return Seen()
    out = ProgramRunner(probe, runner.view, runner.limits, "reference").call(name, inputs)
    got = read_detail(out.value) if out.ok and isinstance(out.value, str) else None
    return Seen(None, None if got is None else describe(ps, got))


__all__ = ["Seen", "seen_assert", "seen_ensures", "seen_return"]
