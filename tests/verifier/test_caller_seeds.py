"""Inputs the caller knows are in the domain (``verify(..., seeds=...)``): the engine passes
the bindings of a request and its examples, so a family whose entry point parses one
wording of free text gets an aimed run on text that meets its precondition."""

from __future__ import annotations

import pytest

from seglam.verifier import verify
from seglam.verifier.seeds import NUMBER_VARIANTS, number_variants

PARSER = '''\
import re


def well_formed(text: str) -> bool:
    return re.fullmatch(r"Add the numbers: [0-9]+( plus [0-9]+)*\\.", text) is not None


@requires(lambda text: well_formed(text))
def solve(text: str) -> int:
    body = text[len("Add the numbers: "):-1]
    total = 0
    for part in body.split(" plus "):
        total += int(part.strip())
    return total
'''

SEEDS = {"solve": [{"text": "Add the numbers: 3 plus 4."}, {"text": "Add the numbers: 10 plus 22 plus 5."}]}


def _open(report):
    return [r for r in report.results if r.function == "solve" and r.open]


def test_without_seeds_a_one_wording_parser_has_no_evidence():
    report = verify(PARSER, max_examples=10)
    assert not report.admissible, report.render()
    assert any("no targeted evidence" in n for r in _open(report) for n in r.notes)


def test_seeds_give_the_aimed_run_inputs_in_the_domain():
    report = verify(PARSER, max_examples=10, seeds=SEEDS)
    assert report.admissible, report.render()
    evidence = [r.evidence for r in _open(report)]
    assert evidence and all(e and "valid inputs" in e for e in evidence)
    counts = [int(e.split("no counterexample in ")[1].split()[0]) for e in evidence]
    assert min(counts) >= 10  # the seeds, their joins and their number variants


def test_a_number_edge_reached_from_a_seed_refutes():
    divides = PARSER.replace("    total = 0\n", "    total = 0\n    first = int(body.split(' plus ')[0])\n").replace(
        "    return total\n", "    return total // first\n")
    report = verify(divides, max_examples=10, seeds=SEEDS)
    refuted = [r for r in report.results if r.function == "solve" and r.verdict == "refuted" and r.kind != "requires"]
    assert refuted and any("Add the numbers: 0" in (r.counterexample or "") for r in refuted), report.render()
    assert not report.admissible


def test_seeds_for_other_functions_or_other_parameters_are_ignored():
    report = verify(PARSER, max_examples=10, seeds={"nope": [{"text": "x"}], "solve": [{"other": "x"}]})
    assert not report.admissible


DEFAULTED = PARSER.replace("def solve(text: str) -> int:", "def solve(text: str, scale: int = 1) -> int:").replace(
    "    return total\n", "    return total * scale\n")


def test_a_seed_without_a_defaulted_parameter_runs_with_its_default():
    """A wording with no hole for a defaulted parameter binds only the others (rule 3 of the
    compile prompt allows it); its seed must still count. Stand-in run 7: such seeds were
    dropped, 0 of 646 aimed inputs met a parser's precondition and the family was refused
    with no failure shown."""
    report = verify(DEFAULTED, max_examples=10, seeds=SEEDS)  # the seeds name `text` only
    assert report.admissible, report.render()
    counts = [int(r.evidence.split("no counterexample in ")[1].split()[0]) for r in _open(report)]
    assert counts and min(counts) >= 10


def test_an_example_call_that_leaves_a_default_out_seeds_the_aimed_run():
    with_examples = DEFAULTED + '\n\nassert solve("Add the numbers: 3 plus 4.") == 7\n' \
        'assert solve("Add the numbers: 1 plus 1 plus 1.") == 3\n'
    report = verify(with_examples, max_examples=10)
    assert report.admissible, report.render()


@pytest.mark.parametrize("examples", [
    # a module constant (how models pass a long story), and constant expressions of them
    'FIRST = "Add the numbers: 3 plus 4."\nSECOND = "Add the numbers: 1 plus 1 plus 1."\n'
    'assert solve(FIRST) == 7\nassert solve(text=SECOND) == 3\n',
    'HEAD = "Add the numbers: "\nTEXTS = ("3 plus 4", "1 plus 1 plus 1")\n'
    'assert solve(HEAD + TEXTS[0] + ".") == 7\nassert solve(HEAD + TEXTS[1] + ".") == 3\n',
])
def test_an_example_whose_argument_is_a_module_constant_seeds_the_aimed_run(examples):
    """V-02: ``assert solve(STORY) == 7`` met the precondition but seeded nothing (only
    literal arguments did), so a one-wording parser had no valid aimed input."""
    report = verify(PARSER + "\n\n" + examples, max_examples=10)
    assert report.admissible, report.render()
    counts = [int(r.evidence.split("no counterexample in ")[1].split()[0]) for r in _open(report)]
    assert counts and min(counts) >= 10


def test_an_example_argument_the_module_cannot_evaluate_seeds_nothing_and_breaks_nothing():
    # `t` is bound only inside the example's generator: evaluated at module level, it faults.
    source = PARSER + '\n\nTEXTS = ["Add the numbers: 3 plus 4."]\nassert all(solve(t) > 0 for t in TEXTS)\n'
    report = verify(source, max_examples=10)
    assert report.ok and not report.admissible, report.render()
    assert [r for r in report.results if r.kind == "example" and r.verdict == "proved"]


