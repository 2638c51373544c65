"""Annotations → types (``list[int]``, ``int | None``, ``Optional[Point]``, ``"Tree"``)."""

from __future__ import annotations

import dataclasses

from seglam.check import types as t
from seglam.check.env import ModuleEnv, Reporter
from seglam.check.typeops import hashable
from seglam.syntax import ast
from seglam.syntax.diagnostics import CheckError
from seglam.syntax.lower import parse


_BUILTIN_GENERICS = {"list": 1, "dict": 2, "set": 1, "tuple": -1}
_TYPING_GENERICS = {"List": "list", "Dict": "dict", "Set": "set", "Tuple": "tuple", "Sequence": "sequence",
                    "Mapping": "dict", "Iterable": "iterable", "FrozenSet": "set", "Iterator": "iterator"}


def qualified(expr: ast.Expr, env: ModuleEnv) -> str | None:
    """``typing.List`` / ``List`` (imported) → "typing.List"; builtins → their name."""
    if isinstance(expr, ast.Name):
        if expr.id in env.imports:
            return env.imports[expr.id]
        return expr.id
    if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
        module = env.imports.get(expr.value.id)
        if module is not None and "." not in module:
            return f"{module}.{expr.attr}"
    return None


class AnnotationResolver:
    """Resolves annotation expressions against the module's records, enums and imports."""

    def __init__(self, env: ModuleEnv, reporter: Reporter) -> None:
        self.env = env
        self.report = reporter

    def resolve(self, node: ast.Expr, use_index: int | None = None) -> t.Type:
        """The type an annotation denotes (ErrorType after reporting E-BAD-TYPE)."""
        return self._resolve(node, use_index, quoted=False)

    def _bad(self, node: ast.Expr, message: str, hint: str | None = None) -> t.Type:
        self.report.error("E-BAD-TYPE", message, node.span, hint)
        return t.ERROR

    def _resolve(self, node: ast.Expr, use_index: int | None, quoted: bool) -> t.Type:
        if isinstance(node, ast.Constant):
            if node.value is None:
                return t.NONE
            if isinstance(node.value, str):
                return self._quoted(node)
            return self._bad(node, f"{node.value!r} is not a type")
        if isinstance(node, ast.BinOp) and node.op == "|":
            return t.union(self._resolve(node.left, use_index, quoted), self._resolve(node.right, use_index, quoted))
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self._named(node, use_index, quoted)
        if isinstance(node, ast.Subscript):
            return self._generic(node, use_index, quoted)
        return self._bad(node, "this is not a type annotation", "write a type such as `int`, `list[str]` or `Point | None`")

    def _quoted(self, node: ast.Constant) -> t.Type:
        text = str(node.value).strip()
        try:
            module = parse(text + "\n", "<annotation>")
        except CheckError:
            return self._bad(node, f"{node.value!r} is not a type annotation")
        if len(module.body) != 1 or not isinstance(module.body[0], ast.ExprStmt):
            return self._bad(node, f"{node.value!r} is not a type annotation")
        inner = _respan(module.body[0].value, node)
        return self._resolve(inner, None, quoted=True)

    def _named(self, node: ast.Expr, use_index: int | None, quoted: bool) -> t.Type:
        name = node.id if isinstance(node, ast.Name) else None
        if name is not None:
            if name in self.env.records or name in self.env.enums:
                self._check_order(node, name, use_index, quoted)
                return t.RecordType(name) if name in self.env.records else t.EnumType(name)
            if name in self.env.aliases:
                self._check_order(node, name, use_index, quoted)
                return self.env.aliases[name]
            if name in ("int", "float", "str", "bool"):
                return t.PRIMITIVES[name]
            if name in _BUILTIN_GENERICS:
                return self._bad(node, f"`{name}` needs its element type", f"write `{_example(name)}`")
        if name is not None and name in self.env.imports:
            self._check_order(node, name, use_index, quoted)
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in self.env.imports:
            self._check_order(node.value, node.value.id, use_index, quoted)
        q = qualified(node, self.env)
        if q in ("decimal.Decimal",):
            return t.DECIMAL
        if q == "datetime.date":
            return t.DATE
        if q == "datetime.timedelta":
            return t.TIMEDELTA
        if q in ("typing.List", "typing.Dict", "typing.Set", "typing.Tuple", "typing.Sequence", "typing.Mapping",
                 "typing.Iterable", "typing.Iterator"):
            return self._bad(node, f"`{q.split('.')[1]}` needs its element type", "write e.g. `list[int]`")
        if q == "typing.Any" or name in ("Any", "object"):
            return self._bad(node, "Seglam has no `Any` type", "name the type, or use a union such as `int | str`")
        if name in ("Decimal", "date", "timedelta"):
            module = "decimal" if name == "Decimal" else "datetime"
            return self._bad(node, f"`{name}` is not imported", f"add `from {module} import {name}`")
        if name is not None and name in self.env.functions:
            return self._bad(node, f"`{name}` is a function, not a type")
        shown = name if name is not None else (q or "this")
        return self._bad(node, f"`{shown}` does not name a Seglam type",
                         "types are int, float, str, bool, None, Decimal, date, timedelta, list[T], dict[K, V], "
                         "set[T], tuple[...], records, enums and `X | None`")

    def _check_order(self, node: ast.Expr, name: str, use_index: int | None, quoted: bool) -> None:
        if quoted or use_index is None or self.env.future_annotations:
            return
        defined = self.env.order.get(name)
        if defined is not None and defined >= use_index:
            if name in self.env.imports:
                self.report.error("E-NAME", f"`{name}` is used before it is imported", node.span,
                                  "move the import to the top of the file")
                return
            self.report.error("E-NAME", f"`{name}` is used before its class is defined", node.span,
                              f"move `class {name}` above this line, or quote the annotation: `\"{name}\"`")

    def _generic(self, node: ast.Subscript, use_index: int | None, quoted: bool) -> t.Type:
        head = node.value
        args = node.index.elts if isinstance(node.index, ast.TupleExpr) else (node.index,)
        q = qualified(head, self.env)
        if isinstance(head, ast.Name) and head.id in _BUILTIN_GENERICS and head.id not in self.env.imports:
            kind = head.id
        elif q is not None and q.startswith("typing.") and q[7:] in _TYPING_GENERICS:
            kind = _TYPING_GENERICS[q[7:]]
        elif q == "collections.defaultdict":  # the checker types `defaultdict(int)` as a dict
            kind = "dict"
        elif q in ("typing.Optional",):
            if len(args) != 1:
                return self._bad(node, "`Optional` takes one type", "write `Optional[int]` or `int | None`")
            return t.optional(self._resolve(args[0], use_index, quoted))
        elif q == "typing.Union":
            return t.union(*(self._resolve(a, use_index, quoted) for a in args))
        elif q == "typing.Callable":
            return self._callable(node, args, use_index, quoted)
        elif q == "collections.Counter" or (q == "typing.Counter"):
            if len(args) != 1:
                return self._bad(node, "`Counter` takes one type")
            return t.CounterType(self._resolve(args[0], use_index, quoted))
        else:
            name = head.id if isinstance(head, ast.Name) else None
            typing_names = {"Optional": "`from typing import Optional`, or write `T | None`",
                            "List": "write `list[T]`", "Dict": "write `dict[K, V]`", "Set": "write `set[T]`",
                            "Tuple": "write `tuple[...]`", "Union": "write `A | B`",
                            "Callable": "`from typing import Callable`"}
            if name in typing_names:
                return self._bad(node, f"`{name}` is not imported", f"add {typing_names[name]}"
                                 if name in ("Optional", "Callable") else typing_names[name])
            return self._bad(node, "this is not a Seglam generic type", "use list[T], dict[K, V], set[T] or tuple[...]")
        if kind == "tuple":
            if len(args) == 2 and isinstance(args[1], ast.Constant) and args[1].value is ...:
                return t.TupleType((self._resolve(args[0], use_index, quoted),), True)
            if len(args) == 1 and isinstance(args[0], ast.TupleExpr) and not args[0].elts:
                return t.TupleType(())
            return t.TupleType(tuple(self._resolve(a, use_index, quoted) for a in args))
        want = 2 if kind == "dict" else 1
        if len(args) != want:
            return self._bad(node, f"`{kind}` takes {want} type argument{'s' if want > 1 else ''}", f"write `{_example(kind)}`")
        resolved = [self._resolve(a, use_index, quoted) for a in args]
        if kind == "list":
            return t.ListType(resolved[0])
        if kind == "set":
            self._check_hashable(resolved[0], args[0])
            return t.SetType(resolved[0])
        if kind == "iterator":
            return t.IteratorType(resolved[0])
        if kind == "iterable":
            return t.IterableType(resolved[0])
        if kind == "sequence":
            return t.SequenceType(resolved[0])
        self._check_hashable(resolved[0], args[0])
        return t.DictType(resolved[0], resolved[1])

    def _check_hashable(self, elem: t.Type, node: ast.Expr) -> None:
        if not hashable(elem):
            self.report.error("E-TYPE", f"`{elem.render()}` cannot be a set element or dict key (it is mutable)",
                              node.span, "use a tuple instead of a list, or a sorted tuple instead of a set")

    def _callable(self, node: ast.Subscript, args, use_index, quoted) -> t.Type:
        if len(args) != 2 or not isinstance(args[0], ast.ListExpr):
            return self._bad(node, "write Callable[[A, B], R]")
        params = tuple(self._resolve(a, use_index, quoted) for a in args[0].elts)
        return t.CallableType(params, self._resolve(args[1], use_index, quoted))


def _example(kind: str) -> str:
    return {"list": "list[int]", "dict": "dict[str, int]", "set": "set[str]", "tuple": "tuple[int, str]"}.get(kind, kind)


def _respan(expr, anchor: ast.Constant):
    """Give every node of a parsed string annotation the span of the string literal."""
    def fix(node):
        if isinstance(node, tuple):
            return tuple(fix(n) for n in node)
        if not hasattr(node, "__dataclass_fields__") or isinstance(node, ast.Span if hasattr(ast, "Span") else type(None)):
            return node
        changes = {}
        for f in dataclasses.fields(node):
            value = getattr(node, f.name)
            if f.name == "span":
                changes["span"] = anchor.span
            elif isinstance(value, tuple) or hasattr(value, "__dataclass_fields__"):
                if type(value).__name__ == "Span":
                    continue
                changes[f.name] = fix(value)
        return dataclasses.replace(node, **changes)

    return fix(expr)
