"""Module level: imports, records, enums, type aliases, function signatures, contracts,
constants and examples."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.checked import EnumInfo, FieldInfo, FunctionInfo, ParamInfo, RecordInfo
from seglam.check.env import State
from seglam.check.hints import MEMBER_HINTS, import_hint, is_dunder
from seglam.check.signatures import ALLOWED_MODULES, allowed_members
from seglam.check.typeops import assignable, is_bottom, join
from seglam.syntax import ast

_DECORATOR_HINTS = {
    "lru_cache": "memoize with a local dict, or compute bottom-up",
    "cache": "memoize with a local dict, or compute bottom-up",
    "staticmethod": "write a module-level function",
    "classmethod": "write a module-level function",
    "property": "write a function that takes the record",
}


class DeclMixin:
    """Module-level checking; ``self`` is the checker."""

    # ---- imports -------------------------------------------------------------------------------

    def import_bindings(self, node) -> list[tuple[str, str | None]]:
        """(local name, qualified stdlib name) for each name an import binds; E-IMPORT otherwise."""
        out: list[tuple[str, str | None]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.split(".")[0]
                if alias.name in ALLOWED_MODULES:
                    out.append((local, alias.name))
                    continue
                top = alias.name.split(".")[0]
                if top in ALLOWED_MODULES:
                    self.report.error("E-IMPORT", f"`{alias.name}` is not part of the Seglam standard library", alias.span,
                                      f"use `import {top}`")
                else:
                    self.report.error("E-IMPORT", f"`{alias.name}` is not available in Seglam", alias.span,
                                      import_hint(alias.name))
                out.append((local, None))
            return out
        module = node.module or ""
        if node.level:
            self.report.error("E-IMPORT", "relative imports are not available: a Seglam program is one file", node.span,
                              "define everything in this file")
            return [(a.asname or a.name, None) for a in node.names]
        if module == "__future__":
            for alias in node.names:
                if alias.name == "annotations":
                    self.env.future_annotations = True
                else:
                    self.report.error("E-IMPORT", f"`from __future__ import {alias.name}` is not available", alias.span)
            return []
        if module not in ALLOWED_MODULES:
            self.report.error("E-IMPORT", f"`{module}` is not available in Seglam", node.span, import_hint(module))
            return [(a.asname or a.name, None) for a in node.names]
        if not node.names:
            self.report.error("E-IMPORT", "`import *` is not available", node.span,
                              f"import the names you use: `from {module} import name`")
            return []
        allowed = allowed_members(module)
        for alias in node.names:
            local = alias.asname or alias.name
            if alias.name in allowed:
                out.append((local, f"{module}.{alias.name}"))
            else:
                hint = MEMBER_HINTS.get(f"{module}.{alias.name}")
                self.report.error("E-IMPORT", f"`{module}.{alias.name}` is not available in Seglam", alias.span, hint)
                out.append((local, None))
        return out

    # ---- the module ----------------------------------------------------------------------------

    def check_module(self, module: ast.Module):
        env = self.env
        classes: list[tuple[int, ast.ClassDef]] = []
        functions: list[tuple[int, ast.FunctionDef]] = []
        constants: list[tuple[int, object]] = []
        examples: list[ast.Assert] = []
        defined: dict[str, ast.Node] = {}
        others: dict[int, object] = {}
        for i, stmt in enumerate(module.body):
            if isinstance(stmt, (ast.Import, ast.ImportFrom)):
                for local, qual in self.import_bindings(stmt):
                    if qual is not None:
                        env.imports[local] = qual
                    else:
                        env.failed_imports.add(local)   # already reported: no E-NAME at each use
                    env.order.setdefault(local, i)
            elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
                if stmt.name in defined:
                    self.report.error("E-REDEFINED", f"`{stmt.name}` is defined twice", stmt.name_span or stmt.span,
                                      "rename one of them")
                    continue
                if is_dunder(stmt.name):
                    self.report.error("E-REFLECTION", "dunder names are not available", stmt.name_span or stmt.span)
                defined[stmt.name] = stmt
                env.order[stmt.name] = i
                (classes if isinstance(stmt, ast.ClassDef) else functions).append((i, stmt))
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                name = self._constant_name(stmt)
                if name is None:
                    continue
                if name in defined:
                    self.report.error("E-REDEFINED", f"`{name}` is defined twice", stmt.span,
                                      "module constants are assigned once")
                    continue
                defined[name] = stmt
                env.order[name] = i
                constants.append((i, stmt))
            elif isinstance(stmt, ast.Assert):
                examples.append(stmt)
            else:
                others[id(stmt)] = stmt
        for i, node in classes:   # names first: fields, aliases and annotations may refer to any class
            if any(self._qual(b) == "enum.Enum" for b in node.bases):
                env.enums[node.name] = EnumInfo(node.name, (), node)
            else:
                env.records[node.name] = RecordInfo(node.name, (), node)
        self._declare_aliases(constants)
        for i, node in classes:
            self.declare_class(node, i)
        for i, node in functions:
            env.functions[node.name] = self.declare_function(node, i)
        self.check_record_defaults()
        # Constants and examples run top to bottom, as CPython runs the module.
        st = State({}, set())
        examples_set = {id(e) for e in examples}
        for i, stmt in enumerate(module.body):
            self.fn.stmt_index = i
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(stmt is c for _, c in constants):
                self._constant_value(stmt)
            elif id(stmt) in examples_set:
                self.cond(stmt.test, st.copy())
                if stmt.msg is not None:
                    self.value(stmt.msg, st)
            elif isinstance(stmt, ast.FunctionDef) and stmt.name in env.functions:
                for p in stmt.params:
                    if p.default is not None:
                        self._param_default(p, env.functions[stmt.name])
            elif id(stmt) in others:
                self._module_statement_error(stmt)
        self.fn.stmt_index = 10**9
        for i, node in functions:
            info = env.functions.get(node.name)
            if info is None or info.node is not node:
                continue
            self.check_contracts(info)
            params = [(p.name, p.type) for p in info.params]
            params += [(p.name, t.ERROR) for p in node.params if p.kind in ("var_positional", "var_keyword")]
            self.check_function(node, params, info.returns, None, None)
        return examples

    def _constant_name(self, stmt) -> str | None:
        targets = stmt.targets if isinstance(stmt, ast.Assign) else (stmt.target,)
        if len(targets) != 1 or not isinstance(targets[0], ast.Name):
            self.report.error("E-CONSTANT", "a module constant is assigned to one name", stmt.span,
                              "write one constant per line: `A = 1`")
            return None
        if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
            self.report.error("E-CONSTANT", f"module constant `{targets[0].id}` has no value", stmt.span)
            return None
        name = targets[0].id
        if is_dunder(name):
            self.report.error("E-REFLECTION", "dunder names are not available", stmt.span)
            return None
        return name

    def _module_statement_error(self, stmt) -> None:
        if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
            self.report.error("E-REFLECTION", "`__name__` is not available: Seglam has no `if __name__ == \"__main__\":`",
                              stmt.test.span, "remove this block: the host calls your function (e.g. `main`) directly")
            for inner in stmt.body:
                if isinstance(inner, ast.ExprStmt):
                    self.value(inner.value, State({}, set()))
            return
        if isinstance(stmt, ast.Unsupported):
            self._s_Unsupported(stmt, State({}, set()))
            return
        if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
            word = {ast.Return: "'return' outside function", ast.Break: "'break' outside loop",
                    ast.Continue: "'continue' not properly in loop"}[type(stmt)]
            self.report.error("E-SYNTAX", word, stmt.span)
            return
        if isinstance(stmt, ast.AugAssign):
            self.report.error("E-CONSTANT", "module constants cannot be changed", stmt.span,
                              "compute the final value in one expression, or inside a function")
            return
        if isinstance(stmt, ast.ExprStmt):
            before = self.report.count()
            self.value(stmt.value, State({}, set()))
            if self.report.count() > before:
                return
        self.report.error("E-UNSUPPORTED", "only imports, constants, functions, classes and example `assert`s are "
                          "allowed at module level", stmt.span, "move this code into a function")

    # ---- constants and aliases -----------------------------------------------------------------

    def _declare_aliases(self, constants) -> None:
        for i, stmt in constants:
            if isinstance(stmt, ast.Assign) and self._is_type_expr(stmt.value):
                name = stmt.targets[0].id
                self.env.aliases[name] = self.resolver.resolve(stmt.value, i)

    def _is_type_expr(self, node) -> bool:
        env = self.env
        if isinstance(node, ast.Name):
            return node.id in env.records or node.id in env.enums or node.id in env.aliases
        if isinstance(node, ast.BinOp) and node.op == "|":
            sides = (node.left, node.right)
            return all(self._is_type_expr(s) or _is_basic_type(s) for s in sides) and any(self._is_type_expr(s) for s in sides)
        if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
            head = node.value.id
            qual = env.imports.get(head, head)
            return qual in ("list", "dict", "set", "tuple", "typing.Optional", "typing.Union", "typing.List",
                            "typing.Dict", "typing.Set", "typing.Tuple", "typing.Callable")
        return False

    def _constant_value(self, stmt) -> None:
        name = (stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target).id
        if name in self.env.aliases:
            return
        st = State({}, set())
        self.in_constant = True
        try:
            self._typed_constant(stmt, name, st)
        finally:
            self.in_constant = False

    def _typed_constant(self, stmt, name: str, st: State) -> None:
        if isinstance(stmt, ast.AnnAssign):
            declared = self.resolver.resolve(stmt.annotation, self.fn.stmt_index)
            got = self.value(stmt.value, st, declared)
            if not assignable(got, declared):
                self.report.error("E-TYPE", f"constant `{name}` is `{declared.render()}` but its value is `{got.render()}`",
                                  stmt.value.span)
            ty = declared
            self.types[id(stmt.target)] = ty
        else:
            ty = self.value(stmt.value, st)
            self.types[id(stmt.targets[0])] = ty
            if isinstance(ty, (t.CallableType, t.BuiltinFnType, t.BoundMethodType, t.FunctionRefType, t.ClassRefType,
                               t.ModuleType, t.LambdaRefType)):
                self.report.error("E-CONSTANT", f"module constant `{name}` must be a value, not a function or class",
                                  stmt.value.span, "write a `def` with annotated parameters instead"
                                  if isinstance(ty, t.LambdaRefType) else "call the function where you need it")
                ty = t.ERROR
            elif isinstance(ty, t.IteratorType):
                self.report.error("E-CONSTANT", f"module constant `{name}` is a one-shot iterator", stmt.value.span,
                                  "make it a list: `list(...)`")
                ty = t.ERROR
        self.env.constants[name] = ty

    def _param_default(self, p: ast.Param, info: FunctionInfo) -> None:
        want = next((q.type for q in info.params if q.name == p.name), t.ERROR)
        self.in_constant = True
        try:
            got = self.value(p.default, State({}, set()), want)
        finally:
            self.in_constant = False
        if not assignable(got, want):
            self.report.error("E-TYPE", f"default of `{p.name}` is `{got.render()}`, not `{want.render()}`", p.default.span)

    # ---- classes -------------------------------------------------------------------------------

    def declare_class(self, node: ast.ClassDef, index: int) -> None:
        # Bases and decorators run when the class is created: they must be defined above it.
        for expr in node.bases + node.decorators:
            root = expr.func if isinstance(expr, ast.Call) else expr
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and self.env.order.get(root.id, -1) >= index:
                self.report.error("E-NAME", f"`{root.id}` is used before it is defined", root.span,
                                  f"move the definition or import of `{root.id}` above this class")
        quals = [self._qual(b) for b in node.bases]
        if any(q == "enum.Enum" for q in quals):
            if len(node.bases) > 1 or node.keywords:
                self.report.error("E-CLASS", "an enum derives from `Enum` only", node.span, "write `class Color(Enum):`")
            for d in node.decorators:
                self.report.error("E-CLASS", "enums take no decorators", d.span)
            self._declare_enum(node)
            return
        for b, q in zip(node.bases, quals):
            if isinstance(b, ast.Name) and b.id in self.env.failed_imports:
                continue
            if q in ("enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"):
                self.report.error("E-CLASS", f"`{q.split('.')[1]}` is not available", b.span, "derive from `Enum`")
            else:
                self.report.error("E-CLASS", "classes cannot inherit in Seglam", b.span,
                                  "for a family of records use a union: `Shape = Circle | Square`")
        frozen, order, found = False, False, False
        for d in node.decorators:
            call = d if isinstance(d, ast.Call) else None
            q = self._qual(call.func if call else d)
            if q != "dataclasses.dataclass":
                self.report.error("E-CLASS", "only `@dataclass(frozen=True)` is allowed on a class", d.span)
                continue
            if found:
                self.report.error("E-CLASS", "`@dataclass` is applied twice", d.span, "keep one `@dataclass(frozen=True)`")
                continue
            found = True
            for k in call.keywords if call else ():
                value = k.value.value if isinstance(k.value, ast.Constant) else None
                if k.name == "frozen":
                    frozen = value is True
                elif k.name == "order":
                    order = value is True
                elif k.name in ("eq", "slots"):
                    if k.name == "eq" and value is not True:
                        self.report.error("E-CLASS", "records always compare by value", k.span, "remove `eq=False`")
                else:
                    self.report.error("E-CLASS", f"`{k.name}=` is not available on records", k.span)
        if not found and not node.bases:
            self.report.error("E-CLASS", f"class `{node.name}` must be a `@dataclass(frozen=True)` record or an `Enum`",
                              node.name_span or node.span,
                              "records hold data only: write `@dataclass(frozen=True)` with annotated fields, "
                              "and functions that take the record")
        elif not frozen:
            self.report.error("E-CLASS", f"record `{node.name}` must be immutable", node.name_span or node.span,
                              "use `@dataclass(frozen=True)`")
        self._declare_record(node, index, order)

    def _qual(self, node) -> str | None:
        from seglam.check.annotations import qualified

        return qualified(node, self.env)

    def _declare_record(self, node: ast.ClassDef, index: int, order: bool) -> None:
        fields: list[FieldInfo] = []
        seen_default = False
        self.env.records[node.name] = RecordInfo(node.name, (), node, order)
        for stmt in node.body:
            if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
                name = stmt.target.id
                if is_dunder(name):
                    self.report.error("E-REFLECTION", "dunder names are not available", stmt.target.span)
                    continue
                if any(f.name == name for f in fields):
                    self.report.error("E-REDEFINED", f"field `{name}` is declared twice", stmt.target.span)
                    continue
                ty = self.resolver.resolve(stmt.annotation, index)
                if stmt.value is not None:
                    seen_default = True
                elif seen_default:
                    self.report.error("E-CLASS", f"field `{name}` without a default follows a field with one", stmt.span,
                                      "put fields with defaults last")
                fields.append(FieldInfo(name, ty, stmt.value))
            elif isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.ExprStmt) and isinstance(stmt.value, ast.Constant)):
                continue
            elif isinstance(stmt, ast.FunctionDef):
                if stmt.name == "__init__":
                    hint = (f"records get their constructor from their fields: `@dataclass(frozen=True)` and "
                            f"`class {node.name}:` with lines like `n: int = 0`")
                else:
                    hint = f"write a function that takes the record: `def {stmt.name}(r: {node.name}, ...) -> ...:`"
                self.report.error("E-CLASS", f"records hold data only: `{node.name}` cannot have method `{stmt.name}`",
                                  stmt.name_span or stmt.span, hint)
            elif isinstance(stmt, ast.Assign):
                self.report.error("E-ANNOTATION", "a record field needs a type annotation", stmt.span,
                                  "write `name: int = 0`")
            else:
                self.report.error("E-CLASS", "a record body holds only annotated fields", stmt.span)
        self.env.records[node.name] = RecordInfo(node.name, tuple(fields), node, order)
        self._pending_defaults.append((index, node.name))

    def check_record_defaults(self) -> None:
        for index, name in self._pending_defaults:
            info = self.env.records[name]
            self.fn.stmt_index = index
            for f in info.fields:
                if f.default is None:
                    continue
                self._in_record_field = True
                try:
                    got = self.value(f.default, State({}, set()), f.type)
                finally:
                    self._in_record_field = False
                is_factory = isinstance(f.default, ast.Call)
                if isinstance(got, (t.ListType, t.DictType, t.SetType)) and not is_factory:
                    self.report.error("E-TYPE", f"field `{f.name}` has a mutable default", f.default.span,
                                      f"use `field(default_factory={type(got).__name__[:-4].lower()})`")
                elif not assignable(got, f.type):
                    self.report.error("E-TYPE", f"default of field `{f.name}` is `{got.render()}`, not `{f.type.render()}`",
                                      f.default.span)
        self.fn.stmt_index = 10**9

    def _declare_enum(self, node: ast.ClassDef) -> None:
        members: list[tuple[str, object]] = []
        value_type: t.Type = t.NEVER
        next_auto = 1
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                name = stmt.targets[0].id
                if is_dunder(name) or name.startswith("_"):
                    self.report.error("E-CLASS", "enum member names cannot start with `_`", stmt.span)
                    continue
                if name in ("name", "value"):
                    self.report.error("E-CLASS", f"an enum member cannot be called `{name}`", stmt.span)
                    continue
                value, ty = self._enum_value(stmt.value, next_auto)
                if value is None:
                    continue
                if any(m[0] == name for m in members):
                    self.report.error("E-REDEFINED", f"enum member `{name}` is defined twice", stmt.span)
                    continue
                if any(m[1] == value and type(m[1]) is type(value) for m in members):
                    self.report.error("E-REDEFINED", f"enum member `{name}` repeats the value {value!r}", stmt.value.span,
                                      "give every member a distinct value, or use `auto()`")
                    continue
                if isinstance(value, int) and not isinstance(value, bool):
                    next_auto = value + 1
                members.append((name, value))
                value_type = join(value_type, ty)
                self.types[id(stmt.value)] = ty
            elif isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.ExprStmt) and isinstance(stmt.value, ast.Constant)):
                continue
            elif isinstance(stmt, ast.FunctionDef):
                self.report.error("E-CLASS", f"enums cannot have methods: `{stmt.name}`", stmt.name_span or stmt.span,
                                  f"write a function that takes the member: `def {stmt.name}(c: {node.name}) -> ...:`")
            else:
                self.report.error("E-CLASS", "an enum body holds only `NAME = value` members", stmt.span)
        if not members:
            self.report.error("E-CLASS", f"enum `{node.name}` has no members", node.name_span or node.span)
        self.env.enums[node.name] = EnumInfo(node.name, tuple(members), node,
                                             value_type if not isinstance(value_type, t.NeverType) else t.INT)

    def _enum_value(self, node, next_auto: int):
        if isinstance(node, ast.Constant) and isinstance(node.value, (int, str, float)) and node.value is not ...:
            v = node.value
            return v, (t.BOOL if isinstance(v, bool) else t.INT if isinstance(v, int) else t.STR if isinstance(v, str) else t.FLOAT)
        if isinstance(node, ast.UnaryOp) and node.op == "-" and isinstance(node.operand, ast.Constant) \
                and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
            return -node.operand.value, (t.INT if isinstance(node.operand.value, int) else t.FLOAT)
        if isinstance(node, ast.Call) and not node.args and not node.keywords and self._qual(node.func) == "enum.auto":
            self.types[id(node)] = t.INT
            return next_auto, t.INT
        self.report.error("E-TYPE", "an enum member value must be a literal (int or str) or `auto()`", node.span)
        return None, None

    # ---- functions -----------------------------------------------------------------------------

    def signature_types(self, node: ast.FunctionDef, index: int | None = None):
        params: list[tuple[str, t.Type]] = []
        for p in node.params:
            if is_dunder(p.name):
                self.report.error("E-REFLECTION", "dunder names are not available", p.span)
            if p.kind in ("var_positional", "var_keyword"):
                star = "*" if p.kind == "var_positional" else "**"
                self.report.error("E-UNSUPPORTED", f"`{star}{p.name}` parameters are not available", p.span,
                                  "take a list (or a dict) parameter instead")
                params.append((p.name, t.ERROR))
                continue
            if p.annotation is None:
                self.report.error("E-ANNOTATION", f"parameter `{p.name}` of `{node.name}` needs a type annotation", p.span,
                                  f"write `{p.name}: int` (or the type it holds)")
                params.append((p.name, t.ERROR))
                continue
            params.append((p.name, self.resolver.resolve(p.annotation, index)))
        if node.returns is None:
            self.report.error("E-ANNOTATION", f"`{node.name}` needs a return type annotation", node.name_span or node.span,
                              "add `-> T` after the parameters (`-> None` if it returns nothing)")
            returns: t.Type = t.ERROR
        else:
            returns = self.resolver.resolve(node.returns, index)
        if node.is_async:
            self.report.error("E-UNSUPPORTED", "`async` functions are not available", node.span, "write an ordinary function")
        return params, returns

    def declare_function(self, node: ast.FunctionDef, index: int) -> FunctionInfo:
        params, returns = self.signature_types(node, index)
        types = dict(params)
        infos = tuple(ParamInfo(p.name, types.get(p.name, t.ERROR), p.default, p.kind)
                      for p in node.params if p.kind not in ("var_positional", "var_keyword"))
        requires: list[ast.Lambda] = []
        ensures: list[ast.Lambda] = []
        for d in node.decorators:
            kind = None
            if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id in ("requires", "ensures") \
                    and d.func.id not in self.env.functions:
                kind = d.func.id
            if kind is None:
                name = d.func if isinstance(d, ast.Call) else d
                if isinstance(name, ast.Name) and name.id in self.env.failed_imports:
                    continue   # the import already explained it
                q = self._qual(name) or ""
                short = q.split(".")[-1]
                self.report.error("E-UNSUPPORTED", f"decorator `{short or 'this'}` is not available", d.span,
                                  _DECORATOR_HINTS.get(short, "Seglam functions take only `@requires` / `@ensures`"))
                continue
            if len(d.args) != 1 or d.keywords or not isinstance(d.args[0], ast.Lambda):
                self.report.error("E-CONTRACT", f"`@{kind}` takes one lambda", d.span,
                                  f"write `@{kind}(lambda x: x > 0)`")
                continue
            (requires if kind == "requires" else ensures).append(d.args[0])
        leading = 0
        for stmt in node.body:
            if not isinstance(stmt, ast.Assert):
                break
            leading += 1
        if node.name.startswith("prop_") and not is_bottom(returns) and returns != t.BOOL:
            self.report.error("E-CONTRACT", f"property `{node.name}` must return `bool`, not `{returns.render()}`",
                              node.returns.span if node.returns else node.span, "declare `-> bool`")
        return FunctionInfo(node.name, node, infos, returns, tuple(requires), tuple(ensures), leading)

    def check_contracts(self, info: FunctionInfo) -> None:
        types = {p.name: p.type for p in info.params}
        for kind, lambdas in (("requires", info.requires), ("ensures", info.ensures)):
            allowed = dict(types)
            if kind == "ensures":
                allowed["result"] = info.returns
            for lam in lambdas:
                param_types = []
                for p in lam.params:
                    if p.name not in allowed:
                        names = ", ".join(allowed)
                        self.report.error("E-CONTRACT", f"`{p.name}` is not a parameter of `{info.name}`", p.span,
                                          f"the lambda's parameters name the function's ({names})"
                                          + ("" if kind == "requires" else "; `result` is the return value"))
                    if p.default is not None or p.kind != "normal":
                        self.report.error("E-CONTRACT", "contract lambda parameters are plain names", p.span)
                    param_types.append(allowed.get(p.name, t.ERROR))
                got = self.lambda_with(lam, param_types, State({}, set()))
                if not is_bottom(got.ret) and got.ret != t.BOOL:
                    self.report.error("E-CONTRACT", f"a @{kind} condition must be a bool, not `{got.ret.render()}`",
                                      lam.body.span, "write a comparison, e.g. `len(xs) > 0`")


def _is_main_guard(test) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def _is_basic_type(node) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id in ("int", "str", "float", "bool"))
