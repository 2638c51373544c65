"""A recorded compiler: a local OpenAI-compatible server that replays recorded model answers.

It lets the real engine (prompt path, admission, verifier, cache) run a real request stream
offline, deterministically. The *recording* is the model's knowledge:

- for every known request text, the task it belongs to and its target answer (the BIG-Bench
  Hard task files: a perfect model's direct answer);
- for every kind of problem, the family a model writes for it (``stdlib/families/*.sgl`` with
  their ``.json`` sidecars: description, patterns, program, sample requests).

A request's family is its task's family (``<task>.sgl``: one family per kind). A *partial*
family (its sidecar says ``"partial"``: date_understanding, whose program cannot read contexts
that need world knowledge) is the family only of the requests its program answers: the model
knows which requests its program can read (the recording finds out by running the program on
the request, never by looking at the target). A directory of per-wording families
(``<task>__<wording>``, as this repository had for date_understanding) is still read: such a
request's family is the wording family whose patterns match it. A request with no family
(the negative controls, contexts that need world knowledge, unknown text) gets what a real
model gives when no program fits: its direct answer with an empty program, which the engine
treats as "not programmable".

The server answers the four kinds of call the engine makes:

- ``compile``: the request's family, with the target as the model's own direct answer;
- ``repair``: the recording holds one family per kind, so a refused one cannot be fixed: the
  model declines (empty program) and gives its direct answer, as a real model does when it
  cannot satisfy the checks;
- ``route``: as a model routes, by the kind of task: the first offered family whose
  description is one of the recording's families for the request's task (never by the
  answer), when the recording has a family for the request. The pattern is one of the
  family's patterns (offered or recorded) if one binds the request; else, for a request that
  rewords a known one (:func:`reworded`), the model writes one for the new wording
  (:func:`generalise`: the request's text with the inputs as holes), and the bindings are
  what it binds. No offered family of the kind, or no pattern that binds: ``{"family": null}``;
- ``direct`` (the ``uncached`` fallback, and the baselines): ``{"answer": target}``;
- ``cot`` (the chain-of-thought baseline: a few-shot prompt ending in ``Q: <request>`` and
  ``A: Let's think step by step.``): a chain of thought as long as one of the prompt's own
  worked answers (chosen by the request's hash), ending in ``So the answer is <target>.``
  Only its length is realistic; the reasoning is the worked example's.

Token usage is estimated the same way for every call (:func:`count_tokens`: about four
characters a token, plus a few per message), so tokens compare across systems.

Run ``python -m seglam.engine.recorded [--data DIR]`` to serve it and print its base URL.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from seglam.cache.errors import PatternError
from seglam.cache.pattern import bind, parse_pattern
from seglam.engine.loopback import JSON_HEADERS, LoopbackServer, Reply, completion_body
from seglam.engine.prefix_cache import PrefixCache
from seglam.engine.prompt import REQUEST_HEADING
from seglam.program import compile as compile_program
from seglam.run.faults import Fault

MODEL_NAME = "recorded-bbh"
MAX_BODY = 20_000_000
TOKENS_PER_MESSAGE = 4  # chat framing per message, as the OpenAI tokenizer cookbook counts it

COMPILE_HEAD = "Compile this request into a Seglam family."
STRUCTURED_HEAD = "Compile this structured request"
DIRECT_SYSTEM_HEAD = "Answer the request directly"
COT_CUE = "A: Let's think step by step."
_FINAL = re.compile(r"\s*So the answer is [^\n]*$")


# -- the recording ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instance:
    """One known request: its task and the target answer."""

    task: str
    text: str
    target: str
    source: str | None = None  # the known request this one rewords (see :func:`reworded`)


@dataclass(frozen=True)
class RecordedFamily:
    """The family a model writes for one kind of problem."""

    name: str
    description: str
    entry: str
    patterns: tuple[str, ...]
    program: str
    samples: tuple[str, ...]
    properties: tuple[str, ...]
    partial: bool = False  # its program declines some requests of its kind (see the sidecar)
    open: tuple[str, ...] = ()  # holes the reply declares open (the sidecar's "open")


@dataclass(frozen=True)
class Recording:
    """Everything the recorded model knows. Immutable."""

    instances: Mapping[str, Instance]
    families: Mapping[str, RecordedFamily]
    family_of: Mapping[str, str]  # request text -> family name; absent: no program fits

    def instance(self, text: str) -> Instance | None:
        return self.instances.get(text) or self.instances.get(text.strip())

    def family_for(self, text: str) -> RecordedFamily | None:
        name = self.family_of.get(text) or self.family_of.get(text.strip())
        return self.families.get(name) if name else None


def default_families_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "stdlib" / "families"


def load_tasks(data_dir: Path | str) -> dict[str, list[Instance]]:
    """Every ``<task>.json`` of a BBH directory: task -> its instances, in file order."""
    out: dict[str, list[Instance]] = {}
    for path in sorted(Path(data_dir).glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        examples = data.get("examples") if isinstance(data, dict) else None
        if not isinstance(examples, list):
            continue
        out[path.stem] = [
            Instance(path.stem, str(e["input"]), str(e["target"]))
            for e in examples
            if isinstance(e, dict) and "input" in e and "target" in e
        ]
    return out


def load_families(directory: Path | str | None = None) -> dict[str, RecordedFamily]:
    """The recorded family replies, from ``.sgl`` programs with ``.json`` sidecars."""
    root = Path(directory) if directory else default_families_dir()
    out = {}
    for meta_path in sorted(root.glob("*.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        program = meta_path.with_suffix(".sgl").read_text(encoding="utf-8")
        name = str(meta.get("task") or meta_path.stem)
        out[name] = RecordedFamily(
            name=name,
            description=str(meta["description"]),
            entry=str(meta.get("entry", "solve")),
            patterns=tuple(meta["patterns"]),
            program=program,
            samples=tuple(meta.get("samples", ())),
            properties=tuple(_prop_names(program)),
            partial=bool(meta.get("partial")),
            open=tuple(meta.get("open", ())),
        )
    return out


def load_recording(data_dir: Path | str, families_dir: Path | str | None = None) -> Recording:
    """The recording for a BBH data directory and a families directory."""
    tasks = load_tasks(data_dir)
    families = load_families(families_dir)
    instances: dict[str, Instance] = {}
    for items in tasks.values():
        for inst in items:
            instances.setdefault(inst.text, inst)
    family_of: dict[str, str] = {}
    wordings = _parsed([f for f in families.values() if "__" in f.name])
    readers = {name: _reader(fam) for name, fam in families.items() if fam.partial}
    for inst in instances.values():
        if inst.task in families:
            reads = readers.get(inst.task)
            if reads is None or reads(inst.text):
                family_of[inst.text] = inst.task
            continue
        wording = next((name for name, pat in wordings
                        if name.split("__")[0] == inst.task and pat.match(inst.text) is not None), None)
        if wording is not None:
            family_of[inst.text] = wording
    return Recording(instances, families, family_of)


def _parsed(families: Sequence[RecordedFamily]) -> list[tuple[str, Any]]:
    return [(fam.name, parse_pattern(p)) for fam in families for p in fam.patterns]


def _reader(fam: RecordedFamily) -> Any:
    """Whether the family's program answers a request (its precondition accepts it): the
    recorded model's knowledge of what its program can read."""
    program = compile_program(fam.program, filename=f"{fam.name}.sgl")
    patterns = [parse_pattern(p) for p in fam.patterns]

    def reads(text: str) -> bool:
        bound = bind(patterns, text)
        if bound is None:
            return False
        try:
            program.call(fam.entry, **bound)
        except Fault:
            return False
        return True

    return reads


