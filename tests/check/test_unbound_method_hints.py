"""A builtin type's method used through its class (``dict.fromkeys``, ``str.encode``)
that Seglam lacks is told what to write instead (red-team RT-10: it was told to write a
lambda `key=lambda s: s.lower()`, a hint about key functions with nothing to do with them)."""

from __future__ import annotations

import pytest

from tests.check.helpers import one


@pytest.mark.parametrize("call, col, hint", [
    ("list(dict.fromkeys(xs))", 17, "{x: None for x in xs}"),
    ("list(str.encode(xs[0]))", 17, "bytes are not available"),
])
def test_a_missing_class_method_names_the_rewrite(call, col, hint):
    d = one(f"""
        def main(xs: list[str]) -> list[str]:
            return {call}
        """, "E-ATTR")
    assert (d.span.line, d.span.col) == (3, col)
    assert d.message.endswith("is not available")
    assert hint in d.hint
    assert "lambda" not in d.hint


def test_a_method_that_needs_arguments_as_a_key_is_told_to_use_a_lambda():
    d = one("""
        def main(xs: list[str]) -> list[str]:
            return sorted(xs, key=str.startswith)
        """, "E-ATTR")
    assert d.hint == "use a lambda: `key=lambda s: s.startswith(...)`"


def test_a_method_no_builtin_type_has_gets_no_lambda_hint():
    d = one("""
        def main(xs: list[int]) -> int:
            return len(list.frobnicate(xs))
        """, "E-ATTR")
    assert d.hint is None or "lambda" not in d.hint
