"""The IR of the compiled backend's fuel layer (docs/IMPL.md, "The compiled backend
pipeline"): what the lowering states, as nodes, about the fuel and size work of the code it
builds, for the passes after it and for emission.

Lowering (``seglam.run.codegen``) builds these nodes where it used to build the Python code
of a step, a charge, a cap check, a loop or a call; the passes (``codegen/passes/``) find
them by their class, never by the shape of the code; emission (``codegen/emit.py``) writes
each one's Python form and leaves none in the tree that is compiled. The rest of the tree is
still Python ``ast``, so each node is a Python ``ast`` node class: a marker of the same
Python node as its context form (``Charge`` is a ``Call`` of ``h_ch``, ``GrowCheck`` an
``If``), and every fact an attribute its class declares (``facts``). The passes walk and
copy them with the rest of the tree (``copy.deepcopy`` keeps the class and the facts). The
nodes with no Python twin are :class:`Step`, a statement that emission writes as two, and
:class:`Let`, written as ``:=`` or, where Python forbids it, as a comprehension clause.

A node's facts are fixed when it is built (a pass that changes one builds a new node); its
children, Python ``ast``, are still rewritten in place by the passes over Python ``ast``. The
nodes become frozen dataclasses when expressions are lowered to the IR as well.
"""

from __future__ import annotations

import ast as py
from typing import Any, Literal

#: The markers' call names: ``h_ch(n)`` is ``ctx.charge`` and ``h_cx(n)`` ``ctx.spend`` (bound
#: by the generated module's factory); ``h_ctk()``, one comprehension step, names the marker in
#: the IR only (emission writes the step inline).
CHARGE = "h_ch"
SPEND = "h_cx"
ITEM_STEP = "h_ctk"
#: The IR name of a lambda's entry (:class:`LambdaEntry`; emission writes it inline).
LAMBDA_ENTRY = "h_lam"

#: How a sized iterable's length is measured up front: ``len`` (a str, a tuple, a fresh list)
#: or the runtime's ``sized_len`` (a range, ``reversed`` of one); ``unmutated`` (a comprehension
#: clause's list or dict) is measured with ``len`` too, but holds only where nothing in the
#: comprehension can change a collection (``passes.sized.mutates``). ``zipped``: a native
#: ``zip(a, b, ...)`` or ``enumerate(a)`` of sized iterables, as long as its shortest one
#: (the runtime's ``zipped_len``); ``zipped_unmutated`` when one of them is a held list or
#: dict, which holds only as ``unmutated`` does.
Sized = Literal["len", "sized_len", "unmutated", "zipped", "zipped_unmutated"]

#: The measures that hold only while nothing in the loop changes a collection.
UNMUTATED = frozenset({"unmutated", "zipped_unmutated"})


class _Fixed:
    """A node whose facts (``facts``) are set once, when it is built."""

    facts: tuple[str, ...] = ()

    def __setattr__(self, name: str, value: Any) -> None:
        if name in self.facts and name in self.__dict__:
            raise AttributeError(f"{type(self).__name__}.{name} is fixed when the node is built")
        super().__setattr__(name, value)


class Step(_Fixed, py.stmt):
    """One step of fuel: a loop iteration, a call's entry, a contract check. ``local``: it
    counts in the local ``h_f`` (pass ``local_fuel``) instead of ``ctx.fuel``; ``merged``:
    the steps of a constant charge joined to it (pass ``merge_step_charge``), whose fault is
    located at ``merged_at`` (the charge's line)."""

    _fields = ()
    facts = ("local", "merged", "merged_at")

    def __init__(self, local: bool = False, merged: int = 0, merged_at: int = 0, **positions: Any) -> None:
        super().__init__(**positions)
        self.local = local
        self.merged = merged
        self.merged_at = merged_at


class _Marker(_Fixed, py.Call):
    """A charge marker: in its context form a call of the factory's ``callee``; ``local``:
    it counts in ``h_f`` (the last step of the pass ``local_fuel``)."""

    callee = ""
    facts = ("local",)

    def __init__(self, *args: py.expr, local: bool = False, **positions: Any) -> None:
        super().__init__(func=py.Name(id=self.callee, ctx=py.Load()), args=list(args), keywords=[], **positions)
        self.local = local

    @property
    def cost(self) -> py.expr:
        return self.args[0]


class Charge(_Marker):
    """``Charge(n)``: the stdlib's bulk charge, ``1 + n // BULK_UNIT`` steps."""

    callee = CHARGE


class Spend(_Marker):
    """``Spend(n)``: exactly ``n`` steps of work on large values (``seglam.run.cost``)."""

    callee = SPEND


class ItemStep(_Marker):
    """The step of one comprehension item, first in its clause's conditions (a true value)."""

    callee = ITEM_STEP


class LambdaEntry(_Fixed, py.Call):
    """The entry of a lambda call, the test of its body: one step of the context's fuel (a
    lambda keeps the context counter), then its depth (``depth``, the depth of the code that
    made it, against the cap, faulting through ``fault``, the name of ``Runtime.depth_fault``);
    true. Not a charge marker: the passes see a call they know nothing of, as they would a
    helper's. In its IR form a call of ``h_lam``."""

    facts = ("fault",)

    def __init__(self, depth: py.expr | None = None, fault: str = "", **positions: Any) -> None:
        super().__init__(func=py.Name(id=LAMBDA_ENTRY, ctx=py.Load()), args=[depth] if depth else [], keywords=[],
                         **positions)
        self.fault = fault

    @property
    def depth(self) -> py.expr:
        return self.args[0]


