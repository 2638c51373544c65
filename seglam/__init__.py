"""SEGLAM: a reasoning cache. An LLM compiles requests into small, typed, verified Seglam
programs; the cache re-runs them on new inputs without calling the model again.

The language's host API::

    import seglam
    prog = seglam.compile(source, filename="x.sgl")   # raises seglam.CheckError
    prog.call("main", words="b a c")                   # raises seglam.Fault
    seglam.load("path/to/file.sgl")

Heavy parts (the verifier and Z3, the engine and the OpenAI client, the LMDB cache) are
imported only when first used, so ``import seglam`` stays fast.
"""

from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.program import Program, RunResult, compile, load
from seglam.run.faults import Fault
from seglam.version import LANGUAGE_VERSION, __version__

__all__ = [
    "Answer", "Cache", "CheckError", "Diagnostic", "Engine", "Fault", "LANGUAGE_VERSION", "Limits",
    "Program", "RunResult", "__version__", "compile", "function", "load", "verify",
]

_LAZY = {
    "Limits": ("seglam.run.limits", "Limits"),
    "verify": ("seglam.verifier", "verify"),
    "Engine": ("seglam.engine", "Engine"),
    "Answer": ("seglam.engine", "Answer"),
    "function": ("seglam.engine", "function"),
    "Cache": ("seglam.cache", "Cache"),
}


def __getattr__(name: str):
    target = _LAZY.get(name)
    if target is None:
        raise AttributeError(f"module 'seglam' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(target[0]), target[1])
    globals()[name] = value
    return value
