"""Small helpers for checker tests."""

from __future__ import annotations

import textwrap

from seglam.check.checker import CheckedModule, check
from seglam.syntax.diagnostics import CheckError, Diagnostic
from seglam.syntax.lower import parse


def ok(source: str) -> CheckedModule:
    """Check ``source`` (dedented); fail the test with the rendered diagnostics if rejected."""
    source = textwrap.dedent(source)
    try:
        return check(parse(source, "t.sgl"), source)
    except CheckError as error:
        raise AssertionError("the checker rejected an accepted program:\n" + error.render()) from None


def diagnostics(source: str) -> tuple[Diagnostic, ...]:
    """The diagnostics for ``source`` (dedented); fail if it checks."""
    source = textwrap.dedent(source)
    try:
        check(parse(source, "t.sgl"), source)
    except CheckError as error:
        return error.diagnostics
    raise AssertionError("expected diagnostics, but the program checks")


def codes(source: str) -> list[str]:
    return [d.code for d in diagnostics(source)]


def one(source: str, code: str) -> Diagnostic:
    """The single diagnostic of ``source``, which must have ``code``."""
    found = diagnostics(source)
    assert [d.code for d in found] == [code], "\n".join(d.render() for d in found)
    return found[0]
