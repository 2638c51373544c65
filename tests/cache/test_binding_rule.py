"""One binding rule: when several of a family's patterns match a request, the most specific
binds it, the first listed among equals, on a hit, at admission and in every re-check, so
the bindings that were checked are the bindings that are served."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import AdmissionError, FamilyDraft
from seglam.cache.pattern import bind, most_specific, parse_pattern

GENERAL = "Today {story: str}. What is the date {when: str}?"
SPECIFIC = "Today is {story: str}. What is the date {when: str}?"
REQUEST = "Today is 3/5, and it rains. What is the date tomorrow?"


def test_the_most_specific_pattern_binds_whatever_the_order():
    for patterns in ([GENERAL, SPECIFIC], [SPECIFIC, GENERAL]):
        assert bind([parse_pattern(p) for p in patterns], REQUEST) == {"story": "3/5, and it rains", "when": "tomorrow"}


def test_among_equally_specific_patterns_the_first_listed_binds():
    a = parse_pattern("Numbers: {xs: str} and {ys: str} end")
    b = parse_pattern("Numbers: {xs: str} and {ys: str} end")
    text = "Numbers: 1 and 2 and 3 end"
    assert a.specificity == b.specificity
    (pat, bindings) = most_specific([(a, a.match(text)), (b, {"xs": "other", "ys": "other"})])
    assert pat is a and bindings == a.match(text)
    assert bind([a], "no match") is None and most_specific([]) is None


WORDS = st.lists(st.sampled_from(["Today", "is", "the", "date", "What", "now", "{a: str}", "{b: word}", "{c: int}"]),
                 min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=4, unique_by=tuple), st.data())
def test_bind_is_the_lookups_order_restricted_to_one_family(pattern_words, data):
    """The lookup sorts a request's matches by (more pinned, fewer holes, pattern order);
    ``bind`` must pick the same pattern's bindings."""
    patterns = []
    for words in pattern_words:
        try:
            patterns.append(parse_pattern(" ".join(words)))
        except Exception:  # noqa: BLE001 - a malformed pattern (a hole named twice with two types)
            continue
    if not patterns:
        return
    values = {"a": "x y", "b": "w", "c": "7"}
    source = data.draw(st.sampled_from(patterns))
    text = " ".join(values[w[1]] if w.startswith("{") else w for w in source.text.split())
    matches = [(i, p, b) for i, p in enumerate(patterns) if (b := p.match(text)) is not None]
    if not matches:
        return
    first = sorted(matches, key=lambda m: (-m[1].specificity[0], -m[1].specificity[1], m[0]))[0]
    assert bind(patterns, text) == first[2]


SOURCE = '''
def date_of(story: str, when: str) -> str:
    assert not story.startswith("is "), "the story starts after 'Today is'"
    return story.split(",")[0] + " " + when

assert date_of("3/5, and it rains", "tomorrow") == "3/5 tomorrow"
'''


def test_admission_checks_a_sample_through_the_pattern_a_hit_uses(cache):
    """The general pattern is listed first; through it the story would start with "is ",
    which the program's precondition refuses. A hit binds through the specific one, so the
    sample is checked through it too, and the family is admitted and serves."""
    draft = FamilyDraft(source=SOURCE, patterns=(GENERAL, SPECIFIC), samples=(REQUEST,),
                        description="a date from a story")
    fam = cache.admit(draft)
    hit = cache.lookup(REQUEST)
    assert hit is not None and hit.entry.id == fam
    served = hit.run()
    assert served.value == "3/5 tomorrow" and served.trace.pattern == SPECIFIC


def test_a_refused_sample_names_the_pattern_and_the_inputs_it_bound(cache):
    draft = FamilyDraft(source=SOURCE, patterns=(GENERAL,), samples=(REQUEST,), description="a date from a story")
    with pytest.raises(AdmissionError) as err:
        cache.admit(draft)
    text = str(err.value)
    assert "is refused by the gate" in text
    assert f"bound by {GENERAL!r} to story='is 3/5, and it rains', when='tomorrow'" in text
