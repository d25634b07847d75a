"""A machine whose clock is an hour slow (issue 16): the binary runs under Debian's
`faketime`, against moto, which refuses signatures more than 15 minutes off as AWS does
(tests/s3server/moto_s3.py, 10.: S3 with RequestTimeTooSkewed, STS with SignatureDoesNotMatch
"Signature expired"). The run must succeed after one corrected retry per signing client,
say so with --debug, and delete exactly what a run on a right clock deletes (its "written
during the run" check and --older-than measured on the server's clock, not the slow one).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import unittest

import harness
import test_credentials
from harness import Dep, days_ago, objects_of

SKEW = "-1h"  # faketime's offset: this machine's clock an hour behind the server's


def faketime() -> str:
    path = shutil.which("faketime")
    if path is None:
        raise unittest.SkipTest("faketime is not installed (Debian package faketime; scripts/deps)")
    return path


class ClockSkewTest(test_credentials.CredentialsCase):

    def slow_clock_run(self, args: list[str], env: dict) -> subprocess.CompletedProcess:
        full_env = self.cli_env(env)
        # Only the wall clock is off; an ASan build accepts libfaketime before its runtime.
        full_env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        if "ASAN_OPTIONS" in full_env:
            full_env["ASAN_OPTIONS"] += ":verify_asan_link_order=0"
        cmd = [faketime(), "-f", SKEW, str(self.bin), *args]
        return subprocess.run(cmd, env=full_env, capture_output=True, text=True,
                              timeout=harness.CLI_TIMEOUT, cwd=str(self.home))

    def corrections(self, r: subprocess.CompletedProcess, service: str) -> list[str]:
        return [line for line in r.stderr.splitlines()
                if f"debug: {service} answered " in line and "clock is" in line]

    def refused(self, entries: list[dict]) -> list[dict]:
        return [e for e in entries if e["status"] == 403]

    def test_the_faked_clock_is_refused_without_correction(self):
        """The set-up itself: a request signed an hour late is refused by the server."""
        b = self.new_bucket()
        r = self.slow_clock_run([f"s3://{b}", "--keep", "1", "--dry-run", "--max-attempts", "1",
                                 "--endpoint-url", self.server.endpoint_url],
                                env={"AWS_ACCESS_KEY_ID": self.server.access_key_id,
                                     "AWS_SECRET_ACCESS_KEY": self.server.secret_access_key})
        self.assertEqual(r.returncode, 1, self.explain(r))
        self.assertIn("RequestTimeTooSkewed", r.stderr, self.explain(r))

    def test_s3_run_succeeds_after_one_corrected_retry(self):
        b, deps = self.three()
        mark = self.server.auth_log_mark()
        args = [f"s3://{b}", "--keep", "1", "--yes", "--output", "json", "--debug",
                "--endpoint-url", self.server.endpoint_url]
        r = self.slow_clock_run(args, env={"AWS_ACCESS_KEY_ID": self.server.access_key_id,
                                           "AWS_SECRET_ACCESS_KEY": self.server.secret_access_key})
        self.assertEqual(r.returncode, 0, self.explain(r, args))
        result = json.loads(r.stdout)["result"]
        self.assertEqual(result["deployments_deleted"], 2, r.stdout)
        self.assertEqual(result["appeared"], [], "nothing looks written during the run")
        self.assertEqual(result["objects_deleted"], 4, r.stdout)
        self.assertEqual(self.list_keys(b), sorted(deps[0].objects()), "boto3: only the newest left")
        reqs = [e for e in self.server.auth_log_since(mark) if e["service"] == "s3"
                and e["access_key_id"] == self.server.access_key_id]
        refused = self.refused(reqs)
        self.assertEqual(len(refused), 1, f"one refused request, then corrected: {refused}")
        # Every request after the refused one is signed on the server's time.
        now = harness.utcnow()
        after = reqs[reqs.index(refused[0]) + 1:]
        self.assertTrue(after)
        for e in after:
            signed = dt.datetime.strptime(e["amz_date"], "%Y%m%dT%H%M%SZ").replace(
                tzinfo=dt.timezone.utc)
            self.assertLess(abs((now - signed).total_seconds()), 600, e)
            self.assertLess(e["status"], 300, e)
        lines = self.corrections(r, "s3")
        self.assertEqual(len(lines), 1, r.stderr)
        self.assertRegex(lines[0], r"answered RequestTimeTooSkewed: this machine's clock is "
                                   r"3[56][0-9][0-9] s behind the server's; signing with the "
                                   r"server's time from now on")

    def test_sts_and_s3_each_correct_once(self):
        """A role assumed through STS: STS's refusal ("Signature expired") is corrected by
        the STS client, S3's by the S3 client: two corrections, one each."""
        b, deps = self.three()
        self.write("credentials", self.static_profile("base"))
        self.write("config", f"[profile deployer]\nrole_arn = {self.server.role_arn}\n"
                             "source_profile = base\n")
        smark, mark = self.server.sts_log_mark(), self.server.auth_log_mark()
        args = [f"s3://{b}", "--keep", "1", "--yes", "--output", "json", "--debug",
                "--profile", "deployer", "--endpoint-url", self.server.endpoint_url]
        r = self.slow_clock_run(args, env=self.env())
        self.assertEqual(r.returncode, 0, self.explain(r, args))
        self.assertEqual(self.list_keys(b), sorted(deps[0].objects()))
        # The refusal never reached moto's STS (it has no clock check): the auth log has it.
        sts = [e["status"] for e in self.server.auth_log_since(mark) if e["service"] == "sts"]
        self.assertEqual(sts, [403, 200])
        self.assertEqual([c["status"] for c in self.sts_calls(smark, "AssumeRole")], [200])
        self.assertEqual(len(self.corrections(r, "sts")), 1, r.stderr)
        self.assertEqual(len(self.corrections(r, "s3")), 1, r.stderr)


if __name__ == "__main__":
    unittest.main()
