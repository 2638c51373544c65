"""SPEC.md tells the truth: its examples run, its code tables match the code."""

import ast as pyast

import pytest

import seglam
from seglam.syntax.diagnostics import DIAGNOSTIC_CODES
from seglam.run.faults import FAULT_CODES
from tests.spec.spec_blocks import SPEC, blocks, table

BLOCKS = blocks()
BACKENDS = ("compiled", "reference")


def test_spec_has_examples():
    assert len(BLOCKS) >= 12


def test_fault_table_matches_the_code():
    assert table("faults") == FAULT_CODES


def test_diagnostic_table_matches_the_code():
    assert table("diagnostics") == DIAGNOSTIC_CODES


@pytest.mark.parametrize("block", [b for b in BLOCKS if not b.options], ids=lambda b: f"SPEC.md:{b.line}")
@pytest.mark.parametrize("backend", BACKENDS)
def test_example_block_checks_and_its_examples_hold(block, backend):
    program = seglam.compile(block.source, filename=f"SPEC.md:{block.line}")
    for example in program.checked.examples:
        assert program.eval_expr(example.test, backend=backend).value is True, f"example on line {example.span.line} failed"


@pytest.mark.parametrize("block", [b for b in BLOCKS if "error" in b.options], ids=lambda b: f"SPEC.md:{b.line}")
def test_error_block_is_rejected_with_its_code(block):
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile(block.source, filename="spec.sgl")
    assert block.options["error"] in info.value.codes


@pytest.mark.parametrize("block", [b for b in BLOCKS if "fault" in b.options], ids=lambda b: f"SPEC.md:{b.line}")
@pytest.mark.parametrize("backend", BACKENDS)
def test_fault_block_faults_with_its_code(block, backend):
    program = seglam.compile(block.source, filename="spec.sgl")
    call = pyast.parse(block.options.get("call", "main()"), mode="eval").body
    args = tuple(pyast.literal_eval(a) for a in call.args)
    limits = seglam.Limits(fuel=100_000)
    with pytest.raises(seglam.Fault) as info:
        program.run(call.func.id, args, limits=limits, backend=backend)
    assert info.value.code == block.options["fault"]
    assert info.value.span is not None
