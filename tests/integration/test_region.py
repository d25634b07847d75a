"""Region and addressing (issue 4).

* Which region requests are signed for: --region > AWS_REGION > AWS_DEFAULT_REGION >
  the profile's region > us-east-1 (read back from the credential scope of the requests
  the server saw).
* The bucket's region wins: a bucket in eu-west-1 reached with a us-east-1 signature is
  answered the way S3 does (301 PermanentRedirect, or 400 AuthorizationHeaderMalformed,
  with <Region> and/or x-amz-bucket-region) by the proxy mode of
  tests/s3server/aws_metadata.py; the binary re-signs for eu-west-1, once, and goes on.
* --addressing-style auto|path|virtual, and `s3 =` / `addressing_style` in the config.
  Virtual-hosted requests are tested against http://localhost:PORT: curl resolves
  BUCKET.localhost to the loopback address by itself, and moto serves virtual-hosted
  requests for it.
"""
from __future__ import annotations

import json
import unittest

from harness import AwsMetadata, Dep, days_ago, objects_of
from test_credentials import CredentialsCase


class RegionCase(CredentialsCase):
    def eu_bucket(self) -> tuple[str, list[Dep]]:
        b = self.new_bucket(create=False)
        self.server.s3.create_bucket(Bucket=b, CreateBucketConfiguration={
            "LocationConstraint": "eu-west-1"})
        deps = [Dep("new", days_ago(1), n=2), Dep("mid", days_ago(2), n=2),
                Dep("old", days_ago(3), n=2)]
        self.seed(b, objects_of(*deps))
        return b, deps

    def moto_env(self, **extra) -> dict:
        """The server's key in the environment (the harness default), plus extra."""
        e = {"AWS_ACCESS_KEY_ID": self.server.access_key_id,
             "AWS_SECRET_ACCESS_KEY": self.server.secret_access_key,
             "AWS_CONFIG_FILE": str(self.tmp / "config"),
             "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp / "credentials"),
             "AWS_EC2_METADATA_DISABLED": "true"}
        e.update(extra)
        return e

    def regions_of_run(self, mark: int) -> set:
        return {e["region"] for e in self.s3_requests(mark)}


# ============================================================================ which region
class RegionChoiceTest(RegionCase):
    def signed_region(self, *args, **env) -> str:
        b, deps = self.three()
        mark = self.server.auth_log_mark()
        self.listing(b, *args, env=self.moto_env(**env))
        regions = self.regions_of_run(mark)
        self.assertEqual(len(regions), 1, regions)
        return regions.pop()

    def test_precedence(self):
        self.write("config", "[default]\nregion = ca-central-1\n\n"
                             "[profile north]\nregion = eu-north-1\n")
        self.write("credentials", self.static_profile("north"))
        all_set = {"AWS_REGION": "us-west-1", "AWS_DEFAULT_REGION": "ap-south-1"}
        self.assertEqual(self.signed_region("--region", "eu-west-2", **all_set), "eu-west-2")
        self.assertEqual(self.signed_region(**all_set), "us-west-1")
        self.assertEqual(self.signed_region(AWS_REGION=None, AWS_DEFAULT_REGION="ap-south-1"),
                         "ap-south-1")
        self.assertEqual(self.signed_region(AWS_REGION=None), "ca-central-1")
        self.assertEqual(self.signed_region("--profile", "north", AWS_REGION=None), "eu-north-1")
        self.assertEqual(self.signed_region(AWS_REGION=None, AWS_PROFILE="north"), "eu-north-1")
        (self.tmp / "config").unlink()
        self.assertEqual(self.signed_region(AWS_REGION=None), "us-east-1")

    def test_sts_signed_for_the_region_too(self):
        b, deps = self.three()
        self.write("credentials", self.static_profile("base"))
        self.write("config", f"[profile deployer]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = base\nregion = eu-central-1\n")
        smark = self.server.sts_log_mark()
        self.listing(b, "--profile", "deployer", env=self.env(AWS_REGION=None))
        self.assertEqual([c["region"] for c in self.sts_calls(smark)], ["eu-central-1"])


