"""Python exception → located Seglam :class:`Fault`, placed where the reference backend
places it.

The frames of generated code in the traceback tell where the fault happened: a frame's line
number indexes the span table built during generation. The rules mirror the reference
(a tree walker that locates a fault at the innermost node *being evaluated*):

- a fault on the structural line of a generator expression (its step) or of a lambda (its
  entry) belongs to the code that drives them (``sum(...)``, ``sorted(...)``), because the
  reference evaluates a generator's steps and a lambda's entry inside that call;
- a fault at a function's depth check belongs to the call site, and the refused call is
  not part of the trace.

The trace lists the Seglam function and lambda frames, outermost first, each with the span
of its call site, or its name when the call came from the host or a builtin.
"""

from __future__ import annotations

import re
from typing import Any

from seglam.run.faults import Fault, Frame, none_attribute
from seglam.run.stdlib_core import fault_for

def _frames(exc: BaseException, code_filename: str) -> list[tuple[str, int, bool, int]]:
    """``(code name, line, called from outside generated code, first line)`` per generated
    frame (a lambda's first line is the lambda's own span)."""
    frames = []
    outside = True
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == code_filename:
            frames.append((code.co_name, tb.tb_lineno, outside, code.co_firstlineno))
            outside = False
        else:
            outside = True
        tb = tb.tb_next
    return frames


def _span(prepared: Any, line: int | None):
    if line is None or not (0 < line < len(prepared.spans)):
        return None
    return prepared.spans[line]


def to_fault(exc: BaseException, prepared: Any, filename: str, entry: str | None) -> Fault:
    """The located fault for ``exc`` raised while running ``prepared``'s code."""
    fault = _classify(exc)
    frames = _frames(exc, prepared.code_filename)
    if frames and fault.code == "F-NONE":
        fault = _none_receiver(exc, prepared, frames[-1][1]) or fault
    names = prepared.code_names
    # a generator's step belongs to its driver; a comprehension that is at the line of the
    # one it runs (an inner comprehension, called from its element) is that driver's context
    stepped = None
    while len(frames) >= 2 and frames[-1][0] in ("<genexpr>", "<lambda>", "<listcomp>") \
            and frames[-1][1] in prepared.driven_lines and frames[-1][1] != stepped:
        stepped = frames.pop()[1]
    span = None
    if len(frames) >= 2 and frames[-1][0] in names and frames[-1][1] in prepared.entry_lines:
        frames.pop()  # refused at the entry of a call (step or depth): not entered
    if frames:
        line = frames[-1][1]
        if len(frames) >= 2 and frames[-1][0] in names and line in prepared.entered_lines:
            line = frames[-2][1]  # entered, but no node of its body runs yet: the call site
        span = prepared.driver_spans.get(line) or _span(prepared, line)
    trace: list[Frame] = []
    previous_line = None
    last_function = None
    for co_name, line, from_outside, first_line in frames:
        function = names.get(co_name)
        if co_name == "<lambda>":
            function = "<lambda>"
        if function is not None and not (co_name.startswith("h_impl_") and function == last_function):
            if from_outside or previous_line is None:
                call_site = prepared.name_spans.get(function) if co_name != "<lambda>" else _span(prepared, first_line)
            else:
                call_site = _span(prepared, previous_line)
            trace.append(Frame(function, call_site))
            last_function = function
        previous_line = line
    return fault.located(span, tuple(trace), filename)


def _none_receiver(exc: BaseException, prepared: Any, line: int) -> Fault | None:
    """The fault of a str method called on None at ``line`` (a regex group that took no part,
    typed ``str``): the reference finds no such method on None and says which
    (:func:`none_attribute`), while this backend calls the method at once, inline (whose first
    step takes the receiver's length) or the stdlib's (``impl(ctx, receiver, ...)``). None
    when the receiver was not None (an argument was, say)."""
    name = prepared.str_method_lines.get(line)
    if name is None:
        return None
    tb, last = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == prepared.code_filename:
            last = tb
        tb = tb.tb_next
    below = last.tb_next if last is not None else None
    if below is None:
        return none_attribute(name) if str(exc) == _NO_LENGTH else None
    code = below.tb_frame.f_code
    if code.co_argcount >= 2 and below.tb_frame.f_locals.get(code.co_varnames[1], "") is None:
        return none_attribute(name)
    return None


#: CPython's words for ``len(None)``.
_NO_LENGTH = "object of type 'NoneType' has no len()"


def _classify(exc: BaseException) -> Fault:
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, RuntimeError) and isinstance(exc.__cause__, Fault):
        return exc.__cause__  # a fault inside a generator, re-raised by Python as RuntimeError
    fault = fault_for(exc)
    if isinstance(exc, TypeError):  # Python's words about a call name the generated code
        return Fault(fault.code, _GENERATED_NAME.sub("", fault.message), fault.span, fault.trace)
    return fault


#: A name of the generated code in a message: ``h_factory.<locals>.`` before a def's name,
#: and the ``u_`` of a program's names (``u_f() got an unexpected keyword argument 'u_h_d'``).
_GENERATED_NAME = re.compile(r"\bh_factory\.<locals>\.|\bu_(?=\w)")
