"""Write the generated Python of every benchmark program and conformance-case program to one
file, for checking that a refactoring of the generator leaves what it generates unchanged:

    .venv/bin/python -m tests.compiled.generated_dump before.txt   # on the old commit
    .venv/bin/python -m tests.compiled.generated_dump after.txt    # on the new one
    cmp before.txt after.txt
"""

from __future__ import annotations

import sys
from pathlib import Path

import seglam
from seglam.syntax.diagnostics import CheckError
from tests.conformance.cases import load_cases

ROOT = Path(__file__).resolve().parents[2]


def generated() -> dict[str, str]:
    out = {}
    for path in sorted((ROOT / "bench" / "programs").glob("*.sgl")):
        out[path.name] = seglam.compile(path.read_text(encoding="utf-8"), filename=path.name).python_source()
    for i, case in enumerate(load_cases()):
        if case.kind == "error" or case.modules:
            continue
        try:
            out[f"case {i} {case.file}"] = seglam.compile(case.source, filename=case.filename).python_source()
        except CheckError as error:
            out[f"case {i} {case.file}"] = f"check error {error}"
    return out


if __name__ == "__main__":
    programs = generated()
    Path(sys.argv[1]).write_text("\n\n#####\n\n".join(f"{name}\n{text}" for name, text in programs.items()))
    print(f"{len(programs)} programs")
