"""Issue 18: --expire-with-lifecycle hands doomed deployments to the bucket's lifecycle engine.

Owned rules (ID `s3-cleanup:YYYYMMDDTHHMMSSZ:<12 hex of sha256(prefix)>`, Filter/Prefix
ROOT/NAME/, Expiration Days 1, AbortIncompleteMultipartUpload 1 day, NoncurrentVersionExpiration
1 day on versioned buckets) are written with one PutBucketLifecycleConfiguration per run; every
foreign rule comes back meaning what it meant. What the bucket holds is checked with boto3.

Servers:
* moto (harness.shared_server()) stores configurations and never executes them: the merge,
  the plan, the 1,000-rule arithmetic (moto itself has no such limit), refusals, dry runs.
* RGW (test_lifecycle_rgw, label `slow`: plain scripts/test leaves it to --full) with
  lifecycle threads (rgw_harness.shared_rgw(lifecycle="threads"), a cluster of its
  own; `rgw lc debug interval = 10`: a lifecycle "day" is 10 s, a pass every 10 s): SLOW,
  the end-to-end expiry (test 1), a versioned bucket (test 4), foreign rules on RGW (test 2).
* RGW with manual lifecycle (lifecycle="manual", no lifecycle threads, a pass runs only when
  the test calls srv.lc_process()): SLOW, the rollback (test 3). A pass by the threads could
  come at any moment between the run that writes a rule and the rollback run, and expire the
  deployment first on a loaded machine; with manual passes no pass can happen before the
  rollback run has removed the rule, and one pass afterwards must empty the other doomed
  deployment (the proof that the pass ran) and leave the rolled-back one whole.

RGW needs no test clock here: deployments are ordered by write time, written ~1.1 s apart.
Waiting is polling against generous deadlines (2 loaded cores), never a fixed sleep that must
be long enough, except where "nothing happened for N lifecycle days" is the claim itself.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import json
import re
import sys
import threading
import time
import unittest
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
from botocore.exceptions import ClientError

import harness
import rgw_harness
from harness import Dep, days_ago, objects_of

OWNED_ID_RE = re.compile(r"^s3-cleanup:(\d{8}T\d{6}Z):([0-9a-f]{12})$")
LIMIT = 1000


def note(msg: str) -> None:
    print(f"\n  [lifecycle] {msg}", file=sys.stderr)


def prefix_hash(prefix: str) -> str:
    return hashlib.sha256(prefix.encode("utf-8")).hexdigest()[:12]


def owned_rule(rule_id: str, prefix: str, versioned: bool = False) -> dict:
    """An owned rule as boto3 returns it."""
    r = {"ID": rule_id, "Filter": {"Prefix": prefix}, "Status": "Enabled",
         "Expiration": {"Days": 1},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}
    if versioned:
        r["NoncurrentVersionExpiration"] = {"NoncurrentDays": 1}
    return r


def is_owned(rule: dict) -> bool:
    return rule.get("ID", "").startswith("s3-cleanup:")


def by_id(rules: list[dict]) -> list[dict]:
    # RGW returns rules sorted by ID whatever order they were written in; moto keeps the
    # order. Rule order carries no meaning in S3: compare sorted.
    return sorted(rules, key=lambda r: r.get("ID", ""))


# Foreign rules a user might have. Each stays exactly as the server returns it (compared as
# boto3 parses GetBucketLifecycleConfiguration, before and after the tool's write). Chosen so
# that both servers store them faithfully (see /tmp/rgw_lc_findings.md: RGW flattens
# Filter/And and both drop NewerNoncurrentVersions and ObjectSizeGreaterThan on PUT, so those
# would differ from what was written even before the tool runs).
FOREIGN = [
    {"ID": "archive-tagged", "Filter": {"Tag": {"Key": "k", "Value": "v"}}, "Status": "Enabled",
     "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}]},
    {"ID": "logs-30d", "Filter": {"Prefix": "logs/"}, "Status": "Enabled",
     "Expiration": {"Days": 30}},
    # elements s3-cleanup does not model: noncurrent-only expiry, a Disabled rule with a Date,
    # an expired-delete-marker rule, the legacy rule-level Prefix
    {"ID": "assets-noncurrent", "Filter": {"Prefix": "assets/"}, "Status": "Enabled",
     "NoncurrentVersionExpiration": {"NoncurrentDays": 7}},
    {"ID": "tmp-disabled", "Filter": {"Prefix": "tmp/"}, "Status": "Disabled",
     "Expiration": {"Date": dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)}},
    {"ID": "markers", "Filter": {"Prefix": "markers/"}, "Status": "Enabled",
     "Expiration": {"ExpiredObjectDeleteMarker": True}},
    {"ID": "legacy-prefix", "Prefix": "old/", "Status": "Enabled", "Expiration": {"Days": 5}},
]


class LifecycleCase(rgw_harness.S3ServerTestCase):
    """Helpers on either server; CloudFront is always moto's (the shared moto server)."""

    s3_server = "moto"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moto = harness.shared_server()
        cls.cf = boto3.client("cloudfront", endpoint_url=cls.moto.endpoint_url,
                              region_name="us-east-1",
                              aws_access_key_id=cls.moto.access_key_id,
                              aws_secret_access_key=cls.moto.secret_access_key)

    # ---- lifecycle of a bucket, as boto3 reads it
    def rules(self, bucket: str) -> list[dict] | None:
        """The bucket's rules; None when it has no configuration."""
        try:
            return self.server.s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
        except ClientError as e:
            if e.response["Error"]["Code"] == "NoSuchLifecycleConfiguration":
                return None
            raise

    def owned_rules(self, bucket: str) -> dict:
        """{prefix: rule} of the owned rules."""
        return {r["Filter"]["Prefix"]: r for r in self.rules(bucket) or [] if is_owned(r)}

    def foreign_rules(self, bucket: str) -> list[dict]:
        return by_id([r for r in self.rules(bucket) or [] if not is_owned(r)])

    def put_rules(self, bucket: str, rules: list[dict]) -> None:
        self.server.s3.put_bucket_lifecycle_configuration(
            Bucket=bucket, LifecycleConfiguration={"Rules": rules})

    def assertOwnedRule(self, rule: dict, prefix: str, versioned: bool = False) -> str:
        """The rule is exactly s3-cleanup's for prefix; returns its ID."""
        m = OWNED_ID_RE.match(rule.get("ID", ""))
        self.assertIsNotNone(m, f"owned rule ID {rule.get('ID')!r}")
        self.assertEqual(m.group(2), prefix_hash(prefix), f"ID hash of {prefix!r}")
        self.assertEqual(rule, owned_rule(rule["ID"], prefix, versioned), prefix)
        return rule["ID"]

    # ---- running
    def cli_env_extra(self) -> dict:
        return {"AWS_ENDPOINT_URL_CLOUDFRONT": self.moto.endpoint_url}

    def run_json(self, url, *args, expect_rc=0, env_extra=None):
        full = [url, *map(str, args), "--output", "json", *self.endpoint_args()]
        r = self.run_cli(*full, env_extra={**self.cli_env_extra(), **(env_extra or {})})
        self.assertEqual(r.returncode, expect_rc, self.explain(r, full))
        try:
            return json.loads(r.stdout), r
        except json.JSONDecodeError as e:
            self.fail(f"stdout is not one JSON document ({e}):{self.explain(r, full)}")

    def lifecycle_requests(self, bucket: str, mark: int) -> list[str]:
        """Requests on ?lifecycle of bucket since mark, and DeleteObjects: "PUT ...", ..."""
        out = []
        for line in self.server.requests_since(mark):
            method, target = line.split(" ")[:2]
            path, _, query = target.partition("?")
            if path.rstrip("/") != f"/{bucket}":
                continue
            q = query.split("&")
            if "lifecycle" in q or "lifecycle=" in q:
                out.append(f"{method} lifecycle")
            elif "delete" in q or "delete=" in q:
                out.append(f"{method} delete")
        return out

    # ---- plan
    def assertLifecyclePlan(self, doc: dict, *, add=(), remove=(), retire=(), pending=(),
                            by_requests=(), rules_before=None, rules_after=None):
        """The top-level "lifecycle" object, by deployment name (add, remove, pending,
        by_requests: names; retire: prefixes); each entry's shape is checked."""
        lc = doc.get("lifecycle")
        self.assertIsInstance(lc, dict, doc)
        self.assertEqual(lc["limit"], LIMIT, lc)
        for k in ("add", "remove", "retire", "pending", "by_requests"):
            self.assertIsInstance(lc[k], list, (k, lc))
        root = doc.get("root", "")
        for e in lc["add"]:
            self.assertEqual(set(e), {"id", "prefix", "deployment"}, e)
            self.assertEqual(e["prefix"], root + e["deployment"] + "/", e)
            self.assertRegex(e["id"], OWNED_ID_RE)
            self.assertTrue(e["id"].endswith(":" + prefix_hash(e["prefix"])), e)
        for e in lc["remove"]:
            self.assertEqual(set(e), {"id", "prefix", "deployment", "reason"}, e)
            self.assertEqual(e["prefix"], root + e["deployment"] + "/", e)
            self.assertTrue(e["reason"], e)
        for e in lc["retire"]:
            self.assertEqual(set(e), {"id", "prefix"}, e)
            self.assertRegex(e["id"], OWNED_ID_RE)
        for e in lc["pending"]:
            self.assertEqual(set(e), {"id", "prefix", "deployment", "age_seconds"}, e)
            self.assertIsInstance(e["age_seconds"], int, e)
            self.assertGreaterEqual(e["age_seconds"], 0, e)
        for e in lc["by_requests"]:
            self.assertEqual(set(e), {"deployment", "reason"}, e)
            self.assertIn(e["reason"], ("small", "limit", "xml", "written-during-run"), e)
        self.assertEqual(sorted(e["deployment"] for e in lc["add"]), sorted(add), "add")
        self.assertEqual(sorted(e["deployment"] for e in lc["remove"]), sorted(remove), "remove")
        self.assertEqual(sorted(e["prefix"] for e in lc["retire"]), sorted(retire), "retire")
        self.assertEqual(sorted(e["deployment"] for e in lc["pending"]), sorted(pending),
                         "pending")
        self.assertEqual(sorted(e["deployment"] for e in lc["by_requests"]), sorted(by_requests),
                         "by_requests")
        if rules_before is not None:
            self.assertEqual(lc["rules_before"], rules_before, lc)
        if rules_after is not None:
            self.assertEqual(lc["rules_after"], rules_after, lc)
        # actions agree with the lifecycle lists, summary with the actions
        deps = harness.by_name(doc)
        for e in lc["add"]:
            d = deps[e["deployment"]]
            self.assertEqual(d["action"], "expire", d)
            self.assertEqual(d["lifecycle_rule"], {"id": e["id"], "age_seconds": 0}, d)
        for e in lc["pending"]:
            d = deps[e["deployment"]]
            self.assertEqual(d["action"], "expiring", d)
            self.assertEqual(d["lifecycle_rule"], {"id": e["id"], "age_seconds": e["age_seconds"]},
                             d)
        for e in lc["remove"]:
            self.assertEqual(deps[e["deployment"]]["action"], "keep", e)
        for e in lc["by_requests"]:
            self.assertEqual(deps[e["deployment"]]["action"], "delete", e)
        for d in doc["deployments"]:
            self.assertIn(d["action"], ("keep", "delete", "expire", "expiring"), d)
        for a in ("keep", "delete", "expire", "expiring"):
            self.assertEqual(doc["summary"][a], sum(d["action"] == a for d in doc["deployments"]),
                             f"summary[{a!r}]")
        return lc

    def actions(self, doc: dict) -> dict:
        return {d["name"]: d["action"] for d in doc["deployments"]}

    # ---- CloudFront (moto)
    def distribution(self, bucket: str, origin_path: str) -> str:
        config = {
            "CallerReference": uuid.uuid4().hex, "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [
                {"Id": "site", "DomainName": f"{bucket}.s3.amazonaws.com", "OriginPath": origin_path,
                 "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        }
        return self.cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]

    def roll_back(self, did: str, origin_path: str) -> None:
        got = self.cf.get_distribution_config(Id=did)
        config = got["DistributionConfig"]
        config["Origins"]["Items"][0]["OriginPath"] = origin_path
        self.cf.update_distribution(Id=did, IfMatch=got["ETag"], DistributionConfig=config)
        self.assertEqual(self.cf.get_distribution_config(Id=did)["DistributionConfig"]
                         ["Origins"]["Items"][0]["OriginPath"], origin_path)

    # ---- seeding on RGW: by write time
    def seed_in_order(self, bucket: str, deps: dict, gap: float = 1.1) -> None:
        """deps: {name: {file: body}} written in this order, `gap` s apart (RGW has no test
        clock: the last written is the newest)."""
        for i, (name, files) in enumerate(deps.items()):
            if i:
                time.sleep(gap)
            self.seed(bucket, {f"{name}/{f}": body for f, body in files.items()})

    def poll(self, what: str, cond, timeout: float, interval: float = 1.0,
             describe=None, must: bool = True) -> float | None:
        """Seconds until cond() held; after the (generous) deadline fails, with describe()
        (must=False: returns None instead)."""
        t0 = time.monotonic()
        while True:
            if cond():
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                if not must:
                    return None
                self.fail(f"timed out after {timeout}s waiting for {what}"
                          + (f": {describe()}" if describe else ""))
            time.sleep(interval)

    def assertKeepOneBesideForeignRules(self, b, stored):
        """Of a, b, c under FOREIGN's rules, --keep 1 writes rules for a and b; the foreign
        rules come back as they were stored, the owned ones as this tool writes them."""
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc, add=["a", "b"], rules_before=len(FOREIGN),
                                 rules_after=len(FOREIGN) + 2)
        self.assertEqual(self.foreign_rules(b), stored, "foreign rules changed")
        for p, r in self.owned_rules(b).items():
            self.assertOwnedRule(r, p)


