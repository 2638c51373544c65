"""Library modules kept in the cache (seglam/cache/modules.py): admitted through the one
admission path with their history, imported by families that record (and compile over) the
versions they were verified with, replaced only when every importing family still passes,
and carried by bundles. The real toolchain (seglam.compile + seglam.verify) throughout."""

from __future__ import annotations

import hashlib
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import seglam
from seglam.cache import AdmissionError, Cache, CacheError, FamilyDraft
from seglam.cache import BundleModuleError
from seglam.cache.toolchain import SeglamToolchain

CLOCK = '''"""Hours on a 24-hour clock."""


def later(h: int, n: int) -> int:
    """`n` hours after `h`."""
    return (h + n) % 24


assert later(23, 2) == 1
'''
# the same function written another way: another module version, every family still passes
CLOCK_V2 = CLOCK.replace("(h + n) % 24", "(n + h) % 24")
# wrong past 24 hours: its own example still holds, the families' checks do not
CLOCK_BROKEN = CLOCK.replace("(h + n) % 24", "h + n").replace("later(23, 2) == 1", "later(3, 2) == 5")
# wrong only at one hour
CLOCK_ODD = CLOCK.replace("(h + n) % 24", "(h + n) % 24 if h != 1 else (h + n + 1) % 24")

FAMILY = '''from clock import later


def main(h: int, n: int) -> int:
    return later(h, n)


assert main(22, 3) == 1
'''
PLAIN = '''from clock import later


@ensures(lambda result, h, n: 0 <= result < 24)
def main(h: int, n: int) -> int:
    return later(h, n)
'''
PATTERN = "What hour is it {n: int} hours after {h: int} o'clock?"
SAMPLE = "What hour is it 5 hours after 21 o'clock?"
REQUEST = "What hour is it 3 hours after 23 o'clock?"


def _toolchain() -> SeglamToolchain:
    return SeglamToolchain({"max_examples": 10, "z3": False})


@pytest.fixture
def lib(cache_location):
    with Cache(cache_location, toolchain=_toolchain()) as cache:
        yield cache


def _family(cache: Cache, source: str = FAMILY) -> str:
    return cache.admit(FamilyDraft(source=source, patterns=(PATTERN,), samples=(SAMPLE,), description="clock hours"))


# ---- stored with history, imported, pinned ---------------------------------------------------------


def test_a_module_is_an_entry_of_its_own_with_history(lib):
    first = lib.admit_module("clock", CLOCK)
    assert (first.module.version, first.module.description) == (1, "Hours on a 24-hour clock.")
    assert first.module.hash == seglam.compile(CLOCK).hash  # its content hash, as a program of its own
    assert not first.unchanged
    same = lib.admit_module("clock", CLOCK + "\n# a comment\n")  # same content: no new version
    assert same.unchanged and same.module.version == 1
    second = lib.admit_module("clock", CLOCK_V2)
    assert [m.version for m in lib.module_versions("clock")] == [1, 2]
    assert [m.hash for m in lib.module_versions("clock")] == [first.module.hash, second.module.hash]
    assert [m.name for m in lib.modules()] == ["clock"] and lib.modules()[0].version == 2
    assert [e.kind for e in lib.module_events("clock")] == ["module-admitted", "module-replaced"]
    assert lib.list() == []  # modules are not families


def test_a_family_records_and_serves_over_the_module_version_it_imports(lib):
    module = lib.admit_module("clock", CLOCK).module
    fid = _family(lib)
    entry = lib.get(fid)
    assert [(r.name, r.version, r.hash) for r in entry.modules] == [("clock", 1, module.hash)]
    assert lib.lookup(REQUEST).run().value == 2
    # the entry's hash is the Merkle hash over the cache's version of `clock`
    assert entry.program_hash == seglam.compile(FAMILY, modules={"clock": CLOCK}).hash
    assert entry.program_hash != seglam.compile(FAMILY, modules={"clock": CLOCK_V2}).hash


