"""A repeated hole name (SPEC §14, docs/cache.md "Patterns"): one parameter, bound by its
first occurrence; the request matches only if every occurrence holds an equal value. A
word problem that names the same person or number twice needs one hole, not one per
mention (issue 18: rule 3 gave 28-37 parameters on GSM templates)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import PatternError, parse_pattern
from seglam.cache.admit import FamilyDraft, check_holes
from seglam.cache.entry import Param, Signature

STORY = "{name: word} has {n: int} apples. {name: word} eats {k: int}. How many apples does {name: word} have left?"


def test_a_repeated_hole_binds_once_when_every_mention_agrees():
    pat = parse_pattern(STORY)
    text = "Ana has 7 apples. Ana eats 2. How many apples does Ana have left?"
    assert pat.match(text) == {"name": "Ana", "n": 7, "k": 2}
    assert pat.captures(text) == {"name": "Ana", "n": "7", "k": "2"}
    assert [h.name for h in pat.holes] == ["name", "n", "k"]  # one parameter each
    assert [h.name for h in pat.slots] == ["name", "n", "name", "k", "name"]


def test_a_repeated_hole_refuses_a_request_whose_mentions_differ():
    pat = parse_pattern(STORY)
    assert pat.match("Ana has 7 apples. Bo eats 2. How many apples does Ana have left?") is None
    assert pat.captures("Ana has 7 apples. Ana eats 2. How many apples does Bo have left?") is None


def test_text_mentions_may_differ_in_case_as_literal_text_may():
    """Run 10's GSM stand-in met "Deshawn ... DeShawn" in one request; the first mention binds."""
    pat = parse_pattern(STORY)
    assert pat.match("Deshawn has 7 apples. DeShawn eats 2. How many apples does deshawn have left?") == \
        {"name": "Deshawn", "n": 7, "k": 2}
    assert pat.match("Deshawn has 7 apples. Dashawn eats 2. How many apples does Deshawn have left?") is None
    tokens = parse_pattern("{v: tokens(True true)} or {v: tokens(True true)} =")
    assert tokens.match("True or True =") == {"v": "True"} and tokens.match("True or true =") is None


def test_equal_means_equal_values_of_the_hole_type():
    pat = parse_pattern("Add {n: int} to {n: int} please")
    assert pat.match("add 07 to 7 please") == {"n": 7}  # the same int, written twice
    assert pat.match("add 7 to 8 please") is None


def test_a_repeated_hole_counts_toward_specificity_at_each_occurrence():
    one = parse_pattern("Add {n: int} to {m: int} please")
    two = parse_pattern("Add {n: int} to {n: int} please")
    assert two.pinned == one.pinned and len(two.holes) == 1 and len(one.holes) == 2


def test_a_repeated_hole_with_another_type_is_a_coded_error():
    with pytest.raises(PatternError) as err:
        parse_pattern("{a: int} and {a: word}")
    assert err.value.code == "E-PATTERN-HOLE" and "spelled the same each time" in str(err.value)


def test_a_repeated_hole_is_one_parameter_of_the_signature():
    sig = Signature(entry="solve", params=(Param(name="name", type="str"), Param(name="n", type="int"), Param(name="k", type="int")), returns="int")
    assert check_holes(parse_pattern(STORY), sig) == []


_WORD = st.text(alphabet="abcXY12", min_size=1, max_size=4)


@settings(max_examples=200, deadline=None)
@given(a=_WORD, b=_WORD, c=_WORD)
def test_a_repeat_matches_what_distinct_holes_match_when_their_values_agree(a, b, c):
    """The repeated pattern agrees with the same pattern with two distinct names, filtered
    by equality: no text matches one and not the other, and the bindings are the same."""
    repeated = parse_pattern("from {x: word} to {y: word} and back to {x: word} now")
    distinct = parse_pattern("from {x: word} to {y: word} and back to {x2: word} now")
    text = f"from {a} to {b} and back to {c} now"
    both = distinct.match(text)
    assert both is not None
    expected = {"x": both["x"], "y": both["y"]} if both["x"].casefold() == both["x2"].casefold() else None
    assert repeated.match(text) == expected


def test_a_family_with_a_repeated_hole_is_admitted_and_served(tmp_path):
    from seglam.cache.cache import Cache
    from tests.engine.oracle_toolchain import OracleToolchain

    source = ('@requires(lambda name, n, k: k <= n)\n'
              'def solve(name: str, n: int, k: int) -> int:\n'
              '    return n - k\n')
    sample = "Ana has 7 apples. Ana eats 2. How many apples does Ana have left?"
    with Cache(tmp_path / "c", toolchain=OracleToolchain()) as cache:
        cache.admit(FamilyDraft(source=source, patterns=(STORY,), samples=(sample,)))
        hit = cache.lookup("Li has 10 apples. Li eats 4. How many apples does Li have left?")
        assert hit is not None and hit.run().value == 6
        assert cache.lookup("Li has 10 apples. Mo eats 4. How many apples does Li have left?") is None


def test_a_pattern_may_leave_out_a_parameter_with_a_default_but_no_other_as_rule_3_says():
    from seglam.engine.prompt import RULES

    assert "a parameter with a default may go without a hole in a wording that lacks its part" in " ".join(RULES.split())
    sig = Signature(entry="solve", params=(Param(name="n", type="int"), Param(name="unit", type="str", default=True)),
                    returns="int")
    assert check_holes(parse_pattern("Double {n: int} apples please"), sig) == []
    assert check_holes(parse_pattern("Double {n: int} {unit: word} please"), sig) == []
    assert check_holes(parse_pattern("Double some {unit: word} please"), sig) == [
        "pattern 'Double some {unit: word} please' leaves parameter(s) n unbound"]
