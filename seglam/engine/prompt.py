"""The prompts: the compile prompt (guide + stdlib + worked families + schema), repair
turns, and the short routing prompt.

The system prompt is built once per compiler and hashed; the hash goes into every entry's
provenance so a family records exactly which instructions produced it.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from seglam.engine.guide import load_guide
from seglam.engine.schema import CompileReply, RouteReply, schema_text

#: Worked families shown to the model (short ones: the prompt shares the context window).
DEFAULT_WORKED = ("word_sorting", "web_of_lies")

_STDLIB_FALLBACK = """\
- builtins: len abs min max sum sorted reversed enumerate zip range any all int float str bool
  list dict set tuple round divmod isinstance(x, T) ord chr
- str: split rsplit join strip lstrip rstrip startswith endswith replace find rfind index count
  lower upper title capitalize isdigit isalpha isalnum isspace isupper islower zfill ljust rjust
  center splitlines partition rpartition format-free f-strings
- list: append extend insert pop remove index count copy sort reverse (local lists only)
- dict: get items keys values setdefault pop update copy; set: add discard remove union
  intersection difference issubset issuperset
- parsing: parse_int(s) -> int | None, parse_float(s) -> float | None, parse_decimal(s) ->
  Decimal | None, parse_date(s) -> date | None
- modules: re (RE2: search, match, fullmatch, findall, sub, split; match.group/groups/start/end),
  math (sqrt floor ceil gcd isqrt pi inf ...), itertools (permutations combinations product),
  dataclasses.dataclass, enum.Enum, datetime.date/timedelta, decimal.Decimal
"""

RULES = """\
You are the compiler of SEGLAM, a reasoning cache. You never answer a request by itself:
you write a small Seglam program that computes the answer for every request of the same
kind, plus the patterns that recognise such requests and bind their inputs.

Rules:
1. Answer with ONE JSON object that fits the schema below, nothing else.
2. "program" is a complete Seglam module (typed, pure Python 3.10+ subset, see the guide).
   Its entry point ("entry", default "solve") takes the request's varying parts as typed
   parameters and returns the answer in exactly the requested form (same spelling,
   e.g. "(A)", "Yes", "True", a number).
3. "patterns" recognise requests of this kind. A pattern is the request's fixed wording
   with typed holes `{name: type}` where the inputs vary; hole names are the entry point's
   parameters; types: str (any text), word (no spaces), int, float, Decimal, bool, date.
   A pattern must match the WHOLE request (case and whitespace are flexible) and keep
   enough fixed wording (at least {anchors} whole words, {chars} letters) to be specific to this kind.
   Write `{{` and `}}` for literal braces. Write one family per kind, not per wording.
   Give a pattern for each wording you expect requests of this kind to take, from the
   request and its examples; each pattern must match the request or one of your examples.
4. "answer" is YOUR OWN direct answer to this request, worked out independently of the
   program. The program must return exactly it on the request's bound inputs.
5. "examples": 2 to 4 further requests of the same kind (as a user would write them),
   each with its answer. They must match a pattern too.
6. Give the entry point a precondition (@requires or leading asserts) that rejects inputs
   it cannot handle, so an unexpected request becomes a miss instead of a wrong answer.
   Add module-level `assert solve(...) == ...` examples and, where natural, prop_* properties.
7. If a request cannot be answered by a program (it needs world knowledge or taste),
   still answer the JSON, with "program" as an empty string.
"""


@dataclass(frozen=True)
class WorkedFamily:
    task: str
    request: str
    reply: dict[str, Any]


def families_dir() -> Path | None:
    """``stdlib/families`` (the repository's, or the installed ``seglam.stdlib``'s)."""
    candidates = [Path(__file__).resolve().parents[2] / "stdlib" / "families"]
    try:
        import importlib.resources as resources

        candidates.append(Path(str(resources.files("seglam.stdlib"))) / "families")
    except (ImportError, ModuleNotFoundError, TypeError):
        pass
    return next((p for p in candidates if p.is_dir()), None)


def load_worked(names: Sequence[str] = DEFAULT_WORKED, directory: Path | None = None) -> list[WorkedFamily]:
    """Worked families from their ``.sgl`` + ``.json`` sidecars. The answers shown are the
    programs' own outputs under the CPython oracle, so the examples are always right."""
    directory = directory or families_dir()
    out: list[WorkedFamily] = []
    if directory is None:
        return out
    for name in names:
        try:
            meta = json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))
            source = (directory / f"{name}.sgl").read_text(encoding="utf-8")
            entry = meta.get("entry", "solve")
            samples = list(meta.get("samples", []))
            answers = [_oracle_answer(source, entry, meta["patterns"], s) for s in samples[:3]]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if not samples or any(a is _NO for a in answers):
            continue
        reply = {
            "description": meta.get("description", ""),
            "entry": entry,
            "patterns": list(meta["patterns"]),
            "program": source,
            "answer": answers[0],
            "examples": [{"request": s, "answer": a} for s, a in zip(samples[1:3], answers[1:3])],
            "properties": [n for n in _prop_names(source)],
        }
        out.append(WorkedFamily(name, samples[0], reply))
    return out


