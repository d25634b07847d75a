"""Dry-run plans under a policy: --older-than / --before, --protect, --sort-by.

Objects are backdated with the test server's clock header, so "5 days old" is real.
"""
import datetime as dt
import unittest

from harness import (Dep, S3TestCase, by_name, names, objects_of, parse_rfc3339, rfc3339,
                     utcnow)

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)
T0 = dt.datetime(2026, 1, 1, 0, 0, 0, tzinfo=dt.timezone.utc)


class CutoffTest(S3TestCase):

    def ten_by_age(self, b):
        """d01..d10, deployment dNN last written NN days + 12 hours ago."""
        now = utcnow()
        deps = [Dep(f"d{i:02d}", now - i * D - 12 * H, n=i) for i in range(1, 11)]
        self.seed(b, objects_of(*deps))
        return deps

    def run_older_than(self, b, age, *more):
        before = utcnow()
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "3", "--older-than", age, *more)
        after = utcnow()
        self.assertPlanWellFormed(plan, b)
        return plan, before, after

    def assertCutoffAbout(self, plan, before, after, age: dt.timedelta):
        cutoff = plan["policy"]["cutoff"]
        self.assertIsNotNone(cutoff, plan["policy"])
        self.assertRegex(cutoff, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")
        c = parse_rfc3339(cutoff)
        self.assertGreaterEqual(c, before - age - dt.timedelta(seconds=2), cutoff)
        self.assertLessEqual(c, after - age + dt.timedelta(seconds=2), cutoff)

    def test_older_than_days(self):
        b = self.new_bucket()
        deps = self.ten_by_age(b)
        plan, before, after = self.run_older_than(b, "5d")
        self.assertCutoffAbout(plan, before, after, 5 * D)
        self.assertDeployments(
            plan,
            [(d, "keep", "newest") for d in deps[:3]]
            + [(deps[3], "keep", "newer-than-cutoff")]                 # 4.5 days old
            + [(d, "delete", "past-keep") for d in deps[4:]])          # 5.5 .. 10.5 days
        self.assertEqual(plan["summary"]["objects_to_delete"], sum(range(5, 11)))

    def test_older_than_units_agree(self):
        b = self.new_bucket()
        deps = self.ten_by_age(b)
        expect = ([(d, "keep", "newest") for d in deps[:3]]
                  + [(d, "keep", "newer-than-cutoff") for d in deps[3:6]]  # 4.5, 5.5, 6.5 d
                  + [(d, "delete", "past-keep") for d in deps[6:]])        # 7.5 .. 10.5 d
        for age, td in (("1w", 7 * D), ("7d", 7 * D), ("168h", 7 * D), ("10080m", 7 * D)):
            with self.subTest(age=age):
                plan, before, after = self.run_older_than(b, age)
                self.assertCutoffAbout(plan, before, after, td)
                self.assertDeployments(plan, expect)

    def test_older_than_keeps_everything_newer(self):
        b = self.new_bucket()
        deps = self.ten_by_age(b)
        plan, before, after = self.run_older_than(b, "2w")
        self.assertCutoffAbout(plan, before, after, 14 * D)
        self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[:3]]
                               + [(d, "keep", "newer-than-cutoff") for d in deps[3:]])
        self.assertEqual(plan["summary"]["delete"], 0)

    def test_cutoff_that_would_leave_fewer_than_n_keeps_n(self):
        b = self.new_bucket()
        deps = self.ten_by_age(b)
        for age, td in (("45m", 45 * dt.timedelta(minutes=1)), ("36h", 36 * H)):
            with self.subTest(age=age):
                plan, before, after = self.run_older_than(b, age)
                self.assertCutoffAbout(plan, before, after, td)
                # every deployment is older than the cutoff, yet the 3 newest stay
                self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[:3]]
                                       + [(d, "delete", "past-keep") for d in deps[3:]])

    def test_age_is_from_the_newest_object(self):
        """A deployment with one fresh object is young, however old its other objects."""
        b = self.new_bucket()
        now = utcnow()
        deps = [Dep(f"d{i}", now - i * D) for i in range(1, 4)]
        mixed = {"mixed/old1": (b"x", now - 30 * D), "mixed/old2": (b"x", now - 20 * D),
                 "mixed/fresh": (b"x", now - 2 * D - 12 * H)}
        stale = {"stale/a": (b"x", now - 9 * D)}
        self.seed(b, objects_of(*deps, extra={**mixed, **stale}))
        plan = self.plan(f"s3://{b}", "--keep", "1", "--older-than", "5d")
        self.assertPlanWellFormed(plan, b)
        got = {d["name"]: (d["action"], d["reason"]) for d in plan["deployments"]}
        self.assertEqual(got["mixed"], ("keep", "newer-than-cutoff"), plan)
        self.assertEqual(got["stale"], ("delete", "past-keep"), plan)
        self.assertEqual(by_name(plan)["mixed"]["oldest"], rfc3339(now - 30 * D))

    def test_before(self):
        b = self.new_bucket()
        # d0..d9 last written T0 + i days (+2 h)
        deps = [Dep(f"d{i}", T0 + i * D + 2 * H, n=2) for i in range(10)]
        self.seed(b, objects_of(*deps))
        cutoff = "2026-01-05T12:00:00Z"
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "3", "--before", cutoff)
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["policy"]["cutoff"], cutoff)
        self.assertEqual(plan["policy"]["keep"], 3)
        newest_first = deps[::-1]  # d9 .. d0
        self.assertDeployments(
            plan,
            [(d, "keep", "newest") for d in newest_first[:3]]                 # d9 d8 d7
            + [(d, "keep", "newer-than-cutoff") for d in newest_first[3:5]]  # d6 d5
            + [(d, "delete", "past-keep") for d in newest_first[5:]])        # d4 .. d0

    def test_before_later_than_everything_keeps_n(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", T0 + i * D) for i in range(5)]
        self.seed(b, objects_of(*deps))
        plan = self.plan(f"s3://{b}", "--keep", "2", "--before", "2030-01-01T00:00:00Z")
        self.assertEqual(plan["policy"]["cutoff"], "2030-01-01T00:00:00Z")
        self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[::-1][:2]]
                               + [(d, "delete", "past-keep") for d in deps[::-1][2:]])

    def test_before_earlier_than_everything_deletes_nothing(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", T0 + i * D) for i in range(5)]
        self.seed(b, objects_of(*deps))
        plan = self.plan(f"s3://{b}", "--keep", "2", "--before", "2020-01-01T00:00:00Z")
        self.assertDeployments(plan, [(d, "keep", "newest") for d in deps[::-1][:2]]
                               + [(d, "keep", "newer-than-cutoff") for d in deps[::-1][2:]])
        self.assertEqual(plan["summary"]["delete"], 0)


class ProtectTest(S3TestCase):

    def test_protect_old_deployment_not_counted(self):
        b = self.new_bucket()
        deps = [Dep(f"build-{i}", T0 + i * H) for i in range(6)]
        release = Dep("release-1.0", T0 - 10 * D, n=5)
        self.seed(b, objects_of(*deps, release))
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "2", "--protect", "release-*")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["policy"]["protect"], ["release-*"])
        nf = deps[::-1]
        self.assertDeployments(plan, [(d, "keep", "newest") for d in nf[:2]]
                               + [(d, "delete", "past-keep") for d in nf[2:]]
                               + [(release, "keep", "protected")])

    def test_protected_newest_does_not_take_a_place(self):
        b = self.new_bucket()
        deps = [Dep(f"build-{i}", T0 + i * H) for i in range(5)]   # build-4 newest
        self.seed(b, objects_of(*deps))
        plan = self.plan(f"s3://{b}", "--keep", "2", "--protect", "build-4",
                         "--protect", "build-[01]")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["policy"]["protect"], ["build-4", "build-[01]"])
        b4, b3, b2, b1, b0 = deps[::-1]
        self.assertDeployments(plan, [(b4, "keep", "protected"), (b3, "keep", "newest"),
                                      (b2, "keep", "newest"), (b1, "keep", "protected"),
                                      (b0, "keep", "protected")])

    def test_protect_glob_forms(self):
        b = self.new_bucket()
        ds = {n: Dep(n, T0 + i * H) for i, n in enumerate(
            ["v1.0", "v1.1", "v2.0", "tmp-a", "tmp-bb", "x?y", "star*", "zz-newest"])}
        self.seed(b, objects_of(*ds.values()))
        cases = {
            "v1.?": {"v1.0", "v1.1"},
            "tmp-?": {"tmp-a"},
            "tmp-*": {"tmp-a", "tmp-bb"},
            "v[12].0": {"v1.0", "v2.0"},
            "*": set(ds),
            "nomatch": set(),
        }
        for glob, protected in cases.items():
            with self.subTest(glob=glob):
                plan = self.plan(f"s3://{b}", "--keep", "1", "--protect", glob)
                got = {d["name"] for d in plan["deployments"] if d["reason"] == "protected"}
                self.assertEqual(got, protected)
                unprotected = [d for d in plan["deployments"] if d["reason"] != "protected"]
                if unprotected:
                    self.assertEqual((unprotected[0]["action"], unprotected[0]["reason"]),
                                     ("keep", "newest"))
                    self.assertTrue(all(d["action"] == "delete" for d in unprotected[1:]))

    def test_protect_with_cutoff(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", T0 + i * D) for i in range(6)]
        self.seed(b, objects_of(*deps))
        plan = self.plan(f"s3://{b}", "--keep", "1", "--before", "2026-01-03T12:00:00Z",
                         "--protect", "d0", "--protect", "d4")
        d5, d4, d3, d2, d1, d0 = deps[::-1]
        self.assertDeployments(plan, [(d5, "keep", "newest"), (d4, "keep", "protected"),
                                      (d3, "keep", "newer-than-cutoff"),
                                      (d2, "delete", "past-keep"), (d1, "delete", "past-keep"),
                                      (d0, "keep", "protected")])


class SortByTest(S3TestCase):
    """Three deployments ordered differently by newest, by oldest and by name."""

    def seed3(self, b):
        # "mike":  objects T0+0h .. T0+10h  -> newest T0+10h (1st), oldest T0 (3rd)
        # "alpha": objects T0+5h .. T0+6h   -> newest T0+6h  (3rd), oldest T0+5h (1st)
        # "zulu":  objects T0+3h .. T0+8h   -> newest T0+8h  (2nd), oldest T0+3h (2nd)
        mike = Dep("mike", T0 + 10 * H, n=11, step=3600)
        alpha = Dep("alpha", T0 + 6 * H, n=2, step=3600)
        zulu = Dep("zulu", T0 + 8 * H, n=6, step=3600)
        self.seed(b, objects_of(mike, alpha, zulu))
        return mike, alpha, zulu

    def test_sort_by_newest_is_default(self):
        b = self.new_bucket()
        mike, alpha, zulu = self.seed3(b)
        plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertEqual(plan["policy"]["sort_by"], "newest")
        self.assertDeployments(plan, [(mike, "keep", "newest"), (zulu, "delete", "past-keep"),
                                      (alpha, "delete", "past-keep")])
        self.assertEqual(plan, self.plan(f"s3://{b}", "--keep", "1", "--sort-by", "newest"))

    def test_sort_by_oldest(self):
        b = self.new_bucket()
        mike, alpha, zulu = self.seed3(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "1", "--sort-by", "oldest")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["policy"]["sort_by"], "oldest")
        self.assertDeployments(plan, [(alpha, "keep", "newest"), (zulu, "delete", "past-keep"),
                                      (mike, "delete", "past-keep")])

    def test_sort_by_name(self):
        b = self.new_bucket()
        mike, alpha, zulu = self.seed3(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "1", "--sort-by", "name")
        self.assertPlanWellFormed(plan, b)
        self.assertEqual(plan["policy"]["sort_by"], "name")
        self.assertDeployments(plan, [(zulu, "keep", "newest"), (mike, "delete", "past-keep"),
                                      (alpha, "delete", "past-keep")])

    def test_sort_by_name_is_a_string_compare(self):
        b = self.new_bucket()
        ds = [Dep(n, T0 + i * H) for i, n in enumerate(["v10", "v9", "V99", "v1", "v100"])]
        self.seed(b, objects_of(*ds))
        plan = self.plan(f"s3://{b}", "--keep", "2", "--sort-by", "name")
        self.assertEqual(names(plan), ["v9", "v100", "v10", "v1", "V99"])
        self.assertEqual([d["action"] for d in plan["deployments"]],
                         ["keep", "keep", "delete", "delete", "delete"])

    def test_sort_by_oldest_age_still_from_newest_object(self):
        """--sort-by changes the ranking, not what "older than the cutoff" means."""
        b = self.new_bucket()
        mike, alpha, zulu = self.seed3(b)
        # cutoff between zulu's oldest (T0+3h) and newest (T0+8h), after alpha's newest
        plan = self.plan(f"s3://{b}", "--keep", "1", "--sort-by", "oldest",
                         "--before", rfc3339(T0 + 7 * H))
        self.assertDeployments(plan, [(alpha, "keep", "newest"),
                                      (zulu, "keep", "newer-than-cutoff"),
                                      (mike, "keep", "newer-than-cutoff")])
        plan = self.plan(f"s3://{b}", "--keep", "1", "--sort-by", "name",
                         "--before", rfc3339(T0 + 9 * H))
        self.assertDeployments(plan, [(zulu, "keep", "newest"),
                                      (mike, "keep", "newer-than-cutoff"),
                                      (alpha, "delete", "past-keep")])

    def test_ties_break_by_name(self):
        b = self.new_bucket()
        same = T0 + 5 * H
        ds = [Dep(n, same, n=1) for n in ("tie-b", "tie-a", "tie-c")]
        older = Dep("older", T0, n=1)
        self.seed(b, objects_of(*ds, older))
        for sort in ("newest", "oldest"):
            with self.subTest(sort=sort):
                plan = self.plan(f"s3://{b}", "--keep", "2", "--sort-by", sort)
                self.assertEqual(names(plan), ["tie-c", "tie-b", "tie-a", "older"])
                self.assertEqual([d["action"] for d in plan["deployments"]],
                                 ["keep", "keep", "delete", "delete"])


if __name__ == "__main__":
    unittest.main()
