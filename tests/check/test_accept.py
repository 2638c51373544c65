"""The natural Python an LLM writes for a pure computation checks."""

from __future__ import annotations

import pytest

from tests.check.corpus import PROGRAMS
from tests.check.helpers import ok


@pytest.mark.parametrize("source", PROGRAMS, ids=[f"program{i}" for i in range(len(PROGRAMS))])
def test_idiomatic_program_checks(source):
    ok(source)
