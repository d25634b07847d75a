"""Versioned buckets: delete markers by default, --purge-versions frees the storage for real.

The real binary against moto with signature checks; every outcome is checked with boto3
(list_object_versions), never with s3-cleanup's own client.

What moto does here (checked with boto3 alone, see the preconditions in the tests):
* versioning Enabled: every PutObject adds a version; DeleteObject(s) without a VersionId
  adds a delete marker; ListObjectsV2 with Delimiter still returns a folder that holds
  only delete markers and noncurrent versions (real S3 does not), so a "ghost" folder
  shows up in the folder listing but its own current-object listing is empty.
* ListObjectVersions pages at 1000 entries with NextKeyMarker / NextVersionIdMarker, and
  a page may end in the middle of one key's versions. moto ignores encoding-type=url on
  this listing (raw keys and no <EncodingType> element in the answer), so a client must
  decode only when the answer says EncodingType=url, as boto3 does.
* Suspended: moto stores a new PutObject as the only version of its key ("null"), and a
  delete by VersionId on a Suspended bucket removes every version of that key. The
  suspended test is seeded so that real S3 and moto hold the same versions (no key that
  has a real version id is overwritten while suspended).
* Object Lock: create_bucket(ObjectLockEnabledForBucket=True) turns versioning on;
  GOVERNANCE retention, COMPLIANCE retention and legal holds are enforced for a delete
  by VersionId, in DeleteObject (403 AccessDenied) and in DeleteObjects (an <Error> with
  AccessDenied per key, but without <VersionId>, unlike S3); x-amz-bypass-governance-
  retention: true lifts GOVERNANCE only. GetObjectRetention answers 500 on this server.
"""
from __future__ import annotations

import datetime as dt
import json
import math
import re
import unittest

import harness
from harness import Dep, days_ago, utcnow

ROUND_SIZES = (10, 17)          # bytes of the 1st and the 2nd version of every key
ROUND_GAP = dt.timedelta(hours=2)


def body(size: int, round_: int) -> bytes:
    return bytes([ord("A") + round_]) * size


