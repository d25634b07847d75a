"""HTTPS, proxies and the bucket-owner check (issue 16), against real TLS and a real proxy.

  1. trust: --ca-bundle, AWS_CA_BUNDLE, a profile's ca_bundle (in that order) for moto behind
     stunnel and for Ceph RGW's own TLS port: a dry run and a deletion, the bucket checked
     with boto3 afterwards
  2. refusal: an unknown CA, a certificate for another name, an expired one: exit 1, one
     line naming HOST:PORT, the reason and --ca-bundle, ONE connection (never retried);
     a CA bundle that does not exist: exit 2 before any connection; --no-verify-ssl works
     and says so on every run
  3. proxies (tinyproxy): https by CONNECT, http by absolute URL, NO_PROXY, the credential
     endpoints (IMDS, container) never proxied, a proxy password never shown
  4. --expected-bucket-owner through tests/s3server/fault_proxy.py --expect-owner

The certificates come from tls_harness.TestCA (openssl), TLS in front of moto from stunnel4,
the proxy is tinyproxy: each class is skipped (printed) without its program. This machine's
environment sets AWS_CA_BUNDLE; S3TestCase.cli_env starts the binary from a clean
environment anyway, and every run here also removes it explicitly unless a test sets it.
"""
from __future__ import annotations

import base64
import http.client
import json
import re
import shutil
import socket
import ssl
import tempfile
import unittest
import urllib.parse
from pathlib import Path

import harness
import rgw_harness
import tls_harness
from harness import Dep

SYSTEM_BUNDLE = "/etc/ssl/certs/ca-certificates.crt"  # a real bundle without our CA
OWNER = "111122223333"
OTHER_OWNER = "999999999999"
TLS_ERROR = "s3-cleanup: error: cannot verify the TLS certificate of "
NO_VERIFY_WARNING = "s3-cleanup: warning: --no-verify-ssl:"


class NetworkCase(harness.S3TestCase):
    """Helpers: environments without AWS_CA_BUNDLE, three deployments, runs and checks."""

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="s3c-net-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)

    @classmethod
    def stunnel(cls, cert: str = "good", upstream_port: int | None = None) -> tls_harness.Stunnel:
        """stunnel in front of the server (or upstream_port), stopped after the class."""
        st = tls_harness.Stunnel(upstream_port or cls.server.port, cert).start()
        cls.addClassCleanup(st.cleanup)
        return st

    def tinyproxy(self, auth=None) -> tls_harness.TinyProxy:
        tp = tls_harness.TinyProxy(auth=auth).start()
        self.addCleanup(tp.cleanup)
        return tp

    @staticmethod
    def env(**extra) -> dict:
        """env_extra: AWS_CA_BUNDLE removed unless given (it is set on this machine)."""
        e = {"AWS_CA_BUNDLE": None}
        e.update(extra)
        return e

    def write(self, name: str, text: str) -> Path:
        p = self.tmp / name
        p.write_text(text)
        return p

    def cli(self, bucket: str, endpoint: str, *args, env: dict | None = None, json_out=True):
        full = [f"s3://{bucket}", "--keep", "1", *map(str, args),
                *(["--output", "json"] if json_out else []), "--endpoint-url", endpoint]
        r = self.run_cli(*full, env_extra=env if env is not None else self.env())
        return r, full

    def dry_run(self, bucket: str, deps: list[Dep], endpoint: str, *args, env=None):
        """A dry run (--keep 1) that must succeed with the plan keep new, delete mid and old."""
        with self.unchanged(bucket):
            r, full = self.cli(bucket, endpoint, "--dry-run", *args, env=env)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        plan = json.loads(r.stdout)
        self.assertPlanWellFormed(plan, bucket)
        self.assertDeployments(plan, [(deps[0], "keep", "newest"), (deps[1], "delete", "past-keep"),
                                      (deps[2], "delete", "past-keep")])
        return r

    def deletion(self, bucket: str, deps: list[Dep], endpoint: str, *args, env=None):
        """--keep 1 --yes that must succeed; afterwards only the newest deployment is left."""
        r, full = self.cli(bucket, endpoint, "--yes", *args, env=env)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        result = json.loads(r.stdout)["result"]
        self.assertEqual(result["deployments_deleted"], len(deps) - 1, r.stdout)
        self.assertEqual(result["failed"], [], r.stdout)
        self.assertEqual(self.list_keys(bucket), sorted(deps[0].objects()),
                         "objects left in the bucket (boto3, plain endpoint)" + self.explain(r, full))
        return r

    def assertUntouched(self, bucket: str, deps: list[Dep]):
        self.assertEqual(self.list_keys(bucket), sorted(k for d in deps for k in d.objects()),
                         "nothing may be deleted")

    def assertTlsRefused(self, r, full, hostport: str, reason: str):
        """exit 1, exactly one stderr line: the TLS error for HOST:PORT with the reason."""
        self.assertEqual(r.returncode, 1, self.explain(r, full))
        self.assertOneErrorLine(r, args=full)
        line = r.stderr.splitlines()[0]
        self.assertTrue(line.startswith(f"{TLS_ERROR}{hostport}: "),
                        f"want {TLS_ERROR}{hostport}: ..." + self.explain(r, full))
        self.assertIn(reason, line[len(TLS_ERROR) + len(hostport) + 2:], self.explain(r, full))
        self.assertIn("--ca-bundle", line, self.explain(r, full))


