"""Issue 18 on Ceph RGW, which executes lifecycle rules: the end-to-end expiry (test 1),
foreign rules (test 2), the rollback (test 3, manual passes) and a versioned bucket (test 4).
The cases, helpers and the reasons for manual passes are in test_lifecycle's docstring; this
module holds only the RGW classes, so that ctest can label them `slow` (minutes of lifecycle
"days"): plain scripts/test leaves them to scripts/test --full.
"""
from __future__ import annotations

import time
import unittest

import harness
from test_lifecycle import FOREIGN, LifecycleCase, by_id, files, note

E2E_DEADLINE = 90       # issue 18: the 7 prefixes are empty within 90 s
VERSIONED_DEADLINE = 180


# ============================================================================ RGW
class RGWLifecycleTest(LifecycleCase):
    """SLOW (~2-3 min): RGW executing the rules, a "day" every 10 s (lifecycle threads)."""

    s3_server = "rgw"
    rgw_lifecycle = "threads"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        note(f"RGW with lifecycle threads at {cls.server.endpoint_url}, "
             f"a lifecycle day = {cls.server.lc_day:.0f} s")

    def test_e2e_ten_deployments_keep_3(self):
        """Issue 18, test 1."""
        b = self.new_bucket()
        names = [f"d{i}" for i in range(1, 11)]        # d1 oldest ... d10 newest
        self.seed(b, {"index.html": b"root", "d1": b"a root file named d1", "d1.txt": b"r"})
        self.seed_in_order(b, {n: files(3, n) for n in names})
        kept = {k: v for k, v in self.list_objects(b).items()
                if not k.startswith(tuple(f"{n}/" for n in names[:7]))}
        mark = self.server.request_mark()
        doc, _ = self.run_json(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes")
        t_written = time.monotonic()
        doomed = names[:7]
        self.assertLifecyclePlan(doc, add=doomed, rules_before=0, rules_after=7)
        self.assertEqual([(d["name"], d["action"]) for d in doc["deployments"][:3]],
                         [("d10", "keep"), ("d9", "keep"), ("d8", "keep")])
        reqs = self.lifecycle_requests(b, mark)
        self.assertEqual([l for l in reqs if not l.startswith("GET")], ["PUT lifecycle"], reqs)
        owned = self.owned_rules(b)
        self.assertEqual(sorted(owned), sorted(f"{n}/" for n in doomed))
        for p, r in owned.items():
            self.assertOwnedRule(r, p)
        self.assertEqual(len(self.rules(b)), 7)

        def doomed_empty():
            return all(not self.list_keys(b, f"{n}/") for n in doomed)
        took = self.poll("the 7 doomed prefixes to be empty", doomed_empty, E2E_DEADLINE)
        note(f"e2e: 7 prefixes empty {took:.1f} s after the run (lifecycle day "
             f"{self.server.lc_day:.0f} s)")
        self.assertEqual(self.list_objects(b), kept, "d8-d10 and root files untouched")
        self.assertEqual(self.list_keys(b, "d10/"), [f"d10/f{i:02d}.txt" for i in range(3)],
                         "d1/'s rule left d10/ alone")
        self.assertIn("d1", self.list_keys(b))

        # the next run retires the 7 rules
        doc2, _ = self.run_json(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc2, retire=[f"{n}/" for n in doomed], rules_before=7,
                                 rules_after=0)
        self.assertEqual(sorted(harness.names(doc2)), ["d10", "d8", "d9"])
        self.assertEqual(self.owned_rules(b), {})
        self.assertEqual(self.list_objects(b), kept)
        note(f"e2e total {time.monotonic() - t_written:.1f} s after the first run")

    def test_foreign_rules_survive_on_rgw(self):
        """Issue 18, test 2 on RGW (moto: MotoLifecycleTest.test_foreign_rules_survive)."""
        b = self.new_bucket()
        self.seed_in_order(b, {"a": files(2), "b": files(2), "c": files(2)})
        self.put_rules(b, FOREIGN)
        stored = self.foreign_rules(b)
        self.assertEqual(stored, by_id(FOREIGN), "RGW stores these faithfully")
        self.assertKeepOneBesideForeignRules(b, stored)

    def test_versioned_bucket_versions_and_markers_go(self):
        """Issue 18, test 4: noncurrent versions and delete markers of doomed prefixes."""
        b = self.new_bucket()
        s3 = self.server.s3
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        for i, n in enumerate(["v1", "v2", "v3", "v4"]):  # oldest first, by write time
            if i:
                time.sleep(1.1)
            self.seed(b, {f"{n}/{f}": body for f, body in files(3, n).items()})
            if n != "v3":
                s3.put_object(Bucket=b, Key=f"{n}/f00.txt", Body=b"overwritten")  # noncurrent
                s3.delete_object(Bucket=b, Key=f"{n}/f01.txt")                     # a marker
        for n in ("v1", "v2"):
            vs, dms = self.versions(b, f"{n}/")
            self.assertEqual((len(vs), len(dms)), (4, 1), (n, vs, dms))
        kept_versions = {n: self.versions(b, f"{n}/") for n in ("v3", "v4")}
        doc, _ = self.run_json(f"s3://{b}", "--keep", "2", "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc, add=["v1", "v2"])
        for p, r in self.owned_rules(b).items():
            self.assertOwnedRule(r, p, versioned=True)

        def left():
            return {n: self.versions(b, f"{n}/") for n in ("v1", "v2")}

        def gone():
            return all(v == ({}, {}) for v in left().values())
        # RGW 16.2.15 removes every version and all but the last delete marker (in key order)
        # of a prefix under the plain Days rule: the last one stays for good unless a rule with
        # ExpiredObjectDeleteMarker covers the prefix (/tmp/rgw_lc_findings.md, (c)). So: the
        # versions must go within the deadline; markers left then may still be cleaned by the
        # tool's next run (users run it daily); after that run everything must be gone.
        t0 = time.monotonic()
        retired = []
        self.poll("every version under v1/ and v2/ to go",
                  lambda: all(not v[0] for v in left().values()),
                  VERSIONED_DEADLINE, interval=2, describe=left)
        if self.poll("the delete markers under v1/ and v2/ to go", gone,
                     3 * self.server.lc_day + 10, interval=2, must=False) is None:
            note(f"versioned: after {time.monotonic() - t0:.0f} s only delete markers are left "
                 f"({left()}): another run")
            extra, _ = self.run_json(f"s3://{b}", "--keep", "2", "--expire-with-lifecycle",
                                     "--yes")
            retired += [e["prefix"] for e in extra["lifecycle"]["retire"]]
            self.poll("every version and delete marker under v1/ and v2/ to go, after "
                      "another run", gone, 6 * self.server.lc_day, interval=2, describe=left)
        note(f"versioned: v1/ and v2/ without versions or markers "
             f"{time.monotonic() - t0:.1f} s after the run")
        self.assertEqual({n: self.versions(b, f"{n}/") for n in ("v3", "v4")}, kept_versions)
        doc2, _ = self.run_json(f"s3://{b}", "--keep", "2", "--expire-with-lifecycle", "--yes")
        lc = self.assertLifecyclePlan(doc2, retire=[p for p in ("v1/", "v2/") if p not in retired])
        self.assertEqual(sorted(retired + [e["prefix"] for e in lc["retire"]]), ["v1/", "v2/"],
                         "each rule retired once, by the run that cleaned up or by this one")
        self.assertEqual(self.owned_rules(b), {})


class RGWRollbackTest(LifecycleCase):
    """SLOW (~1 min): issue 18, test 3, on RGW with manual lifecycle passes (see the module
    docstring for why manual) and moto's CloudFront."""

    s3_server = "rgw"
    rgw_lifecycle = "manual"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # one key pair for RGW's S3 and moto's CloudFront: RGW's user gets moto's key too
        cls.server.add_key(cls.moto.access_key_id, cls.moto.secret_access_key)

    def cli_env_extra(self) -> dict:
        return {"AWS_ENDPOINT_URL_CLOUDFRONT": self.moto.endpoint_url,
                "AWS_ACCESS_KEY_ID": self.moto.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.moto.secret_access_key}

    def test_a_rollback_wins_over_a_pending_expiry(self):
        b = self.new_bucket()
        day = self.server.lc_day
        # r1..r5, oldest first; r3 is small (2 objects: the request way with -over 3)
        self.seed_in_order(b, {"r1": files(5, "1"), "r2": files(5, "2"), "r3": files(2, "3"),
                               "r4": files(5, "4"), "r5": files(5, "5")})
        self.seed(b, {"index.html": b"root"})
        t_seeded = time.monotonic()
        did = self.distribution(b, "/r5")
        args = ("--keep", "2", "--protect-cloudfront", did, "--expire-with-lifecycle-over", "3",
                "--yes")

        # run 1: r5 live, r4 and r3 the newest 2, r1 and r2 doomed: 2 rules
        doc1, _ = self.run_json(f"s3://{b}", *args)
        self.assertLifecyclePlan(doc1, add=["r1", "r2"], rules_before=0, rules_after=2)
        ids = {p: self.assertOwnedRule(r, p) for p, r in self.owned_rules(b).items()}
        self.assertEqual(sorted(ids), ["r1/", "r2/"])
        r1 = self.list_objects(b, "r1/")
        self.assertEqual(len(r1), 5, "no lifecycle pass has run yet")

        # the rollback: CloudFront serves r1 again; the next run removes r1's rule first
        self.roll_back(did, "/r1")
        mark = self.server.request_mark()
        doc2, _ = self.run_json(f"s3://{b}", *args)
        lc = self.assertLifecyclePlan(doc2, remove=["r1"], pending=["r2"], by_requests=["r3"],
                                      rules_before=2, rules_after=1)
        self.assertEqual(lc["remove"][0]["id"], ids["r1/"])
        self.assertEqual(lc["by_requests"], [{"deployment": "r3", "reason": "small"}])
        self.assertEqual(lc["pending"][0]["id"], ids["r2/"])
        r1d = harness.by_name(doc2)["r1"]
        self.assertEqual((r1d["action"], r1d["reason"]), ("keep", "live"))
        reqs = self.lifecycle_requests(b, mark)
        self.assertIn("PUT lifecycle", reqs)
        self.assertIn("POST delete", reqs)  # r3, by requests
        self.assertLess(reqs.index("PUT lifecycle"), reqs.index("POST delete"),
                        f"the rule is removed before anything is deleted: {reqs}")
        self.assertEqual(sorted(self.owned_rules(b)), ["r2/"])
        self.assertEqual(self.list_keys(b, "r3/"), [])

        # lifecycle passes once every object is past its 1-day (10 s) age: r2 goes (proof
        # that the pass ran over this bucket), r1 stays, for 3 lifecycle days
        wait = t_seeded + 1.5 * day - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        self.server.lc_process()
        self.poll("r2/ to be expired by the pass", lambda: not self.list_keys(b, "r2/"), 30)
        self.assertEqual(self.list_objects(b, "r1/"), r1, "r1 expired despite the rollback")
        for _ in range(2):
            time.sleep(day)  # the claim: nothing happens to r1 over more lifecycle days
            self.server.lc_process()
        self.assertEqual(self.list_objects(b, "r1/"), r1, "r1 expired despite the rollback")
        self.assertEqual(len(self.list_keys(b, "r4/")), 5)
        self.assertEqual(len(self.list_keys(b, "r5/")), 5)

        # r2 emptied: its rule is retired
        doc3, _ = self.run_json(f"s3://{b}", *args)
        self.assertLifecyclePlan(doc3, retire=["r2/"], rules_before=1, rules_after=0)
        self.assertEqual(self.owned_rules(b), {})
        self.assertEqual(self.list_objects(b, "r1/"), r1)


if __name__ == "__main__":
    unittest.main()
