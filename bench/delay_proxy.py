#!/usr/bin/env python3
"""A delay proxy for the benchmark: every request waits --rtt-ms before it is forwarded.

    python3 bench/delay_proxy.py --upstream http://127.0.0.1:PORT [--rtt-ms 10]
        [--host 127.0.0.1] [--port 0] [--workers 2] [--stats FILE] [--request-log FILE]
        [--connect-rtts N] [--exit-on-stdin-eof]

Real S3 is 10-30 ms away; on loopback a round trip costs nothing, which flatters tools
that send one request at a time. The kernel here has no netem, so this proxy models
the network: once a request has been read in full, it sleeps --rtt-ms, then forwards it.
A tool that keeps N requests in flight pays the delay N at a time, as it would on a
real network; a tool that sends one at a time pays it per request.

* Bytes pass through unchanged, both ways: request line, headers (Host included, so
  SigV4 signatures stay valid) and bodies (chunked coding kept). `Expect: 100-continue`
  is answered by the proxy itself (then the request goes upstream as sent; the
  upstream's interim 100 is dropped).
* HTTP/1.1 keep-alive on both sides: each client connection gets its own upstream
  connection, opened on its first request and reused after that (reopened when the
  upstream closed it; a request that found a stale connection is sent again once).
  A new TCP connection costs no extra delay unless --connect-rtts says so.
* Threads (one per client connection) in --workers forked processes accepting on one
  socket, so the GIL of one process does not serialize 16 concurrent connections.
* Counts, at the proxy, every request by type:
      list        GET with list-type=2 (ListObjectsV2)
      list_v1     GET of a bucket without list-type (ListObjects v1; 0 for most tools)
      delete      POST ?delete (DeleteObjects)
      delete_one  DELETE (DeleteObject)
      head, put   HEAD, PUT
      other       everything else (GetBucketLocation, GetBucketVersioning, GetObject ...)
  plus status classes, bytes each way, client connections (counted with their first
  proxied request), upstream connections and proxy errors. --request-log FILE appends
  "TYPE METHOD TARGET STATUS" per request.
* Control (not delayed, not counted), answered by any worker:
      GET  /_delay_proxy/stats   the counters as JSON (and written to --stats)
      POST /_delay_proxy/reset   zero the counters
      POST /_delay_proxy/rtt?ms=N   change the delay
  The parent also writes --stats (JSON, atomically) every 0.5 s while it changes and
  when it stops.

When ready it prints one JSON line: {"ready": true, "endpoint_url": ..., "port": ...,
"upstream": ..., "rtt_ms": ..., "pid": ..., "worker_pids": [...]}.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpio  # noqa: E402

TYPES = ("list", "list_v1", "delete", "delete_one", "head", "put", "other")
FIELDS = ("requests",) + TYPES + (
    "status_2xx", "status_3xx", "status_4xx", "status_5xx", "proxy_errors", "upstream_retries",
    "bytes_up", "bytes_down", "client_connections", "upstream_connections")
CONTROL = "/_delay_proxy/"
# query parameters of a plain ListObjects (v1) request; any other parameter is a subresource
V1_LIST_PARAMS = {"prefix", "delimiter", "marker", "max-keys", "encoding-type"}


def classify(method: bytes, path: str, query: str) -> str:
    if method == b"GET":
        params = httpio.query_params(query)
        if params.get("list-type") == "2":
            return "list"
        bucket_level = path.strip("/").count("/") == 0 and path.strip("/") != ""
        if bucket_level and set(params) <= V1_LIST_PARAMS:
            return "list_v1"
        return "other"
    if method == b"POST":
        return "delete" if "delete" in httpio.query_params(query) else "other"
    if method == b"DELETE":
        return "delete_one"
    if method == b"HEAD":
        return "head"
    if method == b"PUT":
        return "put"
    return "other"


class Proxy:
    def __init__(self, upstream: str, rtt_ms: float, connect_rtts: int, counters,
                 request_log: str | None = None):
        u = urllib.parse.urlsplit(upstream)
        if u.scheme != "http" or not u.hostname:
            raise SystemExit(f"--upstream must be http://HOST:PORT, not {upstream!r}")
        self.up_addr = (u.hostname, u.port or 80)
        self.counters = counters
        self.connect_rtts = connect_rtts
        self.request_log = request_log
        self._log_fd = None
        counters.set_extra("rtt_us", int(rtt_ms * 1000))

    @property
    def rtt(self) -> float:
        return self.counters.get_extra("rtt_us") / 1e6

    def _connect(self):
        s = socket.create_connection(self.up_addr, timeout=300)
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.counters.add(upstream_connections=1)
        return s, s.makefile("rb", buffering=256 * 1024)

    def _log(self, kind: str, method: bytes, target: bytes, status: int) -> None:
        if self._log_fd is None:  # opened per worker process; O_APPEND lines do not mix
            self._log_fd = os.open(self.request_log, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.write(self._log_fd, b"%s %s %s %d\n" % (kind.encode(), method, target, status))

    def handle_connection(self, conn: socket.socket) -> None:
        c = self.counters
        if self.connect_rtts and self.rtt:
            time.sleep(self.connect_rtts * self.rtt)
        rf = conn.makefile("rb", buffering=256 * 1024)
        up = upf = None
        reused = False
        counted = False  # the connection is counted with its first proxied request
        try:
            for req, method, target, path, query in httpio.requests(conn, rf):
                if path.startswith(CONTROL):
                    self._control(conn, req, path, query)
                    continue
                kind = classify(method, path, query)
                if not counted:
                    c.add(client_connections=1)
                    counted = True
                rtt = self.rtt
                if rtt > 0:
                    time.sleep(rtt)
                data = req.head_bytes() + req.body
                for attempt in (0, 1):
                    if up is None:
                        up, upf = self._connect()
                        reused = False
                    try:
                        up.sendall(data)
                        resp, status, until_close = httpio.read_response(upf, method)
                        break
                    except (ConnectionError, BrokenPipeError) as e:
                        # a kept-alive upstream connection the server had closed: once more
                        up.close()
                        up = upf = None
                        if attempt == 1 or not reused:
                            c.add(proxy_errors=1)
                            conn.sendall(_error(502, f"upstream: {e}"))
                            return
                        c.add(upstream_retries=1)
                reused = True
                head = resp.head_bytes()
                httpio.send(conn, head, resp.body)
                c.add(requests=1, **{kind: 1, f"status_{min(status // 100, 5)}xx": 1},
                      bytes_up=len(data), bytes_down=len(resp.body))
                if self.request_log:
                    self._log(kind, method, target, status)
                if until_close or httpio.wants_close(resp, resp.start):
                    return  # the client saw (or has to see) the end of the connection
                if httpio.wants_close(req, req.start):
                    return
        finally:
            if up is not None:
                up.close()

    def _control(self, conn, req, path: str, query: str) -> None:
        c = self.counters
        op = path[len(CONTROL):]
        if op == "stats":
            body = json.dumps(dict(c.totals(), rtt_ms=self.rtt * 1000)).encode()
        elif op == "reset":
            c.reset()
            body = b'{"reset": true}'
        elif op == "rtt":
            ms = float(httpio.query_params(query).get("ms", "0"))
            c.set_extra("rtt_us", int(ms * 1000))
            body = json.dumps({"rtt_ms": ms}).encode()
        else:
            conn.sendall(_error(404, f"unknown control {op!r}"))
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\n\r\n" % len(body) + body)


def _error(status: int, message: str) -> bytes:
    body = message.encode()
    return (b"HTTP/1.1 %d Proxy Error\r\nContent-Type: text/plain\r\nConnection: close\r\n"
            b"Content-Length: %d\r\n\r\n" % (status, len(body))) + body


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--upstream", required=True, help="http://HOST:PORT of the S3 server")
    ap.add_argument("--rtt-ms", type=float, default=10.0, help="delay per request (default 10)")
    ap.add_argument("--connect-rtts", type=int, default=0,
                    help="extra delay, in round trips, for each new client connection (default 0)")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2, help="processes (default 2)")
    ap.add_argument("--stats", help="JSON stats file, rewritten while counts change")
    ap.add_argument("--request-log", help="append 'TYPE METHOD TARGET STATUS' per request")
    ap.add_argument("--exit-on-stdin-eof", action="store_true")
    args = ap.parse_args()

    counters = httpio.SharedCounters(FIELDS, args.workers, extra=("rtt_us",))
    proxy = Proxy(args.upstream, args.rtt_ms, args.connect_rtts, counters, args.request_log)
    sock = httpio.listen(args.host, args.port)
    port = sock.getsockname()[1]
    last = [None]

    def write_stats(force: bool = False) -> None:
        if not args.stats:
            return
        t = counters.totals()
        if t == last[0] and not force:
            return
        last[0] = t
        tmp = f"{args.stats}.tmp{os.getpid()}"
        try:
            with open(tmp, "w") as f:
                json.dump(dict(t, rtt_ms=proxy.rtt * 1000), f)
            os.replace(tmp, args.stats)
        except OSError as e:
            sys.stderr.write(f"delay_proxy: cannot write {args.stats}: {e}\n")

    httpio.serve_forked(
        sock, args.workers, proxy.handle_connection, counters,
        ready={"ready": True, "host": args.host, "port": port,
               "endpoint_url": f"http://{args.host}:{port}", "upstream": args.upstream,
               "rtt_ms": args.rtt_ms, "workers": args.workers},
        exit_on_stdin_eof=args.exit_on_stdin_eof,
        on_exit=lambda: write_stats(force=True), tick=write_stats)


if __name__ == "__main__":
    main()
