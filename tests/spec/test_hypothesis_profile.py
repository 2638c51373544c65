"""The suite's property tests are reproducible: the default profile, ``ci``, draws the same
examples on every run (tests/conftest.py)."""

import pytest
from hypothesis import given, settings, strategies as st

CI = settings.get_profile("ci")


def _drawn(profile: settings) -> list[int]:
    seen: list[int] = []

    @settings(profile, max_examples=25)
    @given(st.integers())
    def record(x: int) -> None:
        seen.append(x)

    record()
    return seen


def test_ci_profile_is_reproducible() -> None:
    assert CI.derandomize is True
    assert CI.database is None
    assert CI.deadline is None
    assert _drawn(CI) == _drawn(CI)


def test_explore_profile_draws_fresh_examples() -> None:
    explore = settings.get_profile("explore")
    assert explore.derandomize is False
    assert _drawn(explore) != _drawn(explore)  # 25 random ints twice: equal with odds ~0


def test_ci_is_the_default(pytestconfig: pytest.Config) -> None:
    if pytestconfig.getoption("hypothesis_profile", None) not in (None, "ci"):
        pytest.skip("another profile was asked for")
    assert settings.default.derandomize is True
