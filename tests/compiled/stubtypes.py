"""A small, flow-insensitive type annotator for the stand-in checker: enough static types
for the compiled backend's typed fast paths (ints, strs, lists, dicts...) to be exercised in
tests and benchmarks before (and independently of) the real checker.

Only what it is sure of gets a type; everything else stays untyped (the generic path)."""

from __future__ import annotations

from typing import Any

from seglam.check import types as T
from seglam.syntax import ast as A

_PRIMS = {"int": T.INT, "str": T.STR, "float": T.FLOAT, "bool": T.BOOL, "None": T.NONE}


def annotation(node: Any, records: set[str]) -> T.Type | None:
    if isinstance(node, A.Name):
        if node.id in _PRIMS:
            return _PRIMS[node.id]
        if node.id in records:
            return T.RecordType(node.id)
        return None
    if isinstance(node, A.Constant) and node.value is None:
        return T.NONE
    if isinstance(node, A.BinOp) and node.op == "|":
        a, b = annotation(node.left, records), annotation(node.right, records)
        return T.union(a, b) if a is not None and b is not None else None
    if isinstance(node, A.Subscript) and isinstance(node.value, A.Name):
        args = node.index.elts if isinstance(node.index, A.TupleExpr) else (node.index,)
        if node.value.id == "tuple" and len(args) == 2 and isinstance(args[1], A.Constant) and args[1].value is Ellipsis:
            e = annotation(args[0], records)
            return T.TupleType((e,), True) if e is not None else None
        types = [annotation(a, records) for a in args]
        if any(t is None for t in types):
            return None
        if node.value.id == "list" and len(types) == 1:
            return T.ListType(types[0])
        if node.value.id == "set" and len(types) == 1:
            return T.SetType(types[0])
        if node.value.id == "dict" and len(types) == 2:
            return T.DictType(types[0], types[1])
        if node.value.id == "tuple":
            return T.TupleType(tuple(types))
    return None


