"""The builtins and stdlib functions SPEC.md's charge rules name are ones a program can call
(red-team RT-14: section 10 charged `frozenset(xs)` and frozenset keys, which no Seglam
program can make: the checker has no frozenset type, and `frozenset` is E-UNSUPPORTED)."""

from __future__ import annotations

import re

from seglam.check.signatures import SPECIAL_MEMBERS, builtin_names, table
from tests.spec.spec_blocks import SPEC

#: The formulas' own notation in the charge table (not calls a program makes): `digits(d)`
#: a Decimal's digits, `power` the `**` row.
NOTATION = {"W", "bits", "size", "bit_length", "hash", "digits", "power"}


def _charge_section() -> str:
    text = SPEC.read_text(encoding="utf-8")
    return text[text.index("### Work on large values"):text.index("## 11. Faults")]


def _callable(name: str) -> bool:
    if "." not in name:
        return name in builtin_names() or any(name in members for members in table().module_functions.values()) \
            or any(name in members for members in SPECIAL_MEMBERS.values())
    module, _, member = name.partition(".")
    if module not in table().module_functions:
        return True  # a method of a value (`d.update`, `xs.index`): the method tables' own tests
    return member in table().module_functions[module]


def test_every_call_the_charge_rules_name_exists():
    named = set(re.findall(r"`([A-Za-z_][\w.]*)\(", _charge_section())) - NOTATION
    assert named, "the charge section names no call"
    assert sorted(n for n in named if not _callable(n)) == []


def test_the_charge_rules_price_no_kind_of_key_a_program_cannot_make():
    assert "frozenset" not in _charge_section()


def test_frozenset_is_refused_with_the_rewrite_the_spec_gives():
    from tests.check.helpers import one

    d = one("""
        def main(xs: list[str]) -> bool:
            return frozenset(xs) == set(reversed(xs))
        """, "E-UNSUPPORTED")
    assert (d.span.line, d.span.col) == (3, 12)
    assert "sorted `tuple`" in d.hint
    assert "`frozenset` is not among them (E-UNSUPPORTED)" in SPEC.read_text(encoding="utf-8")
