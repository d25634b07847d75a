"""Ceph RADOS Gateway as a test server: proven with boto3 alone, then s3-cleanup against it.

Needs the Debian packages radosgw ceph-mon ceph-osd ceph-common (skipped, with the reason
printed, without them). The CLI tests also need the binary (S3_CLEANUP_BIN or
build/default/s3-cleanup) and are skipped without it. Timings are printed to stderr.
"""
from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import hashlib
import io
import json
import sys
import time
import unittest
import urllib.parse

import harness
import rgw_harness

AWKWARD = ["with space/a b.txt", "plus+sign/c+d.txt", "caf\u00e9/\u65e5\u672c\u8a9e.html",
           "mixed/ x+y \u00e9=&/z", "pct%25/100%.txt", "q?x=1/y", "tilde~/~a"]
ROOT_KEYS = ["root file+\u00fc.txt", "index.html"]


def note(msg: str) -> None:
    print(f"\n  [rgw] {msg}", file=sys.stderr)


class RGWSmokeTest(rgw_harness.S3ServerTestCase):
    s3_server = "rgw"
    needs_binary = False  # boto3-only tests run without the binary

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        note(f"cluster up in {cls.server.startup_seconds:.2f}s at {cls.server.endpoint_url}")

    @classmethod
    def tearDownClass(cls):
        mem = cls.server.daemon_memory()
        note("peak RSS: " + ", ".join(f"{d} {hwm / 1024:.0f} MiB" for d, (hwm, _) in mem.items())
             + f" (total {sum(h for h, _ in mem.values()) / 1024:.0f} MiB)")
        super().tearDownClass()

    def md5_client(self):
        """A boto3 client whose DeleteObjects carry Content-MD5 (as s3-cleanup sends) instead
        of botocore's default x-amz-checksum-crc32; self.md5_sent records each header."""
        c = self.server.client()
        self.md5_sent = []

        def add_md5(request, **kwargs):
            for h in list(request.headers.keys()):
                if h.lower().startswith(("x-amz-checksum-", "x-amz-sdk-checksum")):
                    del request.headers[h]
            body = request.body if isinstance(request.body, bytes) else request.body.read()
            md5 = base64.b64encode(hashlib.md5(body).digest()).decode()
            request.headers["Content-MD5"] = md5
            self.md5_sent.append(md5)

        c.meta.events.register("before-sign.s3.DeleteObjects", add_md5)
        return c

    # ------------------------------------------------------------------ boto3 only
    def test_put_list_delete_2500_objects(self):
        s3 = self.server.s3
        b = self.new_bucket()
        keys = AWKWARD + ROOT_KEYS
        keys += [f"big/{i:05d}.txt" for i in range(2500 - len(keys))]
        self.assertEqual(len(keys), 2500)

        t = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(harness.SEED_WORKERS) as ex:
            for f in [ex.submit(s3.put_object, Bucket=b, Key=k, Body=b"d") for k in keys]:
                f.result()
        note(f"boto3 PutObject x2500 ({harness.SEED_WORKERS} threads): {time.monotonic() - t:.2f}s")

        self.assertEqual(self.list_keys(b), sorted(keys))

        # one 1000-key page
        t = time.monotonic()
        page = s3.list_objects_v2(Bucket=b, MaxKeys=1000)
        note(f"ListObjectsV2 page of 1000 (boto3, parsed): {(time.monotonic() - t) * 1000:.0f} ms")
        self.assertEqual(page["KeyCount"], 1000)
        self.assertTrue(page["IsTruncated"])

        # delimiter + encoding-type=url: an explicit EncodingType makes botocore leave the
        # values as the server sent them, so we see RGW's encoding and decode it ourselves
        page = s3.list_objects_v2(Bucket=b, Delimiter="/", EncodingType="url")
        self.assertEqual(page.get("EncodingType"), "url")
        prefixes = [p["Prefix"] for p in page.get("CommonPrefixes", [])]
        self.assertEqual(sorted(urllib.parse.unquote(p) for p in prefixes),
                         sorted({k.split("/")[0] + "/" for k in keys if "/" in k}))
        self.assertIn("with%20space/", prefixes)
        self.assertIn("plus%2Bsign/", prefixes)
        self.assertEqual(sorted(urllib.parse.unquote(o["Key"]) for o in page["Contents"]),
                         sorted(ROOT_KEYS))
        self.assertIn("root%20file%2B%C3%BC.txt", [o["Key"] for o in page["Contents"]])

        # without a delimiter, RGW encodes '/' inside keys as %2F
        page = s3.list_objects_v2(Bucket=b, Prefix="caf\u00e9/", EncodingType="url")
        self.assertEqual([o["Key"] for o in page["Contents"]],
                         ["caf%C3%A9%2F%E6%97%A5%E6%9C%AC%E8%AA%9E.html"])
        # boto3's own (auto) url encoding round-trips every awkward key
        for k in AWKWARD:
            got = s3.list_objects_v2(Bucket=b, Prefix=k)
            self.assertEqual([o["Key"] for o in got.get("Contents", [])], [k], k)

        # DeleteObjects of 1000 keys, with Content-MD5
        c = self.md5_client()
        doomed = keys[:1000]
        mark = self.server.request_mark()
        t = time.monotonic()
        r = c.delete_objects(Bucket=b, Delete={"Objects": [{"Key": k} for k in doomed]})
        note(f"DeleteObjects of 1000 keys: {time.monotonic() - t:.2f}s")
        self.assertEqual(len(self.md5_sent), 1)
        self.assertEqual(r.get("Errors", []), [])
        self.assertEqual(sorted(d["Key"] for d in r["Deleted"]), sorted(doomed))
        self.assertEqual(self.server.requests_since(mark), [f"POST /{b}?delete 200"])
        self.assertEqual(self.list_keys(b), sorted(keys[1000:]))
        # NB: RGW 16.2 neither requires nor verifies Content-MD5 on DeleteObjects (a wrong
        # one is accepted); it does verify it on PutObject (400 BadDigest).

    def test_put_with_wrong_content_md5_is_bad_digest(self):
        b = self.new_bucket()
        status, body = self.server.signed_request(
            "PUT", f"/{b}/x", b"hello", {"Content-MD5": base64.b64encode(b"0" * 16).decode()})
        self.assertEqual(status, 400, body)
        self.assertIn(b"<Code>BadDigest</Code>", body)

    def test_wrong_secret_is_403_signature_does_not_match(self):
        from botocore.exceptions import ClientError
        b = self.new_bucket()
        bad = self.server.client(secret_access_key="x" * 40)
        with self.assertRaises(ClientError) as cm:
            bad.list_objects_v2(Bucket=b)
        err = cm.exception.response
        self.assertEqual(err["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(err["Error"]["Code"], "SignatureDoesNotMatch")

        unknown = self.server.client(access_key_id="AKIANOTAKEYATALL0000")
        with self.assertRaises(ClientError) as cm:
            unknown.list_objects_v2(Bucket=b)
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidAccessKeyId")

    def test_request_log_lists_each_request_with_its_raw_target(self):
        b = self.new_bucket()
        mark = self.server.request_mark()
        self.server.s3.put_object(Bucket=b, Key="a b+c", Body=b"x")
        self.server.s3.list_objects_v2(Bucket=b, Delimiter="/")
        self.server.s3.head_object(Bucket=b, Key="a b+c")
        self.assertEqual(self.server.requests_since(mark), [
            f"PUT /{b}/a%20b%2Bc 200",
            f"GET /{b}?list-type=2&delimiter=%2F&encoding-type=url 200",
            f"HEAD /{b}/a%20b%2Bc 200"])
        self.assertEqual(self.server.requests_since(mark + 3), [])

    def test_seed_is_fast_and_refuses_backdating(self):
        b = self.new_bucket()
        objs = {f"s/{i:05d} +\u00e9": b"z" for i in range(2500)}
        t = time.monotonic()
        self.seed(b, objs)
        note(f"seed() 2500 objects (raw signed PUTs, {rgw_harness.SEED_WORKERS} threads): "
             f"{time.monotonic() - t:.2f}s")
        self.assertEqual(self.list_keys(b), sorted(objs))
        with self.assertRaises(ValueError):
            self.server.seed(b, {"old": (b"x", harness.days_ago(3))}, clock="error")
        with self.assertRaises(unittest.SkipTest), contextlib.redirect_stderr(io.StringIO()):
            self.server.seed(b, {"old": (b"x", harness.days_ago(3))})

    def test_watchdog_stops_a_cluster_when_its_owner_goes(self):
        other = rgw_harness.RGWServer().start()
        try:
            pids = list(other.info["pids"].values())
            self.assertEqual(len(pids), 3)
            self.assertTrue(all(_alive(p) for p in pids))
            self.assertNotEqual(other.port, self.server.port)
            other.watchdog.stdin.close()  # as if this process had died
            other.watchdog.wait(60)
            self.assertFalse(any(_alive(p) for p in pids), "daemons left running")
            self.assertFalse(other.dir.exists())
        finally:
            other.cleanup()
        self.server.s3.list_buckets()  # the shared cluster is untouched

    # ------------------------------------------------------------------ the binary
    def seed_two_deployments(self, b, n_old=1200):
        """v1 (n_old objects, awkward names among them) written before v2 (3 objects):
        no test clock on RGW, so v2 is simply written >1 s later."""
        old = {f"v1/{k}": b"o" for k in AWKWARD}
        old.update({f"v1/f{i:05d}.txt": b"o" for i in range(n_old - len(old))})
        self.seed(b, old)
        self.seed(b, {k: b"root" for k in ROOT_KEYS})
        time.sleep(1.1)
        new = {f"v2/f{i}.txt": b"nn" for i in range(3)}
        self.seed(b, new)
        return old, new

    def test_cli_dry_run_then_delete(self):
        self.bin = harness.require_binary()
        b = self.new_bucket()
        old, new = self.seed_two_deployments(b)

        with self.unchanged(b):
            t = time.monotonic()
            plan = self.plan(f"s3://{b}", "--keep", "1")
            note(f"s3-cleanup --dry-run on {len(old) + len(new) + 2} objects: "
                 f"{time.monotonic() - t:.2f}s")
        self.assertPlanWellFormed(plan, b)
        got = [(d["name"], d["action"], d["reason"], d["objects"], d["bytes"])
               for d in plan["deployments"]]
        self.assertEqual(got, [("v2", "keep", "newest", 3, 6),
                               ("v1", "delete", "past-keep", len(old), len(old))])

        mark = self.server.request_mark()
        t = time.monotonic()
        args = [f"s3://{b}", "--keep", "1", "--yes", "--output", "json", *self.endpoint_args()]
        r = self.run_cli(*args)
        note(f"s3-cleanup --yes deleting {len(old)} objects: {time.monotonic() - t:.2f}s")
        self.assertEqual(r.returncode, 0, self.explain(r, args))
        res = json.loads(r.stdout)["result"]
        self.assertEqual(res["deployments_deleted"], 1)
        self.assertEqual(res["objects_deleted"], len(old))
        self.assertEqual(res["failed"], [])
        posts = [l for l in self.server.requests_since(mark)
                 if l.startswith((f"POST /{b}?delete", f"POST /{b}/?delete"))]
        self.assertEqual(len(posts), 2, posts)  # 1000 + 200
        self.assertTrue(all(p.endswith(" 200") for p in posts), posts)
        self.assertEqual(self.list_keys(b), sorted([*new, *ROOT_KEYS]))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


if __name__ == "__main__":
    unittest.main()
