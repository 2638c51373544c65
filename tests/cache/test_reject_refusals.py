"""``reject`` refuses, changing nothing, when there is nothing to correct: the expected
answer is the one the family already gives (compared as ``replace`` checks a stored
counterexample), or, on the command line, a ``str`` answer written quoted (``'"00:00"'``),
whose quotes would be recorded as part of the right answer. Found by a black-box run of
model-written families (V-07): both quarantined a correct family."""

from __future__ import annotations

import argparse
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from seglam.cache import Cache, SameAnswerError
from seglam.cache.values import same_answer
from seglam.cli.cache_args import register
from seglam.cli.cache_cmd import parse_typed, quoted_text
from tests.cache.cache_families import ADD, SORT
from tests.cache.cache_oracle_toolchain import OracleToolchain

REQUEST = "Sort the following words alphabetically: List: zeta alpha mu"


def run_cli(capsys, *argv):
    """`seglam cache ARGV` with the oracle toolchain: (exit code, stdout, stderr)."""
    parser = argparse.ArgumentParser(prog="seglam")
    register(parser.add_subparsers(dest="command"), toolchain_factory=OracleToolchain)
    args = parser.parse_args(["cache", *argv])
    code = args.handler(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def families(tmp_path):
    path = str(tmp_path / "c")
    with Cache(path, toolchain=OracleToolchain()) as cache:
        return path, cache.admit(SORT), cache.admit(ADD)


def _unchanged(path: str, fid: str) -> None:
    with Cache(path, toolchain=OracleToolchain()) as cache:
        entry = cache.get(fid)
        assert entry.status == "active" and entry.counterexamples == ()
        assert [e.kind for e in cache.history(fid)[1]] == ["admitted"]


def test_the_api_refuses_the_answer_the_family_gives(families):
    path, _, add_id = families
    with Cache(path, toolchain=OracleToolchain()) as cache:
        with pytest.raises(SameAnswerError, match="already answers that"):
            cache.reject(add_id, 5, inputs={"a": 2, "b": 3})
        with pytest.raises(SameAnswerError):  # 5.0 == 5: a new version giving 5 would pass it
            cache.reject(add_id, 5.0, inputs={"a": 2, "b": 3})
    _unchanged(path, add_id)


def test_the_cli_refuses_the_same_answer_and_changes_nothing(families, capsys):
    path, sort_id, _ = families
    code, out, err = run_cli(capsys, "reject", sort_id, "--cache", path, "--expected", "alpha mu zeta", "--request", REQUEST)
    assert code == 1 and out == ""
    assert "the family already answers that" in err and "'alpha mu zeta'" in err and "nothing was changed" in err
    code, out, _ = run_cli(capsys, "reject", sort_id, "--cache", path, "--json", "--expected", "alpha mu zeta",
                           "--request", REQUEST)
    assert code == 1 and json.loads(out)["error"] == "SameAnswerError"
    _unchanged(path, sort_id)


@pytest.mark.parametrize("written", ['"alpha mu zeta"', "'alpha mu zeta'", '"alpha mu"'])
def test_a_quoted_str_answer_is_refused_with_what_to_write(families, capsys, written):
    path, sort_id, _ = families
    code, _, err = run_cli(capsys, "reject", sort_id, "--cache", path, "--expected", written, "--request", REQUEST)
    unquoted = written[1:-1]
    assert code == 1 and "looks quoted" in err and f"write --expected {unquoted!r}" in err and "--verbatim" in err
    _unchanged(path, sort_id)


def test_verbatim_records_the_quotes_as_written(families, capsys):
    path, sort_id, _ = families
    code, out, _ = run_cli(capsys, "reject", sort_id, "--cache", path, "--verbatim", "--expected", '"alpha mu zeta"',
                           "--request", REQUEST)
    assert code == 0 and "quarantined" in out and """expected '"alpha mu zeta"'""" in out


def test_a_wrong_answer_is_still_recorded(families, capsys):
    path, sort_id, _ = families
    code, out, _ = run_cli(capsys, "reject", sort_id, "--cache", path, "--expected", "alpha zeta mu", "--request", REQUEST)
    assert code == 0 and "quarantined: it answered 'alpha mu zeta', expected 'alpha zeta mu'" in out


def test_a_quoted_str_input_is_refused_too(families, capsys):
    path, sort_id, _ = families
    code, _, err = run_cli(capsys, "reject", sort_id, "--cache", path, "--expected", "a b", "--input", "words='b a'")
    assert code == 1 and "--input words='b a'" in err.replace('"', "'") and "looks quoted" in err


def test_same_answer_compares_as_the_cache_replays_a_counterexample():
    assert same_answer(Decimal("1.50"), Decimal("1.5")) and same_answer(2, 2.0)
    assert not same_answer([1, 2], (1, 2)) and not same_answer("1", 1) and not same_answer(float("nan"), float("nan"))


@given(st.text())
def test_a_str_written_as_json_is_recognised_and_plain_text_passes(text):
    assert quoted_text(json.dumps(text)) == text
    assert parse_typed(text, "str") == text  # verbatim by default (the engine's and the API's reading)
    if quoted_text(text) is None:
        assert parse_typed(text, "str", verbatim=False) == text
    else:
        with pytest.raises(ValueError, match="looks quoted"):
            parse_typed(text, "str | None", verbatim=False)


@pytest.mark.parametrize("text", ["00:00", '"', "'a\"", '"a" and "b"', "x'", "''a"])
def test_text_that_is_not_one_quoted_literal_is_not_quoted(text):
    assert quoted_text(text) is None
