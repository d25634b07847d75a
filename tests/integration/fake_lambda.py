"""A fake of the AWS Lambda Runtime API on loopback, in the test process: what a custom
runtime talks to (docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html).

    api = FakeRuntimeApi(); api.start()            # api.address: "127.0.0.1:PORT"
    rid = api.queue({"version": 1, ...}, deadline_ms=...)
    kind, body, headers, at = api.wait_result(rid)  # kind: "response" | "error"; headers
                                                    # lower-cased; at: time.time() of the post

GET /2018-06-01/runtime/invocation/next is a long poll: it blocks until an event is
queued, as Lambda's does. The response and error endpoints answer 202; an unknown
request id 400. /runtime/init/error bodies are kept in init_errors.
"""
from __future__ import annotations

import http.server
import json
import queue
import threading
import time
import uuid

PREFIX = "/2018-06-01"


class FakeRuntimeApi:
    def __init__(self, next_delay: float = 0.0):
        self._events: queue.Queue = queue.Queue()
        self._results: dict[str, tuple] = {}
        self._known: set[str] = set()
        self._cond = threading.Condition()
        self.init_errors: list[dict] = []
        self.polls = 0  # /next requests received
        self.next_delay = next_delay  # seconds /next holds an event back, the long poll
        self._server: http.server.ThreadingHTTPServer | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> "FakeRuntimeApi":
        api = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: bytes = b"", headers: dict | None = None):
                self.send_response(status)
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                if self.path != PREFIX + "/runtime/invocation/next":
                    return self._reply(404)
                with api._cond:
                    api.polls += 1
                    api._cond.notify_all()
                rid, body, deadline_ms = api._events.get()
                if rid is None:  # stop()
                    return self._reply(500)
                if api.next_delay:
                    time.sleep(api.next_delay)
                self._reply(200, body, {
                    "Lambda-Runtime-Aws-Request-Id": rid,
                    "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
                    "Lambda-Runtime-Trace-Id": "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700",
                    "Lambda-Runtime-Invoked-Function-Arn":
                        "arn:aws:lambda:us-east-1:123456789012:function:s3-cleanup",
                    "Content-Type": "application/json"})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                parts = self.path[len(PREFIX):].strip("/").split("/")
                if parts == ["runtime", "init", "error"]:
                    with api._cond:
                        api.init_errors.append(json.loads(body))
                        api._cond.notify_all()
                    return self._reply(202, b'{"status":"OK"}')
                if len(parts) == 4 and parts[:2] == ["runtime", "invocation"] and \
                        parts[3] in ("response", "error"):
                    rid = parts[2]
                    with api._cond:
                        if rid not in api._known or rid in api._results:
                            return self._reply(400, b'{"errorType":"InvalidRequestID"}')
                        api._results[rid] = (parts[3], json.loads(body),
                                             {k.lower(): v for k, v in self.headers.items()},
                                             time.time())
                        api._cond.notify_all()
                    return self._reply(202, b'{"status":"OK"}')
                self._reply(404)

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self._server.server_address[1]}"

    def queue(self, event, deadline_ms: int | None = None) -> str:
        rid = str(uuid.uuid4())
        body = event if isinstance(event, bytes) else json.dumps(event).encode()
        with self._cond:
            self._known.add(rid)
        self._events.put((rid, body, deadline_ms or int((time.time() + 900) * 1000)))
        return rid

    def wait_result(self, rid: str, timeout: float = 120):
        with self._cond:
            if not self._cond.wait_for(lambda: rid in self._results, timeout):
                raise AssertionError(f"no answer to invocation {rid} in {timeout} s")
            return self._results[rid]

    def wait_init_error(self, timeout: float = 60) -> dict:
        with self._cond:
            if not self._cond.wait_for(lambda: self.init_errors, timeout):
                raise AssertionError(f"no init error in {timeout} s")
            return self.init_errors[0]

    def wait_polling(self, count: int, timeout: float = 60) -> None:
        """Until `count` /next requests have come in (the runtime is idle, waiting)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self.polls >= count, timeout):
                raise AssertionError(f"{self.polls} polls, not {count}, in {timeout} s")

    def stop(self) -> None:
        if self._server is not None:
            for _ in range(4):
                self._events.put((None, b"", 0))  # releases waiting /next requests
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False
