"""A host-level wall-clock guard for serving a hit (``Engine(hit_deadline=...)``).

Fuel bounds every run deterministically (SPEC.md §10); this guard is only for the host that
wants a hard ceiling on one request's time on a slow or loaded machine. It is not part of
program semantics: a run it stops gives no value and no fault, and the engine reports the
request in its own tier, ``"deadline"``.
"""

from __future__ import annotations

import ctypes
import threading
from typing import Callable, TypeVar

T = TypeVar("T")


class DeadlineExceeded(BaseException):
    """The guarded call ran past its deadline and was stopped (a BaseException, so the
    backends, which turn exceptions into faults, let it through)."""


def call_with_deadline(fn: Callable[[], T], seconds: float | None) -> T:
    """``fn()`` in this thread; after ``seconds`` a watcher raises :class:`DeadlineExceeded`
    in it (between two Python bytecodes: fuel keeps every C-level step short). ``None``:
    no deadline."""
    if seconds is None:
        return fn()
    target = threading.get_ident()
    lock = threading.Lock()
    state = {"finished": False, "fired": False}
    finished = threading.Event()

    def watch() -> None:
        if finished.wait(seconds):
            return
        with lock:
            if not state["finished"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), ctypes.py_object(DeadlineExceeded))

    watcher = threading.Thread(target=watch, name="seglam-deadline", daemon=True)
    watcher.start()
    try:
        return fn()
    finally:
        with lock:
            state["finished"] = True
            if state["fired"]:  # not delivered yet: withdraw it
                ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(target), None)
        finished.set()
        watcher.join()
