"""Small HTTP/1.1 plumbing shared by bench/delay_proxy.py and bench/synthetic_s3.py.

Standard library only. Raw sockets and buffered readers, no http.server: both servers
must cost little CPU per request (the client under test should dominate), keep
connections alive, and pass bytes through unchanged.

* read_request / read_response: one message from a buffered reader, head lines kept as
  received (so a proxy forwards them byte for byte) and the body framed by
  Content-Length or chunked transfer coding (kept raw, chunk headers included).
* SharedCounters: int64 counters in anonymous shared memory, one row per worker
  process (no cross-process locking; a thread lock per process), summed on read.
* serve_forked: bind once, fork N workers that accept on the shared socket (the
  kernel spreads connections), one thread per connection; the parent supervises,
  stops the workers on SIGTERM/SIGINT or (optionally) when its stdin closes.
"""
from __future__ import annotations

import json
import mmap
import os
import select
import signal
import socket
import sys
import threading
import time

MAX_LINE = 65536
MAX_HEADERS = 200


class HttpError(Exception):
    """Malformed HTTP on a connection: the connection is dropped."""


class Message:
    __slots__ = ("start", "lines", "headers", "body", "chunked")

    def __init__(self, start: bytes, lines: list[bytes], headers: dict[bytes, bytes],
                 body: bytes, chunked: bool):
        self.start = start        # request line / status line, with its CRLF
        self.lines = lines        # header lines, with CRLFs, and the blank line
        self.headers = headers    # lower-cased name -> value (last one wins)
        self.body = body          # raw body as sent (chunked coding kept)
        self.chunked = chunked

    def head_bytes(self) -> bytes:
        return self.start + b"".join(self.lines)

    def header(self, name: bytes) -> bytes | None:
        return self.headers.get(name)


def _read_header_lines(rf) -> tuple[list[bytes], dict[bytes, bytes]]:
    lines: list[bytes] = []
    headers: dict[bytes, bytes] = {}
    while True:
        line = rf.readline(MAX_LINE)
        if not line:
            raise HttpError("connection closed inside a message head")
        lines.append(line)
        if line in (b"\r\n", b"\n"):
            return lines, headers
        if len(lines) > MAX_HEADERS:
            raise HttpError("too many header lines")
        name, sep, value = line.partition(b":")
        if not sep:
            raise HttpError(f"bad header line {line[:80]!r}")
        headers[name.strip().lower()] = value.strip()


def _read_chunked(rf) -> bytes:
    parts = []
    while True:
        size_line = rf.readline(MAX_LINE)
        if not size_line:
            raise HttpError("connection closed inside a chunked body")
        parts.append(size_line)
        try:
            size = int(size_line.split(b";", 1)[0].strip(), 16)
        except ValueError as e:
            raise HttpError(f"bad chunk size {size_line[:40]!r}") from e
        if size == 0:
            while True:  # trailers, then the blank line
                t = rf.readline(MAX_LINE)
                if not t:
                    raise HttpError("connection closed inside chunked trailers")
                parts.append(t)
                if t in (b"\r\n", b"\n"):
                    return b"".join(parts)
        data = rf.read(size + 2)
        if len(data) != size + 2:
            raise HttpError("connection closed inside a chunk")
        parts.append(data)


def _read_exact(rf, n: int) -> bytes:
    data = rf.read(n)
    if len(data) != n:
        raise HttpError("connection closed inside a body")
    return data


def read_request(rf, on_expect=None) -> Message | None:
    """The next request on a connection, or None at a clean end of the connection.
    on_expect(): called once the head is read when the client sent
    `Expect: 100-continue` and a body follows (the caller answers 100 Continue)."""
    line = rf.readline(MAX_LINE)
    while line in (b"\r\n", b"\n"):  # stray CRLF between requests (RFC 9112 2.2)
        line = rf.readline(MAX_LINE)
    if not line:
        return None
    if len(line.split()) != 3:
        raise HttpError(f"bad request line {line[:80]!r}")
    lines, headers = _read_header_lines(rf)
    chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
    length = int(headers.get(b"content-length", b"0") or b"0") if not chunked else -1
    if on_expect is not None and (chunked or length > 0) and \
            headers.get(b"expect", b"").lower() == b"100-continue":
        on_expect()
    if chunked:
        body = _read_chunked(rf)
    elif length > 0:
        body = _read_exact(rf, length)
    else:
        body = b""
    return Message(line, lines, headers, body, chunked)


