"""Dry-run plans: which folders are deployments, their facts, keep N newest.

Every run here is `--dry-run`; each test checks the plan (JSON unless said otherwise)
and that the bucket is untouched (only GET requests reached the server).
"""
import datetime as dt
import unittest

from harness import Dep, S3TestCase, by_name, names, objects_of, rfc3339, utcnow

H = dt.timedelta(hours=1)
# Fixed past times: the plan does not depend on "now" without a cutoff.
T0 = dt.datetime(2026, 3, 1, 12, 0, 0, tzinfo=dt.timezone.utc)

# 12 names whose string order is unrelated to their age order.
TWELVE = ["3f9c2e1", "a07b5d2", "0c44e19", "f1e2d3c", "77aa01b", "b2b2b2b",
          "5e5e5e0", "c0ffee1", "19d8f7a", "e4d5c6b", "8badf00", "d15ea5e"]


class KeepNewestTest(S3TestCase):

    def twelve(self, bucket, root=""):
        # deployment i (0..11) is i hours newer than T0, and has i+1 objects of 7 bytes
        deps = [Dep(n, T0 + i * H, n=i + 1, size=7, root=root) for i, n in enumerate(TWELVE)]
        root_objs = {root + "ROOTOBJ-index.html": (b"<html>", T0 + 100 * H),
                     root + "ROOTOBJ-robots.txt": (b"x", T0 - 100 * H)}
        self.seed(bucket, objects_of(*deps, extra=root_objs))
        return deps

    def test_keep_3_of_12_json(self):
        b = self.new_bucket()
        deps = self.twelve(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "3")
        self.assertPlanWellFormed(plan, b, "")
        self.assertEqual(plan["policy"], {"keep": 3, "cutoff": None, "protect": [],
                                          "sort_by": "newest"})
        newest_first = deps[::-1]
        self.assertDeployments(
            plan, [(d, "keep", "newest") for d in newest_first[:3]]
            + [(d, "delete", "past-keep") for d in newest_first[3:]])
        self.assertEqual(plan["summary"]["deployments"], 12)
        self.assertEqual(plan["summary"]["keep"], 3)
        self.assertEqual(plan["summary"]["delete"], 9)
        self.assertEqual(plan["summary"]["objects_to_delete"], sum(range(1, 10)))
        self.assertEqual(plan["summary"]["bytes_to_delete"], 7 * sum(range(1, 10)))
        self.assertNotIn("ROOTOBJ", repr(plan["deployments"]))

    def test_keep_3_of_12_text(self):
        b = self.new_bucket()
        deps = self.twelve(b)
        args = [f"s3://{b}", "--keep", "3", "--dry-run", *self.endpoint_args()]
        with self.unchanged(b):
            r = self.run_cli(*args)
        self.assertEqual(r.returncode, 0, self.explain(r, args))
        self.assertNotIn("ROOTOBJ", r.stdout)
        lines = r.stdout.splitlines()
        rows = {}
        for d in deps:
            hits = [l for l in lines if d.name in l]
            self.assertEqual(len(hits), 1, f"one row for {d.name}" + self.explain(r, args))
            rows[d.name] = hits[0]
        for i, d in enumerate(deps[::-1]):
            word, other = ("KEEP", "DELETE") if i < 3 else ("DELETE", "KEEP")
            self.assertIn(word, rows[d.name].split(), rows[d.name])
            self.assertNotIn(other, rows[d.name].split(), rows[d.name])
        # rows newest first
        order = sorted(deps, key=lambda d: lines.index(rows[d.name]))
        self.assertEqual([d.name for d in order], [d.name for d in deps[::-1]])
        # a summary line after the rows
        last_row = max(lines.index(v) for v in rows.values())
        self.assertTrue(any(l.strip() for l in lines[last_row + 1:]), "no summary line")

    def test_text_is_the_default_output(self):
        b = self.new_bucket()
        self.twelve(b)
        r = self.run_cli(f"s3://{b}", "-k", "3", "--dry-run", *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertFalse(r.stdout.lstrip().startswith("{"), "default output must be text")

    def test_names_that_prefix_each_other(self):
        b = self.new_bucket()
        app = Dep("app", T0 + 3 * H, n=3, files=["index.html", "js/app.js", "css/a/b.css"])
        app2 = Dep("app2", T0 + 2 * H, n=2)
        app_old = Dep("app-old", T0 + 1 * H, n=4)
        ap = Dep("ap", T0, n=1)
        self.seed(b, objects_of(app, app2, app_old, ap, extra={
            "app": (b"root object named app", T0 + 9 * H),
            "app2.txt": (b"root", T0 + 9 * H),
        }))
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertPlanWellFormed(plan, b)
        self.assertDeployments(plan, [(app, "keep", "newest"), (app2, "delete", "past-keep"),
                                      (app_old, "delete", "past-keep"), (ap, "delete", "past-keep")])

    def test_special_characters_in_names_and_keys(self):
        b = self.new_bucket()
        weird = ["with space", "plus+sign", "100%", "50%25", "x%2Fy", "a&b=c", "<tag>", "it's",
                 'say "hi"', "#hash", "what?", "caf\u00e9", "\u65e5\u672c", "ctl\x01name",
                 "semi;colon:at@bang!", "(paren)*,", "~tilde", "back\\slash", "trail ",
                 "Case", "case"]
        files = ["a b.txt", "p+q=r&s.js", "100% done.css", "q?#.html", "\u00e9\u65e5 \x01.bin"]
        deps = [Dep(n, T0 + i * H, n=len(files), size=3, files=files)
                for i, n in enumerate(weird)]
        self.seed(b, objects_of(*deps, extra={
            "root file with space & +.txt": (b"r", T0 + 99 * H),
            "\u00e9root\x01": (b"r", T0 + 99 * H),
        }), via="s3")
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "5")
        self.assertPlanWellFormed(plan, b)
        newest_first = deps[::-1]
        self.assertDeployments(plan, [(d, "keep", "newest") for d in newest_first[:5]]
                               + [(d, "delete", "past-keep") for d in newest_first[5:]])

    def test_folder_markers_and_nested_keys_belong_to_the_deployment(self):
        b = self.new_bucket()
        self.seed(b, {
            "v1/": (b"", T0),                       # console-style folder marker
            "v1/a/b/c/d.txt": (b"12345", T0 + H),
            "v1/x": (b"1", T0 + 2 * H),
            "v2/only.txt": (b"1", T0 + 3 * H),
        })
        plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertPlanWellFormed(plan, b)
        d = by_name(plan)
        self.assertEqual(names(plan), ["v2", "v1"])
        self.assertEqual((d["v1"]["objects"], d["v1"]["bytes"]), (3, 6))
        # The marker is deleted with v1, but its age is its content's: a marker a sync tool
        # re-writes must not make an old build look new (issue 12).
        self.assertEqual((d["v1"]["newest"], d["v1"]["oldest"]),
                         (rfc3339(T0 + 2 * H), rfc3339(T0 + H)))
        self.assertEqual(d["v1"]["action"], "delete")


