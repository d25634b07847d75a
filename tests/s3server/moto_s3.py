#!/usr/bin/env python3
"""A test S3 server on loopback: moto's server app with SigV4 checking ON.

    python3 tests/s3server/moto_s3.py --port P [--host 127.0.0.1]
                                      [--request-log FILE] [options]

When ready it prints ONE JSON line on stdout and flushes it:

    {"ready": true, "host": "127.0.0.1", "port": P, "endpoint_url": "http://127.0.0.1:P",
     "access_key_id": "AKIA...", "secret_access_key": "...", "region": "us-east-1",
     "auth": true}

Everything it changes in moto is monkeypatched from here (site-packages is never
edited), and only in this process:

1. Auth bootstrap. moto checks signatures only after settings.INITIAL_NO_AUTH_ACTION_COUNT
   requests. Before serving, this script creates (through moto's IAM backend, in-process)
   an IAM user with an inline allow-everything policy and an access key, then sets the
   count to 0: from the first request on, every request needs a valid SigV4 signature
   made with that key. A wrong secret gives 403 SignatureDoesNotMatch, an unknown key id
   403 InvalidAccessKeyId, a request without any signature 403 AccessDenied.

2. Signature fix (moto issue #5948). Stock moto re-signs the request from werkzeug's
   re-encoded URL, so it rejects CORRECT signatures when a query value contains '/'
   (delimiter=/) or a key contains characters such as + = & * ( ) : , ; @ ! or non-ASCII.
   Here the canonical request is built from the raw request line (environ RAW_URI /
   REQUEST_URI) the way S3 does it: the path exactly as sent; the query split on '&',
   each name and value percent-decoded then re-encoded RFC 3986 style (A-Za-z0-9-_.~ kept,
   everything else %XX upper-case, '/' too), sorted. --stock-signatures turns this off.

3. Test clock. S3 cannot backdate objects; here a PutObject carrying the header
   `x-moto-test-last-modified: 2026-01-31T00:00:00Z` stores the object with that
   LastModified (listings have 1-second resolution). Only this server honours it.

4. --request-log FILE appends `METHOD RAWPATH?RAWQUERY STATUS` per request, written
   before the response goes out, so once a client has its answer the line is there.

5. POST /_s3test/seed (header x-s3test-secret: <the secret access key>), body
   {"bucket": B, "objects": [{"key": K, "body_b64": "...", "last_modified": "...Z"}]}:
   a test-only bulk upload straight into moto's backend (thousands of objects in well
   under a second, where PutObject through moto manages ~200/s). The bucket must exist.

6. --url-encoding for ListObjects(V2) `encoding-type=url`:
   moto (default): moto's own (urllib quote, '/' kept, space as %20);
   form: like Java's URLEncoder (space as '+', '/' as %2F), which a correct S3 client
         must also decode;
   none: encode nothing special -- ignore encoding-type and return raw keys (the
         response also leaves out <EncodingType>).
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import hmac
import json
import os
import re
import signal
import sys
import threading
import urllib.parse

_tls = threading.local()

ACCOUNT_ID = "123456789012"
USER_NAME = "s3-cleanup-test"
TEST_CLOCK_HEADER = "x-moto-test-last-modified"


# --------------------------------------------------------------------------- helpers
def canonical_query(raw_query: str) -> str:
    """S3's canonical query string, from the query exactly as it was sent."""
    if not raw_query:
        return ""
    pairs = []
    for part in raw_query.split("&"):
        if part == "":
            continue
        name, _, value = part.partition("=")
        # '+' is a literal plus here (as in S3 object keys), not a space.
        name = urllib.parse.unquote(name, errors="surrogateescape")
        value = urllib.parse.unquote(value, errors="surrogateescape")
        pairs.append((_encode_str(name), _encode_str(value)))
    pairs.sort()
    return "&".join(f"{k}={v}" for k, v in pairs)


def _encode_str(s: str) -> str:
    b = s.encode("utf-8", errors="surrogateescape")
    return urllib.parse.quote_from_bytes(b, safe="-_.~")


def raw_request_target(environ) -> tuple[str, str]:
    """(raw path, raw query) of the request line as the client sent it."""
    raw = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if raw is None:
        path = urllib.parse.quote(environ.get("PATH_INFO", ""))
        return path, environ.get("QUERY_STRING", "")
    # http.server decodes the request line as latin-1, then werkzeug's WSGI "encoding
    # dance" re-encodes that as utf-8 shown as latin-1. Undo both to get the bytes as sent
    # (normally pure ASCII), kept in a str via surrogateescape.
    try:
        raw_bytes = raw.encode("latin-1").decode("utf-8").encode("latin-1")
        raw = raw_bytes.decode("utf-8", errors="surrogateescape")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    if raw.startswith(("http://", "https://")):  # absolute-form request target
        parts = urllib.parse.urlsplit(raw)
        raw = parts.path + ("?" + parts.query if parts.query else "")
    path, _, query = raw.partition("?")
    return path, query


