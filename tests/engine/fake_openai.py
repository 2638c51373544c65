"""A local OpenAI-compatible chat-completions server with scripted responses.

Loopback only, ephemeral port, bounded in time: every handler sleeps at most
``MAX_DELAY`` seconds. Drive it with the real ``openai`` client::

    with FakeOpenAI() as server:
        server.script(reply({"description": ...}), status(429), garbage())
        config = CompilerConfig(model="fake", base_url=server.url, api_key="k", backoff=0)

Each POST to ``/v1/chat/completions`` takes the next scripted action; an action may also be
a callable ``(request_json) -> action`` (dynamic replies). With the script empty, the
``default`` action answers (a 500 unless set). ``server.requests`` records every request
body. :func:`family_responder` answers compile requests for the bundled BBH families with
their real programs, which the benchmark and the demo use as a stand-in model.

Run standalone (``python -m tests.engine.fake_openai``) it serves the family responder and
prints its base URL.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from seglam.engine import loopback
from seglam.engine.loopback import MAX_DELAY, LoopbackServer, Reply


#: What the server does for one request (status, body, headers, delay).
Action = Reply


def completion_body(content: str, tokens_in: int = 100, tokens_out: int = 50, model: str = "fake-model",
                    cached: int = 0) -> bytes:
    return loopback.completion_body(content, tokens_in, tokens_out, model, cached)


def reply(content: Any, tokens_in: int = 100, tokens_out: int = 50, delay: float = 0.0, cached: int = 0) -> Action:
    """A 200 chat completion; ``content`` that is not a str is sent as JSON text. Its usage
    reports ``tokens_in`` prompt tokens (``cached`` of them from the provider's cache)."""
    text = content if isinstance(content, str) else json.dumps(content)
    return Action(200, completion_body(text, tokens_in, tokens_out, cached=cached),
                  (("content-type", "application/json"),), delay)


def status(code: int, message: str = "scripted error", retry_after: float | None = None) -> Action:
    headers = [("content-type", "application/json")]
    if retry_after is not None:
        headers.append(("retry-after", str(retry_after)))
    body = json.dumps({"error": {"message": message, "type": "scripted", "code": code}}).encode()
    return Action(code, body, tuple(headers))


def garbage(body: bytes = b"<html>not json</html>") -> Action:
    """A 200 whose body is not a chat completion."""
    return Action(200, body, (("content-type", "application/json"),))


def hang(seconds: float) -> Action:
    """Answer only after ``seconds`` (longer than the client's timeout: a timeout)."""
    return Action(200, completion_body("{}"), (("content-type", "application/json"),), min(seconds, MAX_DELAY))


Script = Action | Callable[[dict[str, Any]], Action]


@dataclass
class _State:
    script: list[Script] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    default: Script = field(default_factory=lambda: status(500, "no scripted response left"))
    lock: threading.Lock = field(default_factory=threading.Lock)


class FakeOpenAI(LoopbackServer):
    """The server; a context manager that starts and stops it on a daemon thread."""

    def __init__(self, default: Script | None = None) -> None:
        self._state = _State()
        if default is not None:
            self._state.default = default
        super().__init__(self._respond, max_body=50_000_000)

    def _respond(self, raw: bytes) -> Reply:
        try:
            body = json.loads(raw or b"{}")
        except ValueError:
            body = {"unparseable": raw[:200].decode("latin-1")}
        with self._state.lock:
            self._state.requests.append(body)
            item = self._state.script.pop(0) if self._state.script else self._state.default
        try:
            return item(body) if callable(item) else item
        except Exception as err:  # noqa: BLE001 - a responder bug becomes a 500, visibly
            return status(500, f"responder failed: {type(err).__name__}: {err}")

    def script(self, *actions: Script) -> "FakeOpenAI":
        with self._state.lock:
            self._state.script.extend(actions)
        return self

    def set_default(self, action: Script) -> None:
        with self._state.lock:
            self._state.default = action

    @property
    def requests(self) -> list[dict[str, Any]]:
        with self._state.lock:
            return list(self._state.requests)

    @property
    def calls(self) -> int:
        return len(self.requests)

    @property
    def pending(self) -> int:
        with self._state.lock:
            return len(self._state.script)


# -- a stand-in model that knows the bundled families ------------------------------------------


def last_user_text(body: dict[str, Any]) -> str:
    msgs = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return str(msgs[-1].get("content", "")) if msgs else ""


def first_user_text(body: dict[str, Any]) -> str:
    msgs = [m for m in body.get("messages", []) if m.get("role") == "user"]
    return str(msgs[0].get("content", "")) if msgs else ""


def family_responder(directory: Any = None, tokens_in: int = 3000, tokens_out: int = 900) -> Callable[[dict[str, Any]], Action]:
    """A responder that compiles requests of the bundled BBH families with their real
    programs (answers computed by the CPython oracle); anything else is declined with an
    empty program. Routing calls get ``{"family": null}``."""
    from pathlib import Path

    from seglam.cache.pattern import parse_pattern
    from seglam.program.library import stdlib_sources
    from seglam.run.oracle import run_cpython

    root = Path(directory) if directory else Path(__file__).resolve().parents[2] / "stdlib" / "families"
    families = []
    for meta_path in sorted(root.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        source = meta_path.with_suffix(".sgl").read_text()
        families.append((meta, source, [parse_pattern(p) for p in meta["patterns"]]))

    def respond(body: dict[str, Any]) -> Action:
        text = first_user_text(body)
        if text.startswith("Request:"):  # routing
            return reply({"family": None}, 400, 20)
        request = text.split("Request:\n", 1)[-1].split("\n\nEarlier versions", 1)[0]
        for meta, source, pats in families:
            for pat in pats:
                bound = pat.match(request)
                if bound is None:
                    continue
                res = run_cpython(source, meta.get("entry", "solve"), kwargs=bound, modules=dict(stdlib_sources()))
                if not res.ok:
                    continue
                # the family's sample requests, answered, as the examples a good model would give
                examples = []
                for sample in meta.get("samples", []):
                    b = next((b for p in pats if (b := p.match(sample)) is not None), None)
                    out = run_cpython(source, meta.get("entry", "solve"), kwargs=b, modules=dict(stdlib_sources())) if b is not None else None
                    if out is not None and out.ok and sample != request:
                        examples.append({"request": sample, "answer": out.value})
                return reply(
                    {
                        "description": meta["description"],
                        "entry": meta.get("entry", "solve"),
                        "patterns": meta["patterns"],
                        "program": source,
                        "answer": res.value,
                        "examples": examples,
                        "properties": [],
                    },
                    tokens_in,
                    tokens_out,
                )
        return reply({"description": "not programmable", "patterns": [], "program": "", "answer": None}, tokens_in, 30)

    return respond


def main() -> None:  # pragma: no cover - a manual aid
    server = FakeOpenAI(default=family_responder()).start()
    print(server.url, flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
