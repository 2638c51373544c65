"""The corpus of programs with known verdicts: the verifier's acceptance test."""

from __future__ import annotations

import pytest

from seglam.verifier import diff, verify
from tests.verifier.corpus_expect import check, corpus_files, diff_pairs, expectations

OPTIONS = dict(max_examples=30, timeout=30.0)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.stem)
def test_corpus_verdicts(path):
    exps, ok = expectations(path)
    report = _verify_file(path)
    assert report.error is None, report.error
    problems = check(report, exps)
    assert not problems, "\n".join(problems) + "\n\n" + report.render()
    if ok is not None:
        assert report.ok is ok, report.render()
    for r in report.results:
        assert "Hypothesis skipped: hypothesis" not in r.reason, r
        # Honesty: a refutation always carries a counterexample that reproduced (or is an
        # example/vacuity/warning, which need none).
        if r.verdict == "refuted" and r.kind not in ("example", "precondition", "pins"):
            assert r.counterexample, r


def _verify_file(path):
    from seglam.verifier.api import make_options, verify_loaded
    from seglam.verifier.load import load_program

    loaded = load_program(path.read_text(encoding="utf-8"), str(path.name))
    if loaded.error is not None:
        from seglam.verifier.report import Report

        return Report(path.name, (), loaded.error)
    return verify_loaded(loaded, make_options(**OPTIONS))


def test_corpus_is_big_enough():
    assert len(corpus_files()) >= 40


@pytest.mark.parametrize("old,new,want", diff_pairs(), ids=lambda x: getattr(x, "stem", str(x)))
def test_diff_pairs(old, new, want):
    result = diff(old.read_text(), new.read_text(), old_filename=old.name, new_filename=new.name, max_examples=30)
    assert result.error is None, result.error
    if want == "same":
        assert result.exit_code == 0, result.render()
    else:
        assert result.exit_code == 1, result.render()
        for r in result.results:
            if r.verdict == "refuted":
                assert r.input and r.old != r.new, result.render()


def test_verify_unused_import():
    assert verify is not None
