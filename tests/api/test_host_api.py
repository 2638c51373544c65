"""The host API as DESIGN.md shapes it: compile → Program → call, values both ways."""

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import pytest

import seglam

SORT = '''
@requires(lambda words: len(words.split()) > 0)
def sort_words(words: str) -> str:
    return " ".join(sorted(words.split()))
'''


def test_compile_and_call():
    program = seglam.compile(SORT, filename="sort.sgl")
    assert program.call("sort_words", "pear apple fig") == "apple fig pear"
    assert program.call("sort_words", words="b a") == "a b"


def test_call_is_positional_only_in_the_function_name():
    program = seglam.compile("def f(name: str, function: str) -> str:\n    return name + function\n")
    assert program.call("f", name="a", function="b") == "ab"


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "sort.sgl"
    path.write_text(SORT)
    program = seglam.load(path)
    assert program.filename == str(path)
    assert program.call("sort_words", "b a") == "a b"


def test_check_error_carries_every_diagnostic():
    source = "import os\n\ndef f(x) -> int:\n    print(x)\n    return y\n"
    with pytest.raises(seglam.CheckError) as info:
        seglam.compile(source, filename="bad.sgl")
    codes = info.value.codes
    assert "E-IMPORT" in codes and "E-ANNOTATION" in codes and "E-IO" in codes and "E-NAME" in codes
    for diag in info.value.diagnostics:
        assert diag.filename == "bad.sgl" and diag.span.line >= 1
    assert "bad.sgl:1:" in info.value.render()


def test_fault_is_structured():
    program = seglam.compile("def f(n: int) -> int:\n    return 10 // n\n", filename="div.sgl")
    with pytest.raises(seglam.Fault) as info:
        program.call("f", 0)
    fault = info.value
    assert fault.code == "F-ZERO-DIV"
    assert fault.span.line == 2
    assert fault.trace and fault.trace[-1].function == "f"
    assert str(fault).startswith("div.sgl:2:")


def test_precondition_is_checked_on_the_entry_call():
    program = seglam.compile(SORT)
    with pytest.raises(seglam.Fault) as info:
        program.call("sort_words", "   ")
    assert info.value.code == "F-REQUIRES"


def test_wrong_host_value_is_a_type_error_naming_the_parameter():
    program = seglam.compile("def f(xs: list[int], label: str) -> int:\n    return len(xs)\n")
    with pytest.raises(TypeError, match="xs"):
        program.call("f", "not a list", "x")
    with pytest.raises(TypeError, match="label"):
        program.call("f", [1], 5)
    with pytest.raises(TypeError):
        program.call("f", [1])
    with pytest.raises(TypeError):
        program.call("f", [1], "x", "extra")


def test_unknown_function_is_a_lookup_error():
    program = seglam.compile(SORT)
    with pytest.raises(LookupError, match="sort_words"):
        program.call("missing")


def test_values_convert_both_ways():
    source = '''
from dataclasses import dataclass
from decimal import Decimal

@dataclass(frozen=True)
class Line:
    item: str
    qty: int
    price: Decimal

def total(lines: list[Line]) -> Decimal:
    return sum((l.price * l.qty for l in lines), Decimal("0"))

def pairs(xs: set[int]) -> list[tuple[int, int]]:
    return sorted((x, x * x) for x in xs)

def move(l: Line) -> Line:
    return Line(l.item.upper(), l.qty + 1, l.price)
'''
    program = seglam.compile(source)

    @dataclass(frozen=True)
    class HostLine:
        item: str
        qty: int
        price: Decimal

    assert program.call("total", [{"item": "tea", "qty": 2, "price": Decimal("1.25")}]) == Decimal("2.50")
    assert program.call("total", [HostLine("tea", 2, Decimal("1.25"))]) == Decimal("2.50")
    assert program.call("pairs", {3, 1}) == [(1, 1), (3, 9)]
    moved = program.call("move", {"item": "tea", "qty": 1, "price": Decimal("2")})
    assert (moved.item, moved.qty, moved.price) == ("TEA", 2, Decimal("2"))


def test_arguments_are_frozen_but_the_host_object_is_untouched():
    program = seglam.compile("def f(xs: list[int]) -> list[int]:\n    ys = xs\n    ys.append(1)\n    return ys\n")
    host = [1, 2]
    with pytest.raises(seglam.Fault) as info:
        program.call("f", host)
    assert info.value.code == "F-FROZEN"
    assert host == [1, 2]


def test_results_are_plain_mutable_host_values():
    program = seglam.compile("def f(xs: list[int]) -> list[int]:\n    return xs\n")
    out = program.call("f", [1, 2])
    out.append(3)
    assert out == [1, 2, 3] and type(out) is list


def test_hash_ignores_comments_formatting_and_local_names():
    a = seglam.compile("def f(xs: list[int]) -> int:\n    total = 0\n    for x in xs:\n        total += x\n    return total\n")
    b = seglam.compile("# a comment\ndef f(xs: list[int]) -> int:\n    '''Sum.'''\n    acc = 0\n    for item in xs:   # loop\n        acc += item\n    return acc\n")
    c = seglam.compile("def f(xs: list[int]) -> int:\n    total = 1\n    for x in xs:\n        total += x\n    return total\n")
    assert a.hash == b.hash
    assert a.hash != c.hash
    assert len(a.hash) == 64


def test_program_is_thread_safe():
    program = seglam.compile("def f(n: int) -> int:\n    return sum(i * i for i in range(n))\n")
    expected = {n: sum(i * i for i in range(n)) for n in range(200)}
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda n: program.call("f", n), range(200)))
    assert results == [expected[n] for n in range(200)]


def test_limits_per_call():
    program = seglam.compile("def f(n: int) -> int:\n    t = 0\n    for i in range(n):\n        t += i\n    return t\n")
    assert program.run("f", (10,)).value == 45
    with pytest.raises(seglam.Fault) as info:
        program.run("f", (10_000,), limits=seglam.Limits(fuel=100))
    assert info.value.code == "F-FUEL"
    assert program.run("f", (100,), limits=seglam.Limits(fuel=1000)).fuel_used > 100


def test_both_backends_agree():
    program = seglam.compile(SORT)
    values = {b: program.run("sort_words", ("c b a",), backend=b).value for b in ("compiled", "reference")}
    assert values == {"compiled": "a b c", "reference": "a b c"}


def test_import_seglam_is_light():
    import subprocess
    import sys

    code = "import seglam, sys; seglam.compile('def f() -> int:\\n    return 1\\n'); print(sorted(m for m in ('z3', 'openai', 'lmdb', 'hypothesis') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[]"