class GrowCheck(_Fixed, py.If):
    """The collection-cap check after ``container.append(v)``, ``container.add(v)`` or
    ``container[k] = v``: ``if len(container) > cap: <fault>``."""

    facts = ("container",)

    def __init__(self, test: py.expr | None = None, body: list[py.stmt] | None = None, container: str = "",
                 **positions: Any) -> None:
        super().__init__(test=test, body=body or [], orelse=[], **positions)
        self.container = container


class For(_Fixed, py.For):
    """A ``for`` loop; ``sized``: how its iterable is measured when its length is known up
    front and cannot change while it is iterated, else None."""

    facts = ("sized",)

    def __init__(self, target: py.expr | None = None, iter: py.expr | None = None,
                 body: list[py.stmt] | None = None, orelse: list[py.stmt] | None = None,
                 sized: Sized | None = None, **positions: Any) -> None:
        super().__init__(target=target, iter=iter, body=body or [], orelse=orelse or [], type_comment=None,
                         **positions)
        self.sized = sized


class Clause(_Fixed, py.comprehension):
    """A comprehension clause; ``sized`` as for :class:`For`."""

    facts = ("sized",)

    def __init__(self, target: py.expr | None = None, iter: py.expr | None = None,
                 ifs: list[py.expr] | None = None, sized: Sized | None = None) -> None:
        super().__init__(target=target, iter=iter, ifs=ifs or [], is_async=0)
        self.sized = sized


class Def(_Fixed, py.Name):
    """The name of a Seglam def in a call; ``module_level``: a def of the module (which sees
    its arguments frozen and none of its caller's collections)."""

    facts = ("module_level",)

    def __init__(self, id: str = "", module_level: bool = False, **positions: Any) -> None:
        super().__init__(id=id, ctx=py.Load(), **positions)
        self.module_level = module_level


class CapInt(_Fixed, py.IfExp):
    """The int cap test of an int result, the body of the ``Let`` that binds it (``t if
    within(t) else <slow path>``); ``work``: the operation ``(op, a, b)`` whose work the slow
    path charges, or None (a plain cap check)."""

    facts = ("work",)

    def __init__(self, test: py.expr | None = None, body: py.expr | None = None, orelse: py.expr | None = None,
                 work: tuple[str, py.expr, py.expr] | None = None, **positions: Any) -> None:
        super().__init__(test=test, body=body, orelse=orelse, **positions)
        self.work = work


class Let(_Fixed, py.expr):
    """``Let(name, value, body)``: ``value``, bound to the temporary ``name``, then ``body``
    (which reads ``name``); its value is ``body``'s. What ``body`` evaluates before its first
    read of ``name`` must be free to run before ``value`` (loads, and work that can neither
    fault nor charge): emission writes ``name := value`` at that first read where Python
    allows ``:=``, and elsewhere (a comprehension iterable) moves ``value`` in front, as a
    clause ``for name in (value,)`` or ``[body for name in (value,)][0]``."""

    _fields = ("value", "body")
    facts = ("name",)

    def __init__(self, name: str = "", value: py.expr | None = None, body: py.expr | None = None,
                 **positions: Any) -> None:
        super().__init__(value=value, body=body, **positions)
        self.name = name


class Effect(py.Subscript):
    """``Effect(value)``: ``value`` evaluated for its effect only, emitted as ``(value and
    False)`` (always falsy: first in an ``or``, what follows it is evaluated too). Held as
    the tuple ``(value, False)`` so that passes walk ``value`` as a child; ``and`` instead of
    the tuple's ``[1]`` because it builds no tuple (a third of the time: timeit), and every
    value a Seglam program holds is truth-tested without effect or fault."""

    def __init__(self, value: py.expr | None = None, **positions: Any) -> None:
        super().__init__(value=py.Tuple(elts=[value, py.Constant(value=False)], ctx=py.Load()),
                         slice=py.Constant(value=1), ctx=py.Load(), **positions)


def lets(bindings: list[tuple[str, py.expr]], body: py.expr) -> py.expr:
    """``body`` inside a ``Let`` for each ``(name, value)``, the first outermost."""
    for name, value in reversed(bindings):
        body = Let(name, value, body)
    return body


def sized_of(node: py.AST) -> Sized | None:
    """How the iterable of a loop or comprehension clause is measured, or None."""
    return node.sized if isinstance(node, (For, Clause)) else None


def needs_unmutated(node: py.AST) -> bool:
    """The length of the loop's or clause's iterable holds only while nothing in it changes
    a collection (a held list or dict among what it iterates)."""
    return sized_of(node) in UNMUTATED


def is_module_call(node: py.AST) -> bool:
    """``node`` calls a def of the module."""
    return isinstance(node, py.Call) and isinstance(node.func, Def) and node.func.module_level


#: The charge markers (each a call in its context form).
MARKERS = (Charge, Spend, ItemStep)
