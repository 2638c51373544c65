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
from seglam.cache.holes import HOLE_TYPES
from seglam.check import signatures as sig
from seglam.engine.feedback import Feedback
from seglam.engine.guide import load_guide
from seglam.engine.library_prompt import HEADING as LIBRARY_HEADING, cache_library_for, library_for, library_index
from seglam.engine.schema import CompileReply, RouteReply, schema_text
from seglam.engine.worked import WorkedFamily, load_worked, render_worked, select_worked

RULES = """\
You are the compiler of SEGLAM, a reasoning cache. Do not just answer the request: write a
small Seglam program that computes the answer for every request of its kind, and the
patterns that recognise such requests and bind their inputs.

Rules:
1. Reply with ONE JSON object of the shape given at the end, nothing else.
2. "program": a complete Seglam module (see the guide). Its entry point ("entry", default
   "solve") takes the request's varying parts as typed parameters and returns the answer in
   exactly the requested form, as a JSON value: a number is a number (`42`, not `"42"`;
   `25` and `25.0` are the same answer; a `float` return accepts ints), an option letter, a
   word or a date as a string (`"(A)"`, `"Yes"`, `"05/01/2021"`).
3. "patterns" (required, at least one): one family per kind, not per wording or question.
   A pattern is the request's fixed wording with typed holes `{name: type}` named as the
   entry point's parameters; a parameter with a default may go without a hole in a wording
   that lacks its part. Make a hole of every part that can differ between requests of
   the kind (names, objects, units, numbers, fractions, the question when the kind asks
   several over the same data), not only of this request's numbers. A value mentioned twice
   is one hole named twice (`{p: word} has {n: int} pens. {p: word} ...`), its mentions
   equal but for case. Hole types (binding a str unless marked): {holes}.
   A pattern matches the WHOLE request: letters in any case, a space matches any run of
   spaces and line breaks, a hole binds its text without the whitespace around it and only
   text of its type. A str hole is never empty; every str
   hole but the last takes the shortest text that lets the rest match, the last the longest
   (`{a: str}: {b: str}` on "x: y: z" binds a="x", b="y: z"). It must be specific: at least
   {specificity} characters' worth (a literal character 1, a hole its type's worth: {worths})
   with a literal word or symbol: `Sort these words: {w: str}` and `{e: expr} =` are fine,
   `{x: str}` alone never. Give a pattern for each wording you expect for the kind; each must
   match this request or one of your "examples", and none may match another family's requests
   (that family is then widened instead). Where several of yours match, the most specific
   binds. `{{` and `}}` are literal braces.
4. "answer": YOUR OWN answer to this request, worked out independently of the program, which
   must return exactly it on the request's bound inputs. If the request cannot be answered as
   asked (none of its options is right, it contradicts itself), give "answer": null and let
   the precondition refuse it: the family is admitted on its examples (then at least 2).
   Never bend the program to fit a flawed request.
5. "examples": 2 to 4 further requests of the kind (as a user would write them; in a widening
   also rule 6's refused ones), each with its answer and matching a pattern. In the program,
   add module-level `assert solve(...) == ...` examples and, where natural, prop_* properties.
6. What must be answered, what may be refused (stated here only). The program MUST return
   exactly the given answer on: this request (unless your answer is null), your "examples",
   its module-level asserts, the regressions listed below the request ("must give"), and, in
   a widening, each refused request listed there that one of your patterns matches. It MAY
   refuse any other input. Give the entry point a precondition (@requires, or asserts opening
   its body) that rejects inputs it cannot handle and a docstring saying which requests it
   handles (the router reads both); refuse rather than guess: where requests are free-form text, handle
   those you can read and let the precondition refuse the rest. A refusal is a miss, never a
   wrong answer. Such an assert's message (`assert bad is None, f"cannot read {bad!r}"`) is
   shown with each refusal (a @requires shows none); for requests your patterns match but the precondition refuses,
   the engine later asks for a WIDER version of this family (its program and those requests
   shown).
7. "open": each hole the program truly handles for ANY value (free text it sorts, counts or
   copies whatever the words); each needs a prop_* property taking that parameter (same name
   and type) and calling the entry point, which the verifier fuzzes. Other holes are checked
   against a direct answer whenever a request brings a word they never saw.
8. If no program can answer (it needs world knowledge or taste), reply with "program": ""
   and the kind's "patterns", so that it is recognised next time.
"""