def requests(conn, rf):
    """Each request on a kept-alive client connection until the client ends it, as
    (message, method, target, path, query); `Expect: 100-continue` is answered."""
    while True:
        req = read_request(rf, on_expect=lambda: conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n"))
        if req is None:
            return
        method, target, _ = req.start.split()
        path, query = split_target(target)
        yield req, method, target, path, query


def send(conn, head: bytes, body: bytes) -> None:
    """A response: one write when small, else head and body apart (no copy of a large body)."""
    if len(body) < 65536:
        conn.sendall(head + body)
    else:
        conn.sendall(head)
        conn.sendall(body)


def read_response(rf, method: bytes) -> tuple[Message, int, bool]:
    """(final response, status, read-until-close) for a request of `method`. Interim 1xx
    responses (e.g. 100 Continue) are read and dropped. A body without Content-Length or
    chunked coding is read to the end of the connection (then read-until-close is True)."""
    while True:
        line = rf.readline(MAX_LINE)
        if not line:
            raise ConnectionResetError("upstream closed the connection")
        parts = line.split(None, 2)
        if len(parts) < 2 or not parts[0].startswith(b"HTTP/"):
            raise HttpError(f"bad status line {line[:80]!r}")
        status = int(parts[1])
        lines, headers = _read_header_lines(rf)
        if 100 <= status < 200 and status != 101:
            continue
        break
    chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
    to_close = False
    if method == b"HEAD" or status in (204, 304) or status < 200:
        body = b""
    elif chunked:
        body = _read_chunked(rf)
    elif b"content-length" in headers:
        body = _read_exact(rf, int(headers[b"content-length"]))
    else:
        body = rf.read()
        to_close = True
    return Message(line, lines, headers, body, chunked), status, to_close


def wants_close(msg: Message, start: bytes) -> bool:
    """Whether the message ends its connection (Connection: close, or HTTP/1.0 without
    keep-alive). `start` is the request or status line."""
    conn = msg.headers.get(b"connection", b"").lower()
    if b"close" in conn:
        return True
    http10 = b"HTTP/1.0" in start
    return http10 and b"keep-alive" not in conn


def split_target(target: bytes) -> tuple[str, str]:
    t = target.decode("latin-1")
    if t.startswith(("http://", "https://")):  # absolute form
        rest = t.split("://", 1)[1]
        t = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    path, _, query = t.partition("?")
    return path, query


def query_params(query: str) -> dict[str, str]:
    """name -> raw (still percent-encoded) value; a name without '=' maps to ''."""
    out = {}
    for part in query.split("&"):
        if part:
            name, _, value = part.partition("=")
            out[name] = value
    return out


# ----------------------------------------------------------------------------- counters
class SharedCounters:
    """int64 counters in MAP_SHARED anonymous memory, created before fork(); each worker
    process writes its own row (slot) under a thread lock, readers sum all rows."""

    def __init__(self, fields: tuple[str, ...], slots: int, extra: tuple[str, ...] = ()):
        self.fields = fields
        self.index = {f: i for i, f in enumerate(fields)}
        self.extra = {f: i for i, f in enumerate(extra)}  # process-wide settings
        self.n = len(fields)
        self.slots = slots
        self.mem = mmap.mmap(-1, 8 * (self.n * slots + len(extra) + 1))
        self.view = memoryview(self.mem).cast("q")
        self.slot = 0
        self.lock = threading.Lock()

    def add(self, **counts: int) -> None:
        base = self.slot * self.n
        v, idx = self.view, self.index
        with self.lock:
            for name, c in counts.items():
                v[base + idx[name]] += c

    def totals(self) -> dict[str, int]:
        out = dict.fromkeys(self.fields, 0)
        for s in range(self.slots):
            base = s * self.n
            for f, i in self.index.items():
                out[f] += self.view[base + i]
        return out

    def reset(self) -> None:
        for i in range(self.n * self.slots):
            self.view[i] = 0

    def get_extra(self, name: str) -> int:
        return self.view[self.n * self.slots + self.extra[name]]

    def set_extra(self, name: str, value: int) -> None:
        self.view[self.n * self.slots + self.extra[name]] = value


# ----------------------------------------------------------------------------- server
def listen(host: str, port: int) -> socket.socket:
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(512)
    return s


def serve_forked(sock: socket.socket, workers: int, handle_connection, counters: SharedCounters,
                 ready: dict, exit_on_stdin_eof: bool, on_exit=None, tick=None) -> None:
    """Fork `workers` processes that accept on `sock` and run handle_connection(conn)
    in a thread per connection; print `ready` (plus worker pids) as one JSON line; then
    supervise until SIGTERM/SIGINT or stdin EOF. on_exit(): called in the parent before
    it exits; tick(): called about every 0.5 s in the parent."""
    pids = []
    for w in range(workers):
        pid = os.fork()
        if pid == 0:  # worker
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            _die_with_parent()
            try:
                os.close(0)
            except OSError:
                pass
            counters.slot = w
            _accept_loop(sock, handle_connection)
            os._exit(0)
        pids.append(pid)

    stopping = threading.Event()

    def stop(*_):
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    ready = dict(ready, pid=os.getpid(), worker_pids=pids)
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    try:
        while not stopping.is_set():
            if exit_on_stdin_eof:
                try:
                    r, _, _ = select.select([sys.stdin], [], [], 0.5)
                except InterruptedError:
                    r = []
                if r and not os.read(sys.stdin.fileno(), 4096):
                    break
            else:
                stopping.wait(0.5)
            if tick is not None:
                tick()
            if any(_dead(p) for p in pids):
                sys.stderr.write("a worker process died; stopping\n")
                break
    finally:
        for p in pids:
            try:
                os.kill(p, signal.SIGTERM)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + 5
        for p in pids:
            while time.monotonic() < deadline:
                try:
                    if os.waitpid(p, os.WNOHANG)[0]:
                        break
                except ChildProcessError:
                    break
                time.sleep(0.02)
            else:
                try:
                    os.kill(p, signal.SIGKILL)
                    os.waitpid(p, 0)
                except (ProcessLookupError, ChildProcessError):
                    pass
        if on_exit is not None:
            on_exit()


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent (the supervisor) dies, however."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except Exception:  # noqa: BLE001 - best effort
        pass


def _dead(pid: int) -> bool:
    try:
        return os.waitpid(pid, os.WNOHANG)[0] != 0
    except ChildProcessError:
        return True


def _accept_loop(sock: socket.socket, handle_connection) -> None:
    def run(conn):
        try:
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            handle_connection(conn)
        except Exception as e:  # noqa: BLE001 - one connection's failure is not the server's
            if not isinstance(e, (ConnectionError, HttpError, TimeoutError, OSError)):
                import traceback
                traceback.print_exc()
        finally:
            try:
                conn.close()
            except OSError:
                pass

    while True:
        try:
            conn, _ = sock.accept()
        except InterruptedError:
            continue
        except OSError:
            time.sleep(0.01)
            continue
        threading.Thread(target=run, args=(conn,), daemon=True).start()
