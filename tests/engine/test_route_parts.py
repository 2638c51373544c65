"""The router's pure parts (seglam/engine/router.py): what a family accepts as the router
is shown it, which families a new family overlaps, and how a new version takes its
patterns."""

from __future__ import annotations

from seglam.cache.entry import Param, Signature
from seglam.engine.router import (
    Family, accepts, changed_answers, overlapping, rebinds_samples, superseded, widened_patterns,
)

SRC = '''
@requires(lambda table, question: question.startswith("How many"))
def solve(table: str, question: str) -> int:
    """Answer a counting question about a table.

    More text that the router does not need.
    """
    assert len(table) > 0
    assert "\\n" in table
    return 0
'''


def test_accepts_is_the_docstring_line_and_the_precondition():
    assert accepts(SRC, "solve") == ('Answer a counting question about a table.; '
                                     "@requires(lambda table, question: question.startswith('How many')); "
                                     "assert len(table) > 0; assert '\\n' in table")


def test_accepts_keeps_the_docstring_first_paragraph_whole():
    wrapped = SRC.replace("Answer a counting question about a table.", "Answer a counting question\n    about a table.")
    assert accepts(wrapped, "solve").startswith("Answer a counting question about a table.; @requires")
    assert "More text" not in accepts(wrapped, "solve")


def test_accepts_shows_the_prelude_asserts_after_an_assignment():
    src = ('def solve(text: str) -> int:\n    """Count words."""\n    words = text.split()\n'
           '    assert len(words) == 3, "three words"\n    n = len(words)\n    assert n > 0\n    return n\n')
    assert accepts(src, "solve") == "Count words.; assert len(words) == 3, 'three words'; assert n > 0"
    assert "assert" not in accepts(src.replace("n = len(words)", "n = len(words) + 0\n    print(n)"), "solve")[40:]


def test_a_long_docstring_gives_way_to_the_whole_precondition_cut_at_a_word():
    doc = " ".join(["Reads a date story and answers the question about it"] * 12)
    src = (f'def solve(story: str) -> str:\n    """{doc}"""\n'
           '    assert story.count("/") == 2, "refuses a story without exactly one written date"\n    return story\n')
    shown = accepts(src, "solve")
    assert len(shown) <= 400
    assert shown.endswith("assert story.count('/') == 2, 'refuses a story without exactly one written date'")
    clipped = shown.split("; assert")[0]
    assert clipped.endswith("...") and clipped[:-3].split()[-1] in doc.split()  # a whole word before "..."


def test_accepts_is_clipped_and_empty_when_there_is_nothing_to_say():
    assert accepts(SRC, "solve", limit=40) == "Answer a counting question about a..."
    assert accepts("def solve(x: int) -> int:\n    return x\n", "solve") == ""
    assert accepts("def solve(:", "solve") == "" and accepts(SRC, "other") == ""


def test_overlapping_counts_both_directions_and_ranks_by_count():
    a = Family("a", ("Numbers: {n: str}. What is the largest?",), ("Numbers: 1 2. What is the largest?",))
    b = Family("b", ("Sort: {w: str} please",), ("Sort: x y please",))
    c = Family("c", ("Numbers: {n: str}. What is the smallest?",), ("Numbers: 3. What is the smallest?",))
    general = ["Numbers: {n: str}. What is the {q: word}?"]
    assert overlapping(general, ["Numbers: 5. What is the mean?"], [b, c, a]) == ["c", "a"]
    assert overlapping(["Numbers: {n: str}. What is the mean?"], ["Numbers: 1 2. What is the largest?"], [b, a]) == ["a"]
    assert overlapping(["{bad"], ["Sort: q please"], [a, b]) == ["b"]  # their pattern matches our sample
    assert overlapping(["Other {x: str} thing"], ["Other 1 thing"], [a, b, c]) == []


SIG_ONE = Signature(entry="solve", params=(Param(name="nums", type="str"),), returns="int")
SIG_TWO = Signature(entry="solve", params=(Param(name="nums", type="str"), Param(name="q", type="str")), returns="int")
OLD = ("Numbers: {nums: str}. What is the largest?",)
OLD_SAMPLES = ("Numbers: 1 2. What is the largest?",)


def test_a_new_version_keeps_fitting_old_patterns_and_learns_new_wordings_with_their_request():
    new = ("Numbers: {nums: str}. Which one is the largest?",)
    keep, later, rebinding = widened_patterns(OLD, OLD_SAMPLES, OLD + new, ("Numbers: 3. Which one is the largest?",),
                                              SIG_ONE)
    assert keep == OLD and later == [(new[0], "Numbers: 3. Which one is the largest?")] and rebinding == ()


