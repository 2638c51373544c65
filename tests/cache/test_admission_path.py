"""One admission path (issue 16, point 2): every way a family enters the store or gets a
new program (``admit``, a bundle's ``import_``, ``replace``) verifies through
``Admission.prepare`` and writes through ``Admission.write_family``; ``add_pattern`` writes
through the same function. A :class:`Placement` says which of the three an admission is."""

from __future__ import annotations

import msgspec
import pytest

from seglam.cache import AdmissionError, Cache, FamilyDraft, Placement
from seglam.cache.admission import Admission
from seglam.cache.synthetic import family
from tests.cache.cache_families import ADD, SORT


@pytest.fixture
def calls(monkeypatch):
    """(function, event) for every verification and every family write."""
    seen: list[tuple[str, str]] = []
    prepare, write = Admission.prepare, Admission.write_family

    def spy_prepare(self, draft, placement=Placement()):
        seen.append(("prepare", "replace" if placement.replaces else "import" if placement.imported else "new"))
        return prepare(self, draft, placement)

    def spy_write(self, txn, new, current, event, detail):
        seen.append(("write", event))
        return write(self, txn, new, current, event, detail)

    monkeypatch.setattr(Admission, "prepare", spy_prepare)
    monkeypatch.setattr(Admission, "write_family", spy_write)
    return seen


def test_admit_import_replace_and_add_pattern_go_through_one_path(tmp_path, cache, toolchain, calls):
    fam = cache.admit(ADD)
    assert calls == [("prepare", "new"), ("write", "admitted")]
    cache.export(tmp_path / "bundle")
    with Cache(tmp_path / "fresh", toolchain=toolchain) as fresh:
        calls.clear()
        assert fresh.import_(tmp_path / "bundle").imported == (fam,)
        assert calls == [("prepare", "import"), ("write", "admitted")]
    calls.clear()
    cache.replace(fam, "def add(a: int, b: int) -> int:\n    return b + a\n")
    assert calls == [("prepare", "replace"), ("write", "replaced")]
    calls.clear()
    cache.add_pattern(fam, "Add {a: int} and {b: int} together", sample="Add 2 and 3 together")
    assert calls == [("write", "pattern-added")]


def test_a_refused_draft_is_never_written(cache, calls):
    with pytest.raises(AdmissionError):
        cache.admit(FamilyDraft(source=SORT.source, patterns=("{w: str}",), samples=("anything",)))
    assert calls == [("prepare", "new")]
    assert cache.list() == []


def test_placements_say_what_an_admission_is(cache):
    fam = cache.admit(ADD)
    old = cache.get(fam)
    nxt = Placement.next_version(old, "why")
    assert (nxt.entry_id, nxt.version, nxt.replaces, nxt.note) == (fam, old.version + 1, old, "why")
    assert nxt.counterexamples == old.counterexamples
    placed = nxt.place(old)
    assert placed.provenance.parent_version == old.version and placed.created == old.created
    imported = Placement(entry_id=fam, status="quarantined", status_reason="r", imported=True).place(old)
    assert imported.status == "quarantined" and imported.provenance.note.endswith("imported")
    assert Placement().place(old) == old  # a new family keeps what admission prepared


def test_put_verified_with_clash_check_writes_as_admission_does(cache, calls):
    cache.put_verified([family(1)], clash_check=True)
    assert calls == [("write", "admitted")]
    assert [ev.kind for ev in cache.history(family(1).id)[1]] == ["admitted"]
    twin = msgspec.structs.replace(family(1), id="0" * 12)  # another id, the same pattern and sample
    with pytest.raises(AdmissionError, match="matches"):
        cache.put_verified([twin], clash_check=True)
    cache.put_verified([family(2)])  # without the check: stored, no event, not through write_family
    assert calls == [("write", "admitted"), ("write", "admitted")] and cache.history(family(2).id)[1] == []


def test_replace_trusts_a_passing_report_of_the_same_source_and_verifies_without_one(cache, toolchain, monkeypatch):
    """The engine verifies a widened program with the request's bindings as seeds; the
    cache's replace must use that report, not verify again without the seeds (which refused
    parsers of one wording for lack of valid inputs)."""
    fam = cache.admit(ADD)
    source = "def add(a: int, b: int) -> int:\n    return b + a\n"
    report = toolchain.verify(toolchain.compile(source, "x.sgl"), entries=("add",))
    assert report.ok
    verified: list[str] = []
    real = type(toolchain).verify

    def counting(self, program, entries=()):
        verified.append(entries)
        return real(self, program, entries=entries)

    monkeypatch.setattr(type(toolchain), "verify", counting)
    cache.replace(fam, source, verification=report)
    assert verified == []
    cache.replace(fam, "def add(a: int, b: int) -> int:\n    return a + b\n")
    assert len(verified) == 1


def test_a_verifier_refusal_keeps_its_whole_report(tmp_path):
    """The reason carries the real verifier's report whole (the engine renders it for the
    model); cut at a fixed length it was JSON that no reader could parse."""
    from seglam.cache.errors import VERIFICATION_FAILED
    from seglam.cache.toolchain import SeglamToolchain

    helpers = "".join(f"def part{n}(b: int) -> int:\n    return 100 // (b - {n})\n\n\n" for n in range(12))
    calls = " + ".join(f"part{n}(b)" for n in range(12))
    bad = FamilyDraft(source=f"{helpers}def add(a: int, b: int) -> int:\n    return a + {calls}\n",
                      patterns=ADD.patterns, samples=("What is 2 plus 30?",), entry="add")
    with Cache(tmp_path / "real", toolchain=SeglamToolchain()) as cache, pytest.raises(AdmissionError) as caught:
        cache.admit(bad)
    (reason,) = caught.value.reasons
    assert reason.startswith(VERIFICATION_FAILED)
    report = msgspec.json.decode(reason[len(VERIFICATION_FAILED):])
    assert report["admissible"] is False and len(reason) > 2000