# ============================================================================ bucket elsewhere
class RedirectTest(RegionCase):
    FORMS = {
        "301 header and body": ("--redirect", "301"),
        "301 header only": ("--redirect", "301", "--region-in-body", "no"),
        "400 body only": ("--redirect", "400", "--region-header", "no"),
        "400 header and body": ("--redirect", "400"),
    }

    def proxy(self, bucket: str, *args: str) -> AwsMetadata:
        return self.fake("--proxy-to", str(self.server.port),
                         "--bucket-region", f"{bucket}=eu-west-1", *args)

    def check_redirected_run(self, r, proxy: AwsMetadata, args):
        log = proxy.log()
        redirected = [e for e in log if e["redirected"]]
        self.assertEqual(len(redirected), 1,
                         f"one wrong-region answer, then eu-west-1 for the rest: {log}"
                         + self.explain(r, args))
        self.assertEqual(redirected[0]["region"], "us-east-1")
        self.assertIs(log[0]["redirected"], True, log)
        self.assertEqual({e["region"] for e in log[1:]}, {"eu-west-1"},
                         "every request after the redirect is signed for eu-west-1")

    def test_forms(self):
        for form, args in self.FORMS.items():
            with self.subTest(form=form):
                b, deps = self.eu_bucket()
                proxy = self.proxy(b, *args)
                full = [f"s3://{b}", "--keep", "1", "--dry-run", "--output", "json", "--debug",
                        "--endpoint-url", proxy.endpoint_url]
                r = self.run_cli(*full, env_extra=self.moto_env())
                self.assertEqual(r.returncode, 0, self.explain(r, full))
                plan = json.loads(r.stdout)
                self.assertEqual([d["name"] for d in plan["deployments"]], ["new", "mid", "old"])
                self.check_redirected_run(r, proxy, full)
                debug = [l for l in r.stderr.splitlines() if l.startswith("s3-cleanup: debug:")]
                self.assertTrue(any("eu-west-1" in l for l in debug),
                                "--debug says the bucket is in eu-west-1" + self.explain(r, full))
                self.assertEqual(len(debug), len(r.stderr.splitlines()),
                                 "only debug lines on stderr" + self.explain(r, full))

    def test_delete_after_redirect(self):
        for form in ("301 header only", "400 body only"):
            with self.subTest(form=form):
                b, deps = self.eu_bucket()
                proxy = self.proxy(b, *self.FORMS[form])
                r = self.deletion(b, deps, env=self.moto_env(), endpoint=proxy.endpoint_url)
                self.check_redirected_run(r, proxy, None)
                self.assertTrue(any(e["method"] == "POST" and e["region"] == "eu-west-1"
                                    and e["status"] == 200 for e in proxy.log()),
                                "DeleteObjects signed for eu-west-1")

    def test_right_region_from_the_start(self):
        b, deps = self.eu_bucket()
        proxy = self.proxy(b)
        self.listing(b, "--region", "eu-west-1", env=self.moto_env(), endpoint=proxy.endpoint_url)
        self.assertEqual(proxy.counts()["redirects"], 0)

    def test_no_redirect_loop(self):
        """A server that keeps naming another region: one re-sign, then exit 1."""
        b, deps = self.eu_bucket()
        proxy = self.proxy(b, "--flip-flop")
        r = self.failing(b, env=self.moto_env(), endpoint=proxy.endpoint_url, timeout=60)
        self.assertLessEqual(proxy.counts()["redirects"], 2, proxy.log())
        self.assertEqual(proxy.counts()["forwarded"], 0)


