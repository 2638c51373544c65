"""Preparation: record and enum classes, code generation, ``compile()`` and the factory."""

from __future__ import annotations

import ast as py
import itertools
import threading
from dataclasses import dataclass
from typing import Any

from seglam.run.codegen.gen import ModuleGen
from seglam.run.codegen.runtime import Runtime
from seglam.run.codegen.state import CodegenError
from seglam.run.faults import Fault
from seglam.run.regexcache import ProgramPatterns
from seglam.run.stdlib_modules import precompile_patterns
from seglam.run.values import program_classes
from seglam.syntax import ast as A

_SERIAL = itertools.count()
#: CPython 3.11 can fail with "SystemError: AST constructor recursion depth mismatch" when
#: threads compile AST trees at once (gh-106905), so compiles take turns.
_COMPILE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Prepared:
    """One generated module: its factory and the tables that map frames back to Seglam."""

    factory: Any
    tree: py.Module
    spans: tuple
    code_names: dict
    code_filename: str
    patterns: ProgramPatterns
    records: dict
    enums: dict
    globals_: dict
    def_spans: dict
    driven_lines: frozenset
    entry_lines: frozenset
    entered_lines: frozenset
    name_spans: dict
    driver_spans: dict
    str_method_lines: dict


def prepare(checked: Any, filename: str, extra_exprs: tuple = (), base: Prepared | None = None) -> Prepared:
    """Generate, compile and execute the factory module for ``checked``.

    Raises :class:`Fault` (``F-VALUE``) if the tree holds something the generator cannot
    compile: that is a checker gap, and it must never become a Python error."""
    # the same classes as the reference backend (built once per checked module), so
    # records and enums from either backend compare equal
    classes = program_classes(checked)
    records, enums = dict(classes.records), dict(classes.enums)
    runtime = Runtime(records, enums)
    gen = ModuleGen(checked, runtime)
    try:
        tree = gen.module(extra_exprs)
        code_filename = f"<seglam-compiled-{next(_SERIAL)}:{filename}>"
        with _COMPILE_LOCK:
            code = compile(tree, code_filename, "exec", dont_inherit=True)
    except CodegenError as error:
        raise Fault("F-VALUE", f"cannot compile this program: {error}", error.span, (), filename) from None
    except Exception as error:  # noqa: BLE001 - a generator gap must never surface as a Python error
        raise Fault("F-VALUE", f"cannot compile this program: {type(error).__name__}: {error}", None, (), filename) from None
    namespace = runtime.globals
    exec(code, namespace)  # defines only h_factory; no user code runs here
    factory = namespace.pop("h_factory")
    return Prepared(
        factory=factory, tree=tree, spans=tuple(gen.spans), code_names=dict(gen.code_names),
        code_filename=code_filename, patterns=base.patterns if base is not None else precompile_patterns(checked), records=records, enums=enums, globals_=namespace,
        def_spans={name: info.node.span for name, info in checked.functions.items()},
        driven_lines=frozenset(gen.driven_lines), entry_lines=frozenset(gen.entry_lines),
        entered_lines=frozenset(gen.entered_lines),
        name_spans=dict(gen.name_spans), driver_spans=dict(gen.driver_spans),
        str_method_lines=dict(gen.str_method_lines),
    )
