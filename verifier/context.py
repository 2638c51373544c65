"""A fresh Z3 context for each unit of Z3 work whose results must be reproducible.

Z3's answers (which model a ``sat`` check gives, and so the counterexample a report shows;
near the ``rlimit`` budget even the verdict) depend on the context's history: term ids and
hash-consing follow every term the context ever created. With one context for the whole
process, a verify after other Z3 work (an earlier verify, a self-check, a test) could report
a different counterexample than the same verify in a fresh process. Each function's
obligations are therefore encoded and solved in a context of their own
(:func:`fresh_context`), so they depend only on the program and the options.

The encoder builds its terms with the z3 module's defaults (``z3.IntVal(0)``,
``z3.BoolVal(True)``, ``z3.IntSort()``...: some ninety sites across its modules), which all
mean z3's *main* context, and z3 has no public way to choose that context. So
:func:`fresh_context` swaps z3's main context for a new one for the duration of the job and
puts the old one back after. Threading an explicit context through every site instead would
touch every encoder module, and a site missed would fail only at run time, on the program
that reaches it, with a context mismatch. The swap is the one place this module reaches into
z3 (``z3.z3._main_ctx``, the global :func:`z3.main_ctx` returns); the test
``test_fresh_context_is_the_default`` fails if a z3 release renames it.

Terms must not cross jobs: no module of the verifier holds Z3 objects at module level, and
a job's results leave it as plain Python values (plans, findings with neutral inputs).
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

import z3
from z3 import z3 as z3_module


@contextlib.contextmanager
def fresh_context() -> Iterator[z3.Context]:
    """Make a new Z3 context the default (what ``z3.main_ctx()`` returns) inside the block.

    Python's cyclic collector is paused inside it too: Z3 reuses the ids of freed terms, so
    the terms must be freed by the job's own reference counts, not whenever a collection
    triggered by earlier allocations in the process happens to run."""
    saved = z3_module._main_ctx
    collecting = gc.isenabled()
    ctx = z3.Context()
    z3_module._main_ctx = ctx
    gc.disable()
    try:
        yield ctx
    finally:
        z3_module._main_ctx = saved
        if collecting:
            gc.enable()


__all__ = ["fresh_context"]
