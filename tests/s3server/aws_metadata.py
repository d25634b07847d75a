#!/usr/bin/env python3
"""Fake AWS credential endpoints for the integration tests, and a region-redirect proxy.

    python3 tests/s3server/aws_metadata.py --port 0 [--host 127.0.0.1] [options]

It prints ONE JSON line when ready, {"ready": true, "port": P, "endpoint_url":
"http://127.0.0.1:P", "mode": "metadata"|"proxy"}, and exits when its stdin reaches EOF
(so a killed test leaves nothing behind). Standard library only. Two modes:

METADATA (default): an EC2 instance metadata service (IMDSv2 only) and a container
credentials endpoint (ECS relative URI, EKS Pod Identity / full URI) on the same port.

  PUT /latest/api/token                 header X-aws-ec2-metadata-token-ttl-seconds: 1..21600
                                        -> a session token (400 without the header)
  GET /latest/meta-data/iam/security-credentials/        -> the role name
  GET /latest/meta-data/iam/security-credentials/ROLE    -> {"Code": "Success",
      "LastUpdated", "Type": "AWS-HMAC", "AccessKeyId", "SecretAccessKey", "Token",
      "Expiration": "...Z"}
      Every GET under /latest/ needs X-aws-ec2-metadata-token: a valid token; without one
      (IMDSv1) or with a wrong or expired one: 401.
  GET <any other path>                  container credentials: {"RoleArn", "AccessKeyId",
      "SecretAccessKey", "Token", "Expiration"}; with --auth-token T the request must
      carry `Authorization: T` (else 403).
  GET /_count                           counters, JSON: token, role_list, imds_credentials,
      container, unauthorized (401s), forbidden (403s), fetches (= credentials handed out)
  GET /_issued                          every key handed out: [{"AccessKeyId",
      "Expiration"}], in order
  GET /_log                             every request, logged as it arrives: {"method",
      "path", "status" (null until answered), "token_header": bool, "ttl_header",
      "authorization"}

  Which credentials: --creds JSON, a list of {"AccessKeyId", "SecretAccessKey",
  "Token"?} handed out in turn, one per fetch (cycling); or --mint-from URL (the moto
  test server) with --moto-secret and --mint-role-arn: fresh STS credentials per fetch
  (POST URL/_s3test/credentials {"op": "assume-role"}), or with --mint user fresh IAM
  user keys (no Token). --lifetime S sets Expiration = now + S (default 6 hours, as
  IMDS). --revoke-on-renewal: when the next credentials are handed out, the previous
  key is revoked in moto (POST {"op": "revoke"}) first, so a client that goes on
  signing with the old key after renewing fails. (An event, not a timer: revoking at
  Expiration would fail a correct client whose request, signed in time, reaches moto
  late on a loaded machine.)
  --delay-ms MS delays every response (a slow or stalled service); --imds-absent
  answers 404 to everything under /latest/ (no IMDS here); --role-name NAME.

PROXY (--proxy-to PORT): forwards every request, unchanged (raw request target, all
headers incl. Host, body), to the moto server on 127.0.0.1:PORT, except requests to a
bucket named in --bucket-region BUCKET=REGION that are signed (Authorization credential
scope) for another region. Those get S3's wrong-region answer instead:

  --redirect 301  301 PermanentRedirect, body <Error><Code>PermanentRedirect</Code>
                  <Message>..</Message><Endpoint>BUCKET.s3.REGION.amazonaws.com</Endpoint>
                  <Bucket>..</Bucket>[<Region>REGION</Region>]<RequestId>..</RequestId>..
  --redirect 400  400 AuthorizationHeaderMalformed, "the region 'us-east-1' is wrong;
                  expecting 'REGION'", [<Region>REGION</Region>]
  --region-header yes|no   send x-amz-bucket-region: REGION (default yes)
  --region-in-body yes|no  put <Region> in the body (default yes)
  --flip-flop     redirect every request to that bucket, always to a region other than
                  the one it was signed for (a client must give up, not loop)
  --delay-ms MS   hold every forwarded request MS milliseconds first
  GET /_count -> {"redirects", "forwarded"}; GET /_log -> every request: {"method",
  "target", "host", "region", "access_key_id", "status", "redirected"}.
  Buckets are found path-style (/BUCKET/...) or virtual-hosted (Host: BUCKET.xxx).
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import re
import secrets
import socket
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.sax.saxutils import escape

UTC = dt.timezone.utc


def _iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class State:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.counts = {"token": 0, "role_list": 0, "imds_credentials": 0, "container": 0,
                       "unauthorized": 0, "forbidden": 0, "fetches": 0,
                       "redirects": 0, "forwarded": 0}
        self.log: list[dict] = []
        self.issued: list[dict] = []  # {"AccessKeyId", "Expiration"} per fetch
        self.tokens: dict[str, float] = {}  # IMDS session token -> expiry (monotonic)
        self.static = json.loads(args.creds) if args.creds else []
        self.next_static = 0
        self.bucket_regions = dict(br.split("=", 1) for br in (args.bucket_region or []))

    def count(self, name: str) -> None:
        with self.lock:
            self.counts[name] += 1

    def add_log(self, entry: dict) -> None:
        with self.lock:
            self.log.append(entry)

    # ---- credentials
    def _moto(self, payload: dict) -> dict:
        req = urllib.request.Request(
            self.args.mint_from.rstrip("/") + "/_s3test/credentials",
            data=json.dumps(payload).encode(), method="POST",
            headers={"x-s3test-secret": self.args.moto_secret,
                     "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read())

    def _revoke(self, key_id: str) -> None:
        try:
            self._moto({"op": "revoke", "access_key_id": key_id})
        except OSError as e:
            print(f"aws_metadata: revoke {key_id[:4]}... failed: {e}", file=sys.stderr)

    def credentials(self) -> dict:
        """The next credentials to hand out: {AccessKeyId, SecretAccessKey, Token?, Expiration}."""
        a = self.args
        now = dt.datetime.now(UTC).replace(microsecond=0)
        expiration = now + dt.timedelta(seconds=a.lifetime)
        if a.mint_from:
            if a.mint == "user":
                c = self._moto({"op": "create-user"})
                out = {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"]}
            else:
                c = self._moto({"op": "assume-role", "role_arn": a.mint_role_arn,
                                "duration": max(1, int(a.lifetime)), "session_name": "metadata"})
                out = {"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                       "Token": c["SessionToken"]}
        else:
            with self.lock:
                if not self.static:
                    raise RuntimeError("no credentials configured (--creds or --mint-from)")
                c = self.static[self.next_static % len(self.static)]
                self.next_static += 1
            out = {k: c[k] for k in ("AccessKeyId", "SecretAccessKey", "Token") if c.get(k)}
        out["Expiration"] = _iso(expiration)
        out["LastUpdated"] = _iso(now)
        with self.lock:
            previous = self.issued[-1]["AccessKeyId"] if self.issued else None
            self.issued.append({"AccessKeyId": out["AccessKeyId"], "Expiration": out["Expiration"]})
        if a.revoke_on_renewal and a.mint_from and previous:
            self._revoke(previous)
        self.count("fetches")
        return out


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    state: State

    def log_message(self, fmt, *args):
        pass

    def setup(self):
        # headers and body go out in separate writes: without this, Nagle + delayed ACK
        # add ~40 ms to every answer
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        super().setup()

    def _send(self, status: int, body: bytes | str = b"", ctype: str = "text/plain",
              headers: dict | None = None) -> None:
        if isinstance(body, str):
            body = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, obj) -> None:
        self._send(status, json.dumps(obj), "application/json")

    def _read_body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _test_api(self) -> bool:
        path = self.path.split("?", 1)[0]
        if self.command == "GET" and path == "/_count":
            with self.state.lock:
                self._json(200, dict(self.state.counts))
            return True
        if self.command == "GET" and path == "/_issued":
            with self.state.lock:
                self._json(200, list(self.state.issued))
            return True
        if self.command == "GET" and path == "/_log":
            with self.state.lock:
                self._json(200, list(self.state.log))
            return True
        return False


class MetadataHandler(Handler):
    def _arrived(self) -> None:
        """Log the request as it arrives (status filled in when answered: a client that
        gave up on a delayed answer still shows up, with status null)."""
        self.entry = {
            "method": self.command, "path": self.path, "status": None,
            "token_header": self.headers.get("X-aws-ec2-metadata-token") is not None,
            "ttl_header": self.headers.get("X-aws-ec2-metadata-token-ttl-seconds"),
            "authorization": self.headers.get("Authorization")}
        self.state.add_log(self.entry)

    def _entry(self, status: int) -> None:
        self.entry["status"] = status

    def _reply(self, status: int, body="", ctype="text/plain") -> None:
        self._entry(status)
        if status == 401:
            self.state.count("unauthorized")
        if status == 403:
            self.state.count("forbidden")
        self._send(status, body, ctype)

    def _delay(self) -> None:
        if self.state.args.delay_ms:
            time.sleep(self.state.args.delay_ms / 1000.0)

    def do_PUT(self):
        self._read_body()
        self._arrived()
        self._delay()
        a = self.state.args
        path = self.path.split("?", 1)[0]
        if path != "/latest/api/token":
            return self._reply(404 if path.startswith("/latest/") or a.imds_absent else 405)
        if a.imds_absent:
            return self._reply(404, "Not Found")
        ttl = self.headers.get("X-aws-ec2-metadata-token-ttl-seconds")
        if ttl is None or not ttl.strip().isdigit() or not 1 <= int(ttl) <= 21600:
            return self._reply(400, "Bad Request")
        token = "imds-" + secrets.token_urlsafe(24)
        with self.state.lock:
            self.state.tokens[token] = time.monotonic() + int(ttl)
        self.state.count("token")
        self._entry(200)
        self._send(200, token, headers={"X-aws-ec2-metadata-token-ttl-seconds": ttl})

    def _token_ok(self) -> bool:
        token = self.headers.get("X-aws-ec2-metadata-token")
        with self.state.lock:
            exp = self.state.tokens.get(token or "")
        return exp is not None and exp > time.monotonic()

    def do_GET(self):
        if self._test_api():
            return
        self._arrived()
        self._delay()
        a = self.state.args
        path = self.path.split("?", 1)[0]
        if path.startswith("/latest/"):
            if a.imds_absent:
                return self._reply(404, "Not Found")
            if not self._token_ok():
                return self._reply(401, "Unauthorized")
            base = "/latest/meta-data/iam/security-credentials"
            if path in (base, base + "/"):
                self.state.count("role_list")
                return self._reply(200, a.role_name)
            if path == f"{base}/{a.role_name}":
                c = self.state.credentials()
                self.state.count("imds_credentials")
                return self._reply(200, json.dumps({
                    "Code": "Success", "LastUpdated": c["LastUpdated"], "Type": "AWS-HMAC",
                    "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                    "Token": c.get("Token", ""), "Expiration": c["Expiration"]}, indent=2),
                    "text/plain")
            return self._reply(404, "Not Found")
        # container credentials (ECS relative URI, full URI, EKS Pod Identity)
        if a.auth_token is not None and self.headers.get("Authorization") != a.auth_token:
            return self._reply(403, json.dumps({"code": "AccessDenied",
                                                "message": "Authorization token invalid"}),
                               "application/json")
        c = self.state.credentials()
        self.state.count("container")
        body = {"RoleArn": f"arn:aws:iam::123456789012:role/{a.role_name}",
                "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                "Expiration": c["Expiration"]}
        if c.get("Token"):
            body["Token"] = c["Token"]
        self._reply(200, json.dumps(body), "application/json")

    def do_POST(self):
        self._read_body()
        self._arrived()
        self._reply(405, "Method Not Allowed")

    do_DELETE = do_HEAD = do_POST


# --------------------------------------------------------------------------- proxy
def _credential(headers) -> tuple[str | None, str | None]:
    """(access key id, region) from a SigV4 Authorization header."""
    m = re.search(r"Credential=([^/,\s]+)/\d{8}/([^/,\s]+)/([^/,\s]+)/aws4_request",
                  headers.get("Authorization") or "")
    return (m.group(1), m.group(2)) if m else (None, None)


class ProxyHandler(Handler):
    def _bucket(self) -> str | None:
        known = self.state.bucket_regions
        host = (self.headers.get("Host") or "").split(":")[0]
        for b in known:
            if host.startswith(b + "."):
                return b
        first = self.path.split("?", 1)[0].lstrip("/").split("/", 1)[0]
        return first if first in known else None

    def _redirect(self, bucket: str, signed_region: str) -> None:
        a = self.state.args
        region = self.state.bucket_regions[bucket]
        if a.flip_flop and signed_region == region:
            region = "us-west-2" if region != "us-west-2" else "ap-south-1"
        rid = secrets.token_hex(8).upper()
        region_el = f"<Region>{escape(region)}</Region>" if a.region_in_body == "yes" else ""
        if a.redirect == "301":
            status = 301
            body = ("<Code>PermanentRedirect</Code><Message>The bucket you are attempting to "
                    "access must be addressed using the specified endpoint. Please send all "
                    "future requests to this endpoint.</Message>"
                    f"<Endpoint>{escape(bucket)}.s3.{escape(region)}.amazonaws.com</Endpoint>"
                    f"<Bucket>{escape(bucket)}</Bucket>{region_el}")
        else:
            status = 400
            body = ("<Code>AuthorizationHeaderMalformed</Code><Message>The authorization "
                    f"header is malformed; the region '{escape(signed_region)}' is wrong; "
                    f"expecting '{escape(region)}'</Message>{region_el}")
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error>{body}<RequestId>{rid}</RequestId>'
                f"<HostId>proxy-{rid}</HostId></Error>")
        headers = {"x-amz-request-id": rid, "x-amz-id-2": f"proxy-{rid}"}
        if a.region_header == "yes":
            headers["x-amz-bucket-region"] = region
        self.state.count("redirects")
        self._send(status, body, "application/xml", headers)

    def _forward(self):
        if self._test_api():
            return
        body = self._read_body()
        key_id, signed_region = _credential(self.headers)
        bucket = self._bucket()
        entry = {"method": self.command, "target": self.path, "host": self.headers.get("Host"),
                 "region": signed_region, "access_key_id": key_id, "redirected": False}
        a = self.state.args
        if bucket and signed_region and (a.flip_flop or signed_region != self.state.bucket_regions[bucket]):
            entry["redirected"] = True
            entry["status"] = 400 if a.redirect == "400" else 301
            self.state.add_log(entry)
            return self._redirect(bucket, signed_region)
        if a.delay_ms:
            time.sleep(a.delay_ms / 1000.0)
        conn = http.client.HTTPConnection("127.0.0.1", a.proxy_to, timeout=120)
        try:
            conn.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
            for k, v in self.headers.items():
                if k.lower() not in ("connection", "keep-alive", "content-length"):
                    conn.putheader(k, v)
            if body or self.command in ("PUT", "POST"):
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body or None)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        entry["status"] = resp.status
        self.state.add_log(entry)
        self.state.count("forwarded")
        self.send_response(resp.status)
        for k, v in resp.getheaders():
            if k.lower() not in ("content-length", "connection", "transfer-encoding", "keep-alive"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--host", default="127.0.0.1")
    g = p.add_argument_group("metadata mode")
    g.add_argument("--creds", help="JSON list of credentials handed out in turn")
    g.add_argument("--mint-from", metavar="URL", help="the moto test server: mint credentials there")
    g.add_argument("--moto-secret", help="its secret key (x-s3test-secret)")
    g.add_argument("--mint", choices=["role", "user"], default="role")
    g.add_argument("--mint-role-arn")
    g.add_argument("--lifetime", type=float, default=21600, help="seconds until Expiration")
    g.add_argument("--revoke-on-renewal", action="store_true")
    g.add_argument("--delay-ms", type=int, default=0, help="delay every response / forward")
    g.add_argument("--imds-absent", action="store_true", help="404 for everything under /latest/")
    g.add_argument("--role-name", default="s3-cleanup-instance-role")
    g.add_argument("--auth-token", help="container endpoint: required Authorization value")
    g = p.add_argument_group("proxy mode")
    g.add_argument("--proxy-to", type=int, metavar="PORT", help="forward to the moto server there")
    g.add_argument("--bucket-region", action="append", metavar="BUCKET=REGION")
    g.add_argument("--redirect", choices=["301", "400"], default="301")
    g.add_argument("--region-header", choices=["yes", "no"], default="yes")
    g.add_argument("--region-in-body", choices=["yes", "no"], default="yes")
    g.add_argument("--flip-flop", action="store_true")
    args = p.parse_args(argv)
    if args.mint_from and (not args.moto_secret or (args.mint == "role" and not args.mint_role_arn)):
        p.error("--mint-from needs --moto-secret (and --mint-role-arn for --mint role)")
    if args.revoke_on_renewal and not args.mint_from:
        p.error("--revoke-on-renewal needs --mint-from")

    state = State(args)
    handler = type("H", (ProxyHandler if args.proxy_to else MetadataHandler,), {"state": state})
    server = ThreadingHTTPServer((args.host, args.port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_address[1]
    print(json.dumps({"ready": True, "port": port, "endpoint_url": f"http://{args.host}:{port}",
                      "mode": "proxy" if args.proxy_to else "metadata"}), flush=True)
    try:
        while sys.stdin.buffer.read(4096):
            pass
    except (OSError, ValueError, KeyboardInterrupt):
        pass
    threading.Thread(target=server.shutdown, daemon=True).start()
    time.sleep(0.1)
    os._exit(0)  # do not wait for delayed (stalled) responses


if __name__ == "__main__":
    sys.exit(main())
