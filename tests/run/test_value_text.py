"""How values that are not data print (``str``, ``repr``, f-strings, ``%``): as CPython
prints them where its text is deterministic (dict views, ``range``, ``Counter``,
``defaultdict``, regex matches, builtins used as values), and where CPython prints an
address (functions, lambdas, iterators) the same text without it, on both backends
(SPEC.md section 9, "How values print"). Red-team findings 11 and 12: these printed
internal class names (``<dict_keys>``, ``<Metered>``, ``<LambdaValue>``), a Counter as a
plain dict, and a lambda differently on each backend."""

from __future__ import annotations

import pytest

import seglam

HEAD = (
    "import re\n"
    "from collections import Counter, defaultdict\n"
    "from itertools import chain, groupby, permutations\n\n\n"
    "def helper(x: int) -> int:\n"
    "    return x\n\n\n"
    "def main() -> str:\n"
    "    "
)

#: name -> (body of main, the text it returns); ``cpython``: CPython prints the same.
CASES = {
    "dict views": (
        'd = {"a": 1, "b": 2}\n    return f"{d.keys()}|{d.values()}|{d.items()}"',
        "dict_keys(['a', 'b'])|dict_values([1, 2])|dict_items([('a', 1), ('b', 2)])",
    ),
    "range": (
        'return f"{range(3)}|{range(1, 10, 2)}|{str(range(-1, 5))}"',
        "range(0, 3)|range(1, 10, 2)|range(-1, 5)",
    ),
    "Counter, most common first": (
        "return f\"{Counter('abb')}|{Counter()}|{repr(Counter([3, 1, 3]))}\"",
        "Counter({'b': 2, 'a': 1})|Counter()|Counter({3: 2, 1: 1})",
    ),
    "defaultdict": (
        'd = defaultdict(int)\n    d["x"] += 1\n    e = defaultdict(list)\n    return f"{d}|{e}"',
        "defaultdict(<class 'int'>, {'x': 1})|defaultdict(<class 'list'>, {})",
    ),
    "regex match": (
        'm = re.search("b+", "abbc")\n    return f"{m}"',
        "<re.Match object; span=(1, 3), match='bb'>",
    ),
    "builtins used as values": (
        "return str(len) + '|' + str(abs) + '|' + str(sorted)",
        "<built-in function len>|<built-in function abs>|<built-in function sorted>",
    ),
    "nested in a list": (
        'd = {"a": 1}\n    return str([d.keys(), range(2)])',
        "[dict_keys(['a']), range(0, 2)]",
    ),
    # CPython prints an address in each of these: the text without it, on both backends
    "lambda": ("g = lambda x: x\n    return str(g)", "<function>"),
    "function used as a value": ("return str(helper)", "<function>"),
    "defaultdict of a lambda": (
        'd = defaultdict(lambda: 5)\n    d["x"] += 1\n    return str(d)',
        "defaultdict(<function>, {'x': 6})",
    ),
    "itertools objects": (
        'return f"{permutations([1, 2])}|{chain([1], [2])}|{groupby([1])}"',
        "<itertools.permutations object>|<itertools.chain object>|<itertools.groupby object>",
    ),
    "builtin iterators": (
        'return f"{map(abs, [1])}|{zip([1], [2])}|{enumerate([1])}|{reversed([1])}|{filter(None, [1])}"',
        "<map object>|<zip object>|<enumerate object>|<list_reverseiterator object>|<filter object>",
    ),
    "generator expression": ('return f"{(x for x in [1])}"', "<generator object <genexpr>>"),
}


@pytest.mark.parametrize("backend", ["compiled", "reference"])
@pytest.mark.parametrize("name", list(CASES))
def test_value_prints_as_cpython_without_addresses(name: str, backend: str):
    body, expected = CASES[name]
    prog = seglam.compile(HEAD + body + "\n", filename="text.sgl")
    assert prog.run("main", backend=backend).value == expected
