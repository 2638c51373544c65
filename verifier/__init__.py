"""The Seglam verifier: examples, Hypothesis property tests and Z3 proofs, one verdict per
obligation (``proved``, ``proved for len <= K``, ``refuted`` or ``unknown``).

    >>> report = verify(seglam.compile(source, filename="x.sgl"))
    >>> report.ok, report.exit_code
    >>> print(report.render())            # or report.json_text()

Z3 is imported only when a verification actually runs.
"""

from __future__ import annotations

from seglam.verifier.report import Report, Result


def verify(program, **options) -> Report:
    """Verify a :class:`seglam.Program` (or source text, or a path). Options: ``max_examples``
    (100), ``bound`` (K = 8), ``budget`` (Z3 rlimit per obligation), ``timeout`` (seconds, the
    Z3 worker's safety net), ``z3`` / ``hypothesis`` / ``examples`` (True)."""
    from seglam.verifier.api import verify as _verify

    return _verify(program, **options)


def diff(old, new, **options):
    """Do two versions agree on every input the old precondition admits? See :mod:`.diff`."""
    from seglam.verifier.diff import diff as _diff

    return _diff(old, new, **options)


__all__ = ["verify", "diff", "Report", "Result"]
