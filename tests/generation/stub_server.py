"""A small OpenAI-compatible HTTP server on loopback whose failures the tests script (429, 5xx, slow answers,
refusing n > 1), to test the client's retries and fallbacks. Its text depends only on the seed, like a
seeded model, so reproducibility and resumption can be checked against it."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODEL = "stub-model"


def text_for(seed: int) -> str:
    return f"Idea.\n```cpp\n// seed {seed}\nint main() {{ return 0; }}\n```\n"


@dataclass
class Script:
    failures: deque[tuple[int, float]] = field(default_factory=deque)  # (status, delay before answering)
    max_n: int | None = None  # refuse larger n with a 400
    fixed_status: int | None = None  # answer every completion request with this status
    delay_s: float = 0.0
    reasoning: bool = False
    require_key: str | None = None
    bodies: list[dict[str, Any]] = field(default_factory=list)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class _Handler(BaseHTTPRequestHandler):
    script: Script

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (headers or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a timeout test)

    def _authorised(self) -> bool:
        key = self.script.require_key
        if key and self.headers.get("Authorization") != f"Bearer {key}":
            self._send(401, {"error": {"message": "bad key"}})
            return False
        return True

    def do_GET(self) -> None:
        if not self._authorised():
            return
        if self.path == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": MODEL, "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        if not self._authorised():
            return
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        s = self.script
        with s.lock:
            s.bodies.append(body)
            s.in_flight += 1
            s.max_in_flight = max(s.max_in_flight, s.in_flight)
            failure = s.failures.popleft() if s.failures else None
        try:
            time.sleep(s.delay_s)
            if failure is not None:
                status, delay = failure
                time.sleep(delay)
                self._send(status, {"error": {"message": f"scripted {status}"}}, {"Retry-After": "0"})
                return
            if s.fixed_status is not None:
                self._send(
                    s.fixed_status, {"error": {"message": "This model's maximum context length is 10"}}
                )
                return
            n = body.get("n", 1)
            if s.max_n is not None and n > s.max_n:
                self._send(400, {"error": {"message": "n must be 1 for this server"}})
                return
            seed = body["seed"]
            choices = []
            for j in range(n):
                message: dict[str, Any] = {"role": "assistant", "content": text_for(seed + j)}
                if s.reasoning:
                    message["reasoning_content"] = "```cpp\nint main() { wrong(); }\n```"
                choices.append(
                    {
                        "index": j,
                        "message": message,
                        "finish_reason": "stop",
                        "logprobs": {"content": [{"token": "x", "logprob": -0.5, "top_logprobs": []}] * 4},
                    }
                )
            self._send(
                200,
                {
                    "id": "c",
                    "object": "chat.completion",
                    "model": MODEL,
                    "choices": choices,
                    "usage": {"prompt_tokens": 100, "completion_tokens": 4 * n, "total_tokens": 100 + 4 * n},
                },
            )
        finally:
            with s.lock:
                s.in_flight -= 1


class StubServer:
    def __init__(self) -> None:
        self.script = Script()
        handler = type("Handler", (_Handler,), {"script": self.script})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> StubServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
