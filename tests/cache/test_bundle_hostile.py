"""Bundles from outside: export never writes over or deletes a file it did not write;
import reports a malformed manifest with its path and what is wrong (issue 20, point 3)."""

import hashlib
import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seglam.cache import Cache, CacheError
from seglam.cache.bundle import OWNER_FILE
from seglam.cache.values import ValueFormatError, decode_value
from tests.cache.cache_families import ADD, SORT


def _tree(root):
    return {p.name: p.read_bytes() for p in root.iterdir()}


def test_export_into_a_foreign_directory_deletes_nothing(tmp_path, cache):
    cache.admit(ADD)
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "precious.txt").write_text("keep me")
    (foreign / "manifest.json").write_text(json.dumps({"format": "seglam-cache-bundle", "version": 1,
                                                        "families": [{"file": "precious.txt"}]}))
    before = _tree(foreign)
    with pytest.raises(CacheError, match="not empty and was not written by `seglam cache export`"):
        cache.export(foreign)
    assert _tree(foreign) == before  # nothing deleted, nothing written


def test_export_claims_a_new_or_empty_directory(tmp_path, cache):
    cache.admit(ADD)
    (tmp_path / "empty").mkdir()
    for d in (tmp_path / "new", tmp_path / "empty"):
        assert len(cache.export(d)) == 1
        assert (d / OWNER_FILE).is_file() and (d / "manifest.json").is_file()


def test_re_export_keeps_files_the_user_changed_or_added(tmp_path, cache):
    sort_id = cache.admit(SORT)
    add_id = cache.admit(ADD)
    out = tmp_path / "b"
    cache.export(out)
    add_file = next(p for p in out.iterdir() if add_id in p.name)
    add_file.write_text(add_file.read_text() + "# my note\n")  # the user edited an exported file
    cache.retire(add_id)
    cache.export(out)
    assert add_file.read_text().endswith("# my note\n")  # not export's content any more: kept
    assert any(sort_id in p.name for p in out.iterdir())


def test_export_does_not_overwrite_a_file_it_did_not_write(tmp_path, cache):
    add_id = cache.admit(ADD)
    out = tmp_path / "b"
    cache.export(out)
    name = next(p.name for p in out.iterdir() if add_id in p.name)
    target = tmp_path / "elsewhere.txt"
    target.write_text("not yours")
    (out / name).unlink()
    os.symlink(target, out / name)  # a link planted where export writes
    with pytest.raises(CacheError, match="did not write"):
        cache.export(out)
    assert target.read_text() == "not yours" and os.path.islink(out / name)


def _manifest(tmp_path, data):
    root = tmp_path / "bundle"
    root.mkdir(exist_ok=True)
    (root / "manifest.json").write_text(data if isinstance(data, str) else json.dumps(data))
    return root


def test_a_manifest_that_is_a_list_is_reported_with_its_path(tmp_path, cache):
    root = _manifest(tmp_path, [])
    with pytest.raises(CacheError) as info:
        cache.import_(root)
    assert str(root / "manifest.json") in str(info.value) and "Expected `object`, got `array`" in str(info.value)


def test_families_that_are_not_objects_are_refused_one_by_one(tmp_path, cache):
    root = _manifest(tmp_path, {"format": "seglam-cache-bundle", "version": 1, "families": ["x", 5]})
    report = cache.import_(root)
    assert not report.imported and len(report.refused) == 2
    assert "Expected `object`, got `str` - at `$.families[0]`" in report.refused[0][1]
    assert "Expected `object`, got `int` - at `$.families[1]`" in report.refused[1][1]


def test_a_wrong_field_type_names_the_field(tmp_path, cache):
    root = _manifest(tmp_path, {"format": "seglam-cache-bundle", "version": 1, "families": [
        {"id": "abcdef", "file": "a.sgl", "file_sha256": "0" * 64, "program_hash": "x", "entry": "f", "patterns": ["ok", 7]}]})
    report = cache.import_(root)
    assert "Expected `str`, got `int` - at `$.families[0].patterns[1]`" in report.refused[0][1]


def test_a_deep_or_huge_or_device_manifest_is_refused(tmp_path, cache):
    root = _manifest(tmp_path, "[" * 100_000 + "]" * 100_000)
    with pytest.raises(CacheError, match="nests 100000 levels deep"):
        cache.import_(root)
    (root / "manifest.json").unlink()
    os.symlink("/dev/zero", root / "manifest.json")
    with pytest.raises(CacheError, match="not a regular file"):
        cache.import_(root)