def test_a_wider_pattern_replaces_an_old_one_the_new_signature_no_longer_fits():
    wide = "Numbers: {nums: str}. What is the {q: word}?"
    keep, later, rebinding = widened_patterns(OLD, OLD_SAMPLES, (wide,), ("Numbers: 3. What is the smallest?",), SIG_TWO)
    assert keep == (wide,) and later == [] and rebinding == ()


def test_a_new_pattern_that_rebinds_an_old_request_is_kept_and_named():
    rebinding_pattern = "Numbers: {nums: str} the largest?"  # binds "1 2. What is" where the old one binds "1 2"
    keep, later, rebinding = widened_patterns(OLD, OLD_SAMPLES, (rebinding_pattern,), (), SIG_ONE)
    assert keep == OLD + (rebinding_pattern,) and later == [] and rebinding == (rebinding_pattern,)
    assert rebinds_samples(rebinding_pattern, (), OLD_SAMPLES) == []  # no old pattern to differ from


def test_changed_answers_checks_every_new_pattern_that_matches_a_stored_request():
    wide = "Numbers: {nums: str} the largest?"
    old_run = lambda b: max(int(w) for w in b["nums"].split())  # noqa: E731
    new_run = lambda b: max(int(w) for w in b["nums"].split(".")[0].split())  # noqa: E731 - right through both
    assert changed_answers(OLD_SAMPLES, OLD, OLD + (wide,), old_run, new_run) == []
    wrong_run = lambda b: len(b["nums"])  # noqa: E731
    assert changed_answers(OLD_SAMPLES, OLD, OLD + (wide,), old_run, wrong_run) == [
        "the new version answers the family's request 'Numbers: 1 2. What is the largest?' with 3; the current "
        "version answers 2: a widening keeps every answer"]
    failing = lambda b: 1 / 0  # noqa: E731 - a run that raises is left to the cache's re-check
    assert changed_answers(OLD_SAMPLES, OLD, OLD, old_run, failing) == []


def test_absorbed_tells_one_family_per_kind_from_one_per_wording():
    from seglam.engine.evaluation import Outcome, absorbed

    def served(i: int, family: str | None, pattern: str | None) -> Outcome:
        return Outcome(index=i, line=i + 1, task="t", tier="hit" if family else "unsolved", value=None,
                       solved=family is not None, program=family is not None, family=family, pattern=pattern)

    per_kind = [served(0, "f", "A {x: word}"), served(1, "f", "B {x: word}"), served(2, "f", "B {x: word}"),
                served(3, None, None)]
    per_wording = [served(0, "f", "A {x: word}"), served(1, "g", "B {x: word}"), served(2, "h", "C {x: word}")]
    assert absorbed(per_kind) == {"families": 1, "requests_per_family": 3.0, "wordings_per_family": 2.0}
    assert absorbed(per_wording) == {"families": 3, "requests_per_family": 1.0, "wordings_per_family": 1.0}
    assert absorbed([]) == {"families": 0, "requests_per_family": None, "wordings_per_family": None}


def test_old_patterns_the_new_ones_replace_are_dropped_and_the_others_kept():
    """The widening prompt lets the model replace old patterns by wider ones that match the
    same requests; kept, the more specific old one would go on binding them the old way."""
    old = ("Today is {story: str}. What is the date {when: str}?", "Tomorrow is {story: str}. Date {when: str}?")
    samples = ("Today is 3/5. What is the date tomorrow?", "Tomorrow is 3/6. Date today?")
    wide = "{story: str}. What is the date {when: str}?"
    keep = old + (wide,)
    # the first old pattern's only request is matched by the wide one; the second's is not
    assert superseded(keep, old, (wide,), samples) == (old[0],)
    # listed again by the model: kept
    assert superseded(keep, old, (wide, old[0]), samples) == ()
    # an old pattern that matches no stored request is no evidence of being replaced
    assert superseded(keep + ("Never {story: str} here {when: str}",), old + ("Never {story: str} here {when: str}",),
                      (wide,), samples) == (old[0],)


def test_the_route_rules_settle_the_questions_run_11s_stand_ins_asked():
    """Penguins 0003: "another question over the same data" (same kind) read against "another
    thing computed" (pick none); gsm_b 0019: a family whose patterns fix a place or currency
    as literal text, met with another one."""
    from seglam.engine.prompt import ROUTE_RULES

    rules = " ".join(ROUTE_RULES.split())
    assert "another thing computed" not in rules
    assert "a question over the same kind of facts with the same form of answer is the same kind" in rules
    assert "its patterns fix as literal text a part this request changes (a name, unit, place), reply with the family and empty bindings" in rules
