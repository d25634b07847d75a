"""Where the binary finds credentials (issue 4): the chain of the AWS SDKs.

    env keys > web identity (env) > profile (static keys, credential_process, role_arn with
    source_profile / credential_source / web_identity_token_file) > container > IMDSv2

Against the moto server (S3 + STS on one port, signature checks on) and the fakes of
tests/s3server/aws_metadata.py. Which credentials signed which request is read back
from the server's auth log; STS calls from its STS log; credential fetches from the
fake's counters. Every success is a real listing, and where it makes sense a deletion
checked with boto3.
"""
from __future__ import annotations

import datetime as dt
import json
import shutil
import sys
import tempfile
import time
import unittest
from pathlib import Path

import harness
from harness import AwsMetadata, Dep, days_ago, objects_of

WRONG_KEY = "AKIAWRONGWRONGWRONG1"
WRONG_SECRET = "wrongSecretWrongSecretWrongSecret0000000"


def non_loopback_ipv4() -> str | None:
    import socket
    candidates = []
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.connect(("203.0.113.1", 9))  # no packet is sent: this only picks a route
        candidates.append(s.getsockname()[0])
    except OSError:
        pass
    finally:
        s.close()
    try:
        candidates += [ai[4][0] for ai in socket.getaddrinfo(socket.gethostname(), None,
                                                             socket.AF_INET)]
    except OSError:
        pass
    for addr in candidates:
        if not addr.startswith("127.") and addr != "0.0.0.0" and not addr.startswith("169.254."):
            return addr
    return None


class CredentialsCase(harness.S3TestCase):
    """Helpers: a per-test directory for config files, the fakes, runs and checks."""

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp(prefix="s3c-cred-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)

    # ---- fixtures
    def fake(self, *args) -> AwsMetadata:
        f = AwsMetadata(*args)
        self.addCleanup(f.stop)
        return f

    def minting_fake(self, *args, lifetime: float = 3600, role_arn: str | None = None) -> AwsMetadata:
        """A metadata fake that hands out fresh STS credentials of moto's role per fetch."""
        return self.fake("--mint-from", self.server.endpoint_url,
                         "--moto-secret", self.server.secret_access_key,
                         "--mint-role-arn", role_arn or self.server.role_arn,
                         "--lifetime", str(lifetime), *args)

    def static_fake(self, *creds: dict, extra=()) -> AwsMetadata:
        return self.fake("--creds", harness.creds_json(*creds), *extra)

    def write(self, name: str, text: str, mode: int | None = None) -> Path:
        p = self.tmp / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
        if mode is not None:
            p.chmod(mode)
        return p

    def env(self, **extra) -> dict:
        """No credentials anywhere, STS at moto, config files in self.tmp (absent until written)."""
        e = harness.no_credentials_env()
        e.update({"AWS_ENDPOINT_URL_STS": self.server.endpoint_url,
                  "AWS_CONFIG_FILE": str(self.tmp / "config"),
                  "AWS_SHARED_CREDENTIALS_FILE": str(self.tmp / "credentials")})
        e.update(extra)
        return e

    def moto_key(self) -> dict:
        return {"AccessKeyId": self.server.access_key_id,
                "SecretAccessKey": self.server.secret_access_key}

    def static_profile(self, name: str = "default", key: dict | None = None) -> str:
        key = key or self.moto_key()
        text = (f"[{name}]\naws_access_key_id = {key['AccessKeyId']}\n"
                f"aws_secret_access_key = {key['SecretAccessKey']}\n")
        if key.get("SessionToken"):
            text += f"aws_session_token = {key['SessionToken']}\n"
        return text

    def imds_env(self, fake: AwsMetadata, **extra) -> dict:
        e = self.env(AWS_EC2_METADATA_DISABLED=None,
                     AWS_EC2_METADATA_SERVICE_ENDPOINT=fake.endpoint_url)
        e.update(extra)
        return e

    def ecs_env(self, fake: AwsMetadata, uri: str = "/v2/credentials/s3c-task-1", **extra) -> dict:
        e = self.env(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=uri,
                     S3_CLEANUP_TEST_ECS_ENDPOINT=fake.endpoint_url)
        e.update(extra)
        return e

    # ---- data
    # ---- runs
    def listing(self, bucket: str, *args, env: dict, endpoint: str | None = None):
        """A dry run (--keep 1, JSON) that must succeed and list new/mid/old."""
        full = [f"s3://{bucket}", "--keep", "1", "--dry-run", "--output", "json",
                "--endpoint-url", endpoint or self.server.endpoint_url, *args]
        r = self.run_cli(*full, env_extra=env)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        plan = json.loads(r.stdout)
        self.assertEqual([(d["name"], d["action"]) for d in plan["deployments"]],
                         [("new", "keep"), ("mid", "delete"), ("old", "delete")],
                         self.explain(r, full))
        return r

    def failing(self, bucket: str, *args, env: dict, endpoint: str | None = None,
                rc=(1,), timeout: float = harness.CLI_TIMEOUT):
        full = [f"s3://{bucket}", "--keep", "1", "--dry-run", "--output", "json",
                "--endpoint-url", endpoint or self.server.endpoint_url, *args]
        r = self.run_cli(*full, env_extra=env, timeout=timeout)
        self.assertIn(r.returncode, rc, self.explain(r, full))
        # --output json: stdout holds nothing, or one document that reports the error.
        if r.stdout:
            try:
                doc = json.loads(r.stdout)
            except json.JSONDecodeError as e:
                self.fail(f"stdout is neither empty nor one JSON document ({e})"
                          + self.explain(r, full))
            self.assertIn("error", doc, "the JSON document reports the error" + self.explain(r, full))
        self.assertOneErrorLine(r, args=full)
        return r

    def deletion(self, bucket: str, deps: list[Dep], *args, env: dict,
                 endpoint: str | None = None, keep: int = 1):
        """--keep N --yes: must succeed; afterwards only the N newest deployments remain."""
        full = [f"s3://{bucket}", "--keep", str(keep), "--yes", "--output", "json",
                "--endpoint-url", endpoint or self.server.endpoint_url, *args]
        r = self.run_cli(*full, env_extra=env)
        self.run_end = self.server.auth_log_mark()  # before boto3 looks at the bucket
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        result = json.loads(r.stdout)["result"]
        self.assertEqual(result["deployments_deleted"], len(deps) - keep, r.stdout)
        self.assertEqual(result["failed"], [], r.stdout)
        want = sorted(k for d in deps[:keep] for k in d.objects())
        self.assertEqual(self.list_keys(bucket), want, "objects left in the bucket")
        return r

    # ---- what the server saw
    run_end: int | None = None

    def s3_requests(self, mark: int) -> list[dict]:
        """S3 requests since mark (up to the end of the last deletion run, if after mark:
        the requests of boto3's check of the bucket are not the binary's)."""
        end = self.run_end if self.run_end is not None and self.run_end >= mark else None
        return [e for e in self.server.auth_log_since(mark)
                if e["service"] == "s3" and (end is None or e["seq"] < end)]

    def assertS3SignedBy(self, mark: int, key_ids, with_token: bool | None = None):
        """Every S3 request since mark was signed with one of key_ids (and the token or not)."""
        if isinstance(key_ids, str):
            key_ids = {key_ids}
        reqs = self.s3_requests(mark)
        self.assertTrue(reqs, "no S3 request reached the server")
        self.assertEqual({e["access_key_id"] for e in reqs} - set(key_ids), set(),
                         f"S3 requests signed with other keys: {reqs[:5]}")
        if with_token is not None:
            self.assertEqual({e["session_token"] for e in reqs}, {with_token},
                             "X-Amz-Security-Token on the S3 requests")

    def sts_calls(self, mark: int, action: str | None = None) -> list[dict]:
        return [c for c in self.server.sts_calls_since(mark)
                if action is None or c["action"] == action]


# ============================================================================ static
class StaticTest(CredentialsCase):
    def test_environment_keys(self):
        b, deps = self.three()
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.env(AWS_ACCESS_KEY_ID=self.server.access_key_id,
                                     AWS_SECRET_ACCESS_KEY=self.server.secret_access_key))
        self.assertS3SignedBy(mark, self.server.access_key_id, with_token=False)

    def test_environment_session_token(self):
        b, deps = self.three()
        c = self.server.mint_role_credentials()
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, env=self.env(AWS_ACCESS_KEY_ID=c["AccessKeyId"],
                                            AWS_SECRET_ACCESS_KEY=c["SecretAccessKey"],
                                            AWS_SESSION_TOKEN=c["SessionToken"]))
        self.assertS3SignedBy(mark, c["AccessKeyId"], with_token=True)

    def test_default_profile_in_home(self):
        """~/.aws/credentials and ~/.aws/config when the AWS_*_FILE variables are unset."""
        b, deps = self.three()
        home = self.tmp / "home"
        (home / ".aws").mkdir(parents=True)
        (home / ".aws" / "credentials").write_text(self.static_profile("default"))
        (home / ".aws" / "config").write_text("[default]\nregion = us-east-1\n")
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.env(HOME=str(home), AWS_SHARED_CREDENTIALS_FILE=None,
                                     AWS_CONFIG_FILE=None))
        self.assertS3SignedBy(mark, self.server.access_key_id)

    def test_static_keys_in_config_file_profile(self):
        b, deps = self.three()
        self.write("config", "[profile other]\n" + self.static_profile("x").split("\n", 1)[1])
        mark = self.server.auth_log_mark()
        self.listing(b, "--profile", "other", env=self.env())
        self.assertS3SignedBy(mark, self.server.access_key_id)

    def test_no_credentials_anywhere(self):
        """exit 1, one line saying where it looked (IMDS answering 404, nothing else set)."""
        b, deps = self.three()
        imds = self.fake("--imds-absent")
        mark = self.server.auth_log_mark()
        r = self.failing(b, env=self.imds_env(imds))
        line = r.stderr.lower()
        self.assertIn("credential", line)
        for place in ("environment", "profile", "container", "metadata|imds"):
            self.assertRegex(line, place, "the line lists where it looked" + self.explain(r))
        self.assertEqual(self.s3_requests(mark), [], "no request may be sent without credentials")

    def test_unknown_profile(self):
        b, deps = self.three()
        self.write("credentials", self.static_profile("default"))
        self.failing(b, "--profile", "nosuchprofile", env=self.env(), rc=(1, 2))

    def test_profile_flag_means_that_profile_only(self):
        """--profile P without credentials in P: the container endpoint, IMDS and the
        environment are not asked (step 3 only)."""
        b, deps = self.three()
        self.write("config", "[profile empty]\nregion = us-east-1\n")
        ecs = self.static_fake(self.server.mint_role_credentials())
        imds = self.static_fake(self.server.mint_role_credentials())
        env = self.ecs_env(ecs, AWS_EC2_METADATA_DISABLED=None,
                           AWS_EC2_METADATA_SERVICE_ENDPOINT=imds.endpoint_url,
                           AWS_ACCESS_KEY_ID=self.server.access_key_id,
                           AWS_SECRET_ACCESS_KEY=self.server.secret_access_key)
        self.failing(b, "--profile", "empty", env=env)
        self.assertEqual((ecs.log(), imds.log()), ([], []))