class RootPrefixTest(S3TestCase):

    def seed_sites(self, b):
        root = "sites/app/"
        v1 = Dep("v1", T0 + 2 * H, n=2, root=root)
        v2 = Dep("v2", T0 + 1 * H, n=3, root=root)
        v3 = Dep("v3", T0, n=1, root=root)
        self.seed(b, objects_of(v1, v2, v3, extra={
            "sites/app/README.md": (b"under root, not a deployment", T0 + 9 * H),
            "sites/app": (b"the root itself as an object", T0 + 9 * H),
            "sites/app2/v9/index.html": (b"outside", T0 + 9 * H),
            "sites/application/v8/index.html": (b"outside", T0 + 9 * H),
            "sites/other/v7/index.html": (b"outside", T0 + 9 * H),
            "v6/index.html": (b"outside", T0 + 9 * H),
            "sites/v5/index.html": (b"outside", T0 + 9 * H),
        }))
        return v1, v2, v3

    def check(self, plan, b, v1, v2, v3):
        self.assertPlanWellFormed(plan, b, "sites/app/")
        self.assertDeployments(plan, [(v1, "keep", "newest"), (v2, "keep", "newest"),
                                      (v3, "delete", "past-keep")])

    def test_root_with_trailing_slash(self):
        b = self.new_bucket()
        deps = self.seed_sites(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}/sites/app/", "--keep", "2")
        self.check(plan, b, *deps)

    def test_root_without_trailing_slash_is_the_same_root(self):
        b = self.new_bucket()
        deps = self.seed_sites(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}/sites/app", "--keep", "2")
        self.check(plan, b, *deps)

    def test_root_text_output_mentions_no_outside_object(self):
        b = self.new_bucket()
        self.seed_sites(b)
        args = [f"s3://{b}/sites/app/", "--keep", "2", "--dry-run", *self.endpoint_args()]
        r = self.run_cli(*args)
        self.assertEqual(r.returncode, 0, self.explain(r, args))
        for outside in ("README", "v9", "v8", "v7", "v6", "v5", "app2", "application"):
            self.assertNotIn(outside, r.stdout, self.explain(r, args))

    def test_nested_root_with_special_characters(self):
        b = self.new_bucket()
        root = "my sites/caf\u00e9+co/"
        a = Dep("a b", T0 + H, n=2, root=root)
        c = Dep("c+d", T0, n=1, root=root)
        self.seed(b, objects_of(a, c, extra={"my sites/other/x/y": (b"o", T0)}), via="s3")
        for url in (f"s3://{b}/my sites/caf\u00e9+co/", f"s3://{b}/my sites/caf\u00e9+co"):
            plan = self.plan(url, "--keep", "1")
            self.assertPlanWellFormed(plan, b, root)
            self.assertDeployments(plan, [(a, "keep", "newest"), (c, "delete", "past-keep")])


