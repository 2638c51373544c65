"""Trust records and envelopes (issue 13): what a family earned is stored sealed, per
version, survives a reopen, and a damaged record costs checks, never trust."""

from __future__ import annotations

import json

import lmdb
import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from seglam.cache import Cache, FamilyDraft
from seglam.cache.envelope import Hole, features, length_span, novelties, number_span, outside, program_words, widen
from seglam.cache.store import DATABASES
from seglam.cache.trust import TrustRecord
from seglam.cli.main import main
from tests.cache.cache_oracle_toolchain import OracleToolchain

SHAPES = FamilyDraft(
    source=(
        "def shape(path: str, options: str) -> str:\n"
        "    return 'A'\n\n"
        "def prop_answer_is_short(path: str, options: str) -> bool:\n"
        "    return len(shape(path, options)) == 1\n"
    ),
    description="Name the shape an SVG path draws",
    patterns=("This SVG path element <path d=\"{path: str}\"/> draws a Options: {options: str}",),
    samples=("This SVG path element <path d=\"M 10,20 L 30,40 L 10,20\"/> draws a Options: (A) line (B) circle",),
)
LINE = "This SVG path element <path d=\"M 10,20 L 30,40 L 10,20\"/> draws a Options: (A) line (B) circle"


@pytest.fixture
def cache(tmp_path):
    with Cache(tmp_path / "c", toolchain=OracleToolchain()) as c:
        yield c


# -- envelopes -----------------------------------------------------------------------------------


def test_features_read_words_numbers_and_length():
    f = features("M 31.00,29.00 L 34.5 (A) circle")
    assert f.words == {"m", "l", "a", "circle"} and f.numbers == (31.0, 29.0, 34.5) and f.length == 31
    assert features(["pear", "Apple"]).words == {"pear", "apple"} and features(["pear", "Apple"]).length == 2
    assert features(True).words == {"true"} and features(7).numbers == (7.0,) and features(7).length is None
    assert features(10**400).numbers == (float("inf"),)


def test_a_new_option_word_leaves_the_envelope_and_observing_it_brings_it_in():
    hole = widen(None, "(A) circle (B) line (C) triangle")
    assert outside(hole, "(A) line (B) circle (C) triangle") == []
    why = outside(hole, "(A) line (B) circle (C) trapezoid")
    assert why == ["words not seen before: trapezoid"]  # length 33 is within 32..63, the power-of-two span
    grown = widen(hole, "(A) line (B) circle (C) trapezoid")
    assert outside(grown, "(A) line (B) circle (C) trapezoid") == []


def test_numbers_and_lengths_outside_the_rounded_ranges_are_novel():
    hole = widen(widen(None, 12), 87)
    assert outside(hole, 10) == [] and outside(hole, 99) == []  # the same order of magnitude
    assert outside(hole, 100) == ["number 100 outside the range (seen 12..87, admitted 10..99)"]
    assert outside(hole, 9) == ["number 9 outside the range (seen 12..87, admitted 10..99)"]
    words = widen(None, ["a", "b", "c", "d"])
    assert outside(words, ["a", "b", "c", "d", "a", "b", "c"]) == []  # 7 is within 4..7
    assert outside(words, ["a"] * 8) == ["length 8 outside the lengths (seen 4..4, admitted 4..7)"]
    assert outside(words, ["a", "b", "c"]) == ["length 3 outside the lengths (seen 4..4, admitted 4..7)"]
    assert outside(Hole(), 1) == ["number 1 outside the range (none seen)"]


@pytest.mark.parametrize(("low", "high", "span"), [
    (12, 87, (10, 99)), (12, 120, (10, 999)), (0.5, 3, (0, 9)), (-40, 7, (-99, 9)), (-40, -5, (-99, 0)),
    (1, 1, (0, 9)), (1000, 1000, (1000, 9999)), (None, None, (float("inf"), float("-inf"))),
])
def test_number_span_rounds_out_to_orders_of_magnitude(low, high, span):
    assert number_span(low, high) == span


@pytest.mark.parametrize(("shortest", "longest", "span"), [
    (25, 31, (16, 31)), (3, 6, (2, 7)), (0, 0, (0, 0)), (1, 32, (1, 63)), (None, None, (1, 0)),
])
def test_length_span_rounds_out_to_powers_of_two(shortest, longest, span):
    assert length_span(shortest, longest) == span


