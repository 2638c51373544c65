"""Example expressions are evaluated through one generated module, not one per expression."""

from __future__ import annotations

import seglam
from seglam.syntax import ast as A

SOURCE = """
def double(n: int) -> int:
    return 2 * n

assert double(2) == 4
assert double(-1) == -2
assert double(0) < 1
"""


def test_all_example_expressions_share_one_generated_module():
    program = seglam.compile(SOURCE, filename="ex.sgl")
    values = []
    for example in program.checked.examples:
        test = example.test
        values.append((program.eval_expr(test.left).value, program.eval_expr(test.comparators[0]).value,
                       program.eval_expr(test).value))
    assert values == [(4, 4, True), (-2, -2, True), (0, 1, True)]
    backend = program._backend("compiled")
    modules = {id(prepared) for prepared, _ in backend._evaluators.values()}
    assert len(modules) == 1
    assert len(backend._evaluators) == 9  # three tests and both sides of each


def test_another_expression_gets_its_own_module():
    program = seglam.compile(SOURCE, filename="ex.sgl")
    example = program.checked.examples[0].test
    assert isinstance(example, A.Compare)
    inner = example.left.args[0]  # the `2` in double(2): not an expression examples are run by
    assert program.eval_expr(inner).value == 2
    assert program.eval_expr(example.left).value == 4
    backend = program._backend("compiled")
    assert len({id(prepared) for prepared, _ in backend._evaluators.values()}) == 2
