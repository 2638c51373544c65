"""The Seglam verifier: examples, Hypothesis property tests and Z3 proofs, one verdict per
obligation (``proved``, ``proved for len <= K``, ``refuted`` or ``unknown``).

    >>> report = verify(seglam.compile(source, filename="x.sgl"))
    >>> report.ok, report.exit_code
    >>> print(report.render())            # or report.json_text()

Z3 is imported only when a verification actually runs.
"""

from __future__ import annotations

import sys
import types

from seglam.verifier.report import Report, Result


class _Package(types.ModuleType):
    """``diff`` is both this package's function and the name of its submodule. Importing the
    submodule makes the import system set the package's ``diff`` to the module, which made
    ``seglam.verifier.diff(...)`` fail ("'module' object is not callable") after the first
    call, or after anything imported ``seglam.verifier.diff``. The function stays; the
    submodule is ``sys.modules["seglam.verifier.diff"]``."""

    def __setattr__(self, name: str, value: object) -> None:
        if name == "diff" and isinstance(value, types.ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def verify(program, **options) -> Report:
    """Verify a :class:`seglam.Program` (or source text, or a path). Options (defaults in
    :class:`seglam.verifier.api.Options`): ``max_examples`` (50), ``bound`` (K = 8), ``budget``
    (Z3 rlimit per obligation, 3,000,000), ``timeout`` (60 seconds, the Z3 worker's safety
    net), ``max_len`` (8), ``z3`` / ``hypothesis`` / ``examples`` (True)."""
    from seglam.verifier.api import verify as _verify

    return _verify(program, **options)


def diff(old, new, **options):
    """Do two versions agree on every input the old precondition admits? See :mod:`.diff`."""
    from seglam.verifier.diff import diff as _diff

    return _diff(old, new, **options)


__all__ = ["verify", "diff", "Report", "Result"]
