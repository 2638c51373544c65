"""Module level: imports, records, enums, type aliases, the functions' declarations and contracts,
constants and examples."""

from __future__ import annotations

from seglam.check import types as t
from seglam.check.annotations import qualified
from seglam.check.checked import EnumInfo, FieldInfo, FunctionInfo, RecordInfo
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.functions import check_default, check_function, param_infos, signature_types
from seglam.check.hints import is_dunder
from seglam.check.imports import import_bindings
from seglam.check.lambdas import lambda_with
from seglam.check.narrowing import cond
from seglam.check.prelude import prelude_length
from seglam.check.stmts import unsupported
from seglam.check.typeops import assignable, is_bottom, join
from seglam.check.values import value
from seglam.syntax import ast


_DECORATOR_HINTS = {
    "lru_cache": "memoize with a local dict, or compute bottom-up",
    "cache": "memoize with a local dict, or compute bottom-up",
    "staticmethod": "write a module-level function",
    "classmethod": "write a module-level function",
    "property": "write a function that takes the record",
}


def check_module(cx: Context, module: ast.Module):
    env = cx.env
    classes: list[tuple[int, ast.ClassDef]] = []
    functions: list[tuple[int, ast.FunctionDef]] = []
    constants: list[tuple[int, object]] = []
    examples: list[ast.Assert] = []
    defined: dict[str, ast.Node] = {}
    others: dict[int, object] = {}
    for i, stmt in enumerate(module.body):
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            for local, qual in import_bindings(cx, stmt):
                if qual is not None:
                    env.imports[local] = qual
                else:
                    env.failed_imports.add(local)   # already reported: no E-NAME at each use
                env.order.setdefault(local, i)
        elif isinstance(stmt, (ast.ClassDef, ast.FunctionDef)):
            if stmt.name in defined:
                cx.report.error("E-REDEFINED", f"`{stmt.name}` is defined twice", stmt.name_span or stmt.span,
                                "rename one of them")
                continue
            if is_dunder(stmt.name):
                cx.report.error("E-REFLECTION", "dunder names are not available", stmt.name_span or stmt.span)
            defined[stmt.name] = stmt
            env.order[stmt.name] = i
            (classes if isinstance(stmt, ast.ClassDef) else functions).append((i, stmt))
        elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
            name = _constant_name(cx, stmt)
            if name is None:
                continue
            if name in defined:
                cx.report.error("E-REDEFINED", f"`{name}` is defined twice", stmt.span,
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
        if any(_qual(cx, b) == "enum.Enum" for b in node.bases):
            env.enums[node.name] = EnumInfo(node.name, (), node)
        else:
            env.records[node.name] = RecordInfo(node.name, (), node)
    _declare_aliases(cx, constants)
    for i, node in classes:
        declare_class(cx, node, i)
    for i, node in functions:
        env.functions[node.name] = declare_function(cx, node, i)
    check_record_defaults(cx)
    # Constants and examples run top to bottom, as CPython runs the module.
    st = State({}, set())
    examples_set = {id(e) for e in examples}
    for i, stmt in enumerate(module.body):
        cx.fn.stmt_index = i
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and any(stmt is c for _, c in constants):
            _constant_value(cx, stmt)
        elif id(stmt) in examples_set:
            cond(cx, stmt.test, st.copy())
            if stmt.msg is not None:
                value(cx, stmt.msg, st)
        elif isinstance(stmt, ast.FunctionDef) and stmt.name in env.functions:
            for p in stmt.params:
                if p.default is not None:
                    _param_default(cx, p, env.functions[stmt.name])
        elif id(stmt) in others:
            _module_statement_error(cx, stmt)
    cx.fn.stmt_index = 10**9
    for i, node in functions:
        info = env.functions.get(node.name)
        if info is None or info.node is not node:
            continue
        check_contracts(cx, info)
        params = [(p.name, p.type) for p in info.params]
        params += [(p.name, t.ERROR) for p in node.params if p.kind in ("var_positional", "var_keyword")]
        check_function(cx, node, params, info.returns, None, None)
    return examples


def _constant_name(cx: Context, stmt) -> str | None:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else (stmt.target,)
    if len(targets) != 1 or not isinstance(targets[0], ast.Name):
        cx.report.error("E-CONSTANT", "a module constant is assigned to one name", stmt.span,
                        "write one constant per line: `A = 1`")
        return None
    if isinstance(stmt, ast.AnnAssign) and stmt.value is None:
        cx.report.error("E-CONSTANT", f"module constant `{targets[0].id}` has no value", stmt.span)
        return None
    name = targets[0].id
    if is_dunder(name):
        cx.report.error("E-REFLECTION", "dunder names are not available", stmt.span)
        return None
    return name


def _module_statement_error(cx: Context, stmt) -> None:
    if isinstance(stmt, ast.If) and _is_main_guard(stmt.test):
        cx.report.error("E-REFLECTION", "`__name__` is not available: Seglam has no `if __name__ == \"__main__\":`",
                        stmt.test.span, "remove this block: the host calls your function (e.g. `main`) directly")
        for inner in stmt.body:
            if isinstance(inner, ast.ExprStmt):
                value(cx, inner.value, State({}, set()))
        return
    if isinstance(stmt, ast.Unsupported):
        unsupported(cx, stmt, State({}, set()))
        return
    if isinstance(stmt, (ast.Return, ast.Break, ast.Continue)):
        word = {ast.Return: "'return' outside function", ast.Break: "'break' outside loop",
                ast.Continue: "'continue' not properly in loop"}[type(stmt)]
        cx.report.error("E-SYNTAX", word, stmt.span)
        return
    if isinstance(stmt, ast.AugAssign):
        cx.report.error("E-CONSTANT", "module constants cannot be changed", stmt.span,
                        "compute the final value in one expression, or inside a function")
        return
    if isinstance(stmt, ast.ExprStmt):
        before = cx.report.count()
        value(cx, stmt.value, State({}, set()))
        if cx.report.count() > before:
            return
    cx.report.error("E-UNSUPPORTED", "only imports, constants, functions, classes and example `assert`s are "
                    "allowed at module level", stmt.span, "move this code into a function")


def _declare_aliases(cx: Context, constants) -> None:
    for i, stmt in constants:
        if isinstance(stmt, ast.Assign) and _is_type_expr(cx, stmt.value):
            name = stmt.targets[0].id
            cx.env.aliases[name] = cx.resolver.resolve(stmt.value, i)


def _is_type_expr(cx: Context, node) -> bool:
    env = cx.env
    if isinstance(node, ast.Name):
        return node.id in env.records or node.id in env.enums or node.id in env.aliases
    if isinstance(node, ast.BinOp) and node.op == "|":
        sides = (node.left, node.right)
        return all(_is_type_expr(cx, s) or _is_basic_type(s) for s in sides) and any(_is_type_expr(cx, s) for s in sides)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        head = node.value.id
        qual = env.imports.get(head, head)
        return qual in ("list", "dict", "set", "tuple", "typing.Optional", "typing.Union", "typing.List",
                        "typing.Dict", "typing.Set", "typing.Tuple", "typing.Callable")
    return False


def _constant_value(cx: Context, stmt) -> None:
    name = (stmt.targets[0] if isinstance(stmt, ast.Assign) else stmt.target).id
    if name in cx.env.aliases:
        return
    st = State({}, set())
    cx.in_constant = True
    try:
        _typed_constant(cx, stmt, name, st)
    finally:
        cx.in_constant = False


def _typed_constant(cx: Context, stmt, name: str, st: State) -> None:
    if isinstance(stmt, ast.AnnAssign):
        declared = cx.resolver.resolve(stmt.annotation, cx.fn.stmt_index)
        got = value(cx, stmt.value, st, declared)
        if not assignable(got, declared):
            cx.report.error("E-TYPE", f"constant `{name}` is `{declared.render()}` but its value is `{got.render()}`",
                            stmt.value.span)
        ty = declared
        cx.types[id(stmt.target)] = ty
    else:
        ty = value(cx, stmt.value, st)
        cx.types[id(stmt.targets[0])] = ty
        if isinstance(ty, (t.CallableType, t.BuiltinFnType, t.BoundMethodType, t.FunctionRefType, t.ClassRefType,
                           t.ModuleType, t.LambdaRefType)):
            cx.report.error("E-CONSTANT", f"module constant `{name}` must be a value, not a function or class",
                            stmt.value.span, "write a `def` with annotated parameters instead"
                            if isinstance(ty, t.LambdaRefType) else "call the function where you need it")
            ty = t.ERROR
        elif isinstance(ty, t.IteratorType):
            cx.report.error("E-CONSTANT", f"module constant `{name}` is a one-shot iterator", stmt.value.span,
                            "make it a list: `list(...)`")
            ty = t.ERROR
    cx.env.constants[name] = ty


def _param_default(cx: Context, p: ast.Param, info: FunctionInfo) -> None:
    want = next((q.type for q in info.params if q.name == p.name), t.ERROR)
    cx.in_constant = True   # evaluated once, when the module is loaded
    try:
        check_default(cx, p, want, State({}, set()))
    finally:
        cx.in_constant = False


def declare_class(cx: Context, node: ast.ClassDef, index: int) -> None:
    # Bases and decorators run when the class is created: they must be defined above it.
    for expr in node.bases + node.decorators:
        root = expr.func if isinstance(expr, ast.Call) else expr
        while isinstance(root, ast.Attribute):
            root = root.value
        if isinstance(root, ast.Name) and cx.env.order.get(root.id, -1) >= index:
            cx.report.error("E-NAME", f"`{root.id}` is used before it is defined", root.span,
                            f"move the definition or import of `{root.id}` above this class")
    quals = [_qual(cx, b) for b in node.bases]
    if any(q == "enum.Enum" for q in quals):
        if len(node.bases) > 1 or node.keywords:
            cx.report.error("E-CLASS", "an enum derives from `Enum` only", node.span, "write `class Color(Enum):`")
        for d in node.decorators:
            cx.report.error("E-CLASS", "enums take no decorators", d.span)
        _declare_enum(cx, node)
        return
    for b, q in zip(node.bases, quals):
        if isinstance(b, ast.Name) and b.id in cx.env.failed_imports:
            continue
        if q in ("enum.IntEnum", "enum.StrEnum", "enum.Flag", "enum.IntFlag"):
            cx.report.error("E-CLASS", f"`{q.split('.')[1]}` is not available", b.span, "derive from `Enum`")
        else:
            cx.report.error("E-CLASS", "classes cannot inherit in Seglam", b.span,
                            "for a family of records use a union: `Shape = Circle | Square`")
    frozen, order, found = False, False, False
    for d in node.decorators:
        call = d if isinstance(d, ast.Call) else None
        q = _qual(cx, call.func if call else d)
        if q != "dataclasses.dataclass":
            cx.report.error("E-CLASS", "only `@dataclass(frozen=True)` is allowed on a class", d.span)
            continue
        if found:
            cx.report.error("E-CLASS", "`@dataclass` is applied twice", d.span, "keep one `@dataclass(frozen=True)`")
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
                    cx.report.error("E-CLASS", "records always compare by value", k.span, "remove `eq=False`")
            else:
                cx.report.error("E-CLASS", f"`{k.name}=` is not available on records", k.span)
    if not found and not node.bases:
        cx.report.error("E-CLASS", f"class `{node.name}` must be a `@dataclass(frozen=True)` record or an `Enum`",
                        node.name_span or node.span,
                        "records hold data only: write `@dataclass(frozen=True)` with annotated fields, "
                        "and functions that take the record")
    elif not frozen:
        cx.report.error("E-CLASS", f"record `{node.name}` must be immutable", node.name_span or node.span,
                        "use `@dataclass(frozen=True)`")
    _declare_record(cx, node, index, order)


def _qual(cx: Context, node) -> str | None:
    return qualified(node, cx.env)


def _declare_record(cx: Context, node: ast.ClassDef, index: int, order: bool) -> None:
    fields: list[FieldInfo] = []
    seen_default = False
    cx.env.records[node.name] = RecordInfo(node.name, (), node, order)
    for stmt in node.body:
        if isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name):
            name = stmt.target.id
            if is_dunder(name):
                cx.report.error("E-REFLECTION", "dunder names are not available", stmt.target.span)
                continue
            if any(f.name == name for f in fields):
                cx.report.error("E-REDEFINED", f"field `{name}` is declared twice", stmt.target.span)
                continue
            ty = cx.resolver.resolve(stmt.annotation, index)
            if stmt.value is not None:
                seen_default = True
            elif seen_default:
                cx.report.error("E-CLASS", f"field `{name}` without a default follows a field with one", stmt.span,
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
            cx.report.error("E-CLASS", f"records hold data only: `{node.name}` cannot have method `{stmt.name}`",
                            stmt.name_span or stmt.span, hint)
        elif isinstance(stmt, ast.Assign):
            cx.report.error("E-ANNOTATION", "a record field needs a type annotation", stmt.span,
                            "write `name: int = 0`")
        else:
            cx.report.error("E-CLASS", "a record body holds only annotated fields", stmt.span)
    cx.env.records[node.name] = RecordInfo(node.name, tuple(fields), node, order)
    cx.pending_defaults.append((index, node.name))


def check_record_defaults(cx: Context) -> None:
    for index, name in cx.pending_defaults:
        info = cx.env.records[name]
        cx.fn.stmt_index = index
        for f in info.fields:
            if f.default is None:
                continue
            cx.in_record_field = True
            try:
                got = value(cx, f.default, State({}, set()), f.type)
            finally:
                cx.in_record_field = False
            is_factory = isinstance(f.default, ast.Call)
            if isinstance(got, (t.ListType, t.DictType, t.SetType)) and not is_factory:
                cx.report.error("E-TYPE", f"field `{f.name}` has a mutable default", f.default.span,
                                f"use `field(default_factory={type(got).__name__[:-4].lower()})`")
            elif not assignable(got, f.type):
                cx.report.error("E-TYPE", f"default of field `{f.name}` is `{got.render()}`, not `{f.type.render()}`",
                                f.default.span)
    cx.fn.stmt_index = 10**9


def _declare_enum(cx: Context, node: ast.ClassDef) -> None:
    members: list[tuple[str, object]] = []
    value_type: t.Type = t.NEVER
    next_auto = 1
    for stmt in node.body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
            name = stmt.targets[0].id
            if is_dunder(name) or name.startswith("_"):
                cx.report.error("E-CLASS", "enum member names cannot start with `_`", stmt.span)
                continue
            if name in ("name", "value"):
                cx.report.error("E-CLASS", f"an enum member cannot be called `{name}`", stmt.span)
                continue
            value, ty = _enum_value(cx, stmt.value, next_auto)
            if value is None:
                continue
            if any(m[0] == name for m in members):
                cx.report.error("E-REDEFINED", f"enum member `{name}` is defined twice", stmt.span)
                continue
            if any(m[1] == value and type(m[1]) is type(value) for m in members):
                cx.report.error("E-REDEFINED", f"enum member `{name}` repeats the value {value!r}", stmt.value.span,
                                "give every member a distinct value, or use `auto()`")
                continue
            if isinstance(value, int) and not isinstance(value, bool):
                next_auto = value + 1
            members.append((name, value))
            value_type = join(value_type, ty)
            cx.types[id(stmt.value)] = ty
        elif isinstance(stmt, ast.Pass) or (isinstance(stmt, ast.ExprStmt) and isinstance(stmt.value, ast.Constant)):
            continue
        elif isinstance(stmt, ast.FunctionDef):
            cx.report.error("E-CLASS", f"enums cannot have methods: `{stmt.name}`", stmt.name_span or stmt.span,
                            f"write a function that takes the member: `def {stmt.name}(c: {node.name}) -> ...:`")
        else:
            cx.report.error("E-CLASS", "an enum body holds only `NAME = value` members", stmt.span)
    if not members:
        cx.report.error("E-CLASS", f"enum `{node.name}` has no members", node.name_span or node.span)
    cx.env.enums[node.name] = EnumInfo(node.name, tuple(members), node,
                                       value_type if not isinstance(value_type, t.NeverType) else t.INT)


def _enum_value(cx: Context, node, next_auto: int):
    if isinstance(node, ast.Constant) and isinstance(node.value, (int, str, float)) and node.value is not ...:
        v = node.value
        return v, (t.BOOL if isinstance(v, bool) else t.INT if isinstance(v, int) else t.STR if isinstance(v, str) else t.FLOAT)
    if isinstance(node, ast.UnaryOp) and node.op == "-" and isinstance(node.operand, ast.Constant) \
            and isinstance(node.operand.value, (int, float)) and not isinstance(node.operand.value, bool):
        return -node.operand.value, (t.INT if isinstance(node.operand.value, int) else t.FLOAT)
    if isinstance(node, ast.Call) and not node.args and not node.keywords and _qual(cx, node.func) == "enum.auto":
        cx.types[id(node)] = t.INT
        return next_auto, t.INT
    cx.report.error("E-TYPE", "an enum member value must be a literal (int or str) or `auto()`", node.span)
    return None, None


def declare_function(cx: Context, node: ast.FunctionDef, index: int) -> FunctionInfo:
    params, returns = signature_types(cx, node, index)
    infos = param_infos(node, params)
    requires: list[ast.Lambda] = []
    ensures: list[ast.Lambda] = []
    for d in node.decorators:
        kind = None
        if isinstance(d, ast.Call) and isinstance(d.func, ast.Name) and d.func.id in ("requires", "ensures") \
                and d.func.id not in cx.env.functions:
            kind = d.func.id
        if kind is None:
            name = d.func if isinstance(d, ast.Call) else d
            if isinstance(name, ast.Name) and name.id in cx.env.failed_imports:
                continue   # the import already explained it
            q = _qual(cx, name) or ""
            short = q.split(".")[-1]
            cx.report.error("E-UNSUPPORTED", f"decorator `{short or 'this'}` is not available", d.span,
                            _DECORATOR_HINTS.get(short, "Seglam functions take only `@requires` / `@ensures`"))
            continue
        if len(d.args) != 1 or d.keywords or not isinstance(d.args[0], ast.Lambda):
            cx.report.error("E-CONTRACT", f"`@{kind}` takes one lambda", d.span,
                            f"write `@{kind}(lambda x: x > 0)`")
            continue
        (requires if kind == "requires" else ensures).append(d.args[0])
    if node.name.startswith("prop_") and not is_bottom(returns) and returns != t.BOOL:
        cx.report.error("E-CONTRACT", f"property `{node.name}` must return `bool`, not `{returns.render()}`",
                        node.returns.span if node.returns else node.span, "declare `-> bool`")
    return FunctionInfo(node.name, node, infos, returns, tuple(requires), tuple(ensures),
                        prelude_length(node.body))


def check_contracts(cx: Context, info: FunctionInfo) -> None:
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
                    cx.report.error("E-CONTRACT", f"`{p.name}` is not a parameter of `{info.name}`", p.span,
                                    f"the lambda's parameters name the function's ({names})"
                                    + ("" if kind == "requires" else "; `result` is the return value"))
                if p.default is not None or p.kind != "normal":
                    cx.report.error("E-CONTRACT", "contract lambda parameters are plain names", p.span)
                param_types.append(allowed.get(p.name, t.ERROR))
            got = lambda_with(cx, lam, param_types, State({}, set()))
            if not is_bottom(got.ret) and got.ret != t.BOOL:
                cx.report.error("E-CONTRACT", f"a @{kind} condition must be a bool, not `{got.ret.render()}`",
                                lam.body.span, "write a comparison, e.g. `len(xs) > 0`")


def _is_main_guard(test) -> bool:
    return (isinstance(test, ast.Compare) and isinstance(test.left, ast.Name) and test.left.id == "__name__")


def _is_basic_type(node) -> bool:
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, ast.Name) and node.id in ("int", "str", "float", "bool"))
