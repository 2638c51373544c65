"""What the model must answer, as msgspec structs, and a strict decoder for it.

The model answers one JSON object. Unknown keys are ignored (models add commentary);
missing or mistyped required keys are a :class:`ReplyError` whose message is fed back in
the next repair round.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, TypeVar

import msgspec

MAX_REPLY_CHARS = 400_000

T = TypeVar("T")


class ReplyError(ValueError):
    """The model's reply is not the JSON object the schema asks for."""


#: How answers are typed (the schema's own words; the prompt's rule 2 says the same).
ANSWER_TYPING = ('a JSON value in the requested form: a number as a number (42, not "42"); an option letter, '
                 'a word or a date as a string ("(A)", "Yes", "05/01/2021")')
#: What "patterns" must hold (the prompt's rule 3 says the same).
PATTERNS_REQUIRED = ("required: at least one pattern that matches the request for a free-text request "
                     "(each pattern must match the request or one of the examples' requests); [] for a "
                     "structured request")

#: What "open" holds (the prompt's rule 7 says the same).
OPEN_HOLES = ("holes whose every value the program truly handles (free text it treats the same whatever it says); "
              "each needs a prop_* property taking that parameter with its type and calling the entry point")


class ExampleReply(msgspec.Struct, frozen=True, kw_only=True):
    """Another request of the same kind (free text) or other inputs (structured), with
    the answer the model expects."""

    answer: Annotated[Any, msgspec.Meta(description=ANSWER_TYPING)]
    request: str | None = None
    inputs: dict[str, Any] | None = None


#: What "modules" holds: helpers general enough to stand alone, kept in the cache's library.
HELPER_MODULES = ("optional: helper Seglam modules general enough to stand alone (no request-specific names or "
                  "constants), each {\"name\": a new module name, \"source\": a module with typed functions, "
                  "docstrings and its own examples (top-level asserts)}; each is verified on its own and kept in the "
                  "library, and the program imports it (`from name import f`)")


class ModuleReply(msgspec.Struct, frozen=True, kw_only=True):
    """A helper module the model wrote beside the program."""

    name: str
    source: str


class CompileReply(msgspec.Struct, frozen=True, kw_only=True):
    """A family draft: the program, the patterns that recognise its requests, and the
    model's own direct answer to the originating request."""

    description: str
    program: str
    answer: Annotated[Any, msgspec.Meta(description=ANSWER_TYPING)]
    patterns: Annotated[list[str], msgspec.Meta(description=PATTERNS_REQUIRED)]
    entry: str | None = None
    examples: list[ExampleReply] = []
    properties: list[str] = []
    open: Annotated[list[str], msgspec.Meta(description=OPEN_HOLES)] = []
    modules: Annotated[list[ModuleReply], msgspec.Meta(description=HELPER_MODULES)] = []


class RouteReply(msgspec.Struct, frozen=True, kw_only=True):
    """The routing tier's reply: which offered family, if any, and the bindings."""

    family: str | None = None
    bindings: dict[str, Any] = {}
    pattern: str | None = None


class DirectReply(msgspec.Struct, frozen=True, kw_only=True):
    """A direct answer (only for the optional ``uncached`` fallback)."""

    answer: Any


_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.S)


def decode_reply(text: str, kind: type[T]) -> T:
    """Decode the model's text as ``kind``; tolerate a code fence or prose around the object."""
    if not isinstance(text, str) or not text.strip():
        raise ReplyError("the reply was empty; answer with one JSON object")
    if len(text) > MAX_REPLY_CHARS:
        raise ReplyError(f"the reply is {len(text)} characters; keep it under {MAX_REPLY_CHARS}")
    last: str = ""
    for candidate in _candidates(text):
        try:
            return msgspec.json.decode(candidate.encode("utf-8", "surrogatepass"), type=kind)
        except msgspec.ValidationError as err:
            raise ReplyError(f"the JSON does not fit the schema: {err}{_hint(str(err))}") from None
        except (msgspec.DecodeError, UnicodeError) as err:
            last = str(err)
        except RecursionError:
            raise ReplyError("the JSON is nested too deeply") from None
    raise ReplyError(f"the reply is not a JSON object ({last or 'no braces found'}); answer with one JSON object")


#: What a field of a reply is, said when it is missing or mistyped.
FIELD_HINTS = {
    "patterns": '"patterns" is required: a list of patterns, each the request\'s fixed wording with typed '
                'holes, e.g. ["Sort these words: {words: str}"] or ["{e: expr} ="]; [] only for a structured '
                "request",
    "program": '"program" is required: the Seglam module as one string ("" if no program can answer)',
    "answer": '"answer" is required: your own direct answer, a number as a number, an option or a word as a string',
    "description": '"description" is required: one sentence saying what kind of request the family answers',
}

_FIELD = re.compile(r"required field `(\w+)`|at `\$\.(\w+)")


def _hint(message: str) -> str:
    m = _FIELD.search(message)
    name = m and (m.group(1) or m.group(2))
    return f". {FIELD_HINTS[name]}" if name in FIELD_HINTS else ""


def _candidates(text: str) -> list[str]:
    out = [text.strip()]
    out += [m.group(1).strip() for m in _FENCE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if 0 <= start < end:
        out.append(text[start : end + 1])
    return list(dict.fromkeys(c for c in out if c))


def schema_text(kind: type) -> str:
    """The JSON Schema of ``kind``, compact, for the prompt."""
    return msgspec.json.encode(msgspec.json.schema(kind)).decode()