@pytest.mark.parametrize("bad", [{"$int": 5}, {"$int": "x"}, {"$dec": [1]}, {"$set": [[1]]}, {"$dict": 3},
                                 {"$rec": "R"}, {"$date": "2023-02-30"}, {"$int": "1" * 30_000}, {"a": 1, "b": 2}])
def test_malformed_tagged_values_are_a_value_format_error(bad):
    with pytest.raises(ValueFormatError):
        decode_value(bad)


def _valid_bundle(tmp_path, cache):
    cache.admit(ADD)
    cache.admit(SORT)
    root = tmp_path / "valid"
    cache.export(root)
    return root, json.loads((root / "manifest.json").read_text())


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=12,
)
_FIELDS = ["id", "file", "file_sha256", "program_hash", "entry", "version", "status", "patterns", "samples",
           "examples", "counterexamples", "provenance", "tasks", "format", "families", "inputs", "expected"]


def _mutate(data, path, value):
    """Replace the node at ``path`` (indices into dict keys / list positions, wrapped)."""
    if not path or not isinstance(data, (dict, list)) or not data:
        return value
    if isinstance(data, dict):
        key = sorted(data)[path[0] % len(data)]
        return {**data, key: _mutate(data[key], path[1:], value)}
    i = path[0] % len(data)
    return data[:i] + [_mutate(data[i], path[1:], value)] + data[i + 1:]


@pytest.fixture(scope="module")
def bundle_and_cache(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fuzz")
    with Cache(tmp / "src", toolchain=_oracle()) as src:
        root, manifest = _valid_bundle(tmp, src)
    files = {p.name: p.read_bytes() for p in root.iterdir() if p.suffix == ".sgl"}
    with Cache(tmp / "dst", toolchain=_oracle()) as dst:
        yield tmp, files, manifest, dst


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.lists(st.integers(0, 30), max_size=6), value=_json | st.sampled_from(_FIELDS),
       raw=st.booleans(), cut=st.integers(0, 4000))
def test_fuzzed_manifests_never_escape_as_a_traceback(bundle_and_cache, path, value, raw, cut):
    """A valid manifest with one node replaced by random JSON (or cut short): import either
    reports a CacheError naming the manifest or returns a report covering every family;
    any other exception fails the test."""
    tmp, files, manifest, dst = bundle_and_cache
    root = tmp / f"b{len(list(tmp.iterdir()))}"
    root.mkdir()
    for name, data in files.items():
        (root / name).write_bytes(data)
    mutated = _mutate(manifest, path, value)
    text = json.dumps(mutated)
    (root / "manifest.json").write_text(text[:cut] if raw else text)
    try:
        report = dst.import_(root)
    except CacheError as err:
        assert "manifest" in str(err)
    else:
        assert len(report.imported) + len(report.unchanged) + len(report.refused) == len(mutated["families"])


def _oracle():
    from tests.cache.cache_oracle_toolchain import OracleToolchain

    return OracleToolchain()


def test_a_hand_made_manifest_with_a_good_hash_but_bad_values_is_refused(tmp_path, cache):
    root, manifest = _valid_bundle(tmp_path, cache)
    fam = manifest["families"][0]
    fam["examples"] = [{"inputs": {"a": {"$int": "zz"}}, "expected": 1}]
    (root / "manifest.json").write_text(json.dumps(manifest))
    with Cache(tmp_path / "dst", toolchain=_oracle()) as dst:
        report = dst.import_(root)
    assert "malformed value" in report.refused[0][1]
    assert hashlib.sha256((root / fam["file"]).read_bytes()).hexdigest() == fam["file_sha256"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ledger=_json | st.fixed_dictionaries({"format": st.just("seglam-export-ownership"),
                                             "files": st.dictionaries(st.sampled_from(["precious.txt", "manifest.json", "../x", ""]),
                                                                      st.lists(st.text(max_size=64), max_size=2))}))
def test_a_forged_or_damaged_ownership_ledger_never_costs_a_foreign_file(bundle_and_cache, ledger):
    """Export into a directory whose ledger is random JSON (or names a foreign file with
    random hashes): it works or raises CacheError, and precious.txt survives either way."""
    tmp, _, _, dst = bundle_and_cache
    root = tmp / f"l{len(list(tmp.iterdir()))}"
    root.mkdir()
    (root / "precious.txt").write_text("keep me")
    (root / OWNER_FILE).write_text(json.dumps(ledger))
    try:
        dst.export(root)
    except CacheError:
        pass
    assert (root / "precious.txt").read_text() == "keep me"
