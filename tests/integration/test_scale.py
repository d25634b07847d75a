"""Listings past one page: a 2,500-object deployment, a bucket of 1,100 deployments."""
import datetime as dt
import unittest

from harness import Dep, S3TestCase, by_name, objects_of

H = dt.timedelta(hours=1)
T0 = dt.datetime(2026, 2, 1, 0, 0, 0, tzinfo=dt.timezone.utc)


class ScaleTest(S3TestCase):

    def test_deployment_of_2500_objects(self):
        b = self.new_bucket()
        big = Dep("big", T0 + 2 * H, n=2500, size=11,
                  files=[f"assets/{i % 7}/chunk-{i:05d}.js" for i in range(2500)])
        small_new = Dep("small-new", T0 + 3 * H, n=2)
        small_old = Dep("small-old", T0 + 1 * H, n=1)
        # "big" sorts between the others, so paging through it must not lose the rest
        self.seed(b, objects_of(big, small_new, small_old,
                                extra={"index.html": (b"root", T0 + 9 * H)}))
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "1")
        self.assertPlanWellFormed(plan, b)
        self.assertDeployments(plan, [(small_new, "keep", "newest"), (big, "delete", "past-keep"),
                                      (small_old, "delete", "past-keep")])
        self.assertEqual(by_name(plan)["big"]["objects"], 2500)
        self.assertEqual(plan["summary"]["objects_to_delete"], 2501)
        self.assertEqual(plan["summary"]["bytes_to_delete"], 2500 * 11 + 10)

    def test_bucket_of_1100_deployments(self):
        b = self.new_bucket()
        deps = [Dep(f"dep-{i:04d}", T0 + i * dt.timedelta(minutes=1), n=1 + (i % 3), size=5)
                for i in range(1100)]
        self.seed(b, objects_of(*deps, extra={f"root-{i}.txt": (b"r", T0) for i in range(5)}))
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "10")
        self.assertPlanWellFormed(plan, b)
        nf = deps[::-1]
        self.assertDeployments(plan, [(d, "keep", "newest") for d in nf[:10]]
                               + [(d, "delete", "past-keep") for d in nf[10:]])
        self.assertEqual(plan["summary"]["deployments"], 1100)
        self.assertEqual(plan["summary"]["delete"], 1090)

    def test_1100_deployments_under_a_root(self):
        b = self.new_bucket()
        root = "apps/web/"
        deps = [Dep(f"{i:04d}", T0 + i * dt.timedelta(minutes=1), n=1, root=root)
                for i in range(1100)]
        self.seed(b, objects_of(*deps, extra={"apps/webx/0001/a": (b"x", T0),
                                              "apps/web/readme": (b"x", T0)}))
        plan = self.plan(f"s3://{b}/apps/web", "--keep", "1000")
        self.assertPlanWellFormed(plan, b, root)
        self.assertEqual(plan["summary"]["deployments"], 1100)
        self.assertEqual(plan["summary"]["delete"], 100)
        self.assertEqual([d["name"] for d in plan["deployments"] if d["action"] == "delete"],
                         [f"{i:04d}" for i in range(99, -1, -1)])


if __name__ == "__main__":
    unittest.main()
