"""The prompts: the compile prompt (rules + guide + library + schema as a fixed system
prompt, then the worked families chosen for the request and the request), repair turns, and
the short routing prompt.

The prompt book is built once per compiler and hashed (the fixed texts and the pool of worked
families); the hash goes into every entry's provenance so a family records exactly which
instructions produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from seglam.cache.admit import MIN_SPECIFICITY, hole_worths
from seglam.cache.pattern import HOLE_TYPES
from seglam.check import signatures as sig
from seglam.engine.feedback import Feedback
from seglam.engine.guide import load_guide
from seglam.engine.schema import CompileReply, RouteReply, schema_text
from seglam.engine.worked import WorkedFamily, load_worked, render_worked, select_worked

RULES = """\
You are the compiler of SEGLAM, a reasoning cache. You never answer a request by itself:
you write a small Seglam program that computes the answer for every request of the same
kind, plus the patterns that recognise such requests and bind their inputs.

Rules:
1. Answer with ONE JSON object that fits the schema below, nothing else.
2. "program" is a complete Seglam module (typed, pure Python 3.10+ subset, see the guide).
   Its entry point ("entry", default "solve") takes the request's varying parts as typed
   parameters and returns the answer in exactly the requested form (same spelling,
   e.g. "(A)", "Yes", "True", a number). Answers are typed as JSON values: a number is a
   number (`42`, `-3.5`, not `"42"`) and the program returns int or float (numbers agree
   by value: `25` and `25.0` are the same answer; a return type of `float` accepts ints);
   an option letter, a word or a date is a string (`"(A)"`, `"Yes"`, `"05/01/2021"`).
3. "patterns" (required, at least one) recognise requests of this kind. Write one family
   per kind, not per wording. A pattern is the request's fixed wording with typed holes
   `{name: type}` where the inputs vary; hole names are the entry point's parameters.
   Make a hole of every part that can differ between requests of the kind (names, objects,
   units, numbers, fractions, the question asked), not only of the numbers in this one:
   the fixed text is only what every request of the kind repeats.
   Hole types: {holes}.
   A pattern must match the WHOLE request: letters match in any case, and a space matches
   any run of spaces and line breaks; a hole binds its text without the whitespace around
   it; each hole name appears once in a pattern. It must also be
   specific: it must pin down at least {specificity} characters' worth of a request, where each
   literal character counts 1 and each hole counts what its type pins down ({worths}),
   and keep at least one literal word or symbol. So `Sort these words: {w: str}` and
   `{e: expr} =` (for `(1 + 2) * 3 =`) are fine; `{x: str}` alone never is.
   Give a pattern for each wording you expect requests of this kind to take, from the
   request and its examples; each pattern must match this request or one of your
   "examples" requests.
   Write `{{` and `}}` for literal braces.
4. "answer" is YOUR OWN direct answer to this request, worked out independently of the
   program. The program must return exactly it on the request's bound inputs.
5. "examples": 2 to 4 further requests of the same kind (as a user would write them),
   each with its answer. They must match a pattern too.
6. Give the entry point a precondition (@requires or leading asserts) that rejects inputs
   it cannot handle, so an unexpected request becomes a miss instead of a wrong answer.
   Add module-level `assert solve(...) == ...` examples and, where natural, prop_* properties.
7. If a kind can be computed but not every request of it can be read (free-form text),
   write the program for the requests you can read and a precondition that refuses the
   rest: a refused request is a miss, answered elsewhere, never a wrong answer.
8. If a request cannot be answered by a program (it needs world knowledge or taste),
   still answer the JSON, with "program" as an empty string (and the "patterns" of the
   kind, so that it is recognised next time).
