"""Imports of Seglam modules through the host API and the command line: where modules are
found (the standard library, ``path=``/``--path``, ``SEGLAM_PATH``, ``modules=``), the
program's hash over its imports (a Merkle tree), fuel across modules, and where an error or
fault in an imported module is reported. Multi-file programs on both backends and CPython
are conformance cases (``tests/conformance/cases/modules.sgltest``)."""

from __future__ import annotations

import pytest

import seglam
from seglam.cli.main import main
from seglam.program.library import STDLIB_DIR, stdlib_modules
from seglam.syntax.canonical import program_hash
from seglam.syntax.lower import parse

SHAPES = "def area(w: int, h: int) -> int:\n    return w * h\n"
MAIN = "from shapes import area\n\ndef main() -> int:\n    return area(3, 4)\n"


def _module(directory, name: str, source: str):
    directory.mkdir(parents=True, exist_ok=True)
    (directory / f"{name}.sgl").write_text(source)
    return directory


def test_a_module_on_the_path(tmp_path):
    lib = _module(tmp_path / "lib", "shapes", SHAPES)
    program = seglam.compile(MAIN, "main.sgl", path=[lib])
    assert program.call("main") == 12
    assert program.call("main") == seglam.compile(MAIN, "main.sgl", path=[str(lib)]).call("main")
    assert set(program.modules) == {"shapes"}
    assert program.modules["shapes"][0] == str(lib / "shapes.sgl")


def test_seglam_path_is_searched_after_path(tmp_path, monkeypatch):
    first = _module(tmp_path / "first", "shapes", SHAPES)
    second = _module(tmp_path / "second", "shapes", SHAPES.replace("w * h", "w + h"))
    monkeypatch.setenv("SEGLAM_PATH", str(second))
    assert seglam.compile(MAIN).call("main") == 7
    assert seglam.compile(MAIN, path=[first]).call("main") == 12


def test_modules_in_memory_come_last(tmp_path):
    lib = _module(tmp_path, "shapes", SHAPES)
    in_memory = {"shapes": SHAPES.replace("w * h", "w - h")}
    assert seglam.compile(MAIN, modules=in_memory).call("main") == -1
    assert seglam.compile(MAIN, path=[lib], modules=in_memory).call("main") == 12


def test_the_standard_library_comes_first(tmp_path):
    names = stdlib_modules()
    assert {"dates", "text", "tables"} <= set(names)
    shadow = _module(tmp_path, "text", "def ordinal(n: int) -> str:\n    return 'shadowed'\n")
    source = "from text import ordinal\n\ndef main() -> str:\n    return ordinal(2)\n"
    assert seglam.compile(source, path=[shadow]).call("main") == "2nd"
    assert (STDLIB_DIR / "text.sgl").is_file()


def test_a_python_module_is_never_looked_for(tmp_path):
    lib = _module(tmp_path, "json", "def f() -> int:\n    return 1\n")
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("import json\n", path=[lib])
    assert info.value.codes == ["E-IMPORT"]


# ---- content addressing --------------------------------------------------------------------------


def test_the_hash_covers_the_imported_modules(tmp_path):
    """The same source over another version of a library is another program (a Merkle tree);
    a library's comments and layout are not part of it."""
    v1 = _module(tmp_path / "v1", "shapes", SHAPES)
    v2 = _module(tmp_path / "v2", "shapes", SHAPES.replace("w * h", "h * w"))
    v1_reformatted = _module(tmp_path / "v1b", "shapes", "# areas\ndef area(w: int, h: int) -> int:\n    return (w * h)  # product\n")
    h1 = seglam.compile(MAIN, path=[v1]).hash
    assert h1 != seglam.compile(MAIN, path=[v2]).hash
    assert h1 == seglam.compile(MAIN, path=[v1_reformatted]).hash
    assert h1 == seglam.compile(MAIN, modules={"shapes": SHAPES}).hash   # where it was found does not count
    assert h1 != program_hash(parse(MAIN, "main.sgl"))                   # the imports are in it


