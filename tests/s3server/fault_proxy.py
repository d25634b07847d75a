#!/usr/bin/env python3
"""A small HTTP proxy of the project's own, between s3-cleanup and the test S3 server.

It forwards every request (same method, raw path and query, headers and body: the SigV4
signature, made for the proxy's Host, stays valid because the Host header is passed
through) and misbehaves on purpose, driven by a seed so a failing run can be replayed:

  --fault-rate R --seed N   fault a fraction R of requests, the kind drawn from --faults:
      slowdown   503 with an S3 <Error><Code>SlowDown</Code> body (and Retry-After:
                 --retry-after SECONDS, default 0)
      internal   500 with <Code>InternalError</Code>
      reset      the connection is closed with no response (half the time after the
                 request reached the server, half the time before)
      truncate   the real response, cut in the middle of the body
      stall      the real response, held back --stall-seconds before the first byte
      html       502 with an HTML page, as proxies answer
      keyerror   DeleteObjects only (half of their faults): the real answer plus
                 <Error><Code>InternalError</Code> for a third of the keys (the server did
                 delete them: a retry of those keys must succeed)
  --deny-key KEY        rewrite the first DeleteObjects answer whose request names KEY to
                        report AccessDenied for KEY (the server still deletes it)
  --fail-key KEY        every DeleteObjects naming KEY: KEY is taken out of the request
                        (re-signed with --access-key/--secret-key) and reported as
                        InternalError, so it fails on every attempt and stays in the bucket
  --deny-prefix P       likewise for every key under P, reported as AccessDenied
  --delay-delete-ms MS  hold every DeleteObjects request MS milliseconds
  --fault-only KIND     draw --fault-rate faults only for some requests: `delete` (DeleteObjects
                        and DeleteObject) or `read` (GET and HEAD); default `all`
  --expect-owner ACCOUNT  the bucket owner check of S3 (x-amz-expected-bucket-owner): the
                        buckets behind the proxy belong to account ACCOUNT. A request whose
                        header names another account (or is empty) is answered 403 with
                        <Code>AccessDenied</Code>, as S3 answers a mismatch, and is not
                        forwarded; one with the header equal to ACCOUNT, or without it, is
                        forwarded as usual. Every request is counted by the header's value
                        in the stats' "owner_headers" ("" = no header), e.g.
                        {"111122223333": 5, "": 0}; "owner_denied" counts the 403s and
                        "owner_missing" lists (up to 100) "METHOD TARGET" sent without it.

It counts what it did in a JSON file (--stats FILE): requests (and delete_requests), faults
by kind, how many times each --fail-key / --deny-prefix key was sent (and, with
--expect-owner, owner_headers, owner_denied and owner_missing). The file is rewritten
after every request (atomically, so a reader never sees half of it). On start it prints
`{"port": P}` on stdout; it exits when stdin closes. Stdlib only.
"""
from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import random
import socket
import sys
import threading
import time
import urllib.parse
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"
FAULTS = ("slowdown", "internal", "reset", "truncate", "stall", "html", "keyerror")


def request_keys(body: bytes) -> list[str]:
    root = ET.fromstring(body)
    return [el.text or "" for el in root.iter() if el.tag in ("Key", S3_NS + "Key")]


def error_element(key: str, code: str, message: str) -> str:
    return f"<Error><Key>{escape(key)}</Key><Code>{code}</Code><Message>{escape(message)}</Message></Error>"


def add_errors(body: bytes, errors: list[str]) -> bytes:
    text = body.decode("utf-8")
    inner = "".join(errors)
    closing = text.rfind("</DeleteResult>")
    if closing >= 0:
        return (text[:closing] + inner + text[closing:]).encode("utf-8")
    empty = text.rfind("/>")  # <DeleteResult xmlns="..."/>: a quiet answer with nothing in it
    if empty < 0 or "DeleteResult" not in text:
        raise ValueError("no DeleteResult element in DeleteObjects answer")
    return (text[:empty] + ">" + inner + "</DeleteResult>" + text[empty + 2:]).encode("utf-8")