def stdlib_list(typed_in_guide: frozenset[str] = frozenset()) -> str:
    """Every name the checker accepts (data attributes too: ``date.year``; a stand-in model of
    run 5 could not tell they exist), with the type it gives, from the checker's own table
    (``seglam/check/signatures.py``), so the list never drifts from what ``seglam check``
    enforces: ``name ... -> result type`` grouped by result type, overloads joined by ``or``.
    A built-in in ``typed_in_guide`` (the guide gives its signature: ``parse_int``) is named
    without its type, which the guide states."""
    lines = ["- builtins: " + _typed_names(sig.BUILTINS, typed_in_guide)]
    lines += [f"- {kind} methods: " + _as_module(stubs) for kind, stubs in sig.METHODS.items()]
    lines += [f"- {kind} attributes: " + _typed_names(stubs) for kind, stubs in sig.ATTRIBUTES.items()]
    for module, stubs in sig.MODULES.items():
        types = list(sig.MODULE_TYPES.get(module, {}))
        others = [n for n in sorted(sig.SPECIAL_MEMBERS.get(module, ())) if n not in types]
        parts = [_typed_names(stubs)] if stubs.strip() else []
        parts += [" ".join(types) + (" (types)" if len(types) > 1 else " (type)")] if types else []
        parts += [" ".join(others)] if others else []
        lines.append(f"- module {module}: " + "; ".join(parts))
    return "\n".join(lines) + "\n"


#: A signature as the guide writes one (SPEC §9: `parse_int(s: str) -> int | None`).
_GUIDE_SIGNATURE = re.compile(r"`(\w+)\([^`]*\) -> [^`]+`")


def typed_in(guide: str) -> frozenset[str]:
    """The names whose signature ``guide`` gives."""
    return frozenset(_GUIDE_SIGNATURE.findall(guide))


_STUB_DEF = re.compile(r"^def\s+(\w+)\s*\(.*\)\s*->\s*(.+?)\s*:\s*\.\.\.\s*$")
_STUB_ATTR = re.compile(r"^(\w+)\s*:\s*(.+?)\s*$")


def _as_module(stubs: str) -> str:
    """A kind's methods typed, or, when a module has functions of the same names and result
    types (``Pattern.search`` and ``re.search``), their names ``(as module re's)``."""
    methods = _results(stubs)
    for module, functions in sig.MODULES.items():
        same = _results(functions)
        if methods and all(same.get(name) == types for name, types in methods.items()):
            return " ".join(methods) + f" (as module {module}'s)"
    return _typed_names(stubs)


def _results(stubs: str) -> dict[str, list[str]]:
    """Each name of ``stubs`` with the result type of each of its overloads."""
    results: dict[str, list[str]] = {}
    for line in stubs.splitlines():
        m = _STUB_DEF.match(line.strip()) or _STUB_ATTR.match(line.strip())
        if m:
            results.setdefault(m.group(1), []).append(m.group(2))
    return results


def _typed_names(stubs: str, untyped: frozenset[str] = frozenset()) -> str:
    by_type: dict[str, list[str]] = {}
    for name, types in _results(stubs).items():
        by_type.setdefault("" if name in untyped else " or ".join(_overloads(types)), []).append(name)
    named = by_type.pop("", [])
    return "; ".join([" ".join(names) + " -> " + kind for kind, names in by_type.items()]
                     + ([" ".join(named) + " (typed in the guide)"] if named else []))


