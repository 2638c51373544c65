"""What a refuted check saw: the value a function returned before its ``@ensures`` failed,
and both sides of the comparison that came out false.

A fault says only "postcondition of triangle failed"; a repair needs "triangle returned 0,
and ``n * (n + 1) // 2`` is 1". Neither value survives the fault, so they are recomputed on
a *probe program*: the same source with the function's ``@ensures`` lines blanked (so the
call returns its result instead of faulting), and one small function appended per
comparison side, ``return repr(<side>)``, taking the bindings the side reads. Line numbers
do not move, and the probe is an ordinary Seglam program run under the same limits; if it
does not check or a side faults, that fact is just left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam import program as P
from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError
from seglam.verifier.examples import source_text
from seglam.verifier.runner import ProgramRunner
from seglam.verifier.values import render
from seglam.verifier.view import FunctionView

#: A side's source text is clipped to this many characters in a report line.
SIDE_TEXT = 60
PROBE = "seglam_probe"


@dataclass(frozen=True)
class Seen:
    """What a probe recovered: the returned value (rendered) and the comparison, e.g.
    ``result == n * (n + 1) // 2: result is 0, n * (n + 1) // 2 is 1``."""

    returned: str | None = None
    compared: str | None = None


@dataclass(frozen=True)
class _Side:
    name: str  # the probe function's name
    text: str  # the side's source text


def _clip(text: str) -> str:
    one = " ".join(text.split())
    return one if len(one) <= SIDE_TEXT else one[: SIDE_TEXT - 3] + "..."


def _comparison(expr: A.Expr) -> A.Compare | None:
    return expr if isinstance(expr, A.Compare) and len(expr.ops) == 1 else None


def _annotation(source: str, expr: A.Expr | None) -> str | None:
    return None if expr is None else source_text(source, expr.span)


def _ensures_params(source: str, fv: FunctionView, lam: A.Lambda) -> str | None:
    """The lambda's parameters with the types the function gives them (``result``: its return type)."""
    declared = {p.name: p.annotation for p in fv.node.params}
    parts = []
    for p in lam.params:
        ann = _annotation(source, fv.node.returns if p.name == "result" else declared.get(p.name))
        if ann is None or "\n" in ann:
            return None
        parts.append(f"{p.name}: {ann}")
    return ", ".join(parts)


def _def_params(source: str, fv: FunctionView) -> str | None:
    parts = []
    for p in fv.node.params:
        ann = _annotation(source, p.annotation)
        if p.kind != "normal" or ann is None or "\n" in ann:
            return None
        parts.append(f"{p.name}: {ann}")
    return ", ".join(parts)


def _side_def(name: str, params: str, body: list[str]) -> list[str]:
    return ["", "", f"def {name}({params}) -> str:", *body]


def _ret(indent: str, text: str) -> str:
    return f"{indent}return repr((\n{text}\n{indent}))"


def _unused(fv_names, base: str) -> str:
    name, i = base, 0
    while name in fv_names:
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
    """``lines`` (source lines from line ``first`` on) with each ``return`` before the probed
    statement made ``return ""``: the probe returns ``str``, and those paths did not reach it."""
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


def _body_probe(source: str, fv: FunctionView, stmt: A.Stmt, side: A.Expr, name: str) -> list[str] | None:
    """A copy of ``fv`` that returns ``repr(side)`` at ``stmt`` (a top-level statement of its
    body) instead of comparing: the locals the side reads are computed as before."""
    params = _def_params(source, fv)
    text = source_text(source, side.span)
    if params is None or text is None or not fv.node.body:
        return None
    lines = source.splitlines()
    start = fv.node.body[0].span.line
    if start == fv.node.span.line:  # a body on the def's own line
        return None
    before = [s for s in fv.node.body if s.span.line < stmt.span.line]
    head = _returning_text(lines[start - 1 : stmt.span.line - 1], _returns(before), start)
    indent = lines[stmt.span.line - 1][: len(lines[stmt.span.line - 1]) - len(lines[stmt.span.line - 1].lstrip())]
    return _side_def(name, params, head + [_ret(indent, text)])


