"""Python exception → located Seglam :class:`Fault`.

The innermost frame of generated code in the traceback is where the fault happened: its
line number indexes the span table. The generated frames that are Seglam functions give the
call trace (outermost first), each with the span of its call site.
"""

from __future__ import annotations

from typing import Any

from seglam.run.faults import Fault, Frame
from seglam.run.stdlib_core import fault_for


def _generated_frames(exc: BaseException, code_filename: str) -> list[tuple[str, int]]:
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        code = tb.tb_frame.f_code
        if code.co_filename == code_filename:
            frames.append((code.co_name, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def _span(prepared: Any, line: int | None):
    if line is None or not (0 < line < len(prepared.spans)):
        return None
    return prepared.spans[line]


def to_fault(exc: BaseException, prepared: Any, filename: str, entry: str | None) -> Fault:
    """The located fault for ``exc`` raised while running ``prepared``'s code."""
    fault = _classify(exc)
    frames = _generated_frames(exc, prepared.code_filename)
    names = prepared.code_names
    span = _span(prepared, frames[-1][1]) if frames else None
    if fault.code == "F-DEPTH" and len(frames) >= 2 and names.get(frames[-1][0]) is not None \
            and span == prepared.def_spans.get(names[frames[-1][0]]):
        # refused at the entry of a call: the fault is at the call site, and the refused
        # call is not part of the trace
        frames = frames[:-1]
        span = _span(prepared, frames[-1][1])
    trace: list[Frame] = []
    previous_line = None
    last_function = None
    for co_name, line in frames:
        function = names.get(co_name)
        if function is not None and not (co_name.startswith("h_impl_") and function == last_function):
            call_site = _span(prepared, previous_line) if previous_line is not None else _def_span(prepared, function)
            trace.append(Frame(function, call_site))
            last_function = function
        previous_line = line
    return fault.located(span, tuple(trace), filename)


def _def_span(prepared: Any, function: str):
    return prepared.def_spans.get(function)


def _classify(exc: BaseException) -> Fault:
    if isinstance(exc, Fault):
        return exc
    if isinstance(exc, RuntimeError) and isinstance(exc.__cause__, Fault):
        return exc.__cause__  # a fault inside a generator, re-raised by Python as RuntimeError
    return fault_for(exc)
