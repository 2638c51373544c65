"""``seglam verify`` names a family's entry point as the cache does (``--entry``, or the
"entry" of the family file FILE.json beside FILE.sgl), so its verdict predicts what
``seglam cache add`` admits. Found by a black-box run of model-written families (V-04): a
``solve`` whose ``@ensures`` fails on inputs its zero-argument ``main`` never passes was
"admissible" to ``verify`` and refused by ``cache add``."""

from __future__ import annotations

import json

import pytest

from seglam.cli.main import main

# Wrong for more than 5 cows; `main` only runs the worked example, so judged through `main`
# (as a helper) `solve` looks right, and fuzzed on its own inputs it is refuted.
LEGS = '''@requires(lambda chickens, cows: 0 <= chickens <= 100 and 0 <= cows <= 100)
@ensures(lambda chickens, cows, result: result == 2 * chickens + 4 * cows)
def solve(chickens: int, cows: int) -> int:
    if cows > 5:
        return 2 * chickens + 2 * cows
    return 2 * chickens + 4 * cows


def main() -> int:
    return solve(3, 2)


assert solve(3, 2) == 14
assert main() == 14
'''

FAMILY = {"description": "legs of chickens and cows", "entry": "solve",
          "patterns": ["A farm has {chickens: int} chickens and {cows: int} cows. How many legs?"],
          "samples": ["A farm has 3 chickens and 2 cows. How many legs?"]}

FAST = ["--max-examples", "20"]


def _program(tmp_path, family: dict | str | None = None):
    path = tmp_path / "legs.sgl"
    path.write_text(LEGS)
    if family is not None:
        (tmp_path / "legs.json").write_text(family if isinstance(family, str) else json.dumps(family))
    return str(path)


def test_alone_solve_is_judged_through_main(tmp_path, capsys):
    assert main(["verify", *FAST, _program(tmp_path)]) == 3
    assert "entry point" not in capsys.readouterr().out


def test_the_family_files_entry_is_fuzzed_on_its_own_and_the_report_says_so(tmp_path, capsys):
    code = main(["verify", *FAST, _program(tmp_path, FAMILY)])
    out = capsys.readouterr().out
    assert code == 1 and "FAIL" in out
    assert "entry point solve (the family file legs.json, as `seglam cache add` verifies it)" in out.splitlines()[1]


def test_entry_option_names_the_entry_point(tmp_path, capsys):
    assert main(["verify", *FAST, "--entry", "solve", _program(tmp_path)]) == 1
    assert "entry point solve (--entry)" in capsys.readouterr().out


def test_entry_option_wins_over_the_family_file(tmp_path, capsys):
    assert main(["verify", *FAST, "--entry", "main", _program(tmp_path, FAMILY)]) == 3
    assert "entry point main (--entry)" in capsys.readouterr().out


def test_an_entry_that_names_no_function_is_a_usage_error(tmp_path, capsys):
    assert main(["verify", "--entry", "nope", _program(tmp_path)]) == 2
    assert "--entry nope: no function named 'nope'" in capsys.readouterr().out


def test_json_lists_the_entry_points_and_where_they_came_from(tmp_path, capsys):
    assert main(["verify", *FAST, "--json", _program(tmp_path, FAMILY)]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert doc["entries"] == ["solve"] and doc["entries_from"] == "legs.json" and not doc["admissible"]


def test_a_family_file_without_entry_gives_the_caches_default(tmp_path, capsys):
    family = {k: v for k, v in FAMILY.items() if k != "entry"}
    assert main(["verify", *FAST, _program(tmp_path, family)]) == 3  # the cache's default: main
    assert "entry point main (the family file legs.json" in capsys.readouterr().out


@pytest.mark.parametrize("text", ['{"entry": 3}', "not json", "[1]"])
def test_a_broken_family_file_is_named_and_verification_goes_on(tmp_path, capsys, text):
    assert main(["verify", *FAST, _program(tmp_path, text)]) == 3
    assert "family file not used:" in capsys.readouterr().out


def test_verify_and_cache_add_agree(tmp_path, capsys):
    path = _program(tmp_path, FAMILY)
    assert main(["verify", *FAST, path]) == 1
    assert main(["cache", "add", path, "--cache", str(tmp_path / "cache")]) == 1
    assert "postcondition" in capsys.readouterr().err
