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

KNOWN_CYCLE_MODULES: frozenset = frozenset()

KNOWN_UPWARD: frozenset = frozenset()

KNOWN_PRIVATE: frozenset = frozenset()

#: Function-local imports of project modules in seglam/ and verifier/ (goal: at most 25).
KNOWN_LOCAL_IMPORTS = 35

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


def test_the_analysis_finds_a_deferred_import():
    source = "import importlib\nfrom importlib import import_module\n\ndef f(name):\n" \
             "    return importlib.import_module(name), import_module(name)\n\nx = 1\n"
    assert arch.deferred_imports_in(source) == [5, 5]
    assert arch.deferred_imports_in("import importlib\n") == []