"""


def stdlib_list() -> str:
    """Every name the checker accepts, with the type it gives, from the checker's own table
    (``seglam/check/signatures.py``), so the list never drifts from what ``seglam check``
    enforces: ``name ... -> result type`` grouped by result type, overloads joined by ``or``."""
    lines = ["- builtins: " + _typed_names(sig.BUILTINS)]
    lines += [f"- {kind} methods: " + _typed_names(stubs) for kind, stubs in sig.METHODS.items()]
    for module, stubs in sig.MODULES.items():
        parts = [_typed_names(stubs)] if stubs.strip() else []
        parts += [f"{name} (type)" for name in sig.MODULE_TYPES.get(module, {})]
        parts += sorted(sig.SPECIAL_MEMBERS.get(module, ()))
        lines.append(f"- module {module}: " + "; ".join(dict.fromkeys(p for p in parts if p)))
    return "\n".join(lines) + "\n"


_STUB_DEF = re.compile(r"^def\s+(\w+)\s*\(.*\)\s*->\s*(.+?)\s*:\s*\.\.\.\s*$")
_STUB_ATTR = re.compile(r"^(\w+)\s*:\s*(.+?)\s*$")


def _typed_names(stubs: str) -> str:
    results: dict[str, list[str]] = {}
    for line in stubs.splitlines():
        m = _STUB_DEF.match(line.strip()) or _STUB_ATTR.match(line.strip())
        if m:
            results.setdefault(m.group(1), []).append(m.group(2))
    by_type: dict[str, list[str]] = {}
    for name, types in results.items():
        by_type.setdefault(" or ".join(dict.fromkeys(types)), []).append(name)
    return "; ".join(" ".join(names) + " -> " + kind for kind, names in by_type.items())


#: Between the worked families and the request in a compile prompt's user message.
REQUEST_HEADING = "# Your request\n\n"


@dataclass(frozen=True)
class PromptBook:
    """The compiler's fixed texts and its pool of worked families. Build with
    :func:`build_prompts`.

    A compile prompt is ``system`` (rules, guide, library, schema: the same for every request,
    so a server's prefix cache serves it) followed by one user message: the worked families
    chosen for the request (:func:`seglam.engine.worked.select_worked`), then the request."""

    system: str
    route_system: str
    hash: str
    worked: tuple[WorkedFamily, ...] = ()

    def compile_messages(self, user: str, query: str = "",
                         admitted: Sequence[WorkedFamily] = ()) -> list[dict[str, str]]:
        """The compile prompt for ``user`` (a request text from :func:`free_text_request` or
        :func:`structured_request`); ``query`` is what the worked families are chosen by (the
        request's own text), ``admitted`` the cache's families that may be shown."""
        chosen = select_worked(query or user, self.worked, admitted)
        shown = render_worked(chosen)
        content = (shown + "\n\n" + REQUEST_HEADING + user) if shown else user
        return [{"role": "system", "content": self.system}, {"role": "user", "content": content}]


def pattern_rules(text: str) -> str:
    """``text`` with the pattern rule's numbers and hole table filled in from the cache's
    own definitions (seglam.cache.pattern.HOLE_TYPES, seglam.cache.admit)."""
    spelled = {"tokens": "tokens(a b c)", "chars": "chars(0-9a-f)"}
    holes = "; ".join(f"{spelled.get(name, name)} ({t.summary}; binds {t.param_type})" for name, t in HOLE_TYPES.items())
    return (text.replace("{holes}", holes).replace("{specificity}", str(MIN_SPECIFICITY))
            .replace("{worths}", hole_worths()))


def build_prompts(
    guide: str | None = None,
    worked: Sequence[WorkedFamily] | None = None,
    stdlib: str | None = None,
) -> PromptBook:
    """The prompt book; ``guide``, ``worked`` (the pool) and ``stdlib`` default to the real ones."""
    guide = load_guide() if guide is None else guide
    worked = load_worked() if worked is None else worked
    stdlib = stdlib_list() if stdlib is None else stdlib
    parts = [
        pattern_rules(RULES),
        "# The Seglam language guide (generated from SPEC.md)\n\n" + guide,
        "# The standard library: every name, with the type it returns\n\n" + stdlib,
        "# The answer schema (JSON Schema)\n\n" + schema_text(CompileReply),
    ]
    system = "\n\n".join(p.strip() for p in parts) + "\n"
    route_system = ROUTE_RULES + "\n# The answer schema (JSON Schema)\n\n" + schema_text(RouteReply) + "\n"
    pool = "\0".join(w.render() for w in worked)
    digest = hashlib.sha256((system + "\0" + route_system + "\0" + pool).encode()).hexdigest()
    return PromptBook(system, route_system, digest, tuple(worked))


# -- per-request texts ------------------------------------------------------------------


def free_text_request(request: str, counterexamples: Sequence[str] = ()) -> str:
    out = ["Compile this request into a Seglam family.", "", "Request:", request]
    out += _counterexamples(counterexamples)
    return "\n".join(out)


def structured_request(
    task: str,
    inputs: Mapping[str, Any],
    signature: str | None = None,
    examples: Sequence[tuple[Mapping[str, Any], Any]] = (),
    counterexamples: Sequence[str] = (),
) -> str:
    out = [
        "Compile this structured request into a Seglam family. There is no free text, so",
        '"patterns" is [] (required, and empty); the entry point takes exactly the inputs below as parameters.',
        "",
        "Task:",
        task,
        "",
        "Inputs (JSON):",
        _json(inputs),
    ]
    if signature:
        out += ["", "The entry point must have exactly this signature (name, parameters, types):", signature]
    if examples:
        out += ["", "Frozen examples (they are added to the program as asserts and must hold):"]
        out += [f"- inputs {_json(i)} -> {_json(o)}" for i, o in examples]
    out += _counterexamples(counterexamples)
    return "\n".join(out)


def repair_message(feedback: Feedback, frozen: Sequence[str] = ()) -> str:
    """The repair turn: the failed checks first (see :mod:`seglam.engine.feedback`), then
    what passed, the frozen checks, and what to do."""
    out = ["Your answer was refused. What failed:", "", feedback.render()]
    if frozen:
        out += ["", "These checks came with the request; they are frozen and will be re-added as they are:"]
        out += [f"    {f}" for f in frozen]
    out += [
        "",
        "Fix the cause (the program, the patterns or your answer, whichever is wrong) and reply with",
        "the complete JSON object again. Do not weaken a check to make it pass.",
    ]
    return "\n".join(out)


def _counterexamples(cxs: Sequence[str]) -> list[str]:
    if not cxs:
        return []
    return ["", "Earlier versions of this family failed on these (the new program must pass them):"] + [
        f"- {c}" for c in cxs
    ]


ROUTE_RULES = """\
You route a request to an existing SEGLAM program family, or say none fits.
Each offered family has an id, a description, its entry point's signature and the
patterns of requests it already recognises. Pick a family ONLY if the request asks
exactly what that family computes (a paraphrase is fine; a different question is not).
Reply with one JSON object:
  {"family": "<id>" or null, "bindings": {param: value, ...}, "pattern": "<pattern>"}
"bindings" gives every parameter of the entry point its value taken from the request.
"pattern" is this request's wording with typed holes {name: type} where the inputs are
(types: str, word, int, float, Decimal, bool, date, expr), so the next such request is
recognised. When no family fits, reply {"family": null} (no bindings, no pattern).
"""


def route_message(request: str, families: Sequence[Mapping[str, Any]]) -> str:
    out = ["Request:", request, "", "Offered families:"]
    for f in families:
        out.append(_json(f))
    return "\n".join(out)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)
