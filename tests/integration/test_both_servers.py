"""The core of the job on both test servers: moto (the correctness oracle) and Ceph RGW (a
production S3 implementation). RGW cannot backdate objects, so these cases order deployments
by name (--sort-by name) or by real write order; cases that need moto's test clock live in
the other modules. Every case checks the bucket afterwards with boto3 and counts the
requests in the server's own log against the request budget:

    list   <= ceil(folders/1000) + sum(ceil(objects in folder/1000)) + 1 re-check per deleted
    delete == ceil(objects deleted/1000)

(for deployments whose keys lie directly in their folder; a deployment fanned out over
its sub-folders is checked for its figures and its outcome instead). Keys beyond the
memory budget (S3_CLEANUP_KEY_BUDGET) keep this budget: they are spilled, not re-listed.

This module runs the cases on moto; test_both_servers_rgw runs the same cases on RGW (label
`slow`: plain scripts/test leaves it to scripts/test --full).
"""
from __future__ import annotations

import json
import math
import sys
import time
import unittest

import harness
import rgw_harness

AWKWARD = ["a b.txt", "plus+sign", "100%", "a&b", "lt<gt>", "quote'", 'dq"', "hash#",
           "q?x=1", "caf\u00e9/\u65e5\u672c.html", "tab\tkey", "deep/er/still deeper/x y"]


def deployment(name: str, n: int, size: int = 3, files=None) -> dict:
    files = files or [f"f{i:05d}.txt" for i in range(n)]
    return {f"{name}/{f}": b"x" * size for f in files}