def _overloads(types: list[str]) -> list[str]:
    """The result types of one name's overloads, once each, without the ``Never`` ones of an
    empty call (``list()``, ``dict()``) when another is given, and the overloads by arity
    (``zip``: ``Iterator[tuple[T]]`` ... ``Iterator[tuple[T, U, S, R]]``) as one."""
    kinds = list(dict.fromkeys(types))
    kinds = [t for t in kinds if "Never" not in t] or kinds
    arity = [t for t in kinds if _ARITY.fullmatch(t)]
    if len(arity) < 3 or len({_ARITY.fullmatch(t).group(1, 3) for t in arity}) != 1:  # type: ignore[union-attr]
        return kinds
    head, _, tail = _ARITY.fullmatch(arity[-1]).groups()  # type: ignore[union-attr]
    one = f"{head}tuple[{', '.join(_TYPE_VARS[:2])}, ...]{tail} (one item per iterable, up to {len(arity)})"
    return [one if t == arity[0] else t for t in kinds if t == arity[0] or t not in arity]


_TYPE_VARS = ("T", "U", "S", "R")
#: A result type whose tuple has one type variable per argument: T / T, U / T, U, S / ...
_ARITY = re.compile(r"(.*?)tuple\[(T(?:, [USR])*)\](.*)")


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

    def compile_messages(self, user: str, query: str = "", admitted: Sequence[WorkedFamily] = (),
                         modules: Sequence[tuple[str, str]] = (), *, replacing: bool = False) -> list[dict[str, str]]:
        """The compile prompt for ``user`` (a request text from :func:`free_text_request` or
        :func:`structured_request`); ``query`` is what the worked families are chosen by (the
        request's own text), ``admitted`` the cache's families that may be shown, ``modules``
        the cache's own library modules ((name, source); the related ones are listed). A
        compile ``replacing`` a family (a widening, a correction) shows no worked family: the
        family's own program is the one to extend (in stand-in run 6 a built-in worked family
        was ~800 of a widening's ~11,000 tokens, on every widening)."""
        chosen = [] if replacing else select_worked(query or user, self.worked, admitted)
        library = (library_for(query or user), cache_library_for(query or user, modules))
        shown = "\n\n".join(p for p in (render_worked(chosen), *library) if p)
        content = (shown + "\n\n" + REQUEST_HEADING + user) if shown else user
        return [{"role": "system", "content": self.system}, {"role": "user", "content": content}]


def reply_shape(kind: type) -> str:
    """``kind``'s JSON Schema written as one JSON-like line: every field with its type, ``?``
    after an optional one (``"entry"?: string | null``), nested objects inline. Titles and
    descriptions are left out: the rules state what each field means."""
    schema = json.loads(schema_text(kind))
    return _shape(schema, schema.get("$defs", {}))


def _shape(node: dict[str, Any], defs: dict[str, Any]) -> str:
    if "$ref" in node:
        return _shape(defs[node["$ref"].rsplit("/", 1)[-1]], defs)
    if "anyOf" in node:
        return " | ".join(_shape(n, defs) for n in node["anyOf"])
    kind = node.get("type")
    if kind == "array":
        return "[" + _shape(node.get("items", {}), defs) + ", ...]"
    if kind == "object" and "properties" in node:
        required = set(node.get("required", ()))
        fields = (f'"{k}"{"" if k in required else "?"}: {_shape(v, defs)}' for k, v in node["properties"].items())
        return "{" + ", ".join(fields) + "}"
    return str(kind) if kind else "any JSON value"


#: How a hole type with an argument is written, for the prompts' lists of hole types.
SPELLED = {"tokens": "tokens(a b c)", "chars": "chars(0-9a-f)"}


def route_rules(text: str) -> str:
    """``text`` with the hole types the pattern engine knows (all of them, as they are written)."""
    return text.replace("{hole_names}", ", ".join(SPELLED.get(name, name) for name in HOLE_TYPES))


def pattern_rules(text: str) -> str:
    """``text`` with the pattern rule's numbers and hole table filled in from the cache's
    own definitions (seglam.cache.holes.HOLE_TYPES, seglam.cache.admit)."""
    holes = "; ".join(f"{SPELLED.get(name, name)} ({t.summary}"
                      + ("" if t.param_type == "str" else f" -> {t.param_type}") + ")" for name, t in HOLE_TYPES.items())
    return (text.replace("{holes}", holes).replace("{specificity}", str(MIN_SPECIFICITY))
            .replace("{worths}", hole_worths()))