def test_the_hash_covers_modules_imported_indirectly(tmp_path):
    outer = "from inner import helper\n\ndef twice(n: int) -> int:\n    return 2 * helper(n)\n"
    main = "from outer import twice\n\ndef main() -> int:\n    return twice(4)\n"
    a = {"outer": outer, "inner": "def helper(n: int) -> int:\n    return n + 1\n"}
    b = {"outer": outer, "inner": "def helper(n: int) -> int:\n    return n + 2\n"}
    pa, pb = seglam.compile(main, modules=a), seglam.compile(main, modules=b)
    assert (pa.call("main"), pb.call("main")) == (10, 12)
    assert pa.hash != pb.hash
    assert pa.modules["outer"][2] != pb.modules["outer"][2]   # the module in between changes too


def test_a_program_without_imports_hashes_as_before():
    source = "def f(n: int) -> int:\n    return n + 1\n"
    assert seglam.compile(source).hash == program_hash(parse(source, "<input>"))


# ---- running -------------------------------------------------------------------------------------


LOOP = "def spin(n: int) -> int:\n    total = 0\n    for i in range(n):\n        total += i\n    return total\n"


@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_fuel_across_modules_is_fuel_within_one(backend):
    linked = seglam.compile("from loops import spin\n\ndef main() -> int:\n    return spin(50)\n", modules={"loops": LOOP})
    single = seglam.compile(LOOP + "\ndef main() -> int:\n    return spin(50)\n")
    assert linked.run("main", backend=backend) == single.run("main", backend=backend)
    limits = seglam.Limits(fuel=single.run("main").fuel_used - 1)
    with pytest.raises(seglam.Fault) as info:
        linked.run("main", limits=limits, backend=backend)
    assert info.value.code == "F-FUEL"


def test_a_fault_in_a_module_names_its_file(tmp_path):
    lib = _module(tmp_path, "safe", "def ratio(a: int, b: int) -> int:\n    return a // b\n")
    program = seglam.compile("from safe import ratio\n\ndef main() -> int:\n    return ratio(1, 0)\n", "main.sgl", path=[lib])
    with pytest.raises(seglam.Fault) as info:
        program.call("main")
    assert info.value.filename == str(lib / "safe.sgl")
    assert (info.value.span.line, info.value.trace[-1].function) == (2, "safe.ratio")


def test_an_error_in_a_module_is_reported_in_its_file(tmp_path):
    lib = _module(tmp_path, "broken", "def f() -> int:\n    return 'one'\n")
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("from broken import f\n", "main.sgl", path=[lib])
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.code, diagnostic.filename, diagnostic.span.line) == ("E-TYPE", str(lib / "broken.sgl"), 2)
    assert "return 'one'" in info.value.render()


def test_import_diagnostics_are_located_with_a_hint():
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("import shapes\nfrom shapes import aera\n\ndef main() -> int:\n    return shapes.volume(1)\n",
                       "main.sgl", modules={"shapes": SHAPES})
    first, second = info.value.diagnostics
    assert (first.code, first.span.line, first.span.col, first.hint) == ("E-IMPORT-NAME", 2, 20, "did you mean `area`?")
    assert (second.code, second.span.line, second.span.col) == ("E-IMPORT-NAME", 5, 12)
    assert "^^^^" in info.value.render()


def test_a_cycle_names_the_modules_in_it():
    modules = {"ping": "from pong import g\n\ndef f() -> int:\n    return g()\n",
               "pong": "from ping import f\n\ndef g() -> int:\n    return 1\n"}
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("from ping import f\n", modules=modules)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "E-IMPORT-CYCLE" and "ping -> pong -> ping" in diagnostic.message
    assert diagnostic.filename == "pong.sgl" and diagnostic.hint


# ---- the command line ----------------------------------------------------------------------------


