"""Negative families in the cache: signatures, evidence, narrowing, lifting, forgetting,
persistence, damaged records."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seglam.cache import NotFoundError
from seglam.cache.cache import Cache
from seglam.cache.errors import AmbiguousIdError
from seglam.cache.negative import MIN_SIGNATURE, NEGATIVE_AFTER, is_probe, signature_words

SPORTS = [
    'Is the following sentence plausible? "Joao Moutinho caught the screen pass in the NFC championship."',
    'Is the following sentence plausible? "Tyler Boyd hit a home run."',
    'Is the following sentence plausible? "Kenta Maeda threw to first base."',
]


@pytest.fixture
def negs(cache_location):
    with Cache(cache_location) as cache:
        yield cache.negatives


def test_signature_words_drop_noise():
    assert signature_words("Is the following {x: str} sentence (A) 1937 plausible?") == {"following", "sentence",
                                                                                        "plausible"}


def test_probe_schedule_is_geometric():
    assert [n for n in range(1, 3000) if is_probe(n)] == [32, 256, 2048]


def test_evidence_then_active_then_narrowed(negs):
    first = negs.record(SPORTS[0], "declined")
    assert first.status == "candidate" and first.evidence == 1
    assert negs.claim(SPORTS[1]) is None  # a candidate never claims
    second = negs.record(SPORTS[1], "declined")
    assert second.id == first.id and second.evidence == NEGATIVE_AFTER and second.status == "active"
    assert second.signature == ("following", "plausible", "sentence")
    assert [e.kind for e in second.history] == ["declined", "narrowed", "declined", "activated"]
    claim = negs.claim(SPORTS[2])
    assert claim is not None and not claim.probe and claim.kind.applied == 1


def test_unrelated_declines_make_separate_kinds(negs):
    negs.record(SPORTS[0], "declined")
    negs.record("Which statement is sarcastic? Options: (A) Great, more rain. (B) Rain again.", "declined")
    assert len(negs.list()) == 2


def test_lift_and_forget(negs):
    negs.record(SPORTS[0], "declined")
    kind = negs.record(SPORTS[1], "declined")
    assert negs.lift_for(SPORTS[2], "compiled") == [kind.id]
    lifted = negs.get(kind.id)
    assert lifted.status == "lifted" and lifted.history[-1].detail == "compiled"
    assert negs.claim(SPORTS[2]) is None
    assert negs.lift_for(SPORTS[2], "again") == []
    negs.forget(kind.id)
    with pytest.raises(NotFoundError):
        negs.get(kind.id)


def test_a_new_family_lifts_the_kinds_that_claim_its_samples(negs):
    negs.record(SPORTS[0], "declined")
    kind = negs.record(SPORTS[1], "declined")
    assert negs.lift_overlapping("fam-1", ["unrelated text"]) == []
    assert negs.lift_overlapping("fam-1", [SPORTS[2]]) == [kind.id]


def test_ids_resolve_by_unique_prefix(negs):
    a = negs.record(SPORTS[0], "declined")
    b = negs.record("Which statement is sarcastic? Options: (A) x (B) y", "declined")
    assert negs.get(a.id[:9]).id == a.id
    with pytest.raises(AmbiguousIdError):
        negs.get("neg-")
    with pytest.raises(NotFoundError):
        negs.get("")
    assert b.id != a.id


def test_kinds_persist_and_damaged_records_are_ignored(cache_location):
    with Cache(cache_location) as cache:
        cache.negatives.record(SPORTS[0], "declined")
        kind = cache.negatives.record(SPORTS[1], "declined")

        def damage(txn):
            txn.put(b"neg-broken", b"\xc1 not msgpack", db=cache.negatives.db)

        cache.store.write(damage)
    with Cache(cache_location) as cache:
        assert [k.id for k in cache.negatives.list()] == [kind.id]
        assert cache.negatives.claim(SPORTS[2]).kind.id == kind.id


def test_a_rewritten_record_is_not_trusted(cache_location):
    """Negative families are sealed like every record: a well-formed kind written without
    the cache's secret (here: made active with a one-word signature) is ignored."""
    import msgspec

    with Cache(cache_location) as cache:
        kind = cache.negatives.record(SPORTS[0], "declined")
        forged = msgspec.structs.replace(kind, status="active", signature=("following",), evidence=9)

        def rewrite(txn):
            txn.put(kind.id.encode(), msgspec.msgpack.encode(forged), db=cache.negatives.db)

        cache.store.write(rewrite)
    with Cache(cache_location) as cache:
        assert cache.negatives.list() == []
        assert cache.negatives.claim("Is the following sum right: 2 + 2 = 4?") is None


