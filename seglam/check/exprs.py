"""Expression typing: names, attributes, items, operators, displays, comprehensions, lambdas."""

from __future__ import annotations

import difflib

from seglam.check import types as t
from seglam.check.env import State
from seglam.check.hints import EXPRESSIONS, FORBIDDEN_NAMES, MEMBER_HINTS, METHOD_HINTS, is_dunder
from seglam.check.operators import arith, comparable_order, unary
from seglam.check.signatures import MODULE_TYPES, SPECIAL_MEMBERS, KeysViewType, ValuesViewType, table
from seglam.check.typeops import as_dict, assignable, can_be_equal, hashable, is_bottom, iter_elem, join
from seglam.check.narrowing import falsy_part as _falsy_part
from seglam.check.scope import walrus_names
from seglam.syntax import ast


def show(node) -> str:
    """Short source-like text for a message (`x`, `p.next`, `d.get(...)`)."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        inner = show(node.value)
        return f"{inner}.{node.attr}" if inner != "this value" else node.attr
    if isinstance(node, ast.Call):
        return f"{show(node.func)}(...)"
    if isinstance(node, ast.Subscript):
        return f"{show(node.value)}[...]"
    if isinstance(node, ast.Constant):
        return repr(node.value)
    return "this value"




class ExprMixin:
    """Typing of expressions; ``self`` is the :class:`~seglam.check.checker.Checker`."""

    # ---- entry ---------------------------------------------------------------------------------

    def expr(self, node, st: State, expected: t.Type | None = None) -> t.Type:
        method = getattr(self, "_x_" + type(node).__name__, None)
        if method is None:
            self.report.error("E-UNSUPPORTED", "this expression is not supported here", node.span)
            result: t.Type = t.ERROR
        else:
            result = method(node, st, expected)
        self.types[id(node)] = result
        return result

    def value(self, node, st: State, expected: t.Type | None = None, what: str | None = None) -> t.Type:
        """An expression whose value is used: module/function/class references are errors."""
        ty = self.expr(node, st, expected)
        if isinstance(ty, t.ModuleType):
            self.report.error("E-TYPE", f"module `{ty.name}` cannot be used as a value", node.span)
            return t.ERROR
        if isinstance(ty, t.FunctionRefType):
            info = self.env.functions.get(ty.name)
            if info is None:
                return t.ERROR
            return t.CallableType(tuple(p.type for p in info.params), info.returns)
        return ty

    def non_optional(self, ty: t.Type, node, what: str | None = None) -> t.Type:
        """Report E-OPTIONAL when ``ty`` may be None; continue with the non-None part."""
        if t.is_optional(ty):
            name = what or show(node)
            subject = f"`{name}`" if name != "this value" else "this value"
            self.report.error(
                "E-OPTIONAL", f"{subject} may be None here (its type is `{ty.render()}`)", node.span,
                f"check first: `if {name} is not None:`" if name != "this value" else
                "check for None first (`if x is not None:`), or give a default: `d.get(k, 0)`")
            return t.strip_none(ty)
        if ty == t.NONE:
            self.report.error("E-OPTIONAL", f"`{show(node)}` is always None here", node.span)
            return t.ERROR
        return ty

    # ---- leaves --------------------------------------------------------------------------------

    def _x_Constant(self, node: ast.Constant, st, expected):
        v = node.value
        if v is None:
            return t.NONE
        if isinstance(v, bool):
            return t.BOOL
        if isinstance(v, int):
            return t.INT
        if isinstance(v, float):
            return t.FLOAT
        if isinstance(v, str):
            return t.STR
        if v is ...:
            self.report.error("E-UNSUPPORTED", "`...` is only allowed in `tuple[T, ...]`", node.span,
                              "write the code, or `pass`")
            return t.ERROR
        return t.ERROR

    def _x_UnsupportedExpr(self, node: ast.UnsupportedExpr, st, expected):
        info = EXPRESSIONS.get(node.kind)
        if info is None:
            self.report.error("E-UNSUPPORTED", f"`{node.kind}` is not available in Seglam", node.span)
        else:
            self.report.error(info.code, info.message, node.span, info.hint)
        return t.ERROR

    def _x_JoinedStr(self, node: ast.JoinedStr, st, expected):
        for piece in node.values:
            if isinstance(piece, ast.FormattedValue):
                self.expr(piece, st)
        return t.STR

    def _x_FormattedValue(self, node: ast.FormattedValue, st, expected):
        ty = self.value(node.value, st)
        if isinstance(ty, (t.CallableType, t.BuiltinFnType, t.BoundMethodType, t.ClassRefType)):
            self.report.error("E-TYPE", "a function cannot be formatted", node.value.span, "call it: `f(x)`")
        if node.format_spec is not None:
            self.expr(node.format_spec, st)
            self._check_format_spec(node, ty)
        return t.STR

    def _check_format_spec(self, node: ast.FormattedValue, ty: t.Type) -> None:
        """`f"{x:>8.2f}"`: a spec only formats numbers, strings and dates (TypeError otherwise)."""
        if is_bottom(ty) or node.conversion is not None or not isinstance(node.format_spec, ast.JoinedStr):
            return
        pieces = node.format_spec.values
        literal = "".join(p for p in pieces if isinstance(p, str)) if all(isinstance(p, str) for p in pieces) else None
        if literal == "":
            return
        for o in t.options(ty):
            if o not in (t.INT, t.FLOAT, t.BOOL, t.STR, t.DECIMAL, t.DATE):
                self.report.error("E-TYPE", f"a format spec cannot format a `{o.render()}`", node.value.span,
                                  f"convert it first: `{{str({show(node.value)})}}`" if show(node.value) != "this value"
                                  else "convert it first with `str(...)`")
                return
        if literal is None or not literal or not (literal[-1].isalpha() or literal[-1] == "%"):
            return
        kind = literal[-1]
        numbers = (t.INT, t.FLOAT, t.BOOL, t.DECIMAL)
        need = None
        if kind in "eEfFgG%":
            need = numbers
        elif kind in "dxXobcn":
            need = (t.INT, t.BOOL)
        elif kind == "s":
            need = (t.STR,)
        if need is not None and any(o not in need and o not in (t.DATE, t.TIMEDELTA) for o in t.options(ty)):
            self.report.error("E-TYPE", f"format code `{kind}` cannot format a `{ty.render()}`", node.value.span,
                              "use `int(x)` for `d`, a number for `f`, or drop the type letter")

    def _x_Starred(self, node: ast.Starred, st, expected):
        self.report.error("E-UNSUPPORTED", "a starred expression is not allowed here", node.span,
                          "write the elements out, or concatenate: `xs + ys`")
        self.expr(node.value, st)
        return t.ERROR

    def _x_Slice(self, node: ast.Slice, st, expected):
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                self.check_int(part, st, "a slice bound")
        return t.ERROR

    def check_int(self, node, st, what: str) -> None:
        ty = self.value(node, st)
        if ty == t.NONE:
            return
        ty = self.non_optional(ty, node) if what != "a slice bound" else t.strip_none(ty)
        if not assignable(ty, t.INT):
            hint = None
            if ty == t.FLOAT:
                hint = "use `//` for integer division, or convert with `int(x)`"
            elif ty == t.STR:
                hint = "convert with `int(s)`"
            self.report.error("E-TYPE", f"{what} must be an int, not `{ty.render()}`", node.span, hint)

    # ---- names ---------------------------------------------------------------------------------

    def _x_Name(self, node: ast.Name, st, expected):
        return self.lookup(node.id, node, st)

    def lookup(self, name: str, node, st: State) -> t.Type:
        ctx = self.fn
        for depth in range(len(ctx.scopes) - 1, -1, -1):
            scope = ctx.scopes[depth]
            if name in scope:
                narrowed = st.vars.get(f"{name}#{depth}") if st is not None else None
                if narrowed is None and st is not None and name in self.walrus_in.get(id(scope), ()):
                    self.report.error("E-NAME", f"`{name}` is read before `:=` assigns it in this lambda", node.span,
                                      "assign it first, on every path that reads it")
                    return t.ERROR
                return narrowed if narrowed is not None else scope[name]
        if ctx.kind == "function" and name in ctx.locals:
            if st is not None and name in st.vars:
                return st.vars[name]
            self._unbound(name, node, ctx)
            return ctx.declared.get(name, t.ERROR) if not is_bottom(ctx.declared.get(name, t.ERROR)) else t.ERROR
        parent = ctx.parent
        closure = ctx.closure
        while parent is not None:
            for scope in reversed(parent.scopes):
                if name in scope:
                    return scope[name]
            if parent.kind == "function" and name in parent.locals:
                if closure is not None and name in closure.vars:
                    return parent.declared.get(name, closure.vars[name])
                if name in getattr(parent, "defs", ()):
                    return parent.declared.get(name, t.ERROR)
                self.report.error("E-NAME", f"`{name}` may be used before assignment", node.span,
                                  f"assign `{name}` before the nested function is defined")
                return t.ERROR
            closure = parent.closure
            parent = parent.parent
        return self.global_name(name, node)

    def _unbound(self, name: str, node, ctx) -> None:
        hint = f"give `{name}` a value on every path before this line (e.g. before the `if` or loop)"
        if name in getattr(ctx, "loop_vars", ()):
            hint = f"a loop variable is unbound when the loop runs zero times: set `{name}` before the loop"
        self.report.error("E-NAME", f"`{name}` may be used before assignment", node.span, hint)

    def global_name(self, name: str, node) -> t.Type:
        env = self.env
        if is_dunder(name):
            self.report.error("E-REFLECTION", f"`{name}` is not available: no dunder names in Seglam", node.span)
            return t.ERROR
        known = (name in env.functions or name in env.records or name in env.enums or name in env.constants
                 or name in env.imports)
        if known and self.fn.kind == "module":
            defined = env.order.get(name)
            if defined is not None and defined >= self.fn.stmt_index:
                self.report.error("E-NAME", f"`{name}` is used before it is defined", node.span,
                                  f"move this line below the definition of `{name}`")
                return t.ERROR
        if name in env.functions:
            return t.FunctionRefType(name)
        if name in env.records:
            return t.ClassRefType(t.RecordType(name))
        if name in env.enums:
            return t.ClassRefType(t.EnumType(name))
        if name in env.constants:
            return env.constants[name]
        if name in env.imports:
            return self.qualified_type(env.imports[name], node)
        if name in env.failed_imports:
            return t.ERROR
        if name in table().builtins:
            return t.BuiltinFnType(name)
        info = FORBIDDEN_NAMES.get(name)
        if info is not None:
            self.report.error(info.code, info.message, node.span, info.hint)
            return t.ERROR
        if name in ("Decimal", "date", "timedelta", "math", "re", "dataclass", "replace", "Enum"):
            module = {"Decimal": "decimal", "date": "datetime", "timedelta": "datetime", "dataclass": "dataclasses",
                      "replace": "dataclasses", "Enum": "enum"}.get(name)
            hint = f"add `import {name}`" if module is None else f"add `from {module} import {name}`"
            self.report.error("E-NAME", f"`{name}` is not defined", node.span, hint)
            return t.ERROR
        candidates = list(env.functions) + list(env.records) + list(env.enums) + list(env.constants) + list(env.imports)
        candidates += list(self.fn.locals) + list(table().builtins)
        for scope in self.fn.scopes:
            candidates += list(scope)
        close = difflib.get_close_matches(name, candidates, n=1)
        self.report.error("E-NAME", f"`{name}` is not defined", node.span, f"did you mean `{close[0]}`?" if close else None)
        return t.ERROR

    def qualified_type(self, qual: str, node) -> t.Type:
        """The type of an imported name (``math`` → module, ``math.sqrt`` → function)."""
        if "." not in qual:
            return t.ModuleType(qual)
        module, member = qual.split(".", 1)
        return self.module_member(module, member, node)

    def module_member(self, module: str, member: str, node) -> t.Type:
        tab = table()
        if is_dunder(member):
            self.report.error("E-REFLECTION", f"`{member}` is not available: no dunder names in Seglam", node.span)
            return t.ERROR
        if member in tab.module_functions.get(module, {}):
            return t.BuiltinFnType(f"{module}.{member}")
        if member in tab.module_values.get(module, {}):
            return tab.module_values[module][member]
        if member in MODULE_TYPES.get(module, {}):
            return t.ClassRefType(t.PRIMITIVES[MODULE_TYPES[module][member]])
        if member in SPECIAL_MEMBERS.get(module, ()):
            if module == "typing":
                self.report.error("E-TYPE", f"`{member}` can only be used in annotations", node.span)
                return t.ERROR
            return t.BuiltinFnType(f"{module}.{member}")
        hint = MEMBER_HINTS.get(f"{module}.{member}")
        self.report.error("E-ATTR", f"module `{module}` has no member `{member}` in Seglam", node.span, hint)
        return t.ERROR

    # ---- attributes ----------------------------------------------------------------------------

    def _x_Attribute(self, node: ast.Attribute, st, expected):
        if is_dunder(node.attr):
            base = self.expr(node.value, st)
            if not isinstance(base, t.ErrorType):
                self.report.error("E-REFLECTION", f"`{node.attr}` is not available: no dunder attributes in Seglam",
                                  node.span, "use `isinstance(x, T)` or `match` to tell types apart")
            return t.ERROR
        path = self.path_of(node)
        if path is not None and st is not None and path in st.vars:
            self.expr(node.value, st)
            return st.vars[path]
        base = self.expr(node.value, st)
        return self.attribute_of(base, node, st)

    def attribute_of(self, base: t.Type, node: ast.Attribute, st) -> t.Type:
        attr = node.attr
        if is_bottom(base):
            return t.ERROR if isinstance(base, t.ErrorType) else base
        if isinstance(base, t.ModuleType):
            return self.module_member(base.name, attr, node)
        if isinstance(base, t.ClassRefType):
            return self._class_attribute(base.target, node)
        if isinstance(base, t.BuiltinFnType):
            return self._builtin_type_attribute(base.qualname, node)
        if isinstance(base, (t.FunctionRefType, t.CallableType, t.BoundMethodType)):
            self.report.error("E-ATTR", f"a function has no attribute `{attr}`", node.span)
            return t.ERROR
        if t.is_optional(base) or base == t.NONE:
            base = self.non_optional(base, node.value)
            if isinstance(base, t.ErrorType):
                return base
        if isinstance(base, t.UnionType):
            results = []
            for option in base.options:
                r = self._attribute_of_one(option, node, quiet=True)
                if r is None:
                    self.report.error("E-ATTR", f"`{option.render()}` has no attribute `{attr}` (the value is `{base.render()}`)",
                                      node.span, "narrow it first with `isinstance(x, T)` or a `match`")
                    return t.ERROR
                results.append(r)
            return t.union(*results) if not any(isinstance(r, t.BoundMethodType) for r in results) else t.BoundMethodType(base, attr)
        r = self._attribute_of_one(base, node, quiet=False)
        return r if r is not None else t.ERROR

    def _attribute_of_one(self, base: t.Type, node: ast.Attribute, quiet: bool) -> t.Type | None:
        attr = node.attr
        if isinstance(base, t.RecordType):
            info = self.env.records.get(base.name)
            field = info.field(attr) if info else None
            if field is not None:
                return field.type
            if not quiet:
                names = [f.name for f in info.fields] if info else []
                close = difflib.get_close_matches(attr, names, n=1)
                self.report.error("E-ATTR", f"record `{base.name}` has no field `{attr}`", node.span,
                                  f"did you mean `{close[0]}`?" if close else
                                  "records hold data only: write a function that takes the record")
            return None
        if isinstance(base, t.EnumType):
            info = self.env.enums.get(base.name)
            if attr == "name":
                return t.STR
            if attr == "value":
                return info.value_type if info and info.value_type else t.INT
            if not quiet:
                hint = None
                if info and attr in info.member_names:
                    hint = f"write `{base.name}.{attr}`"
                self.report.error("E-ATTR", f"an enum member has only `.name` and `.value`, not `{attr}`", node.span, hint)
            return None
        kind = receiver_kind(base)
        if kind is not None:
            tab = table()
            if attr in tab.methods.get(kind, {}) or (kind == "Counter" and attr in tab.methods["dict"]):
                return t.BoundMethodType(base, attr)
            if attr in tab.attributes.get(kind, {}):
                return tab.attributes[kind][attr]
            if not quiet:
                hint = METHOD_HINTS.get((kind, attr))
                if hint is None and kind in ("list", "set", "tuple") and attr in tab.methods["str"]:
                    hint = f"`{attr}` is a str method: apply it to each item: `[s.{attr}() for s in ...]`"
                if hint is None:
                    names = list(tab.methods.get(kind, {})) + list(tab.attributes.get(kind, {}))
                    close = difflib.get_close_matches(attr, names, n=1)
                    hint = f"did you mean `{close[0]}`?" if close else None
                self.report.error("E-ATTR", f"`{base.render()}` has no attribute `{attr}`", node.span, hint)
            return None
        if not quiet:
            self.report.error("E-ATTR", f"`{base.render()}` has no attribute `{attr}`", node.span)
        return None

    def _class_attribute(self, target: t.Type, node: ast.Attribute) -> t.Type:
        attr = node.attr
        if isinstance(target, t.EnumType):
            info = self.env.enums[target.name]
            if attr in info.member_names:
                return target
            close = difflib.get_close_matches(attr, info.member_names, n=1)
            self.report.error("E-ATTR", f"enum `{target.name}` has no member `{attr}`", node.span,
                              f"did you mean `{target.name}.{close[0]}`?" if close else None)
            return t.ERROR
        if isinstance(target, t.RecordType):
            self.report.error("E-ATTR", f"record class `{target.name}` has no attribute `{attr}`", node.span,
                              "read fields from a record value: `p.x`")
            return t.ERROR
        if isinstance(target, t.PrimType):
            members = table().type_members.get(target.name, {})
            if attr in members and attr != target.name:
                return t.BuiltinFnType(f"{target.name}.{attr}")
            if target == t.DATE and attr == "today":
                self.report.error("E-IO", "`date.today()` is not available: no clock in Seglam", node.span,
                                  "pass today's date in as an argument")
                return t.ERROR
        self.report.error("E-ATTR", f"`{target.render()}` has no attribute `{attr}`", node.span)
        return t.ERROR

    def _builtin_type_attribute(self, qualname: str, node: ast.Attribute) -> t.Type:
        """``str.lower`` and friends: an unbound method as a one-argument function."""
        kind = {"str": "str", "list": "list", "dict": "dict", "set": "set"}.get(qualname)
        sigs = table().methods.get(kind, {}).get(node.attr) if kind else None
        if kind == "str" and sigs:
            sig = sigs[0]
            required = [p for p in sig.params if not p.has_default]
            if not required:
                return t.CallableType((t.STR,), sig.ret)
        hint = "use a lambda: `key=lambda s: s.lower()`" if kind else None
        if qualname == "itertools.chain" and node.attr == "from_iterable":
            hint = "flatten with a comprehension: `[x for xs in xss for x in xs]`"
        self.report.error("E-ATTR", f"`{qualname}.{node.attr}` is not available", node.span, hint)
        return t.ERROR

    def path_of(self, node) -> str | None:
        """``x`` / ``x.f.g`` for a local (narrowable) name and record fields below it."""
        if isinstance(node, ast.Name):
            ctx = self.fn
            for depth in range(len(ctx.scopes) - 1, -1, -1):
                if node.id in ctx.scopes[depth]:
                    return f"{node.id}#{depth}"
            return node.id if ctx.kind == "function" and node.id in ctx.locals else None
        if isinstance(node, ast.Attribute) and not is_dunder(node.attr):
            inner = self.path_of(node.value)
            return f"{inner}.{node.attr}" if inner is not None else None
        return None

    # ---- subscripts ----------------------------------------------------------------------------

    def _x_Subscript(self, node: ast.Subscript, st, expected):
        base = self.value(node.value, st)
        return self.subscript_of(base, node, st)

    def subscript_of(self, base: t.Type, node: ast.Subscript, st) -> t.Type:
        if isinstance(base, t.BuiltinFnType) and base.qualname in ("list", "dict", "set", "tuple"):
            self.report.error("E-TYPE", "a type cannot be used as a value here", node.span,
                              "to make an empty typed list write `xs: list[int] = []`")
            return t.ERROR
        if is_bottom(base):
            if isinstance(node.index, ast.Slice):
                self.expr(node.index, st)
            else:
                self.value(node.index, st)
            return base
        base = self.non_optional(base, node.value)
        if isinstance(node.index, ast.Slice):
            self.expr(node.index, st)
            if base == t.STR or isinstance(base, t.ListType):
                return base
            if isinstance(base, t.TupleType):
                return t.TupleType((t.union(*base.elems),), True) if (base.elems and not base.variadic) else base
            if base == t.RANGE:
                return base
            self.report.error("E-TYPE", f"`{base.render()}` cannot be sliced", node.span)
            return t.ERROR
        d = as_dict(base)
        if d is not None:
            key = self.value(node.index, st)
            if not assignable(key, d.key) and not is_bottom(d.key):
                self.report.error("E-TYPE", f"dict key must be `{d.key.render()}`, not `{key.render()}`", node.index.span)
            return d.value
        if base == t.STR or isinstance(base, t.ListType) or base == t.RANGE:
            self.check_int(node.index, st, "an index")
            return t.STR if base == t.STR else (t.INT if base == t.RANGE else base.elem)
        if isinstance(base, t.TupleType):
            index = node.index
            self.check_int(index, st, "a tuple index")
            if base.variadic:
                return base.elems[0]
            const = _int_literal(index)
            if const is not None:
                n = len(base.elems)
                if -n <= const < n:
                    return base.elems[const]
                self.report.error("E-TYPE", f"tuple index {const} is out of range for `{base.render()}`", index.span)
                return t.ERROR
            return t.union(*base.elems) if base.elems else t.ERROR
        if isinstance(base, t.ClassRefType) and isinstance(base.target, t.EnumType):
            key = self.value(node.index, st)
            if not assignable(key, t.STR):
                self.report.error("E-TYPE", f"an enum is indexed by member name (a str), not `{key.render()}`",
                                  node.index.span, f"to look a member up by value write `{base.target.name}(value)`")
            return base.target
        if isinstance(base, t.UnionType):
            self.value(node.index, st)
            self.report.error("E-TYPE", f"cannot index a value of type `{base.render()}`", node.span,
                              "narrow it first with `isinstance` or `match`")
            return t.ERROR
        if isinstance(node.index, ast.Slice):
            self.expr(node.index, st)
        else:
            self.value(node.index, st)
        hint = None
        if isinstance(base, (t.SetType, KeysViewType, ValuesViewType)):
            hint = "convert first: `list(...)` or `sorted(...)`"
        elif isinstance(base, (t.IteratorType,)):
            hint = "convert first: `list(...)`"
        self.report.error("E-TYPE", f"`{base.render()}` cannot be indexed", node.span, hint)
        return t.ERROR

    # ---- operators -----------------------------------------------------------------------------

    def _x_BinOp(self, node: ast.BinOp, st, expected):
        left = self.value(node.left, st)
        right = self.value(node.right, st)
        if node.op == "%" and left == t.STR:
            return self._percent_format(node, right)
        return self.binop_result(node.op, left, right, node, node.left, node.right)

    def _percent_format(self, node: ast.BinOp, right: t.Type) -> t.Type:
        from seglam.check.percent import check_args, conversions

        hint = "use an f-string: `f\"{n} items at {price:.1f}\"`"
        if not (isinstance(node.left, ast.Constant) and isinstance(node.left.value, str)):
            self.report.error("E-UNSUPPORTED", "`%` formatting needs a literal format string", node.span, hint)
            return t.ERROR
        letters = conversions(node.left.value)
        problem = letters if isinstance(letters, str) else check_args(letters, right)
        if problem is not None:
            self.report.error("E-TYPE", f"`%` formatting: {problem}", node.span, hint)
            return t.ERROR
        return t.STR

    def binop_result(self, op, left, right, node, lnode, rnode) -> t.Type:
        if op == "@":
            self.report.error("E-UNSUPPORTED", "`@` (matrix multiplication) is not available", node.span)
            return t.ERROR
        if t.is_optional(left) or left == t.NONE:
            left = self.non_optional(left, lnode)
        if t.is_optional(right) or right == t.NONE:
            right = self.non_optional(right, rnode)
        result = arith(op, left, right, rnode)
        if result is None:
            hint = None
            method = next((x for x in (left, right) if isinstance(x, t.BoundMethodType)), None)
            if method is not None:
                n = lnode if method is left else rnode
                hint = f"`{show(n)}` is a method: call it: `{show(n)}()`"
            elif t.STR in (left, right) and op == "+" and t.options(left) != t.options(right):
                hint = "convert with `str(x)`, or use an f-string: `f\"{a}{b}\"`"
            elif (left == t.FLOAT or right == t.FLOAT) and t.DECIMAL in (left, right):
                hint = "Decimal does not mix with float: use `Decimal(\"0.1\")`"
            elif isinstance(left, t.UnionType) or isinstance(right, t.UnionType):
                hint = "narrow the value first with `isinstance(x, T)`"
            self.report.error("E-TYPE", f"unsupported operand types for `{op}`: `{left.render()}` and `{right.render()}`",
                              node.span, hint)
            return t.ERROR
        return result

    def _x_UnaryOp(self, node: ast.UnaryOp, st, expected):
        if node.op == "not":
            self.cond(node.operand, st)
            return t.BOOL
        operand = self.value(node.operand, st)
        if t.is_optional(operand):
            operand = self.non_optional(operand, node.operand)
        result = unary(node.op, operand)
        if result is None:
            self.report.error("E-TYPE", f"unsupported operand type for unary `{node.op}`: `{operand.render()}`", node.span)
            return t.ERROR
        return result

    def _x_BoolOp(self, node: ast.BoolOp, st, expected):
        current = st
        parts: list[t.Type] = []
        for i, value in enumerate(node.values):
            last = i == len(node.values) - 1
            if last:
                parts.append(self.value(value, current if current is not None else st.copy()))
                break
            yes, no = self.cond(value, current if current is not None else st.copy())
            ty = self.types.get(id(value), t.ERROR)
            parts.append(_falsy_part(ty) if node.op == "and" else t.strip_none(ty) if not is_bottom(ty) else ty)
            current = yes if node.op == "and" else no
        if all(p == t.BOOL for p in parts):
            return t.BOOL
        return t.union(*parts)

    def _x_Compare(self, node: ast.Compare, st, expected):
        left_node = node.left
        left = self.value(left_node, st)
        for op, right_node in zip(node.ops, node.comparators):
            right = self.value(right_node, st)
            self.check_compare(op, left, right, left_node, right_node, node)
            left, left_node = right, right_node
        return t.BOOL

    def check_compare(self, op, left, right, lnode, rnode, node) -> None:
        if is_bottom(left) or is_bottom(right):
            return
        if op in ("is", "is not"):
            literal = any(_value_literal(n) for n in (lnode, rnode))
            if literal or not (left == t.NONE or right == t.NONE or _singleton(left) or _singleton(right)):
                self.report.error("E-TYPE", f"`{op}` compares identity; use `{'==' if op == 'is' else '!='}` to compare values",
                                  node.span, f"write `{'==' if op == 'is' else '!='}`; `is` is only for `None` (and enum members)")
            return
        if op in ("in", "not in"):
            container = right
            if t.is_optional(container):
                container = self.non_optional(container, rnode)
            if container == t.STR:
                if not assignable(left, t.STR):
                    self.report.error("E-TYPE", f"`in <str>` needs a str on the left, not `{left.render()}`", node.span)
                return
            d = as_dict(container)
            elem = d.key if d is not None else iter_elem(container)
            if elem is None:
                self.report.error("E-TYPE", f"`{container.render()}` does not support `in`", rnode.span)
            elif (d is not None or isinstance(container, (t.SetType, KeysViewType))) and not hashable(left):
                self.report.error("E-TYPE", f"`{left.render()}` cannot be looked up in a `{container.render()}` "
                                  "(it is mutable, so never a key)", lnode.span, "use a tuple instead of a list")
            # A value of another type is simply never found (no error: Python allows it).
            return
        if op in ("==", "!="):
            if not can_be_equal(left, right) and not (t.NONE in t.options(left) or t.NONE in t.options(right)):
                self.report.error("E-TYPE", f"comparing `{left.render()}` with `{right.render()}` is always "
                                  f"{'False' if op == '==' else 'True'}", node.span,
                                  "convert one side first (e.g. `int(s)` or `str(n)`)")
            return
        for side, n in ((left, lnode), (right, rnode)):
            if t.is_optional(side) or side == t.NONE:
                self.non_optional(side, n)
        left, right = t.strip_none(left), t.strip_none(right)
        if not comparable_order(left, right, self.ordered_records()):
            hint = None
            if any(isinstance(o, t.RecordType) for o in t.options(left) + t.options(right)):
                hint = "records are ordered only with `@dataclass(frozen=True, order=True)`; or compare a field"
            elif any(isinstance(o, t.EnumType) for o in t.options(left) + t.options(right)):
                hint = "compare the members' `.value`"
            self.report.error("E-TYPE", f"`{op}` is not supported between `{left.render()}` and `{right.render()}`",
                              node.span, hint)

    def ordered_records(self) -> frozenset[str]:
        return frozenset(name for name, info in self.env.records.items() if info.order)

    def _x_IfExp(self, node: ast.IfExp, st, expected):
        yes, no = self.cond(node.test, st)
        a = self.value(node.body, yes if yes is not None else st.copy(), expected)
        b = self.value(node.orelse, no if no is not None else st.copy(), expected)
        return join(a, b)

    def _x_NamedExpr(self, node: ast.NamedExpr, st, expected):
        ty = self.value(node.value, st)
        if self.lambda_walrus:  # as in Python, `:=` in a lambda binds a variable of that lambda
            return self.lambda_named(node, ty, st)
        if any(node.target.id in s for s in self.fn.scopes):
            self.report.error("E-SYNTAX", "assignment expression cannot rebind a comprehension or lambda variable",
                              node.span, "use a new name")
            return ty
        if self.fn.kind != "function":
            self.report.error("E-UNSUPPORTED", "`:=` is only allowed inside functions", node.span)
            return ty
        self.bind_name(node.target.id, ty, st, node.target, node.value)
        self.types[id(node.target)] = ty
        return ty

    def lambda_named(self, node: ast.NamedExpr, ty, st):
        name = node.target.id
        depth, names = self.lambda_walrus[-1]
        if name not in names or any(name in s for s in self.fn.scopes[depth + 1:]):
            self.report.error("E-SYNTAX", "assignment expression cannot rebind a comprehension or lambda variable",
                              node.span, "use a new name")
            return ty
        scope = self.fn.scopes[depth]
        scope[name] = join(scope[name], ty)
        st.vars[f"{name}#{depth}"] = ty
        self.types[id(node.target)] = ty
        return ty

    # ---- displays ------------------------------------------------------------------------------

    def _elements(self, elts, st, expected_elem) -> t.Type:
        elem: t.Type = t.NEVER
        for e in elts:
            if isinstance(e, ast.Starred):
                inner = self.value(e.value, st)
                it = iter_elem(inner)
                if it is None:
                    self.report.error("E-TYPE", f"cannot unpack `{inner.render()}` with `*`", e.span)
                    it = t.ERROR
                self.types[id(e)] = inner
                elem = join(elem, it)
            else:
                elem = join(elem, self.value(e, st, expected_elem))
        return elem

    def _x_ListExpr(self, node: ast.ListExpr, st, expected):
        exp = expected.elem if isinstance(expected, t.ListType) else None
        elem = self._elements(node.elts, st, exp)
        if exp is not None and assignable(elem, exp):
            return t.ListType(exp)
        return t.ListType(elem)

    def _x_SetExpr(self, node: ast.SetExpr, st, expected):
        exp = expected.elem if isinstance(expected, t.SetType) else None
        elem = self._elements(node.elts, st, exp)
        self.require_hashable(elem, node)
        if exp is not None and assignable(elem, exp):
            return t.SetType(exp)
        return t.SetType(elem)

    def _x_TupleExpr(self, node: ast.TupleExpr, st, expected):
        if any(isinstance(e, ast.Starred) for e in node.elts):
            return t.TupleType((self._elements(node.elts, st, None),), True)
        exp = expected.elems if isinstance(expected, t.TupleType) and not expected.variadic and len(expected.elems) == len(node.elts) else None
        elems = tuple(self.value(e, st, exp[i] if exp else None) for i, e in enumerate(node.elts))
        return t.TupleType(elems)

    def _x_DictExpr(self, node: ast.DictExpr, st, expected):
        ek = expected.key if isinstance(expected, t.DictType) else None
        ev = expected.value if isinstance(expected, t.DictType) else None
        key: t.Type = t.NEVER
        value: t.Type = t.NEVER
        for k, v in zip(node.keys, node.values):
            if k is None:
                other = self.value(v, st)
                d = as_dict(other)
                if d is None:
                    if not is_bottom(other):
                        self.report.error("E-TYPE", f"`**` needs a dict, not `{other.render()}`", v.span)
                    continue
                key, value = join(key, d.key), join(value, d.value)
                continue
            key = join(key, self.value(k, st, ek))
            value = join(value, self.value(v, st, ev))
        self.require_hashable(key, node)
        if ek is not None and ev is not None and assignable(key, ek) and assignable(value, ev):
            return t.DictType(ek, ev)
        return t.DictType(key, value)

    def require_hashable(self, elem: t.Type, node) -> None:
        if not hashable(elem):
            self.report.error("E-TYPE", f"`{elem.render()}` cannot be a set element or dict key (it is mutable)",
                              node.span, "use a tuple instead of a list (`tuple(xs)`), or a sorted tuple instead of a set")

    # ---- comprehensions ------------------------------------------------------------------------

    def comprehension_scope(self, generators, st: State) -> tuple[dict, State]:
        scope: dict[str, t.Type] = {}
        self.fn.scopes.append(scope)
        current = st.copy()
        for gen in generators:
            it = self.value(gen.iter, current)
            elem = self.iter_elem_or_error(it, gen.iter)
            elem = self.check_dict_unpack(gen.target, it, elem, gen.iter)
            self.bind_scope_target(gen.target, elem, scope, current)
            for cond in gen.ifs:
                yes, _ = self.cond(cond, current)
                current = yes if yes is not None else current
        return scope, current

    def check_dict_unpack(self, target, it: t.Type, elem: t.Type, iter_node) -> t.Type:
        """`for k, v in d:` iterates over keys only: explain it once, at the loop."""
        if (isinstance(target, (ast.TupleExpr, ast.ListExpr)) and len(target.elts) == 2 and as_dict(it) is not None
                and not isinstance(elem, t.TupleType) and not is_bottom(elem)):
            name = show(iter_node)
            self.report.error("E-TYPE", "looping over a dict gives its keys only", iter_node.span,
                              f"for keys and values write `{name}.items()`" if name != "this value"
                              else "for keys and values use `.items()`")
            return t.ERROR
        return elem

    def iter_elem_or_error(self, it: t.Type, node) -> t.Type:
        if t.is_optional(it):
            it = self.non_optional(it, node)
        elem = iter_elem(it)
        if elem is None:
            hint = "use `range(n)` to loop over numbers" if it in (t.INT, t.FLOAT) else None
            if isinstance(it, t.RecordType):
                hint = "records are not iterable: loop over one of its fields"
            self.report.error("E-TYPE", f"`{it.render()}` is not iterable", node.span, hint)
            return t.ERROR
        return elem

    def bind_scope_target(self, target, elem: t.Type, scope: dict, st: State) -> None:
        depth = len(self.fn.scopes) - 1
        for name, ty, node in self.destructure(target, elem):
            scope[name] = ty
            st.vars.pop(f"{name}#{depth}", None)
            if node is not None:
                self.types[id(node)] = ty

    def destructure(self, target, ty: t.Type):
        """(name, type, name node) for each name bound by assigning ``ty`` to ``target``."""
        if isinstance(target, ast.Name):
            return [(target.id, ty, target)]
        if isinstance(target, (ast.TupleExpr, ast.ListExpr)):
            out = []
            self.types[id(target)] = ty
            elts = target.elts
            star = [i for i, e in enumerate(elts) if isinstance(e, ast.Starred)]
            if isinstance(ty, t.TupleType) and not ty.variadic and not star:
                if len(ty.elems) != len(elts):
                    self.report.error("E-TYPE", f"cannot unpack `{ty.render()}` into {len(elts)} names", target.span)
                    parts = [t.ERROR] * len(elts)
                else:
                    parts = list(ty.elems)
            else:
                if t.is_optional(ty):
                    ty = self.non_optional(ty, target)
                elem = iter_elem(ty)
                if elem is None:
                    self.report.error("E-TYPE", f"cannot unpack `{ty.render()}`", target.span)
                    elem = t.ERROR
                if isinstance(ty, t.TupleType) and not ty.variadic and star:
                    elem = t.union(*ty.elems) if ty.elems else t.NEVER
                parts = [t.ListType(elem) if isinstance(e, ast.Starred) else elem for e in elts]
            for e, part in zip(elts, parts):
                inner = e.value if isinstance(e, ast.Starred) else e
                out.extend(self.destructure(inner, part))
                self.types[id(e)] = part
            return out
        if isinstance(target, ast.Starred):
            return self.destructure(target.value, ty)
        self.report.error("E-UNSUPPORTED", "a loop or comprehension variable must be a name or a tuple of names", target.span)
        return []

    def _comp(self, node, st, elt_fn):
        scope, inner = self.comprehension_scope(node.generators, st)
        try:
            return elt_fn(inner)
        finally:
            self.fn.scopes.pop()
            # A walrus inside binds in the function; it may or may not have run.
            for name in walrus_names(node):
                if name in st.vars and self.fn.kind == "function":
                    st.vars[name] = self.fn.declared.get(name, st.vars[name])

    def _x_ListComp(self, node: ast.ListComp, st, expected):
        return t.ListType(self._comp(node, st, lambda s: self.value(node.elt, s)))

    def _x_SetComp(self, node: ast.SetComp, st, expected):
        elem = self._comp(node, st, lambda s: self.value(node.elt, s))
        self.require_hashable(elem, node)
        return t.SetType(elem)

    def _x_GeneratorExp(self, node: ast.GeneratorExp, st, expected):
        return t.IteratorType(self._comp(node, st, lambda s: self.value(node.elt, s)))

    def _x_DictComp(self, node: ast.DictComp, st, expected):
        def both(s):
            return self.value(node.key, s), self.value(node.value, s)

        k, v = self._comp(node, st, both)
        self.require_hashable(k, node)
        return t.DictType(k, v)

    # ---- lambdas -------------------------------------------------------------------------------

    def _x_Lambda(self, node: ast.Lambda, st, expected):
        params = node.params
        bad = [p for p in params if p.kind in ("var_positional", "var_keyword") or p.default is not None]
        if bad:
            self.report.error("E-UNSUPPORTED", "lambda parameters cannot have defaults or `*`/`**`", bad[0].span,
                              "write a def with annotated parameters")
        if isinstance(expected, t.CallableType) and len(expected.params) == len(params):
            types = list(expected.params)
        else:
            if expected is None and not bad:
                # Typed at each call, with the argument types there (`square = lambda x: x * x`),
                # in the scopes where it was written.
                self.lambdas[id(node)] = (node, list(self.fn.scopes), st.copy())
                if not params:
                    self.lambda_with(node, [], st)
                return t.LambdaRefType(id(node))
            if bad:
                self.lambda_with(node, [t.ERROR] * len(params), st)
                return t.ERROR
            if expected is None:
                pass
            elif isinstance(expected, t.CallableType):
                self.report.error("E-ARGS", f"this lambda takes {len(params)} parameter(s); "
                                  f"{len(expected.params)} expected here", node.span)
            types = [t.ERROR] * len(params)
        return self.lambda_with(node, types, st)

    def lambda_with(self, node: ast.Lambda, param_types, st) -> t.CallableType:
        scope = {p.name: ty for p, ty in zip(node.params, param_types)}
        for p in node.params:
            if is_dunder(p.name):
                self.report.error("E-REFLECTION", "dunder names are not available", p.span)
        self.fn.scopes.append(scope)
        inner = st.copy()
        depth = len(self.fn.scopes) - 1
        targets = frozenset(walrus_names(node.body)) - set(scope)  # `:=` targets are the lambda's own
        for name in targets:
            scope[name] = t.NEVER
        for name in scope:
            inner.vars.pop(f"{name}#{depth}", None)
        self.lambda_depth += 1
        self.lambda_walrus.append((depth, targets))
        self.walrus_in[id(scope)] = targets
        try:
            ret = self.value(node.body, inner)
        finally:
            self.lambda_depth -= 1
            self.lambda_walrus.pop()
            del self.walrus_in[id(scope)]
            self.fn.scopes.pop()
        result = t.CallableType(tuple(param_types), ret)
        self.types[id(node)] = result
        return result

def _int_literal(node) -> int | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, int) and not isinstance(node.value, bool):
        return node.value
    if isinstance(node, ast.UnaryOp) and node.op == "-" and isinstance(node.operand, ast.Constant):
        v = node.operand.value
        if isinstance(v, int) and not isinstance(v, bool):
            return -v
    return None


def _value_literal(node) -> bool:
    """A literal whose identity is meaningless (`x is 1`, `x is "a"`, `x is []`)."""
    if isinstance(node, ast.Constant):
        return node.value is not None and node.value is not True and node.value is not False and node.value is not ...
    return isinstance(node, (ast.ListExpr, ast.DictExpr, ast.SetExpr, ast.TupleExpr, ast.JoinedStr, ast.ListComp,
                             ast.DictComp, ast.SetComp))


def _singleton(ty: t.Type) -> bool:
    return isinstance(ty, t.EnumType) or ty == t.BOOL


def receiver_kind(ty: t.Type) -> str | None:
    """Which method table applies to a value of type ``ty``."""
    if ty == t.STR:
        return "str"
    if isinstance(ty, t.ListType):
        return "list"
    if isinstance(ty, t.CounterType):
        return "Counter"
    if isinstance(ty, t.DictType):
        return "dict"
    if isinstance(ty, t.SetType):
        return "set"
    if isinstance(ty, t.TupleType):
        return "tuple"
    if isinstance(ty, t.MatchType):
        return "Match"
    if isinstance(ty, t.PatternType):
        return "Pattern"
    if ty in (t.DATE, t.TIMEDELTA, t.DECIMAL):
        return ty.name
    return None
