#!/usr/bin/env python3
"""A small HTTP proxy of the project's own, between s3-cleanup and the test S3 server.

It forwards every request unchanged (same method, raw path and query, headers and
body: the SigV4 signature, made for the proxy's Host, stays valid because the Host
header is passed through) and can misbehave on purpose:

  --deny-key KEY        rewrite the first DeleteObjects answer whose request names KEY
                        so that it reports <Error> AccessDenied for KEY (the request
                        itself still reaches the server: the point is the report)
  --delay-delete-ms MS  hold every DeleteObjects request MS milliseconds before
                        forwarding it (to interrupt a deletion half-way)

On start it prints one line `{"port": P}` on stdout. It exits when stdin closes, so a
killed test leaves nothing behind. Stdlib only.
"""
from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def request_keys(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [el.text or "" for el in root.iter() if el.tag in ("Key", S3_NS + "Key")]


def add_error(body: bytes, key: str) -> bytes:
    text = body.decode("utf-8")
    error = (f"<Error><Key>{escape(key)}</Key><Code>AccessDenied</Code>"
             f"<Message>Access Denied (injected by fault_proxy)</Message></Error>")
    closing = text.rfind("</DeleteResult>")
    if closing >= 0:
        return (text[:closing] + error + text[closing:]).encode("utf-8")
    empty = text.rfind("/>")  # <DeleteResult xmlns="..."/>: a quiet answer with nothing in it
    if empty < 0 or "DeleteResult" not in text:
        raise ValueError("no DeleteResult element in DeleteObjects answer")
    return (text[:empty] + ">" + error + "</DeleteResult>" + text[empty + 2:]).encode("utf-8")


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream: tuple[str, int] = ("127.0.0.1", 0)
    deny_key: str | None = None
    delay_delete_s: float = 0.0
    denied = threading.Event()
    lock = threading.Lock()

    def log_message(self, fmt, *args):  # quiet: the test reads the server's own log
        pass

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        is_delete_objects = self.command == "POST" and "delete" in self.path.split("?", 1)[-1].split("&")[0]
        if is_delete_objects and self.delay_delete_s:
            time.sleep(self.delay_delete_s)
        conn = http.client.HTTPConnection(*self.upstream, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        conn.request(self.command, self.path, body=body, headers=headers)
        resp = conn.getresponse()
        data = resp.read()
        if is_delete_objects and self.deny_key is not None and resp.status == 200:
            with self.lock:
                if not self.denied.is_set() and self.deny_key in request_keys(body):
                    data = add_error(data, self.deny_key)
                    self.denied.set()
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)
        conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--deny-key")
    ap.add_argument("--delay-delete-ms", type=int, default=0)
    args = ap.parse_args()
    Proxy.upstream = ("127.0.0.1", args.upstream_port)
    Proxy.deny_key = args.deny_key
    Proxy.delay_delete_s = args.delay_delete_ms / 1000.0
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    sys.stdin.read()  # until our parent closes stdin or dies
    server.shutdown()


if __name__ == "__main__":
    main()