def files(n: int, tag: str = "") -> dict:
    return {f"f{i:02d}.txt": f"{tag}{i}".encode() for i in range(n)}


# ============================================================================ moto
class MotoLifecycleTest(LifecycleCase):
    """The merge, the plan and the refusals on moto (stores rules, never executes them)."""

    def ten(self, b: str, n: int = 3) -> list[Dep]:
        deps = [Dep(f"d{i}", days_ago(20 - i), n=n) for i in range(1, 11)]
        self.seed(b, objects_of(*deps, extra={"index.html": (b"x", days_ago(1)),
                                              "d1": (b"r", days_ago(30))}))
        return deps

    def test_mode_off_has_a_null_lifecycle(self):
        b = self.new_bucket()
        self.ten(b)
        with self.unchanged(b):
            doc = self.plan(f"s3://{b}", "--keep", "3")
        # the brief: "lifecycle": null; the README: "without the flag the documents are as
        # before" (no key): either way, nothing about lifecycle
        self.assertIsNone(doc.get("lifecycle"), doc)
        self.assertEqual(self.actions(doc)["d1"], "delete")

    def test_rules_are_written_then_expiring_then_removed_when_kept(self):
        b = self.new_bucket()
        self.ten(b)
        before = self.list_objects(b)
        mark = self.server.request_mark()
        doc, _ = self.run_json(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes")
        doomed = [f"d{i}" for i in range(1, 8)]
        self.assertLifecyclePlan(doc, add=doomed, rules_before=0, rules_after=7)
        self.assertEqual(self.lifecycle_requests(b, mark)[-2:], ["PUT lifecycle", "GET lifecycle"],
                         "one PUT, then read back")
        self.assertEqual([l for l in self.lifecycle_requests(b, mark) if l.startswith("PUT")],
                         ["PUT lifecycle"])
        self.assertNotIn("POST delete", self.lifecycle_requests(b, mark))
        self.assertEqual(self.list_objects(b), before, "nothing deleted with requests")
        owned = self.owned_rules(b)
        self.assertEqual(sorted(owned), sorted(f"{d}/" for d in doomed))
        ids = {p: self.assertOwnedRule(r, p) for p, r in owned.items()}
        self.assertEqual({e["prefix"]: e["id"] for e in doc["lifecycle"]["add"]}, ids)
        # "d1" (a root file) and d10/ are not d1/
        self.assertIn("d1", self.list_keys(b))

        # the next run: the 7 are expiring (moto never executes the rules), nothing changes
        mark = self.server.request_mark()
        doc2, _ = self.run_json(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes")
        lc = self.assertLifecyclePlan(doc2, pending=doomed, rules_before=7, rules_after=7)
        self.assertEqual({e["prefix"]: e["id"] for e in lc["pending"]}, ids)
        self.assertNotIn("POST delete", self.lifecycle_requests(b, mark))
        self.assertEqual(self.owned_rules(b), owned)
        self.assertEqual(self.list_objects(b), before)

        # kept again (--protect, --keep): their rules go, the rest stay
        doc3, _ = self.run_json(f"s3://{b}", "--keep", "4", "--protect", "d2",
                                "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc3, remove=["d7", "d2"], pending=["d1", "d3", "d4", "d5", "d6"],
                                 rules_before=7, rules_after=5)
        self.assertEqual((harness.by_name(doc3)["d2"]["reason"],
                          harness.by_name(doc3)["d7"]["reason"]), ("protected", "newest"))
        self.assertEqual(sorted(self.owned_rules(b)), ["d1/", "d3/", "d4/", "d5/", "d6/"])
        self.assertEqual(self.list_objects(b), before)

    def test_foreign_rules_survive(self):
        b = self.new_bucket()
        self.seed(b, objects_of(Dep("a", days_ago(3)), Dep("b", days_ago(2)), Dep("c", days_ago(1))))
        self.put_rules(b, FOREIGN)
        stored = self.foreign_rules(b)
        self.assertEqual(len(stored), len(FOREIGN), stored)
        self.assertKeepOneBesideForeignRules(b, stored)
        # and once more: a removal (b kept again) leaves them alone too
        self.run_json(f"s3://{b}", "--keep", "2", "--expire-with-lifecycle", "--yes")
        self.assertEqual(self.foreign_rules(b), stored, "foreign rules changed on a removal")
        self.assertEqual(sorted(self.owned_rules(b)), ["a/"])

    def test_versioned_bucket_rules_expire_noncurrent_versions(self):
        b = self.new_bucket()
        self.server.s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        self.seed(b, objects_of(Dep("a", days_ago(3)), Dep("b", days_ago(2))))
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc, add=["a"])
        self.assertOwnedRule(self.owned_rules(b)["a/"], "a/", versioned=True)

    def test_a_root(self):
        b = self.new_bucket()
        root = "sites/web/"
        deps = [Dep(f"r{i}", days_ago(10 - i), root=root) for i in range(1, 5)]
        self.seed(b, objects_of(*deps, extra={"r1/outside.txt": (b"o", days_ago(20))}))
        doc, _ = self.run_json(f"s3://{b}/{root}", "--keep", "2", "--expire-with-lifecycle",
                               "--yes")
        self.assertLifecyclePlan(doc, add=["r1", "r2"])
        self.assertEqual(sorted(self.owned_rules(b)), [root + "r1/", root + "r2/"])

    def test_two_roots_of_one_bucket_share_one_write(self):
        # A wildcard gives two roots in one bucket: their rules are merged into one
        # configuration, written once, and the text says so once.
        b = self.new_bucket()
        deps = [Dep(f"d{i}", days_ago(10 - i), root=f"apps/{app}/")
                for app in ("blog", "shop") for i in range(1, 4)]
        self.seed(b, objects_of(*deps))
        mark = self.server.request_mark()
        r = self.run_cli(f"s3://{b}/apps/*/", "--keep", "1", "--expire-with-lifecycle", "--yes",
                         *self.endpoint_args(), env_extra=self.cli_env_extra())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertEqual(self.lifecycle_requests(b, mark).count("PUT lifecycle"), 1)
        self.assertIn(f"Lifecycle: s3://{b} configuration written and read back as written: "
                      "4 rules", r.stdout)
        self.assertEqual(sorted(self.owned_rules(b)),
                         [f"apps/{app}/d{i}/" for app in ("blog", "shop") for i in (1, 2)])

    def test_a_denied_write_fails_and_deletes_nothing(self):
        # A role that may read the configuration but not write it: the run fails with
        # S3's code, before any DeleteObjects (the deployment too small for a rule stays).
        b = self.new_bucket()
        self.seed(b, objects_of(Dep("big", days_ago(3), n=4), Dep("small", days_ago(2), n=1),
                                Dep("new", days_ago(1), n=1)))
        key = self.moto.create_user_with_policy([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:PutLifecycleConfiguration", "Resource": "*"}],
            name="noputlc")
        before = self.list_objects(b)
        mark = self.server.request_mark()
        doc, r = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle-over", "2",
                               "--yes", expect_rc=1,
                               env_extra={"AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                          "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
        self.assertEqual(doc["error"]["code"], "AccessDenied", self.explain(r))
        self.assertIn("lifecycle configuration not written", doc["error"]["message"])
        self.assertNotIn("POST delete", self.lifecycle_requests(b, mark))
        self.assertEqual(self.list_objects(b), before)
        self.assertEqual(self.owned_rules(b), {})

    def test_retire_an_owned_rule_whose_prefix_is_empty(self):
        b = self.new_bucket()
        self.seed(b, objects_of(Dep("a", days_ago(3)), Dep("b", days_ago(2)), Dep("c", days_ago(1))))
        self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        ids = {p: r["ID"] for p, r in self.owned_rules(b).items()}
        self.assertEqual(sorted(ids), ["a/", "b/"])
        # the lifecycle engine did its work on a/ (here: by hand)
        keys = self.list_keys(b, "a/")
        self.server.s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": k} for k in keys]})
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        lc = self.assertLifecyclePlan(doc, retire=["a/"], pending=["b"], rules_before=2,
                                      rules_after=1)
        self.assertEqual(lc["retire"], [{"id": ids["a/"], "prefix": "a/"}])
        self.assertEqual(sorted(self.owned_rules(b)), ["b/"])
        self.assertNotIn("a", harness.by_name(doc))
        # the last owned rule retired: no configuration left (or none of ours)
        keys = self.list_keys(b, "b/")
        self.server.s3.delete_objects(Bucket=b, Delete={"Objects": [{"Key": k} for k in keys]})
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        self.assertLifecyclePlan(doc, retire=["b/"], rules_before=1, rules_after=0)
        self.assertEqual(self.owned_rules(b), {})

    def test_dry_run_writes_nothing_and_shows_the_rules(self):
        b = self.new_bucket()
        self.ten(b)
        self.put_rules(b, FOREIGN[:2])
        rules = self.rules(b)
        with self.unchanged(b):
            doc = self.plan(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle")
        self.assertLifecyclePlan(doc, add=[f"d{i}" for i in range(1, 8)], rules_before=2,
                                 rules_after=9)
        self.assertEqual(self.rules(b), rules)
        with self.unchanged(b, "a text dry run"):
            r = self.run_cli(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--dry-run",
                             *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.split()}
        self.assertIn("EXPIRE", rows["d1"].split(), r.stdout)
        self.assertIn("KEEP", rows["d10"].split(), r.stdout)
        lc_lines = [l for l in r.stdout.splitlines() if l.startswith("Lifecycle:")]
        self.assertEqual(len(lc_lines), 1, r.stdout)
        self.assertIn("expires within ~48 h", lc_lines[0])
        self.assertIn("7", lc_lines[0])
        self.assertEqual(self.rules(b), rules)

    def test_text_output_shows_expiring(self):
        b = self.new_bucket()
        self.ten(b)
        self.run_json(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes")
        r = self.run_cli(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--dry-run",
                         *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        rows = {line.split()[0]: line for line in r.stdout.splitlines() if line.split()}
        self.assertIn("EXPIRING", rows["d1"].split(), r.stdout)
        self.assertEqual(sum(l.startswith("Lifecycle:") for l in r.stdout.splitlines()), 1,
                         r.stdout)

    def test_without_yes_and_no_terminal_nothing_is_written(self):
        b = self.new_bucket()
        self.ten(b)
        with self.unchanged(b, "no --yes"):
            r = self.run_cli(f"s3://{b}", "--keep", "3", "--expire-with-lifecycle",
                             *self.endpoint_args(), input="")
        self.assertEqual(r.returncode, 2, self.explain(r))
        self.assertIn("EXPIRE", r.stdout, "exit 2 after the plan, not a usage error"
                      + self.explain(r))
        self.assertIsNone(self.rules(b))

    def test_over_n_small_deployments_go_by_requests(self):
        b = self.new_bucket()
        deps = [Dep("big1", days_ago(9), n=5), Dep("small", days_ago(8), n=2),
                Dep("big2", days_ago(7), n=3), Dep("keep", days_ago(1), n=1)]
        self.seed(b, objects_of(*deps))
        mark = self.server.request_mark()
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle-over", "2",
                               "--yes")
        lc = self.assertLifecyclePlan(doc, add=["big1", "big2"], by_requests=["small"])
        self.assertEqual(lc["by_requests"], [{"deployment": "small", "reason": "small"}])
        self.assertEqual(sorted(self.owned_rules(b)), ["big1/", "big2/"])
        self.assertEqual(self.list_keys(b, "small/"), [])
        self.assertEqual(len(self.list_keys(b, "big1/")), 5)
        reqs = self.lifecycle_requests(b, mark)
        self.assertIn("POST delete", reqs)
        self.assertLess(reqs.index("PUT lifecycle"), reqs.index("POST delete"),
                        f"the rules are written before anything is deleted: {reqs}")

    def test_policy_file_keys(self):
        b = self.new_bucket()
        self.seed(b, objects_of(Dep("big", days_ago(9), n=4), Dep("small", days_ago(8), n=1),
                                Dep("new", days_ago(1), n=1)))
        cfg = self.home / f"{b}.yaml"
        cfg.write_text(f"version: 1\ntargets:\n  - url: s3://{b}/\n    keep: 1\n"
                       f"    endpoint_url: {self.server.endpoint_url}\n"
                       f"    expire_with_lifecycle: true\n    expire_with_lifecycle_over: 2\n")
        r = self.run_cli("--config", str(cfg), "--yes", "--output", "json",
                         env_extra=self.cli_env_extra())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertEqual(sorted(self.owned_rules(b)), ["big/"])
        self.assertEqual(self.list_keys(b, "small/"), [])
        self.assertEqual(len(self.list_keys(b, "big/")), 4)

    def test_the_1000_rule_limit(self):
        b = self.new_bucket()
        fill = [{"ID": f"foreign-{i:04d}", "Filter": {"Prefix": f"other/{i:04d}/"},
                 "Status": "Enabled", "Expiration": {"Days": 30}} for i in range(998)]
        self.put_rules(b, fill)
        stored = self.foreign_rules(b)
        self.assertEqual(len(stored), 998)
        big = [Dep(f"big{i}", days_ago(20 - i), n=3 + i) for i in range(1, 6)]  # 4..8 objects
        deps = big + [Dep("small", days_ago(10), n=1), Dep("new", days_ago(1), n=1)]
        self.seed(b, objects_of(*deps))
        mark = self.server.request_mark()
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle-over", "3",
                               "--yes")
        lc = doc["lifecycle"]
        # README: "the biggest doomed deployments get the free places"
        ruled = sorted(e["deployment"] for e in lc["add"])
        by_limit = sorted(e["deployment"] for e in lc["by_requests"] if e["reason"] == "limit")
        self.assertEqual((ruled, by_limit), (["big4", "big5"], ["big1", "big2", "big3"]), lc)
        self.assertLifecyclePlan(doc, add=ruled, by_requests=by_limit + ["small"],
                                 rules_before=998, rules_after=LIMIT)
        self.assertEqual([e for e in lc["by_requests"] if e["deployment"] == "small"],
                         [{"deployment": "small", "reason": "small"}])
        rules = self.rules(b)
        self.assertEqual(len(rules), LIMIT)
        self.assertEqual(self.foreign_rules(b), stored)
        self.assertEqual(sorted(self.owned_rules(b)), [f"{n}/" for n in ruled])
        for n in by_limit + ["small"]:
            self.assertEqual(self.list_keys(b, f"{n}/"), [], n)
        for d in big:
            if d.name in ruled:
                self.assertEqual(len(self.list_keys(b, d.prefix)), d.n, d.name)
        self.assertIn("POST delete", self.lifecycle_requests(b, mark))

    def test_a_prefix_xml_cannot_carry_goes_by_requests(self):
        b = self.new_bucket()
        ctl = "ctl\x01x"  # U+0001 cannot be written in XML 1.0, not even as &#1;
        deps = [Dep(ctl, days_ago(5)), Dep("plain", days_ago(4)), Dep("new", days_ago(1))]
        self.seed(b, objects_of(*deps), via="s3")
        doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--expire-with-lifecycle", "--yes")
        lc = self.assertLifecyclePlan(doc, add=["plain"], by_requests=[ctl])
        self.assertEqual(lc["by_requests"], [{"deployment": ctl, "reason": "xml"}])
        self.assertEqual(self.list_keys(b, ctl + "/"), [])
        self.assertEqual(sorted(self.owned_rules(b)), ["plain/"])
        self.assertEqual(len(self.list_keys(b, "new/")), 3)

    def test_a_configuration_that_cannot_be_carried_back_is_refused(self):
        """Neither moto nor RGW stores a namespace-prefixed element (both drop it on PUT), so
        the configuration comes through a proxy that adds one to moto's GET ?lifecycle
        answer: exit 1, no PUT/DELETE ?lifecycle, nothing deleted."""
        b = self.new_bucket()
        self.ten(b)
        self.put_rules(b, FOREIGN[:2])
        rules = self.rules(b)
        before = self.list_objects(b)
        with NamespaceInjectingProxy(self.server.port) as proxy:
            mark = self.server.request_mark()
            full = [f"s3://{b}", "--keep", "3", "--expire-with-lifecycle", "--yes",
                    "--output", "json", "--endpoint-url", proxy.endpoint_url]
            r = self.run_cli(*full)
            self.assertGreaterEqual(proxy.rewritten, 1, "the proxy never saw GET ?lifecycle"
                                    + self.explain(r, full))
        self.assertEqual(r.returncode, 1, self.explain(r, full))
        writes = [l for l in self.lifecycle_requests(b, mark) if not l.startswith("GET")]
        self.assertEqual(writes, [], self.explain(r, full))
        self.assertEqual(self.rules(b), rules)
        self.assertEqual(self.list_objects(b), before)
        doc = json.loads(r.stdout)
        self.assertIn("error", doc)
        self.assertIn("lifecycle", r.stderr.lower(), self.explain(r, full))


class NamespaceInjectingProxy:
    """A loopback HTTP proxy in front of the test server: forwards every request unchanged
    (Host too, so SigV4 stays valid) and, for a GET ?lifecycle that succeeds, declares
    xmlns:x="urn:x" on the root and puts <x:Note>hand-written</x:Note> into the first rule,
    a configuration no model of S3's schema carries back faithfully."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.rewritten = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=60)
                try:
                    conn.putrequest(self.command, self.path, skip_host=True,
                                    skip_accept_encoding=True)
                    for k, v in self.headers.items():
                        if k.lower() not in ("connection", "keep-alive"):
                            conn.putheader(k, v)
                    conn.endheaders(body or None)
                    resp = conn.getresponse()
                    data = resp.read()
                    status, headers = resp.status, resp.getheaders()
                finally:
                    conn.close()
                query = self.path.partition("?")[2].split("&")
                if self.command == "GET" and ("lifecycle" in query or "lifecycle=" in query) \
                        and status == 200:
                    text = data.decode("utf-8")
                    text = text.replace("<LifecycleConfiguration ",
                                        '<LifecycleConfiguration xmlns:x="urn:x" ', 1)
                    text = text.replace("<Rule>", "<Rule><x:Note>hand-written</x:Note>", 1)
                    data = text.encode("utf-8")
                    proxy.rewritten += 1
                self.send_response(status)
                for k, v in headers:
                    if k.lower() not in ("content-length", "connection", "transfer-encoding",
                                         "keep-alive", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
        return False


if __name__ == "__main__":
    unittest.main()
