"""Python-isms outside the Seglam subset, each with a stable code and a suggested rewrite."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class Explained:
    code: str
    message: str
    hint: str | None = None


NO_IO = "no I/O in Seglam: pass the data in as an argument"

#: Builtin names that are not available, by name.
FORBIDDEN_NAMES: dict[str, Explained] = {
    "print": Explained("E-IO", "`print` is not available: Seglam functions have no output", "return the value instead of printing it"),
    "input": Explained("E-IO", "`input` is not available", NO_IO),
    "open": Explained("E-IO", "`open` is not available", NO_IO),
    "exit": Explained("E-IO", "`exit` is not available", "return a value instead"),
    "quit": Explained("E-IO", "`quit` is not available", "return a value instead"),
    "breakpoint": Explained("E-IO", "`breakpoint` is not available", None),
    "help": Explained("E-IO", "`help` is not available", None),
    "eval": Explained("E-REFLECTION", "`eval` is not available: no dynamic code in Seglam", "write the computation out; to read a number use `parse_int(s)`"),
    "exec": Explained("E-REFLECTION", "`exec` is not available: no dynamic code in Seglam", None),
    "compile": Explained("E-REFLECTION", "`compile` is not available: no dynamic code in Seglam", None),
    "getattr": Explained("E-REFLECTION", "`getattr` is not available: no reflection in Seglam", "access the field directly (`p.x`), or use a dict keyed by name"),
    "setattr": Explained("E-REFLECTION", "`setattr` is not available: records are immutable", "use `dataclasses.replace(p, x=...)`"),
    "delattr": Explained("E-REFLECTION", "`delattr` is not available", None),
    "hasattr": Explained("E-REFLECTION", "`hasattr` is not available: no reflection in Seglam", "use `isinstance(x, T)` or a `match` on the record type"),
    "globals": Explained("E-REFLECTION", "`globals` is not available", "pass the values in as arguments"),
    "locals": Explained("E-REFLECTION", "`locals` is not available", None),
    "vars": Explained("E-REFLECTION", "`vars` is not available", None),
    "dir": Explained("E-REFLECTION", "`dir` is not available", None),
    "type": Explained("E-REFLECTION", "`type` is not available: no reflection in Seglam", "use `isinstance(x, T)` or `match`"),
    "id": Explained("E-REFLECTION", "`id` is not available: object identity is not observable", "compare values with `==`"),
    "__import__": Explained("E-REFLECTION", "`__import__` is not available", None),
    "callable": Explained("E-REFLECTION", "`callable` is not available", None),
    "issubclass": Explained("E-REFLECTION", "`issubclass` is not available", "use `isinstance(x, T)`"),
    "super": Explained("E-CLASS", "`super` is not available: records have no methods or inheritance", "write a function that takes the record"),
    "object": Explained("E-BAD-TYPE", "`object` is not a Seglam type", "name the type, or use a union such as `int | str`"),
    "classmethod": Explained("E-CLASS", "classes cannot have methods", "write a function that takes the record"),
    "staticmethod": Explained("E-CLASS", "classes cannot have methods", "write a module-level function"),
    "property": Explained("E-CLASS", "classes cannot have methods or properties", "write a function that takes the record"),
    "hash": Explained("E-UNSUPPORTED", "`hash` is not available: it is not deterministic across runs", "use the value itself as a dict key or set element"),
    "iter": Explained("E-UNSUPPORTED", "`iter` is not available", "loop with `for`, or index into a list"),
    "next": Explained("E-UNSUPPORTED", "`next` is not available", "loop with `for ... : break`; for any element of a set use `min(s)`"),
    "frozenset": Explained("E-UNSUPPORTED", "`frozenset` is not available", "use a `set`, or a sorted `tuple` as a hashable key"),
    "bytes": Explained("E-UNSUPPORTED", "bytes are not available", "work with `str`"),
    "bytearray": Explained("E-UNSUPPORTED", "bytes are not available", "work with `str`"),
    "memoryview": Explained("E-UNSUPPORTED", "`memoryview` is not available", None),
    "complex": Explained("E-UNSUPPORTED", "complex numbers are not available", "use a pair of floats"),
    "slice": Explained("E-UNSUPPORTED", "`slice` objects are not available", "write the slice directly: `xs[a:b]`"),
    "setdefault": Explained("E-NAME", "`setdefault` is a dict method", "write `d.setdefault(k, v)`"),
    "Exception": Explained("E-EXCEPTION", "exceptions are not available in Seglam", "return a `T | None`, or use `assert`"),
}

for _exc in ("ValueError", "TypeError", "KeyError", "IndexError", "RuntimeError", "ZeroDivisionError",
             "AssertionError", "ArithmeticError", "LookupError", "StopIteration", "NotImplementedError",
             "BaseException", "OverflowError", "AttributeError", "NotImplemented"):
    FORBIDDEN_NAMES[_exc] = Explained("E-EXCEPTION", f"`{_exc}`: exceptions are not available in Seglam",
                                      "return a `T | None`, or use `assert`")

#: Modules that are not available, with the reason.
_IO_MODULES = ("os", "sys", "subprocess", "pathlib", "io", "shutil", "socket", "urllib", "http", "requests",
               "json", "csv", "pickle", "sqlite3", "logging", "tempfile", "glob", "argparse", "threading",
               "multiprocessing", "asyncio", "signal", "ctypes", "platform", "getpass", "builtins", "importlib",
               "inspect", "gc", "weakref", "copy", "abc", "types", "operator", "heapq", "bisect", "statistics",
               "textwrap", "unicodedata", "struct", "array", "queue", "numpy", "pandas", "scipy", "sympy")

IMPORT_HINTS: dict[str, str] = {name: NO_IO for name in _IO_MODULES}
IMPORT_HINTS.update({
    "random": "Seglam is deterministic: pass the random choices in as an argument",
    "secrets": "Seglam is deterministic: pass the random choices in as an argument",
    "time": "no clock in Seglam: pass the time in as an argument",
    "uuid": "Seglam is deterministic: pass identifiers in as arguments",
    "copy": "values are copied with `list(xs)`, `dict(d)`, `set(s)` or `dataclasses.replace(r)`",
    "operator": "use a lambda: `key=lambda p: p.age` instead of `operator.attrgetter`",
    "heapq": "use `sorted(...)`, `min(...)` or keep a sorted list",
    "bisect": "scan the sorted list, or use a binary search loop",
    "statistics": "compute it directly: `sum(xs) / len(xs)`",
    "json": "no I/O in Seglam: pass the data in as structured arguments (lists, dicts)",
    "numpy": "no numpy in Seglam: use lists and comprehensions",
    "pandas": "no pandas in Seglam: use lists of records and comprehensions",
    "fractions": "use `Decimal` or integer arithmetic",
    "typing_extensions": "import from `typing` instead",
    "abc": "records have no methods or inheritance: use a union of records",
    "textwrap": "use string methods and slicing",
})

#: Hints for members of allowed modules that are not available.
MEMBER_HINTS: dict[str, str] = {
    "datetime.datetime": "only `date` and `timedelta` are available: no clock; pass the date in as an argument",
    "datetime.time": "only `date` and `timedelta` are available",
    "collections.deque": "use a list: `queue.append(x)` and `queue.pop(0)`, or an index into a list",
    "collections.namedtuple": "use a record: `@dataclass(frozen=True) class P: x: int`",
    "collections.OrderedDict": "use a dict: dicts keep insertion order",
    "functools.lru_cache": "memoize with a local dict, or compute bottom-up",
    "functools.cache": "memoize with a local dict, or compute bottom-up",
    "functools.partial": "use a lambda",
    "itertools.count": "use `range(...)` or a `while` loop",
    "itertools.cycle": "index with `i % len(xs)`",
    "itertools.repeat": "use `[x] * n`",
    "typing.Any": "name the type, or use a union such as `int | str`",
    "enum.IntEnum": "use `Enum` and compare `.value`",
    "enum.Flag": "use `Enum` or a set of enum members",
    "math.random": "Seglam is deterministic: pass the random choices in as an argument",
    "dataclasses.asdict": "build the dict explicitly: `{\"x\": p.x, \"y\": p.y}`",
    "dataclasses.astuple": "build the tuple explicitly: `(p.x, p.y)`",
    "dataclasses.fields": "name the fields explicitly",
}


def member_hint(module: str, member: str, available: frozenset[str]) -> str:
    """The hint for ``module.member``, which Seglam does not have: the written one, else the
    closest name it has, else what it has."""
    written = MEMBER_HINTS.get(f"{module}.{member}")
    if written is not None:
        return written
    public = sorted(n for n in available if not n.startswith("_"))
    close = difflib.get_close_matches(member, public, n=1, cutoff=0.8)
    if close:
        return f"did you mean `{module}.{close[0]}`?"
    shown = ", ".join(f"`{n}`" for n in public[:16]) + (", ..." if len(public) > 16 else "")
    return f"`{module}` in Seglam has {shown}" if public else f"`{module}` has nothing to import in Seglam"

#: Statements outside the subset: kind → (code, message, hint).
STATEMENTS: dict[str, Explained] = {
    "try": Explained("E-EXCEPTION", "`try` is not available: faults cannot be caught", "test with `if` first (e.g. `parse_int(s)` returns None instead of failing)"),
    "raise": Explained("E-EXCEPTION", "`raise` is not available: exceptions cannot be raised", "return a `T | None`, or use `assert` for a precondition"),
    "with": Explained("E-UNSUPPORTED", "`with` is not available: no files or resources in Seglam", NO_IO),
    "global": Explained("E-GLOBAL", "`global` is not available: no global state in Seglam", "pass the value in as an argument and return the new value"),
    "nonlocal": Explained("E-GLOBAL", "`nonlocal` is not available: closures capture read-only", "return the new value from the inner function"),
    "del": Explained("E-UNSUPPORTED", "`del` is not available", "use `d.pop(k)` / `xs.pop(i)`, or build a new collection without the item"),
    "yield": Explained("E-UNSUPPORTED", "generators are not available", "build and return a list"),
    "async": Explained("E-UNSUPPORTED", "`async` is not available", "write an ordinary function"),
    "type_alias": Explained("E-UNSUPPORTED", "`type` aliases are not available", "write the type out in each annotation"),
}

#: Expressions outside the subset.
EXPRESSIONS: dict[str, Explained] = {
    "yield": Explained("E-UNSUPPORTED", "generators are not available", "build and return a list"),
    "await": Explained("E-UNSUPPORTED", "`await` is not available", "write an ordinary function"),
    "complex": Explained("E-UNSUPPORTED", "complex numbers are not available", "use a pair of floats"),
    "bytes": Explained("E-UNSUPPORTED", "bytes literals are not available", "use a `str`"),
}

#: Methods that do not exist in Seglam but that an LLM may reach for.
METHOD_HINTS: dict[tuple[str, str], str] = {
    ("str", "format"): "use an f-string: `f\"{x}\"`",
    ("str", "encode"): "bytes are not available: work with `str` (`ord(c)` gives a code point)",
    ("dict", "fromkeys"): "use a dict comprehension: `{x: None for x in xs}` "
                          "(`list({x: None for x in xs})` drops repeats, keeping the first-seen order)",
    ("dict", "has_key"): "use `k in d`",
    ("dict", "iteritems"): "use `d.items()`",
    ("list", "sorted"): "use `sorted(xs)` or `xs.sort()`",
    ("list", "length"): "use `len(xs)`",
    ("str", "length"): "use `len(s)`",
    ("list", "add"): "lists have `append`",
    ("set", "append"): "sets have `add`",
    ("list", "push"): "use `xs.append(x)`",
    ("str", "contains"): "use `sub in s`",
    ("list", "join"): "join is a str method: `\",\".join(xs)`",
    ("tuple", "join"): "join is a str method: `\",\".join(xs)`",
    ("list", "len"): "use `len(xs)`",
    ("str", "len"): "use `len(s)`",
    ("dict", "contains"): "use `k in d`",
    ("list", "contains"): "use `x in xs`",
    ("str", "reverse"): "use `s[::-1]`",
    ("str", "sort"): "use `\"\".join(sorted(s))`",
    ("dict", "sort"): "use `sorted(d.items())`",
    ("set", "sort"): "use `sorted(s)`",
}

MUTATORS: dict[str, frozenset[str]] = {
    "list": frozenset({"append", "extend", "insert", "pop", "remove", "sort", "reverse", "clear"}),
    "dict": frozenset({"setdefault", "update", "pop", "popitem", "clear"}),
    "Counter": frozenset({"setdefault", "update", "subtract", "pop", "popitem", "clear"}),
    "set": frozenset({"add", "discard", "remove", "update", "pop", "clear", "intersection_update",
                      "difference_update", "symmetric_difference_update"}),
}


def import_hint(module: str) -> str:
    top = module.split(".")[0]
    hint = IMPORT_HINTS.get(top)
    return hint if hint else NO_IO


def is_dunder(name: str) -> bool:
    return len(name) > 4 and name.startswith("__") and name.endswith("__")