def test_replacing_a_module_moves_every_importer_to_a_new_version_over_it(lib):
    lib.admit_module("clock", CLOCK)
    fid = _family(lib)
    old = lib.get(fid)
    done = lib.admit_module("clock", CLOCK_V2)
    assert [(e.id, e.version) for e in done.families] == [(fid, 2)]
    new = lib.get(fid)
    # same source over another library version: another program, recorded as the next version
    assert new.source == old.source and new.program_hash != old.program_hash
    assert new.program_hash == seglam.compile(FAMILY, modules={"clock": CLOCK_V2}).hash
    assert [(r.version, r.hash) for r in new.modules] == [(2, done.module.hash)]
    versions, events = lib.history(fid)
    assert [(v.version, v.modules[0].version) for v in versions] == [(1, 1)]
    assert events[-1].kind == "replaced" and "module clock v2" in events[-1].detail
    assert lib.lookup(REQUEST).run().value == 2


def test_a_replacement_that_breaks_an_importers_own_example_is_refused(lib):
    lib.admit_module("clock", CLOCK)
    fid = _family(lib)
    with pytest.raises(AdmissionError) as info:
        lib.admit_module("clock", CLOCK_BROKEN)
    text = " ".join(info.value.reasons)
    assert f"family {fid} v1" in text and "example main(22, 3) == 1" in text and "got 25" in text
    assert [m.version for m in lib.module_versions("clock")] == [1]  # nothing written
    assert lib.get(fid).version == 1 and lib.lookup(REQUEST).run().value == 2


def test_a_replacement_that_breaks_a_postcondition_or_a_stored_example_is_refused(lib):
    lib.admit_module("clock", CLOCK)
    fid = _family(lib, PLAIN)
    with pytest.raises(AdmissionError) as info:  # the family, verified again, breaks its postcondition
        lib.admit_module("clock", CLOCK_BROKEN)
    assert f"family {fid} v1" in info.value.reasons[0]
    # what the failing check saw (the value main returned before its @ensures failed), V-06
    assert "postcondition #1 holds (main returned -1)" in info.value.reasons[0]
    lib.add_example(fid, {"h": 1, "n": 1}, 2)
    with pytest.raises(AdmissionError) as info:
        lib.admit_module("clock", CLOCK_ODD)
    assert f"family {fid} v1" in info.value.reasons[0] and "expected 2, the program gives 3" in info.value.reasons[0]
    assert [m.version for m in lib.module_versions("clock")] == [1]


def test_a_replacement_that_breaks_a_stored_counterexample_is_refused(lib):
    lib.admit_module("clock", CLOCK)
    # v1 is wrong at 1 o'clock; the rejection's right answer is kept for every version
    # (reject refuses an answer the family already gives: there would be nothing to correct)
    fid = _family(lib, PLAIN.replace("return later(h, n)", "return later(h, n) if h != 1 else later(h, n + 1)"))
    lib.reject(fid, 2, inputs={"h": 1, "n": 1}, note="checked by hand")
    lib.replace(fid, PLAIN)  # active again, the counterexample stays
    with pytest.raises(AdmissionError) as info:
        lib.admit_module("clock", CLOCK_ODD)
    assert f"family {fid} v2" in info.value.reasons[0] and "counterexample" in info.value.reasons[0]
    assert "expected 2, new version gives 3" in info.value.reasons[0]


def test_a_family_not_active_keeps_the_version_it_was_verified_with(lib):
    lib.admit_module("clock", CLOCK)
    fid = _family(lib)
    lib.quarantine(fid, "under review")
    lib.admit_module("clock", CLOCK_BROKEN)  # no active importer: accepted
    entry = lib.get(fid)
    assert entry.version == 1 and entry.modules[0].version == 1
    assert lib.run_entry(entry, {"h": 23, "n": 3}).value == 2  # compiled over clock v1, not v2 (26)


def test_a_module_that_imports_a_module_is_rebuilt_when_that_one_is_replaced(lib):
    lib.admit_module("clock", CLOCK)
    shift = lib.admit_module("shift", "from clock import later\n\n\ndef night(h: int) -> int:\n"
                                      "    return later(h, 12)\n\n\nassert night(13) == 1\n").module
    assert [(r.name, r.version) for r in shift.imports] == [("clock", 1)]
    done = lib.admit_module("clock", CLOCK_V2)
    assert [(m.name, m.version) for m in done.modules] == [("shift", 2)]
    rebuilt = lib.module_versions("shift")[-1]
    assert rebuilt.hash != shift.hash and [(r.name, r.version) for r in rebuilt.imports] == [("clock", 2)]
    with pytest.raises(AdmissionError) as info:  # shift's own example fails over the broken clock
        lib.admit_module("clock", CLOCK_BROKEN)
    assert "module shift v2 imports clock" in info.value.reasons[0]


