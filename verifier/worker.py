"""Killable processes for the Z3 work of a verify call.

One worker is forked per call (it inherits the checked module without pickling, and Z3 is
already imported: starting it costs milliseconds). It and the calling process (once its
Hypothesis runs are done) claim functions and check each one's obligations in a fresh fork
of their own (:func:`run_lane`), in a Z3 context of its own (:mod:`seglam.verifier.context`),
so a function's results do not depend on which process checked it or what was checked
before. Each obligation has its own solver and ``rlimit``
(reproducible); the wall-clock ``timeout`` is only a safety net that turns a hang (Z3 does
not always honour its limits) into ``unknown``. Obligations nobody reported are ``unknown``
too.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from dataclasses import dataclass

from seglam.verifier.claims import Claims, Spending


@dataclass(frozen=True)
class LaneEnd:
    """The worker has no Z3 work left (``stopped``: why it ended early, if it did)."""

    stopped: str | None


@dataclass
class Z3Run:
    """A running worker: collect its messages with :meth:`collect`."""

    process: object
    conn: object
    started: float
    messages: list
    inline: bool = False
    finished: bool = False

    def drain(self) -> None:
        """Take the messages waiting in the pipe, without blocking (a full pipe would stall
        the worker while this process is busy)."""
        if self.inline or self.finished:
            return
        try:
            while self.conn.poll(0):
                msg = self.conn.recv()
                if msg == "done":
                    self.finished = True
                    return
                self.messages.append(msg)
        except (EOFError, OSError):
            return

    def collect(self, timeout: float) -> tuple[list, str | None]:
        """All messages, and a reason if the worker had to be stopped early."""
        if self.inline:
            return self.messages, None
        if self.finished:
            self.stop()
            return self.messages, None
        deadline = self.started + timeout
        stopped = None
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                stopped = f"wall-clock safety timeout ({timeout:g} s)"
                break
            try:
                if not self.conn.poll(min(left, 0.5)):
                    if not self.process.is_alive() and not self.conn.poll(0):
                        stopped = "the solver process died"
                        break
                    continue
                msg = self.conn.recv()
            except (EOFError, OSError):
                stopped = "the solver process died"
                break
            if msg == "done":
                break
            self.messages.append(msg)
        self.stop()
        return self.messages, stopped

    def stop(self) -> None:
        if self.inline:
            return
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.conn.close()


def _child(job, conn) -> None:
    try:
        job(conn.send)
        conn.send("done")
    except BaseException:  # noqa: BLE001 - the parent reports what it did not receive
        pass
    finally:
        conn.close()
        os._exit(0)  # no atexit handlers or inherited buffers in a forked child


def _fork():
    try:
        return mp.get_context("fork")
    except ValueError:
        return None


def make_claims(n: int) -> Claims:
    """Claims on ``n`` functions, shared with a worker forked after this call."""
    return Claims(n, _fork())


def make_spending(n: int) -> Spending:
    """What ``n`` functions' Z3 checks spend, shared with a worker forked after this call."""
    return Spending(n, _fork())


def start_job(job) -> Z3Run:
    """Run ``job(send)`` in a forked worker; ``send`` delivers one message to the parent."""
    ctx = _fork()
    if ctx is None:
        messages: list = []
        job(messages.append)
        return Z3Run(None, None, time.monotonic(), messages, inline=True)
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(job, child), daemon=True)
    process.start()
    child.close()
    return Z3Run(process, parent, time.monotonic(), [])


def run_lane(claims: Claims, take, job_for, send, deadline: float, pump=None) -> str | None:
    """Claim functions (``take(claims)`` gives an index or None) and run ``job_for(i)(send)``
    for each in a fresh fork of this process, forwarding its messages through ``send``.

    A fork can be killed when Z3 ignores its limits, and gives its memory back. That a
    function's results do not depend on which lane checked it, or on what was checked before,
    comes from its Z3 context of its own (:func:`seglam.verifier.z3pass.run_function`): a fork
    alone inherits its parent's Z3 history. Returns why the lane stopped early (the
    wall-clock safety net), or None."""
    while time.monotonic() < deadline:
        i = take(claims)
        if i is None:
            return None
        if not _can_fork():
            job_for(i)(send)  # no fork on this platform: in this process, in claim order
            continue
        stopped = _run_forked(job_for(i), send, deadline, pump)
        if stopped is not None:
            return stopped
    return "wall-clock safety timeout"


def _can_fork() -> bool:
    return hasattr(os, "fork") and _fork() is not None


def _run_forked(job, send, deadline: float, pump=None) -> str | None:
    parent, child = mp.Pipe(duplex=False)
    pid = os.fork()
    if pid == 0:  # the child
        parent.close()
        _die_with_parent()
        _child(job, child)
    child.close()
    stopped = None
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                stopped = "wall-clock safety timeout"
                break
            if pump is not None:
                pump()
            if not parent.poll(min(left, 0.5 if pump is None else 0.05)):
                continue
            try:
                msg = parent.recv()
            except (EOFError, OSError):
                stopped = "the solver process died"
                break
            if msg == "done":
                break
            send(msg)
    finally:
        if stopped is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        os.waitpid(pid, 0)
        parent.close()
    return stopped


def _die_with_parent() -> None:
    """A forked checker must not outlive the process waiting for it (Linux only)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - elsewhere the safety net still kills the lane
        pass