class Annotator:
    """Fills ``types`` (id(expr) -> Type) for one module, function by function."""

    def __init__(self, module: A.Module, records: set[str], returns: dict[str, T.Type | None]) -> None:
        self.module = module
        self.records = records
        self.returns = returns
        self.types: dict[int, T.Type] = {}

    def function(self, fn: A.FunctionDef, outer: dict[str, T.Type]) -> None:
        env = dict(outer)
        for p in fn.params:
            t = annotation(p.annotation, self.records) if p.annotation is not None else None
            if t is not None:
                env[p.name] = t
        # two passes: the first learns local types from assignments, the second records them
        for _ in range(2):
            for stmt in fn.body:
                self.stmt(stmt, env)

    def stmt(self, s: Any, env: dict) -> None:
        if isinstance(s, A.Assign):
            t = self.expr(s.value, env)
            for target in s.targets:
                self.bind(target, t, env)
        elif isinstance(s, A.AnnAssign):
            t = annotation(s.annotation, self.records)
            if s.value is not None:
                self.expr(s.value, env)
            self.bind(s.target, t, env)
        elif isinstance(s, A.AugAssign):
            self.expr(s.value, env)
            self.expr(s.target, env)
        elif isinstance(s, A.For):
            it = self.expr(s.iter, env)
            self.bind(s.target, _elem(it), env)
            for b in s.body + s.orelse:
                self.stmt(b, env)
        elif isinstance(s, (A.If, A.While)):
            self.expr(s.test, env)
            for b in s.body + s.orelse:
                self.stmt(b, env)
        elif isinstance(s, (A.Return, A.ExprStmt)) and s.value is not None:
            self.expr(s.value, env)
        elif isinstance(s, A.Assert):
            self.expr(s.test, env)
        elif isinstance(s, A.FunctionDef):
            self.function(s, env)

    def bind(self, target: Any, t: T.Type | None, env: dict) -> None:
        if isinstance(target, A.Name):
            if t is not None and target.id not in env:
                env[target.id] = t
            if target.id in env:
                self.types[id(target)] = env[target.id]
        elif isinstance(target, (A.TupleExpr, A.ListExpr)) and isinstance(t, T.TupleType) and not t.variadic \
                and len(t.elems) == len(target.elts):
            self.types[id(target)] = t
            for e, et in zip(target.elts, t.elems):
                self.bind(e, et, env)
        else:
            self.expr(target, env)

    def expr(self, e: Any, env: dict) -> T.Type | None:
        t = self._expr(e, env)
        if t is not None:
            self.types[id(e)] = t
        return t

    def _expr(self, e: Any, env: dict) -> T.Type | None:
        if isinstance(e, A.Constant):
            v = e.value
            return {bool: T.BOOL, int: T.INT, float: T.FLOAT, str: T.STR, type(None): T.NONE}.get(type(v))
        if isinstance(e, A.Name):
            return env.get(e.id)
        if isinstance(e, A.BinOp):
            lt, rt = self.expr(e.left, env), self.expr(e.right, env)
            if lt == T.INT and rt == T.INT and e.op in ("+", "-", "*", "//", "%", "**", "<<", ">>", "&", "|", "^"):
                return T.INT
            if {lt, rt} <= {T.INT, T.FLOAT} and lt is not None and rt is not None and e.op in ("+", "-", "*", "/", "//", "%"):
                return T.FLOAT if e.op == "/" or T.FLOAT in (lt, rt) else T.INT
            if lt == T.INT and rt == T.INT and e.op == "/":
                return T.FLOAT
            if lt == T.STR and e.op in ("+", "*", "%"):
                return T.STR
            if isinstance(lt, T.ListType) and e.op in ("+", "*"):
                return lt
            return None
        if isinstance(e, A.UnaryOp):
            t = self.expr(e.operand, env)
            return T.BOOL if e.op == "not" else t
        if isinstance(e, A.BoolOp):
            ts = [self.expr(v, env) for v in e.values]
            return ts[0] if all(t == ts[0] for t in ts) else None
        if isinstance(e, A.Compare):
            self.expr(e.left, env)
            for c in e.comparators:
                self.expr(c, env)
            return T.BOOL
        if isinstance(e, A.IfExp):
            self.expr(e.test, env)
            a, b = self.expr(e.body, env), self.expr(e.orelse, env)
            return a if a == b else None
        if isinstance(e, A.Subscript):
            vt = self.expr(e.value, env)
            it = self.expr(e.index, env) if not isinstance(e.index, A.Slice) else self._slice(e.index, env)
            if isinstance(e.index, A.Slice):
                return vt if (vt == T.STR or isinstance(vt, (T.ListType, T.TupleType))) else None
            if vt == T.STR:
                return T.STR
            if isinstance(vt, T.ListType):
                return vt.elem
            if isinstance(vt, T.DictType):
                return vt.value
            if isinstance(vt, T.TupleType):
                if vt.variadic:
                    return vt.elems[0]
                if isinstance(e.index, A.Constant) and type(e.index.value) is int and -len(vt.elems) <= e.index.value < len(vt.elems):
                    return vt.elems[e.index.value]
            return None
        if isinstance(e, A.ListExpr):
            ts = [self.expr(x, env) for x in e.elts if not isinstance(x, A.Starred)]
            return T.ListType(ts[0]) if ts and all(t == ts[0] for t in ts) and ts[0] is not None else None
        if isinstance(e, A.TupleExpr):
            ts = [self.expr(x, env) for x in e.elts]
            return T.TupleType(tuple(ts)) if all(t is not None for t in ts) and not any(isinstance(x, A.Starred) for x in e.elts) else None
        if isinstance(e, A.DictExpr):
            ks = [self.expr(k, env) for k in e.keys if k is not None]
            vs = [self.expr(v, env) for v in e.values]
            if ks and all(k == ks[0] for k in ks) and vs and all(v == vs[0] for v in vs) and ks[0] and vs[0]:
                return T.DictType(ks[0], vs[0])
            return None
        if isinstance(e, A.SetExpr):
            ts = [self.expr(x, env) for x in e.elts]
            return T.SetType(ts[0]) if ts and all(t == ts[0] for t in ts) and ts[0] is not None else None
        if isinstance(e, (A.ListComp, A.SetComp, A.GeneratorExp, A.DictComp)):
            inner = dict(env)
            for gen in e.generators:
                self.bind(gen.target, _elem(self.expr(gen.iter, inner)), inner)
                for c in gen.ifs:
                    self.expr(c, inner)
            if isinstance(e, A.DictComp):
                k, v = self.expr(e.key, inner), self.expr(e.value, inner)
                return T.DictType(k, v) if k and v else None
            t = self.expr(e.elt, inner)
            if t is None:
                return None
            return {A.ListComp: T.ListType, A.SetComp: T.SetType, A.GeneratorExp: T.IteratorType}[type(e)](t)
        if isinstance(e, A.Call):
            return self._call(e, env)
        if isinstance(e, A.Attribute):
            self.expr(e.value, env)
            return None
        if isinstance(e, A.JoinedStr):
            for v in e.values:
                if not isinstance(v, str):
                    self.expr(v.value, env)
            return T.STR
        if isinstance(e, A.Lambda):
            inner = dict(env)
            self.expr(e.body, inner)
            return None
        for child in A.iter_children(e):
            self.expr(child, env)
        return None

    def _slice(self, s: A.Slice, env: dict) -> None:
        for part in (s.lower, s.upper, s.step):
            if part is not None:
                self.expr(part, env)

    def _call(self, e: A.Call, env: dict) -> T.Type | None:
        args = [self.expr(a.value if isinstance(a, A.Starred) else a, env) for a in e.args]
        for k in e.keywords:
            self.expr(k.value, env)
        f = e.func
        if isinstance(f, A.Name):
            if f.id in self.returns:
                return self.returns[f.id]
            if f.id in self.records:
                return T.RecordType(f.id)
            if f.id in ("len", "ord", "abs", "int") and f.id not in env:
                return T.INT if f.id != "abs" else (args[0] if args else None)
            if f.id in ("str", "chr", "repr"):
                return T.STR
            if f.id == "float":
                return T.FLOAT
            if f.id == "bool":
                return T.BOOL
            if f.id == "range":
                return T.IteratorType(T.INT)
            if f.id == "reversed" and args and _elem(args[0]) is not None:
                return T.IteratorType(_elem(args[0]))
            if f.id == "enumerate" and args and _elem(args[0]) is not None:
                return T.IteratorType(T.TupleType((T.INT, _elem(args[0]))))
            if f.id == "zip" and args and all(_elem(a) is not None for a in args):
                return T.IteratorType(T.TupleType(tuple(_elem(a) for a in args)))
            if f.id in ("sorted", "list") and args and _elem(args[0]) is not None:
                return T.ListType(_elem(args[0]))
            if f.id in ("sum", "min", "max") and len(args) == 1 and _elem(args[0]) in (T.INT, T.FLOAT):
                return _elem(args[0])
            return None
        if isinstance(f, A.Attribute):
            rt = self.expr(f.value, env)
            m = f.attr
            if rt == T.STR:
                if m in ("split", "splitlines", "rsplit"):
                    return T.ListType(T.STR)
                if m in ("strip", "lower", "upper", "lstrip", "rstrip", "replace", "join", "capitalize", "title"):
                    return T.STR
                if m in ("startswith", "endswith", "isdigit", "isalpha", "isspace", "isupper", "islower"):
                    return T.BOOL
                if m in ("find", "count", "index"):
                    return T.INT
            if isinstance(rt, T.DictType):
                if m == "get" and len(args) == 2 and args[1] == rt.value:
                    return rt.value
                if m == "items":
                    return T.IteratorType(T.TupleType((rt.key, rt.value)))
                if m == "keys":
                    return T.IteratorType(rt.key)
                if m == "values":
                    return T.IteratorType(rt.value)
            if isinstance(rt, T.ListType) and m == "pop":
                return rt.elem
        return None


def _elem(t: Any) -> T.Type | None:
    if isinstance(t, (T.ListType, T.SetType, T.IteratorType)):
        return t.elem
    if isinstance(t, T.DictType):
        return t.key
    if t == T.STR:
        return T.STR
    if isinstance(t, T.TupleType) and t.variadic:
        return t.elems[0]
    return None


def annotate(module: A.Module, records: set[str]) -> dict[int, T.Type]:
    returns = {s.name: (annotation(s.returns, records) if s.returns is not None else None)
               for s in module.body if isinstance(s, A.FunctionDef)}
    ann = Annotator(module, records, returns)
    consts: dict[str, T.Type] = {}
    for s in module.body:
        if isinstance(s, (A.Assign, A.AnnAssign)) and s.value is not None:
            ann.stmt(s, consts)
    for s in module.body:
        if isinstance(s, A.FunctionDef):
            ann.function(s, consts)
    return ann.types