def test_an_observed_word_joins_the_vocabulary_on_its_second_observation_a_verified_one_at_once():
    once = widen(None, "(A) kiwi", verified=False)
    assert once.pending == ("a", "kiwi") and outside(once, "(A) kiwi") == ["words not seen before: a, kiwi"]
    twice = widen(once, "(A) kiwi", verified=False)
    assert twice.pending == () and outside(twice, "(A) kiwi") == []
    assert outside(widen(None, "(A) kiwi"), "(A) kiwi") == []


def test_the_programs_own_words_are_known_in_every_hole():
    source = 'FRUITS = ["apple", "Pear"]\n\ndef pick(options: str) -> str:\n    return "no fruit here"  # kiwi\n'
    assert program_words(source) == {"apple", "pear", "no", "fruit", "here"}  # literals only, not comments
    assert program_words("def (") == frozenset()
    envelope = {"options": widen(None, "stone, chair")}
    assert novelties(envelope, {"options": "pear, stone"}, known=program_words(source)) == []
    assert novelties(envelope, {"options": "kiwi, stone"}, known=program_words(source)) == [
        "options: words not seen before: kiwi"]


def test_open_holes_are_never_novel():
    envelope = {"path": widen(None, "M 1,2"), "options": widen(None, "(A) line")}
    bound = {"path": "M 99,98 Q", "options": "(A) line"}
    assert novelties(envelope, bound) and all(n.startswith("path:") for n in novelties(envelope, bound))
    assert novelties(envelope, bound, open_holes=("path",)) == []


values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(st.lists(values, min_size=1, max_size=5), values)
def test_every_value_a_hole_was_widened_by_is_inside_it(seen, other):
    hole = None
    for v in seen:
        hole = widen(hole, v)
    assert all(outside(hole, v) == [] for v in seen)
    assert outside(widen(hole, other), other) == []


# -- records -------------------------------------------------------------------------------------


def test_a_fresh_record_holds_the_envelope_the_family_was_verified_on(cache):
    family = cache.admit(SHAPES)
    record = cache.trust.view(cache.get(family))
    assert record.observations == 0 and record.state(3) == "probation" and record.state(0) == "trusted"
    assert record.novel({"path": "M 10,20 L 30,40 L 10,20", "options": "(A) line (B) circle"}) == []
    assert record.novel({"path": "M 10,20 L 30,40 L 10,20", "options": "(A) line (B) square"}) == [
        "options: words not seen before: square"]
    assert cache.trust.get(family) is None  # viewing writes nothing


def test_observations_disputes_and_settlements_persist_across_a_reopen(tmp_path):
    path = tmp_path / "c"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        entry = cache.get(cache.admit(SHAPES))
        bound = {"path": "M 1,2 L 3,4", "options": "(A) line (B) ellipse"}
        cache.trust.observe(entry, bound, needed=3)
        found = cache.trust.dispute(entry, bound, origin="shadow", program="(A)", other="(B)", request="r")
    with Cache(path, toolchain=OracleToolchain()) as cache:
        record = cache.trust.get(entry.id)
        assert record.observations == 1 and record.needed == 3 and record.state() == "disputed"
        assert record.novel(bound) == ["options: words not seen before: ellipse"]  # observed once: pending
        assert [d.id for d in record.open_disputes()] == [found.id]
        assert cache.trust.observe(entry, bound, needed=3).novel(bound) == []  # twice: in
        settled = cache.trust.settle(entry, found.id, "program-right", answer="(A)", why="it is a line", by="model")
        assert settled.status == "program-right" and cache.trust.get(entry.id).state() == "probation"
        with pytest.raises(Exception, match="no open dispute"):
            cache.trust.settle(entry, found.id, "program-wrong", answer="(B)", why="", by="model")


