"""Deep runs without crashing the process: the host recursion limit and the C stack.

A Seglam call takes several Python frames, and a frame that re-enters the interpreter from C
(``sum`` over a generator, ``map`` or ``sorted`` calling a lambda) also takes C stack. A
recursion limit raised too far lets CPython overflow its C stack: a segfault, not a
``RecursionError``. Measured on CPython 3.11 / x86-64 with 8 MiB of stack, the worst case
(every frame a C re-entry, ``max(map(f, ...))``) crashes between 20 000 and 25 000 frames.

So the process-wide limit is raised only up to :data:`SAFE_FRAMES` for runs on an ordinary
thread stack; a run that needs more frames (a large ``Limits.max_depth``) runs in a worker
thread created with a stack sized for it (:data:`BYTES_PER_FRAME` per frame, several times the
measured worst case; memory is committed lazily, so an unused stack costs address space only).
A thread whose run needs few frames never goes deeper than that, whatever the process limit
is at the time, because Seglam's own depth check (``F-DEPTH``) stops it first.
"""

from __future__ import annotations

import sys
import threading
from typing import Any, Callable

from seglam.syntax import ast as A

#: Frames an 8 MiB stack survives even when every frame re-enters C (about half the
#: measured crash point).
SAFE_FRAMES = 12_000
#: C stack reserved per frame in a worker thread (the measured worst case is ~400 bytes).
BYTES_PER_FRAME = 1_536
#: Extra stack for the worker's own frames and C code that is not a frame (re2, sorting).
_MARGIN = 16 * 1024 * 1024
#: The largest recursion limit ever set (its worker stack: ~400 MiB of address space).
MAX_FRAMES = 250_000


def frames_per_call(module: A.Module) -> int:
    """The Python frames the reference backend allows for one Seglam call of ``module``."""
    return 2 * _tree_depth(module) + 24


def _tree_depth(module: A.Module) -> int:
    """The depth of ``module``'s syntax tree, without recursion."""
    deepest = 0
    stack = [(module, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in A.iter_children(node))
    return deepest


def deepest_reachable(frames_per_call: int) -> int:
    """The largest ``Limits.max_depth`` a program that takes up to ``frames_per_call`` Python
    frames per Seglam call can run at on both backends: past it the reference backend would
    reach :data:`MAX_FRAMES` (the host's recursion limit, F-DEPTH at another depth) where
    the compiled one, which takes fewer frames per call, still returns a value."""
    return max(0, (MAX_FRAMES - 1_200) // frames_per_call - 2)


_LOCK = threading.Lock()
_DEEP_LOCK = threading.Lock()


def current_depth() -> int:
    """The number of Python frames on this thread's stack."""
    frame = sys._getframe(1)
    depth = 1
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


def _raise_limit(frames: int) -> None:
    if sys.getrecursionlimit() < frames:
        with _LOCK:
            if sys.getrecursionlimit() < frames:
                sys.setrecursionlimit(frames)


def run_deep(frames: int, thunk: Callable[[], Any]) -> Any:
    """``thunk()`` with room for ``frames`` more Python frames (capped at
    :data:`MAX_FRAMES`): on this thread when that stays within :data:`SAFE_FRAMES`, else
    on a worker thread with a stack big enough. Returns its value or raises its exception."""
    needed = current_depth() + frames
    if needed <= SAFE_FRAMES:
        _raise_limit(needed)
        return thunk()
    return _on_big_stack(min(frames + 200, MAX_FRAMES), thunk)


def _on_big_stack(frames: int, thunk: Callable[[], Any]) -> Any:
    box: list = [None, None]

    def main() -> None:
        try:
            box[0] = thunk()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread
            box[1] = exc

    size = frames * BYTES_PER_FRAME + _MARGIN
    size = (size + 0xFFFF) & ~0xFFFF
    # The recursion limit is process-wide, and a limit this high would let any other code in
    # the process (a JSON decoder fed 200,000 brackets, say) overflow its 8 MiB C stack. So
    # deep runs take turns, and the limit goes back down as soon as the run ends.
    with _DEEP_LOCK:
        previous_limit = sys.getrecursionlimit()
        with _LOCK:  # threading.stack_size is process-wide too: set, start, restore
            if previous_limit < frames:
                sys.setrecursionlimit(frames)
            old = threading.stack_size(size)
            try:
                worker = threading.Thread(target=main, name="seglam-deep-run", daemon=True)
                worker.start()
            finally:
                threading.stack_size(old)
        worker.join()
        with _LOCK:  # keep what runs on ordinary threads may have raised it to meanwhile
            sys.setrecursionlimit(max(previous_limit, min(sys.getrecursionlimit(), SAFE_FRAMES)))
    if box[1] is not None:
        raise box[1]
    return box[0]
