"""Build hook: the wheel carries SPEC.md as ``seglam/SPEC.md``.

The model's language guide is generated from SPEC.md (``seglam.engine.guide``). SPEC.md lives
at the top of the repository (the language's truth), outside every package, so without this
hook an installed wheel would build a different, poorer prompt than the checkout.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

SPEC = Path(__file__).resolve().parent / "SPEC.md"


class BuildWithSpec(build_py):
    """build_py that also copies SPEC.md into the built ``seglam`` package."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            return  # an editable install runs from the checkout, which has SPEC.md at its root
        if not SPEC.is_file():
            raise SystemExit("SPEC.md is missing: the language guide is generated from it")
        target = Path(self.build_lib) / "seglam"
        self.mkpath(str(target))
        self.copy_file(str(SPEC), str(target / "SPEC.md"))


setup(cmdclass={"build_py": BuildWithSpec})