def test_a_new_version_starts_over_but_keeps_its_disputes(cache):
    family = cache.admit(SHAPES)
    entry = cache.get(family)
    cache.trust.observe(entry, {"path": "M 1,2", "options": "(A) line"}, needed=3)
    cache.trust.dispute(entry, {"path": "M 1,2", "options": "(A) x"}, origin="user", program="(A)", other="(B)")
    cache.replace(family, SHAPES.source.replace("'A'", "'B' if 'x' in options else 'A'"))
    record = cache.trust.view(cache.get(family))
    assert record.version == 2 and record.observations == 0 and len(record.disputes) == 1
    assert record.state(0) == "trusted"  # the open dispute was on v1


def test_a_damaged_trust_record_is_reported_and_read_as_fresh(tmp_path):
    path = tmp_path / "c"
    with Cache(path, toolchain=OracleToolchain()) as cache:
        entry = cache.get(cache.admit(SHAPES))
        for _ in range(4):
            cache.trust.observe(entry, {"path": "M 1,2", "options": "(A) line"}, needed=3)
    env = lmdb.open(str(path), max_dbs=len(DATABASES) + 2, subdir=True)
    db = env.open_db(b"trust")
    with env.begin(write=True) as txn:
        raw = bytearray(txn.get(entry.id.encode(), db=db))
        raw[-3] ^= 0x40
        txn.put(entry.id.encode(), bytes(raw), db=db)
    env.close()
    with Cache(path, toolchain=OracleToolchain()) as cache:
        assert cache.trust.view(entry).observations == 0  # trust must be earned again
        assert cache.trust.damaged and cache.trust.damaged[0][0] == entry.id


def test_a_hole_is_declared_open_only_when_a_property_covers_it(cache):
    family = cache.admit(SHAPES)
    entry = cache.get(family)
    assert cache.trust.declare_open(entry, "path").open_holes == ("path",)
    with pytest.raises(ValueError, match="no hole"):
        cache.trust.declare_open(entry, "colour")
    bare = cache.admit(FamilyDraft(source="def twice(n: int) -> int:\n    return 2 * n\n",
                                   patterns=("Double the number {n: int} now",), samples=("Double the number 4 now",)))
    with pytest.raises(ValueError, match="no property covers"):
        cache.trust.declare_open(cache.get(bare), "n")


