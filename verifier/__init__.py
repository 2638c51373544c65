"""The Seglam verifier: examples, Hypothesis property tests and Z3 proofs, one verdict per
obligation (``proved``, ``proved for len <= K``, ``refuted`` or ``unknown``).

    >>> report = verify(seglam.compile(source, filename="x.sgl"))
    >>> report.ok, report.exit_code
    >>> print(report.render())            # or report.json_text()

Z3 is imported only when a verification actually runs.
"""

from __future__ import annotations

import importlib
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


#: The package's functions, imported from their modules on first use: those bring in
#: Hypothesis and Z3, and ``seglam.verifier.report`` (which the engine reads) must not.
_LAZY = {"verify": "seglam.verifier.api", "diff": "seglam.verifier.diff"}


def __getattr__(name: str):
    """``verify(program, **options) -> Report`` (:func:`seglam.verifier.api.verify`) and
    ``diff(old, new, **options)`` (:func:`seglam.verifier.diff.diff`), loaded when first used."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = ["verify", "diff", "Report", "Result"]
