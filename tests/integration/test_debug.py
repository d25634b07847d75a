"""--debug, and secrets never shown (issue 4).

--debug: one line per HTTP request on stderr,
    s3-cleanup: debug: GET 127.0.0.1:PORT /bucket/?list-type=2&... -> 200 id=REQID 12ms attempt 1
checked loosely: method, path, status, "attempt"; one line for each request the server
saw, in order; stdout unchanged.

Secrets: every failure mode we can produce (and a few successes), each with --debug:
none of the fixture secrets -- an access key id beyond its first 4 characters, a secret
key, a session token, a web identity token, a container authorization token, an
Authorization header -- may appear in stdout or stderr, not even in part.
"""
from __future__ import annotations

import json
import re
import secrets as pysecrets
import sys
import unittest

import harness
from test_credentials import PROCESS_SCRIPT, WRONG_SECRET, CredentialsCase

DEBUG_RE = re.compile(
    r"^s3-cleanup: debug: (?P<method>GET|HEAD|PUT|POST|DELETE) (?P<host>\S+) (?P<path>/\S*)"
    r" -> (?P<status>\d{3})\b.*\battempt \d+")


def debug_lines(stderr: str) -> list[str]:
    return [l for l in stderr.splitlines() if l.startswith("s3-cleanup: debug:")]


def request_lines(stderr: str) -> list[re.Match]:
    return [m for m in map(DEBUG_RE.match, stderr.splitlines()) if m]


class DebugTest(CredentialsCase):
    def test_one_line_per_request(self):
        b, deps = self.three()
        mark = self.server.request_mark()
        full = [f"s3://{b}", "--keep", "1", "--dry-run", "--output", "json", "--debug",
                *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        plan = json.loads(r.stdout)  # stdout is still exactly the JSON document
        self.assertEqual([d["name"] for d in plan["deployments"]], ["new", "mid", "old"])
        seen = self.server.requests_since(mark)  # "METHOD RAWPATH?QUERY STATUS"
        reqs = request_lines(r.stderr)
        self.assertEqual(len(reqs), len(seen),
                         f"one debug line per request; server saw {seen}" + self.explain(r, full))
        for m, line in zip(reqs, seen):
            method, rest = line.split(" ", 1)
            status = rest.rsplit(" ", 1)[1]
            self.assertEqual((m["method"], m["status"]), (method, status), m.group(0))
            self.assertTrue(m["path"].startswith(f"/{b}"), m.group(0))
            # A dry run reads only: the versioning status, then listings.
            self.assertTrue("list-type=2" in m["path"] or m["path"].endswith("?versioning="),
                            m.group(0))
            self.assertIn(str(self.server.port), m["host"])
            self.assertRegex(m.group(0), r" id=\S+ ", "the S3 request id")
        self.assertRegex(r.stderr, r"\d+ ?ms")

    def test_quiet_without_debug(self):
        b, deps = self.three()
        full = [f"s3://{b}", "--keep", "1", "--dry-run", *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        self.assertEqual(r.stderr, "", "nothing on stderr without --debug")

    def test_debug_when_deleting(self):
        b, deps = self.three()
        full = [f"s3://{b}", "--keep", "1", "--yes", "--debug", *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        posts = [m for m in request_lines(r.stderr) if m["method"] == "POST"]
        self.assertEqual(len(posts), 1, self.explain(r, full))
        self.assertIn("delete", posts[0]["path"])
        self.assertEqual(posts[0]["status"], "200")
        self.assertEqual(self.list_keys(b), sorted(deps[0].objects()))

    def test_debug_with_an_error(self):
        full = ["s3://no-such-bucket-for-debug", "--keep", "1", "--dry-run", "--debug",
                *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 1, self.explain(r, full))
        reqs = request_lines(r.stderr)
        self.assertTrue(reqs and reqs[-1]["status"] == "404", self.explain(r, full))
        errors = [l for l in r.stderr.splitlines() if l.startswith("s3-cleanup: error:")]
        self.assertEqual(len(errors), 1, self.explain(r, full))
        self.assertIn("NoSuchBucket", errors[0])
        others = [l for l in r.stderr.splitlines()
                  if not l.startswith(("s3-cleanup: error:", "s3-cleanup: debug:"))]
        self.assertEqual(others, [], self.explain(r, full))

    def test_credential_requests_are_shown_too(self):
        """STS and metadata requests are HTTP requests: they get their debug line."""
        b, deps = self.three()
        tok = self.write("token", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZWJ1ZyJ9.")
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--dry-run", "--debug", *self.endpoint_args(),
                         env_extra=self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok),
                                            AWS_ROLE_ARN=self.server.role_arn))
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertTrue(any(m["method"] == "POST" and m["status"] == "200"
                            for m in request_lines(r.stderr)), self.explain(r))
        imds = self.static_fake(self.server.mint_role_credentials())
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--dry-run", "--debug", *self.endpoint_args(),
                         env_extra=self.imds_env(imds))
        self.assertEqual(r.returncode, 0, self.explain(r))
        paths = [(m["method"], m["path"]) for m in request_lines(r.stderr)]
        self.assertIn(("PUT", "/latest/api/token"), paths, self.explain(r))


