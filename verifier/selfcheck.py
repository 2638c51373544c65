"""Self-check of the Z3 encoding: what does the encoding say a function returns on concrete
inputs? Tests compare it with the interpreter on random inputs (as deal-solver does), so an
encoding bug shows up as a disagreement instead of a false proof.
"""

from __future__ import annotations

from dataclasses import dataclass

import z3

from seglam.verifier.encode import encode_function
from seglam.verifier.symbolic import Unsupported, eq, model_value, to_sym
from seglam.verifier.view import ModuleView


@dataclass(frozen=True)
class Predicted:
    """The encoding's prediction: a value, a fault code, or ``outside`` (a precondition or
    bound excludes the input)."""

    value: object = None
    fault: str | None = None
    outside: str | None = None


def predict(view: ModuleView, name: str, inputs: dict, bound: int = 8) -> Predicted:
    """Evaluate the encoding of ``name`` on concrete (neutral) ``inputs``."""
    fe = encode_function(view, name, bound, havoc=False)
    try:
        fixes = [eq(fe.inputs[p], to_sym(v, fe.param_types[p], view.records, view.enums)) for p, v in inputs.items()]
    except Unsupported as u:
        return Predicted(outside=u.reason)
    s = z3.Solver()
    s.add(*fe.domain, *fixes)
    if s.check() != z3.sat:
        return Predicted(outside="the input is outside the encoded domain (longer than the bound)")
    m = s.model()

    def true(t) -> bool:
        return z3.is_true(m.eval(t, model_completion=True))

    if not all(true(b) for b in fe.bounds):
        return Predicted(outside="a loop runs longer than the bound")
    if not true(fe.pre):
        return Predicted(outside="precondition")
    for site in fe.sites:
        if true(site.cond):
            return Predicted(fault=site.code)
    for _, holds in fe.ensures:
        if not true(holds):
            return Predicted(fault="F-ENSURES")
    if not true(fe.returned):
        return Predicted(outside="the function does not return")
    returns = view.functions[name].returns
    return Predicted(value=model_value(m, fe.result, returns, view.records))
