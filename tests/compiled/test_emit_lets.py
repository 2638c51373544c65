"""Emission writes a ``Let`` in place unless a pass shared it between two versions of a loop
(seglam/run/codegen/emit.py): a shared one is written into a copy per use, so each version
binds its own temporary; any other is not copied (copying every one made compiling a long
f-string spend a third of its time in deepcopy)."""

from __future__ import annotations

import ast as py
import copy

from seglam.run.codegen.emit import python_forms
from seglam.run.ir import nodes as ir


def _let() -> ir.Let:
    value = py.BinOp(left=py.Name(id="u_a", ctx=py.Load()), op=py.Add(), right=py.Constant(value=1))
    body = py.BinOp(left=py.Name(id="h_t1", ctx=py.Load()), op=py.Mult(), right=py.Name(id="h_t1", ctx=py.Load()))
    return ir.Let("h_t1", value, body)


def test_a_let_shared_by_two_versions_is_written_once_per_version():
    shared = _let()
    tree = py.IfExp(test=py.Name(id="u_c", ctx=py.Load()), body=shared, orelse=shared)
    out = py.unparse(python_forms(py.Expression(body=tree)))
    assert out == "(h_t1 := (u_a + 1)) * h_t1 if u_c else (h_t1 := (u_a + 1)) * h_t1"


def test_an_unshared_let_is_written_in_place():
    let = _let()
    body = let.body
    tree = py.IfExp(test=py.Name(id="u_c", ctx=py.Load()), body=let, orelse=copy.deepcopy(_let()))
    out = python_forms(py.Expression(body=tree))
    assert out.body.body is body  # not a copy
    assert py.unparse(out) == "(h_t1 := (u_a + 1)) * h_t1 if u_c else (h_t1 := (u_a + 1)) * h_t1"