class VersioningTestCase(harness.S3TestCase):
    """Helpers for versioned buckets (all additive: nothing in harness.py changes)."""

    # ---- buckets and seeding
    def versioned_bucket(self, status: str = "Enabled", lock: bool = False) -> str:
        b = self.new_bucket(create=False)
        if lock:
            self.server.s3.create_bucket(Bucket=b, ObjectLockEnabledForBucket=True)
        else:
            self.server.s3.create_bucket(Bucket=b)
        if status:
            self.server.s3.put_bucket_versioning(
                Bucket=b, VersioningConfiguration={"Status": status})
        got = self.server.s3.get_bucket_versioning(Bucket=b).get("Status")
        self.assertEqual(got, status or None, "precondition: the bucket's versioning")
        return b

    def set_versioning(self, bucket: str, status: str) -> None:
        self.server.s3.put_bucket_versioning(
            Bucket=bucket, VersioningConfiguration={"Status": status})
        self.assertEqual(self.server.s3.get_bucket_versioning(Bucket=bucket).get("Status"),
                         status)

    def seed_rounds(self, bucket: str, deps: list[Dep], sizes=ROUND_SIZES,
                    files: list[str] | None = None, gap=ROUND_GAP, via: str = "bulk") -> None:
        """Writes every key of every deployment len(sizes) times, one round after the
        other; round r is backdated to newest - (rounds-1-r)*gap (the last round is
        written at exactly the times Dep says, so the plan's facts are Dep's with
        size=sizes[-1]). via="bulk": the server's bulk endpoint, which stores through
        moto's own put_object (a new version on a versioned bucket) in one request."""
        rounds = len(sizes)
        for r, size in enumerate(sizes):
            shift = (rounds - 1 - r) * gap
            objs = {}
            for d in deps:
                for i, f in enumerate(d.files):
                    if files is not None and f not in files:
                        continue
                    objs[d.prefix + f] = (body(size, r),
                                          d.newest - shift - dt.timedelta(seconds=i * d.step))
            self.seed(bucket, objs, via=via)

    def put_with(self, bucket: str, key: str, data: bytes, last_modified: dt.datetime,
                 **extra) -> dict:
        """PutObject with extra boto3 arguments (Object Lock), backdated by the test clock."""
        harness._tls.last_modified = last_modified
        try:
            return self.server.s3.put_object(Bucket=bucket, Key=key, Body=data, **extra)
        finally:
            harness._tls.last_modified = None

    def delete_current(self, bucket: str, key: str) -> None:
        """A plain DeleteObject (no VersionId): a delete marker on a versioned bucket."""
        r = self.server.s3.delete_object(Bucket=bucket, Key=key)
        self.assertTrue(r.get("DeleteMarker"), f"precondition: a delete marker for {key}")

    # ---- looking at versions with boto3
    def snapshot(self, bucket: str, prefixes) -> dict:
        return {p: self.versions(bucket, p) for p in prefixes}

    def assertNothingUnder(self, bucket: str, prefix: str, msg: str = ""):
        vs, dms = self.versions(bucket, prefix)
        self.assertEqual((sorted(vs), sorted(dms)), ([], []),
                         f"versions / delete markers left under {prefix!r} {msg}")

    def assertSnapshotSame(self, bucket: str, before: dict, what: str):
        for p, (vs, dms) in before.items():
            now_vs, now_dms = self.versions(bucket, p)
            self.assertEqual(now_vs, vs, f"versions under {p!r} ({what}) were touched")
            self.assertEqual(now_dms, dms, f"delete markers under {p!r} ({what}) were touched")

    def versions_unchanged(self, bucket: str):
        """with self.versions_unchanged(b): no write request, same versions and markers."""
        return self._Unchanged(self, lambda: self.versions(bucket), "versions and delete markers")

    # ---- request log
    def requests_of(self, bucket: str, mark: int, method: str, query_start: str) -> list[str]:
        return [l for l in self.server.requests_since(mark)
                if l.startswith((f"{method} /{bucket}?{query_start}",
                                 f"{method} /{bucket}/?{query_start}"))]

    def delete_posts(self, bucket, mark):
        return self.requests_of(bucket, mark, "POST", "delete")

    def get_versioning_requests(self, bucket, mark):
        return [l for l in self.requests_of(bucket, mark, "GET", "versioning")
                if re.match(rf"GET /{re.escape(bucket)}/?\?versioning(=| )", l)]

    # ---- running the binary
    def run_json(self, bucket: str, *args, expect_rc: int = 0, input: str | None = None):
        full = [f"s3://{bucket}", *map(str, args), "--output", "json", *self.endpoint_args()]
        r = self.run_cli(*full, input=input)
        self.assertEqual(r.returncode, expect_rc, self.explain(r, full))
        try:
            doc = json.loads(r.stdout)
        except json.JSONDecodeError as e:
            self.fail(f"stdout is not one JSON document ({e}):{self.explain(r, full)}")
        return doc, r

    def delete(self, bucket, *args, expect_rc=0):
        """--yes --output json; returns (doc, completed process)."""
        return self.run_json(bucket, *args, "--yes", expect_rc=expect_rc)

    def result(self, doc: dict, r) -> dict:
        self.assertIn("result", doc, self.explain(r))
        return doc["result"]

    def assertVersioning(self, doc: dict, status: str, r=None):
        self.assertIn("versioning", doc, "top-level 'versioning' missing from the JSON"
                      + (self.explain(r) if r is not None else ""))
        self.assertEqual(doc["versioning"], status)

    def assertCoreDeployments(self, doc: dict, expected: list):
        """expected: [(Dep, action, reason)] newest first; facts as Dep says."""
        self.assertDeployments(doc, expected)


def ten(now=None, **kw) -> list[Dep]:
    """d00 (oldest, 20 days) .. d09 (11 days), 3 files each."""
    return [Dep(f"d{i:02d}", days_ago(20 - i, now), n=3, size=ROUND_SIZES[-1], **kw)
            for i in range(10)]


PER_DEP_VERSION_BYTES = 3 * sum(ROUND_SIZES)   # 3 keys x (10 + 17) = 81