class Cases:
    """Mixed into a test case bound to one server."""

    def requests_of(self, bucket, mark, method, marker):
        # Only the binary's own requests: up to the end mark taken right after its run.
        lines = self.server.requests_since(mark)[: self.end_mark - mark]
        return [l for l in lines if l.startswith((f"{method} /{bucket}?{marker}",
                                                  f"{method} /{bucket}/?{marker}"))]

    def run_json(self, bucket, *args, expect_rc=0, endpoint=None):
        r = self.run_cli(f"s3://{bucket}", *args, "--output", "json",
                         "--endpoint-url", endpoint or self.server.endpoint_url)
        self.end_mark = self.server.request_mark()
        self.assertEqual(r.returncode, expect_rc, self.explain(r))
        return json.loads(r.stdout), r

    def assertBudget(self, doc, bucket, mark, folders, objects_per_folder):
        res = doc["result"]
        deleted = res["deployments_deleted"]
        lists = self.requests_of(bucket, mark, "GET", "list-type")
        posts = self.requests_of(bucket, mark, "POST", "delete")
        budget = (math.ceil(folders / 1000) + sum(math.ceil(max(n, 1) / 1000)
                                                  for n in objects_per_folder) + deleted)
        own, retries = res["requests"], res["requests"]["retries"]
        # The budget is for requests; a re-send (say, after a keep-alive connection the
        # server closed under a request) is counted apart, in retries, as the issue asks.
        self.assertLessEqual(own["list"], budget, "list requests over budget")
        self.assertEqual(own["delete"], math.ceil(res["objects_deleted"] / 1000), posts)
        seen = len(lists) + len(posts)
        sent = own["list"] + own["delete"]
        self.assertTrue(sent <= seen <= sent + retries,
                        f"the server saw {len(lists)} list and {len(posts)} delete requests; "
                        f"the binary reports {own}")
        self.assertLessEqual(retries, 3, "no faults were injected: hardly any re-sends expected")
        if retries:
            server = "rgw" if self.on_rgw else "moto"
            print(f"\n  {server}: {retries} re-send(s) in a run without injected faults",
                  file=sys.stderr)

    def test_keep_3_by_name_leaves_exactly_the_3_greatest_and_the_root_files(self):
        b = self.new_bucket()
        objects = {"index.html": b"root", "robots.txt": b"r", "d01": b"root named like a folder"}
        for i in range(12):
            objects.update(deployment(f"d{i:02d}", 4))
        self.seed(b, objects)
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "3", "--sort-by", "name", "--yes")
        expected = sorted(k for k in objects
                          if "/" not in k or k.split("/")[0] in ("d09", "d10", "d11"))
        self.assertEqual(self.list_keys(b), expected)
        self.assertEqual(doc["result"]["deployments_deleted"], 9)
        self.assertEqual(doc["result"]["objects_deleted"], 36)
        self.assertBudget(doc, b, mark, 12, [4] * 12)
        # Decided by name alone: the kept deployments were only checked for objects.
        kept_listings = [l for l in self.requests_of(b, mark, "GET", "list-type")
                         if "prefix=d1" in l or "prefix=d09" in l]
        self.assertEqual(len(kept_listings), 3, kept_listings)
        self.assertTrue(all("max-keys=1" in l for l in kept_listings), kept_listings)

    def test_folders_of_only_markers_are_not_deployments(self):
        """Folder markers (0-byte keys ending in '/') alone make no deployment: by name the
        marker folders sort last, yet d5 is kept and the markers stay (issue 12)."""
        b = self.new_bucket()
        objects = {}
        for i in range(1, 6):
            objects.update(deployment(f"d{i}", 3))
        markers = {"new-empty-folder/": b"", "x/": b"", "x/a/": b"", "x/a/b/": b""}
        self.seed(b, {**objects, **markers, "d4/": b""})
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual([(d["name"], d["action"]) for d in doc["deployments"]],
                         [("d5", "keep")] + [(f"d{i}", "delete") for i in (4, 3, 2, 1)])
        self.assertEqual(doc["empty_folders"], ["new-empty-folder", "x"])
        self.assertEqual(doc["result"]["objects_deleted"], 13)  # d4's stray marker went too
        self.assertEqual(self.list_keys(b), sorted([*deployment("d5", 3), *markers]))

    def test_newest_by_write_time(self):
        b = self.new_bucket()
        for name in ("zeta", "alpha", "mid"):  # written in this order, a second apart
            self.seed(b, deployment(name, 3))
            time.sleep(1.1)
        doc, _ = self.run_json(b, "--keep", "1", "--dry-run")
        self.assertEqual([(d["name"], d["action"]) for d in doc["deployments"]],
                         [("mid", "keep"), ("alpha", "delete"), ("zeta", "delete")])
        self.run_json(b, "--keep", "1", "--yes")
        self.assertEqual(self.list_keys(b), sorted(deployment("mid", 3)))

    def test_2500_objects_in_3_delete_requests_within_budget(self):
        b = self.new_bucket()
        objects = deployment("a-old", 2500, size=1)
        objects.update(deployment("b-live", 5))
        self.seed(b, objects)
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual(len(self.requests_of(b, mark, "POST", "delete")), 3)
        self.assertEqual(self.list_keys(b), sorted(deployment("b-live", 5)))
        self.assertBudget(doc, b, mark, 2, [2500, 5])

    def test_50_deployments_of_200_objects_within_budget(self):
        b = self.new_bucket()
        objects = {"index.html": b"root"}
        for i in range(50):
            objects.update(deployment(f"build-{i:03d}", 200, size=10))
        self.seed(b, objects)
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "5", "--yes")
        remaining = self.list_keys(b)
        self.assertEqual(len(remaining), 5 * 200 + 1)
        self.assertEqual(doc["result"]["objects_deleted"], 45 * 200)
        self.assertBudget(doc, b, mark, 50, [200] * 50)

    def test_prefix_names_only_app_is_gone(self):
        b = self.new_bucket()
        objects = {"app": b"root object named app"}
        for name in ("app", "app2", "app-old"):
            objects.update(deployment(name, 3))
        self.seed(b, objects)
        # By name: app < app-old < app2, so --keep 2 deletes app alone.
        self.run_json(b, "--keep", "2", "--sort-by", "name", "--yes")
        self.assertEqual(self.list_keys(b), sorted(k for k in objects if not k.startswith("app/")))

    def test_awkward_keys_are_deleted(self):
        b = self.new_bucket()
        objects = deployment("a-old dep+%&<'\"\u00e9", len(AWKWARD), files=AWKWARD)
        objects.update(deployment("z-live", 2, files=["a b", "c+d"]))
        self.seed(b, objects)
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual(self.list_keys(b), sorted(deployment("z-live", 2, files=["a b", "c+d"])))
        self.assertEqual(doc["result"]["objects_deleted"], len(AWKWARD))

    def test_dry_run_changes_nothing(self):
        b = self.new_bucket()
        objects = {"index.html": b"root"}
        for i in range(6):
            objects.update(deployment(f"v{i}", 3))
        self.seed(b, objects)
        before = self.list_objects(b)
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "2", "--dry-run", "--yes")
        self.assertNotIn("result", doc)
        self.assertEqual(self.list_objects(b), before)
        writes = [l for l in self.server.requests_since(mark) if not l.startswith(("GET", "HEAD"))]
        self.assertEqual(writes, [])

    def test_a_denied_key_is_reported_and_the_rest_is_done(self):
        b = self.new_bucket()
        objects = {}
        for i in range(5):
            objects.update(deployment(f"v{i}", 3))
        self.seed(b, objects)
        denied = "v1/f00001.txt"
        proxy = harness.FaultProxy(self.server.port, "--deny-key", denied)
        try:
            doc, r = self.run_json(b, "--keep", "2", "--sort-by", "name", "--yes",
                                   expect_rc=1, endpoint=proxy.endpoint_url)
        finally:
            proxy.stop()
        self.assertEqual([(f["key"], f["code"]) for f in doc["result"]["failed"]],
                         [(denied, "AccessDenied")])
        self.assertIn(denied, r.stderr)
        self.assertEqual(doc["result"]["objects_deleted"], 8)

    def test_s3_errors_name_their_code(self):
        b = self.new_bucket()
        self.seed(b, deployment("v1", 1))
        cases = [
            ("s3://no-such-bucket-s3c", {}, "NoSuchBucket"),
            (f"s3://{b}", {"AWS_SECRET_ACCESS_KEY": "wrong" + self.server.secret_access_key},
             "SignatureDoesNotMatch"),
            (f"s3://{b}", {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"}, "InvalidAccessKeyId"),
        ]
        for url, env, code in cases:
            with self.subTest(code=code):
                args = [url, "--keep", "1", "--dry-run", "--endpoint-url",
                        self.server.endpoint_url]
                r = self.run_cli(*args, env_extra=env)
                self.assertEqual(r.returncode, 1, self.explain(r, args))
                self.assertOneErrorLine(r, code, args=args)
        self.assertEqual(self.list_keys(b), sorted(deployment("v1", 1)))

    def test_1100_deployments_folder_listing_over_two_pages(self):
        b = self.new_bucket()
        objects = {"index.html": b"root"}
        for i in range(1100):
            objects.update(deployment(f"f{i:04d}", 1, size=1))
        self.seed(b, objects)
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "1050", "--sort-by", "name", "--yes")
        res = doc["result"]
        self.assertEqual(res["deployments_deleted"], 50)
        self.assertEqual(self.list_keys(b),
                         sorted(k for k in objects if "/" not in k or k >= "f0050/"))
        folder_pages = [l for l in self.requests_of(b, mark, "GET", "list-type")
                        if "delimiter=%2F" in l]
        self.assertEqual(len(folder_pages), 2, folder_pages)
        self.assertBudget(doc, b, mark, 1100, [1] * 1100)

    def test_under_a_root_only_that_root_is_touched(self):
        b = self.new_bucket()
        outside = {"sites/web": b"a root-level object", "sites/web-old/x.html": b"sibling",
                   "sites/other/v0/a.html": b"another root", "top.txt": b"t"}
        inside = {"sites/web/index.html": b"the root's own object"}
        for name in ("v1", "v2", "v3", "v4"):
            inside.update({f"sites/web/{k}": v for k, v in deployment(name, 3).items()})
        self.seed(b, {**outside, **inside})
        doc, _ = self.run_json(b + "/sites/web/", "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual(doc["result"]["deployments_deleted"], 3)
        self.assertEqual(self.list_keys(b), sorted([*outside, "sites/web/index.html",
                                                    *(k for k in inside if "/v4/" in k)]))

    def test_versioned_bucket_delete_markers_then_purge(self):
        b = self.new_bucket()
        self.server.s3.put_bucket_versioning(Bucket=b,
                                             VersioningConfiguration={"Status": "Enabled"})
        objects = {}
        for name in ("v1", "v2", "v3"):
            objects.update(deployment(name, 3))
        self.seed(b, objects)
        self.seed(b, objects)  # every key twice: two versions each
        kept_before = self.versions(b, "v3/")
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual(doc["result"]["bytes_freed"], 0)  # markers only
        self.assertEqual(self.list_keys(b), sorted(deployment("v3", 3)))
        for p in ("v1/", "v2/"):
            versions, markers = self.versions(b, p)
            self.assertEqual((len(versions), len(markers)), (6, 3), p)
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes",
                               "--purge-versions")
        res = doc["result"]
        self.assertEqual((res["versions_deleted"], res["delete_markers_deleted"]), (12, 6), res)
        for p in ("v1/", "v2/"):
            self.assertEqual(self.versions(b, p), ({}, {}), p)
        self.assertEqual(self.versions(b, "v3/"), kept_before)

    # ---- issue 15: keys beyond the memory budget wait in the spill file
    BUDGET_ENV = {"S3_CLEANUP_KEY_BUDGET": "16K"}  # a few hundred keys; the README says how

    def test_deployments_larger_than_the_key_budget_delete_exactly_within_budget(self):
        """3 doomed deployments of 2,100 keys each (awkward names among them) with a 16 KiB
        key budget: most keys go through the spill file. The bucket ends exactly right and
        the request budget is the one of keys held in memory: nothing is listed twice."""
        b = self.new_bucket()
        objects = {"index.html": b"root"}
        for i in range(4):
            objects.update(deployment(f"d{i}", 2100 - len(AWKWARD), size=1))
            objects.update(deployment(f"d{i}", 0, files=AWKWARD))
        self.seed(b, objects)
        mark = self.server.request_mark()
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--sort-by", "name", "--yes", "--output",
                         "json", "--endpoint-url", self.server.endpoint_url,
                         env_extra=self.BUDGET_ENV)
        self.end_mark = self.server.request_mark()
        self.assertEqual(r.returncode, 0, self.explain(r))
        doc = json.loads(r.stdout)
        self.assertEqual(doc["result"]["objects_deleted"], 3 * 2100)
        self.assertEqual(doc["result"]["failed"], [])
        self.assertEqual(self.list_keys(b), sorted(k for k in objects if not k.startswith(
            ("d0/", "d1/", "d2/"))))
        self.assertBudget(doc, b, mark, 4, [2100] * 3 + [1])

    def test_an_object_written_after_planning_survives_and_is_reported(self):
        """Planned with every key spilled (budget 0); while the confirmation waits, a key is
        uploaded into a doomed deployment. It was in no listing, so it is never sent: it
        survives, and the run says the deployment is not gone."""
        b = self.new_bucket()
        objects = {}
        for i in range(3):
            objects.update(deployment(f"d{i}", 1500, size=1))
        self.seed(b, objects)
        late = "d0/uploaded-after-planning.html"
        rc, err, out = self.run_at_terminal(
            [f"s3://{b}", "--keep", "1", "--sort-by", "name", "--output", "json",
             "--endpoint-url", self.server.endpoint_url], "y",
            env_extra={"S3_CLEANUP_KEY_BUDGET": "0"},
            at_prompt=lambda: self.put(b, late, b"new"))
        self.assertEqual(rc, 0, err.decode(errors="replace"))
        doc = json.loads(out)
        self.assertEqual(doc["result"]["objects_deleted"], 3000)
        self.assertEqual(doc["result"]["appeared"], [{"deployment": "d0", "objects": 1}])
        self.assertEqual(doc["result"]["deployments_deleted"], 1)
        self.assertIn(b"d0: objects appeared during cleanup; left in place", err)
        self.assertEqual(self.list_keys(b), sorted([late, *deployment("d2", 1500)]))

    def test_sub_folder_fan_out_plans_as_a_flat_listing_and_deletes_exactly(self):
        """A deployment over one page (1,300 keys) is listed by sub-folder in parallel: keys
        directly in the folder, its own marker, an empty sub-folder, a deep one, awkward
        names. Its figures are those of boto3's flat listing, and deleting it leaves
        nothing of it and everything else."""
        b = self.new_bucket()
        big = {"big/": b"", "big/404.html": b"404", "big/index.html": b"index", "big/empty/": b""}
        for sub in range(12):
            for i in range(100):
                big[f"big/s{sub:02d}/f{i:03d}.js"] = b"x" * (i % 7 + 1)
        big.update({f"big/aw/{name}": b"aw" for name in AWKWARD})
        big["big/s03/deeper/still/x y+z.txt"] = b"deep"
        others = {**deployment("new1", 3), **deployment("new2", 3), "index.html": b"root"}
        self.seed(b, {**big, **others})
        flat = self.list_objects(b, "big/")
        self.assertEqual(sorted(flat), sorted(big))
        content = [t for k, (size, _, t) in flat.items() if not (size == 0 and k.endswith("/"))]
        mark = self.server.request_mark()
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--dry-run")
        d = {x["name"]: x for x in doc["deployments"]}["big"]
        self.assertEqual((d["objects"], d["bytes"], d["newest"], d["oldest"]),
                         (len(flat), sum(v[0] for v in flat.values()),
                          harness.rfc3339(max(content)), harness.rfc3339(min(content))))
        lists = self.requests_of(b, mark, "GET", "list-type")
        fanned = [l for l in lists if "delimiter=" in l and "prefix=big%2F" in l]
        self.assertTrue(fanned, "the big deployment was not listed by sub-folder")
        # The first page ends inside s09/: s09/ goes on after its last key, s10/ and s11/
        # are listed whole, each on its own.
        self.assertTrue(any("prefix=big%2Fs09%2F&start-after=big%2Fs09%2F" in l for l in lists),
                        lists)
        self.assertTrue(any("prefix=big%2Fs11%2F&" in l for l in lists), lists)
        doc, _ = self.run_json(b, "--keep", "1", "--sort-by", "name", "--yes")
        self.assertEqual(doc["result"]["objects_deleted"], len(big) + 3)
        self.assertEqual(doc["result"]["failed"], [])
        self.assertEqual(self.list_keys(b), sorted(["index.html", *deployment("new2", 3)]))

    def test_30_percent_faults_bucket_exactly_right(self):
        b = self.new_bucket()
        objects = {"index.html": b"root"}
        for i in range(20):
            objects.update(deployment(f"d{i:02d}", 60, size=2))
        self.seed(b, objects)
        proxy = harness.FaultProxy(self.server.port, "--fault-rate", "0.3", "--seed", "4",
                                   "--faults", "slowdown,internal,reset,truncate,html,keyerror")
        try:
            doc, r = self.run_json(b, "--keep", "3", "--sort-by", "name", "--yes",
                                   endpoint=proxy.endpoint_url)
            faults = proxy.faults()
        finally:
            proxy.stop()
        res = doc["result"]
        self.assertGreaterEqual(sum(faults.values()), 5, faults)
        self.assertGreaterEqual(res["requests"]["retries"], 1, res)
        self.assertEqual((res["deployments_deleted"], res["failed"]), (17, []), r.stderr)
        self.assertEqual(self.list_keys(b), sorted(k for k in objects
                                                   if "/" not in k or k >= "d17/"))


class OnMoto(Cases, rgw_harness.S3ServerTestCase):
    s3_server = "moto"


if __name__ == "__main__":
    unittest.main()
