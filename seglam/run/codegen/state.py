"""What every part of the generator shares: the generated module's reserved names, the
Python operator tables, the generator's error, and the state of the function being emitted.

A leaf of the codegen package (it imports no other part of the generator but ``scopes``, and
the IR's marker names), so the parts that emit statements, expressions, calls and charges can
all use it without importing each other in a circle."""

from __future__ import annotations

import ast as py
from dataclasses import dataclass

from seglam.run.codegen.scopes import Scope
from seglam.run.ir import nodes as ir
from seglam.syntax.span import Span

CTX = "h_ctx"
DEPTH = "h_d"
MAXD = "h_maxd"
TICK = "h_tick"
#: the builtin ``next``, as the factory's local: a step is ``h_next(h_ctx.ticks, False)``
NEXT = "h_next"
INT_LIM = "h_ilim"
NEG_INT_LIM = "h_nilim"
STR_LIM = "h_slim"
LEN_LIM = "h_clim"
JOIN_MAX = "h_jn"
#: A join of at most ``JOIN_BUDGET // (max_str_len + 1)`` items is built before its length
#: is capped: even with every item at the cap, the string thrown away is this many characters.
JOIN_BUDGET = 1 << 24
#: ``h_ch(n)``, ``h_cx(n)``: the context forms of the IR's charge markers (seglam.run.ir.nodes:
#: Charge, Spend), bound by the module's factory; an ``ItemStep`` is written inline.
CHARGE = ir.CHARGE
SPEND = ir.SPEND
#: Ints within ``-h_small <= v <= h_small`` cost no extra work (seglam.run.cost.SMALL_BITS).
SMALL = "h_small"
NEG_SMALL = "h_nsmall"
#: The local a region that counts fuel in a local keeps it in (seglam.run.codegen.fuel).
LOCAL_FUEL = "h_f"
#: A function's ``{id(copy): (copy, original)}`` of the copies its entry froze the arguments
#: into, for its returns (``values.handed_back``: a returned copy is the caller's own object).
COPIES = "h_copies"

PY_BINOPS = {
    "+": py.Add, "-": py.Sub, "*": py.Mult, "/": py.Div, "//": py.FloorDiv, "%": py.Mod,
    "**": py.Pow, "<<": py.LShift, ">>": py.RShift, "&": py.BitAnd, "|": py.BitOr,
    "^": py.BitXor,
}
PY_CMPOPS = {
    "==": py.Eq, "!=": py.NotEq, "<": py.Lt, "<=": py.LtE, ">": py.Gt, ">=": py.GtE,
    "in": py.In, "not in": py.NotIn, "is": py.Is, "is not": py.IsNot,
}
PY_UNARY = {"-": py.USub, "+": py.UAdd, "not": py.Not, "~": py.Invert}


class CodegenError(Exception):
    """The checked tree holds something the generator does not handle (a checker gap)."""

    def __init__(self, message: str, span: Span | None) -> None:
        super().__init__(message)
        self.span = span


@dataclass
class FnState:
    """What the generator knows about the function whose body it is emitting."""

    name: str  # Seglam name, for traces
    scope: Scope
    loop_depth: int = 0
    #: whether its returns hand back the originals of the copies in ``COPIES``
    hands_back: bool = False