def _prop_names(source: str) -> list[str]:
    return [line[4:].split("(")[0].strip() for line in source.splitlines() if line.startswith("def prop_")]


# -- the recorded model ------------------------------------------------------------------------


def count_tokens(text: str) -> int:
    """A tokenizer-free estimate: about four characters a token (English and code)."""
    return (len(text) + 3) // 4


def prompt_tokens(messages: Any) -> int:
    """The prompt's tokens: every message's content plus its framing, plus the reply's priming."""
    items = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
    return sum(count_tokens(str(m.get("content", ""))) + TOKENS_PER_MESSAGE for m in items) + 3


@dataclass(frozen=True)
class Decision:
    """What the recorded model answers to one call, and why (for the log)."""

    kind: str  # compile | repair | route | direct | unknown
    content: str
    family: str | None = None
    task: str | None = None


def respond(recording: Recording, body: Mapping[str, Any]) -> Decision:
    """The recorded model's answer to one chat-completion request body."""
    raw = body.get("messages")
    messages = [m for m in raw if isinstance(m, dict)] if isinstance(raw, list) else []
    system = next((str(m.get("content", "")) for m in messages if m.get("role") == "system"), "")
    users = [str(m.get("content", "")) for m in messages if m.get("role") == "user"]
    first = users[0] if users else ""
    first = first.partition(REQUEST_HEADING)[2] or first  # a compile prompt's request, after its worked families
    repair = any(m.get("role") == "assistant" for m in messages)
    question = cot_question(first) if not system and not repair else None
    if question is not None:
        inst = recording.instance(question)
        return Decision("cot", cot_reply(first, inst.target if inst else "unknown", question), None,
                        inst.task if inst else None)
    if system.startswith(DIRECT_SYSTEM_HEAD):
        inst = recording.instance(first)
        return Decision("direct", _dump({"answer": inst.target if inst else None}), None, inst.task if inst else None)
    if first.startswith(COMPILE_HEAD):
        text = _compile_request(first)
        if repair:  # one recorded answer per request: a refused family cannot be fixed, so decline
            inst = recording.instance(text)
            return Decision("repair", _decline("the recorded family was refused and I cannot fix it",
                                               inst.target if inst else None), None, inst.task if inst else None)
        return _compile(recording, text, "compile")
    if first.startswith(STRUCTURED_HEAD):
        return Decision("repair" if repair else "compile", _decline("structured requests are not in this recording", None))
    if first.startswith("Request:\n") and "\n\nOffered families:" in first:
        return _route(recording, first)
    return Decision("unknown", _decline("I do not understand this call", None))