class RedirectProxySelfTest(RegionCase):
    """The proxy's wrong-region answers are what a reference client (boto3's
    S3RegionRedirector) understands and follows. No binary needed."""

    needs_binary = False

    def test_boto3_follows_every_form(self):
        import boto3
        import botocore.exceptions
        from botocore.config import Config
        b, deps = self.eu_bucket()
        for form, args in list(RedirectTest.FORMS.items()) + [("flip-flop", ("--flip-flop",))]:
            with self.subTest(form=form):
                proxy = self.fake("--proxy-to", str(self.server.port),
                                  "--bucket-region", f"{b}=eu-west-1", *args)
                c = boto3.client("s3", endpoint_url=proxy.endpoint_url, region_name="us-east-1",
                                 aws_access_key_id=self.server.access_key_id,
                                 aws_secret_access_key=self.server.secret_access_key,
                                 config=Config(s3={"addressing_style": "path"},
                                               retries={"max_attempts": 1}))
                if form == "flip-flop":
                    with self.assertRaises(botocore.exceptions.ClientError):
                        c.list_objects_v2(Bucket=b)
                    self.assertEqual(proxy.counts()["forwarded"], 0)
                    continue
                self.assertEqual(len(c.list_objects_v2(Bucket=b)["Contents"]), 6)
                log = proxy.log()
                self.assertEqual([(e["region"], e["redirected"]) for e in log],
                                 [("us-east-1", True), ("eu-west-1", False)], log)

    def test_answers_look_like_s3(self):
        import sigv4_ref
        b, deps = self.eu_bucket()
        for args, status, code in ((("--redirect", "301"), 301, b"PermanentRedirect"),
                                   (("--redirect", "400"), 400, b"AuthorizationHeaderMalformed")):
            proxy = self.fake("--proxy-to", str(self.server.port), "--bucket-region",
                              f"{b}=eu-west-1", *args)
            h = sigv4_ref.sign("GET", f"127.0.0.1:{proxy.port}", f"/{b}?list-type=2", {}, b"",
                               self.server.access_key_id, self.server.secret_access_key, "us-east-1")
            import http.client
            conn = http.client.HTTPConnection("127.0.0.1", proxy.port, timeout=30)
            conn.request("GET", f"/{b}?list-type=2", headers=h)
            resp = conn.getresponse()
            body = resp.read()
            conn.close()
            self.assertEqual(resp.status, status)
            self.assertEqual(resp.getheader("x-amz-bucket-region"), "eu-west-1")
            self.assertIn(b"<Code>" + code + b"</Code>", body)
            self.assertIn(b"<Region>eu-west-1</Region>", body)
            self.assertTrue(resp.getheader("x-amz-request-id"))


# ============================================================================ addressing
class AddressingTest(RegionCase):
    def localhost(self) -> str:
        return f"http://localhost:{self.server.port}"

    def hosts_of_run(self, mark: int) -> set:
        return {e["host"] for e in self.s3_requests(mark)}

    def test_path_style(self):
        b, deps = self.three()
        for extra in (["--addressing-style", "path"], []):
            with self.subTest(args=extra):
                mark = self.server.auth_log_mark()
                self.listing(b, *extra, env=self.moto_env(), endpoint=self.localhost())
                reqs = self.s3_requests(mark)
                self.assertEqual(self.hosts_of_run(mark), {f"localhost:{self.server.port}"})
                self.assertTrue(all(e["target"].startswith(f"/{b}") for e in reqs), reqs)

    def test_virtual_hosted_style(self):
        b, deps = self.three()
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, "--addressing-style", "virtual", env=self.moto_env(),
                      endpoint=self.localhost())
        reqs = self.s3_requests(mark)
        self.assertEqual(self.hosts_of_run(mark), {f"{b}.localhost:{self.server.port}"})
        self.assertFalse(any(e["target"].startswith(f"/{b}") for e in reqs), reqs)

    def test_addressing_style_from_config(self):
        b, deps = self.three()
        self.write("config", "[default]\ns3 =\n    addressing_style = virtual\n"
                             "    max_concurrent_requests = 10\nregion = us-east-1\n")
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.moto_env(), endpoint=self.localhost())
        self.assertEqual(self.hosts_of_run(mark), {f"{b}.localhost:{self.server.port}"})
        mark = self.server.auth_log_mark()
        self.listing(b, "--addressing-style", "path", env=self.moto_env(), endpoint=self.localhost())
        self.assertEqual(self.hosts_of_run(mark), {f"localhost:{self.server.port}"},
                         "the flag wins over the config file")
        self.write("config", "[default]\ns3 =\n    addressing_style = path\n")
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.moto_env(), endpoint=self.localhost())
        self.assertEqual(self.hosts_of_run(mark), {f"localhost:{self.server.port}"})

    def test_bad_addressing_style_is_usage_error(self):
        b, deps = self.three()
        for value in ("bucket", "", "PATH2"):
            with self.subTest(value=value):
                mark = self.server.auth_log_mark()
                full = [f"s3://{b}", "--keep", "1", "--dry-run", "--addressing-style", value,
                        *self.endpoint_args()]
                r = self.run_cli(*full, env_extra=self.moto_env())
                self.assertEqual(r.returncode, 2, self.explain(r, full))
                self.assertOneErrorLine(r, args=full)
                self.assertEqual(self.server.auth_log_since(mark), [], "no request on bad usage")


if __name__ == "__main__":
    unittest.main()