_NO = object()


def _oracle_answer(source: str, entry: str, patterns: Iterable[str], request: str) -> Any:
    from seglam.cache.pattern import parse_pattern
    from seglam.run.oracle import run_cpython

    for text in patterns:
        bound = parse_pattern(text).match(request)
        if bound is not None:
            try:
                res = run_cpython(source, entry, kwargs=bound)
            except Exception:  # noqa: BLE001 - a broken worked family is skipped, not fatal
                return _NO
            return res.value if res.ok else _NO
    return _NO


def _prop_names(source: str) -> list[str]:
    return [l.split("(")[0][4:].strip() for l in source.splitlines() if l.startswith("def prop_")]


def stdlib_list() -> str:
    """Every name the checker accepts, compactly, from its own table
    (``seglam/check/signatures.py``), so the list never drifts; a fixed list otherwise."""
    try:
        from seglam.check import signatures as sig

        lines = ["- builtins: " + " ".join(_stub_names(sig.BUILTINS))]
        for kind, stubs in sig.METHODS.items():
            lines.append(f"- {kind} methods: " + " ".join(_stub_names(stubs)))
        modules: dict[str, list[str]] = {m: _stub_names(stubs) for m, stubs in sig.MODULES.items()}
        for extra in (getattr(sig, "MODULE_TYPES", {}), getattr(sig, "SPECIAL_MEMBERS", {})):
            for module, names in extra.items():
                modules.setdefault(module, []).extend(sorted(names))
        for module, names in modules.items():
            if names:
                lines.append(f"- module {module}: " + " ".join(dict.fromkeys(names)))
        return "\n".join(lines) + "\n"
    except Exception:  # noqa: BLE001 - the table is optional here; the fallback list is close enough
        return _STDLIB_FALLBACK


_STUB_NAME = re.compile(r"^(?:def\s+(\w+)\s*\(|(\w+)\s*:)", re.M)


def _stub_names(stubs: str) -> list[str]:
    return list(dict.fromkeys(m.group(1) or m.group(2) for m in _STUB_NAME.finditer(stubs)))


@dataclass(frozen=True)
class PromptBook:
    """The compiler's fixed texts. Build with :func:`build_prompts`."""

    system: str
    route_system: str
    hash: str

    def compile_messages(self, request: str) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system}, {"role": "user", "content": request}]


def build_prompts(
    guide: str | None = None,
    worked: Sequence[WorkedFamily] | None = None,
    stdlib: str | None = None,
) -> PromptBook:
    guide = load_guide() if guide is None else guide
    worked = load_worked() if worked is None else worked
    stdlib = stdlib_list() if stdlib is None else stdlib
    from seglam.cache.admit import MIN_ANCHORS, MIN_LITERAL_CHARS

    parts = [
        RULES.replace("{anchors}", str(MIN_ANCHORS)).replace("{chars}", str(MIN_LITERAL_CHARS)),
        "# The Seglam language guide (generated from SPEC.md)\n\n" + guide,
        "# The standard library\n\n" + stdlib,
        "# The answer schema (JSON Schema)\n\n" + schema_text(CompileReply),
    ]
    for w in worked:
        parts.append(
            f"# Worked family: {w.task}\n\nRequest:\n{w.request}\n\nAnswer:\n" + json.dumps(w.reply, indent=1)
        )
    system = "\n\n".join(p.strip() for p in parts) + "\n"
    route_system = ROUTE_RULES + "\n# The answer schema (JSON Schema)\n\n" + schema_text(RouteReply) + "\n"
    digest = hashlib.sha256((system + "\0" + route_system).encode()).hexdigest()
    return PromptBook(system, route_system, digest)


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
        '"patterns" stays empty; the entry point takes exactly the inputs below as parameters.',
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


def repair_message(reasons: Sequence[str], frozen: Sequence[str] = ()) -> str:
    out = ["Your answer was refused:"]
    out += [f"- {r}" for r in reasons]
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
(types: str, word, int, float, Decimal, bool, date), so the next such request is recognised.
"""


def route_message(request: str, families: Sequence[Mapping[str, Any]]) -> str:
    out = ["Request:", request, "", "Offered families:"]
    for f in families:
        out.append(_json(f))
    return "\n".join(out)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=repr)
