from __future__ import annotations

import pytest

from seglam.cache import Cache

from tests.cache.cache_oracle_toolchain import OracleToolchain
from tests.pgserver import PgServer

#: The stores the cache's tests run against: LMDB in a directory, PostgreSQL on loopback.
STORES = ("lmdb", "postgresql")


@pytest.fixture(scope="session")
def pg_server():
    server = PgServer()
    yield server
    server.close()


@pytest.fixture
def toolchain() -> OracleToolchain:
    return OracleToolchain()


@pytest.fixture(params=STORES)
def cache_location(request, tmp_path):
    """A fresh cache location for each store: a directory, or a new database."""
    if request.param == "lmdb":
        return str(tmp_path / "cache")
    return request.getfixturevalue("pg_server").database()


@pytest.fixture
def cache(cache_location, toolchain):
    c = Cache(cache_location, toolchain=toolchain)
    yield c
    c.close()
