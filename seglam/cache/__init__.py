"""The reasoning cache: families of verified Seglam programs, found by patterns that bind
a request's inputs, gated on every hit, correctable, exportable. See docs/cache.md.

    from seglam.cache import Cache
    with Cache() as cache:
        hit = cache.lookup("Sort the following words alphabetically: List: pear apple")
        if hit:
            served = hit.run()          # raises GateMiss instead of serving a wrong answer
            served.value, served.trace
"""

from seglam.cache.admission import Placement
from seglam.cache.admit import FamilyDraft, FamilyView, check_pattern_admissible
from seglam.cache.bundle import ImportReport
from seglam.cache.cache import Cache, GcReport, Hit, Match, ReplaceResult
from seglam.cache.entry import Counterexample, Entry, Event, Example, Provenance, Signature, Stats, Verification
from seglam.cache.errors import (
    AdmissionError,
    AmbiguousIdError,
    BundleModuleError,
    CacheError,
    CacheFullError,
    CorruptEntryError,
    GateMiss,
    NotFoundError,
    PatternError,
    SameAnswerError,
    ToolchainUnavailable,
)
from seglam.cache.gate import Served, Trace
from seglam.cache.pattern import Pattern, parse_pattern
from seglam.cache.store import default_path
from seglam.cache.toolchain import SeglamToolchain, Toolchain

__all__ = [
    "AdmissionError", "AmbiguousIdError", "BundleModuleError", "Cache", "CacheError", "CacheFullError", "CorruptEntryError",
    "Counterexample", "Entry", "Event", "Example", "FamilyDraft", "FamilyView", "GateMiss", "GcReport", "Hit",
    "ImportReport", "Match", "NotFoundError", "Pattern", "PatternError", "Placement", "Provenance", "ReplaceResult",
    "SameAnswerError", "SeglamToolchain", "Served", "Signature", "Stats", "Toolchain", "ToolchainUnavailable", "Trace",
    "Verification", "check_pattern_admissible", "default_path", "parse_pattern",
]
