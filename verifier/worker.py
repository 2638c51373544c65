"""One killable worker process per verify call, running every Z3 obligation in turn.

The worker is forked, so it inherits the checked module without pickling and Z3 is already
imported: starting it costs milliseconds. Each obligation has its own solver and ``rlimit``
(reproducible); the wall-clock ``timeout`` is only a safety net that turns a hang (Z3 does
not always honour its limits) into ``unknown``. Obligations the worker never reported are
``unknown`` too.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import time
from dataclasses import dataclass

from seglam.verifier.claims import Claims
from seglam.verifier.view import ModuleView


@dataclass
class Z3Run:
    """A running worker: collect its messages with :meth:`collect`."""

    process: object
    conn: object
    started: float
    messages: list
    inline: bool = False

    def collect(self, timeout: float) -> tuple[list, str | None]:
        """All messages, and a reason if the worker had to be stopped early."""
        if self.inline:
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


def start(view: ModuleView, options) -> Z3Run:
    """Start checking ``view``'s obligations in a forked process (or inline without fork)."""
    from seglam.verifier.z3pass import run_z3

    return start_job(lambda send: run_z3(view, options, send))


def _fork():
    try:
        return mp.get_context("fork")
    except ValueError:
        return None


def make_claims(n: int) -> Claims:
    """Claims on ``n`` functions, shared with a worker forked after this call."""
    return Claims(n, _fork())


def start_job(job) -> Z3Run:
    """Run ``job(send)`` in a forked worker; ``send`` delivers one message to the parent."""
    import z3  # noqa: F401 - imported before the fork, so the child does not pay for it

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