def test_seeded_evaluates_an_argument_that_is_not_a_literal():
    from seglam.verifier.boundaries import aim_for
    from seglam.verifier.fuzz import module_value
    from seglam.verifier.load import load_program
    from seglam.verifier.seeds import seeded

    loaded = load_program(PARSER + '\n\nSTORY = "Add the numbers: 5."\nassert solve(STORY) == 5\n', "x.sgl")
    view, fv = loaded.view, loaded.view.functions["solve"]
    aim = aim_for(view, 8)
    assert seeded(fv, view, aim) == []  # nothing to evaluate it with
    texts = [d["text"] for d in seeded(fv, view, aim, module_value(loaded.runner))]
    assert texts[0] == "Add the numbers: 5." and "Add the numbers: 0." in texts


@pytest.mark.parametrize("bad", [["solve"], {"solve": "text"}, {"solve": [["text"]]}, {1: []}, {"solve": [{1: "x"}]}])
def test_malformed_seeds_are_a_value_error(bad):
    with pytest.raises(ValueError, match="seeds"):
        verify(PARSER, seeds=bad)


def test_number_variants_replace_one_number_at_a_time():
    variants = number_variants("pay 12 for 3 days")
    assert "pay 0 for 3 days" in variants and "pay 12 for 0 days" in variants
    assert "pay 12 for 3 days" not in variants
    assert len(variants) == 2 * len(NUMBER_VARIANTS)  # neither 12 nor 3 is one of the variants
    assert number_variants("no digits here") == []


def test_admission_seeds_the_verifier_with_the_request_and_examples():
    """The engine's admission passes the request's and the examples' bindings: a family that
    parses one wording of free text, with no examples in its source, is admitted."""
    from seglam.cache.toolchain import SeglamToolchain
    from seglam.engine.admission import Candidate, Request, evaluate
    from seglam.engine.schema import CompileReply, ExampleReply

    class Recording(SeglamToolchain):
        seen: list = []

        def verify(self, program, entries=(), seeds=None):
            self.seen.append(seeds)
            return super().verify(program, entries, seeds)

    program = PARSER.replace("def solve(text: str)", "def solve(numbers: str)").replace(
        "lambda text: well_formed(text)", "lambda numbers: well_formed('Add the numbers: ' + numbers + '.')").replace(
        'body = text[len("Add the numbers: "):-1]', "body = numbers")
    reply = CompileReply(
        description="add the numbers of a sentence", program=program, answer=7, entry="solve",
        patterns=["Add the numbers: {numbers: str}."],
        examples=[ExampleReply(answer=37, request="Add the numbers: 10 plus 22 plus 5."),
                  ExampleReply(answer=9, request="Add the numbers: 9.")])
    toolchain = Recording({"max_examples": 10})
    outcome = evaluate(reply, Request(text="Add the numbers: 3 plus 4."), toolchain, fuel=1_000_000)
    assert toolchain.seen == [{"solve": ({"numbers": "3 plus 4"}, {"numbers": "10 plus 22 plus 5"}, {"numbers": "9"})}]
    assert isinstance(outcome, Candidate), outcome


PROPERTIES = '''

def prop_adds_two() -> bool:
    assert solve("Add the numbers: 3 plus 4.") == 7
    return True


def prop_adds_an_offset(k: int) -> bool:
    return solve(HEAD + "1 plus 1 plus 1.") + k == 3 + k


HEAD = "Add the numbers: "
'''


def test_a_call_with_constant_arguments_in_a_property_seeds_the_aimed_run():
    """V-09: ``assert solve("...") == 7`` inside ``prop_*`` (a literal, or a module constant
    while the property's own input varies) met the precondition but seeded nothing: only
    module-level examples did, and the one-wording parser had no valid aimed input."""
    report = verify(PARSER + PROPERTIES, max_examples=10)
    assert report.admissible, report.render()
    counts = [int(r.evidence.split("no counterexample in ")[1].split()[0]) for r in _open(report)]
    assert counts and min(counts) >= 10


def test_a_property_call_naming_the_propertys_own_names_seeds_nothing():
    from seglam.verifier.boundaries import aim_for
    from seglam.verifier.fuzz import module_value
    from seglam.verifier.load import load_program
    from seglam.verifier.seeds import seeded

    # `text` is the property's input (and, shadowed, a module constant): no seed from it
    source = PARSER + '''

text = "Add the numbers: 77."


def prop_positive(text: str) -> bool:
    assert len(text) > 30
    return solve(text) >= 0 and solve("Add the numbers: 2.") == 2
'''
    loaded = load_program(source, "x.sgl")
    assert loaded.error is None, loaded.error
    view = loaded.view
    texts = [d["text"] for d in seeded(view.functions["solve"], view, aim_for(view, 8), module_value(loaded.runner))]
    assert texts[0] == "Add the numbers: 2." and not any("77" in t for t in texts)
