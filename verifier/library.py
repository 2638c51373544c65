"""The standard library's functions in a program: verified when the library ships, not again.

A program that imports a module of Seglam's standard library (``stdlib/*.sgl``: dates, text,
tables) gets that module's functions linked in under qualified names (``text.number``).
Each of those modules is verified on its own as the cache verifies a family
(``seglam verify stdlib/<module>.sgl`` is admissible: nothing refuted, every open
obligation backed by targeted evidence; ``tests/stdlib/test_stdlib_modules.py``), each
public function over the whole of its ``@requires``. Verifying them again inside every
program that imports them repeats that work and buries the program's own obligations: a
family that imported ``dates`` had 176 obligations, 122 of them the module's, and spent
its Z3 budget on them.

So their own obligations are not checked again. What the program's use of them needs still
is: each call's obligations ("no fault in this call": the callee's precondition, its
faults on these arguments) belong to the caller, and every run of the caller (examples,
Hypothesis, the aimed run) runs the library's code with every check on. A module counts
only when its source is the shipped one, word for word (a module of the same name found
elsewhere is verified like the program's own code).
"""

from __future__ import annotations

from seglam.program.library import stdlib_sources


def library_modules(program) -> tuple[str, ...]:
    """The standard-library modules ``program`` (a :class:`seglam.Program`, or None)
    imports, directly or not, as shipped; sorted."""
    if program is None:
        return ()
    shipped = stdlib_sources()
    return tuple(sorted(name for name, (_, source, _) in program.modules.items() if shipped.get(name) == source))


def library_functions(function_names, modules: tuple[str, ...]) -> frozenset[str]:
    """The names among ``function_names`` that a module of ``modules`` defines
    (``text.number``, ``text._below_thousand``)."""
    prefixes = tuple(m + "." for m in modules)
    return frozenset(n for n in function_names if prefixes and n.startswith(prefixes))
