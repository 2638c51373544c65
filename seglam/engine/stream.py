"""Reading a request stream (JSON Lines) for ``seglam eval``.

One JSON object per line: ``{"request": "...", "answer": ..., "task": "..."}``. ``request``
(a non-empty string) is required; ``answer`` (the expected answer, any JSON value; ``null``
means none given) and ``task`` (a label that groups the report, a string) are optional.
Blank lines are skipped. Any other key is refused, so a misspelt ``answer`` cannot silently
turn a scored stream into an unscored one.

Every bad line gets a :class:`StreamDiagnostic`: a stable ``E-STREAM-*`` code,
``file:line:col``, the line with a caret, and a hint. The file is read whole but bounded
(:data:`MAX_STREAM_BYTES`, :data:`MAX_LINE_BYTES`), and regular files only (never a device
or a directory).
"""

from __future__ import annotations

import difflib
import json
import os
import re
import stat
from dataclasses import dataclass
from typing import Any

from seglam.syntax.jsontext import JsonLimitError, JsonTextError, loads

#: The largest stream file read (bytes).
MAX_STREAM_BYTES = 64 * 1024 * 1024
#: The longest line (bytes).
MAX_LINE_BYTES = 1_000_000
#: At most this many diagnostics are reported for one file (the count says how many more).
MAX_DIAGNOSTICS = 20
KEYS = ("request", "answer", "task")
_EXCERPT = 100  # characters of a long line shown around the caret

#: Stable codes, with their meaning (docs/eval.md lists them too).
STREAM_CODES: dict[str, str] = {
    "E-STREAM-FILE": "the stream file cannot be read (missing, a directory or device, no permission)",
    "E-STREAM-SIZE": "the stream file or one of its lines is larger than the limit",
    "E-STREAM-EMPTY": "the stream holds no request",
    "E-STREAM-UTF8": "a line is not UTF-8",
    "E-STREAM-JSON": "a line is not JSON",
    "E-STREAM-LIMIT": "a line's JSON nests too deeply or holds an int with too many digits",
    "E-STREAM-OBJECT": "a line is JSON but not an object",
    "E-STREAM-REQUEST": "a line has no request, or its request is not a non-empty string",
    "E-STREAM-TYPE": "a field has the wrong type (task must be a string)",
    "E-STREAM-KEY": "a line has a key other than request, answer and task",
}


@dataclass(frozen=True)
class StreamLine:
    """One request of the stream: ``line`` is its 1-based line number in the file."""

    line: int
    request: str
    task: str | None = None
    answer: Any = None
    has_answer: bool = False


@dataclass(frozen=True)
class StreamDiagnostic:
    """One bad line (or a bad file: ``line`` 0)."""

    code: str
    message: str
    file: str
    line: int = 0
    col: int = 0
    text: str = ""
    hint: str | None = None

    def render(self) -> str:
        """``file:line:col: CODE: message``, the line (a window of it when long) with a
        caret under the column, and the hint."""
        where = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        out = [f"{where}: {self.code}: {self.message}"]
        if self.line and self.col:
            shown, caret = _window(self.text.expandtabs(1), self.col)
            out += [f"    {shown}", "    " + " " * (caret - 1) + "^"]
        if self.hint:
            out.append(f"  hint: {self.hint}")
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "file": self.file, "line": self.line,
                "col": self.col, "hint": self.hint}


class StreamError(Exception):
    """The stream cannot be run: ``diagnostics`` (at most :data:`MAX_DIAGNOSTICS`) and
    ``more``, how many further bad lines were not listed."""

    def __init__(self, diagnostics: list[StreamDiagnostic], more: int = 0) -> None:
        self.diagnostics = tuple(diagnostics)
        self.more = more
        super().__init__(self.render())

    def render(self) -> str:
        text = "\n".join(d.render() for d in self.diagnostics)
        return text + (f"\n... and {self.more} more bad line(s)" if self.more else "")


def read_stream(path: str, *, limit: int | None = None, max_bytes: int = MAX_STREAM_BYTES) -> list[StreamLine]:
    """The requests of the stream at ``path`` (the first ``limit`` of them); raises
    :class:`StreamError` listing every bad line (only lines up to the ``limit``-th request
    are read)."""
    data = _read_bytes(path, max_bytes)
    lines: list[StreamLine] = []
    problems: list[StreamDiagnostic] = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        if limit is not None and len(lines) >= limit:
            break
        item = parse_line(raw, number, path)
        if isinstance(item, StreamDiagnostic):
            problems.append(item)
        elif item is not None:
            lines.append(item)
    if problems:
        raise StreamError(problems[:MAX_DIAGNOSTICS], max(0, len(problems) - MAX_DIAGNOSTICS))
    if not lines:
        raise StreamError([StreamDiagnostic("E-STREAM-EMPTY", "the stream holds no request", path,
                                            hint='write one JSON object a line: {"request": "...", "answer": "..."}')])
    return lines