# ============================================================================ secrets
class SecretsTest(CredentialsCase):
    """Runs with --debug; nothing secret may come out."""

    def setUp(self):
        super().setUp()
        self.secrets: dict[str, str] = {}   # what -> value (any 12-char window is a leak)
        self.key_ids: dict[str, str] = {}   # what -> access key id (beyond its first 4)
        self.results = []  # (label, CompletedProcess): checked again once all keys are known

    def secret(self, what: str, value: str) -> str:
        self.secrets[what] = value
        return value

    def key_id(self, what: str, value: str) -> str:
        self.key_ids[what] = value
        return value

    def creds(self, what: str, c: dict) -> dict:
        self.key_id(what + " access key id", c["AccessKeyId"])
        self.secret(what + " secret", c["SecretAccessKey"])
        if c.get("SessionToken"):
            self.secret(what + " session token", c["SessionToken"])
        return c

    def assertNoSecret(self, r, label: str):
        out = r.stdout + "\n" + r.stderr
        for what, value in self.secrets.items():
            w = min(12, len(value))
            for i in range(len(value) - w + 1):
                if value[i:i + w] in out:
                    self.fail(f"[{label}] part of the {what} ({value[i:i + w]!r}) is shown"
                              + self.explain(r))
        for what, value in self.key_ids.items():
            rest = value[4:]
            for i in range(len(rest) - 8 + 1):
                if rest[i:i + 8] in out:
                    self.fail(f"[{label}] the {what} is shown beyond its first 4 characters "
                              f"({rest[i:i + 8]!r})" + self.explain(r))
        for marker in ("AWS4-HMAC-SHA256", "Signature=", "Credential="):
            self.assertNotIn(marker, out, f"[{label}] an Authorization header is shown"
                             + self.explain(r))

    def run_case(self, label: str, env: dict, expect_rc=1, *args, timeout=60):
        b = self.bucket
        full = [f"s3://{b}", "--keep", "1", "--dry-run", "--debug", "--output", "json",
                *self.endpoint_args(), *args]
        r = self.run_cli(*full, env_extra=env, timeout=timeout)
        self.results.append((label, r))
        with self.subTest(case=label):
            self.assertEqual(r.returncode, expect_rc, f"[{label}]" + self.explain(r, full))
            if expect_rc:
                errors = [l for l in r.stderr.splitlines() if l.startswith("s3-cleanup: error:")]
                self.assertEqual(len(errors), 1, f"[{label}] one error line" + self.explain(r, full))
            self.assertNoSecret(r, label)
        return r

    def test_no_secret_in_any_output(self):
        self.bucket, _ = self.three()
        moto = self.creds("moto user", {"AccessKeyId": self.server.access_key_id,
                                        "SecretAccessKey": self.server.secret_access_key})
        temp = self.creds("temporary", self.server.mint_role_credentials())
        revoked = self.creds("revoked", self.server.mint_role_credentials())
        self.server.revoke(revoked["AccessKeyId"])
        wrong = self.secret("wrong secret", WRONG_SECRET + pysecrets.token_hex(4))
        unknown = self.key_id("unknown key", "AKIA" + pysecrets.token_hex(8).upper())
        fake_token = self.secret("made-up session token", "FQoGZXIvYXdz" + pysecrets.token_urlsafe(60))
        web_token = self.secret("web identity token",
                                "eyJhbGciOiJSUzI1NiJ9." + pysecrets.token_urlsafe(48) + ".sig")
        bad_web_token = self.secret("rejected web identity token",
                                    "invalid-eyJ" + pysecrets.token_urlsafe(40))
        pod_token = self.secret("container authorization token", "pod-" + pysecrets.token_urlsafe(32))
        wrong_pod_token = self.secret("wrong container token", "pod-" + pysecrets.token_urlsafe(32))
        env_keys = lambda c, **kw: self.env(AWS_ACCESS_KEY_ID=c["AccessKeyId"],  # noqa: E731
                                            AWS_SECRET_ACCESS_KEY=c["SecretAccessKey"],
                                            **({"AWS_SESSION_TOKEN": c["SessionToken"]}
                                               if c.get("SessionToken") else {}), **kw)

        # ---- S3 says no
        self.run_case("wrong secret", env_keys({**moto, "SecretAccessKey": wrong}))
        self.run_case("unknown key id", env_keys({"AccessKeyId": unknown, "SecretAccessKey": wrong}))
        self.run_case("session token with a long-term key",
                      env_keys({**moto, "SessionToken": fake_token}))
        self.run_case("revoked temporary credentials", env_keys(revoked))
        # ---- STS says no
        self.write("credentials", self.static_profile("base", {**moto, "SecretAccessKey": wrong}))
        self.write("config", f"[profile role]\nrole_arn = {self.server.role_arn}\nsource_profile = base\n\n"
                             f"[profile ext]\nrole_arn = {self.server.external_id_role_arn}\n"
                             "source_profile = good\n")
        with open(self.tmp / "credentials", "a") as f:
            f.write("\n" + self.static_profile("good"))
        self.run_case("STS: source profile with a wrong secret", self.env(), 1, "--profile", "role")
        self.run_case("STS: external id missing", self.env(), 1, "--profile", "ext")
        tok = self.write("bad-web-token", bad_web_token)
        self.run_case("STS: web identity token rejected",
                      self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN=self.server.role_arn))
        self.run_case("STS: unreachable", self.env(
            AWS_WEB_IDENTITY_TOKEN_FILE=str(self.write("web-token", web_token)),
            AWS_ROLE_ARN=self.server.role_arn,
            AWS_ENDPOINT_URL_STS=f"http://127.0.0.1:{harness.free_port()}"))
        # ---- credential_process fails (its stdout holds the secrets)
        d = self.tmp / "proc"
        d.mkdir()
        (d / "creds.py").write_text(PROCESS_SCRIPT)
        (d / "creds.json").write_text(json.dumps({"Version": 1, **temp}))
        for mode in ("fail", "garbage", "incomplete"):
            self.write("config", f"[default]\ncredential_process = \"{sys.executable}\" "
                                 f"\"{d / 'creds.py'}\" {mode} \"{d / 'creds.json'}\"\n")
            (self.tmp / "credentials").unlink(missing_ok=True)
            self.run_case(f"credential_process {mode}", self.env())
        (self.tmp / "config").unlink()
        # ---- container and IMDS fail
        ecs = self.static_fake(temp, extra=("--auth-token", pod_token))
        self.run_case("container: wrong token", self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials",
            AWS_CONTAINER_AUTHORIZATION_TOKEN=wrong_pod_token))
        self.run_case("container: no token", self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials"))
        bad_ecs = self.static_fake(revoked)
        self.run_case("container: revoked credentials", self.ecs_env(bad_ecs))
        self.run_case("IMDS absent", self.imds_env(self.fake("--imds-absent")))
        self.run_case("IMDS stalled", self.imds_env(
            self.static_fake(temp, extra=("--delay-ms", "5000")), AWS_METADATA_SERVICE_TIMEOUT="1"))
        self.run_case("IMDS revoked credentials", self.imds_env(self.static_fake(revoked)))
        self.run_case("no credentials at all", self.env())
        # ---- a proxy with a password in its URL (curl's http_proxy), unreachable
        proxy_password = self.secret("proxy password", "pxy-" + pysecrets.token_urlsafe(24))
        r = self.run_case("proxy unreachable", env_keys(
            moto, http_proxy=f"http://proxyuser:{proxy_password}@127.0.0.1:{harness.free_port()}"),
            1, "--max-attempts", "2")
        self.assertIn("cannot connect to the proxy http://127.0.0.1:", r.stderr)
        self.assertNotIn("proxyuser", r.stdout + r.stderr)
        # ---- and when it works
        self.run_case("ok: environment", env_keys(temp), 0)
        self.run_case("ok: container with token", self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials",
            AWS_CONTAINER_AUTHORIZATION_TOKEN=pod_token), 0)
        self.run_case("ok: IMDS", self.imds_env(self.static_fake(temp)), 0)
        smark = self.server.sts_log_mark()
        tok = self.write("web-token", web_token)
        self.run_case("ok: web identity", self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok),
                                                   AWS_ROLE_ARN=self.server.role_arn), 0)
        self.write("credentials", self.static_profile("base"))
        self.write("config", f"[profile role]\nrole_arn = {self.server.role_arn}\nsource_profile = base\n")
        self.run_case("ok: assume role", self.env(), 0, "--profile", "role")
        for i, c in enumerate(self.sts_calls(smark)):
            if c["issued_access_key_id"]:
                self.key_id(f"STS-issued key #{i}", c["issued_access_key_id"])
        self.assertGreaterEqual(len(self.key_ids), 6)
        self.assertGreaterEqual(len(self.results), 20)
        for label, r in self.results:  # the keys STS issued during the runs, too
            with self.subTest(case=label, check="STS-issued keys"):
                self.assertNoSecret(r, label)


if __name__ == "__main__":
    unittest.main()