# ============================================================================ AssumeRole
class AssumeRoleTest(CredentialsCase):
    def base_profile(self):
        self.write("credentials", self.static_profile("base"))

    def test_role_arn_with_source_profile(self):
        b, deps = self.three()
        self.base_profile()
        self.write("config",
                   "[profile deployer]\n"
                   f"role_arn = {self.server.role_arn}\n"
                   "source_profile = base\n"
                   "role_session_name = s3c-deployer-session\n"
                   "duration_seconds = 1800\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.listing(b, "--profile", "deployer", env=self.env())
        calls = self.sts_calls(smark)
        self.assertEqual([c["action"] for c in calls], ["AssumeRole"], calls)
        c = calls[0]
        self.assertEqual(c["status"], 200, c)
        self.assertTrue(c["signed"])
        self.assertEqual(c["caller_access_key_id"], self.server.access_key_id)
        self.assertEqual(c["role_arn"], self.server.role_arn)
        self.assertEqual(c["role_session_name"], "s3c-deployer-session")
        self.assertEqual(c["duration_seconds"], 1800)
        self.assertS3SignedBy(mark, c["issued_access_key_id"], with_token=True)
        # the same through AWS_PROFILE, deleting
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.deletion(b, deps, env=self.env(AWS_PROFILE="deployer"))
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual(len(calls), 1, "one AssumeRole per run")
        self.assertS3SignedBy(mark, calls[0]["issued_access_key_id"], with_token=True)

    def test_assumed_credentials_are_the_ones_used(self):
        """A role without permissions: S3 says AccessDenied, so the role's keys were used."""
        b, deps = self.three()
        self.base_profile()
        self.write("config", f"[profile weak]\nrole_arn = {self.server.denied_role_arn}\n"
                             "source_profile = base\n")
        r = self.failing(b, "--profile", "weak", env=self.env())
        self.assertIn("AccessDenied", r.stderr)

    def test_role_chain(self):
        b, deps = self.three()
        self.base_profile()
        self.write("config",
                   f"[profile first]\nrole_arn = {self.server.role_arn}\nsource_profile = base\n"
                   "role_session_name = hop-1\n\n"
                   f"[profile second]\nrole_arn = {self.server.role_arn}\nsource_profile = first\n"
                   "role_session_name = hop-2\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.listing(b, "--profile", "second", env=self.env())
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual([c["role_session_name"] for c in calls], ["hop-1", "hop-2"], calls)
        self.assertEqual(calls[0]["caller_access_key_id"], self.server.access_key_id)
        self.assertEqual(calls[1]["caller_access_key_id"], calls[0]["issued_access_key_id"],
                         "the second hop is signed with the first hop's credentials")
        self.assertS3SignedBy(mark, calls[1]["issued_access_key_id"], with_token=True)

    def test_source_profile_loop_is_refused(self):
        b, deps = self.three()
        self.base_profile()
        self.write("config",
                   f"[profile ping]\nrole_arn = {self.server.role_arn}\nsource_profile = pong\n\n"
                   f"[profile pong]\nrole_arn = {self.server.role_arn}\nsource_profile = ping\n")
        smark = self.server.sts_log_mark()
        r = self.failing(b, "--profile", "ping", env=self.env(), rc=(1, 2), timeout=30)
        self.assertRegex(r.stderr, r"(?i)loop|cycl|circular|recurs")
        self.assertRegex(r.stderr, r"ping|pong")
        self.assertEqual(self.sts_calls(smark), [])

    def test_missing_source_profile_names_the_referring_profile(self):
        """A configuration error (exit 2), before any request, naming the line to fix."""
        b, deps = self.three()
        self.base_profile()
        self.write("config", f"[profile dev]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = nope\n")
        want = ("s3-cleanup: error: profile 'dev' has source_profile = nope, but there is no "
                f"profile 'nope' in {self.tmp / 'config'} or {self.tmp / 'credentials'}\n")
        for how, args, env in (("--profile", ["--profile", "dev"], self.env()),
                               ("AWS_PROFILE", [], self.env(AWS_PROFILE="dev"))):
            with self.subTest(how=how):
                full = [f"s3://{b}", "--keep", "1", "--dry-run", *self.endpoint_args(), *args]
                smark = self.server.sts_log_mark()
                mark = self.server.request_mark()
                r = self.run_cli(*full, env_extra=env)
                self.assertEqual(r.returncode, 2, self.explain(r, full))
                self.assertEqual(r.stderr, want, self.explain(r, full))
                self.assertEqual(self.server.requests_since(mark), [], "no request sent")
                self.assertEqual(self.sts_calls(smark), [])

    def test_external_id(self):
        b, deps = self.three()
        self.base_profile()
        self.write("config",
                   f"[profile ext]\nrole_arn = {self.server.external_id_role_arn}\n"
                   f"source_profile = base\nexternal_id = {self.server.external_id}\n\n"
                   f"[profile noext]\nrole_arn = {self.server.external_id_role_arn}\n"
                   "source_profile = base\n")
        smark = self.server.sts_log_mark()
        self.listing(b, "--profile", "ext", env=self.env())
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual([c["external_id"] for c in calls], [self.server.external_id])
        r = self.failing(b, "--profile", "noext", env=self.env())
        self.assertIn("AccessDenied", r.stderr)

    def test_sts_endpoint_from_aws_endpoint_url(self):
        """No AWS_ENDPOINT_URL_STS: STS (and S3) at AWS_ENDPOINT_URL."""
        b, deps = self.three()
        self.base_profile()
        self.write("config", f"[profile deployer]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = base\n")
        smark = self.server.sts_log_mark()
        full = [f"s3://{b}", "--keep", "1", "--dry-run", "--output", "json", "--profile", "deployer"]
        r = self.run_cli(*full, env_extra=self.env(AWS_ENDPOINT_URL_STS=None,
                                                   AWS_ENDPOINT_URL=self.server.endpoint_url))
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        self.assertEqual(len(self.sts_calls(smark, "AssumeRole")), 1)

    def test_sts_endpoint_variable_wins_over_aws_endpoint_url(self):
        b, deps = self.three()
        self.base_profile()
        self.write("config", f"[profile deployer]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = base\n")
        smark = self.server.sts_log_mark()
        self.listing(b, "--profile", "deployer",
                     env=self.env(AWS_ENDPOINT_URL=f"http://127.0.0.1:{harness.free_port()}"))
        self.assertEqual(len(self.sts_calls(smark, "AssumeRole")), 1)

    def test_sts_error_exits_1(self):
        """The source profile's secret is wrong: STS says SignatureDoesNotMatch."""
        b, deps = self.three()
        self.write("credentials", self.static_profile("base", {
            "AccessKeyId": self.server.access_key_id, "SecretAccessKey": WRONG_SECRET}))
        self.write("config", f"[profile deployer]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = base\n")
        mark = self.server.auth_log_mark()
        r = self.failing(b, "--profile", "deployer", env=self.env())
        self.assertIn("SignatureDoesNotMatch", r.stderr)
        self.assertEqual(self.s3_requests(mark), [])

    def test_credential_source_environment(self):
        b, deps = self.three()
        self.write("config", f"[profile envrole]\nrole_arn = {self.server.role_arn}\n"
                             "credential_source = Environment\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.deletion(b, deps, "--profile", "envrole",
                      env=self.env(AWS_ACCESS_KEY_ID=self.server.access_key_id,
                                   AWS_SECRET_ACCESS_KEY=self.server.secret_access_key))
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual([c["caller_access_key_id"] for c in calls], [self.server.access_key_id])
        self.assertS3SignedBy(mark, calls[0]["issued_access_key_id"], with_token=True)

    def test_credential_source_ec2_instance_metadata(self):
        b, deps = self.three()
        instance = self.server.mint_role_credentials()
        imds = self.static_fake(instance)
        self.write("config", f"[profile ec2role]\nrole_arn = {self.server.role_arn}\n"
                             "credential_source = Ec2InstanceMetadata\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.listing(b, "--profile", "ec2role", env=self.imds_env(imds))
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual([c["caller_access_key_id"] for c in calls], [instance["AccessKeyId"]])
        self.assertS3SignedBy(mark, calls[0]["issued_access_key_id"], with_token=True)
        self.assertGreaterEqual(imds.counts()["imds_credentials"], 1)

    def test_credential_source_ecs_container(self):
        b, deps = self.three()
        task = self.server.mint_role_credentials()
        ecs = self.static_fake(task)
        self.write("config", f"[profile ecsrole]\nrole_arn = {self.server.role_arn}\n"
                             "credential_source = EcsContainer\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.listing(b, "--profile", "ecsrole", env=self.ecs_env(ecs))
        calls = self.sts_calls(smark, "AssumeRole")
        self.assertEqual([c["caller_access_key_id"] for c in calls], [task["AccessKeyId"]])
        self.assertS3SignedBy(mark, calls[0]["issued_access_key_id"], with_token=True)
        self.assertGreaterEqual(ecs.counts()["container"], 1)


# ============================================================================ web identity
class WebIdentityTest(CredentialsCase):
    TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzM2MtdGVzdCJ9.c2lnbmF0dXJlLXMzYy13ZWJpZA"

    def check_call(self, smark: int, session: str | None, token: str | None = None) -> dict:
        calls = self.sts_calls(smark)
        self.assertEqual([c["action"] for c in calls], ["AssumeRoleWithWebIdentity"], calls)
        c = calls[0]
        self.assertFalse(c["signed"], "AssumeRoleWithWebIdentity is sent unsigned")
        self.assertEqual(c["status"], 200, c)
        self.assertEqual(c["web_identity_token"], token or self.TOKEN)
        self.assertEqual(c["role_arn"], self.server.role_arn)
        if session:
            self.assertEqual(c["role_session_name"], session)
        return c

    def test_from_environment(self):
        b, deps = self.three()
        tok = self.write("token", self.TOKEN + "\n")
        env = self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN=self.server.role_arn,
                       AWS_ROLE_SESSION_NAME="s3c-web-session")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.listing(b, env=env)
        c = self.check_call(smark, "s3c-web-session")
        self.assertS3SignedBy(mark, c["issued_access_key_id"], with_token=True)
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.deletion(b, deps, env=env)
        c = self.check_call(smark, "s3c-web-session")
        self.assertS3SignedBy(mark, c["issued_access_key_id"], with_token=True)

    def test_from_environment_without_session_name(self):
        b, deps = self.three()
        tok = self.write("token", self.TOKEN)
        smark = self.server.sts_log_mark()
        self.listing(b, env=self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok),
                                     AWS_ROLE_ARN=self.server.role_arn))
        c = self.check_call(smark, None)
        self.assertTrue(c["role_session_name"], "a session name is made up when none is set")

    def test_from_profile(self):
        b, deps = self.three()
        tok = self.write("token", self.TOKEN)
        self.write("config", f"[profile wi]\nrole_arn = {self.server.role_arn}\n"
                             f"web_identity_token_file = {tok}\n"
                             "role_session_name = s3c-profile-web\n")
        mark, smark = self.server.auth_log_mark(), self.server.sts_log_mark()
        self.deletion(b, deps, "--profile", "wi", env=self.env())
        c = self.check_call(smark, "s3c-profile-web")
        self.assertS3SignedBy(mark, c["issued_access_key_id"], with_token=True)

    def test_rejected_token(self):
        b, deps = self.three()
        tok = self.write("token", "invalid-" + self.TOKEN)
        r = self.failing(b, env=self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok),
                                         AWS_ROLE_ARN=self.server.role_arn))
        self.assertIn("InvalidIdentityToken", r.stderr)

    def test_missing_token_file(self):
        b, deps = self.three()
        self.failing(b, env=self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(self.tmp / "nope"),
                                     AWS_ROLE_ARN=self.server.role_arn))


