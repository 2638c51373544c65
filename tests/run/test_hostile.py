"""Hostile programs never reach Python internals, and never end in a Python exception:
these run on the evaluator without the checker (which rejects most of them first)."""

from __future__ import annotations

import types

import pytest

from seglam.run.faults import Fault
from seglam.run.limits import Limits
from tests.run.helpers import run


@pytest.mark.parametrize("expr", [
    "().__class__",
    "(1).__class__.__bases__",
    "main.__globals__",
    "(lambda: 0).__code__",
    "len.impl",
    "len.ctx",
    "'{0.__class__}'.format(1)",
    "'{0[0]}'.format([1])",
    "type(1)",
    "open('/etc/passwd')",
    "__import__('os')",
    "getattr(1, 'real')",
    "eval('1')",
    "[].__len__()",
    "(x for x in []).gi_frame",
    "re.compile('a').search('a').re",
    "Color.__members__",
    "Color._member_map_",
    "Color.RED.__class__",
    "Point.__init__",
    "Point(1)._fields",
    "str.__dict__",
    "sorted.__self__",
    "math.__loader__",
    "dict.fromkeys",
])
def test_no_escape(expr):
    src = f"""import re
import math
from enum import Enum
from dataclasses import dataclass

class Color(Enum):
    RED = 1

@dataclass(frozen=True)
class Point:
    x: int

def main() -> object:
    return {expr}
"""
    try:
        value = run(src, limits=Limits(fuel=10_000))
    except Fault as fault:
        assert fault.code.startswith("F-")
    else:
        # Whatever came back must not be a Python internal (module, code, frame, type, dict).
        internals = (types.ModuleType, types.CodeType, types.FrameType, types.FunctionType, type, dict)
        assert not isinstance(value, internals), value


@pytest.mark.parametrize("src", [
    "def main() -> int:\n    return undefined_name\n",
    "def main(x: int) -> int:\n    return x\n",
    "def main() -> int:\n    return [1, 'a'].sort() or 0\n",
    "def main() -> int:\n    return sorted([1, None])[0]\n",
    "def main() -> int:\n    return 1 + 'a'\n",
    "def main() -> int:\n    return {[1]: 2}\n",
    "def main() -> int:\n    return next(iter([]))\n",
    "def main() -> str:\n    return f'{[1]:>3}'\n",
    "def main() -> str:\n    return '%d' % 'x'\n",
    "def main() -> str:\n    return str(10 ** 5000)\n",
])
def test_type_errors_become_faults(src):
    with pytest.raises(Fault) as info:
        run(src)
    assert info.value.code.startswith("F-")
