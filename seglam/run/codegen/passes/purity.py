"""Pass ``purity``: which code may count fuel in a local, because nothing in it but the fuel
markers can reach the context's fuel counter.

Contract. Input: generated code whose fuel work is still the IR's nodes (``ir.Step``, and the
markers ``ir.Charge``, ``ir.Spend``, ``ir.ItemStep``). :meth:`Purity.pure`
is true when no call in the code can read or charge ``ctx.fuel`` (every call is a marker,
``ctx.out_of_fuel()`` or ``ctx.refuel(h_f)``, an allow-listed native global, ``safe``, or an allow-listed native
method, :data:`SAFE_METHODS`), no scope starts in it but a lambda (created, not called; its
body keeps the context counter), no ``try`` can catch the fault, no item read can run a
``defaultdict`` factory (``subscripts_may_charge``), and every marker stands where ``:=`` is
legal (never in a comprehension iterable). It changes nothing; ``local_fuel`` rewrites only
what it calls pure, so the steps charged and the point where ``F-FUEL`` fires stay those of
the context counter. Golden tests: ``tests/compiled/test_pass_purity.py``.
"""

from __future__ import annotations

import ast as py
from dataclasses import dataclass
from typing import Callable

from seglam.run.codegen.state import CTX
from seglam.run.ir import nodes as ir
from seglam.run.stdlib_text import GROWING_STR_METHODS, LINEAR_STR_METHODS, PADDING_STR_METHODS

#: Native method names generated code may call directly (never a user-reachable method:
#: user method calls always go through the stdlib, so these come from the generator).
SAFE_METHODS = frozenset({
    "append", "add", "extend", "pop", "get", "setdefault", "keys", "values", "items", "bit_length", "split", "rsplit",
    "join",
}) | LINEAR_STR_METHODS | GROWING_STR_METHODS | PADDING_STR_METHODS


@dataclass(frozen=True)
class Purity:
    """The purity of one generated module's code. ``safe(name)`` says whether the global
    ``name`` is an allow-listed native (it never touches fuel)."""

    safe: Callable[[str], bool]
    # A defaultdict's factory runs inside `d[k]` (and may be charged, or be a lambda): in
    # programs that can build one, reading an item is not pure.
    subscripts_may_charge: bool

    def pure(self, node: py.AST) -> bool:
        """No call in ``node`` can reach the fuel counter (other than the markers), and every
        marker is in a place where ``:=`` is legal."""
        return self._pure(node, in_comp_iter=False)

    def _pure(self, node: py.AST, in_comp_iter: bool) -> bool:
        if isinstance(node, (py.Lambda,)):
            return True  # created, not called, here (a call of it is a call: impure)
        if isinstance(node, (py.FunctionDef, py.GeneratorExp, py.Nonlocal, py.Global, py.Try)):
            return False
        if isinstance(node, py.Call):
            if not self.safe_call(node):
                return False
            if in_comp_iter and isinstance(node, ir.MARKERS):
                return False  # would need := inside a comprehension iterable
        if isinstance(node, py.NamedExpr) and in_comp_iter:
            return False
        if self.subscripts_may_charge and isinstance(node, py.Subscript) and isinstance(node.ctx, py.Load):
            return False
        if isinstance(node, (py.ListComp, py.SetComp, py.DictComp)):
            for gen in node.generators:
                if not self._pure(gen.iter, True) or not self._pure(gen.target, in_comp_iter):
                    return False
                if not all(self._pure(c, in_comp_iter) for c in gen.ifs):
                    return False
            elts = [node.key, node.value] if isinstance(node, py.DictComp) else [node.elt]
            return all(self._pure(e, in_comp_iter) for e in elts)
        return all(self._pure(c, in_comp_iter) for c in py.iter_child_nodes(node))

    def safe_call(self, node: py.Call) -> bool:
        """The call cannot reach the fuel counter (a marker counts as safe: it is the count)."""
        if isinstance(node, ir.MARKERS):
            return True
        f = node.func
        if isinstance(f, py.Name):
            return f.id.startswith("g_") and self.safe(f.id)
        if isinstance(f, py.Attribute):
            if isinstance(f.value, py.Name) and f.value.id == CTX:
                return f.attr in ("out_of_fuel", "refuel")
            return f.attr in SAFE_METHODS
        return False


def has_step_marker(node: py.AST) -> bool:
    """``node`` holds a comprehension step marker (``ir.ItemStep``): a comprehension that counts."""
    return any(isinstance(n, ir.ItemStep) for n in py.walk(node))
