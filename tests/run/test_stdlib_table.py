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
    "int": S.METHODS[int], "float": S.METHODS[float],
}
TYPE_QUALNAMES = {"Decimal": "decimal.Decimal", "date": "datetime.date", "timedelta": "datetime.timedelta",
                  "str": "str", "itertools.chain": "itertools.chain"}


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


def _accepts_keyword(impl, name: str) -> bool:
    import inspect

    try:
        params = inspect.signature(impl).parameters
    except (TypeError, ValueError):
        return True
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values()):
        return True
    p = params.get(name)
    return p is not None and p.kind is not inspect.Parameter.POSITIONAL_ONLY


def _keyword_params(sigs):
    for s in sigs:
        for p in s.params:
            if p.kind in ("normal", "keyword_only"):
                yield p.name


def test_keyword_parameters_have_pythons_names():
    tab = sig.table()
    bad = []
    for name, sigs in tab.builtins.items():
        if name in S.BUILTINS:
            bad += [f"{name}({k}=)" for k in _keyword_params(sigs) if not _accepts_keyword(S.BUILTINS[name], k)]
    for kind, methods in tab.methods.items():
        for name, sigs in methods.items():
            impl = KINDS[kind].get(name)
            if impl is not None:
                bad += [f"{kind}.{name}({k}=)" for k in _keyword_params(sigs) if not _accepts_keyword(impl, k)]
    for module, functions in tab.module_functions.items():
        for name, sigs in functions.items():
            impl = S.MODULE_FUNCTIONS.get(f"{module}.{name}")
            if impl is not None:
                bad += [f"{module}.{name}({k}=)" for k in _keyword_params(sigs) if not _accepts_keyword(impl, k)]
    for type_name, members in tab.type_members.items():
        qual = TYPE_QUALNAMES[type_name]
        for n, sigs in members.items():
            impl = S.MODULE_FUNCTIONS.get(qual if n == type_name else f"{qual}.{n}")
            if impl is not None:
                bad += [f"{qual}.{n}({k}=)" for k in _keyword_params(sigs) if not _accepts_keyword(impl, k)]
    assert not bad
