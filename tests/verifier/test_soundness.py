"""The verifier soundness corpus (tests/verifier/soundness): programs with seeded bugs must
not pass (refuted, or at least neither proved nor admissible), correct programs must not be
refused by admission. See tests/verifier/soundness_corpus.py for the file format and
bench/bench_soundness.py for the figures with default settings."""

from __future__ import annotations

import pytest

import seglam
from seglam.run.faults import Fault
from seglam.verifier.api import make_options, verify_loaded
from seglam.verifier.load import load_program
from tests.verifier.soundness_corpus import right_files, witness, wrong_files

#: Fewer Hypothesis examples and a smaller Z3 budget than the CLI (50, 3000000), to keep the
#: suite fast: the aimed sweep does not depend on either, and a weaker Z3 only leaves more
#: to the aimed run (the figures with default settings are in bench/results/soundness.md).
OPTIONS = dict(max_examples=20, budget=500_000, timeout=60.0)


def _verify(path):
    loaded = load_program(path.read_text(encoding="utf-8"), path.name)
    assert loaded.error is None, loaded.error
    return verify_loaded(loaded, make_options(**OPTIONS))


def test_corpus_size():
    assert len(wrong_files()) >= 38 and len(right_files()) >= 15


@pytest.mark.parametrize("path", wrong_files(), ids=lambda p: p.stem)
def test_witness_shows_the_bug(path):
    """Every seeded bug is real: its witness call faults past the precondition."""
    w = witness(path)
    program = seglam.compile(path.read_text(encoding="utf-8"), filename=path.name)
    with pytest.raises(Fault) as info:
        program.call(w.function, **w.kwargs)
    assert info.value.code != "F-REQUIRES", info.value


@pytest.mark.parametrize("path", wrong_files(), ids=lambda p: p.stem)
def test_wrong_program_does_not_pass(path):
    report = _verify(path)
    assert report.status != "proved" and report.exit_code != 0, report.render()
    assert not report.admissible, report.render()


@pytest.mark.parametrize("path", right_files(), ids=lambda p: p.stem)
def test_right_program_is_admitted(path):
    report = _verify(path)
    assert report.ok and report.admissible, report.render()
    assert report.exit_code in (0, 3), report.render()