def _parse_authorization(value: str) -> dict[str, str]:
    out = {}
    m = re.match(r"\s*(\S+)\s+(.*)", value or "")
    if not m:
        return out
    out["algorithm"] = m.group(1)
    for item in m.group(2).split(","):
        k, _, v = item.strip().partition("=")
        out[k] = v
    return out


def _parse_test_time(value: str) -> _dt.datetime:
    v = value.strip()
    if v.endswith("Z") or v.endswith("z"):
        v = v[:-1] + "+00:00"
    t = _dt.datetime.fromisoformat(v)
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return t.astimezone(_dt.timezone.utc).replace(tzinfo=None)  # moto stores naive UTC


# --------------------------------------------------------------------------- patches
def install_signature_fix() -> None:
    """Make moto compute S3 SigV4 signatures from the raw request line (moto #5948)."""
    from moto.iam import access_control

    cls = access_control.S3IAMRequest
    original = cls._calculate_signature

    def _calculate_signature(self) -> str:
        environ = getattr(_tls, "environ", None)
        if environ is None:  # not a request of this server: keep moto's way
            return original(self)
        headers = self._headers
        auth = _parse_authorization(headers.get("Authorization", ""))
        scope = auth.get("Credential", "").split("/", 1)[1] if "/" in auth.get("Credential", "") else ""
        scope_parts = scope.split("/")
        signed = [h for h in auth.get("SignedHeaders", "").split(";") if h]
        amz_date = headers.get("X-Amz-Date") or headers.get("Date") or ""

        path, query = raw_request_target(environ)
        canon_headers = "".join(
            f"{h}:{' '.join((headers.get(h) or '').split())}\n" for h in signed
        )
        payload = headers.get("X-Amz-Content-SHA256")
        if payload is None:
            body = self._body if isinstance(self._body, bytes) else (self._body or "").encode()
            payload = hashlib.sha256(body).hexdigest()
        canonical_request = "\n".join(
            [self._method.upper(), path, canonical_query(query), canon_headers,
             ";".join(signed), payload]
        )
        _tls.canonical_request = canonical_request
        string_to_sign = "\n".join(
            ["AWS4-HMAC-SHA256", amz_date, scope,
             hashlib.sha256(canonical_request.encode("utf-8", "surrogateescape")).hexdigest()]
        )
        creds = self._access_key.create_credentials()
        key = ("AWS4" + creds.secret_key).encode()
        for part in scope_parts:
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()

    cls._calculate_signature = _calculate_signature


def install_auth_guard() -> None:
    """moto raises KeyError (HTTP 500) on an unsigned request; S3 says 403 AccessDenied."""
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto import settings
    from moto.s3.exceptions import S3AccessDeniedError

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def _authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
        if (ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
                and "Authorization" not in self.headers):
            raise S3AccessDeniedError()
        return original(self, iam_request_cls, resource)

    ActionAuthenticatorMixin._authenticate_and_authorize_action = _authenticate_and_authorize_action


def install_test_clock() -> None:
    from moto.s3.models import S3Backend

    original = S3Backend.put_object

    def put_object(self, *args, **kwargs):
        key = original(self, *args, **kwargs)
        when = getattr(_tls, "last_modified", None)
        if when is not None and key is not None:
            key.last_modified = when
        return key

    S3Backend.put_object = put_object


def install_url_encoding(mode: str) -> None:
    if mode == "moto":
        return
    import types
    from moto.s3 import models, responses

    if mode == "form":
        def form_quote(s, *args, **kwargs):  # Java URLEncoder style: ' ' -> '+', '/' -> %2F
            return urllib.parse.quote_plus(s, safe="*")

        def safe_name(self, encoding_type=None):
            return form_quote(self.name) if encoding_type == "url" else self.name

        models.FakeKey.safe_name = safe_name
        # moto's list code calls urllib.parse.quote() for Prefix / CommonPrefixes
        parse = types.SimpleNamespace(**{n: getattr(urllib.parse, n) for n in dir(urllib.parse)
                                         if not n.startswith("__")})
        parse.quote = form_quote
        responses.urllib = types.SimpleNamespace(parse=parse)
    elif mode == "none":
        orig_setup = responses.S3Response.setup_class

        def setup_class(self, request, full_url, headers):
            orig_setup(self, request, full_url, headers)
            if self.method == "GET":
                self.querystring.pop("encoding-type", None)

        responses.S3Response.setup_class = setup_class
    else:
        raise SystemExit(f"unknown --url-encoding {mode}")


def bootstrap_credentials() -> tuple[str, str]:
    """Create the IAM user, an allow-all inline policy and an access key, in-process."""
    from moto.iam.models import iam_backends

    iam = iam_backends[ACCOUNT_ID]["aws"]
    iam.create_user(region_name="us-east-1", user_name=USER_NAME, path="/", tags=[])
    policy = json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
    })
    iam.put_user_policy(USER_NAME, "admin", policy)
    key = iam.create_access_key(USER_NAME)
    return key.access_key_id, key.secret_access_key


