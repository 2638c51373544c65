"""A minimal OpenAI-compatible HTTP server on loopback, for offline runs of the engine.

The recorded compiler (:mod:`seglam.engine.recorded`) and the test suite's scripted server
both serve chat completions from here: an ephemeral port on 127.0.0.1, one daemon thread per
connection, and a ``respond(raw_body) -> Reply`` function that decides each answer.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, TypeVar

#: The longest wait a reply may ask for, so a scripted hang can never stall a run for long.
MAX_DELAY = 10.0
JSON_HEADERS = (("content-type", "application/json"),)
_Server = TypeVar("_Server", bound="LoopbackServer")


@dataclass(frozen=True)
class Reply:
    """What the server sends for one request: after ``delay`` seconds, ``status`` with
    ``headers`` and ``body``."""

    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = ()
    delay: float = 0.0


def completion_body(content: str, tokens_in: int, tokens_out: int, model: str, cached_tokens: int = 0) -> bytes:
    """A ``chat.completion`` response whose one choice says ``content``; its usage reports
    ``cached_tokens`` of the prompt as served from a (simulated) prompt cache."""
    return json.dumps(
        {
            "id": "chatcmpl-loopback",
            "object": "chat.completion",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": tokens_in, "completion_tokens": tokens_out,
                      "total_tokens": tokens_in + tokens_out,
                      "prompt_tokens_details": {"cached_tokens": cached_tokens}},
        },
        ensure_ascii=False,
    ).encode("utf-8")


class LoopbackServer:
    """Serves every POST with ``respond(body_bytes)``; a context manager (start/stop). The
    recorded compiler and the tests' scripted server are subclasses.

    ``url`` is the base URL for an OpenAI client. A body longer than ``max_body`` bytes is
    cut there (the JSON then fails to parse, which ``respond`` answers like any bad body)."""

    def __init__(self, respond: Callable[[bytes], Reply], max_body: int = 20_000_000) -> None:
        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle on, the second waits for the
            # client's delayed ACK (~40 ms a call on loopback).
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:  # keep benchmark and test output clean
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                length = int(self.headers.get("content-length") or 0)
                reply = respond(self.rfile.read(max(0, min(length, max_body))))
                if reply.delay:
                    time.sleep(min(reply.delay, MAX_DELAY))
                try:
                    self.send_response(reply.status)
                    for key, value in reply.headers:
                        self.send_header(key, value)
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timeout): fine

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/v1"

    def start(self: _Server) -> _Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self: _Server) -> _Server:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