def parse_line(raw: bytes, number: int, file: str) -> StreamLine | StreamDiagnostic | None:
    """One line of the file: a request, a diagnostic, or None for a blank line."""
    if raw.endswith(b"\r"):
        raw = raw[:-1]
    if len(raw) > MAX_LINE_BYTES:
        return StreamDiagnostic("E-STREAM-SIZE", f"the line is {len(raw):,} bytes; at most {MAX_LINE_BYTES:,} are read",
                                file, number, 1, _shown(raw), "split the request, or shorten it")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        col = len(raw[: err.start].decode("utf-8", "replace")) + 1
        return StreamDiagnostic("E-STREAM-UTF8", f"the line is not UTF-8 ({err.reason})", file, number, col,
                                _shown(raw), "save the stream as UTF-8")
    if text.startswith("\ufeff") and number == 1:
        text = text[1:]  # a byte order mark
    if not text.strip():
        return None

    def bad(code: str, message: str, col: int, hint: str) -> StreamDiagnostic:
        return StreamDiagnostic(code, message, file, number, col, text, hint)

    try:
        value = loads(text)
    except JsonLimitError as err:
        return bad("E-STREAM-LIMIT", str(err), 1, "an answer is compared as text or a number; keep it small")
    except JsonTextError as err:
        col, why = _json_error(text, err)
        return bad("E-STREAM-JSON", f"not JSON: {why}", col,
                   'each line is one JSON object, e.g. {"request": "What is 2 + 3?", "answer": "5"}')
    if not isinstance(value, dict):
        return bad("E-STREAM-OBJECT", f"the line is a JSON {_kind(value)}, not an object", _first_col(text),
                   'write {"request": "..."} on each line')
    unknown = [k for k in value if k not in KEYS]
    if unknown:
        near = difflib.get_close_matches(str(unknown[0]), KEYS, n=1)
        return bad("E-STREAM-KEY", f"unknown key {unknown[0]!r}", _key_col(text, unknown[0]),
                   (f"did you mean {near[0]!r}? " if near else "")
                   + "the keys are request (required), answer and task (optional)")
    request = value.get("request")
    if "request" not in value:
        return bad("E-STREAM-REQUEST", "the line has no \"request\"", _first_col(text),
                   'add "request": the text to send to the engine')
    if not isinstance(request, str) or not request.strip():
        what = "an empty string" if isinstance(request, str) else f"a JSON {_kind(request)}"
        return bad("E-STREAM-REQUEST", f"\"request\" must be a non-empty string, not {what}",
                   _key_col(text, "request"), "the request is the text a user would send, as one JSON string")
    task = value.get("task")
    if task is not None and not isinstance(task, str):
        return bad("E-STREAM-TYPE", f"\"task\" must be a string, not a JSON {_kind(task)}", _key_col(text, "task"),
                   "task is a label that groups the report, e.g. \"date_understanding\"")
    answer = value.get("answer")
    return StreamLine(number, request, task or None, answer, answer is not None)


# -- helpers ---------------------------------------------------------------------------------------


def _read_bytes(path: str, max_bytes: int) -> bytes:
    def fail(message: str, hint: str | None = None, code: str = "E-STREAM-FILE") -> StreamError:
        return StreamError([StreamDiagnostic(code, message, path, hint=hint)])

    try:
        info = os.stat(path)
    except (OSError, ValueError) as err:
        raise fail(f"cannot read the stream: {getattr(err, 'strerror', None) or err}",
                   "give the path of a JSON Lines file") from None
    if not stat.S_ISREG(info.st_mode):
        raise fail("the stream is not a regular file (a directory or a device)", "give the path of a JSON Lines file")
    if info.st_size > max_bytes:
        raise fail(f"the stream is {info.st_size:,} bytes; at most {max_bytes:,} are read",
                   "split it, or run a part with --limit", "E-STREAM-SIZE")
    try:
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as err:
        raise fail(f"cannot read the stream: {err.strerror or err}") from None
    if len(data) > max_bytes:
        raise fail(f"the stream is larger than {max_bytes:,} bytes", "split it, or run a part with --limit",
                   "E-STREAM-SIZE")
    return data


def _json_error(text: str, err: JsonTextError) -> tuple[int, str]:
    """The column and reason of a JSON syntax error (the depth is already known to be
    bounded, so the plain parser cannot recurse too deeply here)."""
    try:
        json.loads(text)
    except json.JSONDecodeError as bad:
        return bad.colno if bad.lineno == 1 else len(text), bad.msg
    except (ValueError, RecursionError):
        pass
    return 1, str(err).removeprefix("not JSON: ")


def _key_col(text: str, key: str) -> int:
    match = re.search(r'"' + re.escape(json.dumps(key)[1:-1]) + r'"\s*:', text)
    return match.start() + 1 if match else _first_col(text)


def _first_col(text: str) -> int:
    return len(text) - len(text.lstrip()) + 1


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object"


def _shown(raw: bytes) -> str:
    return raw[: _EXCERPT * 8].decode("utf-8", "backslashreplace")


def _window(text: str, col: int) -> tuple[str, int]:
    """A window of at most ~2 x :data:`_EXCERPT` characters around ``col`` and the caret's
    column in it."""
    col = max(1, min(col, len(text) + 1))
    if len(text) <= 2 * _EXCERPT:
        return text, col
    start = max(0, col - 1 - _EXCERPT)
    end = min(len(text), col - 1 + _EXCERPT)
    prefix = "..." if start else ""
    return prefix + text[start:end] + ("..." if end < len(text) else ""), col - start + len(prefix)
