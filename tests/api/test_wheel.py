"""An installed wheel behaves like the checkout: it builds the same compile prompt.

The model's language guide is generated from SPEC.md, which lives outside every package;
setup.py copies it into the wheel. This test builds the wheel offline from a copy of the
sources, runs ``seglam ask --show-prompt`` from the unpacked wheel (with no site hooks, so the
checkout's editable install cannot leak in) and compares it byte for byte with the checkout's.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_wheel")

REPO = Path(__file__).resolve().parents[2]
REQUEST = "Sort the following words alphabetically: List: pear apple"
IGNORE = shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", ".hypothesis", "mutants")

SHOW_PROMPT = """
import sys
import seglam
assert seglam.__file__.startswith({root!r}), seglam.__file__
from seglam.cli.main import main
sys.exit(main(["ask", "--show-prompt", {request!r}]))
"""


def _show_prompt(root: Path, *, wheel: bool, request: str = REQUEST) -> str:
    """``seglam ask --show-prompt`` as run from ``root`` (the checkout, or an unpacked wheel)."""
    code = SHOW_PROMPT.format(root=str(root), request=request)
    if wheel:
        # -S: no site hooks, so the checkout's editable install cannot answer the import; the
        # dependencies come from the venv's site-packages, after the wheel's directory.
        site = sysconfig.get_paths()["purelib"]
        argv = [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(root)!r}]; sys.path.append({site!r})\n" + code]
    else:
        argv = [sys.executable, "-c", code]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(root)}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=root)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def unpacked_wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    shutil.copytree(REPO, src, ignore=IGNORE)
    out = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "-w", str(out), str(src)],
        check=True, capture_output=True, timeout=600,
    )
    (wheel,) = out.glob("seglam-*.whl")
    unpacked = work / "site"
    with zipfile.ZipFile(wheel) as zf:
        zf.extractall(unpacked)
    return unpacked


def test_the_wheel_carries_the_spec(unpacked_wheel: Path) -> None:
    assert (unpacked_wheel / "seglam" / "SPEC.md").read_bytes() == (REPO / "SPEC.md").read_bytes()


def test_the_wheel_builds_the_checkouts_prompt(unpacked_wheel: Path) -> None:
    checkout = _show_prompt(REPO, wheel=False)
    wheel = _show_prompt(unpacked_wheel, wheel=True)
    assert "generated from SPEC.md" in checkout
    assert len(checkout) > 20_000  # the whole guide, not the short fallback
    assert wheel == checkout


def test_the_wheel_carries_the_pools_own_worked_families(unpacked_wheel: Path) -> None:
    request = "A baker makes 6 trays of 12 rolls and sells 50. How many rolls are left?"
    checkout = _show_prompt(REPO, wheel=False, request=request)
    assert "# Worked family: change_due" in checkout  # from stdlib/worked, not stdlib/families
    assert _show_prompt(unpacked_wheel, wheel=True, request=request) == checkout


IMPORTS_DATES = """
import sys
import seglam
assert seglam.__file__.startswith({root!r}), seglam.__file__
program = seglam.compile("from dates import format_long, parse_mdy\\n\\ndef main() -> str:\\n    d = parse_mdy('03/05/2021')\\n    return 'none' if d is None else format_long(d)\\n")
print(program.call("main"), sorted(program.modules), program.modules["dates"][0].startswith({root!r}))
"""


def test_the_wheel_carries_the_standard_librarys_modules(unpacked_wheel: Path) -> None:
    shipped = sorted(p.name for p in (unpacked_wheel / "seglam" / "stdlib").glob("*.sgl"))
    assert shipped == sorted(p.name for p in (REPO / "stdlib").glob("*.sgl"))
    assert {"dates.sgl", "text.sgl", "tables.sgl"} <= set(shipped)
    site = sysconfig.get_paths()["purelib"]
    code = IMPORTS_DATES.format(root=str(unpacked_wheel))
    argv = [sys.executable, "-S", "-c", f"import sys; sys.path[:0] = [{str(unpacked_wheel)!r}]; sys.path.append({site!r})\n" + code]
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(unpacked_wheel)}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=300, env=env, cwd=unpacked_wheel)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "March 5, 2021 ['dates'] True"
