"""The pipeline shows in the imports (issue 16, point 1), checked from the source.

The goal is 0 cycles between files (counting imports inside functions, which hid most of
them), 0 imports back up the stages, 0 private names imported across modules and at most 25
function-local imports of project modules. Today's tree is not there yet, so these tests are
a ratchet: the known exceptions below may only shrink. A new cycle, a new upward import or a
new private import fails, and so does a rise in function-local imports. When an exception is
removed, delete it from its list here (the test says so when one no longer exists).
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.spec import architecture as arch

#: Its tests share module fixtures worth computing once: one worker runs them all
#: (``--dist loadgroup``, the Makefile's).
pytestmark = pytest.mark.xdist_group("test_architecture")

KNOWN_CYCLE_MODULES: frozenset = frozenset()

KNOWN_UPWARD: frozenset = frozenset()

KNOWN_PRIVATE: frozenset = frozenset()

#: Function-local imports of project modules in seglam/ and verifier/ (goal: at most 25).

#: No file in seglam/ or verifier/ over this many lines (issue 16, point 3) ...
MAX_LINES = 800
#: ... except these, being split (the list may only shrink).
KNOWN_LONG_FILES: frozenset = frozenset()
#: The cache is split by concept: each of its files at most this long.
MAX_CACHE_LINES = 500

#: The cache's parts behind its facade (issue 16, point 2): the engine and the CLI use the
#: cache through ``Cache`` and its value types, never its store, records or admission
#: machinery directly.
CACHE_INTERNALS = frozenset({
    "seglam.cache.records", "seglam.cache.lookup", "seglam.cache.serving", "seglam.cache.admission",
    "seglam.cache.correction", "seglam.cache.inspection", "seglam.cache.hitstats", "seglam.cache.index",
    "seglam.cache.store", "seglam.cache.stores", "seglam.cache.lmdbfile", "seglam.cache.pgstore",
    "seglam.cache.pgcopy", "seglam.cache.seal", "seglam.cache.bundle",
})


KNOWN_LOCAL_IMPORTS = 2

#: The modules that load others when first used through ``importlib.import_module`` and a
#: documented table instead of function-local imports: the package facades (``seglam``,
#: ``seglam.verifier``), the host API's backends by name, and the command line's command
#: modules and deferred handlers. A new one must say why here.
KNOWN_DEFERRED = frozenset({"seglam", "seglam.verifier", "seglam.program", "seglam.cli.main", "seglam.cli.deferred"})


@pytest.fixture(scope="module")
def edges() -> list[arch.Import]:
    return arch.imports(arch.project_modules())


def test_no_new_cycle(edges):
    groups = arch.cycles([dataclasses.replace(e, local=False) for e in edges])
    in_cycles = {m for g in groups for m in g}
    assert in_cycles <= KNOWN_CYCLE_MODULES, f"new modules in an import cycle: {sorted(in_cycles - KNOWN_CYCLE_MODULES)}"
    assert in_cycles == KNOWN_CYCLE_MODULES, f"no longer in a cycle, remove: {sorted(KNOWN_CYCLE_MODULES - in_cycles)}"


def test_no_new_import_up_the_stages(edges):
    upward = {(e.source, e.target) for e in arch.upward(edges)}
    assert upward <= KNOWN_UPWARD, f"imports up the stages: {sorted(upward - KNOWN_UPWARD)}"
    assert upward == KNOWN_UPWARD, f"gone, remove: {sorted(KNOWN_UPWARD - upward)}"


def test_no_new_private_import(edges):
    private = {(e.source, e.target, n) for e in arch.private_names(edges) for n in e.names}
    assert private <= KNOWN_PRIVATE, f"private names imported across modules: {sorted(private - KNOWN_PRIVATE)}"
    assert private == KNOWN_PRIVATE, f"gone, remove: {sorted(KNOWN_PRIVATE - private)}"


def test_function_local_imports_do_not_grow(edges):
    assert len(arch.local_imports(edges)) <= KNOWN_LOCAL_IMPORTS


def test_no_file_grows_past_the_line_limit():
    sizes = arch.line_counts()
    long = {name for name, n in sizes.items() if n > MAX_LINES}
    assert long <= KNOWN_LONG_FILES, f"files over {MAX_LINES} lines: {sorted(long - KNOWN_LONG_FILES)}"
    assert long == KNOWN_LONG_FILES, f"no longer over {MAX_LINES} lines, remove: {sorted(KNOWN_LONG_FILES - long)}"


def test_the_cache_is_split_into_files_of_at_most_500_lines():
    sizes = arch.line_counts()
    cache = {name: n for name, n in sizes.items() if name.startswith("seglam/cache/")}
    assert len(cache) > 10  # the package is there and counted
    assert {name: n for name, n in cache.items() if n > MAX_CACHE_LINES} == {}


def test_the_engine_and_the_cli_use_the_cache_through_its_facade(edges):
    inside = {(e.source, e.target) for e in edges
              if e.target in CACHE_INTERNALS and e.source.split(".")[1] in ("engine", "cli")}
    assert inside == set(), f"the engine or the CLI reach past the Cache facade: {sorted(inside)}"


def test_modules_are_deferred_only_through_the_known_tables():
    deferred = set(arch.deferred_imports(arch.project_modules()))
    assert deferred <= KNOWN_DEFERRED, f"new importlib.import_module call sites: {sorted(deferred - KNOWN_DEFERRED)}"
    assert deferred == KNOWN_DEFERRED, f"gone, remove: {sorted(KNOWN_DEFERRED - deferred)}"


# -- the analysis itself finds what it looks for ---------------------------------------------------


def _edge(source: str, target: str, *names: str, local: bool = False) -> arch.Import:
    return arch.Import(source, target, names, local, 1)


def test_the_analysis_finds_a_cycle_an_upward_import_and_a_private_name():
    edges = [_edge("seglam.cache.a", "seglam.cache.b"), _edge("seglam.cache.b", "seglam.cache.a", local=True),
             _edge("seglam.syntax.x", "seglam.engine.y", "_hidden"), _edge("seglam.engine.y", "seglam.syntax.x")]
    assert arch.cycles([dataclasses.replace(e, local=False) for e in edges]) == [
        ["seglam.cache.a", "seglam.cache.b"], ["seglam.engine.y", "seglam.syntax.x"]]
    assert arch.cycles(edges) == [["seglam.engine.y", "seglam.syntax.x"]]  # the local import is left out
    assert [(e.source, e.target) for e in arch.upward(edges)] == [("seglam.syntax.x", "seglam.engine.y")]
    assert [e.names for e in arch.private_names(edges)] == [("_hidden",)]
    assert arch.stage("seglam.verifier.api") < arch.stage("seglam.cache.entry") < arch.stage("seglam.cli.main")


def test_line_counts_name_files_from_the_repository_root_and_count_their_lines():
    sizes = arch.line_counts()
    assert sizes["seglam/cache/cache.py"] == len((arch.ROOT / "seglam/cache/cache.py").read_text().splitlines())
    assert "verifier/api.py" in sizes and all(not name.startswith("/") for name in sizes)


def test_the_analysis_finds_a_deferred_import():
    source = "import importlib\nfrom importlib import import_module\n\ndef f(name):\n" \
             "    return importlib.import_module(name), import_module(name)\n\nx = 1\n"
    assert arch.deferred_imports_in(source) == [5, 5]
    assert arch.deferred_imports_in("import importlib\n") == []