WORDS = st.lists(st.sampled_from("alpha beta gamma delta epsilon zeta eta theta iota kappa".split()), min_size=1,
                 max_size=8)


@given(st.lists(WORDS, min_size=1, max_size=5), WORDS)
@settings(max_examples=40, deadline=None)
def test_a_kind_only_claims_requests_carrying_its_whole_signature(tmp_path_factory, declined, probe):
    with Cache(tmp_path_factory.mktemp("neg")) as cache:
        for words in declined:
            cache.negatives.record(" ".join(words), "declined")
        text = " ".join(probe)
        for kind in cache.negatives.list():
            claimed = kind.claims(text)
            assert claimed == (len(kind.signature) >= MIN_SIGNATURE and set(kind.signature) <= set(probe))


def _cli(capsys, *argv):
    import argparse

    from seglam.cli.cache_args import register

    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    code = args.handler(args)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_cli_lists_shows_and_forgets(tmp_path, capsys):
    import json

    with Cache(tmp_path / "c") as cache:
        cache.negatives.record(SPORTS[0], "declined")
        kind = cache.negatives.record(SPORTS[1], "declined")
    where = ("--cache", str(tmp_path / "c"))
    code, out, _ = _cli(capsys, "cache", "ls", "--negative", *where)
    assert code == 0 and kind.id in out and "following plausible sentence" in out and "active" in out
    code, out, _ = _cli(capsys, "cache", "ls", "--negative", "--json", *where)
    assert [k["id"] for k in json.loads(out)] == [kind.id]
    code, out, _ = _cli(capsys, "cache", "show", kind.id, *where)
    assert code == 0 and "activated" in out and "Tyler Boyd" in out
    code, out, _ = _cli(capsys, "cache", "forget", kind.id[:8], *where)
    assert code == 0 and kind.id in out
    code, _, err = _cli(capsys, "cache", "forget", kind.id, *where)
    assert code == 1 and "no negative family" in err
    code, out, _ = _cli(capsys, "cache", "ls", "--negative", *where)
    assert code == 0 and "no negative families" in out


def test_narrowing_never_makes_a_kind_that_overlaps_a_family(negs):
    """Two unprogrammable date wordings share only the generic date words that a cached date
    family's requests carry: they stay two kinds; a second request of one wording activates it."""
    family = [("fam-date", ["Today is 3/5/2020. What is the date tomorrow in MM/DD/YYYY? Options: (A) 03/06/2020"])]
    xmas = "Today is Christmas Eve of 1937. What is the date tomorrow in MM/DD/YYYY? Options: (A) 12/25/1937"
    moon = "Today is the first moon landing day. What is the date tomorrow in MM/DD/YYYY? Options: (A) 07/21/1969"
    a = negs.record(xmas, "declined", positives=family)
    b = negs.record(moon, "declined", positives=family)
    assert a.id != b.id and {k.status for k in negs.list()} == {"candidate"}
    again = negs.record(xmas.replace("tomorrow", "yesterday").replace("1937", "1940"), "declined", positives=family)
    assert again.id == a.id and again.status == "active"
    assert {"christmas", "eve"} <= set(again.signature)
    assert negs.claim(moon.replace("tomorrow", "in a week")) is None


def test_positive_evidence_keeps_a_kind_from_applying(negs):
    family = [("fam-1", ["Today: " + SPORTS[0]])]
    negs.record(SPORTS[0], "declined", positives=family)
    kind = negs.record(SPORTS[0], "declined", positives=family)  # the same request, declined again
    assert kind.evidence == 2 and kind.status == "candidate" and kind.history[-1].kind == "blocked"
    assert "fam-1" in kind.history[-1].detail
    assert negs.claim(SPORTS[0]) is None
