#!/usr/bin/env python3
"""A synthetic S3 endpoint for the memory/CPU benchmark: listings made up on the fly.

    python3 bench/synthetic_s3.py --deployments 1000 --objects 1000 [--root-files 2]
        [--host 127.0.0.1] [--port 0] [--workers 2] [--exit-on-stdin-eof]

Every bucket name holds the same virtual key space, nothing is stored:

    deploy-0001/static/asset-000000.js ... deploy-0001/static/asset-000999.js
    ...
    deploy-1000/static/asset-000999.js
    index.html, robots.txt                      (--root-files, directly at the root)

Deployment j's objects were "last modified" j hours after 2026-01-01T00:00:00Z (plus
the object's index in minutes:seconds), so deploy-1000 is the newest and ordering by
time equals ordering by name. Sizes vary per object (512 B .. 64 KiB).

* ListObjectsV2 (GET ?list-type=2): prefix, delimiter, continuation-token, start-after,
  max-keys (at most 1000 a page), encoding-type=url -- a real listing of the virtual
  key space, e.g. the root with delimiter '/' gives one CommonPrefix per deployment and
  the root files; a deployment's prefix gives its objects 1000 a page with continuation
  tokens; no delimiter at the root gives everything. Exception: max-keys=1 inside a
  deployment (s3-cleanup's re-check after deleting a deployment) gets an empty listing,
  as if the objects were gone.
* DeleteObjects (POST ?delete): acknowledged with an empty <DeleteResult/> (all
  deleted, Quiet mode); the <Key> elements are counted. DeleteObject: 204.
* GetBucketVersioning / GetBucketLocation / HeadBucket: unversioned, us-east-1, 200.
  Anything else: 501 NotImplemented (counted as "unknown").
* No signature checking: any Authorization header (or none) is accepted.

Fast enough that the client dominates: each object's <Contents> element is rendered
once at start-up with placeholders for the deployment name and its hour; a page is a
join of pre-rendered fragments (cached per slice) and two bytes.replace calls. It runs
--workers forked processes (threads per connection) accepting on one socket.

Counters (GET /_synthetic/stats, JSON; POST /_synthetic/reset): requests, list,
list_recheck, listed_keys, delete, deleted_keys, delete_one, other, unknown, bytes_out.
When ready it prints one JSON line with endpoint_url, port, pid, worker_pids and dummy
credentials.
"""
from __future__ import annotations

import argparse
import base64
import bisect
import datetime as dt
import json
import os
import sys
import urllib.parse
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import httpio  # noqa: E402

FIELDS = ("requests", "list", "list_recheck", "listed_keys", "delete", "deleted_keys",
          "delete_one", "other", "unknown", "bytes_out")
NS = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
DEP_PH = b"\x00"   # deployment prefix ("deploy-0001/") placeholder in fragments
LM_PH = b"\x01"    # "YYYY-MM-DDTHH:" placeholder in fragments
MAX = "\U0010ffff"  # sorts after every key character


