"""Typed cache errors. Every failure the cache reports is one of these, never a bare
traceback from LMDB or msgspec."""

from __future__ import annotations


class CacheError(Exception):
    """Base class of every error the cache raises on purpose."""


class CacheFullError(CacheError):
    """The disk or the configured maximum map size is full. Nothing was written; every
    entry committed before is intact."""


class CacheLockedError(CacheError):
    """The cache directory could not be opened (permissions, not a cache, version)."""


class CacheCorruptError(CacheError):
    """The cache's files are damaged, truncated, emptied, or not a SEGLAM cache (or one
    written by an older seglam). Raised instead of any raw LMDB error; nothing is served
    from such a cache. ``code`` is stable for scripts; the CLI exits with 3."""

    code = "cache-corrupt"

    def __init__(self, path: object, reason: str, remedy: str | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.remedy = remedy or (
            "move the directory aside (or delete it) and re-import your families from a bundle "
            "(`seglam cache import DIR`); every imported program is verified again"
        )
        super().__init__(f"cache at {self.path} is unusable: {reason}. To recover: {self.remedy}")


class IndexDamagedError(CacheError):
    """An index posting failed its seal. The cache rebuilds its indexes from the entries
    and retries; a caller sees this only if the rebuild did not help."""


class NotFoundError(CacheError, KeyError):
    """No entry with this id (or id prefix)."""

    def __str__(self) -> str:  # KeyError quotes its message; keep it readable
        return str(self.args[0]) if self.args else "not found"


class AmbiguousIdError(CacheError):
    """An id prefix names more than one entry."""


class CorruptEntryError(CacheError):
    """A stored record failed its checksum or could not be decoded. The entry is
    quarantined and never executed."""

    def __init__(self, key: str, reason: str) -> None:
        super().__init__(f"entry {key} is corrupt: {reason}")
        self.key = key
        self.reason = reason


class PatternError(CacheError, ValueError):
    """A pattern is malformed (bad hole syntax, unknown hole type, stray brace). ``code`` is
    stable (docs/cache.md, "Pattern diagnostics"); ``column`` is 1-based where one applies."""

    def __init__(self, message: str, code: str = "E-PATTERN", column: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.column = column


class AdmissionError(CacheError):
    """A family draft was refused. ``reasons`` lists every reason found."""

    def __init__(self, reasons: list[str] | tuple[str, ...]) -> None:
        self.reasons = tuple(reasons)
        super().__init__("family refused: " + "; ".join(self.reasons))


class SameAnswerError(CacheError):
    """``reject`` was given the answer the family already gives on those inputs (equal as
    the cache compares answers, :func:`seglam.cache.values.same_answer`): there is nothing
    to correct, and nothing was changed. ``answer`` is that answer, rendered."""

    def __init__(self, entry_id: str, answer: str) -> None:
        super().__init__(f"the family already answers that: family {entry_id} answers {answer} on those inputs; "
                         "nothing was changed (reject records a wrong answer with the right one)")
        self.entry_id = entry_id
        self.answer = answer


class ContentHashMismatch(AdmissionError):
    """A program (or module) compiled to another content hash than the one expected (a
    bundle's manifest): it was edited, or the language version differs."""


class BundleModuleError(CacheError):
    """A bundle's library module is missing, changed after export, or fails verification:
    the whole bundle is refused before any family is imported. ``code`` is stable for
    scripts (``E-BUNDLE-MODULE-MISSING``, ``E-BUNDLE-MODULE-TAMPERED``,
    ``E-BUNDLE-MODULE-REFUSED``); ``hint`` says what to do."""

    def __init__(self, code: str, message: str, hint: str) -> None:
        super().__init__(message)
        self.code = code
        self.hint = hint


class GateMiss(CacheError):
    """A matched family refused to answer: the bound inputs failed its precondition, the
    run faulted, or its postcondition failed. A miss, never an answer. ``trace`` says why;
    ``counterexample`` is what was recorded on the entry."""

    def __init__(self, reason: str, trace: object, counterexample: object | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.trace = trace
        self.counterexample = counterexample


class ToolchainUnavailable(CacheError):
    """The language runtime (``seglam.compile``) is not importable in this build."""


class CacheUnavailableError(CacheError):
    """The cache's database (a ``postgresql://`` cache) cannot be reached, or refused the
    connection or the schema. Nothing was written by the failed call; every committed
    entry is intact. ``code`` is stable for scripts; the CLI exits with 2."""

    code = "cache-unavailable"

#: How an admission refused by the verifier starts its reason; the rest is the verifier's
#: JSON report, whole up to MAX_REPORT characters, for the engine and the CLI to render.
VERIFICATION_FAILED = "verification failed: "
MAX_REPORT = 200_000
