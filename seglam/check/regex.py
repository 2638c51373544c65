"""Check-time compilation of literal regular expressions with RE2 (the run-time engine)."""

from __future__ import annotations

from functools import lru_cache

try:
    import re2 as _re2
except ImportError:  # pragma: no cover - google-re2 is a declared dependency
    _re2 = None


@lru_cache(maxsize=1024)
def check_pattern(pattern: str) -> tuple[int | None, str | None]:
    """(number of groups, None) for a valid RE2 pattern; (None, reason) otherwise."""
    if _re2 is None:
        return None, None
    options = _re2.Options()
    options.log_errors = False
    try:
        compiled = _re2.compile(pattern, options)
    except Exception as error:  # re2.error carries the reason as bytes
        reason = error.args[0] if error.args else str(error)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return None, str(reason)
    return compiled.groups, None