def add_error(body: bytes, key: str) -> bytes:
    return add_errors(body, [error_element(key, "AccessDenied", "Access Denied (injected by fault_proxy)")])


def render_delete(keys: list[str]) -> bytes:
    objects = "".join(f"<Object><Key>{escape(k)}</Key></Object>" for k in keys)
    return (f'<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
            f"<Quiet>true</Quiet>{objects}</Delete>").encode("utf-8")


def _enc(s: str) -> str:
    return urllib.parse.quote(urllib.parse.unquote(s), safe="-_.~")


def resign(method: str, target: str, headers: dict, body: bytes, access_key: str, secret: str) -> dict:
    """SigV4 for a request whose body the proxy changed (region from the old scope)."""
    old = headers.get("Authorization", "")
    scope = old.split("Credential=", 1)[1].split(",", 1)[0].split("/") if "Credential=" in old else []
    region = scope[2] if len(scope) > 2 else "us-east-1"
    now = dt.datetime.now(dt.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    h = {k.lower(): v for k, v in headers.items()
         if k.lower() in ("host", "content-type")}
    h["x-amz-date"] = amz_date
    h["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    h["content-md5"] = base64.b64encode(hashlib.md5(body).digest()).decode()
    path, _, query = target.partition("?")
    pairs = sorted((_enc(k), _enc(v)) for k, _, v in (p.partition("=") for p in query.split("&") if p))
    names = sorted(h)
    creq = "\n".join([method, path, "&".join(f"{k}={v}" for k, v in pairs),
                      "".join(f"{n}:{h[n].strip()}\n" for n in names), ";".join(names),
                      h["x-amz-content-sha256"]])
    cscope = f"{amz_date[:8]}/{region}/s3/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, cscope, hashlib.sha256(creq.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (amz_date[:8], region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    out = {k: v for k, v in headers.items() if k.lower() not in
           ("authorization", "x-amz-date", "x-amz-content-sha256", "content-md5", "content-length",
            "x-amz-security-token")}
    out.update({"x-amz-date": amz_date, "x-amz-content-sha256": h["x-amz-content-sha256"],
                "Content-MD5": h["content-md5"],
                "Authorization": f"AWS4-HMAC-SHA256 Credential={access_key}/{cscope}, "
                                 f"SignedHeaders={';'.join(names)}, Signature={sig}"})
    return out


class Config:
    upstream: tuple[str, int] = ("127.0.0.1", 0)
    fault_rate = 0.0
    faults: tuple[str, ...] = FAULTS
    rng = random.Random(0)
    # DeleteObjects requests draw from a stream of their own: the first few of a run are
    # then faulted the same way for a given seed, however the other requests interleave.
    delete_rng = random.Random(1)
    stall_seconds = 5.0
    deny_key: str | None = None
    fail_keys: set[str] = set()
    deny_prefix: str | None = None
    access_key = ""
    secret_key = ""
    delay_delete_s = 0.0
    stats_path: str | None = None
    fault_only = "all"  # all | delete | read
    retry_after = "0"
    expect_owner: str | None = None


STATS = {"requests": 0, "delete_requests": 0, "faults": {}, "sent": {}}
LOCK = threading.Lock()
SAVE_LOCK = threading.Lock()  # one writer of the stats file at a time
DENIED = threading.Event()


def save_stats():
    # Handler threads run concurrently: snapshot under LOCK (json.dump of a dict another
    # thread is changing can raise), write under SAVE_LOCK (two writers of the same .tmp
    # file would make one os.replace fail).
    if Config.stats_path:
        with LOCK:
            text = json.dumps(STATS)
        with SAVE_LOCK:
            with open(Config.stats_path + ".tmp", "w") as f:
                f.write(text)
            import os
            os.replace(Config.stats_path + ".tmp", Config.stats_path)


def s3_error(code: str, message: str) -> bytes:
    return (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{code}</Code>'
            f"<Message>{message}</Message><RequestId>FAULTPROXY</RequestId></Error>").encode()


class _Answer:
    """A response made up by the proxy, shaped like http.client's."""

    def __init__(self, status: int, headers: list[tuple[str, str]], data: bytes):
        self.status, self._headers, self.data = status, headers, data

    def getheaders(self):
        return self._headers


class Proxy(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the test reads the server's own log
        pass

    def _reply(self, status: int, body: bytes, content_type="application/xml", extra=()):
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        for k, v in extra:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _draw_fault(self, is_delete_objects: bool, is_delete: bool) -> str | None:
        with LOCK:
            STATS["requests"] += 1
            if is_delete:
                STATS["delete_requests"] += 1
            if Config.fault_only == "delete" and not is_delete:
                return None
            if Config.fault_only == "read" and self.command not in ("GET", "HEAD"):
                return None
            rng = Config.delete_rng if is_delete_objects else Config.rng
            if Config.fault_rate <= 0 or rng.random() >= Config.fault_rate:
                return None
            choices = [f for f in Config.faults if f != "keyerror" or is_delete_objects]
            if is_delete_objects and "keyerror" in choices and rng.random() < 0.5:
                # the one fault only a DeleteObjects answer can carry: half of its faults,
                # so a run's few DeleteObjects requests see it
                fault = "keyerror"
            else:
                fault = rng.choice(choices) if choices else None
            if fault:
                STATS["faults"][fault] = STATS["faults"].get(fault, 0) + 1
            return fault

    def _owner_check(self) -> bool:
        """--expect-owner: count the header; True when the request must be refused."""
        owner = self.headers.get("x-amz-expected-bucket-owner")
        with LOCK:
            counts = STATS["owner_headers"]
            value = owner if owner is not None else ""
            counts[value] = counts.get(value, 0) + 1
            if owner is None and len(STATS["owner_missing"]) < 100:
                STATS["owner_missing"].append(f"{self.command} {self.path}")
            refuse = owner is not None and owner != Config.expect_owner
            if refuse:
                STATS["owner_denied"] += 1
        return refuse

    def _deny_owner(self):
        request_id = "".join(random.choice("0123456789ABCDEF") for _ in range(16))
        body = s3_error("AccessDenied", "Access Denied").replace(b"FAULTPROXY", request_id.encode())
        self.send_response(403)
        self.send_header("Content-Type", "application/xml")
        self.send_header("x-amz-request-id", request_id)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _forward(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if Config.expect_owner is not None and self._owner_check():
            save_stats()
            return self._deny_owner()
        query = self.path.split("?", 1)[1] if "?" in self.path else ""
        is_delete_objects = self.command == "POST" and query.split("&")[0] in ("delete", "delete=")
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection", "keep-alive")}
        withheld: list[tuple[str, str, str]] = []
        nothing_left = False  # every key withheld: S3 refuses an empty <Delete> (MalformedXML)
        if is_delete_objects:
            if Config.delay_delete_s:
                time.sleep(Config.delay_delete_s)
            keys = request_keys(body)
            doomed = [k for k in keys if k in Config.fail_keys or
                      (Config.deny_prefix and k.startswith(Config.deny_prefix))]
            if doomed:
                with LOCK:
                    for k in doomed:
                        STATS["sent"][k] = STATS["sent"].get(k, 0) + 1
                for k in doomed:
                    withheld.append((k, "InternalError", "We encountered an internal error (injected)")
                                    if k in Config.fail_keys else
                                    (k, "AccessDenied", "Access Denied (injected)"))
                rest = [k for k in keys if k not in doomed]
                nothing_left = not rest
                body = render_delete(rest)
                headers = resign(self.command, self.path, headers, body, Config.access_key, Config.secret_key)

        fault = self._draw_fault(is_delete_objects, is_delete_objects or self.command == "DELETE")
        save_stats()
        if fault == "slowdown":
            return self._reply(503, s3_error("SlowDown", "Please reduce your request rate."),
                               extra=[("Retry-After", Config.retry_after)])
        if fault == "internal":
            return self._reply(500, s3_error("InternalError", "We encountered an internal error."))
        if fault == "html":
            return self._reply(502, b"<html><body><h1>502 Bad Gateway</h1></body></html>",
                               content_type="text/html")
        if fault == "reset":
            with LOCK:
                before = Config.rng.random() < 0.5
            if before:
                return self._reset()

        if nothing_left:
            # Nothing to forward: answer as S3 would, a 200 whose <Error>s are the withheld keys.
            resp = _Answer(200, [("Content-Type", "application/xml"),
                                 ("x-amz-request-id", "FAULTPROXY")],
                           b'<?xml version="1.0" encoding="UTF-8"?>'
                           b'<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>')
            data = resp.data
        else:
            conn = http.client.HTTPConnection(*Config.upstream, timeout=120)
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            conn.close()
        if fault == "reset":
            return self._reset()
        if is_delete_objects and resp.status == 200:
            errors = [error_element(k, c, m) for k, c, m in withheld]
            if fault == "keyerror":
                for k in request_keys(body)[::3]:
                    errors.append(error_element(k, "InternalError", "We encountered an internal error (injected)"))
            if Config.deny_key is not None and not DENIED.is_set() and Config.deny_key in request_keys(body):
                DENIED.set()
                errors.append(error_element(Config.deny_key, "AccessDenied", "Access Denied (injected by fault_proxy)"))
            if errors:
                data = add_errors(data, errors)
        if fault == "stall":
            time.sleep(Config.stall_seconds)
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        if fault == "truncate":
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if fault == "truncate":
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return self._reset()
        self.wfile.write(data)

    def _reset(self):
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            self.connection.close()
        except OSError:
            pass
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream-port", type=int, required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--fault-rate", type=float, default=0.0)
    ap.add_argument("--faults", default=",".join(FAULTS))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--stall-seconds", type=float, default=5.0)
    ap.add_argument("--deny-key")
    ap.add_argument("--fail-key", action="append", default=[])
    ap.add_argument("--deny-prefix")
    ap.add_argument("--access-key", default="")
    ap.add_argument("--secret-key", default="")
    ap.add_argument("--delay-delete-ms", type=int, default=0)
    ap.add_argument("--stats")
    ap.add_argument("--fault-only", choices=("all", "delete", "read"), default="all")
    ap.add_argument("--retry-after", type=int, default=0)
    ap.add_argument("--expect-owner", metavar="ACCOUNT")
    args = ap.parse_args()
    Config.upstream = ("127.0.0.1", args.upstream_port)
    Config.fault_rate = args.fault_rate
    Config.faults = tuple(f for f in args.faults.split(",") if f)
    unknown = set(Config.faults) - set(FAULTS)
    if unknown:
        ap.error(f"unknown faults: {', '.join(sorted(unknown))}")
    Config.rng = random.Random(args.seed)
    Config.delete_rng = random.Random(f"delete-{args.seed}")
    Config.stall_seconds = args.stall_seconds
    Config.deny_key = args.deny_key
    Config.fail_keys = set(args.fail_key)
    Config.deny_prefix = args.deny_prefix
    Config.access_key, Config.secret_key = args.access_key, args.secret_key
    if (Config.fail_keys or Config.deny_prefix) and not (args.access_key and args.secret_key):
        ap.error("--fail-key and --deny-prefix re-sign requests: give --access-key and --secret-key")
    Config.delay_delete_s = args.delay_delete_ms / 1000.0
    Config.stats_path = args.stats
    Config.fault_only = args.fault_only
    Config.retry_after = str(args.retry_after)
    Config.expect_owner = args.expect_owner
    if args.expect_owner is not None:
        STATS.update({"owner_headers": {"": 0}, "owner_denied": 0, "owner_missing": []})
    save_stats()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Proxy)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps({"port": server.server_address[1]}), flush=True)
    sys.stdin.read()  # until our parent closes stdin or dies
    server.shutdown()


if __name__ == "__main__":
    main()
