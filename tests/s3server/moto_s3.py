#!/usr/bin/env python3
"""A test S3 server on loopback: moto's server app with SigV4 checking ON.

    python3 tests/s3server/moto_s3.py --port P [--host 127.0.0.1]
                                      [--request-log FILE] [options]

When ready it prints ONE JSON line on stdout and flushes it:

    {"ready": true, "host": "127.0.0.1", "port": P, "endpoint_url": "http://127.0.0.1:P",
     "access_key_id": "AKIA...", "secret_access_key": "...", "region": "us-east-1",
     "auth": true, ..., "account_id": "123456789012", "sts_endpoint_url": (the same URL),
     "role_arn": ..., "denied_role_arn": ..., "external_id_role_arn": ..., "external_id": ...}

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

7. STS (and IAM) on the same port. moto's dispatcher routes a signed request by the
   service in its credential scope (.../us-east-1/sts/aws4_request -> STS), an unsigned
   one by the Action in its form body; so AWS_ENDPOINT_URL_STS = the endpoint_url works.
   * Signed STS requests (AssumeRole, GetCallerIdentity, ...) are verified too, from the
     raw request the way AWS does for non-S3 services: canonical URI = the path encoded
     once more, canonical query as for S3, exactly the headers the client lists in
     SignedHeaders (stock moto re-signs with botocore, which drops e.g. a signed
     user-agent), payload hash = SHA-256 of the body as received.
   * AssumeRoleWithWebIdentity / AssumeRoleWithSAML are let through unsigned, as real
     STS does (stock moto answers 500). Any other unsigned non-S3 request: 403
     MissingAuthenticationToken. The web identity token must be non-empty (else 400
     ValidationError); a token starting with "invalid" gets 400 InvalidIdentityToken,
     like a token the identity provider does not vouch for.
   * DurationSeconds outside 900..43200 gets 400 ValidationError, as real STS, and so
     does more than 3600 when the caller signs with temporary credentials (role chaining).
     The external_id role refuses AssumeRole without the right ExternalId (moto itself
     refuses only a wrong one). These checks come after moto has verified the signature.
   * Roles created at start-up (ARNs in the ready line), trust policy: anyone may
     assume them (AssumeRole*):
       role_arn             allow-* permissions
       denied_role_arn      no permissions at all: its credentials get 403 AccessDenied
       external_id_role_arn allow-*, but AssumeRole only with ExternalId = external_id
   * STS temporary credentials (ASIA..., with their session token) are accepted by S3.

8. Logs readable by the tests (header x-s3test-secret: <secret key>):
   GET /_s3test/auth-log?since=N  every request: {"seq", "method", "target", "status",
       "service", "region", "access_key_id", "session_token": bool, "host", "amz_date"}
       -- who signed what, when, for which region. ("next" = the seq to ask for next time.)
   GET /_s3test/sts-log?since=N   every STS call: {"seq", "action", "status", "signed",
       "caller_access_key_id", "region", "role_arn", "role_session_name",
       "duration_seconds", "external_id", "web_identity_token", "issued_access_key_id",
       "expiration", "error_code"}.

9. POST /_s3test/credentials (same header), body {"op": ...}:
   {"op": "create-user"}   a new IAM user with allow-* and one access key
                           -> {"AccessKeyId", "SecretAccessKey", "UserName"}
   {"op": "assume-role", "role_arn": A, "duration": S, "session_name": N}
                           STS temporary credentials, in-process
                           -> {"AccessKeyId", "SecretAccessKey", "SessionToken", "Expiration"}
   {"op": "revoke", "access_key_id": K}
                           delete that IAM access key / forget that STS session: from
                           then on requests signed with it get 403 InvalidAccessKeyId
                           -> {"revoked": true|false}

10. Clock skew, as AWS checks it (moto does not): a signed request whose X-Amz-Date is
    more than --max-skew-seconds (default 900, S3's 15 minutes) away from this server's
    clock is refused before moto sees it -- S3: 403 RequestTimeTooSkewed (with
    RequestTime, ServerTime, MaxAllowedSkewMilliseconds); STS: 403 SignatureDoesNotMatch
    "Signature expired: ...", as real STS words it. Every answer carries a Date header.
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


def _query_param(raw_query: str, name: str) -> str | None:
    """One parameter of a raw query string, decoded; None when absent."""
    values = urllib.parse.parse_qs(raw_query, keep_blank_values=True).get(name)
    return values[0] if values else None


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
def _raw_signature(self, s3: bool) -> str:
    """SigV4 signature of the request being served, from the raw request (see module doc)."""
    environ = _tls.environ
    headers = self._headers
    auth = _parse_authorization(headers.get("Authorization", ""))
    scope = auth.get("Credential", "").split("/", 1)[1] if "/" in auth.get("Credential", "") else ""
    scope_parts = scope.split("/")
    signed = [h for h in auth.get("SignedHeaders", "").split(";") if h]
    amz_date = headers.get("X-Amz-Date") or headers.get("Date") or ""

    path, query = raw_request_target(environ)
    if not s3:  # every other service: the URI-encoded path is encoded once more
        path = urllib.parse.quote(path, safe="/-_.~")
    canon_headers = "".join(
        f"{h}:{' '.join((headers.get(h) or '').split())}\n" for h in signed
    )
    if s3:
        body = self._body if isinstance(self._body, bytes) else (self._body or "").encode()
    else:  # moto/Flask hand a parsed form, not the bytes: the middleware kept them
        body = getattr(_tls, "raw_body", None) or b""
    payload = headers.get("X-Amz-Content-SHA256") if s3 else None
    if payload is None:
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


def install_signature_fix() -> None:
    """Compute SigV4 signatures from the raw request line (moto #5948), for S3 and for
    the other services (STS) alike."""
    from moto.iam import access_control

    for cls, s3 in ((access_control.S3IAMRequest, True), (access_control.IAMRequest, False)):
        original = cls._calculate_signature

        def _calculate_signature(self, _original=original, _s3=s3) -> str:
            if getattr(_tls, "environ", None) is None:  # not a request of this server
                return _original(self)
            return _raw_signature(self, _s3)

        cls._calculate_signature = _calculate_signature


UNSIGNED_ACTIONS = ("AssumeRoleWithWebIdentity", "AssumeRoleWithSAML")
SIGNED_STS_ACTIONS = ("AssumeRole", "GetCallerIdentity", "GetSessionToken", "GetFederationToken",
                      "GetAccessKeyInfo", "DecodeAuthorizationMessage")


def install_auth_guard() -> None:
    """moto raises KeyError (HTTP 500) on an unsigned request. S3 says 403 AccessDenied,
    other services 403 MissingAuthenticationToken -- except the STS actions that real STS
    serves unsigned, which go through without authentication."""
    from moto.core.authorization import ActionAuthenticatorMixin
    from moto.core.exceptions import _RESTError
    from moto import settings
    from moto.s3.exceptions import S3AccessDeniedError
    from moto.s3.responses import S3Response

    class MissingAuthenticationToken(_RESTError):
        code = 403

        def __init__(self) -> None:
            super().__init__("MissingAuthenticationToken",
                             "Request is missing Authentication Token")

    original = ActionAuthenticatorMixin._authenticate_and_authorize_action

    def _authenticate_and_authorize_action(self, iam_request_cls, resource="*"):
        if (ActionAuthenticatorMixin.request_count >= settings.INITIAL_NO_AUTH_ACTION_COUNT
                and "Authorization" not in self.headers):
            if isinstance(self, S3Response):
                raise S3AccessDeniedError()
            try:
                action = self._get_action()
            except Exception:  # noqa: BLE001 - no action at all: still unsigned
                action = None
            if action in UNSIGNED_ACTIONS:
                return
            raise MissingAuthenticationToken()
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


ALLOW_ALL = json.dumps({
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
})
ROLE_NAME = "s3-cleanup-test-role"
DENIED_ROLE_NAME = "s3-cleanup-test-denied-role"
EXTERNAL_ID_ROLE_NAME = "s3-cleanup-test-external-id-role"
EXTERNAL_ID = "s3c-external-4711"


def _trust_policy(condition: dict | None = None) -> str:
    stmt = {"Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity",
                       "sts:AssumeRoleWithSAML", "sts:TagSession"]}
    if condition:
        stmt["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def _iam():
    from moto.iam.models import iam_backends
    return iam_backends[ACCOUNT_ID]["aws"]


def bootstrap_credentials() -> tuple[str, str]:
    """Create the IAM user, an allow-all inline policy and an access key, in-process."""
    iam = _iam()
    iam.create_user(region_name="us-east-1", user_name=USER_NAME, path="/", tags=[])
    iam.put_user_policy(USER_NAME, "admin", ALLOW_ALL)
    key = iam.create_access_key(USER_NAME)
    return key.access_key_id, key.secret_access_key


def bootstrap_roles() -> dict[str, str]:
    """The roles to assume (see module doc, 7.); returns their ARNs for the ready line."""
    iam = _iam()

    def role(name, trust, policy):
        r = iam.create_role(role_name=name, assume_role_policy_document=trust, path="/",
                            permissions_boundary=None, description="s3-cleanup tests",
                            tags=[], max_session_duration="43200")
        if policy:
            iam.put_role_policy(name, "admin", policy)
        return r.arn

    return {
        "role_arn": role(ROLE_NAME, _trust_policy(), ALLOW_ALL),
        "denied_role_arn": role(DENIED_ROLE_NAME, _trust_policy(), None),
        "external_id_role_arn": role(
            EXTERNAL_ID_ROLE_NAME,
            _trust_policy({"StringEquals": {"sts:ExternalId": EXTERNAL_ID}}), ALLOW_ALL),
        "external_id": EXTERNAL_ID,
    }


_USER_SEQ = [0]
_SEQ_LOCK = threading.Lock()


def credentials_op(payload: dict) -> dict:
    """POST /_s3test/credentials (module doc, 9.)."""
    from moto.sts.models import sts_backends

    op = payload.get("op")
    iam = _iam()
    if op == "create-user":
        with _SEQ_LOCK:
            _USER_SEQ[0] += 1
            name = f"s3-cleanup-extra-{_USER_SEQ[0]}"
        iam.create_user(region_name="us-east-1", user_name=name, path="/", tags=[])
        iam.put_user_policy(name, "admin", ALLOW_ALL)
        key = iam.create_access_key(name)
        return {"AccessKeyId": key.access_key_id, "SecretAccessKey": key.secret_access_key,
                "UserName": name}
    if op == "assume-role":
        sts = sts_backends[ACCOUNT_ID]["aws"]
        role = sts.assume_role(region_name="us-east-1",
                               role_session_name=payload.get("session_name") or "s3test",
                               role_arn=payload["role_arn"], policy=None,
                               duration=int(payload.get("duration") or 3600), external_id=None)
        return {"AccessKeyId": role.access_key_id, "SecretAccessKey": role.secret_access_key,
                "SessionToken": role.session_token,
                "Expiration": role.expiration.strftime("%Y-%m-%dT%H:%M:%SZ")}
    if op == "revoke":
        key_id = payload["access_key_id"]
        revoked = False
        sts = sts_backends[ACCOUNT_ID]["aws"]
        before = len(sts.assumed_roles)
        sts.assumed_roles[:] = [r for r in sts.assumed_roles if r.access_key_id != key_id]
        revoked = len(sts.assumed_roles) != before
        for user in list(iam.users.values()):
            if any(k.access_key_id == key_id for k in user.access_keys):
                iam.delete_access_key(key_id, user.name)
                revoked = True
        return {"revoked": revoked}
    raise ValueError(f"unknown op {op!r}")


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


class _Log:
    """An in-memory log with sequence numbers (read back by the tests via /_s3test/)."""

    def __init__(self, maxlen: int = 200_000):
        import collections
        self.entries = collections.deque(maxlen=maxlen)
        self.seq = 0
        self.lock = threading.Lock()

    def add(self, entry: dict) -> None:
        with self.lock:
            entry["seq"] = self.seq
            self.seq += 1
            self.entries.append(entry)

    def since(self, n: int) -> dict:
        with self.lock:
            return {"next": self.seq, "entries": [e for e in self.entries if e["seq"] >= n]}


def _sts_error(status: str, code: str, message: str, type_: str = "Sender") -> tuple[str, bytes]:
    """An error the way STS words it (the query protocol's ErrorResponse)."""
    from xml.sax.saxutils import escape
    body = (f'<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error>'
            f"<Type>{escape(type_)}</Type><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error><RequestId>s3test-{os.urandom(8).hex()}</RequestId></ErrorResponse>")
    return status, body.encode()


def _xml_text(body: bytes, tag: str) -> str | None:
    m = re.search(rb"<" + tag.encode() + rb">([^<]*)</" + tag.encode() + rb">", body)
    from xml.sax.saxutils import unescape
    return unescape(m.group(1).decode("utf-8", "replace"), {"&quot;": '"', "&apos;": "'"}) if m else None


def _caller_arn(access_key_id: str | None) -> str:
    """The ARN STS names in AccessDenied messages (never the access key id)."""
    from moto.sts.models import sts_backends
    for user in list(_iam().users.values()):
        if any(k.access_key_id == access_key_id for k in user.access_keys):
            return user.arn
    for role in list(sts_backends[ACCOUNT_ID]["aws"].assumed_roles):
        if role.access_key_id == access_key_id:
            return role.arn
    return f"arn:aws:iam::{ACCOUNT_ID}:user/unknown"


class Middleware:
    """Request log, test-clock header, the /_s3test/ endpoints, STS checks and logs, and
    request context for the signature fix."""

    def __init__(self, app, request_log: str | None, secret: str = "",
                 max_skew_seconds: float = 900):
        self.app = app
        self.secret = secret
        self.max_skew = _dt.timedelta(seconds=max_skew_seconds)
        self.log_fd = None
        self.auth_log = _Log()
        self.sts_log = _Log()
        if request_log:
            self.log_fd = os.open(request_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def _log(self, environ, status: str) -> None:
        if self.log_fd is not None:
            path, query = raw_request_target(environ)
            target = path + ("?" + query if query else "")
            line = f"{environ.get('REQUEST_METHOD')} {target} {status.split()[0]}\n"
            os.write(self.log_fd, line.encode("utf-8", "surrogateescape"))

    def _auth_entry(self, environ, status: str) -> dict:
        auth = _parse_authorization(environ.get("HTTP_AUTHORIZATION", ""))
        cred = auth.get("Credential", "").split("/")
        path, query = raw_request_target(environ)
        return {
            "method": environ.get("REQUEST_METHOD"),
            "target": path + ("?" + query if query else ""),
            "status": int(status.split()[0]),
            "access_key_id": cred[0] if len(cred) == 5 else None,
            "region": cred[2] if len(cred) == 5 else None,
            "service": cred[3] if len(cred) == 5 else None,
            "session_token": "HTTP_X_AMZ_SECURITY_TOKEN" in environ,
            "host": environ.get("HTTP_HOST"),
            "amz_date": environ.get("HTTP_X_AMZ_DATE") or _query_param(query, "X-Amz-Date"),
        }

    def _test_endpoint(self, environ, start_response):
        def reply(status, obj):
            body = json.dumps(obj).encode()
            self._log(environ, status)
            start_response(status, [("Content-Type", "application/json"),
                                    ("Content-Length", str(len(body)))])
            return [body]

        if environ.get("HTTP_X_S3TEST_SECRET") != self.secret:
            return reply("403 Forbidden", {"error": "x-s3test-secret missing or wrong"})
        path, method = environ.get("PATH_INFO"), environ["REQUEST_METHOD"]
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        since = int(query.get("since", ["0"])[0])
        if method == "POST" and path in ("/_s3test/seed", "/_s3test/credentials"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            payload = json.loads(environ["wsgi.input"].read(length))
            try:
                if path == "/_s3test/seed":
                    return reply("200 OK", {"seeded": bulk_seed(payload)})
                return reply("200 OK", credentials_op(payload))
            except Exception as e:  # e.g. NoSuchBucket
                return reply("400 Bad Request", {"error": f"{type(e).__name__}: {e}"})
        if method == "GET" and path == "/_s3test/auth-log":
            return reply("200 OK", self.auth_log.since(since))
        if method == "GET" and path == "/_s3test/sts-log":
            return reply("200 OK", self.sts_log.since(since))
        return reply("404 Not Found", {"error": "unknown test endpoint"})

    @staticmethod
    def _sts_params(environ) -> dict | None:
        """The form parameters of an STS request (body re-armed for moto), else None.
        The body of any signed non-S3 request is kept in _tls.raw_body for the
        signature check."""
        auth = _parse_authorization(environ.get("HTTP_AUTHORIZATION", ""))
        cred = auth.get("Credential", "").split("/")
        signed_sts = len(cred) == 5 and cred[3] == "sts"
        signed_other = len(cred) == 5 and cred[3] != "s3"
        form = (environ.get("CONTENT_TYPE") or "").startswith("application/x-www-form-urlencoded")
        if not signed_other and not (form and "HTTP_AUTHORIZATION" not in environ
                                     and environ.get("REQUEST_METHOD") == "POST"):
            return None
        import io
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        if signed_other:
            _tls.raw_body = body
        if not signed_sts and "HTTP_AUTHORIZATION" in environ:
            return None
        params = {k: v[0] for k, v in urllib.parse.parse_qs(
            body.decode("utf-8", "replace"), keep_blank_values=True).items()}
        for k, v in urllib.parse.parse_qs(environ.get("QUERY_STRING", ""),
                                          keep_blank_values=True).items():
            params.setdefault(k, v[0])
        action = params.get("Action")
        if not signed_sts and action not in UNSIGNED_ACTIONS + SIGNED_STS_ACTIONS:
            return None
        return {"params": params, "signed": signed_sts,
                "caller": cred[0] if len(cred) == 5 else None,
                "region": cred[2] if len(cred) == 5 else None}

    def _sts_check(self, sts: dict) -> tuple[str, bytes] | None:
        """What real STS refuses and moto accepts."""
        params = sts["params"]
        action = params.get("Action")
        if not sts["signed"] and action not in UNSIGNED_ACTIONS:
            return _sts_error("403 Forbidden", "MissingAuthenticationToken",
                              "Request is missing Authentication Token")
        if action == "AssumeRoleWithWebIdentity":
            token = params.get("WebIdentityToken", "")
            if not token:
                return _sts_error("400 Bad Request", "ValidationError",
                                  "1 validation error detected: Value null at "
                                  "'webIdentityToken' failed to satisfy constraint: "
                                  "Member must not be null")
            if token.startswith("invalid"):
                return _sts_error("400 Bad Request", "InvalidIdentityToken",
                                  "The ID Token provided is not a valid JWT. "
                                  "(You may see this error if you sent an Access Token)")
        return None

    @staticmethod
    def _sts_post_check(sts: dict) -> tuple[str, bytes] | None:
        """What real STS refuses and moto accepted (checked once moto has authenticated
        the caller, as STS checks the signature first)."""
        params = sts["params"]
        action = params.get("Action")
        if (action == "AssumeRole" and params.get("RoleArn", "").endswith(":role/" + EXTERNAL_ID_ROLE_NAME)
                and params.get("ExternalId") != EXTERNAL_ID):  # moto checks only a wrong one
            return _sts_error("403 Forbidden", "AccessDenied",
                              f"User: {_caller_arn(sts['caller'])} is not authorized to perform: "
                              f"sts:AssumeRole on resource: {params.get('RoleArn')}")
        if action and action.startswith("AssumeRole") and "DurationSeconds" in params:
            try:
                d = int(params["DurationSeconds"])
            except ValueError:
                d = -1
            if not 900 <= d <= 43200:
                return _sts_error("400 Bad Request", "ValidationError",
                                  f"1 validation error detected: Value '{params['DurationSeconds']}' "
                                  "at 'durationSeconds' failed to satisfy constraint: Member must "
                                  "have value " + ("greater than or equal to 900" if d < 900
                                                   else "less than or equal to 43200"))
            if d > 3600 and (sts["caller"] or "").startswith("ASIA"):
                return _sts_error("400 Bad Request", "ValidationError",
                                  "The requested DurationSeconds exceeds the 1 hour session limit "
                                  "for roles assumed by role chaining.")
        return None

    def _skew_refusal(self, environ) -> tuple[str, bytes] | None:
        """The answer to a signed request whose time is too far from ours (see 10.)."""
        amz = environ.get("HTTP_X_AMZ_DATE")
        if not amz or "HTTP_AUTHORIZATION" not in environ:
            return None
        try:
            signed = _dt.datetime.strptime(amz, "%Y%m%dT%H%M%SZ").replace(tzinfo=_dt.timezone.utc)
        except ValueError:
            return None
        now = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0)
        if abs(now - signed) <= self.max_skew:
            return None
        cred = _parse_authorization(environ["HTTP_AUTHORIZATION"]).get("Credential", "").split("/")
        if len(cred) == 5 and cred[3] == "sts":
            floor = (now - self.max_skew).strftime("%Y%m%dT%H%M%SZ")
            return _sts_error("403 Forbidden", "SignatureDoesNotMatch",
                              f"Signature expired: {amz} is now earlier than {floor} "
                              f"({now.strftime('%Y%m%dT%H%M%SZ')} - 15 min.)")
        body = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>RequestTimeTooSkewed</Code>'
                "<Message>The difference between the request time and the current time is too "
                f"large.</Message><RequestTime>{amz}</RequestTime><ServerTime>"
                f"{now.strftime('%Y-%m-%dT%H:%M:%SZ')}</ServerTime><MaxAllowedSkewMilliseconds>"
                f"{int(self.max_skew.total_seconds() * 1000)}</MaxAllowedSkewMilliseconds>"
                f"<RequestId>s3test-{os.urandom(8).hex()}</RequestId></Error>")
        return "403 Forbidden", body.encode()

    def __call__(self, environ, start_response):
        if environ.get("PATH_INFO", "").startswith("/_s3test/"):
            return self._test_endpoint(environ, start_response)
        refused = self._skew_refusal(environ)
        if refused is not None:
            status, body = refused
            self._log(environ, status)
            self.auth_log.add(self._auth_entry(environ, status))
            start_response(status, [("Content-Type", "application/xml"),
                                    ("Content-Length", str(len(body)))])
            return [body]
        _tls.raw_body = None
        sts = self._sts_params(environ)
        _tls.environ = environ
        _tls.last_modified = None
        lm = environ.get("HTTP_" + TEST_CLOCK_HEADER.upper().replace("-", "_"))
        if lm and environ.get("REQUEST_METHOD") == "PUT":
            try:
                _tls.last_modified = _parse_test_time(lm)
            except ValueError:
                start_response("400 Bad Request", [("Content-Type", "text/plain")])
                return [f"bad {TEST_CLOCK_HEADER}: {lm}\n".encode()]

        box = {}

        def _start_response(status, headers, exc_info=None):
            box["status"] = status
            self._log(environ, status)
            self.auth_log.add(self._auth_entry(environ, status))
            return start_response(status, headers, exc_info)

        try:
            if sts is None:
                return self.app(environ, _start_response)
            refused = self._sts_check(sts)
            if refused is not None:
                status, body = refused
                headers = [("Content-Type", "text/xml")]
            else:
                def _buffer(status, headers, exc_info=None):
                    box["buffered"] = (status, headers)
                    return lambda data: None

                body = b"".join(self.app(environ, _buffer))
                status, headers = box["buffered"]
                refused = self._sts_post_check(sts) if status.startswith("200") else None
                if refused is not None:  # take back what moto issued
                    issued = _xml_text(body, "AccessKeyId")
                    if issued:
                        credentials_op({"op": "revoke", "access_key_id": issued})
                    status, body = refused
                    headers = [("Content-Type", "text/xml")]
                # real STS: <Expiration>2026-01-31T00:00:00Z</Expiration>, moto adds .123456
                body = re.sub(rb"(<Expiration>[0-9T:-]+)\.[0-9]+(Z?</Expiration>)", rb"\1\2", body)
                if b"<Errors>" in body and not status.startswith("2"):
                    # moto's auth errors come EC2-style (<ErrorResponse><Errors><Error>);
                    # STS says <ErrorResponse><Error>..</Error><RequestId>..</RequestId>
                    status, body = _sts_error(status, _xml_text(body, "Code") or "InternalFailure",
                                              _xml_text(body, "Message") or "",
                                              _xml_text(body, "Type") or "Sender")
                    headers = [("Content-Type", "text/xml")]
            rid = _xml_text(body, "RequestId")
            headers = [(k, v) for k, v in headers
                       if k.lower() not in ("content-length", "status")
                       and not (rid and k.lower() == "x-amzn-requestid")]
            if rid:
                headers.append(("x-amzn-RequestId", rid))  # the same id as in the body, as STS
            _start_response(status, headers + [("Content-Length", str(len(body)))])
            self._log_sts(sts, status, body)
            return [body]
        finally:
            _tls.environ = None
            _tls.last_modified = None
            _tls.raw_body = None

    def _log_sts(self, sts: dict, status: str, body: bytes) -> None:
        p = sts["params"]
        ok = status.startswith("200")
        self.sts_log.add({
            "action": p.get("Action"), "status": int(status.split()[0]),
            "signed": sts["signed"], "caller_access_key_id": sts["caller"],
            "region": sts["region"], "role_arn": p.get("RoleArn"),
            "role_session_name": p.get("RoleSessionName"),
            "duration_seconds": int(p["DurationSeconds"]) if p.get("DurationSeconds", "").isdigit() else None,
            "external_id": p.get("ExternalId"), "web_identity_token": p.get("WebIdentityToken"),
            "issued_access_key_id": _xml_text(body, "AccessKeyId") if ok else None,
            "expiration": _xml_text(body, "Expiration") if ok else None,
            "error_code": None if ok else _xml_text(body, "Code"),
        })


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
    p.add_argument("--max-skew-seconds", type=float, default=900,
                   help="refuse signed requests whose X-Amz-Date is further off (default 900)")
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
    roles = bootstrap_roles()
    settings.INITIAL_NO_AUTH_ACTION_COUNT = float("inf") if args.no_auth else 0

    app = Middleware(DomainDispatcherApplication(create_backend_app), args.request_log, secret,
                     args.max_skew_seconds)

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
        "account_id": ACCOUNT_ID, "sts_endpoint_url": f"http://{args.host}:{port}", **roles,
    }), flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
