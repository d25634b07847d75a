#!/usr/bin/env python3
"""A synthetic S3 endpoint for the memory/CPU benchmark: listings made up on the fly.

    python3 bench/synthetic_s3.py --deployments 1000 --objects 1000 [--root-files 2]
        [--subfolders 1] [--direct-keys 0]
        [--oldest-objects N] [--oldest-subfolders N] [--oldest-direct-keys N]
        [--host 127.0.0.1] [--port 0] [--workers 2] [--exit-on-stdin-eof]
    python3 bench/synthetic_s3.py --self-test

Every bucket name holds the same virtual key space, nothing is stored:

    deploy-0001/static/asset-000000.js ... deploy-0001/static/asset-000999.js
    ...
    deploy-1000/static/asset-000999.js
    index.html, robots.txt                      (--root-files, directly at the root)

--subfolders S spreads a deployment's objects over S sub-folders instead of static/:
deploy-0001/dir-000/asset-000000.js ... deploy-0001/dir-{S-1}/..., consecutive slices of
the deployment's numbering (so the keys sort in numbering order). --direct-keys N adds N
keys directly in each deployment folder (deploy-0001/index.html, deploy-0001/404.html,
...). The --oldest-* options give deploy-0001 (the oldest) its own shape, e.g. 2,000,000
objects among 1,000-object deployments, or 100,000 in 100 sub-folders.

Deployment j's objects were "last modified" j hours after 2026-01-01T00:00:00Z (plus
minutes:seconds from the object's number), so deploy-1000 is the newest and ordering by
time equals ordering by name. Sizes vary per object (512 B .. 64 KiB).

* ListObjectsV2 (GET ?list-type=2): prefix (any depth), delimiter (any string; '/' is
  the fast case), continuation-token, start-after, max-keys (at most 1000 a page),
  encoding-type=url; fetch-owner is ignored. A real listing of the virtual key space:
  keys under the prefix sorted, rolled up at the first delimiter after the prefix into
  CommonPrefixes; only entries (keys and CommonPrefixes) that sort after start-after /
  the token are listed, as moto and RGW do: a CommonPrefix that holds start-after is not
  repeated. Exception: max-keys=1 without delimiter or token on exactly a deployment's
  folder (s3-cleanup's re-check after deleting a deployment) gets an empty listing, as if
  the objects were gone.
* DeleteObjects (POST ?delete): acknowledged with an empty <DeleteResult/> (all
  deleted, Quiet mode); the <Key> elements are counted. DeleteObject: 204.
* GetBucketVersioning / GetBucketLocation / HeadBucket: unversioned, us-east-1, 200.
  Anything else: 501 NotImplemented (counted as "unknown").
* No signature checking: any Authorization header (or none) is accepted.

Fast enough that the client dominates, whatever the shape: an object's <Contents>
depends on its folder, its number and its deployment; the part that depends on the last
three digits of the number (key suffix, minutes:seconds, size) is rendered once at
start-up for 1,000 numbers, with placeholders for the key's beginning and the hour. A
page is a join of those fragments (cached per slice) and two bytes.replace calls per
1,000-number block; seeks bisect over the folders and, inside one, over the numbering
(computed keys, nothing stored per object), so 2,000,000 objects in one folder cost no
memory. It runs --workers forked processes (threads per connection) accepting on one
socket.

Counters (GET /_synthetic/stats, JSON; POST /_synthetic/reset): requests, list,
list_delimiter (those of them with a delimiter), list_recheck, listed_keys, delete,
deleted_keys, delete_one, other, unknown, bytes_out. GET /_synthetic/manifest: each
deployment's name, prefix, objects, bytes and newest LastModified (what a correct
listing adds up to), and the root files. When ready it prints one JSON line with
endpoint_url, port, pid, worker_pids and dummy credentials.

--self-test checks the listings of small shapes against a brute-force reference (every
key generated, sorted, filtered and rolled up) across prefixes, delimiters, start-after,
max-keys and continuation, then exits.
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

FIELDS = ("requests", "list", "list_delimiter", "list_recheck", "listed_keys", "delete",
          "deleted_keys", "delete_one", "other", "unknown", "bytes_out")
NS = "http://s3.amazonaws.com/doc/2006-03-01/"
XML_DECL = b'<?xml version="1.0" encoding="UTF-8"?>\n'
BASE = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
KEY_PH = b"\x00"   # placeholder: the key up to the number's last 3 digits
LM_PH = b"\x01"    # placeholder: "YYYY-MM-DDTHH:" of the deployment
MAX = "\U0010ffff"  # sorts after every key character
BLOCK = 1000       # fragments rendered at start-up: one per value of the last 3 digits
ETAG = b"&quot;9b2cf535f27731c974343645a3985328&quot;"
DIRECT_NAMES = ["index.html", "404.html", "favicon.ico", "robots.txt", "manifest.json"]
ROOT_NAMES = ["index.html", "robots.txt", "favicon.ico", "404.html"]
URL_SAFE = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._/")


def asset_size(n: int) -> int:
    return 512 + ((n % BLOCK) * 7919) % 65024


def asset_mmss(n: int) -> str:
    lo = n % BLOCK
    return f"{(lo // 60) % 60:02d}:{lo % 60:02d}"


def folder_names(count: int) -> list[str]:
    if count <= 1:
        return ["static/"]
    w = max(3, len(str(count - 1)))
    return [f"dir-{s:0{w}d}/" for s in range(count)]


def direct_names(count: int) -> list[str]:
    return (DIRECT_NAMES + [f"page-{n:03d}.html" for n in range(len(DIRECT_NAMES), count)])[:count]


def root_names(count: int) -> list[str]:
    return (ROOT_NAMES + [f"root-file-{n}.txt" for n in range(len(ROOT_NAMES), count)])[:count]


def frag(key: bytes, lm: bytes, size: int) -> bytes:
    return (b"<Contents><Key>" + key + b"</Key><LastModified>" + lm + b"</LastModified><ETag>"
            + ETAG + b"</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>"
            % size)


class One:
    """A single key (a root file, a key directly in a deployment folder)."""
    __slots__ = ("first", "last", "frag", "count")
    run = False

    def __init__(self, key: str, lm: str, size: int):
        self.first = self.last = key
        self.frag = frag(key.encode(), lm.encode(), size)
        self.count = 1

    def key(self, _k: int) -> str:
        return self.first


class Run:
    """One folder's objects: FIXED + number (w digits) + ".js" for the numbers
    [n0, n0 + count) of its deployment. Keys are computed, never stored."""
    __slots__ = ("fixed", "w", "n0", "count", "lm", "first", "last", "alphabet")
    run = True

    def __init__(self, fixed: str, w: int, n0: int, count: int, lm: bytes):
        self.fixed, self.w, self.n0, self.count, self.lm = fixed, w, n0, count, lm
        self.first = self.key(0)
        self.last = self.key(count - 1)
        self.alphabet = set("0123456789.js")  # the characters after FIXED

    def key(self, k: int) -> str:
        return f"{self.fixed}{self.n0 + k:0{self.w}d}.js"

    def may_hold(self, P: str, d: str) -> bool:
        """Whether a key of this run may contain d after the prefix P (else a delimiter
        listing takes the run's keys as contents without looking at each)."""
        return set(d) <= self.alphabet | set(self.fixed[len(P):])


class KeySpace:
    def __init__(self, deployments: int, objects: int, root_files: int, subfolders: int = 1,
                 direct_keys: int = 0, oldest_objects: int | None = None,
                 oldest_subfolders: int | None = None, oldest_direct_keys: int | None = None):
        w = max(4, len(str(deployments)))
        self.deps = [f"deploy-{j:0{w}d}/" for j in range(1, deployments + 1)]
        self.dep_lm = [(BASE + dt.timedelta(hours=j + 1)).strftime("%Y-%m-%dT%H:")
                       for j in range(deployments)]
        # the template: what depends on the number's last 3 digits
        self.frags = [frag(KEY_PH + b"%03d.js" % lo, LM_PH + asset_mmss(lo).encode() + b".000Z",
                           asset_size(lo)) for lo in range(BLOCK)]
        self.size_cum = [0]
        for lo in range(BLOCK):
            self.size_cum.append(self.size_cum[-1] + asset_size(lo))
        self.cache: dict[tuple[int, int], bytes] = {}
        self.files = root_names(root_files)
        segs: list[One | Run] = [One(f, "2025-12-31T00:00:00.000Z", 100) for f in self.files]
        self.manifest = []
        for j, dep in enumerate(self.deps):
            old = j == 0
            K = oldest_objects if old and oldest_objects is not None else objects
            S = oldest_subfolders if old and oldest_subfolders is not None else subfolders
            N = oldest_direct_keys if old and oldest_direct_keys is not None else direct_keys
            lm = self.dep_lm[j].encode()
            nw = max(6, len(str(max(K - 1, 0))))
            mine: list[One | Run] = []
            for s, folder in enumerate(folder_names(S)):
                a, b = s * K // max(S, 1), (s + 1) * K // max(S, 1)
                if a < b:
                    mine.append(Run(f"{dep}{folder}asset-", nw, a, b - a, lm))
            for n, name in enumerate(direct_names(N)):
                mine.append(One(dep + name, self.dep_lm[j] + "30:00.000Z", 100 + n))
            segs += mine
            # minutes:seconds grow with the number's last 3 digits; direct keys are at :30
            times = [asset_mmss(min(K, BLOCK) - 1)] * bool(K) + ["30:00"] * bool(N)
            self.manifest.append({
                "name": dep.rstrip("/"), "prefix": dep, "objects": K + N,
                "bytes": self.run_bytes_total(0, K) + sum(100 + n for n in range(N)),
                "newest": f"{self.dep_lm[j]}{max(times)}.000Z" if times else None})
        segs.sort(key=lambda g: g.first)
        for a, b in zip(segs, segs[1:]):  # disjoint key ranges, or seek() would be wrong
            assert a.last < b.first, (a.last, b.first)
        for g in segs:
            assert set(g.first) <= URL_SAFE and set(g.last) <= URL_SAFE, g.first  # no escaping
        self.segs = segs
        self.firsts = [g.first for g in segs]
        self.dep_set = set(self.deps)

    def run_bytes_total(self, a: int, b: int) -> int:
        """Sum of the sizes of the numbers [a, b)."""
        full, part = divmod(b - a, BLOCK)
        total = full * self.size_cum[BLOCK]
        lo = (a + full * BLOCK) % BLOCK
        for n in range(lo, lo + part):
            total += asset_size(n)
        return total

    def slice(self, a: int, b: int) -> bytes:
        s = self.cache.get((a, b))
        if s is None:
            s = b"".join(self.frags[a:b])
            if len(self.cache) < 4096:
                self.cache[(a, b)] = s
        return s

    def render(self, g: Run, a: int, b: int) -> list[bytes]:
        """<Contents> of the run's keys [a, b): per 1,000-number block one cached slice of
        the template and two replaces (key beginning, hour)."""
        out = []
        n, end = g.n0 + a, g.n0 + b
        while n < end:
            hi = n // BLOCK
            stop = min(end, (hi + 1) * BLOCK)
            head = f"{g.fixed}{hi:0{g.w - 3}d}".encode()
            out.append(self.slice(n - hi * BLOCK, stop - hi * BLOCK)
                       .replace(LM_PH, g.lm).replace(KEY_PH, head))
            n = stop
        return out

    def is_deployment_folder(self, prefix: str) -> bool:
        return prefix in self.dep_set

    def seek(self, x: str, strict: bool) -> tuple[int, int]:
        """Position (segment, index in it) of the first key > x (strict) or >= x."""
        s = bisect.bisect_right(self.firsts, x) - 1
        if s < 0:
            return 0, 0
        g = self.segs[s]
        if x > g.last or (strict and x == g.last):
            return s + 1, 0
        if not g.run:  # x == its key
            return (s + 1, 0) if strict else (s, 0)
        k = (bisect.bisect_right if strict else bisect.bisect_left)(
            range(g.count), x, key=g.key)
        return (s, k) if k < g.count else (s + 1, 0)

    def list_page(self, P: str, delim: str, after: str, M: int):
        """(contents fragments, common prefixes, count, truncated, last entry)."""
        parts: list[bytes] = []
        cps: list[str] = []
        n = 0
        last = None
        if M <= 0:
            return parts, cps, n, False, last
        s, k = self.seek(P, strict=False) if P > after else self.seek(after, strict=True)
        segs = self.segs
        S = len(segs)
        while s < S:
            g = segs[s]
            key = g.key(k)
            if not key.startswith(P):  # keys under P are contiguous: past them
                break
            if delim:
                pos = key.find(delim, len(P))
                if pos >= 0:
                    cp = key[:pos + len(delim)]
                    if cp > after:  # a CommonPrefix that holds start-after is not listed
                        if n == M:
                            return parts, cps, n, True, last
                        cps.append(cp)
                        n += 1
                        last = cp
                    s, k = self.seek(cp + MAX, strict=False)  # past everything under it
                    continue
            if n == M:
                return parts, cps, n, True, last
            if not g.run:
                parts.append(g.frag)
                n += 1
                last = key
                s, k = s + 1, 0
                continue
            # as many of the run's keys from k on as are contents of this listing
            e = g.count
            if not g.fixed.startswith(P):  # the prefix ends inside the numbering
                e = bisect.bisect_left(range(g.count), P + MAX, lo=k, key=g.key)
            e = min(e, k + M - n)
            if delim and g.may_hold(P, delim):  # an unusual delimiter: look at each key
                stop = k + 1
                while stop < e and g.key(stop).find(delim, len(P)) < 0:
                    stop += 1
                e = stop
            parts += self.render(g, k, e)
            n += e - k
            last = g.key(e - 1)
            k = e
            if k == g.count:
                s, k = s + 1, 0
        return parts, cps, n, False, last

    def all_keys(self) -> list[str]:
        """Every key, in order (small shapes only: the self-test)."""
        return [g.key(k) for g in self.segs for k in range(g.count)]


class Server:
    def __init__(self, ks: KeySpace, counters: httpio.SharedCounters, recheck_empty: bool = True):
        self.ks = ks
        self.c = counters
        self.recheck_empty = recheck_empty

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
            if op == "manifest":
                return 200, json.dumps({"deployments": self.ks.manifest,
                                        "root_files": self.ks.files}).encode()
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
        after = start_after  # ignored with a token, as S3 does
        if token:
            after = base64.urlsafe_b64decode(token.encode()).decode()
        if (self.recheck_empty and max_keys == 1 and not delim and not token and not start_after
                and self.ks.is_deployment_folder(prefix)):
            self.c.add(list_recheck=1)
            parts, cps, n, truncated, last = [], [], 0, False, None
        else:
            self.c.add(list=1, list_delimiter=1 if delim else 0)
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
            # the last entry: the next page lists what sorts after it, as start-after does
            nt = base64.urlsafe_b64encode(last.encode()).decode()
            head.append(f"<NextContinuationToken>{nt}</NextContinuationToken>")
        if start_after:
            head.append(f"<StartAfter>{e(start_after)}</StartAfter>")
        tail = "".join(f"<CommonPrefixes><Prefix>{e(cp)}</Prefix></CommonPrefixes>" for cp in cps)
        return b"".join([XML_DECL, "".join(head).encode(), *parts, tail.encode(),
                         b"</ListBucketResult>"])


# ============================================================================= self-test
def self_test() -> int:
    """The listings of small shapes against brute force: all keys generated one by one,
    sorted by Python, filtered by prefix and start-after, rolled up by delimiter. Pages
    go through Server.list_v2 and are parsed as XML, so rendering (placeholders, sizes,
    encoding-type, tokens) is checked too; tokens are followed to the end."""
    import random
    import xml.etree.ElementTree as ET
    ns = {"s": NS}
    rng = random.Random(15)
    shapes = [
        dict(deployments=3, objects=5, root_files=2),
        dict(deployments=4, objects=7, root_files=3, subfolders=3, direct_keys=2),
        # numbering across 1,000-blocks, folders not aligned with them, direct keys
        # before (404.html) and after (index.html) the folders
        dict(deployments=3, objects=4, root_files=1, oldest_objects=2600,
             oldest_subfolders=3, oldest_direct_keys=3),
        dict(deployments=2, objects=1, root_files=0, subfolders=3),  # more folders than objects
        dict(deployments=12, objects=2, root_files=5, oldest_objects=0, oldest_direct_keys=1),
    ]
    checked = failures = 0

    def reference(shape: dict) -> dict[str, tuple[int, str]]:
        """key -> (size, LastModified), from the shape rules, independently of KeySpace."""
        out = {}
        for f in root_names(shape["root_files"]):
            out[f] = (100, "2025-12-31T00:00:00.000Z")
        D = shape["deployments"]
        for j in range(D):
            dep = f"deploy-{j + 1:04d}/"
            hour = (BASE + dt.timedelta(hours=j + 1)).strftime("%Y-%m-%dT%H:")
            K, S, N = shape["objects"], shape.get("subfolders", 1), shape.get("direct_keys", 0)
            if j == 0:
                K = shape.get("oldest_objects", K)
                S = shape.get("oldest_subfolders", S)
                N = shape.get("oldest_direct_keys", N)
            names = folder_names(S)
            w = max(6, len(str(max(K - 1, 0))))
            for n in range(K):
                folder = names[min(len(names) - 1, next(s for s in range(len(names))
                                                        if n < (s + 1) * K // len(names)))]
                out[f"{dep}{folder}asset-{n:0{w}d}.js"] = (asset_size(n),
                                                           f"{hour}{asset_mmss(n)}.000Z")
            for n, name in enumerate(direct_names(N)):
                out[dep + name] = (100 + n, f"{hour}30:00.000Z")
        return out

    def entries(keys: list[str], P: str, d: str) -> list[str]:
        out: list[str] = []
        for k in keys:
            if not k.startswith(P):
                continue
            rest = k[len(P):]
            if d and d in rest:
                cp = P + rest[:rest.index(d) + len(d)]
                if not out or out[-1] != cp:
                    out.append(cp)
            else:
                out.append(k)
        return out

    for shape in shapes:
        ks = KeySpace(**shape)
        server = Server(ks, httpio.SharedCounters(FIELDS, 1), recheck_empty=False)
        ref = reference(shape)
        keys = sorted(ref)
        if ks.all_keys() != keys:
            print(f"FAIL {shape}: the key space differs from the reference")
            failures += 1
            continue
        for m in ks.manifest:
            mine = [k for k in keys if k.startswith(m["prefix"])]
            want = (len(mine), sum(ref[k][0] for k in mine),
                    max((ref[k][1] for k in mine), default=None))
            if (m["objects"], m["bytes"], m["newest"]) != want:
                print(f"FAIL {shape}: manifest {m} != {want}")
                failures += 1
        prefixes = {"", "d", "deploy-", "deploy-000", "i", "index.html", "zzz", "deploy-0001/",
                    "deploy-0001/d", "deploy-0001/dir-001/", "deploy-0001/static/asset-00000",
                    "deploy-0001/dir-001/asset-0012", "deploy-0001/index.html", "deploy-00011"}
        prefixes |= {d for d in ks.deps}
        prefixes |= {k[:k.rindex("/") + 1] for k in keys if "/" in k}
        prefixes |= {k[:rng.randrange(len(k) + 1)] for k in rng.sample(keys, min(12, len(keys)))}
        for P in sorted(prefixes):
            for d in ("", "/", "-", "s", "/a", "0", ".js", "t/"):
                ents = entries(keys, P, d)
                pool = set(ents) | {P, P[:-1], "zzzz", "deploy-0001/dir-001/asset-0012"}
                pool |= {e + "0" for e in ents[:50]} | {e[:-1] for e in ents[:50]}
                afters = [""] + rng.sample(sorted(pool), min(6, len(pool)))
                for after in afters:
                    for M in (1, 2, 7, 1000):
                        want = [e for e in ents if e > after]
                        # follow the tokens to the end when the pages are few
                        follow = M >= 7 or len(want) <= 40
                        enc = rng.random() < 0.3
                        got: list[str] = []
                        token = None
                        first = True
                        while True:
                            q = {"list-type": "2", "prefix": P, "delimiter": d,
                                 "max-keys": str(M), "fetch-owner": "true"}
                            if enc:
                                q["encoding-type"] = "url"
                            if token:
                                q["continuation-token"] = token
                            elif after:
                                q["start-after"] = after
                            body = server.list_v2("b", {
                                n: urllib.parse.quote(v, safe="") for n, v in q.items()})
                            root = ET.fromstring(body)
                            un = urllib.parse.unquote if enc else (lambda s: s)
                            page = []
                            for el in root:
                                tag = el.tag.split("}")[1]
                                if tag == "Contents":
                                    k = un(el.find("s:Key", ns).text)
                                    meta = (int(el.find("s:Size", ns).text),
                                            el.find("s:LastModified", ns).text)
                                    if ref.get(k) != meta:
                                        print(f"FAIL {shape} P={P!r} d={d!r}: {k} {meta} != "
                                              f"{ref.get(k)}")
                                        failures += 1
                                    page.append(k)
                                elif tag == "CommonPrefixes":
                                    page.append(un(el.find("s:Prefix", ns).text))
                            page.sort()  # Contents and CommonPrefixes come apart in the XML
                            truncated = root.find("s:IsTruncated", ns).text == "true"
                            count = int(root.find("s:KeyCount", ns).text)
                            ok = count == len(page)
                            if first:
                                ok = ok and page == want[:M] and truncated == (len(want) > M)
                            checked += 1
                            if not ok:
                                print(f"FAIL {shape} P={P!r} d={d!r} after={after!r} M={M} "
                                      f"page {len(got) // max(M, 1)}: {page[:5]}... (truncated "
                                      f"{truncated}) != {want[len(got):len(got) + M][:5]}...")
                                failures += 1
                                break
                            got += page
                            first = False
                            if not truncated or not follow:
                                break
                            if len(got) > len(want):  # tokens that do not move on
                                print(f"FAIL {shape} P={P!r} d={d!r} after={after!r} M={M}: "
                                      f"more than the {len(want)} entries")
                                failures += 1
                                break
                            token = root.find("s:NextContinuationToken", ns).text
                        if follow and ok and got != want:
                            print(f"FAIL {shape} P={P!r} d={d!r} after={after!r} M={M}: all "
                                  f"pages {len(got)} entries != {len(want)}")
                            failures += 1
        # the re-check exception, with the Server as the benchmark runs it
        rs = Server(ks, httpio.SharedCounters(FIELDS, 1))
        for dep in ks.deps[:2]:
            body = rs.list_v2("b", {"list-type": "2", "prefix": urllib.parse.quote(dep),
                                    "max-keys": "1"})
            if b"<KeyCount>0</KeyCount>" not in body:
                print(f"FAIL {shape}: the max-keys=1 re-check of {dep} is not empty")
                failures += 1
    print(f"synthetic_s3 self-test: {checked:,} pages checked, {failures} failure(s)")
    return 1 if failures else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--deployments", type=int, default=1000)
    ap.add_argument("--objects", type=int, default=1000, help="objects per deployment")
    ap.add_argument("--subfolders", type=int, default=1,
                    help="sub-folders holding a deployment's objects (1: static/)")
    ap.add_argument("--direct-keys", type=int, default=0,
                    help="keys directly in each deployment folder (index.html, ...)")
    ap.add_argument("--oldest-objects", type=int, help="deploy-0001's objects instead")
    ap.add_argument("--oldest-subfolders", type=int, help="deploy-0001's sub-folders instead")
    ap.add_argument("--oldest-direct-keys", type=int, help="deploy-0001's direct keys instead")
    ap.add_argument("--root-files", type=int, default=2)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--exit-on-stdin-eof", action="store_true")
    ap.add_argument("--self-test", action="store_true",
                    help="check the listings against a brute-force reference, then exit")
    args = ap.parse_args()
    if args.self_test:
        sys.exit(self_test())
    ks = KeySpace(args.deployments, args.objects, args.root_files, args.subfolders,
                  args.direct_keys, args.oldest_objects, args.oldest_subfolders,
                  args.oldest_direct_keys)
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
               "objects_per_deployment": args.objects,
               "objects": sum(m["objects"] for m in ks.manifest) + len(ks.files),
               "root_files": ks.files,
               "newest": [d.rstrip("/") for d in ks.deps[::-1][:10]]},
        exit_on_stdin_eof=args.exit_on_stdin_eof)


if __name__ == "__main__":
    main()