# ============================================================================ infrastructure
class InfrastructureTest(NetworkCase):
    """The helpers themselves, with boto3 and curl alone (no binary needed)."""

    needs_binary = False

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = tls_harness.TestCA.shared()
        cls.good = cls.stunnel("good")

    def test_certificates(self):
        ctx = ssl.create_default_context(cafile=str(self.ca.ca_cert))
        for name, host, ok in (("good", "localhost", True), ("good", "127.0.0.1", True),
                               ("wrong_name", "localhost", False), ("expired", "localhost", False)):
            with self.subTest(cert=name, host=host):
                st = self.good if name == "good" else self.stunnel(name)
                with socket.create_connection(("127.0.0.1", st.port), timeout=10) as s:
                    if ok:
                        with ctx.wrap_socket(s, server_hostname=host) as t:
                            self.assertEqual(t.version()[:3], "TLS")
                    else:
                        with self.assertRaises(ssl.SSLCertVerificationError) as cm:
                            ctx.wrap_socket(s, server_hostname=host)
                        want = "Hostname mismatch" if name == "wrong_name" else "certificate has expired"
                        self.assertIn(want, str(cm.exception))

    def test_boto3_through_stunnel(self):
        b = self.new_bucket()
        self.put(b, "v1/a.txt", b"plain")
        mark = self.good.connection_mark()
        log_mark = self.server.request_mark()
        for url in (self.good.endpoint_url, self.good.localhost_url):
            c = tls_harness.tls_client(url, self.server.access_key_id,
                                       self.server.secret_access_key, self.ca.ca_cert)
            self.assertIn(b, [x["Name"] for x in c.list_buckets()["Buckets"]])
            c.put_object(Bucket=b, Key=f"v2/{url[8:13]}.txt", Body=b"over TLS")
        self.assertEqual(self.list_keys(b), ["v1/a.txt", "v2/127.0.txt", "v2/local.txt"])
        self.assertGreaterEqual(len(self.good.connections_since(mark)), 2)
        self.assertEqual(len(self.server.requests_since(log_mark)), 4 + 1)  # + list_keys

    def via_proxy(self, tp, target: str, user_pass: str | None = None) -> int:
        """GET target through the proxy (https: a CONNECT tunnel, TLS verified against the
        CA; http: the absolute URL); the status of the answer."""
        u = urllib.parse.urlsplit(target)
        auth = {}
        if user_pass:
            auth = {"Proxy-Authorization": "Basic " + base64.b64encode(user_pass.encode()).decode()}
        if u.scheme == "https":
            ctx = ssl.create_default_context(cafile=str(self.ca.ca_cert))
            c = http.client.HTTPSConnection("127.0.0.1", tp.port, timeout=30, context=ctx)
            c.set_tunnel(u.hostname, u.port, headers=auth)
            path = u.path or "/"
        else:
            c = http.client.HTTPConnection("127.0.0.1", tp.port, timeout=30)
            path = target
        try:
            c.request("GET", path, headers=auth)
            r = c.getresponse()
            r.read()
            return r.status
        except OSError as e:  # a tunnel refused: "Tunnel connection failed: 407 ..."
            m = re.search(r"Tunnel connection failed: (\d{3})", str(e))
            if not m:
                raise
            return int(m.group(1))
        finally:
            c.close()

    def test_tinyproxy(self):
        tp = self.tinyproxy()
        mark = tp.mark()
        # moto answers an unsigned request 403 AccessDenied: it got there
        self.assertEqual(self.via_proxy(tp, self.good.endpoint_url + "/"), 403)
        self.assertEqual(self.via_proxy(tp, self.server.endpoint_url + "/x"), 403)
        self.assertEqual(tp.connects(mark), [self.good.hostport])
        self.assertEqual(tp.requests(mark), [f"GET {self.server.endpoint_url}/x"])
        auth = self.tinyproxy(auth=("user", "S3cr3t-pw"))
        for target in (self.good.endpoint_url + "/", self.server.endpoint_url + "/"):
            for creds, want in ((None, 407), ("user:S3cr3t-pw", 403),
                                ("user:wrong", 401)):  # tinyproxy 1.11.1: 401, not 407
                with self.subTest(target=target, creds=creds):
                    self.assertEqual(self.via_proxy(auth, target, creds), want)

    def test_fault_proxy_owner_check(self):
        import boto3
        from botocore.config import Config
        b = self.new_bucket()
        self.put(b, "v1/a.txt")
        for expect, ok in ((OWNER, True), (OTHER_OWNER, False)):
            with self.subTest(expect=expect), harness.FaultProxy(self.server.port, "--expect-owner",
                                                                 expect) as proxy:
                c = boto3.session.Session().client(
                    "s3", endpoint_url=proxy.endpoint_url, region_name=harness.REGION,
                    aws_access_key_id=self.server.access_key_id,
                    aws_secret_access_key=self.server.secret_access_key,
                    config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))
                if ok:
                    c.list_objects_v2(Bucket=b, ExpectedBucketOwner=OWNER)
                else:
                    with self.assertRaises(c.exceptions.ClientError) as cm:
                        c.list_objects_v2(Bucket=b, ExpectedBucketOwner=OWNER)
                    self.assertEqual(cm.exception.response["Error"]["Code"], "AccessDenied")
                c.list_objects_v2(Bucket=b)
                st = proxy.stats()
                self.assertEqual(st["owner_headers"], {"": 1, OWNER: 1})
                self.assertEqual(st["owner_denied"], 0 if ok else 1)
                self.assertEqual(st["requests"], 2 if ok else 1)