# ============================================================================ credential_process
PROCESS_SCRIPT = r'''
import json, sys
mode = sys.argv[1]
out = json.loads(open(sys.argv[2]).read())
if mode == "ok":
    print(json.dumps(out))
elif mode == "fail":
    print(json.dumps(out))          # whatever it printed must not be echoed
    print("token service unavailable", file=sys.stderr)
    sys.exit(3)
elif mode == "garbage":
    print("this is not JSON " + out["SecretAccessKey"])
elif mode == "incomplete":
    print(json.dumps({"Version": 1, "AccessKeyId": out["AccessKeyId"]}))
'''


REFRESH_SCRIPT = r'''
import json, sys, urllib.request
c = json.loads(urllib.request.urlopen(sys.argv[1], timeout=10).read())
print(json.dumps({"Version": 1, "AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                  "SessionToken": c["Token"], "Expiration": c["Expiration"]}))
'''


class CredentialProcessTest(CredentialsCase):
    def process_profile(self, creds: dict, mode: str, name: str = "default") -> None:
        d = self.tmp / "dir with space"
        d.mkdir(exist_ok=True)
        script = d / "creds.py"
        script.write_text(PROCESS_SCRIPT)
        data = d / "creds.json"
        data.write_text(json.dumps(creds))
        section = "default" if name == "default" else f"profile {name}"
        self.write("config", f"[{section}]\ncredential_process = "
                             f"\"{sys.executable}\" \"{script}\" {mode} \"{data}\"\n")

    def test_good_process_with_session_token(self):
        b, deps = self.three()
        c = self.server.mint_role_credentials()
        self.process_profile({"Version": 1, "AccessKeyId": c["AccessKeyId"],
                              "SecretAccessKey": c["SecretAccessKey"],
                              "SessionToken": c["SessionToken"],
                              "Expiration": c["Expiration"]}, "ok")
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, env=self.env())
        self.assertS3SignedBy(mark, c["AccessKeyId"], with_token=True)

    def test_good_process_long_term_key(self):
        b, deps = self.three()
        self.process_profile({"Version": 1, **self.moto_key()}, "ok", name="proc")
        mark = self.server.auth_log_mark()
        self.listing(b, "--profile", "proc", env=self.env())
        self.assertS3SignedBy(mark, self.server.access_key_id, with_token=False)

    def test_failing_process(self):
        b, deps = self.three()
        c = self.server.mint_role_credentials()
        creds = {"Version": 1, "AccessKeyId": c["AccessKeyId"],
                 "SecretAccessKey": c["SecretAccessKey"], "SessionToken": c["SessionToken"]}
        for mode in ("fail", "garbage", "incomplete"):
            with self.subTest(mode=mode):
                self.process_profile(creds, mode)
                mark = self.server.auth_log_mark()
                r = self.failing(b, env=self.env())
                self.assertRegex(r.stderr, r"(?i)credential.?process")
                for secret in (c["SecretAccessKey"], c["SessionToken"], c["AccessKeyId"][4:]):
                    self.assertNotIn(secret, r.stderr + r.stdout)
                self.assertEqual(self.s3_requests(mark), [])


