"""Failures: S3 errors exit 1, bad usage exits 2 before any request; one stderr line each."""
import unittest

from harness import S3TestCase


class S3ErrorTest(S3TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = f"errors-{id(cls) % 100000}"
        cls.server.s3.create_bucket(Bucket=cls.bucket)
        cls.server.s3.put_object(Bucket=cls.bucket, Key="v1/index.html", Body=b"x")

    def run_failing(self, url, env_extra=None, *more):
        args = [url, "--keep", "1", "--dry-run", *more, *self.endpoint_args()]
        r = self.run_cli(*args, env_extra=env_extra)
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        return r, args

    def test_no_such_bucket(self):
        for out in ("text", "json"):
            with self.subTest(output=out):
                r, args = self.run_failing("s3://no-such-bucket-for-s3c", None, "--output", out)
                self.assertOneErrorLine(r, "NoSuchBucket", args=args)

    def test_wrong_secret_key(self):
        r, args = self.run_failing(
            f"s3://{self.bucket}",
            {"AWS_SECRET_ACCESS_KEY": "wrong" + self.server.secret_access_key})
        self.assertOneErrorLine(r, "SignatureDoesNotMatch", args=args)

    def test_unknown_access_key(self):
        r, args = self.run_failing(f"s3://{self.bucket}",
                                   {"AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE"})
        self.assertOneErrorLine(r, "InvalidAccessKeyId", args=args)

    def test_wrong_secret_under_a_root(self):
        r, args = self.run_failing(f"s3://{self.bucket}/some/root/",
                                   {"AWS_SECRET_ACCESS_KEY": "x"})
        self.assertOneErrorLine(r, "SignatureDoesNotMatch", args=args)

    def test_no_credentials(self):
        r, args = self.run_failing(
            f"s3://{self.bucket}",
            {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None,
             "AWS_EC2_METADATA_DISABLED": "true"})
        self.assertOneErrorLine(r, args=args)

    def test_nothing_listening(self):
        import harness
        port = harness.free_port()
        args = [f"s3://{self.bucket}", "--keep", "1", "--dry-run",
                "--endpoint-url", f"http://127.0.0.1:{port}"]
        r = self.run_cli(*args)
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        self.assertOneErrorLine(r, args=args)


class UsageErrorTest(S3TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = f"usage-{id(cls) % 100000}"
        cls.server.s3.create_bucket(Bucket=cls.bucket)
        cls.server.s3.put_object(Bucket=cls.bucket, Key="v1/index.html", Body=b"x")

    def assertUsageError(self, *args, mention=None):
        full = [*args, "--dry-run", *self.endpoint_args()]
        mark = self.server.request_mark()
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 2, self.explain(r, full))
        self.assertOneErrorLine(r, *([mention] if mention else []), args=full)
        self.assertEqual(self.server.requests_since(mark), [],
                         "a usage error must be found before any request" + self.explain(r, full))

    def test_keep_not_a_positive_integer(self):
        u = f"s3://{self.bucket}"
        for keep in ("0", "-1", "abc", "1.5", "", "3x", "99999999999999999999999"):
            with self.subTest(keep=keep):
                self.assertUsageError(u, "--keep", keep)
        with self.subTest(keep="-k 0"):
            self.assertUsageError(u, "-k", "0")

    def test_missing_keep(self):
        self.assertUsageError(f"s3://{self.bucket}")

    def test_bad_age(self):
        u = f"s3://{self.bucket}"
        for age in ("5x", "5", "d", "", "-5d", "5 d", "1.5d"):
            with self.subTest(age=age):
                self.assertUsageError(u, "--keep", "3", "--older-than", age)

    def test_bad_before(self):
        u = f"s3://{self.bucket}"
        for t in ("yesterday", "2026-13-01T00:00:00Z", "2026-01-01", ""):
            with self.subTest(before=t):
                self.assertUsageError(u, "--keep", "3", "--before", t)

    def test_both_cutoffs(self):
        self.assertUsageError(f"s3://{self.bucket}", "--keep", "3", "--older-than", "5d",
                              "--before", "2026-01-01T00:00:00Z")

    def test_not_an_s3_url(self):
        for url in (f"http://127.0.0.1/{self.bucket}", f"https://{self.bucket}.s3.amazonaws.com/",
                    self.bucket, f"s3:/{self.bucket}", f"S3//{self.bucket}"):
            with self.subTest(url=url):
                self.assertUsageError(url, "--keep", "3")

    def test_no_bucket(self):
        for url in ("s3://", "s3:///root/"):
            with self.subTest(url=url):
                self.assertUsageError(url, "--keep", "3")
        with self.subTest(url="(none)"):
            self.assertUsageError("--keep", "3")

    def test_bad_choices(self):
        u = f"s3://{self.bucket}"
        self.assertUsageError(u, "--keep", "3", "--sort-by", "size")
        self.assertUsageError(u, "--keep", "3", "--output", "xml")

    def test_unknown_option(self):
        self.assertUsageError(f"s3://{self.bucket}", "--keep", "3", "--frobnicate")


if __name__ == "__main__":
    unittest.main()