class DeleteMarkersTest(VersioningTestCase):
    """Without --purge-versions: delete markers, a warning, every version still there."""

    # 1
    def test_versioned_keep_3_puts_delete_markers_and_warns(self):
        b = self.versioned_bucket()
        deps = ten()
        self.seed_rounds(b, deps)
        before = self.versions(b)
        self.assertEqual(len(before[0]), 60, "precondition: 10 deployments x 3 keys x 2 versions")
        kept_before = self.snapshot(b, [d.prefix for d in deps[7:]])

        mark = self.server.request_mark()
        doc, r = self.delete(b, "--keep", "3")
        self.assertVersioning(doc, "Enabled", r)
        self.assertIn("--purge-versions", r.stderr,
                      "a warning naming --purge-versions on stderr" + self.explain(r))
        self.assertRegex(r.stderr, r"(?i)warning", self.explain(r))
        self.assertEqual(len(self.get_versioning_requests(b, mark)), 1,
                         "exactly one GetBucketVersioning per run")
        self.assertCoreDeployments(
            doc, [(d, "keep", "newest") for d in reversed(deps[7:])]
            + [(d, "delete", "past-keep") for d in reversed(deps[:7])])

        res = self.result(doc, r)
        self.assertEqual(res["objects_deleted"], 21)
        self.assertEqual(res["deployments_deleted"], 7)
        self.assertEqual(res["failed"], [])
        self.assertEqual(res.get("versions_deleted", 0), 0, "no version is removed by id")
        self.assertEqual(res.get("delete_markers_deleted", 0), 0)

        # Current objects: only the 3 newest deployments.
        self.assertEqual(self.list_keys(b), sorted(k for d in deps[7:] for k in d.objects()))
        vs, dms = self.versions(b)
        # Every version is still there, none of them current any more for the old ones.
        self.assertEqual(set(vs), set(before[0]), "versions must all still exist")
        for d in deps[:7]:
            for f in d.files:
                key = d.prefix + f
                markers = [(vid, latest) for (k, vid), (latest, _) in dms.items() if k == key]
                self.assertEqual(len(markers), 1, f"one delete marker on {key}")
                self.assertTrue(markers[0][1], f"the delete marker on {key} is the latest")
                self.assertFalse(any(vs[(k, vid)][0] for (k, vid) in vs if k == key),
                                 f"no version of {key} is current")
        self.assertTrue(all(k.split("/")[0] in {d.name for d in deps[:7]} for k, _ in dms),
                        "delete markers only under the doomed deployments")
        self.assertSnapshotSame(b, kept_before, "kept deployments")

    # issue 14, test 7
    def test_every_deployment_shows_what_it_stores_without_purge_versions(self):
        b = self.versioned_bucket()
        deps = ten()[:5]
        self.seed_rounds(b, deps)
        # One more delete marker in d01: its current objects are 2, it stores 7 entries.
        self.server.s3.delete_object(Bucket=b, Key=deps[1].prefix + deps[1].files[0])
        with self.versions_unchanged(b):
            mark = self.server.request_mark()
            plan = self.plan(f"s3://{b}", "--keep", "2")
            requests = self.server.requests_since(mark)
        for d in plan["deployments"]:
            extra = 1 if d["name"] == "d01" else 0
            self.assertEqual((d["versions"], d["delete_markers"], d["version_bytes"]),
                             (6 + extra, extra, PER_DEP_VERSION_BYTES), d)
            self.assertEqual(d["objects"], 3 - extra, d)
            # A plain delete on a versioned bucket frees nothing: it adds markers.
            self.assertEqual(d["bytes_freed_if_deleted"], 0, d)
        # What the plan costs (README, "Versioned buckets"): GetBucketVersioning, the
        # folder listing, one ListObjectVersions per deployment (each fits a page) and the
        # Delimiter ListObjectVersions that finds ghosts; no ListObjectsV2 per deployment.
        kinds = [r.split(" ")[1].split("?", 1)[1].split("&")[0] for r in requests]
        self.assertEqual(kinds.count("versioning="), 1, requests)
        self.assertEqual(kinds.count("list-type=2"), 1, requests)
        self.assertEqual(kinds.count("versions="), len(deps) + 1, requests)
        self.assertEqual(len(requests), len(deps) + 3, requests)

        r = self.run_cli(f"s3://{b}", "--keep", "2", "--dry-run", *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertRegex(r.stdout, r"VERSIONS\s+MARKERS\s+STORED\s+FREES\s+ACTION")
        rows = {l.split()[0]: l.split() for l in r.stdout.splitlines()
                if l.split() and l.split()[0] in {d["name"] for d in plan["deployments"]}}
        for d in plan["deployments"]:
            # NAME WHEN OBJECTS SIZE(2) VERSIONS MARKERS STORED(2) FREES(2) ACTION REASON
            cells = rows[d["name"]]
            self.assertEqual(cells[2], str(d["objects"]), cells)
            self.assertEqual(cells[5:7], [str(d["versions"]), str(d["delete_markers"])], cells)
            self.assertEqual(" ".join(cells[7:9]), f"{d['version_bytes']} B", cells)
            self.assertEqual(" ".join(cells[9:11]), "0 B", cells)

    def test_text_plan_shows_the_versioning_status(self):
        b = self.versioned_bucket()
        deps = ten()[:4]
        self.seed_rounds(b, deps)
        with self.versions_unchanged(b):
            full = [f"s3://{b}", "--keep", "2", "--dry-run", *self.endpoint_args()]
            r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        self.assertRegex(r.stdout, r"(?i)versioning[^\n]*\bEnabled\b",
                         "the text plan names the bucket's versioning status")

    def test_json_versioning_disabled_and_suspended(self):
        for status, want in ((None, "Disabled"), ("Suspended", "Suspended")):
            with self.subTest(status=status):
                b = self.versioned_bucket(status)
                self.seed(b, {"v1/a": (b"x", days_ago(2)), "v2/a": (b"x", days_ago(1))})
                plan = self.plan(f"s3://{b}", "--keep", "1")
                self.assertVersioning(plan, want)


class PurgeTest(VersioningTestCase):

    # 2
    def test_purge_versions_removes_every_version_of_the_7_old_ones(self):
        b = self.versioned_bucket()
        deps = ten()
        self.seed_rounds(b, deps)
        kept_before = self.snapshot(b, [d.prefix for d in deps[7:]])

        # The dry run first: versions and bytes that --purge-versions will free.
        with self.versions_unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "3", "--purge-versions")
        self.assertVersioning(plan, "Enabled")
        for d in plan["deployments"]:
            self.assertIn("versions", d, d)
            self.assertIn("version_bytes", d, d)
            if d["action"] == "delete":
                self.assertEqual((d["versions"], d["version_bytes"]),
                                 (6, PER_DEP_VERSION_BYTES), f"dry run, doomed {d['name']}")
            elif d["versions"] is not None:
                self.assertEqual((d["versions"], d["version_bytes"]),
                                 (6, PER_DEP_VERSION_BYTES), f"dry run, kept {d['name']}")
        with self.versions_unchanged(b):
            full = [f"s3://{b}", "--keep", "3", "--purge-versions", "--dry-run",
                    *self.endpoint_args()]
            r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        # The summary (from the "Summary:" line to the end of the plan) counts the 42
        # versions and their 7 x 81 = 567 bytes that the purge frees.
        lines = r.stdout.splitlines()
        starts = [i for i, l in enumerate(lines) if l.startswith("Summary:")]
        self.assertEqual(len(starts), 1, self.explain(r, full))
        summary = "\n".join(lines[starts[0]:])
        self.assertRegex(summary, r"\b42\b", "the summary counts the 42 versions to free")
        self.assertRegex(summary, r"\b567\b", "the summary gives the bytes the purge frees")
        self.assertRegex(summary, r"(?i)version", summary)

        mark = self.server.request_mark()
        doc, r = self.delete(b, "--keep", "3", "--purge-versions")
        self.assertVersioning(doc, "Enabled", r)
        self.assertEqual(len(self.get_versioning_requests(b, mark)), 1,
                         "exactly one GetBucketVersioning per run")
        for d in deps[:7]:
            self.assertNothingUnder(b, d.prefix)
        self.assertSnapshotSame(b, kept_before, "kept deployments")
        for d in deps[7:]:
            vs, dms = kept_before[d.prefix]
            self.assertEqual((len(vs), len(dms)), (6, 0), "both versions of every kept key")
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 7 * 3 * 2)
        self.assertEqual(res["delete_markers_deleted"], 0)
        self.assertEqual(res["failed"], [])
        self.assertEqual(res["deployments_deleted"], 7)
        # 42 versions fit in one DeleteObjects.
        self.assertEqual(len(self.delete_posts(b, mark)), 1)
        self.assertEqual(res["requests"]["delete"], 1)
        self.assertEqual(self.list_keys(b), sorted(k for d in deps[7:] for k in d.objects()))

    # 4
    def test_more_than_1000_versions_under_one_prefix(self):
        b = self.versioned_bucket()
        big = Dep("big", days_ago(5), n=600, size=ROUND_SIZES[-1], step=0)
        live = Dep("live", days_ago(1), n=2, size=ROUND_SIZES[-1])
        self.seed_rounds(b, [big, live])  # bulk path for the 600-key rounds
        # One key with a single version, sorting first: the 1000-entry page then ends
        # between the two versions of one key, so version-id-marker matters.
        self.seed(b, {"big/a-single": (b"s", days_ago(5))})
        vs, dms = self.versions(b, "big/")
        self.assertEqual((len(vs), len(dms)), (1201, 0), "precondition")
        live_before = self.snapshot(b, [live.prefix])

        mark = self.server.request_mark()
        doc, r = self.delete(b, "--keep", "1", "--purge-versions")
        self.assertNothingUnder(b, "big/")
        self.assertSnapshotSame(b, live_before, "the kept deployment")
        posts = self.delete_posts(b, mark)
        self.assertEqual(len(posts), math.ceil(1201 / 1000), posts)
        res = self.result(doc, r)
        self.assertEqual(res["requests"]["delete"], 2)
        self.assertEqual(res["versions_deleted"], 1201)
        self.assertEqual(res["delete_markers_deleted"], 0)
        self.assertEqual(res["failed"], [])
        listings = [l for l in self.requests_of(b, mark, "GET", "versions")
                    if "prefix=big%2F" in l or "prefix=big/" in l]
        self.assertTrue(listings, "ListObjectVersions under big/")
        for l in listings:
            self.assertIn("encoding-type=url", l)
        self.assertTrue(any("key-marker=" in l and "version-id-marker=" in l for l in listings),
                        f"the second page continues from key and version id markers: {listings}")

    # 5
    def test_suspended_versioning_null_versions_are_purged_too(self):
        b = self.versioned_bucket(None)
        deps = [Dep(f"s{i}", days_ago(10 - i), n=4, size=5) for i in range(4)]
        files = deps[0].files           # file00000 .. file00003
        # Unversioned: file0..file2 get the "null" version.
        for d in deps:
            self.seed(b, {d.prefix + f: (body(3, 0), d.newest - dt.timedelta(hours=4, seconds=i))
                          for i, f in enumerate(files[:3])}, via="bulk")
        # Enabled: file0 and file1 get a real version on top of their null version.
        self.set_versioning(b, "Enabled")
        for d in deps:
            self.seed(b, {d.prefix + f: (body(4, 1), d.newest - dt.timedelta(hours=2, seconds=i))
                          for i, f in enumerate(files[:2])}, via="bulk")
        # Suspended: file2 is overwritten (its null version replaced), file3 is new (null).
        self.set_versioning(b, "Suspended")
        for d in deps:
            self.seed(b, {d.prefix + files[2]: (body(5, 2), d.newest - dt.timedelta(seconds=2)),
                          d.prefix + files[3]: (body(5, 2), d.newest)}, via="bulk")
        truth = self.snapshot(b, [d.prefix for d in deps])
        for d in deps:
            vs, dms = truth[d.prefix]
            ids = [vid for (_, vid) in vs]
            self.assertEqual(len(vs), 6, f"precondition: versions under {d.prefix}: {vs}")
            self.assertEqual(ids.count("null"), 4, f"precondition: null versions {ids}")
            self.assertEqual(dms, {})

        plan = self.plan(f"s3://{b}", "--keep", "2", "--purge-versions")
        self.assertVersioning(plan, "Suspended")
        bytes_of = {d.prefix: sum(v[1] for v in truth[d.prefix][0].values()) for d in deps}
        for d in plan["deployments"]:
            if d["action"] == "delete":
                self.assertEqual((d["versions"], d["version_bytes"]),
                                 (6, bytes_of[d["prefix"]]), d)

        doc, r = self.delete(b, "--keep", "2", "--purge-versions")
        self.assertVersioning(doc, "Suspended", r)
        for d in deps[:2]:
            self.assertNothingUnder(b, d.prefix)
        self.assertSnapshotSame(b, {d.prefix: truth[d.prefix] for d in deps[2:]},
                                "kept deployments")
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 12)
        self.assertEqual(res["delete_markers_deleted"], 0)
        self.assertEqual(res["failed"], [])

    def test_unversioned_bucket_purge_versions_is_a_plain_deletion(self):
        outcomes = []
        for flag in ([], ["--purge-versions"]):
            b = self.versioned_bucket(None)
            deps = ten()
            self.seed(b, {k: v for d in deps for k, v in d.objects().items()}, via="bulk")
            mark = self.server.request_mark()
            doc, r = self.delete(b, "--keep", "3", *flag)
            self.assertVersioning(doc, "Disabled", r)
            self.assertNotIn("--purge-versions", r.stderr, "no versioning warning" + self.explain(r))
            self.assertNotRegex(r.stderr, r"(?i)version", "no versioning warning" + self.explain(r))
            self.assertEqual(len(self.get_versioning_requests(b, mark)), 1)
            self.assertEqual(self.list_keys(b), sorted(k for d in deps[7:] for k in d.objects()))
            vs, dms = self.versions(b)
            self.assertEqual(len(vs), 9)
            self.assertEqual(dms, {})
            res = self.result(doc, r)
            outcomes.append({
                "deployments": [(d["name"], d["action"], d["reason"], d["objects"], d["bytes"])
                                for d in doc["deployments"]],
                "summary": {k: doc["summary"][k] for k in
                            ("deployments", "keep", "delete", "objects_to_delete",
                             "bytes_to_delete")},
                "result": (res["deployments_deleted"], res["objects_deleted"],
                           res["bytes_freed"], res["failed"], res["requests"]["delete"]),
                "posts": len(self.delete_posts(b, mark)),
                "stderr": r.stderr.replace(b, "BUCKET"),
            })
        self.assertEqual(outcomes[1], outcomes[0],
                         "--purge-versions on an unversioned bucket == a plain deletion")

    def test_kept_and_protected_deployments_keep_every_version(self):
        b = self.versioned_bucket()
        deps = [Dep(f"p{i:02d}", days_ago(10 - i), n=3, size=ROUND_SIZES[-1]) for i in range(6)]
        self.seed_rounds(b, deps)
        # A key already deleted (one version + a delete marker) in a kept, a protected
        # and a doomed deployment.
        for d in (deps[5], deps[1], deps[2]):
            self.put_with(b, d.prefix + "removed.txt", body(10, 0),
                          d.newest - dt.timedelta(hours=1))
            self.delete_current(b, d.prefix + "removed.txt")
        untouched = [deps[5], deps[4], deps[1]]
        before = self.snapshot(b, [d.prefix for d in untouched])

        plan = self.plan(f"s3://{b}", "--keep", "2", "--protect", "p01", "--purge-versions")
        self.assertCoreDeployments(plan, [
            (deps[5], "keep", "newest"), (deps[4], "keep", "newest"),
            (deps[3], "delete", "past-keep"), (deps[2], "delete", "past-keep"),
            (deps[1], "keep", "protected"), (deps[0], "delete", "past-keep")])
        facts = {d["name"]: (d["versions"], d["version_bytes"]) for d in plan["deployments"]}
        self.assertEqual(facts["p02"], (6 + 1 + 1, PER_DEP_VERSION_BYTES + 10))
        self.assertEqual(facts["p03"], (6, PER_DEP_VERSION_BYTES))
        self.assertEqual(facts["p00"], (6, PER_DEP_VERSION_BYTES))

        doc, r = self.delete(b, "--keep", "2", "--protect", "p01", "--purge-versions")
        for d in (deps[0], deps[2], deps[3]):
            self.assertNothingUnder(b, d.prefix)
        self.assertSnapshotSame(b, before, "kept and protected deployments")
        for d in untouched:
            vs, dms = before[d.prefix]
            self.assertEqual(len(vs), 6 + (1 if d is not deps[4] else 0))
            self.assertEqual(len(dms), 1 if d is not deps[4] else 0)
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 3 * 6 + 1)
        self.assertEqual(res["delete_markers_deleted"], 1)
        self.assertEqual(res["failed"], [])

    def test_awkward_keys_are_purged(self):
        b = self.versioned_bucket()
        awkward = ["a b.txt", "plus+sign", "100%", "%41", "a&b", "lt<gt>", "quote'",
                   "caf\u00e9/\u65e5\u672c.html", "deep/er/x y"]
        old = Dep("old dep+%&\u00e9", days_ago(3), n=len(awkward), files=awkward,
                  size=ROUND_SIZES[-1])
        live = Dep("live", days_ago(1), n=2, files=["a b", "c+d"], size=ROUND_SIZES[-1])
        self.seed_rounds(b, [old, live])
        live_before = self.snapshot(b, [live.prefix])
        doc, r = self.delete(b, "--keep", "1", "--purge-versions")
        self.assertNothingUnder(b, old.prefix)
        self.assertSnapshotSame(b, live_before, "the kept deployment")
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 2 * len(awkward))
        self.assertEqual(res["failed"], [])