_CONTINUATION = re.compile(r"\n {2,}(?=\S)")


def unwrap(text: str) -> str:
    """``text`` with each indented continuation line (a list item wrapped in its source)
    joined to the line it continues: the same words, without an indent on every wrapped line."""
    return _CONTINUATION.sub(" ", text)


def build_prompts(
    guide: str | None = None,
    worked: Sequence[WorkedFamily] | None = None,
    stdlib: str | None = None,
    library: str | None = None,
) -> PromptBook:
    """The prompt book; ``guide``, ``worked`` (the pool), ``stdlib`` and ``library`` (the Seglam
    modules a program imports, :mod:`seglam.engine.library_prompt`) default to the real ones."""
    guide = load_guide() if guide is None else guide
    worked = load_worked() if worked is None else worked
    stdlib = stdlib_list(typed_in(guide)) if stdlib is None else stdlib
    library = library_index() if library is None else library
    parts = [
        unwrap(pattern_rules(RULES)),
        "# The Seglam language guide (generated from SPEC.md)\n\n" + unwrap(guide),
        "# The standard library: every name, with the type it returns (any other is E-ATTR or E-IMPORT)\n\n"
        + stdlib,
        LIBRARY_HEADING + "\n\n" + library,
        "# The reply (from its JSON Schema; ? marks an optional field)\n\n" + reply_shape(CompileReply),
    ]
    system = "\n\n".join(p.strip() for p in parts) + "\n"
    route_system = route_rules(ROUTE_RULES) + "\n# The answer schema (JSON Schema)\n\n" + schema_text(RouteReply) + "\n"
    pool = "\0".join(w.render() for w in worked)
    digest = hashlib.sha256((system + "\0" + route_system + "\0" + pool).encode()).hexdigest()
    return PromptBook(system, route_system, digest, tuple(worked))


# -- per-request texts ------------------------------------------------------------------


def free_text_request(request: str, counterexamples: Sequence[str] = (), current: str | None = None,
                      context: Sequence[str] = (), refused: Sequence[tuple[str, str]] = (),
                      kept: tuple[Sequence[str], int] = ((), 0)) -> str:
    """The user turn of a compile for a free-text request; ``current`` is the program of the
    family this compile replaces (widening or correction), shown so the model extends it;
    ``context`` is what the engine tried before this compile and why it failed (a refused
    route, a widening and its cause), so nothing falls through silently; ``refused`` are the
    (request, why) a widened family refused, which the new version must answer where its
    patterns match them (rule 6); ``kept`` are the family's stored requests shown (and how many
    more there are), which the new version must still match and answer."""
    out = ["Compile this request into a Seglam family.", "", "Request:", request]
    out += (_context(context) + _kept(*kept) + _refused(refused, request) + _counterexamples(counterexamples)
            + _current(current))
    return "\n".join(out)


#: The system message of a direct answer (a shadow check, a dispute, the uncached fallback).
#: It states the answer's form as rule 2 does, so a right direct answer is not taken for a
#: disagreement ("B" against a program's "(B)"; stand-in run 5).
DIRECT_SYSTEM = ('Answer the request directly. Reply with one JSON object: {"answer": ...}. Give the answer in '
                 'exactly the form the request asks for: a number as a JSON number, an option as its label '
                 'written as in the request ("(A)"; for options listed without labels, as "- valid", the '
                 'option\'s own text: "valid"), a word or a date as a string.')


def widening_note(family: str, version: int, signature: str, patterns: Sequence[str], why: str) -> str:
    """Why a compile writes the next version of ``family`` instead of a new family, and what
    that version must keep (the ``context`` of :func:`free_text_request`)."""
    return (f"This compile WIDENS family {family} (v{version}, {signature}): {why}. Write its next version for the "
            f"kind, not for one wording: keep every request it answers and every answer it gives (keep its patterns "
            f"{_json(list(patterns))}, or replace them by wider ones that match the same requests); add patterns for "
            "the refused requests listed below and for the other wordings of this kind you can anticipate from them, "
            "with a hole for every part that varies within the kind (the question too, when the kind asks several "
            "questions over the same data); extend the program. The entry point's parameters and hole names may "
            "change: stored requests are bound again through the patterns (an old pattern you do not list again is "
            "dropped when your new ones match its requests; where several match, the most specific, with the most "
            "fixed text, binds). Each pattern must match a stored or refused request listed below or one of your "
            "examples. The new version is re-checked against every stored request, example and counterexample of "
            "the family.")


