"""Deleting: the real binary against moto with signature checks; results checked with boto3."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import unittest

import harness
from harness import Dep, FaultProxy, days_ago, objects_of


def twelve(now=None):
    return [Dep(f"d{i:02d}", days_ago(12 - i, now), n=4) for i in range(12)]


ROOT_OBJECTS = {"index.html": b"root", "robots.txt": b"r", "d01": b"looks like a deployment"}


class DeleteTest(harness.S3TestCase):

    def delete(self, bucket, *args, expect_rc=0, endpoint=None, root=""):
        r = self.run_cli(f"s3://{bucket}/{root}", *args, "--yes", "--output", "json",
                         "--endpoint-url", endpoint or self.server.endpoint_url)
        self.assertEqual(r.returncode, expect_rc, self.explain(r))
        return json.loads(r.stdout), r

    def delete_posts(self, bucket, mark):
        return [l for l in self.server.requests_since(mark)
                if l.startswith((f"POST /{bucket}?delete", f"POST /{bucket}/?delete"))]

    # 1
    def test_keep_3_leaves_exactly_the_3_newest_and_every_root_object(self):
        b = self.new_bucket()
        deps = twelve()
        self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
        before = self.list_objects(b)
        doc, _ = self.delete(b, "--keep", "3")
        expected = {k: v for k, v in before.items()
                    if k in ROOT_OBJECTS or k.split("/")[0] in ("d09", "d10", "d11")}
        self.assertEqual(self.list_objects(b), expected)
        self.assertFalse(doc["dry_run"])
        res = doc["result"]
        self.assertEqual(res["deployments_deleted"], 9)
        self.assertEqual(res["objects_deleted"], 36)
        self.assertEqual(res["bytes_freed"], sum(d.bytes for d in deps[:9]))
        self.assertEqual(res["failed"], [])
        self.assertEqual(res["appeared"], [])
        self.assertEqual(res["requests"]["delete"], 1)

    # 2
    def test_prefix_names_only_app_is_gone(self):
        b = self.new_bucket()
        deps = [Dep("app", days_ago(5), n=3), Dep("app2", days_ago(2), n=2),
                Dep("app-old", days_ago(1), n=2)]
        self.seed(b, objects_of(*deps, extra={"app": b"root object named app"}))
        before = self.list_objects(b)
        self.delete(b, "--keep", "2")
        after = self.list_objects(b)
        self.assertEqual(after, {k: v for k, v in before.items() if not k.startswith("app/")})
        self.assertIn("app", after)

    # 3
    def test_2500_object_deployment_goes_in_3_delete_requests(self):
        b = self.new_bucket()
        big = Dep("big", days_ago(3), n=2500, size=1)
        keep = Dep("live", days_ago(1), n=2)
        self.seed(b, objects_of(big, keep))
        mark = self.server.request_mark()
        doc, _ = self.delete(b, "--keep", "1")
        posts = self.delete_posts(b, mark)
        self.assertEqual(len(posts), 3, posts)
        self.assertEqual(doc["result"]["requests"]["delete"], 3)
        self.assertEqual(doc["result"]["objects_deleted"], 2500)
        self.assertEqual(self.list_keys(b), sorted(keep.objects()))
        print(f"\n  2,500 objects: {len(posts)} DeleteObjects requests, "
              f"{doc['result']['requests']['list']} list requests", file=sys.stderr)

    # 4
    def test_keys_with_awkward_characters_are_deleted(self):
        b = self.new_bucket()
        awkward = ["a b.txt", "plus+sign", "100%", "a&b", "lt<gt>", "quote'", 'dq"',
                   "hash#", "q?x=1", "caf\u00e9/\u65e5\u672c.html", "ctl\x01key", "tab\tkey",
                   "deep/er/still deeper/x y"]
        old = Dep("old dep+%&<'\"\u00e9", days_ago(3), n=len(awkward), files=awkward)
        ctl = Dep("ctl\x01dep", days_ago(4), n=2, files=["x\x01y", "z"])
        live = Dep("live", days_ago(1), n=2, files=["a b", "c+d"])
        self.seed(b, objects_of(old, ctl, live, extra={"root\x01file": b"r"}), via="s3")
        doc, r = self.delete(b, "--keep", "1")
        self.assertEqual(self.list_keys(b), sorted([*live.objects(), "root\x01file"]))
        self.assertEqual(doc["result"]["objects_deleted"], len(awkward) + 2)
        self.assertEqual(doc["result"]["deployments_deleted"], 2)

    # 5
    def test_dry_run_leaves_every_key_and_etag(self):
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve(), extra=ROOT_OBJECTS))
        with self.unchanged(b):
            r = self.run_cli(f"s3://{b}", "--keep", "3", "--dry-run", "--yes",
                             *self.endpoint_args())
            self.assertEqual(r.returncode, 0, self.explain(r))
            self.assertIn("DELETE", r.stdout)

    # 6a
    def test_without_a_terminal_and_without_yes_exit_2_and_nothing_deleted(self):
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve()))
        with self.unchanged(b):
            r = self.run_cli(f"s3://{b}", "--keep", "3", *self.endpoint_args(), input="y\n")
        self.assertEqual(r.returncode, 2, self.explain(r))
        self.assertIn("--yes", r.stderr)

    def run_at_terminal(self, bucket, answer: str):
        return super().run_at_terminal([f"s3://{bucket}", "--keep", "3", *self.endpoint_args()],
                                       answer)

    # 6b
    def test_at_a_terminal_n_keeps_everything(self):
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve()))
        with self.unchanged(b):
            rc, err, _ = self.run_at_terminal(b, "n")
        self.assertEqual(rc, 1, err)
        self.assertIn(b"Delete 9 deployments (36 objects", err)
        self.assertIn(b"aborted: nothing deleted", err)

    # 6c
    def test_at_a_terminal_y_deletes(self):
        b = self.new_bucket()
        deps = twelve()
        self.seed(b, objects_of(*deps))
        rc, err, out = self.run_at_terminal(b, "y")
        self.assertEqual(rc, 0, err)
        self.assertEqual(self.list_keys(b), sorted(k for d in deps[9:] for k in d.objects()))

    # 7
    def test_a_key_denied_inside_a_200_answer_is_reported_and_the_rest_is_done(self):
        b = self.new_bucket()
        deps = twelve()
        self.seed(b, objects_of(*deps))
        denied = deps[4].prefix + deps[4].files[2]
        proxy = FaultProxy(self.server.port, "--deny-key", denied)
        try:
            doc, r = self.delete(b, "--keep", "3", expect_rc=1, endpoint=proxy.endpoint_url)
        finally:
            proxy.stop()
        failed = doc["result"]["failed"]
        self.assertEqual([f["key"] for f in failed], [denied])
        self.assertEqual(failed[0]["code"], "AccessDenied")
        self.assertIn(denied, r.stderr)
        self.assertIn("AccessDenied", r.stderr)
        self.assertEqual(doc["result"]["objects_deleted"], 35)
        self.assertEqual(doc["result"]["deployments_deleted"], 8)
        # The proxy only rewrote the answer, so the server did delete the key; every
        # other planned object is gone and the kept deployments are intact.
        self.assertEqual(self.list_keys(b), sorted(k for d in deps[9:] for k in d.objects()))

    # 8
    def test_sigint_during_a_large_deletion(self):
        b = self.new_bucket()
        doomed = [Dep(f"old{i}", days_ago(10 - i), n=1000, size=1) for i in range(6)]
        live = [Dep("live1", days_ago(2), n=3), Dep("live2", days_ago(1), n=3)]
        self.seed(b, objects_of(*doomed, *live, extra=ROOT_OBJECTS))
        before = self.list_objects(b)
        proxy = FaultProxy(self.server.port, "--delay-delete-ms", "700")
        mark = self.server.request_mark()
        try:
            proc = subprocess.Popen(
                [str(self.bin), f"s3://{b}", "--keep", "2", "--yes", "--output", "json",
                 "--concurrency", "2", "--endpoint-url", proxy.endpoint_url],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.cli_env(), text=True)
            deadline = time.monotonic() + 60
            while not self.delete_posts(b, mark) and time.monotonic() < deadline:
                time.sleep(0.05)
            self.assertTrue(self.delete_posts(b, mark), "no DeleteObjects reached the server")
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            proxy.stop()
        self.assertEqual(proc.returncode, 130, err)
        res = json.loads(out)["result"]
        self.assertTrue(res["interrupted"])
        self.assertGreater(res["objects_not_attempted"], 0)
        self.assertIn("SIGINT", err)
        after = self.list_objects(b)
        gone = set(before) - set(after)
        self.assertEqual(len(gone), res["objects_deleted"])
        self.assertTrue(all(k.startswith("old") for k in gone), "only doomed keys may go")
        for d in live:
            for k in d.objects():
                self.assertEqual(after[k], before[k])
        for k in ROOT_OBJECTS:
            self.assertEqual(after[k], before[k])
        self.assertEqual(res["objects_deleted"] + res["objects_not_attempted"], 6000)


if __name__ == "__main__":
    unittest.main()
