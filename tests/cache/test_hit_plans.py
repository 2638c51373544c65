"""What the hit path prepares once and reuses (issue 19 point 5): it must answer exactly as
the slow path does, and follow a family that is quarantined or replaced.

- prepared patterns (``Lookup.prepared_pattern``), the one-scan request tokens and the
  one-call index probe (``Cursor.getmulti``): ``Cache.matches`` finds exactly the families
  a scan of every stored pattern finds;
- the compiled program and its call plan, memoised per (id, version, program hash): a
  quarantined family is not served, and a replaced one is served by its new program.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.cache import Cache, FamilyDraft
from seglam.cache.entry import Entry, Param, Signature, Verification
from seglam.cache.lookup import prepare
from seglam.cache.pattern import parse_pattern
from seglam.cache.words import request_tokens
from seglam.cache.toolchain import SeglamToolchain

#: overlapping patterns, stored without the clash checks so that one request can match several
PATTERNS = {
    "aaaaaaaaaaa1": ("What is {a: int} plus {b: int}?", "Add {a: int} and {b: int} please"),
    "aaaaaaaaaaa2": ("What is {a: int} plus {b: int}? Answer now",),
    "aaaaaaaaaaa3": ("{e: expr} =", "Compute {e: expr} = ?"),
    "aaaaaaaaaaa4": ("Sort the words: {w: str}", "Sort the words: {w: word} quickly"),
    "aaaaaaaaaaa5": ("On {d: date}, was the shop open? {f: bool}",),
}
FILLERS = st.one_of(st.integers(-999, 999).map(str), st.sampled_from(["1 + 2", "(3 * 4) - 1", "x", "pear apple",
                                                                      "2024-02-29", "2023-02-29", "yes", "", "?"]))


def _entry(entry_id: str, patterns: tuple[str, ...]) -> Entry:
    names = sorted({h.name for p in patterns for h in parse_pattern(p).holes})
    return Entry(id=entry_id, patterns=patterns, source="def main() -> int:\n    return 0\n", program_hash="0" * 64,
                 signature=Signature(entry="main", params=tuple(Param(name=n, type="str") for n in names), returns="int"),
                 verification=Verification(ok=True, tool="test"))


@pytest.fixture(scope="module")
def overlapping(tmp_path_factory):
    with Cache(tmp_path_factory.mktemp("plans") / "cache") as c:
        c.put_verified([_entry(i, p) for i, p in PATTERNS.items()])
        yield c


def _scan(text: str) -> list[tuple[str, int, dict]]:
    """Every (family, pattern number, bindings) that matches, by parsing every pattern afresh."""
    out = []
    for entry_id, patterns in PATTERNS.items():
        for number, p in enumerate(patterns):
            bindings = parse_pattern(p).match(text)
            if bindings is not None:
                out.append((entry_id, number, bindings))
    return sorted(out, key=repr)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(template=st.sampled_from([p for ps in PATTERNS.values() for p in ps]), fills=st.lists(FILLERS, min_size=3, max_size=3),
       case=st.booleans(), forget=st.booleans())
def test_matches_equal_a_scan_of_every_pattern(overlapping, template, fills, case, forget):
    text = re.sub(r"\{[^}]*\}", lambda m: fills.pop() if fills else "1", template)
    text = text.upper() if case else text
    if forget:
        overlapping.forget()  # the slow path: nothing prepared yet
    found = sorted(((m.entry_id, m.pattern_index, m.bindings) for m in overlapping.matches(text)), key=repr)
    assert found == _scan(text)


@given(st.one_of(st.text(max_size=40), st.text(st.characters(max_codepoint=127), max_size=40)))
def test_request_tokens_are_the_words_and_the_symbols(text):
    low = text.lower()
    assert request_tokens(text) == set(re.findall(r"\w+", low)) | set(re.findall(r"[^\w\s\ud800-\udfff]", low))


def test_a_prepared_pattern_is_the_parsed_pattern(overlapping):
    lookup = overlapping._lookup
    text = PATTERNS["aaaaaaaaaaa1"][0]
    prepared = lookup.prepared_pattern(text)
    fresh = parse_pattern(text)
    assert prepared == prepare(fresh) and prepared.pattern.text == fresh.text
    assert prepared.anchors == frozenset(fresh.anchors) and prepared.specificity == fresh.specificity
    assert lookup.prepared_pattern(text) is prepared  # once per text
    overlapping.forget()
    assert lookup.prepared_pattern(text) is not prepared


DOUBLE = "def main(n: int) -> int:\n    return n * 2\n\nassert main(4) == 8\n"
TWICE = "total = 0\n    for _ in range(2):\n        total += n\n    return total"  # same answers, more fuel
REQUEST = "Double the number 21 please"


def test_a_quarantined_family_is_not_served_and_a_replaced_one_runs_its_new_program(tmp_path):
    draft = FamilyDraft(source=DOUBLE, patterns=("Double the number {n: int} please",),
                        samples=("Double the number 4 please",))
    with Cache(tmp_path / "c", toolchain=SeglamToolchain({"max_examples": 10, "z3": False})) as c:
        fam = c.admit(draft)
        first = c.lookup(REQUEST).run()
        assert (first.value, first.trace.version) == (42, 1)
        c.quarantine(fam, "being corrected")
        assert c.lookup(REQUEST) is None
        res = c.replace(fam, DOUBLE.replace("return n * 2", TWICE), note="new shape")
        again = c.lookup(REQUEST).run()
        assert again.value == 42 and again.trace.version == res.version == 2
        assert again.trace.program_hash == c.get(fam).program_hash != first.trace.program_hash
        assert again.trace.fuel_used != first.trace.fuel_used  # the new program ran, not the memoised old one