def test_check_run_and_verify_take_path(tmp_path, capsys):
    lib = _module(tmp_path / "lib", "shapes", SHAPES)
    program = tmp_path / "main.sgl"
    program.write_text(MAIN)
    assert main(["check", str(program)]) == 1
    assert "E-MODULE" in capsys.readouterr().out
    assert main(["check", "--path", str(lib), str(program)]) == 0
    assert main(["run", str(program), "--path", str(lib)]) == 0
    assert capsys.readouterr().out.strip().endswith("12")
    assert main(["verify", "--no-z3", "--max-examples", "5", "--path", str(lib), str(program)]) in (0, 3)
    assert "main()" in capsys.readouterr().out


def test_run_shows_a_fault_in_a_module_with_its_line(tmp_path, capsys):
    lib = _module(tmp_path, "safe", "def ratio(a: int, b: int) -> int:\n    return a // b\n")
    program = tmp_path / "main.sgl"
    program.write_text("from safe import ratio\n\ndef main() -> int:\n    return ratio(1, 0)\n")
    assert main(["run", str(program), "--path", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert f"{lib / 'safe.sgl'}:2:12: F-ZERO-DIV" in err and "return a // b" in err
    assert f"in safe.ratio ({program}:4:12)" in err


def test_a_finder_of_its_own_is_asked_one_name_at_a_time():
    """The hook for modules kept elsewhere (the cache's library modules): any object with
    ``find(name)`` and ``describe()``."""
    from seglam.program.library import ModuleSource

    class Library:
        def __init__(self) -> None:
            self.asked: list[str] = []

        def find(self, name: str):
            self.asked.append(name)
            return ModuleSource(name, f"cache:{name}", SHAPES) if name == "shapes" else None

        def describe(self) -> str:
            return "the cache"

    library = Library()
    assert seglam.compile(MAIN, modules=library).call("main") == 12
    assert library.asked == ["shapes"]
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("import elsewhere\n", modules=library)
    assert "the cache" in info.value.diagnostics[0].message


def test_check_and_verify_take_a_directory(tmp_path, capsys):
    """``seglam verify stdlib/``: a directory stands for the .sgl files directly in it."""
    _module(tmp_path, "shapes", SHAPES + "\n\nassert area(2, 3) == 6\n")
    _module(tmp_path, "uses", MAIN)
    (tmp_path / "notes.txt").write_text("not a module")
    assert main(["check", str(tmp_path), "--path", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"{tmp_path / 'shapes.sgl'}: ok" in out and f"{tmp_path / 'uses.sgl'}: ok" in out and "notes" not in out
    assert main(["verify", "--no-z3", "--max-examples", "5", "--path", str(tmp_path), str(tmp_path)]) in (0, 3)
    out = capsys.readouterr().out
    assert str(tmp_path / "shapes.sgl") in out and str(tmp_path / "uses.sgl") in out
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["check", str(empty)]) == 2
    assert "is a directory" in capsys.readouterr().err


def test_a_name_a_module_took_from_python_is_imported_from_python():
    modules = {"cal": "from datetime import timedelta\n\ndef week() -> timedelta:\n    return timedelta(days=7)\n"}
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("from cal import timedelta\n", modules=modules)
    (diagnostic,) = info.value.diagnostics
    assert diagnostic.code == "E-IMPORT-NAME" and diagnostic.hint == "`cal` imports `timedelta` from `datetime`: import it from there"


def test_a_module_is_not_a_value():
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("import shapes\n\ndef main() -> int:\n    m = shapes\n    return 1\n", modules={"shapes": SHAPES})
    (diagnostic,) = info.value.diagnostics
    assert (diagnostic.code, diagnostic.span.line, diagnostic.hint) == ("E-NAME", 4, "use the names it defines: `shapes.area`")


def test_one_statement_may_import_a_seglam_and_a_python_module():
    program = seglam.compile("import shapes, re\n\ndef main() -> int:\n    return shapes.area(2, len(re.findall('a', 'aa')))\n",
                             modules={"shapes": SHAPES})
    assert program.call("main") == 4
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile("import shapes, os\n", modules={"shapes": SHAPES})
    assert info.value.codes == ["E-IMPORT"]
