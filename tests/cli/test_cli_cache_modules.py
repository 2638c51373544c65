"""``seglam cache modules | add-module | why`` and the modules in ``show`` and ``import``,
driven through argparse with the real toolchain (a small verification budget)."""

from __future__ import annotations

import json

from seglam.cache import Cache, FamilyDraft
from seglam.cache.toolchain import SeglamToolchain
from seglam.cli.cache_args import register
from tests.cli.commands import run_registered
from tests.cache.test_cache_modules import CLOCK, CLOCK_BROKEN, CLOCK_V2, FAMILY, PATTERN, REQUEST, SAMPLE


def _toolchain() -> SeglamToolchain:
    return SeglamToolchain({"max_examples": 10, "z3": False})


def run_cli(capsys, *argv):
    """`seglam cache ARGV`: (exit code, stdout, stderr)."""
    return run_registered(register, ["cache", *argv], capsys, _toolchain)


def _setup(tmp_path, capsys) -> tuple[str, str]:
    cache = str(tmp_path / "cache")
    (tmp_path / "clock.sgl").write_text(CLOCK)
    code, out, err = run_cli(capsys, "add-module", str(tmp_path / "clock.sgl"), "--cache", cache)
    assert code == 0 and out.startswith("module clock is v1"), err
    with Cache(cache, toolchain=_toolchain()) as c:
        fid = c.admit(FamilyDraft(source=FAMILY, patterns=(PATTERN,), samples=(SAMPLE,), description="clock hours"))
    return cache, fid


def test_why_shows_the_family_and_the_modules_behind_an_answer(tmp_path, capsys):
    cache, fid = _setup(tmp_path, capsys)
    code, out, _ = run_cli(capsys, "why", REQUEST, "--cache", cache)
    assert code == 0 and f"family {fid}  v1" in out and "answer       2" in out
    assert "bindings     n=3, h=23" in out and "clock v1 (cache)" in out
    code, out, _ = run_cli(capsys, "why", REQUEST, "--cache", cache, "--json")
    data = json.loads(out)
    with Cache(cache, toolchain=_toolchain()) as c:
        module = c.modules()[0]
    assert data["answer"] == "2" and data["modules"] == [{"name": "clock", "version": 1, "hash": module.hash, "cache": True}]
    code, _, err = run_cli(capsys, "why", "Sort these words: b a", "--cache", cache)
    assert code == 1 and "no family answers that request" in err


def test_show_lists_the_modules_and_the_trust_inputs(tmp_path, capsys):
    cache, fid = _setup(tmp_path, capsys)
    with Cache(cache, toolchain=_toolchain()) as c:
        c.trust.observe(c.get(fid), {"h": 23, "n": 3}, needed=3, answer=2)
    code, out, _ = run_cli(capsys, "show", fid, "--cache", cache)
    assert code == 0 and "  modules\n    clock v1 (cache) " in out
    assert "  observed     1 confirmed input(s) kept\n" in out and "  known words  none" in out
    code, out, _ = run_cli(capsys, "show", fid, "--cache", cache, "--json")
    assert json.loads(out)["modules"][0]["name"] == "clock"
    # a new clock moves the family to v2: its v1 observation waits to be replayed, then is inherited
    with Cache(cache, toolchain=_toolchain()) as c:
        c.admit_module("clock", CLOCK_V2)
        entry = c.get(fid)
        assert entry.version == 2
        c.trust.observe(entry, {"h": 1, "n": 1}, needed=3, answer=2)
    code, out, _ = run_cli(capsys, "show", fid, "--cache", cache)
    assert "2 confirmed input(s) kept, 1 of earlier versions not replayed yet" in out
    assert "  replayed     not yet on v2" in out and "clock v2 (cache)" in out
    with Cache(cache, toolchain=_toolchain()) as c:
        c.trust.replay(c.get(fid), lambda bindings, answer: True)
    code, out, _ = run_cli(capsys, "show", fid, "--cache", cache)
    assert "  replayed     v2: 1 earlier observation(s) reproduced: inherited" in out