@pytest.mark.parametrize("name, source, why", [
    ("dates", CLOCK, "standard library"),
    ("json", CLOCK, "cannot name a Seglam module"),
    ("not-a-name", CLOCK, "cannot name a Seglam module"),
    ("clock", "from clock import later\n", "imports itself"),
    ("clock", CLOCK.replace("== 1", "== 2"), "verification"),
    ("clock", "def later(h: int) -> int:\n    return h +\n", "does not check"),
    ("clock", CLOCK.replace("Hours", "Hours \ud800"), "lone surrogate"),
    ("clock", CLOCK.replace("assert later(23, 2) == 1", ""), "has no examples"),
])
def test_a_module_that_cannot_be_kept_is_refused(tmp_path, name, source, why):
    with Cache(tmp_path / "c", toolchain=_toolchain()) as cache:
        with pytest.raises(AdmissionError) as info:
            cache.admit_module(name, source)
        assert why in " ".join(info.value.reasons)
        assert cache.modules() == []


# ---- content addressing ------------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(st.integers(-50, 50), st.integers(-50, 50))
def test_the_family_hash_is_a_merkle_hash_over_the_module(a, b):
    """Same family source over two versions of a module: the same program exactly when the
    modules are the same."""
    module = "def shift(h: int) -> int:\n    return h + {}\n"
    ha = seglam.compile(FAMILY.replace("clock import later", "shifts import shift")
                        .replace("later(h, n)", "shift(h)").replace("main(22, 3) == 1", "main(1, 1) > -100"),
                        modules={"shifts": module.format(a)}).hash
    hb = seglam.compile(FAMILY.replace("clock import later", "shifts import shift")
                        .replace("later(h, n)", "shift(h)").replace("main(22, 3) == 1", "main(1, 1) > -100"),
                        modules={"shifts": module.format(b)}).hash
    assert (ha == hb) == (a == b)


# ---- bundles -------------------------------------------------------------------------------------------


def _exported(tmp_path, location) -> tuple[str, str]:
    with Cache(location, toolchain=_toolchain()) as cache:
        cache.admit_module("clock", CLOCK)
        cache.admit_module("clock", CLOCK_V2)
        fid = _family(cache)
        cache.export(tmp_path / "bundle")
    return fid, str(tmp_path / "bundle")


def test_a_bundle_carries_the_modules_its_families_import(cache_location, tmp_path):
    fid, bundle = _exported(tmp_path, cache_location)
    manifest = json.loads((tmp_path / "bundle" / "manifest.json").read_text())
    assert [(m["name"], m["version"], m["file"]) for m in manifest["modules"]] == [("clock", 2, "clock.v2.sgl")]
    assert (tmp_path / "bundle" / "clock.v2.sgl").read_text() == CLOCK_V2
    assert manifest["families"][0]["modules"][0]["hash"] == manifest["modules"][0]["hash"]
    with Cache(tmp_path / "fresh", toolchain=_toolchain()) as fresh:
        report = fresh.import_(bundle)
        assert report.ok and report.imported == (fid,) and report.modules == ("clock v1",)
        entry = fresh.get(fid)
        assert entry.modules[0].hash == manifest["modules"][0]["hash"]
        assert fresh.lookup(REQUEST).run().value == 2
        again = fresh.import_(bundle)  # the same bundle again: nothing new
        assert again.unchanged == (fid,) and again.modules == () and len(fresh.module_versions("clock")) == 1


def test_a_bundle_with_a_tampered_module_is_refused_whole(tmp_path):
    _, bundle = _exported(tmp_path, tmp_path / "src")
    (tmp_path / "bundle" / "clock.v2.sgl").write_text(CLOCK_V2.replace("% 24", "% 25"))
    assert "clock.v2.sgl" in str(_refused(tmp_path, bundle, "E-BUNDLE-MODULE-TAMPERED"))


def _refused(tmp_path, bundle: str, code: str) -> BundleModuleError:
    """Import ``bundle`` into a fresh cache: refused whole with ``code``, nothing stored."""
    with Cache(tmp_path / "fresh", toolchain=_toolchain()) as fresh:
        with pytest.raises(BundleModuleError) as info:
            fresh.import_(bundle)
        assert info.value.code == code and info.value.hint
        assert fresh.list() == [] and fresh.modules() == []
    return info.value