def test_the_cli_shows_trust_records_disputes_and_declares_holes_open(tmp_path, capsys):
    path = str(tmp_path / "c")
    with Cache(path, toolchain=OracleToolchain()) as cache:
        entry = cache.get(cache.admit(SHAPES))
        cache.trust.observe(entry, {"path": "M 1,2", "options": "(A) line"}, needed=3)
        cache.trust.dispute(entry, {"path": "M 1,2", "options": "(A) oval"}, origin="shadow", program="(A)",
                            other="(B)", request=LINE)
    assert main(["cache", "ls", "--cache", path]) == 0
    out = capsys.readouterr().out
    assert "TRUST" in out and "disputed 1/3 1 disputed" in out
    assert main(["cache", "ls", "--cache", path, "--json"]) == 0
    row = json.loads(capsys.readouterr().out)[0]
    assert row["trust"] == "disputed" and row["observations"] == 1 and row["open_disputes"] == 1
    assert main(["cache", "show", entry.id, "--cache", path]) == 0
    out = capsys.readouterr().out
    assert "trust        disputed: 1 observation(s) on v1 (probation asks 3)" in out
    assert "disputes     1 (1 open)" in out and "the program answered '(A)', the shadow answer was '(B)'" in out
    assert "envelope     options: words a b circle line; lengths 8..19" in out
    assert main(["cache", "open", entry.id, "path", "--cache", path]) == 0
    assert "hole path is open" in capsys.readouterr().out
    assert main(["cache", "show", entry.id, "--cache", path, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["trust"]["open_holes"] == ["path"]


def test_an_operator_reject_is_a_dispute_settled_by_the_operator(tmp_path, capsys):
    path = str(tmp_path / "c")
    with Cache(path, toolchain=OracleToolchain()) as cache:
        family = cache.admit(SHAPES)
    assert main(["cache", "reject", family, "--cache", path, "--expected", "(B)", "--request", LINE]) == 0
    capsys.readouterr()
    with Cache(path, toolchain=OracleToolchain()) as cache:
        record = cache.trust.get(family)
        (d,) = record.disputes
        assert (d.origin, d.status, d.settled_by, d.answer, d.other) == ("operator", "program-wrong", "operator",
                                                                       "(B)", "(B)")
        assert cache.get(family).status == "quarantined"


def test_trust_records_round_trip_through_msgpack():
    record = TrustRecord(id="x", version=2, envelope={"a": widen(None, "hello 5")}, open_holes=("b",))
    assert msgspec.msgpack.decode(msgspec.msgpack.encode(record), type=TrustRecord) == record


def test_a_record_no_engine_checked_is_unchecked_not_trusted(cache):
    entry = cache.get(cache.admit(SHAPES))
    record = cache.trust.refused(entry, "domain: too long")
    assert record.refusals == 1 and record.state() == "unchecked" and record.state(2) == "probation"


def test_a_stale_entry_cannot_observe_for_a_newer_version_but_its_disputes_are_kept(cache):
    family = cache.admit(SHAPES)
    old = cache.get(family)
    cache.replace(family, SHAPES.source.replace("'A'", "'B' if 'x' in options else 'A'"))
    new = cache.get(family)
    cache.trust.observe(new, {"path": "M 1,2", "options": "(A) line"}, needed=3)
    bound = {"path": "M 1,2", "options": "(A) x"}
    assert cache.trust.observe(old, bound, needed=3).observations == 1  # dropped: v1 is gone
    found = cache.trust.dispute(old, bound, origin="shadow", program="(A)", other="(B)")
    record = cache.trust.get(family)
    assert record.version == 2 and record.observations == 1 and [d.id for d in record.disputes] == [found.id]
    assert found.version == 1 and record.state() == "probation"  # the open dispute names v1


# -- replaying observations on a new version -------------------------------------------------------


def _two_versions(cache):
    entry = cache.get(cache.admit(SHAPES))
    for i in range(3):
        cache.trust.observe(entry, {"path": f"M {i},2", "options": "(A) line (B) ellipse"}, needed=3, answer="A")
    cache.replace(entry.id, SHAPES.source.replace("'A'", "'A' if True else 'B'"), note="v2")
    return cache.get(entry.id)


def test_a_new_version_that_gives_every_confirmed_answer_inherits_them_once(cache):
    v2 = _two_versions(cache)
    assert cache.trust.view(v2).observations == 0 and len(cache.trust.view(v2).observed) == 3
    asked = []
    record = cache.trust.replay(v2, lambda bindings, answer: asked.append((bindings["path"], answer)) or True)
    assert asked == [("M 0,2", "A"), ("M 1,2", "A"), ("M 2,2", "A")]
    assert record.observations == 3 and record.replayed and {o.version for o in record.observed} == {2}
    assert record.novel({"path": "M 1,2", "options": "(A) line (B) ellipse"}) == []  # ellipse observed 3 times
    assert cache.trust.replay(v2, lambda b, a: False).observations == 3  # once per version


def test_a_new_version_that_differs_on_one_confirmed_answer_inherits_nothing(cache):
    v2 = _two_versions(cache)
    record = cache.trust.replay(v2, lambda bindings, answer: bindings["path"] != "M 1,2")
    assert record.observations == 0 and record.replayed
    assert "not inherited" in record.history[-1].detail and "M 1,2" in record.history[-1].detail


def test_observed_inputs_are_kept_up_to_the_limit_newest_last(cache):
    from seglam.cache.trust import MAX_OBSERVED

    entry = cache.get(cache.admit(SHAPES))
    for i in range(MAX_OBSERVED + 3):
        cache.trust.observe(entry, {"path": f"M {i},0", "options": "(A) line"}, needed=3, answer="A")
    kept = cache.trust.view(entry).observed
    assert len(kept) == MAX_OBSERVED and kept[-1].inputs["path"] == f"M {MAX_OBSERVED + 2},0"
    assert cache.trust.view(entry).observations == MAX_OBSERVED + 3


@pytest.mark.parametrize(("claims", "repairs", "due"), [
    (0, 0, True), (1, 1, True), (2, 2, False), (3, 2, True), (4, 3, False), (6, 3, False), (7, 3, True),
])
def test_a_quarantined_versions_recompiles_are_spaced_out(claims, repairs, due):
    from seglam.engine.trust import repair_due

    assert repair_due(TrustRecord(id="x", version=1, claims=claims, repairs=repairs)) is due