def test_the_known_words_are_listed():
    from seglam.cache.trust import TrustRecord
    from seglam.cli.trust_cmd import novelty_lines

    lines = novelty_lines(TrustRecord(id="abc123", version=1, known=("march", "may")))
    assert lines[-1].startswith("  known words  march, may (") and len(lines) == 2
    many = novelty_lines(TrustRecord(id="abc123", version=1, known=tuple(f"w{i:02}" for i in range(25))))
    assert "w19, ... (25 in all)" in many[-1] and "w20" not in many[-1]


def test_modules_lists_versions_and_a_breaking_replacement_is_refused(tmp_path, capsys):
    cache, fid = _setup(tmp_path, capsys)
    (tmp_path / "clock.sgl").write_text(CLOCK_BROKEN)
    code, _, err = run_cli(capsys, "add-module", str(tmp_path / "clock.sgl"), "--cache", cache)
    assert code == 1 and f"family {fid} v1 (clock hours) fails over module clock v2" in err
    assert "example main(22, 3) == 1 (expected 1, got 25)" in err
    (tmp_path / "clock.sgl").write_text(CLOCK_V2)
    code, out, _ = run_cli(capsys, "add-module", str(tmp_path / "clock.sgl"), "--cache", cache, "--json")
    assert code == 0 and json.loads(out)["families"] == [{"id": fid, "version": 2}]
    code, out, _ = run_cli(capsys, "modules", "--cache", cache)
    assert code == 0 and "clock  v2" in out and "Hours on a 24-hour clock." in out
    code, out, _ = run_cli(capsys, "history", fid, "--cache", cache)
    assert code == 0 and "MODULES" in out and " clock v1 " in out and " clock v2 " in out
    code, out, _ = run_cli(capsys, "history", fid, "--cache", cache, "--json")
    assert [v["modules"][0]["version"] for v in json.loads(out)["versions"]] == [1, 2]
    code, out, _ = run_cli(capsys, "stats", "--cache", cache, "--json")
    assert json.loads(out)["library_modules"] == 2
    code, out, _ = run_cli(capsys, "modules", "clock", "--cache", cache, "--json")
    data = json.loads(out)
    assert [v["version"] for v in data["versions"]] == [1, 2]
    assert [e["kind"] for e in data["events"]] == ["module-admitted", "module-replaced"]
    code, _, err = run_cli(capsys, "modules", "calendar", "--cache", cache)
    assert code == 1 and "no library module 'calendar'" in err
    (tmp_path / "dates.sgl").write_text(CLOCK)
    code, _, err = run_cli(capsys, "add-module", str(tmp_path / "dates.sgl"), "--cache", cache)
    assert code == 1 and "standard library" in err


def test_import_of_a_tampered_module_is_a_coded_refusal(tmp_path, capsys):
    cache, fid = _setup(tmp_path, capsys)
    code, _, _ = run_cli(capsys, "export", str(tmp_path / "b"), "--cache", cache)
    assert code == 0 and (tmp_path / "b" / "clock.v1.sgl").exists()
    code, out, _ = run_cli(capsys, "import", str(tmp_path / "b"), "--cache", str(tmp_path / "fresh"))
    assert code == 0 and "imported 1" in out and "library modules stored: clock v1" in out
    (tmp_path / "b" / "clock.v1.sgl").write_text(CLOCK.replace("% 24", "% 25"))
    code, _, err = run_cli(capsys, "import", str(tmp_path / "b"), "--cache", str(tmp_path / "other"))
    assert code == 1 and "E-BUNDLE-MODULE-TAMPERED" in err and "hint:" in err
    code, out, _ = run_cli(capsys, "import", str(tmp_path / "b"), "--cache", str(tmp_path / "other"), "--json")
    data = json.loads(out)
    assert code == 1 and data["code"] == "E-BUNDLE-MODULE-TAMPERED" and data["hint"]