def cot_question(prompt: str) -> str | None:
    """The request of a few-shot chain-of-thought prompt (the text of its last ``Q:``), or None."""
    body = prompt.rstrip()
    if not body.endswith(COT_CUE):
        return None
    head = body[: -len(COT_CUE)].rstrip("\n")
    at = head.rfind("\n\nQ: ")
    if at >= 0:
        return head[at + 5:]
    return head[3:] if head.startswith("Q: ") else None


def cot_exemplars(prompt: str) -> list[str]:
    """The reasoning of the prompt's worked answers, each without its final "So the answer is"."""
    pieces = prompt.split(COT_CUE)[1:-1]  # the last cue is the request's own, still unanswered
    out = []
    for piece in pieces:
        answer = piece.split("\n\nQ: ", 1)[0].strip()
        reasoning = _FINAL.sub("", answer).strip()
        if reasoning:
            out.append(reasoning)
    return out


def cot_reply(prompt: str, target: str, question: str) -> str:
    """A chain of thought of realistic length: one of the prompt's worked answers' reasoning
    (picked by the request's hash), then this request's answer."""
    worked = cot_exemplars(prompt)
    reasoning = worked[zlib.crc32(question.encode("utf-8", "surrogatepass")) % len(worked)] if worked else ""
    return (reasoning + " " if reasoning else "") + f"So the answer is {target}."


def _compile_request(user: str) -> str:
    text = user.split("Request:\n", 1)[-1]
    return text.split("\n\nEarlier versions of this family failed", 1)[0]


def _compile(recording: Recording, text: str, kind: str) -> Decision:
    inst = recording.instance(text)
    fam = recording.family_for(text)
    if fam is None or inst is None:
        why = "no deterministic program answers this kind of request" if inst else "an unknown request"
        return Decision(kind, _decline(why, inst.target if inst else None), None, inst.task if inst else None)
    examples = []
    for sample in fam.samples:
        known = recording.instance(sample)
        if known is not None and sample.strip() != text.strip():
            examples.append({"request": sample, "answer": known.target})
    reply = {
        "description": fam.description,
        "entry": fam.entry,
        "patterns": list(fam.patterns),
        "program": fam.program,
        "answer": inst.target,
        "examples": examples,
        "properties": list(fam.properties),
        "open": list(fam.open),
    }
    return Decision(kind, _dump(reply), fam.name, inst.task)


def _decline(why: str, answer: Any) -> str:
    return _dump({"description": f"not programmable: {why}", "patterns": [], "program": "", "answer": answer})


def _route(recording: Recording, user: str) -> Decision:
    head, _, offered_text = user.partition("\n\nOffered families:\n")
    text = head[len("Request:\n"):]
    fam = recording.family_for(text)
    inst = recording.instance(text)
    task = inst.task if inst else None
    if fam is None or task is None:
        return Decision("route", _dump({"family": None}), None, task)
    kind = {f.description: f for f in recording.families.values() if f.name.split("__")[0] == task}
    for line in offered_text.splitlines():
        try:
            offer = json.loads(line)
        except ValueError:
            continue
        if not isinstance(offer, dict) or offer.get("description") not in kind:
            continue
        known = [p for p in offer.get("patterns") or () if isinstance(p, str)] + list(kind[offer["description"]].patterns)
        pattern, bindings = _bind(known, text)
        if pattern is None and inst is not None and inst.source is not None:
            pattern, bindings = _bind([g for g in (generalise(p, inst.source, text) for p in known) if g], text)
        if pattern is not None:
            return Decision("route", _dump({"family": offer.get("id"), "bindings": bindings, "pattern": pattern}),
                            fam.name, task)
    return Decision("route", _dump({"family": None}), fam.name, task)


