from __future__ import annotations

import pytest

from seglam.cache import Cache

from tests.cache.cache_oracle_toolchain import OracleToolchain


@pytest.fixture
def toolchain() -> OracleToolchain:
    return OracleToolchain()


@pytest.fixture
def cache(tmp_path, toolchain):
    c = Cache(tmp_path / "cache", toolchain=toolchain)
    yield c
    c.close()