# ============================================================================ container
class ContainerTest(CredentialsCase):
    def test_relative_uri(self):
        b, deps = self.three()
        task = self.server.mint_role_credentials()
        ecs = self.static_fake(task)
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, env=self.ecs_env(ecs, "/v2/credentials/s3c-task-42"))
        self.assertS3SignedBy(mark, task["AccessKeyId"], with_token=True)
        log = ecs.log()
        self.assertTrue(log)
        self.assertEqual({e["path"] for e in log}, {"/v2/credentials/s3c-task-42"}, log)
        self.assertEqual({e["authorization"] for e in log}, {None},
                         "no Authorization header without a token configured")

    def test_full_uri_with_token(self):
        b, deps = self.three()
        task = self.server.mint_role_credentials()
        ecs = self.static_fake(task, extra=("--auth-token", "s3c-pod-token-0123456789"))
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, env=self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials",
            AWS_CONTAINER_AUTHORIZATION_TOKEN="s3c-pod-token-0123456789"))
        self.assertS3SignedBy(mark, task["AccessKeyId"], with_token=True)
        self.assertEqual({e["path"] for e in ecs.log()}, {"/v1/credentials"})
        self.assertEqual(ecs.counts()["forbidden"], 0)

    def test_full_uri_with_token_file(self):
        """EKS Pod Identity style: the token in a file."""
        b, deps = self.three()
        task = self.server.mint_role_credentials()
        ecs = self.static_fake(task, extra=("--auth-token", "s3c-eks-token-abcdef"))
        tok = self.write("eks-token", "s3c-eks-token-abcdef")
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials",
            AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE=str(tok)))
        self.assertS3SignedBy(mark, task["AccessKeyId"], with_token=True)
        self.assertEqual(ecs.counts()["forbidden"], 0)

    def test_full_uri_over_http_must_be_loopback(self):
        """Plain http only to loopback (and the ECS/EKS link-local hosts): a full URI
        naming another address of this machine is refused without asking it."""
        addr = non_loopback_ipv4()
        if addr is None:
            self.skipTest("no non-loopback IPv4 address on this machine")
        ecs = self.static_fake(self.server.mint_role_credentials(), extra=("--host", "0.0.0.0"))
        self.failing(self.three()[0], rc=(1, 2), env=self.env(  # a configuration error: 1 or 2
            AWS_CONTAINER_CREDENTIALS_FULL_URI=f"http://{addr}:{ecs.port}/v1/credentials"))
        self.assertEqual(ecs.log(), [])

    def test_wrong_token_is_refused(self):
        b, deps = self.three()
        task = self.server.mint_role_credentials()
        ecs = self.static_fake(task, extra=("--auth-token", "s3c-right-token"))
        mark = self.server.auth_log_mark()
        r = self.failing(b, env=self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/credentials",
            AWS_CONTAINER_AUTHORIZATION_TOKEN="s3c-wrong-token"))
        self.assertNotIn("s3c-wrong-token", r.stderr)
        self.assertGreaterEqual(ecs.counts()["forbidden"], 1)
        self.assertEqual(self.s3_requests(mark), [])


