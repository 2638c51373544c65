"""Opening the store a cache location names: a ``postgresql://`` (or ``postgres://``) URL
is a PostgreSQL database (seglam.cache.pgstore, the ``seglam[postgres]`` extra), anything
else a directory for LMDB (seglam.cache.store). Both satisfy :class:`CacheStore`."""

from __future__ import annotations

import os
from typing import Any

from seglam.cache.errors import CacheUnavailableError
from seglam.cache.store import CacheStore, Store, default_location, is_database_url


def open_store(location: str | os.PathLike[str] | None, **lmdb_options: Any) -> CacheStore:
    """The store at ``location`` (None: ``$SEGLAM_CACHE`` or the platform cache directory).
    ``lmdb_options`` (map sizes) apply to LMDB only."""
    if location is None:
        location = default_location()
    if not is_database_url(location):
        return Store(location, **lmdb_options)
    try:
        from seglam.cache.pgstore import PgStore
    except ImportError as err:
        raise CacheUnavailableError(
            f"a postgresql:// cache needs psycopg 3 ({err}); install it with `pip install 'seglam[postgres]'`") from None
    return PgStore(str(location))
