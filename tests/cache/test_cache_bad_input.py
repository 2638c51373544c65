"""Malformed input to the cache API is a typed error or a miss, never a raw exception
(issue 20, point 3): lone surrogates (they cannot be encoded as UTF-8) in requests,
drafts and notes."""

import dataclasses

import pytest

from seglam.cache import AdmissionError
from tests.cache.cache_families import ADD, SORT


def test_a_draft_with_lone_surrogates_is_refused_with_reasons(cache):
    draft = dataclasses.replace(ADD, patterns=("Compute {a: int} and {b: int} together \udcff",),
                                samples=("Compute 1 and 2 together \udcff",))
    with pytest.raises(AdmissionError) as info:
        cache.admit(draft)
    assert info.value.reasons == ("a pattern contains a lone surrogate (U+D800..U+DFFF)",
                                  "a sample contains a lone surrogate (U+D800..U+DFFF)")


def test_requests_with_lone_surrogates_are_misses(cache):
    cache.admit(ADD)
    assert cache.lookup("What is \udcff plus 3?") is None
    assert cache.lookup_structured("add \udcff", {"a\udc00": 1}) is None


def test_notes_with_lone_surrogates_are_stored_escaped(cache):
    add_id = cache.admit(ADD)
    sort_id = cache.admit(SORT)
    cache.reject(add_id, 6, inputs={"a": 2, "b": 3}, note="wrong \udcff")
    cache.retire(sort_id, "gone \ud800")
    assert cache.history(add_id)[1][-1].detail == "wrong \\udcff"
    assert cache.get(sort_id).status_reason == "gone \\ud800"