# ============================================================================ IMDS
class InstanceMetadataTest(CredentialsCase):
    def test_imds_v2(self):
        b, deps = self.three()
        instance = self.server.mint_role_credentials()
        imds = self.static_fake(instance)
        mark = self.server.auth_log_mark()
        self.deletion(b, deps, env=self.imds_env(imds))
        self.assertS3SignedBy(mark, instance["AccessKeyId"], with_token=True)
        log = imds.log()
        self.assertEqual(log[0]["method"], "PUT", log)
        self.assertEqual(log[0]["path"], "/latest/api/token")
        self.assertTrue(log[0]["ttl_header"], "the token PUT says how long the token lives")
        gets = [e for e in log if e["method"] == "GET"]
        self.assertTrue(gets)
        self.assertTrue(all(e["token_header"] for e in gets), "every GET carries the token")
        self.assertEqual(imds.counts()["unauthorized"], 0)
        self.assertGreaterEqual(imds.counts()["imds_credentials"], 1)

    def test_fake_refuses_imds_v1(self):
        """The fake itself: a GET without the session token is 401 (IMDSv1 off), so a
        client that only speaks IMDSv1 gets nothing from it."""
        imds = self.static_fake(self.server.mint_role_credentials())
        for path in ("/latest/meta-data/iam/security-credentials/",
                     "/latest/meta-data/iam/security-credentials/s3-cleanup-instance-role"):
            st, _ = harness.raw_http(imds.port, "GET", path, {"Host": "169.254.169.254"})
            self.assertEqual(st, 401, path)
        st, _ = harness.raw_http(imds.port, "GET", "/latest/meta-data/iam/security-credentials/",
                                 {"Host": "x", "X-aws-ec2-metadata-token": "made-up"})
        self.assertEqual(st, 401)
        st, token = harness.raw_http(imds.port, "PUT", "/latest/api/token",
                                     {"Host": "x", "X-aws-ec2-metadata-token-ttl-seconds": "60"})
        self.assertEqual(st, 200)
        st, role = harness.raw_http(imds.port, "GET", "/latest/meta-data/iam/security-credentials/",
                                    {"Host": "x", "X-aws-ec2-metadata-token": token.decode()})
        self.assertEqual((st, role), (200, b"s3-cleanup-instance-role"))

    def test_imds_absent(self):
        b, deps = self.three()
        imds = self.fake("--imds-absent")
        t0 = time.monotonic()
        self.failing(b, env=self.imds_env(imds))
        # Generous: only a client that waited out timeouts or long backoffs gets near it.
        self.assertLess(time.monotonic() - t0, 60)

    def test_slow_imds_does_not_stall(self):
        b, deps = self.three()
        # The service stalls 240 s; a run that waited for it takes that long. A 1 s
        # timeout ends far sooner, and the 90 s bound holds on any loaded machine.
        imds = self.static_fake(self.server.mint_role_credentials(), extra=("--delay-ms", "240000"))
        t0 = time.monotonic()
        self.failing(b, env=self.imds_env(imds, AWS_METADATA_SERVICE_TIMEOUT="1",
                                          AWS_METADATA_SERVICE_NUM_ATTEMPTS="1"), timeout=300)
        elapsed = time.monotonic() - t0
        self.assertLess(elapsed, 90.0, f"a 1 s metadata timeout, but the run took {elapsed:.1f} s")

    def test_imds_attempts(self):
        """AWS_METADATA_SERVICE_NUM_ATTEMPTS=2 with a service slower than the timeout:
        two tries of one second each, then no credentials."""
        b, deps = self.three()
        # Each try would stall 240 s; two 1 s tries end far sooner than the 90 s bound.
        imds = self.static_fake(self.server.mint_role_credentials(), extra=("--delay-ms", "240000"))
        t0 = time.monotonic()
        self.failing(b, env=self.imds_env(imds, AWS_METADATA_SERVICE_TIMEOUT="1",
                                          AWS_METADATA_SERVICE_NUM_ATTEMPTS="2"), timeout=300)
        elapsed = time.monotonic() - t0
        puts = [e for e in imds.log() if e["method"] == "PUT"]
        self.assertEqual(len(puts), 2, imds.log())
        self.assertLess(elapsed, 90.0)

    def test_imds_disabled(self):
        b, deps = self.three()
        imds = self.static_fake(self.server.mint_role_credentials())
        self.failing(b, env=self.imds_env(imds, AWS_EC2_METADATA_DISABLED="true"))
        self.assertEqual(imds.log(), [], "AWS_EC2_METADATA_DISABLED=true: IMDS not asked")


