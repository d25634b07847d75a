"""s3-cleanup as an AWS Lambda custom runtime (README, "AWS Lambda"): the binary with
AWS_LAMBDA_RUNTIME_API set and no arguments, against the fake Runtime API of
fake_lambda.py and the moto S3 server, the bucket checked with boto3.

Each test starts the runtime, queues invocations, and reads what it posted. The runtime
ends when the fake stops (its /next answers 500), so nothing outlives a test.
"""
from __future__ import annotations

import json
import subprocess
import time

import harness
from fake_lambda import FakeRuntimeApi
from harness import Dep, days_ago, objects_of


class LambdaCase(harness.S3TestCase):
    def start_runtime(self, env_extra: dict | None = None, port: int | None = None):
        self.api = FakeRuntimeApi().start()
        self.addCleanup(self.api.stop)
        env = self.cli_env({"AWS_LAMBDA_RUNTIME_API": self.api.address, **(env_extra or {})})
        self.proc = subprocess.Popen([str(self.bin)], env=env, cwd=str(self.home),
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

        def finish():
            self.api.stop()
            try:
                self.output = self.proc.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.output = self.proc.communicate()
        self.addCleanup(finish)
        return self.api

    def policy(self, bucket: str, run: dict, endpoint: str | None = None, **target) -> dict:
        return {"version": 1, **run,
                "targets": [{"url": f"s3://{bucket}/", "keep": 2,
                             "endpoint_url": endpoint or self.server.endpoint_url, **target}]}

    def invoke(self, event, deadline_ms: int | None = None, timeout: float = 120):
        rid = self.api.queue(event, deadline_ms)
        return self.api.wait_result(rid, timeout)

    def seed_deps(self, bucket: str, count: int) -> list[Dep]:
        deps = [Dep(f"d{i:02d}", days_ago(count - i), n=2) for i in range(count)]
        self.seed(bucket, objects_of(*deps))
        return deps


class InvocationTest(LambdaCase):
    def test_dry_run_then_deletion(self):
        b = self.new_bucket()
        deps = self.seed_deps(b, 4)
        self.start_runtime()
        kind, body, _, _ = self.invoke(self.policy(b, {"dry_run": True}))
        self.assertEqual(kind, "response", body)
        self.assertTrue(body["complete"])
        self.assertEqual(body["exit"], 0)
        self.assertTrue(body["dry_run"])
        self.assertEqual(body["summary"]["delete"], 2)
        self.assertEqual(len(self.list_keys(b)), 8, "a dry run deletes nothing")

        kind, body, _, _ = self.invoke(self.policy(b, {"yes": True}))
        self.assertEqual(kind, "response", body)
        print(f"\nLambda response of the deletion: {json.dumps(body)}")
        self.assertTrue(body["complete"])
        self.assertEqual(body["exit"], 0)
        self.assertEqual(body["targets"][0]["result"]["objects_deleted"], 4)
        self.assertEqual(sorted({k.split('/')[0] for k in self.list_keys(b)}),
                         [d.name for d in deps[-2:]])

    def test_a_bad_event_is_an_error_and_the_next_is_served(self):
        b = self.new_bucket()
        self.seed_deps(b, 3)
        self.start_runtime()
        for event, says in [(b"{not json", "event: not a JSON document"),
                            (self.policy(b, {}), 'the event must say "dry_run": true'),
                            (self.policy(b, {"yes": True}, kepp=3), "unknown key 'kepp'"),
                            (self.policy(b, {"yes": "yes"}), "yes must be true or false")]:
            kind, body, headers, _ = self.invoke(event)
            self.assertEqual(kind, "error", body)
            self.assertEqual(body["errorType"], "InvalidEvent")
            self.assertIn(says, body["errorMessage"])
            self.assertEqual(headers.get("lambda-runtime-function-error-type"), "InvalidEvent")
        kind, body, _, _ = self.invoke(self.policy(b, {"dry_run": True}))
        self.assertEqual(kind, "response", body)
        self.assertEqual(body["summary"]["delete"], 1)
        self.assertEqual(len(self.list_keys(b)), 6)

    def test_a_failed_cleanup_is_an_answer_that_says_so(self):
        b = self.new_bucket(create=False)
        self.start_runtime()
        kind, body, _, _ = self.invoke(self.policy(b, {"yes": True}))
        self.assertEqual(kind, "response", body)
        self.assertTrue(body["complete"])
        self.assertEqual(body["exit"], 1)
        self.assertEqual(body["targets"][0]["error"]["code"], "NoSuchBucket")

    def test_no_secret_in_anything_it_prints_or_posts(self):
        b = self.new_bucket()
        self.seed_deps(b, 3)
        self.start_runtime()
        _, response, _, _ = self.invoke(self.policy(b, {"yes": True}))
        _, error, _, _ = self.invoke(b"[]")
        self.api.stop()
        out, err = self.proc.communicate(timeout=60)
        secret = self.server.secret_access_key
        for text in (json.dumps(response), json.dumps(error), out, err):
            self.assertNotIn(secret, text)
        self.assertIn("the Lambda Runtime API answered GET", err)  # the fake's end
        self.assertEqual(self.proc.returncode, 1)


class InitErrorTest(LambdaCase):
    def test_a_bad_environment_is_an_init_error(self):
        self.start_runtime({"S3_CLEANUP_CONCURRENCY": "abc"})
        body = self.api.wait_init_error()
        self.assertEqual(body["errorType"], "InitError")
        self.assertIn("S3_CLEANUP_CONCURRENCY", body["errorMessage"])
        self.assertEqual(self.proc.wait(60), 1)
        self.assertEqual(self.api.polls, 0, "no invocation is asked for after an init error")

    def test_arguments_make_it_the_command_line_tool(self):
        r = self.run_cli("--version", env_extra={"AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9"})
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("s3-cleanup", r.stdout)


class DeadlineTest(LambdaCase):
    MARGIN_MS = 4000  # more than one DeleteObjects takes through the delay proxy
    DOOMED = 12       # of 1,000 objects each: 12 DeleteObjects of a second or more each
    OBJECTS = 1000

    def test_the_deadline_cuts_a_slow_deletion_and_the_next_invocation_finishes(self):
        b = self.new_bucket()
        old = days_ago(30)
        items = [(f"d{i:02d}/f{j:04d}", b"x", old - harness.dt.timedelta(days=i))
                 for i in range(self.DOOMED) for j in range(self.OBJECTS)]
        items += [(f"live{i}/index.html", b"x", days_ago(i)) for i in range(2)]
        harness.bulk_seed(self.server, b, items)
        # Every DeleteObjects takes a second more; one at a time, 12 take 12 s or more.
        proxy = harness.FaultProxy(self.server.port, "--delay-delete-ms", "1000")
        self.addCleanup(proxy.stop)
        self.start_runtime({"S3_CLEANUP_LAMBDA_MARGIN_MS": str(self.MARGIN_MS)})
        event = self.policy(b, {"yes": True, "concurrency": 1}, endpoint=proxy.endpoint_url)
        deadline = time.time() + self.MARGIN_MS / 1000 + 6
        kind, body, _, answered = self.invoke(event, int(deadline * 1000))
        self.assertEqual(kind, "response", body)
        self.assertLessEqual(answered, deadline, "the answer came after the deadline")
        self.assertFalse(body["complete"], body)
        self.assertEqual(body["exit"], 1)
        self.assertEqual(body["error"]["code"], "DeadlineReached")
        left = {k.split('/')[0] for k in self.list_keys(b)}
        print(f"\ncut by the deadline, {answered - (deadline - self.MARGIN_MS / 1000 - 6):.1f} s "
              f"after the invocation: {self.DOOMED + 2 - len(left)} of {self.DOOMED} doomed "
              f"deployments deleted")
        self.assertTrue({"live0", "live1"} <= left)
        self.assertGreater(len(left), 2, "the deadline came before the end")

        kind, body, _, _ = self.invoke(self.policy(b, {"yes": True}))
        self.assertEqual(kind, "response", body)
        self.assertTrue(body["complete"], body)
        self.assertEqual(body["exit"], 0)
        self.assertEqual(sorted({k.split('/')[0] for k in self.list_keys(b)}), ["live0", "live1"])
