"""Acceptance: paraphrases of a family hit with new inputs; other families never hit it;
over-general patterns are refused; ambiguity resolves deterministically."""

import pytest

from tests.cache.cache_families import ADD, REVERSE, SORT
from seglam.cache import AdmissionError, FamilyDraft, FamilyView, check_pattern_admissible


def test_paraphrased_requests_with_new_inputs_hit(cache):
    sort_id = cache.admit(SORT)
    add_id = cache.admit(ADD)
    cases = [
        ("Sort the following words alphabetically: List: kiwi banana cherry", sort_id, "banana cherry kiwi"),
        ("please put these words in ALPHABETICAL order:\n  moon sun", sort_id, "moon sun"),
        ("What is 40 plus 2?", add_id, 42),
        ("Compute the sum of -7 and 7.", add_id, 0),
    ]
    for text, fam, want in cases:
        hit = cache.lookup(text)
        assert hit is not None and hit.entry.id == fam, text
        served = hit.run()
        assert served.value == want
        assert served.trace.entry_id == fam and served.trace.version == 1
        assert served.trace.pattern in cache.get(fam).patterns
        assert served.trace.outcome == "hit"


def test_other_families_requests_never_hit(cache):
    cache.admit(SORT)
    cache.admit(ADD)
    negatives = [
        "Reverse the order of these words: one two three",  # another family, not admitted
        "What is 2 times 3?",
        "What is two plus three?",  # int hole does not parse
        "Sort the following numbers numerically: 3 1 2",
        "Sort the following words alphabetically: List:",  # empty hole
        "What is the function of TV?",
        "",
    ]
    for text in negatives:
        assert cache.lookup(text) is None, text


def test_over_general_patterns_are_refused(cache):
    cache.admit(SORT)
    general = FamilyDraft(source=REVERSE.source, patterns=("{words: str}",), samples=("a b",))
    with pytest.raises(AdmissionError, match="over-general"):
        cache.admit(general)
    short = FamilyDraft(source=REVERSE.source, patterns=("Do: {words: str}",), samples=("Do: a b",))
    with pytest.raises(AdmissionError, match="over-general"):
        cache.admit(short)
    # enough literal text, but it swallows the sort family's requests
    greedy = FamilyDraft(source=REVERSE.source, patterns=("Sort the following {words: str}",),
                         samples=("Sort the following x y",))
    with pytest.raises(AdmissionError, match="matches a request of family"):
        cache.admit(greedy)
    assert len(cache.list()) == 1


def test_refused_when_another_familys_pattern_matches_its_requests(cache):
    cache.admit(FamilyDraft(source=REVERSE.source, patterns=("Reverse the order of {words: str}",),
                            samples=("Reverse the order of a b",)))
    clash = FamilyDraft(source=REVERSE.source, patterns=("Reverse the order of the words {words: str} now",),
                        samples=("Reverse the order of the words a b now",))
    with pytest.raises(AdmissionError, match="matches the request 'Reverse the order of the words a b now'"):
        cache.admit(clash)


def test_a_clash_names_the_example_request_it_came_from(cache):
    cache.admit(FamilyDraft(source=REVERSE.source, patterns=("Reverse the order of {words: str}",),
                            samples=("Reverse the order of a b",)))
    clash = FamilyDraft(source=REVERSE.source,
                        patterns=("Please reverse these words: {words: str}", "Reverse the order of {words: str} quickly"),
                        samples=("Please reverse these words: a b", "Reverse the order of c d quickly"))
    with pytest.raises(AdmissionError, match="matches example request 1 'Reverse the order of c d quickly'") as err:
        cache.admit(clash)
    assert "matches the request" not in str(err.value)


def test_pure_admissibility_function():
    others = [FamilyView(id="f1", patterns=("What is {a: int} plus {b: int}?",), samples=("What is 1 plus 2?",))]
    assert check_pattern_admissible("Reverse the order of these words: {w: str}", ["Reverse the order of these words: a"], others) == []
    assert check_pattern_admissible("What is {x: str}?", ["What is love?"], others)  # too general and clashes
    assert any("over-general" in r for r in check_pattern_admissible("{x: str} now", [], []))


def test_ambiguous_matches_resolve_deterministically(tmp_path, toolchain):
    from seglam.cache import Cache

    # two families admitted with checks relaxed (as a bulk import might), both matching one request
    general = FamilyDraft(source=REVERSE.source, patterns=("Reverse the order of {words: str}",),
                          samples=("Reverse the order of a b",))
    specific = FamilyDraft(source=SORT.source, patterns=("Reverse the order of these words: {words: str}",),
                           samples=("Reverse the order of these words: b a",))
    winners = set()
    for order in ((general, specific), (specific, general)):
        with Cache(tmp_path / f"c{len(winners)}{id(order)}", toolchain=toolchain) as c:
            ids = {}
            for d in order:
                entry = c.prepare(d)
                c.put_verified([entry])
                ids[d.patterns[0]] = entry.id
            found = c.matches("Reverse the order of these words: x y")
            assert len(found) == 2
            hit = c.lookup("Reverse the order of these words: x y")
            assert hit.entry.id == ids[specific.patterns[0]]  # more literal text wins
            assert hit.ambiguous == (ids[general.patterns[0]],)
            served = hit.run()
            assert served.trace.ambiguous
            winners.add(hit.entry.description or hit.entry.patterns[0])
    assert len(winners) == 1


def test_structured_requests(cache):
    sort_id = cache.admit(SORT)
    add_id = cache.admit(ADD)
    hit = cache.lookup_structured("Sort words alphabetically.", {"words": "b c a"})
    assert hit.entry.id == sort_id and hit.run().value == "a b c"
    assert cache.lookup_structured("add two numbers", {"a": 1, "b": 2}).run().value == 3
    assert cache.lookup_structured("add two numbers", {"a": "1", "b": 2}) is None  # wrong kind
    assert cache.lookup_structured("add two numbers", {"a": 1}) is None  # wrong shape
    assert cache.lookup_structured("add three numbers", {"a": 1, "b": 2}) is None
    assert add_id