class GhostTest(VersioningTestCase):
    """Folders left with only noncurrent versions and delete markers by an earlier run."""

    def make_ghosts(self):
        b = self.versioned_bucket()
        deps = ten()
        self.seed_rounds(b, deps)
        doc, r = self.delete(b, "--keep", "3")    # delete markers on d00..d06
        self.assertEqual(self.result(doc, r)["objects_deleted"], 21)
        for d in deps[:7]:
            self.assertEqual(self.list_keys(b, d.prefix), [], "precondition: no current object")
            vs, dms = self.versions(b, d.prefix)
            self.assertEqual((len(vs), len(dms)), (6, 3), "precondition: ghost contents")
        # moto still lists the ghosts as folders (real S3 would not)
        cps = self.server.s3.list_objects_v2(Bucket=b, Delimiter="/").get("CommonPrefixes", [])
        self.assertEqual(len(cps), 10, "precondition: moto lists folders of delete markers")
        return b, deps

    def assertGhosts(self, plan, ghosts: list[Dep], versions=6, markers=3,
                     nbytes=PER_DEP_VERSION_BYTES):
        self.assertIn("ghosts", plan, "top-level 'ghosts' missing")
        got = sorted(((g["name"], g["prefix"], g["versions"], g["delete_markers"], g["bytes"])
                      for g in plan["ghosts"]))
        self.assertEqual(got, sorted((d.name, d.prefix, versions, markers, nbytes)
                                     for d in ghosts))

    # 3
    def test_ghosts_are_listed_purged_with_yes_and_never_kept(self):
        b, deps = self.make_ghosts()
        live_before = self.snapshot(b, [d.prefix for d in deps[7:]])
        live = [(d, "keep", "newest") for d in reversed(deps[7:])]

        # Dry runs, with and without the flag: ghosts apart, the 3 live ones kept.
        for flag in (["--purge-versions"], []):
            with self.subTest(flag=flag), self.versions_unchanged(b):
                plan = self.plan(f"s3://{b}", "--keep", "3", *flag)
                self.assertVersioning(plan, "Enabled")
                self.assertCoreDeployments(plan, live)
                self.assertGhosts(plan, deps[:7])
        with self.versions_unchanged(b):
            full = [f"s3://{b}", "--keep", "3", "--purge-versions", "--dry-run",
                    *self.endpoint_args()]
            r = self.run_cli(*full)
            self.assertEqual(r.returncode, 0, self.explain(r, full))
            for d in deps[:7]:
                self.assertIn(d.name, r.stdout, "the text dry run lists the ghosts")

        # Purging ghosts is deleting: no terminal, no --yes -> exit 2, nothing touched.
        with self.versions_unchanged(b):
            full = [f"s3://{b}", "--keep", "3", "--purge-versions", *self.endpoint_args()]
            r = self.run_cli(*full, input="y\n")
            self.assertEqual(r.returncode, 2, self.explain(r, full))
            self.assertIn("--yes", r.stderr)

        doc, r = self.delete(b, "--keep", "3", "--purge-versions")
        self.assertCoreDeployments(doc, live)
        self.assertGhosts(doc, deps[:7])
        for d in deps[:7]:
            self.assertNothingUnder(b, d.prefix)
        self.assertSnapshotSame(b, live_before, "the 3 live deployments")
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 7 * 6)
        self.assertEqual(res["delete_markers_deleted"], 7 * 3)
        self.assertEqual(res["failed"], [])
        cps = self.server.s3.list_objects_v2(Bucket=b, Delimiter="/").get("CommonPrefixes", [])
        self.assertEqual(sorted(p["Prefix"] for p in cps), sorted(d.prefix for d in deps[7:]))

    def test_a_ghost_newer_than_every_live_deployment_takes_no_place(self):
        b = self.versioned_bucket()
        live = [Dep(f"l{i}", days_ago(10 - i), n=3, size=ROUND_SIZES[-1]) for i in range(4)]
        ghost = Dep("zz-ghost", days_ago(0.5), n=3, size=ROUND_SIZES[-1])
        self.seed_rounds(b, [*live, ghost])
        for f in ghost.files:
            self.delete_current(b, ghost.prefix + f)
        self.assertEqual(self.list_keys(b, ghost.prefix), [], "precondition")
        expected = ([(d, "keep", "newest") for d in reversed(live[1:])]
                    + [(live[0], "delete", "past-keep")])
        for flag in ([], ["--purge-versions"]):
            with self.subTest(flag=flag):
                plan = self.plan(f"s3://{b}", "--keep", "3", *flag)
                self.assertCoreDeployments(plan, expected)
                self.assertGhosts(plan, [ghost])
        kept_before = self.snapshot(b, [d.prefix for d in live[1:]])
        doc, r = self.delete(b, "--keep", "3", "--purge-versions")
        self.assertNothingUnder(b, ghost.prefix)
        self.assertNothingUnder(b, live[0].prefix)
        self.assertSnapshotSame(b, kept_before, "the 3 newest live deployments")
        res = self.result(doc, r)
        self.assertEqual(res["versions_deleted"], 6 + 6)
        self.assertEqual(res["delete_markers_deleted"], 3)