class KeySpace:
    def __init__(self, deployments: int, objects: int, root_files: int):
        w = max(4, len(str(deployments)))
        self.deps = [f"deploy-{j:0{w}d}/" for j in range(1, deployments + 1)]
        self.dep_b = [d.encode() for d in self.deps]
        self.dep_lm = [(BASE + dt.timedelta(hours=j + 1)).strftime("%Y-%m-%dT%H:").encode()
                       for j in range(deployments)]
        ow = max(6, len(str(max(objects - 1, 0))))
        self.rels = [f"static/asset-{i:0{ow}d}.js" for i in range(objects)]
        self.first_seg = "static/"  # every rel starts with it (delimiter roll-ups use this)
        self.K = objects
        etag = b"&quot;9b2cf535f27731c974343645a3985328&quot;"
        self.frags = [
            b"<Contents><Key>" + DEP_PH + r.encode() + b"</Key><LastModified>" + LM_PH
            + b"%02d:%02d.000Z" % ((i // 60) % 60, i % 60) + b"</LastModified><ETag>" + etag
            + b"</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>"
            % (512 + (i * 7919) % 65024)
            for i, r in enumerate(self.rels)]
        names = ["index.html", "robots.txt", "favicon.ico", "404.html"]
        names += [f"root-file-{n}.txt" for n in range(len(names), root_files)]
        self.files = names[:root_files]
        self.file_frag = [
            b"<Contents><Key>" + f.encode() + b"</Key><LastModified>2025-12-31T00:00:00.000Z"
            b"</LastModified><ETag>" + etag + b"</ETag><Size>100</Size>"
            b"<StorageClass>STANDARD</StorageClass></Contents>" for f in self.files]
        tops = sorted([(d, "d", j) for j, d in enumerate(self.deps)]
                      + [(f, "f", n) for n, f in enumerate(self.files)])
        self.tnames = [t[0] for t in tops]
        self.tkinds = [t[1] for t in tops]
        self.tidx = [t[2] for t in tops]
        self.cache: dict[tuple[int, int], bytes] = {}

    def is_inside_deployment(self, prefix: str) -> bool:
        t = bisect.bisect_right(self.tnames, prefix) - 1
        return t >= 0 and self.tkinds[t] == "d" and prefix.startswith(self.tnames[t])

    def seek(self, x: str, strict: bool) -> tuple[int, int]:
        """Position (top entry, object index) of the first key > x (strict) or >= x."""
        t = bisect.bisect_right(self.tnames, x) - 1
        if t >= 0:
            name = self.tnames[t]
            if self.tkinds[t] == "d" and x.startswith(name):
                rel = x[len(name):]
                i = (bisect.bisect_right if strict else bisect.bisect_left)(self.rels, rel)
                return (t, i) if i < self.K else (t + 1, 0)
            if self.tkinds[t] == "f" and name == x and not strict:
                return t, 0
        return t + 1, 0

    def run_bytes(self, j: int, a: int, b: int) -> bytes:
        seg = self.cache.get((a, b))
        if seg is None:
            seg = b"".join(self.frags[a:b])
            if len(self.cache) < 4096:
                self.cache[(a, b)] = seg
        return seg.replace(DEP_PH, self.dep_b[j]).replace(LM_PH, self.dep_lm[j])

    def one_key(self, j: int, i: int) -> bytes:
        return self.run_bytes(j, i, i + 1)

    def list_page(self, P: str, delim: str, after: str, M: int):
        """(contents fragments, common prefixes, count, truncated, last item marker)."""
        parts: list[bytes] = []
        cps: list[str] = []
        n = 0
        last = None
        truncated = False
        t, i = self.seek(P, strict=False) if P > after else self.seek(after, strict=True)
        T = len(self.tnames)

        def add_cp(cp: str) -> bool:  # False: page full
            nonlocal n, last, truncated
            if cps and cps[-1] == cp:
                return True
            if n == M:
                truncated = True
                return False
            cps.append(cp)
            n += 1
            last = cp + MAX  # resume after everything under it
            return True

        while t < T:
            name, kind = self.tnames[t], self.tkinds[t]
            if kind == "f":
                if not name.startswith(P):
                    if name > P:
                        break
                    t += 1
                    continue
                rest = name[len(P):]
                if delim and delim in rest:
                    if not add_cp(P + rest[:rest.index(delim) + len(delim)]):
                        break
                else:
                    if n == M:
                        truncated = True
                        break
                    parts.append(self.file_frag[self.tidx[t]])
                    n += 1
                    last = name
                t += 1
                continue
            j = self.tidx[t]
            if name.startswith(P):  # the whole deployment is under the prefix
                if delim:
                    rest = name[len(P):]
                    if delim in rest:
                        cp = P + rest[:rest.index(delim) + len(delim)]
                    elif delim in self.first_seg:
                        cp = name + self.first_seg[:self.first_seg.index(delim) + len(delim)]
                    else:
                        cp = None
                    if cp is not None:
                        if not add_cp(cp):
                            break
                        t, i = t + 1, 0
                        continue
                a, b = i, self.K
            elif P.startswith(name):  # the prefix is inside this deployment
                rp = P[len(name):]
                a = max(i, bisect.bisect_left(self.rels, rp))
                b = bisect.bisect_left(self.rels, rp + MAX)
                if delim:  # rare: roll up key by key
                    for k in range(a, b):
                        rest = self.rels[k][len(rp):]
                        if delim in rest:
                            if not add_cp(P + rest[:rest.index(delim) + len(delim)]):
                                break
                        else:
                            if n == M:
                                truncated = True
                                break
                            parts.append(self.one_key(j, k))
                            n += 1
                            last = name + self.rels[k]
                    break
            else:
                if name > P:
                    break
                t, i = t + 1, 0
                continue
            if a < b:
                if n == M:
                    truncated = True
                    break
                take = min(b - a, M - n)
                parts.append(self.run_bytes(j, a, a + take))
                n += take
                last = name + self.rels[a + take - 1]
                if a + take < b:
                    truncated = True
                    break
            t, i = t + 1, 0
        return parts, cps, n, truncated, last


class Server:
    def __init__(self, ks: KeySpace, counters: httpio.SharedCounters):
        self.ks = ks
        self.c = counters

    def handle_connection(self, conn) -> None:
        rf = conn.makefile("rb", buffering=256 * 1024)
        for req, method, _, path, query in httpio.requests(conn, rf):
            status, body = self.route(method, path, query, req)
            reason = {200: b"OK", 204: b"No Content", 404: b"Not Found", 400: b"Bad Request",
                      501: b"Not Implemented"}.get(status, b"X")
            head = (b"HTTP/1.1 %d %s\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n"
                    b"x-amz-request-id: SYNTHETIC\r\nServer: synthetic-s3\r\n\r\n"
                    % (status, reason, 0 if method == b"HEAD" else len(body)))
            if method == b"HEAD":
                body = b""
            httpio.send(conn, head, body)
            if not path.startswith("/_synthetic/"):
                self.c.add(requests=1, bytes_out=len(body))
            if httpio.wants_close(req, req.start):
                return

    def route(self, method: bytes, path: str, query: str, req) -> tuple[int, bytes]:
        if path.startswith("/_synthetic/"):
            op = path[len("/_synthetic/"):]
            if op == "stats":
                return 200, json.dumps(self.c.totals()).encode()
            if op == "reset":
                self.c.reset()
                return 200, b'{"reset": true}'
            return 404, b""
        parts = path.lstrip("/").split("/", 1)
        bucket = urllib.parse.unquote(parts[0])
        has_key = len(parts) == 2 and parts[1] != ""
        params = httpio.query_params(query)
        if not bucket:
            return self._unknown()
        if method == b"GET" and not has_key:
            if params.get("list-type") == "2":
                return 200, self.list_v2(bucket, params)
            if "versioning" in params:
                self.c.add(other=1)
                return 200, XML_DECL + f'<VersioningConfiguration xmlns="{NS}"/>'.encode()
            if "location" in params:
                self.c.add(other=1)
                return 200, XML_DECL + f'<LocationConstraint xmlns="{NS}"/>'.encode()
        if method == b"POST" and not has_key and "delete" in params:
            self.c.add(delete=1, deleted_keys=req.body.count(b"<Key>"))
            return 200, XML_DECL + f'<DeleteResult xmlns="{NS}"/>'.encode()
        if method == b"DELETE" and has_key:
            self.c.add(delete_one=1)
            return 204, b""
        if method == b"HEAD" and not has_key:
            self.c.add(other=1)
            return 200, b""
        return self._unknown()

    def _unknown(self) -> tuple[int, bytes]:
        self.c.add(unknown=1)
        return 501, XML_DECL + (b"<Error><Code>NotImplemented</Code><Message>not in the synthetic "
                                b"S3 endpoint</Message></Error>")

    def list_v2(self, bucket: str, params: dict[str, str]) -> bytes:
        uq = urllib.parse.unquote
        prefix = uq(params.get("prefix", ""))
        delim = uq(params.get("delimiter", ""))
        enc = uq(params.get("encoding-type", "")) == "url"
        try:
            max_keys = max(0, min(1000, int(uq(params.get("max-keys", "1000")))))
        except ValueError:
            max_keys = 1000
        token = uq(params.get("continuation-token", ""))
        start_after = uq(params.get("start-after", ""))
        after = start_after
        if token:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        if max_keys == 1 and self.ks.is_inside_deployment(prefix):
            self.c.add(list_recheck=1)
            parts, cps, n, truncated, last = [], [], 0, False, None
        else:
            self.c.add(list=1)
            parts, cps, n, truncated, last = self.ks.list_page(prefix, delim, after, max_keys)
            self.c.add(listed_keys=n - len(cps))

        def e(s: str) -> str:
            return escape(urllib.parse.quote(s, safe="/~") if enc else s)

        head = [f'<ListBucketResult xmlns="{NS}"><Name>{escape(bucket)}</Name>'
                f"<Prefix>{e(prefix)}</Prefix>"]
        if delim:
            head.append(f"<Delimiter>{e(delim)}</Delimiter>")
        head.append(f"<MaxKeys>{max_keys}</MaxKeys>")
        if enc:
            head.append("<EncodingType>url</EncodingType>")
        head.append(f"<KeyCount>{n}</KeyCount><IsTruncated>{'true' if truncated else 'false'}"
                    "</IsTruncated>")
        if token:
            head.append(f"<ContinuationToken>{escape(token)}</ContinuationToken>")
        if truncated:
            nt = base64.urlsafe_b64encode(last.encode()).decode()
            head.append(f"<NextContinuationToken>{nt}</NextContinuationToken>")
        if start_after:
            head.append(f"<StartAfter>{e(start_after)}</StartAfter>")
        tail = "".join(f"<CommonPrefixes><Prefix>{e(cp)}</Prefix></CommonPrefixes>" for cp in cps)
        return b"".join([XML_DECL, "".join(head).encode(), *parts, tail.encode(),
                         b"</ListBucketResult>"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deployments", type=int, default=1000)
    ap.add_argument("--objects", type=int, default=1000, help="objects per deployment")
    ap.add_argument("--root-files", type=int, default=2)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exit-on-stdin-eof", action="store_true")
    args = ap.parse_args()
    ks = KeySpace(args.deployments, args.objects, args.root_files)
    counters = httpio.SharedCounters(FIELDS, args.workers)
    server = Server(ks, counters)
    sock = httpio.listen(args.host, args.port)
    port = sock.getsockname()[1]
    httpio.serve_forked(
        sock, args.workers, server.handle_connection, counters,
        ready={"ready": True, "host": args.host, "port": port,
               "endpoint_url": f"http://{args.host}:{port}",
               "access_key_id": "AKIASYNTHETIC0000000", "secret_access_key": "synthetic",
               "region": "us-east-1", "deployments": args.deployments,
               "objects_per_deployment": args.objects, "root_files": ks.files,
               "newest": [d.rstrip("/") for d in ks.deps[::-1][:10]]},
        exit_on_stdin_eof=args.exit_on_stdin_eof)


if __name__ == "__main__":
    main()
