"""What a refuted check saw: the value a function returned before its ``@ensures`` failed,
and, of the condition that came out false (an ``@ensures``, an ``assert`` anywhere in a
function's body, a property's final ``return``), the part that failed and its values.

A fault says only "postcondition of triangle failed"; a repair needs "triangle returned 0,
and ``n * (n + 1) // 2`` is 1". Neither value survives the fault, so they are recomputed on
a *probe program*: the same source with the function's ``@ensures`` lines blanked (so the
call returns its result instead of faulting), and one function appended that returns the
values as a ``list[str]`` (:mod:`.conditions` writes the statements that find the failing
part of an ``and`` and collect what it shows). For an ``@ensures`` it takes the lambda's
bindings; for an ``assert`` or ``return`` it is a copy of the function with that statement
made the check (so an assert in a loop is checked on the turn that failed, with the loop's
variables shown) and every other ``return`` made ``return []``. Line numbers do not move,
and the probe is an ordinary Seglam program run under the same limits; if it does not check
or faults, that fact is just left out.
"""

from __future__ import annotations

from dataclasses import dataclass

from seglam import program as P
from seglam.syntax import ast as A
from seglam.syntax.diagnostics import CheckError
from seglam.verifier.conditions import Part, check_lines, describe, parts
from seglam.verifier.examples import source_text
from seglam.verifier.runner import ProgramRunner
from seglam.verifier.values import render
from seglam.verifier.view import FunctionView, bound_names

PROBE = "seglam_probe"


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
    []``: the probe returns ``list[str]``, and those paths did not reach the failed check."""
    out = list(lines)
    for r in returns:
        i, j = r.span.line - first, r.span.end_line - first
        if i < 0 or j >= len(out):
            continue
        if i == j:
            out[i] = out[i][: r.span.col - 1] + 'return []' + out[i][r.span.end_col - 1 :]
            continue
        out[i] = out[i][: r.span.col - 1] + 'return []'
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


def _target(fv: FunctionView, fault_line: int | None) -> tuple[A.Stmt, A.Expr, tuple[A.For, ...]] | None:
    """The check that failed, its condition and the loops around it: the ``assert`` on
    ``fault_line`` anywhere in the body, or (no fault: a property returned False) the final
    ``return``."""
    if fault_line is not None:
        for stmt, loops in _stmts(fv.node.body):
            if isinstance(stmt, A.Assert) and stmt.span.line <= fault_line <= stmt.span.end_line:
                return stmt, stmt.test, loops
        return None
    last = fv.node.body[-1] if fv.node.body else None
    if isinstance(last, A.Return) and last.value is not None:
        return last, last.value, ()
    return None


def _loop_names(loops: tuple[A.For, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.id for f in loops for n in A.walk(f.target) if isinstance(n, A.Name)))


def _check_copy(source: str, fv: FunctionView, stmt: A.Stmt, ps: tuple[Part, ...], extra: tuple[str, ...], name: str) -> list[str] | None:
    """A copy of ``fv`` named ``name`` that returns the probe's list where ``stmt`` (its
    failed check) fails, and ``[]`` everywhere else."""
    params = _def_params(source, fv)
    lines = source.splitlines()
    if params is None or not fv.node.body or fv.node.body[-1].span.end_line > len(lines):
        return None
    start, end = fv.node.body[0].span.line, fv.node.body[-1].span.end_line
    first = lines[stmt.span.line - 1]
    indent = first[: len(first) - len(first.lstrip())]
    if start == fv.node.span.line or len(indent) != stmt.span.col - 1:  # shares a line with other code
        return None
    others = [r for r in _returns(list(fv.node.body)) if r is not stmt]
    body = _returning_text(lines[start - 1 : end], others, start)
    i, j = stmt.span.line - start, stmt.span.end_line - start
    # an assert is kept after the check (it holds there): the code after it keeps its narrowing
    kept = body[i : j + 1] if isinstance(stmt, A.Assert) else [f"{indent}return []"]
    body = body[:i] + check_lines(ps, indent, extra) + kept + body[j + 1 :]
    first_body = lines[start - 1]
    body_indent = first_body[: len(first_body) - len(first_body.lstrip())]
    return ["", "", f"def {name}({params}) -> list[str]:", *body, f"{body_indent}return []"]


def _compile(loaded_program, text: str):
    try:
        return P.compile(text, filename=loaded_program.filename, backend="reference",
                         modules=loaded_program.module_sources())
    except (CheckError, RecursionError):
        return None


def _listed(runner: ProgramRunner, name: str, args: dict) -> list[str] | None:
    """A probe's list of texts, or None when it faults or returns something else."""
    out = runner.call(name, args)
    if not out.ok:
        return None
    try:
        got = list(out.value)
    except TypeError:
        return None
    return got if all(isinstance(x, str) for x in got) else None


def seen_ensures(program, runner: ProgramRunner, fv: FunctionView, lam: A.Lambda | None, inputs: dict) -> Seen:
    """What ``fv`` returned on ``inputs`` and, for ``lam`` (the failed postcondition), its
    failing part and values."""
    source = program.source
    if source is None or "." in fv.name:
        return Seen()
    lines = _blank_ensures(source.splitlines(), fv)
    ps = parts(source, lam.body, {p.name for p in lam.params}) if lam is not None else None
    params = _ensures_params(source, fv, lam) if ps is not None else None
    name = _unused(set(runner.view.functions), PROBE)
    if ps is not None and params is not None:
        lines += ["", "", f"def {name}({params}) -> list[str]:", *check_lines(ps, "    "), "    return []"]
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
    got = _listed(prunner, name, {p.name: args[p.name] for p in lam.params if p.name in args})
    return Seen(returned, None if got is None else describe(ps, got))


def seen_comparison(program, runner: ProgramRunner, fv: FunctionView, inputs: dict, fault_line: int | None) -> Seen:
    """The failing part and values of a function's ``assert`` (faulted on ``fault_line``,
    anywhere in its body) or of a property's final ``return`` (``fault_line`` None)."""
    source = program.source
    if source is None or "." in fv.name:
        return Seen()
    target = _target(fv, fault_line)
    if target is None:
        return Seen()
    stmt, cond, loops = target
    ps = parts(source, cond, bound_names(fv.node))
    name = _unused(set(runner.view.functions), PROBE)
    extra = _loop_names(loops)
    copy = None if ps is None else _check_copy(source, fv, stmt, ps, extra, name)
    probe = None if copy is None else _compile(program, "\n".join(source.splitlines() + copy) + "\n")
    if probe is None:
        return Seen()
    got = _listed(ProgramRunner(probe, runner.view, runner.limits, "reference"), name, inputs)
    return Seen(None, None if got is None else describe(ps, got, extra))


__all__ = ["Seen", "seen_comparison", "seen_ensures"]
