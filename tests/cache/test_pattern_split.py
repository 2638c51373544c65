"""How str holes split a request (SPEC §14): never empty; every str hole but the pattern's
last takes the shortest text that lets the rest match, the last one the longest. The prompt
states the same rule (rule 3), so a model can foresee what its holes bind."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from seglam.cache.pattern import parse_pattern
from seglam.engine.prompt import build_prompts


def test_the_first_str_hole_is_shortest_and_the_last_longest():
    assert parse_pattern("{a: str}: {b: str}").match("x: y: z") == {"a": "x", "b": "y: z"}
    assert parse_pattern("{a: str}: {b: str}: {c: str}").match("p: q: r: s") == {"a": "p", "b": "q", "c": "r: s"}
    assert parse_pattern("Q {a: str} and {b: str} end").match("Q 1 and 2 and 3 end") == {"a": "1", "b": "2 and 3"}


def test_a_str_hole_is_never_empty():
    assert parse_pattern("Sort: {w: str}").match("Sort: ") is None
    assert parse_pattern("{a: str}: {b: str}").match(": z") is None


WORD = st.text(alphabet="abc", min_size=1, max_size=4)


@given(first=WORD, rest=st.lists(WORD, min_size=1, max_size=4))
def test_the_split_is_at_the_first_separator(first, rest):
    text = ": ".join([first, *rest])
    assert parse_pattern("{a: str}: {b: str}").match(text) == {"a": first, "b": ": ".join(rest)}


def test_the_prompt_states_the_rule():
    system = build_prompts().system
    assert "never empty" in system and "shortest text that lets the rest match" in system