def _target(fv: FunctionView, fault_line: int | None) -> tuple[A.Stmt, A.Compare] | None:
    """The top-level statement whose comparison failed: the assert on ``fault_line``, or
    (no fault: a property returned False) the final ``return``."""
    for stmt in fv.node.body:
        if fault_line is not None and isinstance(stmt, A.Assert) and stmt.span.line <= fault_line <= stmt.span.end_line:
            cmp = _comparison(stmt.test)
            return (stmt, cmp) if cmp is not None else None
    last = fv.node.body[-1] if fv.node.body else None
    if fault_line is None and isinstance(last, A.Return) and last.value is not None:
        cmp = _comparison(last.value)
        return (last, cmp) if cmp is not None else None
    return None


def _compile(loaded_program, text: str):
    try:
        return P.compile(text, filename=loaded_program.filename, backend="reference",
                         modules=loaded_program.module_sources())
    except (CheckError, RecursionError):
        return None


def _show(runner: ProgramRunner, name: str, args: dict) -> str | None:
    out = runner.call(name, args)
    return out.value if out.ok and isinstance(out.value, str) else None


def _compared(source: str, cmp: A.Compare, shown: tuple[str | None, str | None], sides: tuple[_Side, _Side]) -> str | None:
    whole = source_text(source, cmp.span)
    if whole is None or shown[0] is None and shown[1] is None:
        return None
    parts = ", ".join(f"{_clip(s.text)} is {v}" for s, v in zip(sides, shown) if v is not None)
    one = " ".join(whole.split())
    # the whole comparison when it is short; else its operator, the sides saying the rest
    return f"{one}: {parts}" if len(one) <= SIDE_TEXT else f"{parts} (compared with {cmp.ops[0]})"


def seen_ensures(program, runner: ProgramRunner, fv: FunctionView, lam: A.Lambda | None, inputs: dict) -> Seen:
    """What ``fv`` returned on ``inputs`` and, if ``lam`` (the failed postcondition) is one
    comparison, both its sides."""
    source = program.source
    if source is None or "." in fv.name:
        return Seen()
    lines = _blank_ensures(source.splitlines(), fv)
    cmp = _comparison(lam.body) if lam is not None else None
    params = _ensures_params(source, fv, lam) if cmp is not None else None
    sides: tuple[_Side, ...] = ()
    if cmp is not None and params is not None:
        names = set(runner.view.functions)
        for i, side in enumerate((cmp.left, cmp.comparators[0])):
            text = source_text(source, side.span)
            if text is None:
                sides = ()
                break
            name = _unused(names, f"{PROBE}_{i}")
            lines += _side_def(name, params, [_ret("    ", text)])
            sides += (_Side(name, text),)
    probe = _compile(program, "\n".join(lines) + "\n")
    if probe is None:
        return Seen()
    prunner = ProgramRunner(probe, runner.view, runner.limits, "reference")
    out = prunner.call(fv.name, inputs)
    if not out.ok:
        return Seen()
    returned = render(out.value)
    if len(sides) != 2:
        return Seen(returned)
    args = {**inputs, "result": out.value}
    wanted = [p.name for p in lam.params]
    shown = tuple(_show(prunner, s.name, {k: args[k] for k in wanted if k in args}) for s in sides)
    return Seen(returned, _compared(source, cmp, shown, sides))


def seen_comparison(program, runner: ProgramRunner, fv: FunctionView, inputs: dict, fault_line: int | None) -> Seen:
    """Both sides of the comparison a function's top-level ``assert`` (faulted on
    ``fault_line``) or a property's final ``return`` (``fault_line`` None) found false."""
    source = program.source
    if source is None or "." in fv.name:
        return Seen()
    target = _target(fv, fault_line)
    if target is None:
        return Seen()
    stmt, cmp = target
    lines = source.splitlines()
    names = set(runner.view.functions)
    sides: list[_Side] = []
    for i, side in enumerate((cmp.left, cmp.comparators[0])):
        name = _unused(names, f"{PROBE}_{i}")
        probe_def = _body_probe(source, fv, stmt, side, name)
        if probe_def is None:
            return Seen()
        lines += probe_def
        sides.append(_Side(name, source_text(source, side.span) or ""))
    probe = _compile(program, "\n".join(lines) + "\n")
    if probe is None:
        return Seen()
    prunner = ProgramRunner(probe, runner.view, runner.limits, "reference")
    shown = tuple(_show(prunner, s.name, inputs) for s in sides)
    return Seen(None, _compared(source, cmp, shown, (sides[0], sides[1])))


__all__ = ["Seen", "seen_comparison", "seen_ensures"]