# ============================================================================ trust
class TrustTest(NetworkCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = tls_harness.TestCA.shared()
        cls.tls = cls.stunnel("good")

    def profile_env(self, ca_bundle: str, **extra) -> dict:
        cfg = self.write("config", f"[default]\nregion = {harness.REGION}\nca_bundle = {ca_bundle}\n")
        return self.env(AWS_CONFIG_FILE=str(cfg), **extra)

    def sources(self) -> dict:
        """The three ways of naming the CA: (extra args, env_extra)."""
        ca = str(self.ca.ca_cert)
        return {"--ca-bundle": (["--ca-bundle", ca], self.env()),
                "AWS_CA_BUNDLE": ([], self.env(AWS_CA_BUNDLE=ca)),
                "profile ca_bundle": ([], self.profile_env(ca))}

    def test_dry_run_and_deletion_over_https(self):
        for source, (args, env) in self.sources().items():
            with self.subTest(source=source):
                if source != "AWS_CA_BUNDLE":
                    self.assertNotIn("AWS_CA_BUNDLE", self.cli_env(env))
                b, deps = self.three()
                mark = self.tls.connection_mark()
                self.dry_run(b, deps, self.tls.endpoint_url, *args, env=env)
                self.deletion(b, deps, self.tls.endpoint_url, *args, env=env)
                self.assertGreaterEqual(len(self.tls.connections_since(mark)), 2,
                                        "both runs went through the TLS port")

    def test_named_profile_ca_bundle(self):
        """--profile P: P's keys and P's ca_bundle."""
        cfg = self.write("config", f"[profile tls]\nregion = {harness.REGION}\n"
                                   f"aws_access_key_id = {self.server.access_key_id}\n"
                                   f"aws_secret_access_key = {self.server.secret_access_key}\n"
                                   f"ca_bundle = {self.ca.ca_cert}\n")
        env = self.env(AWS_CONFIG_FILE=str(cfg), **harness.no_credentials_env())
        b, deps = self.three()
        self.deletion(b, deps, self.tls.endpoint_url, "--profile", "tls", env=env)

    def test_localhost_name(self):
        b, deps = self.three()
        self.deletion(b, deps, self.tls.localhost_url, "--ca-bundle", self.ca.ca_cert)

    def test_order_flag_env_profile(self):
        """The flag over AWS_CA_BUNDLE over the profile: the first one named is the only one."""
        ca, hp = str(self.ca.ca_cert), self.tls.hostport
        b, deps = self.three()
        cases = [
            ("flag over env", ["--ca-bundle", ca], self.env(AWS_CA_BUNDLE=SYSTEM_BUNDLE), True),
            ("flag over env (refused)", ["--ca-bundle", SYSTEM_BUNDLE], self.env(AWS_CA_BUNDLE=ca),
             False),
            ("env over profile", [], self.profile_env(SYSTEM_BUNDLE, AWS_CA_BUNDLE=ca), True),
            ("env over profile (refused)", [], self.profile_env(ca, AWS_CA_BUNDLE=SYSTEM_BUNDLE),
             False),
            ("flag over profile", ["--ca-bundle", ca], self.profile_env(SYSTEM_BUNDLE), True),
        ]
        for name, args, env, ok in cases:
            with self.subTest(case=name):
                if ok:
                    self.dry_run(b, deps, self.tls.endpoint_url, *args, env=env)
                else:
                    r, full = self.cli(b, self.tls.endpoint_url, "--dry-run", *args, env=env,
                                       json_out=False)
                    self.assertTlsRefused(r, full, hp, "unknown CA")
        self.assertUntouched(b, deps)

    def test_missing_ca_bundle_is_a_usage_error(self):
        missing = str(self.tmp / "no-such-dir" / "ca.pem")
        b, deps = self.three()
        for source, args, env in (("--ca-bundle", ["--ca-bundle", missing], self.env()),
                                  ("AWS_CA_BUNDLE", [], self.env(AWS_CA_BUNDLE=missing)),
                                  ("profile", [], self.profile_env(missing))):
            with self.subTest(source=source):
                mark, conns = self.server.request_mark(), self.tls.connection_mark()
                r, full = self.cli(b, self.tls.endpoint_url, "--dry-run", *args, env=env,
                                   json_out=False)
                self.assertEqual(r.returncode, 2, self.explain(r, full))
                self.assertOneErrorLine(r, missing, args=full)
                self.assertEqual(self.tls.connections_since(conns), [], "no connection")
                self.assertEqual(self.server.requests_since(mark), [], "no request")
        self.assertUntouched(b, deps)


# ============================================================================ refusal
class RefusalTest(NetworkCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = tls_harness.TestCA.shared()
        cls.good = cls.stunnel("good")
        cls.wrong_name = cls.stunnel("wrong_name")
        cls.expired = cls.stunnel("expired")

    def refused_once(self, st: tls_harness.Stunnel, endpoint: str, hostport: str, reason: str,
                     *args, env=None):
        """A run with --max-attempts 8 refused at the first TLS handshake: one connection."""
        b, deps = self.three()
        mark, conns = self.server.request_mark(), st.connection_mark()
        r, full = self.cli(b, endpoint, "--dry-run", "--max-attempts", "8", *args, env=env,
                           json_out=False)
        self.assertTlsRefused(r, full, hostport, reason)
        seen = st.connections_since(conns)
        self.assertEqual(len(seen), 1, f"TLS connections {seen}: a refused certificate is not "
                                       f"retried" + self.explain(r, full))
        self.assertEqual(self.server.requests_since(mark), [], "nothing reached the server")
        # --output json: the same single line on stderr
        r, full = self.cli(b, endpoint, "--dry-run", "--max-attempts", "8", *args, env=env)
        self.assertTlsRefused(r, full, hostport, reason)
        self.assertUntouched(b, deps)
        return r

    def test_unknown_ca(self):
        env = self.env()
        self.assertNotIn("AWS_CA_BUNDLE", self.cli_env(env))
        self.refused_once(self.good, self.good.endpoint_url, self.good.hostport, "unknown CA",
                          env=env)
        with self.subTest(name="localhost"):
            self.refused_once(self.good, self.good.localhost_url, f"localhost:{self.good.port}",
                              "unknown CA", env=env)

    def test_unknown_ca_when_deleting(self):
        b, deps = self.three()
        r, full = self.cli(b, self.good.endpoint_url, "--yes", json_out=False)
        self.assertTlsRefused(r, full, self.good.hostport, "unknown CA")
        self.assertUntouched(b, deps)

    def test_name_mismatch(self):
        st = self.wrong_name
        self.refused_once(st, st.localhost_url, f"localhost:{st.port}", "name mismatch",
                          "--ca-bundle", self.ca.ca_cert)
        with self.subTest(address="127.0.0.1"):
            self.refused_once(st, st.endpoint_url, st.hostport, "name mismatch",
                              env=self.env(AWS_CA_BUNDLE=str(self.ca.ca_cert)))

    def test_expired(self):
        st = self.expired
        self.refused_once(st, st.endpoint_url, st.hostport, "expired", "--ca-bundle", self.ca.ca_cert)
        with self.subTest(name="localhost"):
            self.refused_once(st, st.localhost_url, f"localhost:{st.port}", "expired",
                              "--ca-bundle", self.ca.ca_cert)

    def assertWarnedOnce(self, r):
        lines = r.stderr.splitlines()
        self.assertEqual(len([l for l in lines if l.startswith(NO_VERIFY_WARNING)]), 1,
                         "one --no-verify-ssl warning" + self.explain(r))
        self.assertEqual([l for l in lines if l.startswith("s3-cleanup: error:")], [],
                         self.explain(r))

    def test_no_verify_ssl(self):
        """No CA anywhere: --no-verify-ssl connects all the same, and says so each run."""
        for st, endpoint in ((self.good, self.good.endpoint_url),
                             (self.wrong_name, self.wrong_name.localhost_url),
                             (self.expired, self.expired.endpoint_url)):
            with self.subTest(cert=st.cert_name):
                b, deps = self.three()
                conns = st.connection_mark()
                r = self.dry_run(b, deps, endpoint, "--no-verify-ssl")
                self.assertWarnedOnce(r)
                self.assertGreaterEqual(len(st.connections_since(conns)), 1)
        b, deps = self.three()
        r = self.deletion(b, deps, self.good.endpoint_url, "--no-verify-ssl")
        self.assertWarnedOnce(r)


# ============================================================================ RGW over TLS
class RGWTrustTest(NetworkCase, rgw_harness.S3ServerTestCase):
    """Ceph RGW's own TLS port (beast ssl_endpoint, the TestCA's good certificate)."""

    s3_server = "rgw"
    rgw_tls = True

    @classmethod
    def setUpClass(cls):
        tls_harness.require_tool("openssl")
        super().setUpClass()
        cls.ca = tls_harness.TestCA.shared()

    def by_name(self) -> tuple[str, dict]:
        """d1, d2, d3 (by name, RGW has no test clock); --keep 1 --sort-by name keeps d3."""
        b = self.new_bucket()
        objects = {f"d{i}/f{j}.txt": b"x" * 3 for i in (1, 2, 3) for j in range(3)}
        objects["index.html"] = b"root"
        self.seed(b, objects)
        return b, objects

    def test_boto3_over_https(self):
        c = self.server.tls_client()
        b = self.new_bucket(create=False)
        c.create_bucket(Bucket=b)
        c.put_object(Bucket=b, Key="d1/a.txt", Body=b"over https")
        self.assertEqual([o["Key"] for o in c.list_objects_v2(Bucket=b)["Contents"]], ["d1/a.txt"])
        self.assertEqual(c.get_object(Bucket=b, Key="d1/a.txt")["Body"].read(), b"over https")
        self.assertEqual(self.list_keys(b), ["d1/a.txt"])  # the plain port: the same bucket

    def test_deletion_over_https_with_ca_bundle(self):
        b, objects = self.by_name()
        mark = self.server.request_mark()
        r, full = self.cli(b, self.server.https_endpoint_url, "--sort-by", "name", "--yes",
                           "--ca-bundle", self.ca.ca_cert)
        end = self.server.request_mark()
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        self.assertEqual(json.loads(r.stdout)["result"]["deployments_deleted"], 2, r.stdout)
        self.assertEqual(self.list_keys(b), sorted(k for k in objects if not k.startswith(("d1", "d2"))))
        seen = self.server.requests()[mark:end]
        self.assertTrue(any(l.startswith(f"POST /{b}") and "delete" in l for l in seen), seen)

    def test_dry_run_over_https_with_env(self):
        b, objects = self.by_name()
        r, full = self.cli(b, self.server.https_endpoint_url, "--sort-by", "name", "--dry-run",
                           env=self.env(AWS_CA_BUNDLE=str(self.ca.ca_cert)))
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        plan = json.loads(r.stdout)
        self.assertEqual([(d["name"], d["action"]) for d in plan["deployments"]],
                         [("d3", "keep"), ("d2", "delete"), ("d1", "delete")])
        self.assertEqual(self.list_keys(b), sorted(objects))

    def test_unknown_ca(self):
        b, objects = self.by_name()
        r, full = self.cli(b, self.server.https_endpoint_url, "--sort-by", "name", "--yes",
                           "--max-attempts", "8", json_out=False)
        self.assertTlsRefused(r, full, f"127.0.0.1:{self.server.https_port}", "unknown CA")
        self.assertEqual(self.list_keys(b), sorted(objects))


# ============================================================================ proxies
class ProxyTest(NetworkCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ca = tls_harness.TestCA.shared()
        cls.tls = cls.stunnel("good")

    def https_env(self, proxy_url: str, **extra) -> dict:
        return self.env(AWS_CA_BUNDLE=str(self.ca.ca_cert), HTTPS_PROXY=proxy_url, **extra)

    def test_https_through_the_proxy(self):
        """CONNECT to the endpoint, and stunnel saw as many connections as the proxy opened
        tunnels: every connection to the endpoint came through the proxy."""
        tp = self.tinyproxy()
        for variable in ("HTTPS_PROXY", "https_proxy", "ALL_PROXY"):
            with self.subTest(variable=variable):
                b, deps = self.three()
                env = self.env(AWS_CA_BUNDLE=str(self.ca.ca_cert), **{variable: tp.url})
                mark, conns = tp.mark(), self.tls.connection_mark()
                self.dry_run(b, deps, self.tls.endpoint_url, env=env)
                self.deletion(b, deps, self.tls.endpoint_url, env=env)
                connects = tp.connects(mark)
                self.assertTrue(connects, "no CONNECT through the proxy:\n" + tp.log_tail())
                self.assertEqual(set(connects), {self.tls.hostport})
                self.assertEqual(len(self.tls.connections_since(conns)), len(connects),
                                 "connections to the endpoint that did not come through the proxy")
                self.assertEqual(tp.requests(mark), [], "https is never sent as plain proxy requests")

    def test_http_through_the_proxy_every_request(self):
        """An http endpoint: tinyproxy logs every request line, and every request moto saw
        from the run is one of them."""
        tp = self.tinyproxy()
        b, deps = self.three()
        env = self.env(http_proxy=tp.url)
        for what in ("dry run", "deletion"):
            with self.subTest(run=what):
                mark, log = tp.mark(), self.server.request_mark()
                if what == "dry run":
                    r, full = self.cli(b, self.server.endpoint_url, "--dry-run", env=env)
                else:
                    r, full = self.cli(b, self.server.endpoint_url, "--yes", env=env)
                seen = self.server.requests_since(log)
                self.assertEqual(r.returncode, 0, self.explain(r, full))
                want = sorted(f"{l.split(' ')[0]} {self.server.endpoint_url}{l.split(' ')[1]}"
                              for l in seen)
                self.assertTrue(want)
                self.assertEqual(sorted(tp.requests(mark)), want,
                                 "every request moto saw came through the proxy")
                self.assertEqual(tp.connects(mark), [])
        self.assertEqual(self.list_keys(b), sorted(deps[0].objects()))

    def test_no_proxy_bypasses(self):
        tp = self.tinyproxy()
        cases = {
            "https NO_PROXY": (self.tls.endpoint_url,
                               self.https_env(tp.url, NO_PROXY="127.0.0.1")),
            "https no_proxy": (self.tls.endpoint_url,
                               self.https_env(tp.url, no_proxy="localhost,127.0.0.1")),
            "http no_proxy": (self.server.endpoint_url,
                              self.env(http_proxy=tp.url, ALL_PROXY=tp.url, no_proxy="127.0.0.1")),
            "https NO_PROXY *": (self.tls.endpoint_url, self.https_env(tp.url, NO_PROXY="*")),
        }
        for name, (endpoint, env) in cases.items():
            with self.subTest(case=name):
                b, deps = self.three()
                before = tp.log_lines()
                self.deletion(b, deps, endpoint, env=env)
                self.assertEqual(tp.log_lines(), before, "the proxy saw something")

    def credential_fake(self) -> harness.AwsMetadata:
        fake = harness.AwsMetadata("--creds", harness.creds_json(self.server.mint_role_credentials()))
        self.addCleanup(fake.stop)
        return fake

    def proxy_everything(self, tp) -> dict:
        return {v: tp.url for v in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY",
                                    "ALL_PROXY", "all_proxy")}

    def assertNotProxied(self, tp, mark, fake):
        port = f":{fake.port}"
        self.assertEqual([t for t in tp.connects(mark) if t.endswith(port)], [],
                         "CONNECT to the credential endpoint")
        self.assertEqual([t for t in tp.requests(mark) if port + "/" in t or t.endswith(port)], [],
                         "credential requests through the proxy")
        self.assertTrue(fake.log(), "the credentials came from the fake")

    def test_imds_is_never_proxied(self):
        tp = self.tinyproxy()
        fake = self.credential_fake()
        b, deps = self.three()
        env = self.env(**harness.no_credentials_env(), **self.proxy_everything(tp))
        env.update(AWS_EC2_METADATA_DISABLED=None,
                   AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.endpoint_url)
        mark = tp.mark()
        self.deletion(b, deps, self.server.endpoint_url, env=env)
        self.assertTrue(tp.requests(mark), "the S3 requests went through the proxy")
        self.assertNotProxied(tp, mark, fake)
        self.assertGreaterEqual(fake.counts()["imds_credentials"], 1)

    def test_container_endpoint_is_never_proxied(self):
        tp = self.tinyproxy()
        fake = self.credential_fake()
        b, deps = self.three()
        env = self.env(**harness.no_credentials_env(), **self.proxy_everything(tp),
                       AWS_CONTAINER_CREDENTIALS_FULL_URI=fake.endpoint_url + "/v1/credentials")
        mark = tp.mark()
        self.deletion(b, deps, self.server.endpoint_url, env=env)
        self.assertTrue(tp.requests(mark), "the S3 requests went through the proxy")
        self.assertNotProxied(tp, mark, fake)
        self.assertGreaterEqual(fake.counts()["container"], 1)

    def assertNoPassword(self, r, full, *secrets):
        for s in secrets:
            for out in (r.stdout, r.stderr):
                self.assertNotIn(s, out, self.explain(r, full))

    def test_proxy_password_never_shown(self):
        secret, wrong = "Pr0xyS3cret-9f3a", "Wr0ngS3cret-77c1"
        tp = self.tinyproxy(auth=("user", secret))
        basic = base64.b64encode(f"user:{secret}".encode()).decode()
        basic_wrong = base64.b64encode(f"user:{wrong}".encode()).decode()
        with self.subTest(run="https --debug, right password"):
            b, deps = self.three()
            mark = tp.mark()
            r = self.deletion(b, deps, self.tls.endpoint_url, "--debug", env=self.https_env(tp.url))
            self.assertTrue(r.stderr, "--debug writes to stderr")
            self.assertEqual(set(tp.connects(mark)), {self.tls.hostport})
            self.assertNoPassword(r, None, secret, basic)
        with self.subTest(run="http --debug, right password"):
            b, deps = self.three()
            mark = tp.mark()
            r = self.deletion(b, deps, self.server.endpoint_url, "--debug",
                              env=self.env(http_proxy=tp.url))
            self.assertTrue(tp.requests(mark))
            self.assertNoPassword(r, None, secret, basic)
        for scheme in ("https", "http"):
            with self.subTest(run=f"{scheme} --debug, wrong password"):
                b, deps = self.three()
                url = tp.url_with("user", wrong)
                if scheme == "https":
                    endpoint, env = self.tls.endpoint_url, self.https_env(url)
                else:
                    endpoint, env = self.server.endpoint_url, self.env(http_proxy=url)
                r, full = self.cli(b, endpoint, "--yes", "--debug", "--max-attempts", "2", env=env)
                self.assertEqual(r.returncode, 1, self.explain(r, full))
                self.assertTrue(r.stderr.splitlines()[-1].startswith("s3-cleanup: error:"),
                                self.explain(r, full))
                self.assertNoPassword(r, full, secret, wrong, basic, basic_wrong)
                self.assertUntouched(b, deps)


# ============================================================================ bucket owner
class ExpectedOwnerTest(NetworkCase):

    def owner_proxy(self, account: str) -> harness.FaultProxy:
        p = harness.FaultProxy(self.server.port, "--expect-owner", account)
        self.addCleanup(p.stop)
        return p

    def test_header_on_every_request(self):
        proxy = self.owner_proxy(OWNER)
        b, deps = self.three()
        self.dry_run(b, deps, proxy.endpoint_url, "--expected-bucket-owner", OWNER)
        self.deletion(b, deps, proxy.endpoint_url, "--expected-bucket-owner", OWNER)
        st = proxy.stats()
        self.assertGreater(st["requests"], 0)
        self.assertEqual(st["owner_headers"], {"": 0, OWNER: st["requests"]},
                         f"requests without the header: {st['owner_missing']}")
        self.assertEqual(st["owner_denied"], 0)
        self.assertGreaterEqual(st["delete_requests"], 1)

    def test_other_owner_stops_before_any_deletion(self):
        proxy = self.owner_proxy(OTHER_OWNER)
        for what, extra in (("deletion", ["--yes"]), ("dry run", ["--dry-run"])):
            with self.subTest(run=what):
                b, deps = self.three()
                mark = self.server.request_mark()
                r, full = self.cli(b, proxy.endpoint_url, "--expected-bucket-owner", OWNER, *extra,
                                   json_out=False)
                self.assertEqual(r.returncode, 1, self.explain(r, full))
                self.assertOneErrorLine(r, f"not owned by account {OWNER}", args=full)
                self.assertEqual(self.server.requests_since(mark), [],
                                 "every request was refused by the proxy: none reached moto")
                self.assertUntouched(b, deps)
        st = proxy.stats()
        self.assertEqual(st["requests"], 0)
        self.assertEqual(st["delete_requests"], 0)
        self.assertGreaterEqual(st["owner_denied"], 2)
        self.assertEqual(st["owner_headers"][""], 0)

    def test_other_owner_json(self):
        proxy = self.owner_proxy(OTHER_OWNER)
        b, deps = self.three()
        r, full = self.cli(b, proxy.endpoint_url, "--expected-bucket-owner", OWNER, "--yes")
        self.assertEqual(r.returncode, 1, self.explain(r, full))
        self.assertOneErrorLine(r, f"not owned by account {OWNER}", args=full)
        if r.stdout:
            self.assertIn("error", json.loads(r.stdout))
        self.assertUntouched(b, deps)

    def test_bad_account_id(self):
        b, deps = self.three()
        for bad in ("12345", "1111222233334", "11112222333a", "", " 111122223333", "-11112222333"):
            with self.subTest(account=bad):
                mark = self.server.request_mark()
                r, full = self.cli(b, self.server.endpoint_url, "--yes",
                                   f"--expected-bucket-owner={bad}", json_out=False)
                self.assertEqual(r.returncode, 2, self.explain(r, full))
                self.assertOneErrorLine(r, "--expected-bucket-owner", args=full)
                self.assertEqual(self.server.requests_since(mark), [], "no request")
        self.assertUntouched(b, deps)


if __name__ == "__main__":
    unittest.main()