# ============================================================================ refresh
class RefreshTest(CredentialsCase):
    """Credentials living 4 s; every S3 request held 300 ms by a proxy, so the run lasts
    well past the first credentials' expiry. The fake revokes a key in moto when it hands
    out the next, so the run only succeeds if the binary fetched new credentials and
    used them; and no request may be signed (X-Amz-Date) at or after its key's
    Expiration. Both checks are events and timestamps the binary wrote, not how fast
    a loaded machine moved a request."""

    LIFETIME = 4
    DELAY_MS = 300

    def run_refresh(self, fake: AwsMetadata, env: dict) -> None:
        b = self.new_bucket()
        deps = [Dep(f"d{i:02d}", days_ago(20 - i), n=2) for i in range(12)][::-1]
        self.seed(b, objects_of(*deps))
        proxy = self.fake("--proxy-to", str(self.server.port), "--delay-ms", str(self.DELAY_MS))
        mark = self.server.auth_log_mark()
        t0 = time.monotonic()
        # One request at a time (~25 requests x 300 ms): with concurrent requests the run
        # could end before the first credentials expire, and then proves nothing. (Load
        # only makes the run longer, so this lower bound cannot flake.)
        self.deletion(b, deps, "--concurrency", "1", env=env, endpoint=proxy.endpoint_url,
                      keep=2)
        elapsed = time.monotonic() - t0
        self.assertGreater(elapsed, self.LIFETIME + 0.5,
                           "test set-up: the run must outlast the first credentials")
        self.assertGreaterEqual(fake.counts()["fetches"], 2,
                                "credentials fetched only once in a run longer than they live")
        reqs = self.s3_requests(mark)
        self.assertEqual([e for e in reqs if e["status"] >= 400], [],
                         "requests signed with revoked (renewed) credentials")
        self.assertGreaterEqual(len({e["access_key_id"] for e in reqs}), 2,
                                "the refreshed credentials were not used")
        expiry = {c["AccessKeyId"]: harness.parse_rfc3339(c["Expiration"]) for c in fake.issued()}
        for e in reqs:
            signed = dt.datetime.strptime(e["amz_date"], "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.timezone.utc)
            self.assertLess(signed, expiry[e["access_key_id"]],
                            f"{e['method']} {e['target']} signed with a key past its Expiration")

    def test_container_credentials_refreshed(self):
        ecs = self.minting_fake("--revoke-on-renewal", lifetime=self.LIFETIME)
        self.run_refresh(ecs, self.ecs_env(ecs))

    def test_imds_credentials_refreshed(self):
        imds = self.minting_fake("--revoke-on-renewal", lifetime=self.LIFETIME)
        self.run_refresh(imds, self.imds_env(imds))

    def test_credential_process_rerun(self):
        """credential_process credentials with an Expiration: the process is run again.
        (The script gets its credentials from a minting fake, which revokes them.)"""
        fake = self.minting_fake("--revoke-on-renewal", lifetime=self.LIFETIME)
        script = self.write("refresh-creds.py", REFRESH_SCRIPT)
        self.write("config", f"[default]\ncredential_process = \"{sys.executable}\" \"{script}\" "
                             f"{fake.endpoint_url}/v1/credentials\n")
        self.run_refresh(fake, self.env())


# ============================================================================ precedence
class PrecedenceTest(CredentialsCase):
    """Each source shadows the ones after it. Two sources with different identities, one
    of them deliberately wrong: success or failure (and who was asked) tells which won."""

    def web_identity(self, role_arn: str | None = None, token: str = WebIdentityTest.TOKEN) -> dict:
        tok = self.write("webid-token", token)
        return {"AWS_WEB_IDENTITY_TOKEN_FILE": str(tok),
                "AWS_ROLE_ARN": role_arn or self.server.role_arn}

    def test_env_keys_shadow_web_identity(self):
        b, deps = self.three()
        smark = self.server.sts_log_mark()
        r = self.failing(b, env=self.env(AWS_ACCESS_KEY_ID=WRONG_KEY,
                                         AWS_SECRET_ACCESS_KEY=WRONG_SECRET, **self.web_identity()))
        self.assertIn("InvalidAccessKeyId", r.stderr)
        self.assertEqual(self.sts_calls(smark), [], "web identity must not be used")
        self.listing(b, env=self.env(AWS_ACCESS_KEY_ID=self.server.access_key_id,
                                     AWS_SECRET_ACCESS_KEY=self.server.secret_access_key,
                                     **self.web_identity(token="invalid-token")))
        self.assertEqual(self.sts_calls(smark), [])

    def test_web_identity_shadows_profile(self):
        b, deps = self.three()
        self.write("credentials", self.static_profile("default"))
        smark = self.server.sts_log_mark()
        r = self.failing(b, env=self.env(**self.web_identity(self.server.denied_role_arn)))
        self.assertIn("AccessDenied", r.stderr)
        self.assertEqual(len(self.sts_calls(smark, "AssumeRoleWithWebIdentity")), 1)
        self.write("credentials", self.static_profile(
            "default", {"AccessKeyId": WRONG_KEY, "SecretAccessKey": WRONG_SECRET}))
        self.listing(b, env=self.env(**self.web_identity()))

    def test_profile_shadows_container(self):
        b, deps = self.three()
        good = self.static_fake(self.server.mint_role_credentials())
        self.write("credentials", self.static_profile(
            "default", {"AccessKeyId": WRONG_KEY, "SecretAccessKey": WRONG_SECRET}))
        r = self.failing(b, env=self.ecs_env(good))
        self.assertIn("InvalidAccessKeyId", r.stderr)
        self.assertEqual(good.counts()["container"], 0, "the container endpoint must not be asked")
        wrong = self.static_fake({"AccessKeyId": "ASIAWRONGWRONGWRONG1", "SecretAccessKey": WRONG_SECRET,
                                  "SessionToken": "wrong-session-token"})
        self.write("credentials", self.static_profile("default"))
        self.listing(b, env=self.ecs_env(wrong))
        self.assertEqual(wrong.counts()["container"], 0)

    def test_container_shadows_imds(self):
        b, deps = self.three()
        good_imds = self.static_fake(self.server.mint_role_credentials())
        wrong_ecs = self.static_fake({"AccessKeyId": "ASIAWRONGWRONGWRONG1",
                                      "SecretAccessKey": WRONG_SECRET, "SessionToken": "x" * 40})
        env = self.ecs_env(wrong_ecs, AWS_EC2_METADATA_DISABLED=None,
                           AWS_EC2_METADATA_SERVICE_ENDPOINT=good_imds.endpoint_url)
        r = self.failing(b, env=env)
        self.assertIn("InvalidAccessKeyId", r.stderr)
        self.assertEqual(good_imds.log(), [], "IMDS must not be asked")
        good_ecs = self.static_fake(self.server.mint_role_credentials())
        wrong_imds = self.static_fake({"AccessKeyId": "ASIAWRONGWRONGWRONG1",
                                       "SecretAccessKey": WRONG_SECRET, "SessionToken": "x" * 40})
        env = self.ecs_env(good_ecs, AWS_EC2_METADATA_DISABLED=None,
                           AWS_EC2_METADATA_SERVICE_ENDPOINT=wrong_imds.endpoint_url)
        self.listing(b, env=env)
        self.assertEqual(wrong_imds.log(), [])

    def test_imds_is_the_last_resort(self):
        b, deps = self.three()
        instance = self.server.mint_role_credentials()
        imds = self.static_fake(instance)
        mark = self.server.auth_log_mark()
        self.listing(b, env=self.imds_env(imds))
        self.assertS3SignedBy(mark, instance["AccessKeyId"])

    def test_explicit_profile_ignores_env_and_web_identity(self):
        b, deps = self.three()
        self.write("credentials", self.static_profile("good"))
        smark, mark = self.server.sts_log_mark(), self.server.auth_log_mark()
        self.listing(b, "--profile", "good",
                     env=self.env(AWS_ACCESS_KEY_ID=WRONG_KEY, AWS_SECRET_ACCESS_KEY=WRONG_SECRET,
                                  **self.web_identity(token="invalid-token")))
        self.assertEqual(self.sts_calls(smark), [])
        self.assertS3SignedBy(mark, self.server.access_key_id)

    def test_aws_profile_selects_the_profile(self):
        b, deps = self.three()
        self.write("credentials",
                   self.static_profile("default", {"AccessKeyId": WRONG_KEY,
                                                   "SecretAccessKey": WRONG_SECRET})
                   + "\n" + self.static_profile("good"))
        self.listing(b, env=self.env(AWS_PROFILE="good"))
        r = self.failing(b, env=self.env())
        self.assertIn("InvalidAccessKeyId", r.stderr)


# ============================================================================ the servers
class StsServerTest(CredentialsCase):
    """moto's STS as the tests use it (no binary needed): signatures checked, unsigned web
    identity allowed, temporary credentials good for S3, errors worded like STS's."""

    needs_binary = False

    def sts(self, **kw):
        import boto3
        return boto3.client("sts", endpoint_url=self.server.endpoint_url, region_name="us-east-1",
                            **kw)

    def moto_sts(self):
        return self.sts(aws_access_key_id=self.server.access_key_id,
                        aws_secret_access_key=self.server.secret_access_key)

    def raw_sts(self, params: dict, secret: str | None = None, key: str | None = None,
                region: str = "us-east-1", extra_headers: dict | None = None):
        import http.client
        import urllib.parse
        import sigv4_ref
        body = urllib.parse.urlencode({"Version": "2011-06-15", **params}).encode()
        hdrs = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                **(extra_headers or {})}
        hdrs = sigv4_ref.sign("POST", f"127.0.0.1:{self.server.port}", "/", hdrs, body,
                              key or self.server.access_key_id,
                              secret or self.server.secret_access_key, region, service="sts")
        conn = http.client.HTTPConnection("127.0.0.1", self.server.port, timeout=30)
        try:
            conn.request("POST", "/", body, hdrs)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def test_assume_role_and_use_the_credentials(self):
        import botocore.exceptions
        b, deps = self.three()
        smark = self.server.sts_log_mark()
        c = self.moto_sts().assume_role(RoleArn=self.server.role_arn, RoleSessionName="selftest",
                                        DurationSeconds=900)["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        s3 = self.server.client(c["AccessKeyId"], c["SecretAccessKey"])
        s3.meta.events.register("before-sign.s3", lambda request, **kw: request.headers.__setitem__(
            "X-Amz-Security-Token", c["SessionToken"]))
        self.assertEqual(len(s3.list_objects_v2(Bucket=b)["Contents"]), 6)
        no_token = self.server.client(c["AccessKeyId"], c["SecretAccessKey"])
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            no_token.list_objects_v2(Bucket=b)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidAccessKeyId")
        call = self.sts_calls(smark)[0]
        self.assertEqual((call["action"], call["status"], call["signed"], call["role_session_name"],
                          call["duration_seconds"], call["issued_access_key_id"]),
                         ("AssumeRole", 200, True, "selftest", 900, c["AccessKeyId"]))
        self.assertRegex(call["expiration"], harness.TIME_RE, "STS's format, no fraction")

    def test_signed_sts_request_is_verified_from_the_raw_request(self):
        """Headers signed as the client lists them (user-agent too); STS-shaped errors."""
        params = {"Action": "AssumeRole", "RoleArn": self.server.role_arn, "RoleSessionName": "raw"}
        st, hdrs, body = self.raw_sts(params, extra_headers={"User-Agent": "s3-cleanup/test"})
        self.assertEqual(st, 200, body)
        self.assertRegex(body.decode(), r"<Expiration>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</Expiration>")
        st, hdrs, body = self.raw_sts(params, secret="wrong")
        self.assertEqual(st, 403)
        self.assertIn(b"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error>", body)
        self.assertIn(b"<Code>SignatureDoesNotMatch</Code>", body)
        self.assertNotIn(b"<Errors>", body)
        self.assertIn("x-amzn-requestid", {k.lower() for k in hdrs})
        self.assertIn("xml", hdrs.get("Content-Type", ""))
        st, hdrs, body = self.raw_sts(params, key="AKIAUNKNOWNUNKNOWN00")
        self.assertEqual(st, 403)
        self.assertIn(b"<Code>InvalidClientTokenId</Code>", body)
        st, hdrs, body = self.raw_sts({**params, "DurationSeconds": "100"})
        self.assertEqual(st, 400)
        self.assertIn(b"<Code>ValidationError</Code>", body)
        st, _, body = self.raw_sts(params, region="eu-central-1")
        self.assertEqual(st, 200, body)

    def test_role_chaining_limit(self):
        c = self.server.mint_role_credentials()
        params = {"Action": "AssumeRole", "RoleArn": self.server.role_arn, "RoleSessionName": "hop",
                  "DurationSeconds": "7200"}
        st, _, body = self.raw_sts(params, extra_headers={"X-Amz-Security-Token": c["SessionToken"]},
                                   key=c["AccessKeyId"], secret=c["SecretAccessKey"])
        self.assertEqual(st, 400, body)
        self.assertIn(b"role chaining", body)
        st, _, body = self.raw_sts(params)
        self.assertEqual(st, 200, body)

    def test_external_id(self):
        params = {"Action": "AssumeRole", "RoleArn": self.server.external_id_role_arn,
                  "RoleSessionName": "ext"}
        for extra, want in (({}, 403), ({"ExternalId": "wrong"}, 403),
                            ({"ExternalId": self.server.external_id}, 200)):
            st, _, body = self.raw_sts({**params, **extra})
            self.assertEqual(st, want, (extra, body))
        st, _, body = self.raw_sts(params, secret="wrong")  # the signature is checked first
        self.assertIn(b"SignatureDoesNotMatch", body)

    def test_web_identity_unsigned(self):
        import botocore
        import botocore.exceptions
        from botocore.config import Config
        anon = self.sts(config=Config(signature_version=botocore.UNSIGNED))
        smark = self.server.sts_log_mark()
        c = anon.assume_role_with_web_identity(RoleArn=self.server.role_arn, RoleSessionName="wi",
                                               WebIdentityToken="eyJ.e30.sig")["Credentials"]
        self.assertTrue(c["AccessKeyId"].startswith("ASIA"))
        call = self.sts_calls(smark)[0]
        self.assertEqual((call["signed"], call["web_identity_token"], call["status"]),
                         (False, "eyJ.e30.sig", 200))
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            anon.assume_role_with_web_identity(RoleArn=self.server.role_arn, RoleSessionName="wi",
                                               WebIdentityToken="invalid-token")
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidIdentityToken")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            anon.assume_role(RoleArn=self.server.role_arn, RoleSessionName="nope")
        self.assertEqual(cm.exception.response["Error"]["Code"], "MissingAuthenticationToken")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_denied_role_and_revocation(self):
        import botocore.exceptions
        b, deps = self.three()

        def s3_code(c):
            cl = self.server.client(c["AccessKeyId"], c["SecretAccessKey"])
            if c.get("SessionToken"):
                cl.meta.events.register("before-sign.s3", lambda request, **kw: request.headers.__setitem__(
                    "X-Amz-Security-Token", c["SessionToken"]))
            try:
                cl.list_objects_v2(Bucket=b)
                return "ok"
            except botocore.exceptions.ClientError as e:
                return e.response["Error"]["Code"]

        self.assertEqual(s3_code(self.server.mint_role_credentials(role_arn=self.server.denied_role_arn)),
                         "AccessDenied")
        for c in (self.server.mint_role_credentials(), self.server.create_user_key()):
            self.assertEqual(s3_code(c), "ok")
            self.assertTrue(self.server.revoke(c["AccessKeyId"]))
            self.assertEqual(s3_code(c), "InvalidAccessKeyId")
        self.assertFalse(self.server.revoke("AKIANOSUCHKEY0000000"))

    def test_auth_log(self):
        b, deps = self.three()
        mark = self.server.auth_log_mark()
        self.server.s3.list_objects_v2(Bucket=b)
        e = self.server.auth_log_since(mark)
        self.assertEqual(len(e), 1, e)
        self.assertEqual((e[0]["method"], e[0]["status"], e[0]["access_key_id"], e[0]["region"],
                          e[0]["service"], e[0]["session_token"]),
                         ("GET", 200, self.server.access_key_id, "us-east-1", "s3", False))
        self.assertTrue(e[0]["target"].startswith(f"/{b}?"), e)


class MetadataFakeTest(CredentialsCase):
    """tests/s3server/aws_metadata.py in metadata mode (no binary needed)."""

    needs_binary = False

    def get(self, fake, path, headers=None):
        return harness.raw_http(fake.port, "GET", path, {"Host": "x", **(headers or {})})

    def test_minted_credentials_expire_and_are_revoked_on_renewal(self):
        import botocore.exceptions
        b, deps = self.three()
        fake = self.minting_fake("--revoke-on-renewal", lifetime=2)
        st, body = self.get(fake, "/v2/credentials/x")
        self.assertEqual(st, 200)
        c = json.loads(body)
        self.assertEqual(set(c), {"RoleArn", "AccessKeyId", "SecretAccessKey", "Token", "Expiration"})
        exp = harness.parse_rfc3339(c["Expiration"])
        self.assertLessEqual((exp - harness.utcnow()).total_seconds(), 2)
        cl = self.server.client(c["AccessKeyId"], c["SecretAccessKey"])
        cl.meta.events.register("before-sign.s3", lambda request, **kw: request.headers.__setitem__(
            "X-Amz-Security-Token", c["Token"]))
        # Revocation is an event (the next fetch), not the clock: this holds however
        # long the machine took since the fetch.
        self.assertEqual(len(cl.list_objects_v2(Bucket=b)["Contents"]), 6)
        st, body = self.get(fake, "/v2/credentials/x")
        self.assertNotEqual(json.loads(body)["AccessKeyId"], c["AccessKeyId"], "a new key per fetch")
        with self.assertRaises(botocore.exceptions.ClientError) as cm:
            cl.list_objects_v2(Bucket=b)
        self.assertEqual(cm.exception.response["Error"]["Code"], "InvalidAccessKeyId")
        self.assertEqual(fake.counts()["fetches"], 2)
        self.assertEqual([i["AccessKeyId"] for i in fake.issued()],
                         [c["AccessKeyId"], json.loads(body)["AccessKeyId"]])
        self.assertEqual(fake.issued()[0]["Expiration"], c["Expiration"])

    def test_static_list_rotates_and_auth_token(self):
        a = {"AccessKeyId": "ASIAAAAAAAAAAAAAAAA1", "SecretAccessKey": "s1", "SessionToken": "t1"}
        z = {"AccessKeyId": "ASIAAAAAAAAAAAAAAAA2", "SecretAccessKey": "s2", "SessionToken": "t2"}
        fake = self.static_fake(a, z, extra=("--auth-token", "tok"))
        self.assertEqual(self.get(fake, "/v1/c")[0], 403)
        self.assertEqual(self.get(fake, "/v1/c", {"Authorization": "nope"})[0], 403)
        got = [json.loads(self.get(fake, "/v1/c", {"Authorization": "tok"})[1])["AccessKeyId"]
               for _ in range(3)]
        self.assertEqual(got, [a["AccessKeyId"], z["AccessKeyId"], a["AccessKeyId"]])
        self.assertEqual(fake.counts()["forbidden"], 2)

    def test_imds_document(self):
        fake = self.static_fake(self.server.mint_role_credentials())
        st, _ = harness.raw_http(fake.port, "PUT", "/latest/api/token", {"Host": "x"})
        self.assertEqual(st, 400, "the TTL header is required")
        st, token = harness.raw_http(fake.port, "PUT", "/latest/api/token",
                                     {"Host": "x", "X-aws-ec2-metadata-token-ttl-seconds": "21600"})
        self.assertEqual(st, 200)
        h = {"X-aws-ec2-metadata-token": token.decode()}
        st, doc = self.get(fake, "/latest/meta-data/iam/security-credentials/s3-cleanup-instance-role", h)
        doc = json.loads(doc)
        self.assertEqual(doc["Code"], "Success")
        self.assertEqual(doc["Type"], "AWS-HMAC")
        self.assertRegex(doc["Expiration"], harness.TIME_RE)
        self.assertRegex(doc["LastUpdated"], harness.TIME_RE)
        self.assertEqual(self.get(fake, "/latest/meta-data/iam/security-credentials/other", h)[0], 404)
        absent = self.fake("--imds-absent")
        self.assertEqual(harness.raw_http(absent.port, "PUT", "/latest/api/token", {
            "Host": "x", "X-aws-ec2-metadata-token-ttl-seconds": "60"})[0], 404)

    def test_delay(self):
        fake = self.static_fake(self.server.mint_role_credentials(), extra=("--delay-ms", "700"))
        t0 = time.monotonic()
        self.assertEqual(self.get(fake, "/v1/c")[0], 200)
        self.assertGreaterEqual(time.monotonic() - t0, 0.7)


# ============================================================================ cross-check
class AwsCliCrossCheck(CredentialsCase):
    """The fixtures above work for a reference SDK: the aws CLI (botocore) with the same
    kind of files and variables reaches the same server. No s3-cleanup binary needed."""

    needs_binary = False

    def setUp(self):
        super().setUp()
        self.aws = shutil.which("aws")
        if not self.aws:
            print("SKIP: aws CLI not installed", file=sys.stderr)
            self.skipTest("aws CLI not installed")

    def aws_ok(self, env: dict, *args) -> str:
        full = {k: v for k, v in self.cli_env(env).items() if v is not None}
        full.pop("S3_CLEANUP_TEST_ECS_ENDPOINT", None)
        full["AWS_DEFAULT_REGION"] = full.get("AWS_REGION", harness.REGION)  # aws CLI v1
        full["HOME"] = tempfile.mkdtemp(dir=self.tmp)  # no credentials cached by earlier runs
        import subprocess
        r = subprocess.run([self.aws, "--endpoint-url", self.server.endpoint_url, *args],
                           env=full, capture_output=True, text=True, timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_aws_cli_with_the_same_fixtures(self):
        b, deps = self.three()
        listing = ["s3api", "list-objects-v2", "--bucket", b, "--output", "json"]
        self.write("credentials", self.static_profile("base"))
        tok = self.write("token", WebIdentityTest.TOKEN)
        self.write("config",
                   f"[profile deployer]\nrole_arn = {self.server.role_arn}\nsource_profile = base\n\n"
                   f"[profile wi]\nrole_arn = {self.server.role_arn}\nweb_identity_token_file = {tok}\n")
        smark = self.server.sts_log_mark()
        for env, args in [
            (self.env(), ["--profile", "deployer"]),
            (self.env(), ["--profile", "wi"]),
            (self.env(AWS_WEB_IDENTITY_TOKEN_FILE=str(tok), AWS_ROLE_ARN=self.server.role_arn), []),
        ]:
            out = json.loads(self.aws_ok(env, *listing, *args))
            self.assertEqual(len(out["Contents"]), 6)
        self.assertEqual([(c["action"], c["status"]) for c in self.sts_calls(smark)],
                         [("AssumeRole", 200), ("AssumeRoleWithWebIdentity", 200),
                          ("AssumeRoleWithWebIdentity", 200)])
        imds = self.static_fake(self.server.mint_role_credentials())
        out = json.loads(self.aws_ok(self.imds_env(imds), *listing))
        self.assertEqual(len(out["Contents"]), 6)
        self.assertEqual(imds.counts()["unauthorized"], 0)
        ecs = self.static_fake(self.server.mint_role_credentials(), extra=("--auth-token", "tok-1"))
        out = json.loads(self.aws_ok(self.env(
            AWS_CONTAINER_CREDENTIALS_FULL_URI=ecs.endpoint_url + "/v1/creds",
            AWS_CONTAINER_AUTHORIZATION_TOKEN="tok-1"), *listing))
        self.assertEqual(len(out["Contents"]), 6)


if __name__ == "__main__":
    unittest.main()
