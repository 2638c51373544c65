"""Generated code cannot be steered into Python: identifiers, string literals, f-strings,
record/enum/field names and keyword arguments are data, never code; the globals hold no
builtins; a prepared program is shared safely between threads."""

from __future__ import annotations

import ast as py
import threading

import pytest

import seglam
from seglam.run.compiled import CompiledBackend
from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.compiled.stubcheck import stub_check
from tests.conformance.cases import load_cases

HOSTILE_STRINGS = [
    "'); import os; os.system('echo pwned'); ('",
    '"""\nimport os\n"""',
    "{__import__('os')}",
    "\\x00\\n\\r\u2028\u2029",
    "__builtins__",
    "h_ctx.fuel = 10**9",
    "}{{}}{",
]


def _compiled(source: str):
    return seglam.compile(source, filename="hostile.sgl")


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_string_literals_and_fstrings_are_data(text: str):
    src = f"def main(x: int) -> str:\n    s = {text!r}\n    return f'<{{s}}|{{x}}>' + s\n"
    prog = _compiled(src)
    assert prog.call("main", 3) == f"<{text}|3>" + text


@pytest.mark.parametrize("name", ["h_ctx", "h_d", "h_f", "g_0_len", "u_main", "h_factory", "h_consts",
                                  "h_tick", "h_ch", "h_lam", "h_maxd", "len_", "exec_", "compile_"])
def test_identifiers_cannot_name_helpers(name: str):
    src = (f"def {name}({name}: int) -> int:\n    {name}_2 = {name} * 2\n    return {name}_2\n\n"
           f"def main() -> int:\n    {name}_v = 20\n    return {name}({name}={name}_v) + {name}_v\n")
    prog = _compiled(src)
    assert prog.call("main") == 60
    result = prog.run("main", backend="compiled")
    assert result.fuel_used == prog.run("main", backend="reference").fuel_used


def test_record_enum_and_field_names_that_look_like_helpers():
    src = (
        "from dataclasses import dataclass\nfrom enum import Enum\n\n"
        "@dataclass(frozen=True)\nclass h_factory:\n    h_ctx: int\n    g_0_len: str = 'x'\n\n"
        "class u_main(Enum):\n    h_d = 1\n    fuel = 2\n\n"
        "def main(h_ctx: int) -> str:\n"
        "    r = h_factory(h_ctx=h_ctx)\n"
        "    return f'{r.h_ctx}{r.g_0_len}{u_main.fuel.value}{u_main.h_d.name}'\n"
    )
    prog = _compiled(src)
    assert prog.call("main", h_ctx=7) == "7x2h_d"


def test_keyword_arguments_reach_only_parameters():
    src = ("def f(a: int, b: int = 2) -> int:\n    return a * 10 + b\n\n"
           "def main() -> list[int]:\n    d = {'b': 5, 'a': 1}\n    return [f(a=3), f(b=4, a=1), f(**d)]\n")
    assert _compiled(src).call("main") == [32, 14, 15]


def test_no_private_attribute_is_ever_emitted_and_globals_hold_no_builtins():
    checked = 0
    for case in load_cases():
        if case.kind == "error":
            continue
        prog = seglam.compile(case.source, filename=case.filename, modules=dict(case.modules))
        backend = prog._backend("compiled")
        tree = backend.source_tree
        for node in py.walk(tree):
            if isinstance(node, py.Attribute):
                assert not node.attr.startswith("_"), (case.id, node.attr)
            if isinstance(node, py.Name):
                assert node.id.startswith(("u_", "h_", "g_")), (case.id, node.id)
        assert backend._prepared.globals_["__builtins__"] == {}
        assert all(k.startswith("g_") for k in backend._prepared.globals_ if k != "__builtins__")
        checked += 1
    assert checked > 300


def test_the_generator_refuses_dunder_attributes_even_if_the_checker_let_one_through():
    checked = stub_check("def main(x: int) -> str:\n    return x.__class__.__name__\n")
    with pytest.raises(Fault) as info:
        CompiledBackend(checked, "t.sgl")
    assert info.value.code == "F-VALUE"
    checked = stub_check("def main(x: str) -> int:\n    return x.__len__()\n")
    with pytest.raises(Fault):
        CompiledBackend(checked, "t.sgl")


def test_the_checker_rejects_reaching_for_python():
    for src in ("def main() -> int:\n    return eval('1')\n",
                "def main() -> str:\n    return (1).__class__.__name__\n",
                "import os\ndef main() -> int:\n    return 1\n",
                "def main() -> int:\n    return __builtins__\n"):
        with pytest.raises(seglam.CheckError):
            seglam.compile(src)


def test_many_threads_share_one_prepared_program():
    src = ("def collatz(n: int) -> int:\n    steps = 0\n    while n != 1:\n"
           "        n = n // 2 if n % 2 == 0 else 3 * n + 1\n        steps += 1\n    return steps\n\n"
           "def main(k: int) -> list[int]:\n    return [collatz(i) for i in range(1, k)]\n")
    prog = _compiled(src)
    expected = {k: prog.run("main", (k,), backend="compiled") for k in range(20, 60, 5)}
    errors: list = []

    def worker(seed: int) -> None:
        try:
            for i in range(40):
                k = 20 + ((seed + i) % 8) * 5
                got = prog.run("main", (k,), backend="compiled")
                if got != expected[k]:
                    errors.append((k, got))
                if i % 7 == 0:  # a faulting run in between must not disturb the others
                    with pytest.raises(Fault):
                        prog.run("main", (k,), limits=Limits(fuel=50), backend="compiled")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(s,)) for s in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors


def test_deep_or_long_expressions_end_in_a_value_a_check_error_or_a_fault():
    """The right value, or E-NESTING, or a depth fault: never a Python RecursionError."""
    outcomes = []
    for depth in (50, 150, 400):
        shapes = (("(" * depth + "1" + ")" * depth, 1), (" + ".join(["x"] * depth * 10), depth * 10),
                  ("-" * depth + "x", (-1) ** depth))
        for expr, expected in shapes:
            src = f"def main(x: int) -> int:\n    return {expr}\n"
            try:
                outcome = ("value", seglam.compile(src).run("main", (1,), backend="compiled").value == expected)
            except seglam.CheckError as error:
                outcome = ("check", tuple(error.codes))
            except Fault as fault:
                outcome = ("fault", fault.code)
            outcomes.append(outcome)
            assert outcome in {("value", True), ("check", ("E-NESTING",)), ("fault", "F-DEPTH")}, (depth, expr[:20], outcome)
    assert ("value", True) in outcomes  # the shallow ones run
