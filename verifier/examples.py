"""Examples: every module-level ``assert`` runs; a failure shows expected against actual."""

from __future__ import annotations

from seglam.syntax import ast as A
from seglam.verifier.report import PROVED, REFUTED, Result
from seglam.verifier.values import render


def source_text(source: str | None, span) -> str | None:
    """The source text a span covers (one line or several), or None."""
    if source is None or span is None or span.line < 1:
        return None
    lines = source.splitlines()
    if span.end_line > len(lines):
        return None
    if span.line == span.end_line:
        return lines[span.line - 1][span.col - 1 : span.end_col - 1]
    parts = [lines[span.line - 1][span.col - 1 :]]
    parts += lines[span.line : span.end_line - 1]
    parts.append(lines[span.end_line - 1][: span.end_col - 1])
    return "\n".join(parts)


def _show(out) -> str:
    if out.ok:
        return render(out.value)
    return f"fault {out.fault}: {out.message}"


def run_examples(examples, runner, source: str | None) -> list[Result]:
    """One result per example, in source order."""
    results = []
    for ex in examples:
        text = source_text(source, ex.test.span) or "example"
        title = f"example {text}" if len(text) <= 60 else f"example at line {ex.span.line}"
        test = ex.test
        if isinstance(test, A.Compare) and len(test.ops) == 1 and test.ops[0] == "==":
            actual = runner.eval(test.left)
            expected = runner.eval(test.comparators[0])
            if actual.ok and expected.ok and _same(actual.value, expected.value):
                results.append(Result(None, "example", title, PROVED, ex.span, method="run"))
            else:
                results.append(
                    Result(None, "example", title, REFUTED, ex.span, code=actual.fault, method="run",
                           reason="the example does not hold", expected=_show(expected), actual=_show(actual))
                )
            continue
        out = runner.eval(test)
        if out.ok and out.value is True:
            results.append(Result(None, "example", title, PROVED, ex.span, method="run"))
        else:
            results.append(
                Result(None, "example", title, REFUTED, ex.span, code=out.fault, method="run",
                       reason="the example does not hold", expected="True", actual=_show(out))
            )
    return results


def _same(a, b) -> bool:
    try:
        return bool(a == b)  # what the example means in Python
    except Exception:  # noqa: BLE001 - values of foreign types never compare equal
        return False
