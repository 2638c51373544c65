"""Names: what a name means where it is read (a local, a closure variable, a comprehension or
lambda variable, a module-level definition, an import, a builtin), and how expressions are shown
in messages."""

from __future__ import annotations

import difflib

from seglam.check import types as t
from seglam.check.context import Context
from seglam.check.env import State
from seglam.check.hints import FORBIDDEN_NAMES, is_dunder, member_hint
from seglam.check.signatures import MODULE_TYPES, SPECIAL_MEMBERS, allowed_members, table
from seglam.check.typeops import is_bottom
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


def _x_Name(cx: Context, node: ast.Name, st, expected):
    return lookup(cx, node.id, node, st)


def lookup(cx: Context, name: str, node, st: State) -> t.Type:
    ctx = cx.fn
    for depth in range(len(ctx.scopes) - 1, -1, -1):
        scope = ctx.scopes[depth]
        if name in scope:
            narrowed = st.vars.get(f"{name}#{depth}") if st is not None else None
            if narrowed is None and st is not None and name in cx.walrus_in.get(id(scope), ()):
                cx.report.error("E-NAME", f"`{name}` is read before `:=` assigns it in this lambda", node.span,
                                "assign it first, on every path that reads it")
                return t.ERROR
            return narrowed if narrowed is not None else scope[name]
    if ctx.kind == "function" and name in ctx.locals:
        if st is not None and name in st.vars:
            return st.vars[name]
        _unbound(cx, name, node, ctx)
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
            cx.report.error("E-NAME", f"`{name}` may be used before assignment", node.span,
                            f"assign `{name}` before the nested function is defined")
            return t.ERROR
        closure = parent.closure
        parent = parent.parent
    return global_name(cx, name, node)


def _unbound(cx: Context, name: str, node, ctx) -> None:
    outer = _enclosing_owner(name, ctx)
    if outer is not None:
        # Python makes a name assigned in a function that function's own: `count += 1` in a
        # nested def reads its own, unbound `count`, not the enclosing one (SPEC.md section 5).
        cx.report.error("E-GLOBAL", f"`{name}` is assigned in `{ctx.name}`, which makes it `{ctx.name}`'s own "
                        f"variable: a nested function can read `{outer}`'s `{name}` but not assign it", node.span,
                        f"pass `{name}` in and return its new value, then assign it in `{outer}`: "
                        f"`{name} = {ctx.name}({name})`")
        return
    if name in cx.env.constants and ctx.kind == "function":
        # the same rule for a module constant: assigning it makes the function's own name
        cx.report.error("E-GLOBAL", f"`{name}` is assigned in `{ctx.name}`, which makes it `{ctx.name}`'s own "
                        f"variable: a function can read the module constant `{name}` but not assign it",
                        node.span, f"use a local of another name (`{name.lower()} = {name}` first), or pass the "
                        f"value in and return the new one")
        return
    hint = f"give `{name}` a value on every path before this line (e.g. before the `if` or loop)"
    if name in getattr(ctx, "loop_vars", ()):
        hint = f"a loop variable is unbound when the loop runs zero times: set `{name}` before the loop"
    cx.report.error("E-NAME", f"`{name}` may be used before assignment", node.span, hint)


def _enclosing_owner(name: str, ctx) -> str | None:
    """The enclosing function whose variable ``name`` is, when ``ctx`` is a nested def."""
    parent = ctx.parent
    while parent is not None and parent.kind == "function":
        if name in parent.locals:
            return parent.name
        parent = parent.parent
    return None


def global_name(cx: Context, name: str, node) -> t.Type:
    env = cx.env
    if is_dunder(name):
        cx.report.error("E-REFLECTION", f"`{name}` is not available: no dunder names in Seglam", node.span)
        return t.ERROR
    known = (name in env.functions or name in env.records or name in env.enums or name in env.constants
             or name in env.imports)
    if known and cx.fn.kind == "module":
        defined = env.order.get(name)
        if defined is not None and defined >= cx.fn.stmt_index:
            cx.report.error("E-NAME", f"`{name}` is used before it is defined", node.span,
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
        return qualified_type(cx, env.imports[name], node)
    if name in env.failed_imports:
        return t.ERROR
    if name in table().builtins:
        return t.BuiltinFnType(name)
    info = FORBIDDEN_NAMES.get(name)
    if info is not None:
        cx.report.error(info.code, info.message, node.span, info.hint)
        return t.ERROR
    if name in ("Decimal", "date", "timedelta", "math", "re", "dataclass", "replace", "Enum"):
        module = {"Decimal": "decimal", "date": "datetime", "timedelta": "datetime", "dataclass": "dataclasses",
                  "replace": "dataclasses", "Enum": "enum"}.get(name)
        hint = f"add `import {name}`" if module is None else f"add `from {module} import {name}`"
        cx.report.error("E-NAME", f"`{name}` is not defined", node.span, hint)
        return t.ERROR
    candidates = list(env.functions) + list(env.records) + list(env.enums) + list(env.constants) + list(env.imports)
    candidates += list(cx.fn.locals) + list(table().builtins)
    for scope in cx.fn.scopes:
        candidates += list(scope)
    close = difflib.get_close_matches(name, candidates, n=1)
    cx.report.error("E-NAME", f"`{name}` is not defined", node.span, f"did you mean `{close[0]}`?" if close else None)
    return t.ERROR


def qualified_type(cx: Context, qual: str, node) -> t.Type:
    """The type of an imported name (``math`` → module, ``math.sqrt`` → function)."""
    if "." not in qual:
        return t.ModuleType(qual)
    module, member = qual.split(".", 1)
    return module_member(cx, module, member, node)


def module_member(cx: Context, module: str, member: str, node) -> t.Type:
    tab = table()
    if is_dunder(member):
        cx.report.error("E-REFLECTION", f"`{member}` is not available: no dunder names in Seglam", node.span)
        return t.ERROR
    if member in tab.module_functions.get(module, {}):
        return t.BuiltinFnType(f"{module}.{member}")
    if member in tab.module_values.get(module, {}):
        return tab.module_values[module][member]
    if member in MODULE_TYPES.get(module, {}):
        return t.ClassRefType(t.PRIMITIVES[MODULE_TYPES[module][member]])
    if member in SPECIAL_MEMBERS.get(module, ()):
        if module == "typing":
            cx.report.error("E-TYPE", f"`{member}` can only be used in annotations", node.span)
            return t.ERROR
        return t.BuiltinFnType(f"{module}.{member}")
    hint = member_hint(module, member, allowed_members(module))
    cx.report.error("E-ATTR", f"module `{module}` has no member `{member}` in Seglam", node.span, hint)
    return t.ERROR


def path_of(cx: Context, node) -> str | None:
    """``x`` / ``x.f.g`` for a local (narrowable) name and record fields below it."""
    if isinstance(node, ast.Name):
        ctx = cx.fn
        for depth in range(len(ctx.scopes) - 1, -1, -1):
            if node.id in ctx.scopes[depth]:
                return f"{node.id}#{depth}"
        return node.id if ctx.kind == "function" and node.id in ctx.locals else None
    if isinstance(node, ast.Attribute) and not is_dunder(node.attr):
        inner = path_of(cx, node.value)
        return f"{inner}.{node.attr}" if inner is not None else None
    return None


#: The expression rules of this module, by node class (the checker dispatches on them).
EXPR_RULES = {
    ast.Name: _x_Name,
}
