"""``@seglam.function``: a typed Python stub with a docstring becomes a Seglam program.

    @seglam.function
    def count_vowels(text: str) -> int:
        \"\"\"How many of the letters a, e, i, o, u the text has (case-insensitive).\"\"\"

The first call compiles the stub's task (its name, signature and docstring) into a
verified family; that and every later call are structured requests, so after the first
they are cache hits: no model call. Doctest-style ``>>> f(x)`` / result lines in the
docstring become frozen examples the program must pass.
"""

from __future__ import annotations

import functools
import inspect
import re
import threading
import typing
from typing import Any, Callable

from seglam.engine.answer import Answer


class FunctionUnsolved(RuntimeError):
    """The decorated function could not be compiled into a verified program (or its cached
    program refused these inputs). ``answer`` holds the engine's answer and trace."""

    def __init__(self, name: str, answer: Answer) -> None:
        reasons = "; ".join(answer.trace.reasons[-3:]) or answer.trace.message
        super().__init__(f"{name}: no verified program answers this call ({reasons})")
        self.answer = answer


def function(fn: Callable | None = None, *, engine: Any = None, examples: tuple = (),
             make_engine: Callable[[], Any] | None = None) -> Any:
    """Decorate a typed stub; see the module docstring. Without ``engine``, ``make_engine()``
    makes one on the first call (``seglam.function`` passes :class:`Engine`: the default
    cache and the configured model)."""
    if fn is None:
        return lambda f: function(f, engine=engine, examples=examples, make_engine=make_engine)
    if engine is None and make_engine is None:
        raise TypeError("function(): give an engine, or make_engine to build one on the first call")
    return SeglamFunction(fn, engine, tuple(examples), make_engine)


class SeglamFunction:
    """The callable a stub becomes. ``last_answer`` is the most recent call's answer."""

    def __init__(self, fn: Callable, engine: Any, examples: tuple, make_engine: Callable[[], Any] | None = None) -> None:
        functools.update_wrapper(self, fn)
        self._fn = fn
        self._engine = engine
        self._make_engine = make_engine
        self._engine_lock = threading.Lock()
        self.signature_text = stub_signature(fn)
        self.task = stub_task(fn, self.signature_text)
        self.examples = tuple(examples) + doc_examples(fn)
        self._sig = inspect.signature(fn)
        self.last_answer: Answer | None = None

    @property
    def engine(self) -> Any:
        with self._engine_lock:
            if self._engine is None:
                self._engine = self._make_engine()
            return self._engine

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self._sig.bind(*args, **kwargs)
        bound.apply_defaults()
        answer = self.engine.solve(
            task=self.task,
            inputs=dict(bound.arguments),
            examples=self.examples,
            signature=self.signature_text,
            entry=self._fn.__name__,
        )
        self.last_answer = answer
        if answer.tier == "unsolved":
            raise FunctionUnsolved(self._fn.__name__, answer)
        return answer.value

    def __repr__(self) -> str:
        return f"<seglam.function {self.signature_text}>"


def stub_signature(fn: Callable) -> str:
    """``name(a: int, b: list[str]) -> bool`` in Seglam's annotation spelling."""
    sig = inspect.signature(fn)
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # noqa: BLE001 - unresolvable forward references: fall back to the raw text
        hints = {}
    params = []
    for p in sig.parameters.values():
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            raise TypeError(f"{fn.__name__}: *args/**kwargs cannot be compiled; name every parameter")
        ann = hints.get(p.name, p.annotation)
        if ann is inspect.Parameter.empty:
            raise TypeError(f"{fn.__name__}: parameter {p.name} needs a type annotation")
        params.append(f"{p.name}: {annotation_text(ann)}" + (" = ..." if p.default is not p.empty else ""))
    ret = hints.get("return", sig.return_annotation)
    if ret is inspect.Signature.empty:
        raise TypeError(f"{fn.__name__}: the return type needs an annotation")
    return f"{fn.__name__}({', '.join(params)}) -> {annotation_text(ret)}"


def annotation_text(ann: Any) -> str:
    if isinstance(ann, str):
        return ann
    if ann is type(None) or ann is None:
        return "None"
    if isinstance(ann, type) and not typing.get_args(ann):
        return ann.__name__
    text = inspect.formatannotation(ann)
    return re.sub(r"\btyping\.|\bdecimal\.|\bdatetime\.", "", text).replace("NoneType", "None")


def stub_task(fn: Callable, signature: str) -> str:
    doc = inspect.getdoc(fn) or ""
    prose = "\n".join(l for l in doc.splitlines() if not l.strip().startswith(">>>")).strip()
    if not prose:
        raise TypeError(f"{fn.__name__}: describe what it computes in a docstring")
    return f"Implement `{signature}`: {prose}"


_DOCTEST = re.compile(r"^\s*>>>\s*(\w+)\((.*)\)\s*$")


def doc_examples(fn: Callable) -> tuple[tuple[dict[str, Any], Any], ...]:
    """``>>> name(args)`` followed by a result line, evaluated as Python literals only."""
    import ast

    doc = inspect.getdoc(fn) or ""
    lines = doc.splitlines()
    sig = inspect.signature(fn)
    out = []
    for i, line in enumerate(lines[:-1]):
        m = _DOCTEST.match(line)
        if not m or m.group(1) != fn.__name__:
            continue
        try:
            call = ast.parse(f"f({m.group(2)})", mode="eval").body
            args = [ast.literal_eval(a) for a in call.args]  # type: ignore[attr-defined]
            kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}  # type: ignore[attr-defined]
            expected = ast.literal_eval(lines[i + 1].strip())
            bound = sig.bind(*args, **kwargs)
        except (SyntaxError, ValueError, TypeError):
            continue
        bound.apply_defaults()
        out.append((dict(bound.arguments), expected))
    return tuple(out)
