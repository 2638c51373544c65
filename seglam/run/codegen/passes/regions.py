"""What the passes over a region that counts fuel in the local ``h_f`` ask of its code
(after the pass ``local_fuel`` has rewritten its steps; its charges are still the markers
``ir.Charge``, ``ir.Spend``, ``ir.ItemStep``): is a loop body *quiet* (each iteration costs exactly its
step) or *silent* (it leaves ``h_f`` alone but may leave early), does it charge work on large
values, and the rewriting of those charges and of nested blocks. Shared by the passes in
this package.
"""

from __future__ import annotations

import ast as py
from typing import Callable

from seglam.run.codegen import pyast as P
from seglam.run.codegen.state import LOCAL_FUEL as LOCAL
from seglam.run.ir import nodes as ir


def quiet(body: list[py.stmt], spends: bool = False) -> bool:
    """No early exit, no nested loop, no charge: each iteration costs exactly its step
    (and, with ``spends``, the work on large values that :class:`Spent` rewrites)."""
    for stmt in body:
        for node in walk(stmt, spends):
            if isinstance(node, (py.Break, py.Return, py.For, py.While, py.Lambda, py.ListComp,
                                 py.SetComp, py.DictComp, py.GeneratorExp)):
                return False
            if isinstance(node, py.NamedExpr) and node.target.id == LOCAL:
                return False
            if isinstance(node, py.AugAssign) and isinstance(node.target, py.Name) and node.target.id == LOCAL:
                return False
            if isinstance(node, ir.MARKERS):
                return False
    return True


def rewrite_blocks(stmts: list[py.stmt], each: Callable[[py.stmt], list[py.stmt]]) -> list[py.stmt]:
    """``stmts`` with ``each`` applied to every statement, those of nested blocks (if/else,
    loop bodies, match cases) included; a block left empty becomes ``pass``."""
    out: list[py.stmt] = []
    for stmt in stmts:
        for field_name in ("body", "orelse"):
            inner = getattr(stmt, field_name, None)
            if isinstance(inner, list) and inner:
                setattr(stmt, field_name, rewrite_blocks(inner, each) or [py.Pass()])
        if isinstance(stmt, py.Match):
            for case in stmt.cases:
                case.body = rewrite_blocks(case.body, each) or [py.Pass()]
        out.extend(each(stmt))
    return out


def silent(body: list[py.stmt], spends: bool = False) -> bool:
    """Nothing in ``body`` reads or writes ``h_f`` but the ``return`` write-back (and, with
    ``spends``, the work on large values that :class:`Spent` rewrites), and no nested loop
    or scope: unlike :func:`_quiet`, ``break`` and ``return`` are fine."""
    for stmt in body:
        for node in walk(stmt, spends):
            if isinstance(node, (py.For, py.While, py.Lambda, py.ListComp, py.SetComp, py.DictComp,
                                 py.GeneratorExp)):
                return False
            if isinstance(node, py.Name) and node.id == LOCAL and isinstance(node.ctx, py.Store):
                return False
            if isinstance(node, ir.MARKERS):
                return False
    return True


def walk(node: py.AST, spends: bool):
    """``ast.walk``, without entering charges of work on large values when ``spends``."""
    todo = [node]
    while todo:
        item = todo.pop()
        if spends and is_spend_call(item):
            continue  # a charge of work on large values: skipped whole
        yield item
        todo.extend(py.iter_child_nodes(item))


def has_spends(body: list[py.AST]) -> bool:
    return any(is_spend_call(n) for stmt in body for n in py.walk(stmt))


def is_spend_call(node: py.AST) -> bool:
    return isinstance(node, ir.Spend)


class Spent(py.NodeTransformer):
    """Charges of work on large values (``ir.Spend(cost)``) -> ``make(cost)``: what a
    countdown or precharged loop charges them with."""

    def __init__(self, make: Callable[[py.expr], py.expr]) -> None:
        self.make = make

    def visit_Spend(self, node: ir.Spend) -> py.AST:
        self.generic_visit(node)
        return P.at(self.make(node.cost), node)
