"""A small reference SigV4 signer for raw S3 requests (harness self-tests only).

Signs a request target exactly as it will go on the wire, the way S3 verifies it:
canonical URI = the path as sent; canonical query = each name/value percent-decoded and
re-encoded RFC 3986 style ('/' too), sorted. Lets a test send e.g. `?delimiter=/`
unencoded, or a path with raw `(`, and still carry a correct signature.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import urllib.parse


def _enc(s: str) -> str:
    return urllib.parse.quote(urllib.parse.unquote(s), safe="-_.~")


def canonical_query(query: str) -> str:
    pairs = []
    for part in query.split("&") if query else []:
        if part:
            k, _, v = part.partition("=")
            pairs.append((_enc(k), _enc(v)))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def sign(method: str, host: str, target: str, headers: dict, body: bytes,
         access_key_id: str, secret: str, region: str, service: str = "s3",
         now: dt.datetime | None = None) -> dict:
    now = now or dt.datetime.now(dt.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    path, _, query = target.partition("?")
    h = {k.lower(): v for k, v in headers.items()}
    h["host"] = host
    h["x-amz-date"] = amz_date
    h["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    names = sorted(h)
    canonical = "\n".join([
        method, path, canonical_query(query),
        "".join(f"{n}:{' '.join(str(h[n]).split())}\n" for n in names),
        ";".join(names), h["x-amz-content-sha256"]])
    scope = f"{date}/{region}/{service}/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    h["authorization"] = (f"AWS4-HMAC-SHA256 Credential={access_key_id}/{scope}, "
                          f"SignedHeaders={';'.join(names)}, Signature={sig}")
    return h