def _bind(patterns: Iterable[str], text: str) -> tuple[str | None, dict[str, Any]]:
    for p in patterns:
        try:
            bound = parse_pattern(p).match(text)
        except PatternError:
            continue
        if bound is not None:
            return p, {k: _jsonable(v) for k, v in bound.items()}
    return None, {}


def generalise(pattern: str, source: str, text: str) -> str | None:
    """A pattern for ``text``, a rewording of ``source`` with the same inputs, written from a
    pattern that binds ``source`` (what a model does when it routes a new wording: it knows
    which parts of the request are the inputs and keeps the rest as the wording). Each hole's
    text in ``source`` is found in ``text``, in the pattern's order, and becomes the hole;
    everything else of ``text`` is literal. None when the pattern does not bind ``source`` or
    an input is not found."""
    try:
        pat = parse_pattern(pattern)
    except PatternError:
        return None
    captured = pat.captures(source.strip())
    if captured is None:
        return None
    out: list[str] = []
    at = 0
    for hole in pat.holes:
        found = text.find(captured[hole.name], at)
        if found < 0 or not captured[hole.name]:
            return None
        out.append(text[at:found].replace("{", "{{").replace("}", "}}") + hole.spelling)
        at = found + len(captured[hole.name])
    out.append(text[at:].replace("{", "{{").replace("}", "}}"))
    try:
        return parse_pattern("".join(out)).text
    except PatternError:
        return None


def reworded(recording: Recording, rewordings: Mapping[str, str]) -> Recording:
    """``recording`` plus requests that reword known ones (new text -> the text it rewords):
    same task, same target, same family, and the model knows which request each rewords."""
    instances = dict(recording.instances)
    family_of = dict(recording.family_of)
    for new, old in rewordings.items():
        inst = recording.instance(old)
        if inst is None or new in instances:
            continue
        instances[new] = Instance(inst.task, new, inst.target, source=inst.text)
        fam = recording.family_of.get(inst.text)
        if fam is not None:
            family_of[new] = fam
    return Recording(instances, recording.families, family_of)


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool, type(None))) else str(value)


def _dump(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


# -- the server --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One call the server answered (the server's own log)."""

    kind: str
    family: str | None
    task: str | None
    tokens_in: int
    tokens_out: int
    tokens_cached: int = 0


@dataclass
class _Log:
    calls: list[Call] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class RecordedCompiler(LoopbackServer):
    """The server: loopback, ephemeral port, a context manager (start/stop on a daemon thread).

    ``url`` is the base URL for an OpenAI client; ``calls`` the log of answered calls. Its
    usage reports ``cached_tokens`` from a SIMULATED prompt cache
    (:mod:`seglam.engine.prefix_cache`: OpenAI's documented prefix rule, estimated tokens)."""

    def __init__(self, recording: Recording, *, model: str = MODEL_NAME) -> None:
        self.recording = recording
        self.model = model
        self._log = _Log()
        self._prefixes = PrefixCache()
        super().__init__(self._respond, max_body=MAX_BODY)

    def _respond(self, raw: bytes) -> Reply:
        try:
            body = json.loads(raw or b"{}")
            if not isinstance(body, dict):
                raise ValueError("not an object")
            decision = respond(self.recording, body)
            messages = body.get("messages", [])
            tokens_in = prompt_tokens(messages)
            cached = self._prefixes.cached_tokens(str(body.get("model", "")), messages if isinstance(messages, list) else [],
                                                  tokens_in)
        except (ValueError, TypeError, KeyError, AttributeError, RecursionError) as err:
            return Reply(400, json.dumps({"error": {"message": f"bad request: {err}"}}).encode(), JSON_HEADERS)
        tokens_out = count_tokens(decision.content)
        with self._log.lock:
            self._log.calls.append(Call(decision.kind, decision.family, decision.task, tokens_in, tokens_out, cached))
        return Reply(200, completion_body(decision.content, tokens_in, tokens_out, self.model, cached), JSON_HEADERS)

    @property
    def calls(self) -> list[Call]:
        with self._log.lock:
            return list(self._log.calls)

    def counts(self) -> Counter[str]:
        """Calls answered, by kind."""
        return Counter(c.kind for c in self.calls)


def default_data_dir() -> Path:
    """``<repo>/../shared/workloads/bbh`` (CI puts shared/ beside the repository)."""
    return Path(__file__).resolve().parents[3] / "shared" / "workloads" / "bbh"


def main(argv: Iterable[str] | None = None) -> int:  # pragma: no cover - a manual aid
    import argparse

    parser = argparse.ArgumentParser(prog="python -m seglam.engine.recorded", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(default_data_dir()), help="the BBH task files (default: %(default)s)")
    parser.add_argument("--families", default=None, help="the recorded families (default: stdlib/families)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    server = RecordedCompiler(load_recording(args.data, args.families)).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