def _kept(shown: Sequence[str], more: int) -> list[str]:
    if not shown:
        return []
    out = ["", "Requests the family answers now (stored; the new version's patterns must still match each one and "
               "its program still answer it)" + (f", {len(shown)} of {len(shown) + more}, each pattern's first "
                                                   "among them (the others are re-checked too):" if more else ":")]
    return out + [f"- {_json(text)}" for text in shown]


def _refused(refused: Sequence[tuple[str, str]], request: str) -> list[str]:
    if not refused:
        return []
    out = ["", "Requests the family refused (most recent first). Rule 6: the new version must answer each one "
               "your patterns match, given in \"examples\" with its answer; if one is not of this family's kind, "
               "let no pattern match it (it needs no answer):"]
    return out + [f"- {_json(text)}" + (" (this request: your \"answer\", or null if it cannot be answered as asked: rule 4)"
                                     if text == request else "") + f": refused, {why}"
                  for text, why in refused]


def structured_request(
    task: str,
    inputs: Mapping[str, Any],
    signature: str | None = None,
    examples: Sequence[tuple[Mapping[str, Any], Any]] = (),
    counterexamples: Sequence[str] = (),
    current: str | None = None,
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
    out += _counterexamples(counterexamples) + _current(current)
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


def _current(source: str | None) -> list[str]:
    if not source:
        return []
    return ["", "The family's current program (the new version replaces it: keep what it does right, "
                "change what the lines above say it gets wrong or refuses):", "```python", source.rstrip("\n"), "```"]


def _context(notes: Sequence[str]) -> list[str]:
    if not notes:
        return []
    return ["", "What the engine tried before this compile:"] + [f"- {n}" for n in notes]


def _counterexamples(cxs: Sequence[str]) -> list[str]:
    if not cxs:
        return []
    return ["", "Regressions: inputs this family got wrong or failed on at some version (a growing regression "
                "list, not only the current failures): the new program must pass every one. Rule 6: \"must give\" "
                "is answered with that value; one that \"failed\" must not fail again (refusing it passes):"] + [
        f"- {c}" for c in cxs
    ]


ROUTE_RULES = """\
You route a request to an existing SEGLAM program family, or say none fits.
Each offered family has an id, a description, its entry point's signature, what the
entry point accepts (its docstring and precondition) and the patterns of requests it
already recognises. Pick a family if the request is of its kind: the same task with
the same form of answer, however the request states its facts (other words, other facts
to read, another question over the same data); one family per kind, not per wording. Give
bindings and a pattern ONLY if the family computes exactly what this request asks. If
the request is of the family's kind but asks what it does not compute (another
question or form), its precondition shown would refuse the inputs, or its patterns fix
as literal text a part this request changes (a name, unit, place), reply with the
family and empty bindings, {"family": "<id>", "bindings": {}}: the engine then asks
for a wider version of that family instead of writing a rival one. Pick none for a
different kind of task: other kinds of facts, or another form of answer (a question
over the same kind of facts with the same form of answer is the same kind).
Reply with one JSON object:
  {"family": "<id>" or null, "bindings": {param: value, ...}, "pattern": "<pattern>"}
"bindings" gives every parameter of the entry point its value taken from the request
(its own text, not a value you work out or invent); if a parameter has no such text in
the request, reply with the family and empty bindings (a wider version is then asked for).
"pattern" is this request's wording with typed holes {name: type} where the inputs are
(types: {hole_names}), so the next such request is
recognised. When no family fits, reply {"family": null} (no bindings, no pattern).
"""


def route_message(request: str, families: Sequence[Mapping[str, Any]]) -> str:
    out = ["Request:", request, "", "Offered families:"]
    for f in families:
        out.append(_json(f))
    return "\n".join(out)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)
