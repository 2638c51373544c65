"""Export -> import round trip; tampered families are refused, the rest still import."""

import json

from tests.cache.cache_families import ADD, REVERSE, SORT
from seglam.cache import Cache

QUERIES = [
    "Sort the following words alphabetically: List: kiwi banana cherry",
    "What is 40 plus 2?",
    "Reverse the order of these words: one two three",
]


def _answers(cache):
    return [cache.lookup(q).run().value for q in QUERIES]


def test_round_trip_gives_identical_hashes_and_answers(tmp_path, cache, toolchain):
    for d in (SORT, ADD, REVERSE):
        cache.admit(d)
    fam = cache.lookup("What is 1 plus 1?").entry.id
    cache.reject(fam, 3, request="What is 1 plus 1?")
    cache.replace(fam, "def add(a: int, b: int) -> int:\n    return a + b + 1\n")
    before = {e.id: e for e in cache.list()}
    ids = cache.export(tmp_path / "bundle")
    assert sorted(ids) == sorted(before)
    files = sorted(p.name for p in (tmp_path / "bundle").iterdir())
    assert "manifest.json" in files and sum(f.endswith(".sgl") for f in files) == 3
    text = (tmp_path / "bundle" / next(f for f in files if f.startswith("sort_words"))).read_text()
    assert "# pattern: Sort the following words alphabetically: List: {words: str}" in text
    assert "def sort_words(words: str) -> str:" in text

    with Cache(tmp_path / "fresh", toolchain=toolchain) as fresh:
        report = fresh.import_(tmp_path / "bundle")
        assert report.ok and sorted(report.imported) == sorted(before)
        after = {e.id: e for e in fresh.list()}
        assert {i: e.program_hash for i, e in after.items()} == {i: e.program_hash for i, e in before.items()}
        assert {i: e.patterns for i, e in after.items()} == {i: e.patterns for i, e in before.items()}
        assert after[fam].counterexamples == before[fam].counterexamples
        assert _answers(fresh) == _answers(cache)
        again = fresh.import_(tmp_path / "bundle")  # idempotent
        assert sorted(again.unchanged) == sorted(before) and not again.imported


def test_hand_edited_program_is_caught(tmp_path, cache, toolchain):
    for d in (SORT, ADD):
        cache.admit(d)
    cache.export(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    add = next(f for f in manifest["families"] if f["file"].startswith("add-"))
    path = tmp_path / "b" / add["file"]
    path.write_text(path.read_text().replace("return a + b", "return a + b + 1"))
    with Cache(tmp_path / "fresh", toolchain=toolchain) as fresh:
        report = fresh.import_(tmp_path / "b")
        assert [r[0] for r in report.refused] == [add["id"]]
        assert "changed after export" in report.refused[0][1]
        assert len(report.imported) == 1
    # a tamperer who also rewrites the file hash is caught by the content hash
    import hashlib
    add["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with Cache(tmp_path / "fresh2", toolchain=toolchain) as fresh:
        report = fresh.import_(tmp_path / "b")
        assert len(report.refused) == 1 and "content hash" in report.refused[0][1]
        assert fresh.lookup("What is 2 plus 3?") is None
        assert fresh.lookup(QUERIES[0]).run().value == "banana cherry kiwi"


def test_failing_program_in_bundle_is_refused(tmp_path, cache, toolchain):
    cache.admit(ADD)
    cache.export(tmp_path / "b")
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    fam = manifest["families"][0]
    path = tmp_path / "b" / fam["file"]
    path.write_text(path.read_text() + "\n# verify: fail\n")
    import hashlib
    fam["file_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (tmp_path / "b" / "manifest.json").write_text(json.dumps(manifest))
    with Cache(tmp_path / "fresh", toolchain=toolchain) as fresh:
        report = fresh.import_(tmp_path / "b")
        assert "verification failed" in report.refused[0][1]


def test_re_export_mirrors_the_cache(tmp_path, cache):
    sort_id = cache.admit(SORT)
    add_id = cache.admit(ADD)
    cache.export(tmp_path / "b")
    (tmp_path / "b" / "README.md").write_text("mine")  # added to an export directory: kept
    cache.retire(add_id)
    cache.export(tmp_path / "b")
    files = sorted(p.name for p in (tmp_path / "b").iterdir())
    assert files == [".seglam-export.json", "README.md", "manifest.json", next(f for f in files if sort_id in f)]