class ObjectLockTest(VersioningTestCase):

    def lock_bucket(self):
        b = self.versioned_bucket("Enabled", lock=True)
        deps = [Dep(f"o{i}", days_ago(10 - i), n=3, size=ROUND_SIZES[-1]) for i in range(4)]
        self.seed_rounds(b, deps)
        return b, deps

    def until(self):
        return utcnow() + dt.timedelta(days=1)

    def assertMotoRefuses(self, b, key, vid, bypass: bool):
        """Precondition, boto3 only: the server refuses to delete this version."""
        r = self.server.s3.delete_objects(
            Bucket=b, BypassGovernanceRetention=bypass,
            Delete={"Objects": [{"Key": key, "VersionId": vid}]})
        self.assertEqual([(e["Key"], e["Code"]) for e in r.get("Errors", [])],
                         [(key, "AccessDenied")],
                         f"precondition: the server enforces the lock on {key} (bypass={bypass})")

    # 6
    def test_governance_retention_fails_then_bypass_deletes_it(self):
        b, deps = self.lock_bucket()
        key = deps[0].prefix + "locked.txt"
        vid = self.put_with(b, key, b"locked", deps[0].newest - dt.timedelta(seconds=10),
                            ObjectLockMode="GOVERNANCE",
                            ObjectLockRetainUntilDate=self.until())["VersionId"]
        self.assertMotoRefuses(b, key, vid, bypass=False)
        kept_before = self.snapshot(b, [d.prefix for d in deps[2:]])

        doc, r = self.delete(b, "--keep", "2", "--purge-versions", expect_rc=1)
        res = self.result(doc, r)
        self.assertEqual([(f["key"], f["code"]) for f in res["failed"]], [(key, "AccessDenied")])
        self.assertIn(key, r.stderr)
        self.assertIn("AccessDenied", r.stderr)
        vs, dms = self.versions(b, deps[0].prefix)
        self.assertEqual((list(vs), dms), ([(key, vid)], {}), "only the locked version is left")
        self.assertNothingUnder(b, deps[1].prefix)
        self.assertSnapshotSame(b, kept_before, "kept deployments")
        self.assertEqual(res["versions_deleted"], 2 * 6)

        doc, r = self.delete(b, "--keep", "2", "--purge-versions",
                             "--bypass-governance-retention")
        self.assertNothingUnder(b, deps[0].prefix)
        self.assertSnapshotSame(b, kept_before, "kept deployments")
        res = self.result(doc, r)
        self.assertEqual(res["failed"], [])
        self.assertEqual(res["versions_deleted"], 1)

    def test_compliance_and_legal_hold_are_not_bypassed(self):
        b, deps = self.lock_bucket()
        comp = deps[0].prefix + "compliance.txt"
        held = deps[1].prefix + "held.txt"
        cid = self.put_with(b, comp, b"c", deps[0].newest - dt.timedelta(seconds=10),
                            ObjectLockMode="COMPLIANCE",
                            ObjectLockRetainUntilDate=self.until())["VersionId"]
        hid = self.put_with(b, held, b"h", deps[1].newest - dt.timedelta(seconds=10),
                            ObjectLockLegalHoldStatus="ON")["VersionId"]
        self.assertMotoRefuses(b, comp, cid, bypass=True)
        self.assertMotoRefuses(b, held, hid, bypass=True)
        doc, r = self.delete(b, "--keep", "2", "--purge-versions",
                             "--bypass-governance-retention", expect_rc=1)
        res = self.result(doc, r)
        self.assertEqual(sorted((f["key"], f["code"]) for f in res["failed"]),
                         sorted([(comp, "AccessDenied"), (held, "AccessDenied")]))
        self.assertEqual(list(self.versions(b, deps[0].prefix)[0]), [(comp, cid)])
        self.assertEqual(list(self.versions(b, deps[1].prefix)[0]), [(held, hid)])
        self.assertEqual(res["versions_deleted"], 2 * 6)

    def test_bypass_without_purge_versions_is_a_usage_error(self):
        b, deps = self.lock_bucket()
        mark = self.server.request_mark()
        full = [f"s3://{b}", "--keep", "2", "--yes", "--bypass-governance-retention",
                *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 2, self.explain(r, full))
        self.assertOneErrorLine(r, "--bypass-governance-retention", args=full)
        self.assertEqual(self.server.requests_since(mark), [], "no request for a usage error")


if __name__ == "__main__":
    unittest.main()
