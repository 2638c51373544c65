"""End to end with the real language: seglam.compile, Program.run under fuel, seglam.verify
and the verifier's diff, on starter families from stdlib/families."""

import json
from pathlib import Path

import pytest

from seglam.cache import Cache, FamilyDraft, GateMiss
from seglam.cache.toolchain import SeglamToolchain

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_cache_seglam")

FAMILIES = Path(__file__).resolve().parents[2] / "stdlib" / "families"
OPTS = {"max_examples": 10, "z3": False}  # keep the suite fast; admission defaults are stricter


def _draft(name: str) -> FamilyDraft:
    meta = json.loads((FAMILIES / f"{name}.json").read_text())
    return FamilyDraft.from_family_json(meta, (FAMILIES / f"{name}.sgl").read_text())


SORT_Q = "Sort the following words alphabetically: List: pear apple fig"
DYCK_Q = "Complete the rest of the sequence, making sure that the parentheses are closed properly. Input: ( [ {"


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    path = tmp_path_factory.mktemp("real") / "cache"
    with Cache(path, toolchain=SeglamToolchain(OPTS)) as c:
        ids = {n: c.admit(_draft(n)) for n in ("word_sorting", "dyck_languages")}
        yield c, ids


def test_hits_run_the_real_program_with_a_trace(real):
    c, ids = real
    served = c.lookup(SORT_Q).run()
    assert served.value == "apple fig pear"
    assert served.trace.entry_id == ids["word_sorting"] and served.trace.fuel_used > 0
    assert c.lookup(DYCK_Q).run().value == "} ] )"
    assert c.get(ids["word_sorting"]).verification.tool == "seglam.verify"


def test_families_never_serve_each_other(real):
    c, ids = real
    assert c.lookup(SORT_Q).entry.id == ids["word_sorting"]
    assert c.lookup(DYCK_Q).entry.id == ids["dyck_languages"]
    assert c.lookup("Sort the following words alphabetically: ( [ {") is None


def test_gate_refuses_outside_the_precondition_and_out_of_fuel(real):
    c, ids = real
    with pytest.raises(GateMiss) as err:
        c.lookup("Sort the following words alphabetically: List: Hello World").run()
    assert err.value.trace.outcome == "domain" and err.value.counterexample.fault == "F-REQUIRES"
    with pytest.raises(GateMiss) as err:
        c.lookup(SORT_Q).run(fuel=1)
    assert err.value.counterexample.fault == "F-FUEL"


def test_export_import_round_trip_and_tamper(real, tmp_path):
    c, ids = real
    c.export(tmp_path / "b")
    with Cache(tmp_path / "fresh", toolchain=SeglamToolchain(OPTS)) as fresh:
        report = fresh.import_(tmp_path / "b")
        assert report.ok and len(report.imported) == 2
        assert {e.id: e.program_hash for e in fresh.list()} == {e.id: e.program_hash for e in c.list()}
        assert fresh.lookup(SORT_Q).run().value == c.lookup(SORT_Q).run().value
        assert fresh.lookup(DYCK_Q).run().value == c.lookup(DYCK_Q).run().value
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    for fam in manifest["families"]:
        p = tmp_path / "b" / fam["file"]
        p.write_text(p.read_text().replace("sorted(words.split())", "sorted(words.split(), reverse=True)"))
        import hashlib
        fam["file_sha256"] = hashlib.sha256(p.read_bytes()).hexdigest()  # a careful tamperer
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with Cache(tmp_path / "fresh2", toolchain=SeglamToolchain(OPTS)) as fresh:
        report = fresh.import_(tmp_path / "b")
        assert [i for i, _ in report.refused] == [ids["word_sorting"]]
        assert "content hash" in report.refused[0][1]
        assert report.imported == (ids["dyck_languages"],)


def test_replace_uses_the_verifier_diff(real):
    c, ids = real
    fam = ids["word_sorting"]
    old = c.get(fam)
    new_source = old.source.replace('return " ".join(sorted(words.split()))',
                                    'out = sorted(words.split())\n    return " ".join(out)')
    res = c.replace(fam, new_source, note="same meaning, new shape")
    assert res.version == old.version + 1 and res.disagreements == ()
    assert res.diff is not None
    assert c.lookup(SORT_Q).run().value == "apple fig pear"


def test_leading_assert_is_a_precondition_not_a_bug(tmp_path):
    src = "def main(n: int) -> int:\n    assert n >= 0\n    return n * 2\n\nassert main(4) == 8\n"
    draft = FamilyDraft(source=src, patterns=("Double the number {n: int} please",), samples=("Double the number 4 please",))
    with Cache(tmp_path / "c", toolchain=SeglamToolchain(OPTS)) as c:
        fam = c.admit(draft)
        assert c.lookup("double the number 21 please").run().value == 42
        with pytest.raises(GateMiss) as err:
            c.lookup("Double the number -3 please").run()
        assert err.value.trace.outcome == "domain" and err.value.counterexample.fault == "F-ASSERT"
        assert c.get(fam).stats.domain_misses == 1 and c.get(fam).stats.failures == 0


def test_a_wording_without_a_defaulted_parameters_part_runs_with_its_default(tmp_path):
    """Rule 3 of the compile prompt: a parameter with a default may go without a hole."""
    src = ('def main(n: int, unit: str = "apples") -> str:\n    return f"{n * 2} {unit}"\n\n'
           'assert main(2) == "4 apples"\n')
    draft = FamilyDraft(source=src, patterns=("Double {n: int} {unit: word} please", "Double {n: int} please"),
                        samples=("Double 2 pears please", "Double 3 please"))
    with Cache(tmp_path / "c", toolchain=SeglamToolchain(OPTS)) as c:
        c.admit(draft)
        assert c.lookup("Double 5 please").run().value == "10 apples"
        assert c.lookup("Double 5 figs please").run().value == "10 figs"
