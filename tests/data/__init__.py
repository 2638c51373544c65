"""The data the tests read, kept in the repository so that a clean clone tests everything."""

from pathlib import Path

#: BIG-Bench Hard task files (MIT; see bbh/README.md and bbh/LICENSE).
BBH = Path(__file__).resolve().parent / "bbh"