class EdgeCasesTest(S3TestCase):

    def test_empty_bucket(self):
        b = self.new_bucket()
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "3")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["deployments"], [])
        self.assertEqual(plan["summary"], {"deployments": 0, "keep": 0, "delete": 0,
                                           "objects_to_delete": 0, "bytes_to_delete": 0})

    def test_empty_bucket_text(self):
        b = self.new_bucket()
        r = self.run_cli(f"s3://{b}", "--keep", "3", "--dry-run", *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertNotIn("DELETE", r.stdout)

    def test_only_root_objects(self):
        b = self.new_bucket()
        self.seed(b, {"index.html": (b"x", T0), "robots.txt": (b"y", T0),
                      "favicon.ico": (b"z", T0)})
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["deployments"], [])
        self.assertEqual(plan["summary"]["deployments"], 0)

    def test_root_that_does_not_exist_is_empty(self):
        b = self.new_bucket()
        self.seed(b, {"v1/a": (b"x", T0)})
        plan = self.plan(f"s3://{b}/no/such/root/", "--keep", "1")
        self.assertPlanWellFormed(plan, b, "no/such/root/")
        self.assertEqual(plan["deployments"], [])

    def test_keep_more_than_there_are(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", T0 + i * H) for i in range(3)]
        self.seed(b, objects_of(*deps))
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "10")
        self.assertPlanWellFormed(plan, b)
        self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[::-1]])
        self.assertEqual(plan["summary"]["delete"], 0)
        self.assertEqual(plan["summary"]["objects_to_delete"], 0)

    def test_keep_exactly_as_many_as_there_are(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", T0 + i * H) for i in range(3)]
        self.seed(b, objects_of(*deps))
        plan = self.plan(f"s3://{b}", "--keep", "3")
        self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[::-1]])

    def test_objects_written_just_now(self):
        """Deployments with real (not backdated) times: ordering still by LastModified."""
        b = self.new_bucket()
        self.seed(b, {"old/x": (b"1", utcnow() - dt.timedelta(minutes=5))})
        self.put(b, "new/x", b"2")
        plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertEqual([(d["name"], d["action"]) for d in plan["deployments"]],
                         [("new", "keep"), ("old", "delete")])


if __name__ == "__main__":
    unittest.main()
