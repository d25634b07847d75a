"""Failures: S3 errors exit 1, bad usage exits 2 before any request; one stderr line each."""
import http.server
import threading
import unittest

import harness
from harness import S3TestCase


class _LoopbackServer:
    """An HTTP server on a free loopback port, in a thread of the test process, that
    answers every request with `handler`'s answer (no S3 at all)."""

    def __init__(self, handler):
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(10)


class _QuietHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status: int, content_type: str | None, body: bytes):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


class _NotS3Handler(_QuietHandler):
    """A web server: 404 and an HTML page for everything."""

    def do_any(self):
        self.answer(404, "text/html; charset=utf-8",
                    b"<html><body><h1>404 Not Found</h1></body></html>")

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_any


class _RefusingProxyHandler(_QuietHandler):
    """An HTTP proxy whose policy forbids every tunnel."""

    def do_CONNECT(self):
        self.answer(403, "text/plain", b"forbidden by policy")


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


    def test_not_an_s3_endpoint(self):
        """Any web server answering 404 text/html: asks whether the endpoint is S3."""
        web = _LoopbackServer(_NotS3Handler)
        self.addCleanup(web.stop)
        args = [f"s3://{self.bucket}", "--keep", "1", "--dry-run", "--endpoint-url", web.url]
        r = self.run_cli(*args)
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        self.assertEqual(
            r.stderr,
            f"s3-cleanup: error: the endpoint answered HTTP 404 with no S3 error document "
            f"(text/html): is {web.url} an S3 endpoint? [GET s3://{self.bucket}/?versioning]\n",
            self.explain(r, args))


class ProxyErrorTest(S3TestCase):
    """A proxy from the environment that cannot be reached is named, not the endpoint;
    which variable applies follows curl (http_proxy only in lower case, for http URLs)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bucket = f"proxy-{id(cls) % 100000}"
        cls.server.s3.create_bucket(Bucket=cls.bucket)
        cls.server.s3.put_object(Bucket=cls.bucket, Key="v1/index.html", Body=b"x")

    def setUp(self):
        self.closed_port = harness.free_port()  # bound, read, closed: nothing listens
        self.proxy_url = f"http://127.0.0.1:{self.closed_port}"

    def run_with(self, env_extra, *more):
        args = [f"s3://{self.bucket}", "--keep", "1", "--dry-run", *more, *self.endpoint_args()]
        return self.run_cli(*args, env_extra=env_extra), args

    def refused_line(self, variable: str) -> str:
        return (f"s3-cleanup: error: cannot connect to the proxy {self.proxy_url} "
                f"(from {variable}): connection refused; check the proxy setting or unset it "
                f"(no response) [GET s3://{self.bucket}/?versioning]")

    def test_unreachable_proxy_is_named(self):
        for variable in ("http_proxy", "ALL_PROXY", "all_proxy"):
            with self.subTest(variable=variable):
                r, args = self.run_with({variable: self.proxy_url}, "--max-attempts", "1")
                self.assertEqual(r.returncode, 1, self.explain(r, args))
                self.assertEqual(r.stderr, self.refused_line(variable) + "\n",
                                 self.explain(r, args))

    def test_proxies_that_do_not_apply_are_not_used(self):
        """The endpoint is http://: curl ignores HTTP_PROXY (httpoxy) and https_proxy, and
        NO_PROXY excludes hosts; the run then goes straight to the server."""
        cases = {
            "HTTP_PROXY": {"HTTP_PROXY": self.proxy_url},
            "HTTPS_PROXY": {"HTTPS_PROXY": self.proxy_url, "https_proxy": self.proxy_url},
            "NO_PROXY": {"http_proxy": self.proxy_url, "NO_PROXY": "localhost,127.0.0.1"},
            "no_proxy CIDR": {"ALL_PROXY": self.proxy_url, "no_proxy": "127.0.0.0/8"},
            "empty http_proxy": {"http_proxy": "", "ALL_PROXY": self.proxy_url},
        }
        for name, env in cases.items():
            with self.subTest(case=name):
                r, args = self.run_with(env, "--max-attempts", "1")
                self.assertEqual(r.returncode, 0, self.explain(r, args))
                self.assertEqual(r.stderr, "", self.explain(r, args))

    def test_proxy_credentials_never_shown(self):
        secret = "pr0xyS3cretPassw0rd"
        url = f"http://proxyuser:{secret}@127.0.0.1:{self.closed_port}"
        r, args = self.run_with({"http_proxy": url}, "--max-attempts", "1")
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        self.assertEqual(r.stderr, self.refused_line("http_proxy") + "\n", self.explain(r, args))
        # --debug, and a second attempt: the retry is as for any connection failure.
        r, args = self.run_with({"http_proxy": url}, "--max-attempts", "2", "--debug")
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        lines = r.stderr.splitlines()
        failed = [l for l in lines if " -> failed (" in l]
        self.assertEqual([l.rsplit(" ", 1)[1] for l in failed], ["1", "2"],
                         "two attempts, both through the proxy" + self.explain(r, args))
        for line in failed:
            self.assertIn(f"-> failed (cannot connect to the proxy {self.proxy_url} (from "
                          "http_proxy): connection refused;", line)
        self.assertEqual(lines[-1], self.refused_line("http_proxy"), self.explain(r, args))
        for out in (r.stdout, r.stderr):
            self.assertNotIn(secret, out)
            self.assertNotIn(secret[:12], out)
            self.assertNotIn("proxyuser", out)

    def test_proxy_refusing_the_tunnel(self):
        """https through a proxy goes by CONNECT: a refusal is the proxy's, not the
        endpoint's (nothing listens at the endpoint; it is never reached)."""
        proxy = _LoopbackServer(_RefusingProxyHandler)
        self.addCleanup(proxy.stop)
        endpoint = f"https://127.0.0.1:{self.closed_port}"
        args = [f"s3://{self.bucket}", "--keep", "1", "--dry-run", "--max-attempts", "1",
                "--endpoint-url", endpoint]
        r = self.run_cli(*args, env_extra={"HTTPS_PROXY": proxy.url})
        self.assertEqual(r.returncode, 1, self.explain(r, args))
        self.assertEqual(
            r.stderr,
            f"s3-cleanup: error: the proxy {proxy.url} (from HTTPS_PROXY) answered HTTP 403 to "
            f"CONNECT 127.0.0.1:{self.closed_port}; check the proxy setting or unset it "
            f"(no response) [GET s3://{self.bucket}/?versioning]\n",
            self.explain(r, args))


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
