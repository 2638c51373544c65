"""The runtime implements every name in the checker's signature table
(seglam/check/signatures.py), so an accepted program never reaches a missing builtin."""

from __future__ import annotations

import collections
import datetime
import decimal

import pytest

from seglam.check import signatures as sig
from seglam.run import stdlib as S
from seglam.run.stdlib_modules import MATCH_METHODS, PATTERN_METHODS

KINDS = {
    "str": S.METHODS[str], "list": S.METHODS[list], "dict": S.METHODS[dict], "set": S.METHODS[set],
    "tuple": S.METHODS[tuple], "Counter": {**S.METHODS[dict], **S.METHODS[collections.Counter]},
    "Match": MATCH_METHODS, "Pattern": PATTERN_METHODS, "date": S.METHODS[datetime.date],
    "timedelta": S.METHODS[datetime.timedelta], "Decimal": S.METHODS[decimal.Decimal],
}
TYPE_QUALNAMES = {"Decimal": "decimal.Decimal", "date": "datetime.date", "timedelta": "datetime.timedelta"}


def test_builtins():
    missing = sorted(set(sig.builtin_names()) - set(S.BUILTINS) - {"requires", "ensures"})
    assert not missing


@pytest.mark.parametrize("kind", sorted(sig.method_names()))
def test_methods(kind):
    missing = sorted(sig.method_names()[kind] - set(KINDS[kind]))
    assert not missing


def test_module_members():
    tab = sig.table()
    missing = []
    for module, functions in tab.module_functions.items():
        missing += [f"{module}.{n}" for n in functions if f"{module}.{n}" not in S.MODULE_FUNCTIONS]
    for module, values in tab.module_values.items():
        missing += [f"{module}.{n}" for n in values if f"{module}.{n}" not in S.MODULE_CONSTANTS]
    for type_name, members in tab.type_members.items():
        qual = TYPE_QUALNAMES[type_name]
        for n in members:
            name = qual if n == type_name else f"{qual}.{n}"
            if name not in S.MODULE_FUNCTIONS:
                missing.append(name)
    for module, names in sig.SPECIAL_MEMBERS.items():
        for n in names:
            if module in ("dataclasses", "enum", "typing") and n != "replace":
                continue  # decorators, base classes and annotations: no run-time value
            if f"{module}.{n}" not in S.MODULE_FUNCTIONS:
                missing.append(f"{module}.{n}")
    assert not missing