def _edit_manifest(tmp_path, change) -> None:
    path = tmp_path / "bundle" / "manifest.json"
    manifest = json.loads(path.read_text())
    change(manifest)
    path.write_text(json.dumps(manifest))


def test_a_module_edited_with_its_manifest_digest_is_refused_by_its_content_hash(tmp_path):
    _, bundle = _exported(tmp_path, tmp_path / "src")
    edited = CLOCK_V2.replace("% 24", "% 25").replace("later(23, 2) == 1", "later(23, 2) == 0")
    (tmp_path / "bundle" / "clock.v2.sgl").write_text(edited)
    _edit_manifest(tmp_path, lambda m: m["modules"][0].update(file_sha256=hashlib.sha256(edited.encode()).hexdigest()))
    assert "content hash" in str(_refused(tmp_path, bundle, "E-BUNDLE-MODULE-TAMPERED"))


@pytest.mark.parametrize("damage", ["file", "manifest"])
def test_a_bundle_missing_a_module_is_refused_whole(tmp_path, damage):
    _, bundle = _exported(tmp_path, tmp_path / "src")
    if damage == "file":
        (tmp_path / "bundle" / "clock.v2.sgl").unlink()
    else:
        _edit_manifest(tmp_path, lambda m: m.update(modules=[]))
    assert "clock" in str(_refused(tmp_path, bundle, "E-BUNDLE-MODULE-MISSING"))


def test_a_module_that_fails_verification_refuses_the_bundle(tmp_path):
    _, bundle = _exported(tmp_path, tmp_path / "src")
    edited = CLOCK_V2.replace("later(23, 2) == 1", "later(23, 2) == 7")  # an example that no longer holds
    (tmp_path / "bundle" / "clock.v2.sgl").write_text(edited)
    digest = seglam.compile(edited).hash

    def change(manifest: dict) -> None:  # a consistent manifest: file digest, content hash, the family's ref
        manifest["modules"][0].update(file_sha256=hashlib.sha256(edited.encode()).hexdigest(), hash=digest)
        manifest["families"][0]["modules"][0]["hash"] = digest

    _edit_manifest(tmp_path, change)
    assert "verification failed" in str(_refused(tmp_path, bundle, "E-BUNDLE-MODULE-REFUSED"))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)
_CODES = {"E-BUNDLE-MODULE-MISSING", "E-BUNDLE-MODULE-TAMPERED", "E-BUNDLE-MODULE-REFUSED"}


@pytest.fixture(scope="module")
def module_bundle(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("modfuzz")
    _exported(tmp, tmp / "src")
    files = {p.name: p.read_bytes() for p in (tmp / "bundle").iterdir() if p.suffix == ".sgl"}
    manifest = json.loads((tmp / "bundle" / "manifest.json").read_text())
    with Cache(tmp / "dst", toolchain=_toolchain()) as dst:
        yield tmp, files, manifest, dst


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(field=st.sampled_from(["name", "version", "file", "file_sha256", "hash", "imports", "description"]),
       value=_json, where=st.sampled_from(["module", "family ref", "modules"]))
def test_fuzzed_module_entries_never_escape_as_a_traceback(module_bundle, field, value, where):
    """A bundle whose module entry (or a family's module ref) holds random JSON: import
    refuses it with a coded BundleModuleError or a CacheError naming the manifest, or
    imports it whole; nothing else escapes."""
    tmp, files, manifest, dst = module_bundle
    root = tmp / f"b{len(list(tmp.iterdir()))}"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    mutated = json.loads(json.dumps(manifest))
    if where == "module":
        mutated["modules"][0][field] = value
    elif where == "family ref":
        mutated["families"][0]["modules"][0][field if field in ("name", "version", "hash") else "hash"] = value
    else:
        mutated["modules"] = value
    (root / "manifest.json").write_text(json.dumps(mutated))
    try:
        report = dst.import_(root)
    except BundleModuleError as err:
        assert err.code in _CODES and err.hint
    except CacheError as err:
        assert "manifest" in str(err)
    else:
        assert len(report.imported) + len(report.unchanged) + len(report.refused) == 1
