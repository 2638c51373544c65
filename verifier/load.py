"""Turn what the caller passed (a Program, source text, a path) into a view and a runner."""

from __future__ import annotations

import os
from dataclasses import dataclass

from seglam import program as P
from seglam.syntax.diagnostics import CheckError
from seglam.verifier.runner import ProgramRunner
from seglam.verifier.view import ModuleView


@dataclass(frozen=True)
class Loaded:
    filename: str
    source: str | None
    view: ModuleView | None = None
    runner: object = None
    program: object = None
    error: str | None = None


def load_program(program, filename: str | None = None, search=None) -> Loaded:
    """A :class:`seglam.Program`, Seglam source text, or an ``os.PathLike`` to a ``.sgl`` file;
    ``search``: directories searched for the Seglam modules it imports."""
    if isinstance(program, os.PathLike):
        path = os.fspath(program)
        try:
            with open(path, encoding="utf-8") as fh:
                source = fh.read()
        except (OSError, UnicodeDecodeError) as x:
            return Loaded(path, None, error=f"cannot read {path}: {x}")
        return load_program(source, path, search)
    if isinstance(program, str):
        name = filename or "<input>"
        try:
            prog = P.compile(program, filename=name, path=search)
        except CheckError as x:
            return Loaded(name, program, error=x.render())
        except RecursionError:
            return Loaded(name, program, error=f"{name}: E-NESTING: the program nests too deeply")
        return _from_program(prog)
    if hasattr(program, "checked") and hasattr(program, "run"):
        return _from_program(program)
    raise TypeError(f"verify() needs a seglam.Program, source text or a path, not {type(program).__name__}")


def _from_program(prog) -> Loaded:
    view = ModuleView.from_checked(prog.checked)
    return Loaded(prog.filename, prog.source, view, ProgramRunner(prog, view), prog)
