"""Never delete what is live (issue 13): the deployment a CloudFront distribution's origin
path or a pointer object names is kept with reason `live`, outside the N; a source that
cannot be read fails closed. CloudFront is moto's, on the same port, signatures checked.
"""
from __future__ import annotations

import json
import sys
import unittest
import uuid

import boto3

import harness
from harness import Dep, days_ago, objects_of


class LiveCase(harness.S3TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cf = cls.server_client("cloudfront")

    @classmethod
    def server_client(cls, service, key=None, secret=None):
        return boto3.client(service, endpoint_url=cls.server.endpoint_url, region_name="us-east-1",
                            aws_access_key_id=key or cls.server.access_key_id,
                            aws_secret_access_key=secret or cls.server.secret_access_key)

    def distribution(self, *origins, groups=()):
        """origins: (id, domain, origin_path); groups: (id, [origin ids]). Returns its id."""
        config = {
            "CallerReference": uuid.uuid4().hex, "Comment": "", "Enabled": True,
            "Origins": {"Quantity": len(origins), "Items": [
                {"Id": i, "DomainName": d, "OriginPath": p,
                 "S3OriginConfig": {"OriginAccessIdentity": ""}} for i, d, p in origins]},
            "DefaultCacheBehavior": {
                "TargetOriginId": origins[0][0], "ViewerProtocolPolicy": "allow-all",
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        }
        if groups:
            config["OriginGroups"] = {"Quantity": len(groups), "Items": [
                {"Id": g, "FailoverCriteria": {"StatusCodes": {"Quantity": 1, "Items": [500]}},
                 "Members": {"Quantity": len(m), "Items": [{"OriginId": o} for o in m]}}
                for g, m in groups]}
        return self.cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]

    def ten(self, b, root=""):
        deps = [Dep(f"d{i:02d}", days_ago(20 - i), root=root) for i in range(1, 11)]
        self.seed(b, objects_of(*deps, extra={f"{root}index.html": (b"x", days_ago(1))}))
        return deps

    def run_json(self, url, *args, expect_rc=0):
        r = self.run_cli(url, *args, "--output", "json", *self.endpoint_args(),
                         env_extra={"AWS_ENDPOINT_URL_CLOUDFRONT": self.server.endpoint_url})
        self.assertEqual(r.returncode, expect_rc, self.explain(r))
        return json.loads(r.stdout), r

    def remaining(self, b, root=""):
        return sorted({k[len(root):].split("/")[0] for k in self.list_keys(b, root)
                       if "/" in k[len(root):]})


class CloudFrontTest(LiveCase):

    def test_rollback_keeps_the_live_deployment(self):
        b = self.new_bucket()
        self.ten(b)
        did = self.distribution(("site", f"{b}.s3.amazonaws.com", "/d04"))
        mark = self.server.request_mark()
        doc, r = self.run_json(f"s3://{b}", "--keep", "3", "--yes", "--protect-cloudfront", did)
        log = self.server.requests_since(mark)
        print("\n  request log of the rollback run:\n" + "\n".join("    " + l for l in log),
              file=sys.stderr)
        self.assertTrue(log[0].startswith(f"GET /2020-05-31/distribution/{did}/config"), log)
        self.assertEqual(self.remaining(b), ["d04", "d08", "d09", "d10"])
        d04 = harness.by_name(doc)["d04"]
        self.assertEqual((d04["action"], d04["reason"]), ("keep", "live"))
        self.assertEqual(doc["live"], [{"source": "cloudfront", "distribution": did,
                                        "origin_id": "site", "origin_path": "/d04",
                                        "deployment": "d04"}])
        self.assertIn("index.html", self.list_keys(b))

    def test_a_root_and_a_deeper_origin_path(self):
        b = self.new_bucket()
        self.ten(b, root="sites/web/")
        did = self.distribution(("web", f"{b}.s3.eu-west-1.amazonaws.com",
                                 "/sites/web/d02/public"),
                                ("other", f"{b}.s3.amazonaws.com", "/elsewhere/x"))
        doc, r = self.run_json(f"s3://{b}/sites/web/", "--keep", "3", "--dry-run",
                               "--protect-cloudfront", did, "--debug")
        reasons = {d["name"]: d["reason"] for d in doc["deployments"]}
        self.assertEqual(reasons["d02"], "live")
        self.assertEqual(sorted(n for n, why in reasons.items() if why == "live"), ["d02"])
        self.assertIn("origin 'other' of distribution " + did + " serves '/elsewhere/x', "
                      "outside s3://" + b + "/sites/web/: it protects nothing", r.stderr)

    def test_a_failover_group_protects_both_and_another_bucket_is_ignored(self):
        b = self.new_bucket()
        self.ten(b)
        did = self.distribution(("primary", f"{b}.s3.amazonaws.com", "/d05"),
                                ("failover", f"{b}.s3-us-west-2.amazonaws.com", "/d07"),
                                ("foreign", f"x{b}.s3.amazonaws.com", "/d06"),
                                groups=[("g", ["primary", "failover"])])
        doc, _ = self.run_json(f"s3://{b}", "--keep", "2", "--yes", "--protect-cloudfront", did)
        self.assertEqual(self.remaining(b), ["d05", "d07", "d09", "d10"])
        self.assertEqual(sorted(l["deployment"] for l in doc["live"]), ["d05", "d07"])

    def test_an_empty_origin_path_on_the_bucket_top_is_a_warning(self):
        b = self.new_bucket()
        self.ten(b)
        did = self.distribution(("all", f"{b}.s3.amazonaws.com", ""))
        doc, r = self.run_json(f"s3://{b}", "--keep", "3", "--dry-run",
                               "--protect-cloudfront", did)
        self.assertEqual(len(doc["warnings"]), 1, doc["warnings"])
        self.assertIn(f"origin 'all' of distribution {did} serves the whole bucket", r.stderr)


class FailClosedTest(LiveCase):

    def assertNothingDeleted(self, b, mark, r):
        posts = [l for l in self.server.requests_since(mark) if l.startswith(("POST", "DELETE"))]
        self.assertEqual(posts, [], self.explain(r))
        self.assertEqual(len(self.remaining(b)), 10)

    def test_an_unknown_distribution(self):
        b = self.new_bucket()
        self.ten(b)
        mark = self.server.request_mark()
        doc, r = self.run_json(f"s3://{b}", "--keep", "3", "--yes", "--protect-cloudfront",
                               "E000NOSUCHDIST", expect_rc=1)
        self.assertNothingDeleted(b, mark, r)
        self.assertEqual(doc["error"]["code"], "NoSuchDistribution")
        self.assertIn("--protect-cloudfront E000NOSUCHDIST", doc["error"]["message"])
        self.assertIs(doc["incomplete"], True)
        self.assertNotIn("result", doc)

    def test_cloudfront_access_denied(self):
        b = self.new_bucket()
        self.ten(b)
        did = self.distribution(("site", f"{b}.s3.amazonaws.com", "/d04"))
        key = self.server.create_user_with_policy(
            [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}], name="s3only")
        mark = self.server.request_mark()
        r = self.run_cli(f"s3://{b}", "--keep", "3", "--yes", "--protect-cloudfront", did,
                         "--output", "json", *self.endpoint_args(),
                         env_extra={"AWS_ENDPOINT_URL_CLOUDFRONT": self.server.endpoint_url,
                                    "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
                                    "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]})
        self.assertEqual(r.returncode, 1, self.explain(r))
        self.assertNothingDeleted(b, mark, r)
        self.assertEqual(json.loads(r.stdout)["error"]["code"], "AccessDenied")

    def cloudfront_unreadable(self, cloudfront_url):
        """A run whose CloudFront endpoint is cloudfront_url: exit 1, nothing deleted."""
        b = self.new_bucket()
        self.ten(b)
        did = self.distribution(("site", f"{b}.s3.amazonaws.com", "/d04"))
        mark = self.server.request_mark()
        r = self.run_cli(f"s3://{b}", "--keep", "3", "--yes", "--protect-cloudfront", did,
                         "--max-attempts", "3", "--output", "json", *self.endpoint_args(),
                         env_extra={"AWS_ENDPOINT_URL_CLOUDFRONT": cloudfront_url})
        self.assertEqual(r.returncode, 1, self.explain(r))
        self.assertNothingDeleted(b, mark, r)
        doc = json.loads(r.stdout)
        self.assertIs(doc["incomplete"], True)
        self.assertIn(f"--protect-cloudfront {did}", doc["error"]["message"])
        return doc

    def test_cloudfront_throttled_past_the_retries(self):
        # Every CloudFront request answered 503 SlowDown; S3 goes straight to the server.
        proxy = harness.FaultProxy(self.server.port, "--fault-rate", "1", "--faults", "slowdown")
        try:
            doc = self.cloudfront_unreadable(proxy.endpoint_url)
            self.assertEqual(proxy.stats()["requests"], 3)  # --max-attempts 3, then closed
        finally:
            proxy.stop()
        # The proxy's 503 carries S3's <Error> document, not CloudFront's <ErrorResponse>:
        # the code is then the status.
        self.assertEqual(doc["error"]["code"], "HTTP503")

    def test_cloudfront_unreachable(self):
        doc = self.cloudfront_unreadable(f"http://127.0.0.1:{harness.free_port()}")
        self.assertNotIn(doc["error"]["code"], ("", None))

    def test_a_dry_run_prints_the_incomplete_plan_and_exits_1(self):
        b = self.new_bucket()
        self.ten(b)
        r = self.run_cli(f"s3://{b}", "--keep", "3", "--dry-run", "--protect-cloudfront",
                         "E000NOSUCHDIST", *self.endpoint_args(),
                         env_extra={"AWS_ENDPOINT_URL_CLOUDFRONT": self.server.endpoint_url})
        self.assertEqual(r.returncode, 1, self.explain(r))
        self.assertIn("DEPLOYMENT", r.stdout)
        self.assertIn("INCOMPLETE", r.stdout)
        self.assertIn("NoSuchDistribution", r.stderr)


class PointerObjectTest(LiveCase):

    def test_the_root_index_html_references_a_deployment(self):
        b = self.new_bucket()
        self.ten(b)
        self.put(b, "index.html", b'<script src="/d06/static/app.js"></script>')
        doc, _ = self.run_json(f"s3://{b}", "--keep", "3", "--yes",
                               "--protect-referenced-by", "index.html")
        self.assertEqual(self.remaining(b), ["d06", "d08", "d09", "d10"])
        self.assertEqual(harness.by_name(doc)["d06"]["reason"], "live")
        self.assertEqual(doc["live"], [{"source": "object", "key": "index.html",
                                        "deployments": ["d06"]}])

    def test_longer_and_shorter_names_are_not_confused(self):
        for body, live in ((b"/build-11/app.js", "build-11"), (b"/build-1/app.js", "build-1")):
            with self.subTest(body=body):
                b = self.new_bucket()
                self.seed(b, objects_of(Dep("build-1", days_ago(5)), Dep("build-11", days_ago(4)),
                                        Dep("build-2", days_ago(2)),
                                        extra={"index.html": (body, days_ago(1))}))
                doc, _ = self.run_json(f"s3://{b}", "--keep", "1", "--dry-run",
                                       "--protect-referenced-by", "index.html")
                self.assertEqual([d["name"] for d in doc["deployments"] if d["reason"] == "live"],
                                 [live])

    def test_a_pointer_file(self):
        b = self.new_bucket()
        self.ten(b)
        self.put(b, "current.txt", b"d03\n")
        self.run_json(f"s3://{b}", "--keep", "3", "--yes", "--protect-referenced-by",
                      "current.txt")
        self.assertEqual(self.remaining(b), ["d03", "d08", "d09", "d10"])

    def test_a_missing_or_too_large_pointer_fails_closed(self):
        b = self.new_bucket()
        self.ten(b)
        self.put(b, "big.html", b"x" * (2 * 1024 * 1024))
        for key, code in (("missing.txt", "NoSuchKey"), ("big.html", "PointerTooLarge")):
            with self.subTest(key=key):
                mark = self.server.request_mark()
                doc, r = self.run_json(f"s3://{b}", "--keep", "3", "--yes",
                                       "--protect-referenced-by", key, expect_rc=1)
                posts = [l for l in self.server.requests_since(mark) if l.startswith("POST")]
                self.assertEqual(posts, [])
                self.assertEqual(doc["error"]["code"], code)
                self.assertIn(f"--protect-referenced-by {key}", doc["error"]["message"])
        self.assertEqual(len(self.remaining(b)), 10)


class TogetherTest(LiveCase):

    def test_every_kind_of_protection_at_once(self):
        b = self.new_bucket()
        self.ten(b)
        self.put(b, "current.txt", b"d02")
        did = self.distribution(("site", f"{b}.s3.amazonaws.com", "/d04"))
        doc, _ = self.run_json(f"s3://{b}", "--keep", "2", "--older-than", "13d", "--yes",
                               "--protect-cloudfront", did, "--protect-referenced-by",
                               "current.txt", "--protect", "d01")
        # d10, d09: the 2 newest; d08 (12 days old) is newer than the cutoff; d01, d02, d04 protected.
        self.assertEqual(self.remaining(b), ["d01", "d02", "d04", "d08", "d09", "d10"])
        reasons = {d["name"]: d["reason"] for d in doc["deployments"]}
        self.assertEqual((reasons["d01"], reasons["d02"], reasons["d04"], reasons["d08"]),
                         ("protected", "live", "live", "newer-than-cutoff"))


if __name__ == "__main__":
    unittest.main()