# --------------------------------------------------------------------------- WSGI wrapper
def bulk_seed(payload: dict) -> int:
    """Test-only fast path: store many objects in one request, straight into moto's backend."""
    import base64
    from moto.s3.models import s3_backends

    backend = s3_backends[ACCOUNT_ID]["aws"]
    bucket = payload["bucket"]
    n = 0
    for obj in payload["objects"]:
        key, body = obj["key"], base64.b64decode(obj.get("body_b64", ""))
        k = backend.put_object(bucket, key, body)
        if obj.get("last_modified"):
            k.last_modified = _parse_test_time(obj["last_modified"])
        n += 1
    return n


class Middleware:
    """Request log, test-clock header, the /_s3test/ endpoints, and request context for
    the signature fix."""

    def __init__(self, app, request_log: str | None, secret: str = ""):
        self.app = app
        self.secret = secret
        self.log_fd = None
        if request_log:
            self.log_fd = os.open(request_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def _log(self, environ, status: str) -> None:
        if self.log_fd is not None:
            path, query = raw_request_target(environ)
            target = path + ("?" + query if query else "")
            line = f"{environ.get('REQUEST_METHOD')} {target} {status.split()[0]}\n"
            os.write(self.log_fd, line.encode("utf-8", "surrogateescape"))

    def _test_endpoint(self, environ, start_response):
        def reply(status, obj):
            body = json.dumps(obj).encode()
            self._log(environ, status)
            start_response(status, [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(body)))])
            return [body]

        if environ.get("HTTP_X_S3TEST_SECRET") != self.secret:
            return reply("403 Forbidden", {"error": "x-s3test-secret missing or wrong"})
        if environ.get("PATH_INFO") == "/_s3test/seed" and environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            payload = json.loads(environ["wsgi.input"].read(length))
            try:
                return reply("200 OK", {"seeded": bulk_seed(payload)})
            except Exception as e:  # e.g. NoSuchBucket
                return reply("400 Bad Request", {"error": f"{type(e).__name__}: {e}"})
        return reply("404 Not Found", {"error": "unknown test endpoint"})

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/_s3test/"):
            return self._test_endpoint(environ, start_response)
        _tls.environ = environ
        _tls.last_modified = None
        lm = environ.get("HTTP_" + TEST_CLOCK_HEADER.upper().replace("-", "_"))
        if lm and environ.get("REQUEST_METHOD") == "PUT":
            try:
                _tls.last_modified = _parse_test_time(lm)
            except ValueError:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [f"bad {TEST_CLOCK_HEADER}: {lm}\n".encode()]

        def _start_response(status, headers, exc_info=None):
            self._log(environ, status)
            return start_response(status, headers, exc_info)

        try:
            return self.app(environ, _start_response)
        finally:
            _tls.environ = None
            _tls.last_modified = None


# --------------------------------------------------------------------------- main
def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--port", type=int, required=True, help="0 = pick a free port")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--request-log", help="append 'METHOD RAWPATH?RAWQUERY STATUS' per request")
    p.add_argument("--no-auth", action="store_true", help="do not check signatures at all")
    p.add_argument("--stock-signatures", action="store_true",
                   help="keep moto's own (buggy, #5948) signature computation")
    p.add_argument("--url-encoding", choices=["moto", "form", "none"], default="moto",
                   help="how ListObjects encodes keys for encoding-type=url (none: ignore it)")
    p.add_argument("--single-threaded", action="store_true",
                   help="serve one request at a time (default: a thread per connection)")
    p.add_argument("--exit-on-stdin-eof", action="store_true",
                   help="shut down when stdin reaches EOF (the parent test process died)")
    args = p.parse_args(argv)

    # moto reads some settings at import time
    os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "false")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    from moto import settings
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server, WSGIRequestHandler

    if not args.stock_signatures:
        install_signature_fix()
    install_auth_guard()
    install_test_clock()
    install_url_encoding(args.url_encoding)

    access_key_id, secret = bootstrap_credentials()
    settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf") if args.no_auth else 0

    app = Middleware(DomainDispatcherApplication(create_backend_app), args.request_log, secret)

    class QuietHandler(WSGIRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as S3 does

        def log_request(self, *a, **kw):
            pass

    server = make_server(args.host, args.port, app, threaded=not args.single_threaded,
                         request_handler=QuietHandler)
    server.daemon_threads = True
    port = server.server_address[1]

    def _stop(signum, frame):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if args.exit_on_stdin_eof:
        def _watch_stdin():
            try:
                while sys.stdin.buffer.read(4096):
                    pass
            except (OSError, ValueError):
                pass
            _stop(None, None)

        threading.Thread(target=_watch_stdin, daemon=True).start()

    print(json.dumps({
        "ready": True, "host": args.host, "port": port,
        "endpoint_url": f"http://{args.host}:{port}",
        "access_key_id": access_key_id, "secret_access_key": secret,
        "region": "us-east-1", "auth": not args.no_auth,
        "signature_fix": not args.stock_signatures, "url_encoding": args.url_encoding,
    }), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
