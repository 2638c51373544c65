"""The family's entry point is fuzzed on its own inputs even when another function calls it:
the verifier judges helpers through their callers, and the cache tells it which function
requests enter by."""

from __future__ import annotations

import seglam
from seglam.cache.toolchain import SeglamToolchain

# `solve` faults on an empty string; `both` only ever calls it on non-empty text, so judged
# as a helper of `both`, `solve` looks right. Requests enter by `solve` with any text.
SOURCE = '''
def solve(text: str) -> str:
    return text[0]

def both(a: str) -> str:
    return solve(a + "x")
'''

OPTIONS = {"z3": False, "max_examples": 60}


def test_the_entry_point_named_is_fuzzed_on_its_own():
    program = seglam.compile(SOURCE, filename="f.sgl")
    toolchain = SeglamToolchain(OPTIONS)
    as_helper = toolchain.verify(program)
    as_entry = toolchain.verify(program, entries=("solve",))
    assert as_helper.ok  # judged only through `both`
    assert not as_entry.ok and "solve" in as_entry.summary


def test_the_cache_names_the_family_entry_point(tmp_path):
    from seglam.cache import Cache, FamilyDraft
    from seglam.cache.errors import AdmissionError

    draft = FamilyDraft(source=SOURCE, entry="solve", patterns=("First letter of the word {text: str} please",),
                        samples=("First letter of the word apple please",), description="first letter")
    with Cache(tmp_path / "c", toolchain=SeglamToolchain(OPTIONS)) as cache:
        try:
            cache.admit(draft)
        except AdmissionError as err:
            assert "verification failed" in str(err)
        else:
            raise AssertionError("a family whose entry point faults on some input was admitted")


def test_solve_is_the_entry_point_when_none_is_named_as_rule_2_says():
    """Stand-in run 11 (stream a, 0002): a reply without "entry" whose entry point is `solve`,
    beside a public helper its @requires calls, was refused ("call it main")."""
    import pytest

    from seglam.cache.errors import AdmissionError
    from seglam.cache.signature import pick_entry

    helper_and_solve = "def parses(t: str) -> bool:\n    return True\n\n\ndef solve(t: str) -> str:\n    return t\n"
    assert pick_entry(helper_and_solve) == "solve"
    assert pick_entry(helper_and_solve.replace("def parses", "def main")) == "main"
    assert pick_entry("def only(t: str) -> str:\n    return t\n") == "only"
    with pytest.raises(AdmissionError) as err:
        pick_entry(helper_and_solve.replace("def solve", "def answer"))
    assert "among parses, answer" in str(err.value)
