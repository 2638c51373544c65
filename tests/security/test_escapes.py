"""Sandbox-escape attempts: each is rejected at check time or faults at run time, on both
backends, and none of them reaches Python (a canary file is never written)."""

import os
from pathlib import Path

import pytest

import seglam

CANARY = Path(os.environ.get("TMPDIR", "/tmp")) / "seglam-escape-canary"

# Each program tries to reach Python; `main()` is called if it checks.
ATTEMPTS = {
    "dunder chain": "def main() -> int:\n    return len(().__class__.__bases__[0].__subclasses__())\n",
    "__import__": "def main() -> int:\n    __import__('os').system('touch " + str(CANARY) + "')\n    return 0\n",
    "import os": "import os\n\ndef main() -> int:\n    os.system('touch " + str(CANARY) + "')\n    return 0\n",
    "from os import": "from os import system\n\ndef main() -> int:\n    system('touch " + str(CANARY) + "')\n    return 0\n",
    "import builtins": "import builtins\n\ndef main() -> int:\n    return 0\n",
    "importlib": "import importlib\n\ndef main() -> int:\n    return 0\n",
    "getattr": "def main() -> str:\n    return str(getattr(1, '__class__'))\n",
    "eval": "def main() -> int:\n    return eval('1 + 1')\n",
    "exec": "def main() -> int:\n    exec('x = 1')\n    return 0\n",
    "globals": "def main() -> int:\n    return len(globals())\n",
    "locals/vars/dir": "def main() -> int:\n    return len(vars()) + len(dir())\n",
    "type()": "def main() -> str:\n    return str(type(1))\n",
    "open": "def main() -> str:\n    return open('/etc/passwd').read()\n",
    "str.format attribute": "def main() -> str:\n    return '{0.__class__}'.format(1)\n",
    "fstring dunder": "def main() -> str:\n    return f'{(1).__class__}'\n",
    "lambda code object": "def main() -> int:\n    f = lambda: 0\n    return len(str(f.__code__))\n",
    "generator frame": "def main() -> int:\n    g = (x for x in [1])\n    return len(str(g.gi_frame))\n",
    "bound method self": "def main() -> int:\n    d = {1: 2}\n    return len(str(d.get.__self__))\n",
    "enum internals": "from enum import Enum\n\nclass C(Enum):\n    A = 1\n\ndef main() -> int:\n    return len(C._member_map_)\n",
    "enum dunder members": "from enum import Enum\n\nclass C(Enum):\n    A = 1\n\ndef main() -> int:\n    return len(C.__members__)\n",
    "dunder record field": "from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass R:\n    __dict__: int\n\ndef main() -> int:\n    return 0\n",
    "class pattern dunder": "def main() -> int:\n    match 1:\n        case int(__class__=c):\n            return 1\n    return 0\n",
    "decorator eval": "@eval\ndef main() -> int:\n    return 0\n",
    "class with methods": "class A:\n    def __init__(self) -> None:\n        pass\n\ndef main() -> int:\n    return 0\n",
    "subclass hook": "from dataclasses import dataclass\n\n@dataclass(frozen=True)\nclass R:\n    x: int\n\ndef main() -> int:\n    return len(R.__subclasses__())\n",
    "raise": "def main() -> int:\n    raise SystemExit(3)\n",
    "try": "def main() -> int:\n    try:\n        return 1\n    except BaseException:\n        return 2\n",
    "global": "X = [1]\n\ndef main() -> int:\n    global X\n    X = [2]\n    return 0\n",
    "helper-looking names": "def _fuel() -> int:\n    return 1\n\ndef u_main() -> int:\n    return 2\n\ndef main() -> int:\n    __builtins__ = 3\n    return _fuel() + u_main()\n",
    "string literal injection": "def main() -> str:\n    return \"\\\"); __import__('os').system('touch " + str(CANARY) + "') #\"\n",
    "fstring injection": "def main() -> str:\n    s = \"')); __import__('os'\"\n    return f\"{s}{{}}'\"\n",
    "unicode eval": "def main() -> int:\n    return \uff45val('1')\n",
    "sorted key print": "def main() -> list[int]:\n    return sorted([2, 1], key=print)\n",
    "map with open": "def main() -> list[str]:\n    return list(map(open, ['/etc/passwd']))\n",
    "re module internals": "import re\n\ndef main() -> int:\n    return len(str(re.compile('a').__class__))\n",
    "dataclasses internals": "import dataclasses\n\ndef main() -> int:\n    return len(str(dataclasses.sys))\n",
    "math module dict": "import math\n\ndef main() -> int:\n    return len(math.__dict__)\n",
    "str maketrans attribute": "def main() -> str:\n    return str(str.__base__)\n",
    "mutating a constant": "LIMITS = [1, 2]\n\ndef main() -> int:\n    xs = LIMITS\n    xs.append(3)\n    return len(LIMITS)\n",
    "deep recursion": "def f(n: int) -> int:\n    return f(n + 1) + 1\n\ndef main() -> int:\n    return f(0)\n",
}

# Programs that are legal Seglam but must not escape: they must return normally with this value.
HARMLESS = {"string literal injection", "fstring injection", "helper-looking names"}


@pytest.mark.parametrize("name", sorted(ATTEMPTS))
@pytest.mark.parametrize("backend", ["compiled", "reference"])
def test_escape_attempt_never_reaches_python(name, backend):
    CANARY.unlink(missing_ok=True)
    source = ATTEMPTS[name]
    try:
        program = seglam.compile(source, filename="attack.sgl")
    except seglam.CheckError as error:
        assert error.diagnostics and all(d.code.startswith("E-") for d in error.diagnostics)
    else:
        try:
            value = program.run("main", limits=seglam.Limits(fuel=100_000), backend=backend).value
        except seglam.Fault as fault:
            assert fault.code.startswith("F-")
        else:
            assert name in HARMLESS, f"{name!r} ran to a value: {value!r}"
    assert not CANARY.exists()


def test_harmless_literals_are_just_strings():
    program = seglam.compile(ATTEMPTS["string literal injection"])
    assert program.call("main") == "\"); __import__('os').system('touch " + str(CANARY) + "') #"
