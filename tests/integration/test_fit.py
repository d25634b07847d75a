"""Fit the places it runs: progress at a terminal, --quiet, --no-progress, the --log-file audit log.

The binary runs against moto through tests/s3server/fault_proxy.py (DeleteObjects held back
so the deletion lasts long enough to be seen, keys denied on purpose); the bucket is always
checked with boto3 straight against moto.

Progress (src/cli/progress.cpp) is drawn on stderr only when stderr is a terminal, so these
tests give the binary a pseudo-terminal (os.openpty) as stderr and stdin, and read its
master side: every redraw is "\\r\\033[K" followed by the line, and the run ends with a bare
"\\r\\033[K" that clears it.
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import pty
import re
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import harness
from harness import Dep, FaultProxy, days_ago, objects_of

CLEAR = b"\r\x1b[K"
LISTING_RE = re.compile(r"^listing: ([\d,]+) deployments?, ([\d,]+) objects? found$")
DELETING_RE = re.compile(r"^deleting: ([\d,]+)/([\d,]+) objects?(  [\d,]+/s  \d+:\d\d left)?$")
AUDIT_TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def num(text: str) -> int:
    return int(text.replace(",", ""))


class Run:
    """What a run at a (pseudo-)terminal produced."""

    def __init__(self, cmd, rc, tty: bytes, stdout: str, stderr: str | None):
        self.cmd, self.rc, self.tty, self.stdout, self.stderr = cmd, rc, tty, stdout, stderr

    def __str__(self):
        return (f"\ncommand: {harness.describe_cmd(self.cmd)}\nexit: {self.rc}\n"
                f"terminal: {self.tty[:3000]!r}\nstdout: {self.stdout[:2000]!r}\n"
                f"stderr (pipe): {None if self.stderr is None else self.stderr[:2000]!r}")


class FitCase(harness.S3TestCase):

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="s3c-fit-"))
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def proxy(self, *args) -> FaultProxy:
        p = FaultProxy(self.server.port, *args)
        self.addCleanup(p.stop)
        return p

    def bucket_of(self, deployments: int, objects: int) -> tuple[str, list[Dep]]:
        """A fresh bucket with `deployments` deployments (oldest first) of `objects` objects."""
        b = self.new_bucket()
        deps = [Dep(f"build-{i:03d}", days_ago(deployments + 1 - i), n=objects, size=3)
                for i in range(deployments)]
        self.seed(b, objects_of(*deps))
        return b, deps

    def run_at_terminal(self, *args, stderr_on_tty: bool = True, timeout: float = 120) -> Run:
        """The binary with stdin (and stderr, unless stderr_on_tty is False: then a pipe) on a
        pseudo-terminal and stdout on a pipe; returns everything the terminal received."""
        cmd = [str(self.bin), *map(str, args)]
        master, slave = pty.openpty()
        out = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, stdin=slave, stdout=out,
                                stderr=slave if stderr_on_tty else subprocess.PIPE,
                                env=self.cli_env(), cwd=str(self.home))
        os.close(slave)
        err_box: dict = {}
        reader = None
        if not stderr_on_tty:
            reader = threading.Thread(target=lambda: err_box.update(data=proc.stderr.read()),
                                      daemon=True)
            reader.start()
        tty = bytearray()
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                ready, _, _ = select.select([master], [], [], 0.2)
                if not ready:
                    # Nothing to read. With stderr on a pipe the terminal never hangs up
                    # while we hold the master, so the child's exit ends the wait.
                    if not stderr_on_tty and proc.poll() is not None:
                        break
                    continue
                try:
                    chunk = os.read(master, 65536)
                except OSError as e:
                    if e.errno == errno.EIO:  # every slave side closed: the child is gone
                        break
                    raise
                if not chunk:
                    break
                tty += chunk
            else:
                proc.kill()
                self.fail(f"timed out after {timeout}s: {harness.describe_cmd(cmd)}\n"
                          f"terminal so far: {bytes(tty)[-2000:]!r}")
            rc = proc.wait(30)
        finally:
            os.close(master)
        if reader is not None:
            reader.join(30)
            proc.stderr.close()
        out.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        out.close()
        stderr = None if stderr_on_tty else err_box.get("data", b"").decode("utf-8", "replace")
        return Run(cmd, rc, bytes(tty), stdout, stderr)

    def delete_args(self, bucket: str, endpoint: str, *more) -> list:
        return [f"s3://{bucket}", "--keep", "1", "--yes", "--endpoint-url", endpoint, *more]

    def assertBucketKeeps(self, bucket: str, kept: list[Dep]):
        self.assertEqual(self.list_keys(bucket), sorted(k for d in kept for k in d.objects()))


# ------------------------------------------------------------------------------- progress
class ProgressTest(FitCase):

    def test_progress_is_redrawn_in_place_at_a_terminal(self):
        # 40 deployments x 200 objects, keep 1: 7,800 objects in 8 DeleteObjects, two in
        # flight at a time, each held 300 ms by the proxy: about 1.2 s of deleting.
        b, deps = self.bucket_of(40, 200)
        proxy = self.proxy("--delay-delete-ms", "300")
        r = self.run_at_terminal(*self.delete_args(b, proxy.endpoint_url, "--concurrency", "2",
                                                   "--output", "json"))
        self.assertEqual(r.rc, 0, r)
        doc = json.loads(r.stdout)  # nothing of the progress leaks into stdout
        self.assertEqual(doc["result"]["objects_deleted"], 7800, r)
        self.assertBucketKeeps(b, deps[-1:])

        text = r.tty.decode("utf-8")
        # Every byte on the terminal belongs to a redraw: "\r\033[K" + a progress line, or
        # "\r\033[K" alone, which clears the line. Listing lines, a clear, deleting lines,
        # a clear: nothing else, and nothing left on the terminal at the end.
        self.assertTrue(r.tty.startswith(CLEAR), r)
        segments = text.split(CLEAR.decode())[1:]
        kinds = "".join("C" if seg == "" else "L" if LISTING_RE.match(seg) else
                        "D" if DELETING_RE.match(seg) else "?" for seg in segments)
        self.assertRegex(kinds, r"^L+CD+C$", f"L listing, D deleting, C clear, ? other{r}")
        listing = [LISTING_RE.match(seg) for seg in segments if seg.startswith("listing:")]
        deleting = [DELETING_RE.match(seg) for seg in segments if seg.startswith("deleting:")]
        # The counts only grow.
        listed = [(num(m[1]), num(m[2])) for m in listing]
        self.assertEqual(listed, sorted(listed), r)
        self.assertTrue(all(d <= 40 and o <= 8000 for d, o in listed), r)
        done = [num(m[1]) for m in deleting]
        self.assertEqual({num(m[2]) for m in deleting}, {7800}, r)
        self.assertEqual(done, sorted(done), r)
        self.assertGreaterEqual(len(set(done)), 2, f"at least two deleting redraws{r}")
        self.assertEqual(done[-1], 7800, r)
        # Past half a second the line adds the rate and the time left.
        self.assertTrue(any(m[3] for m in deleting), f"no rate / time left shown{r}")
        print(f"\n  progress: {len(listing)} listing and {len(deleting)} deleting redraws",
              file=sys.stderr)

    def test_no_progress_when_stderr_is_not_a_terminal(self):
        # stdin is a terminal, stderr a pipe: progress follows stderr.
        b, deps = self.bucket_of(10, 200)
        proxy = self.proxy("--delay-delete-ms", "300")
        r = self.run_at_terminal(*self.delete_args(b, proxy.endpoint_url, "--concurrency", "2",
                                                   "--output", "json"), stderr_on_tty=False)
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.stderr, "", r)
        self.assertEqual(r.tty, b"", r)
        self.assertEqual(json.loads(r.stdout)["result"]["objects_deleted"], 1800)
        self.assertBucketKeeps(b, deps[-1:])

    def test_no_progress_flag(self):
        b, deps = self.bucket_of(10, 200)
        proxy = self.proxy("--delay-delete-ms", "300")
        r = self.run_at_terminal(*self.delete_args(b, proxy.endpoint_url, "--concurrency", "2",
                                                   "--no-progress"))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual(r.tty, b"", r)  # text mode: plan and summary on stdout, nothing else
        self.assertIn("Plan for s3://", r.stdout, r)
        self.assertIn("Done: deleted 9 deployments, 1,800 objects", r.stdout, r)
        self.assertNotIn("\r", r.stdout, r)
        self.assertBucketKeeps(b, deps[-1:])


# ------------------------------------------------------------------------------- --quiet
class QuietTest(FitCase):

    def test_quiet_text_at_a_terminal_prints_nothing(self):
        b, deps = self.bucket_of(10, 200)
        proxy = self.proxy("--delay-delete-ms", "300")
        r = self.run_at_terminal(*self.delete_args(b, proxy.endpoint_url, "--concurrency", "2",
                                                   "--quiet"))
        self.assertEqual(r.rc, 0, r)
        self.assertEqual((r.tty, r.stdout), (b"", ""), r)
        self.assertBucketKeeps(b, deps[-1:])

    def test_quiet_json_prints_the_document_only(self):
        b, deps = self.bucket_of(10, 200)
        for short in (False, True):
            with self.subTest(flag="-q" if short else "--quiet"):
                if short:
                    b, deps = self.bucket_of(10, 200)
                r = self.run_at_terminal(*self.delete_args(
                    b, self.server.endpoint_url, "-q" if short else "--quiet", "--output", "json"))
                self.assertEqual(r.rc, 0, r)
                self.assertEqual(r.tty, b"", r)
                doc = json.loads(r.stdout)
                self.assertEqual(doc["result"]["objects_deleted"], 1800, r)
                self.assertEqual(doc["summary"]["delete"], 9, r)
                self.assertBucketKeeps(b, deps[-1:])

    def test_quiet_dry_run(self):
        b, _ = self.bucket_of(3, 2)
        for output, empty in (("text", True), ("json", False)):
            with self.subTest(output=output), self.unchanged(b):
                r = self.run_cli(f"s3://{b}", "--keep", "1", "--dry-run", "--quiet",
                                 "--output", output, *self.endpoint_args())
                self.assertEqual(r.returncode, 0, self.explain(r))
                self.assertEqual(r.stderr, "", self.explain(r))
                if empty:
                    self.assertEqual(r.stdout, "", self.explain(r))
                else:
                    self.assertEqual(json.loads(r.stdout)["summary"]["delete"], 2)

    def run_with_warning_and_error(self, *more) -> tuple[subprocess.CompletedProcess, str, str]:
        """A deletion that ends with one error (a key denied) and one warning (an object
        uploaded into a doomed deployment while the run was deleting). Returns the run, the
        denied key and the deployment that got the new object."""
        b = self.new_bucket()
        deps = [Dep(f"v{i}", days_ago(6 - i), n=5) for i in range(4)]
        self.seed(b, objects_of(*deps))
        denied = deps[0].prefix + deps[0].files[1]
        racing = deps[1]
        # Every DeleteObjects is held 2.5 s: the new object lands after the deployment was
        # listed (its listing is in the server's request log) and before its re-check.
        proxy = self.proxy("--delay-delete-ms", "2500", "--deny-key", denied)
        mark = self.server.request_mark()
        listed = re.compile(rf"^GET /{re.escape(b)}/?\?\S*prefix={racing.name}(%2F|/)")
        cmd = [str(self.bin), f"s3://{b}", "--keep", "1", "--yes",
               "--endpoint-url", proxy.endpoint_url, *more]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.cli_env(), cwd=str(self.home), text=True)
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and proc.poll() is None:
                if any(listed.match(l) for l in self.server.requests_since(mark)):
                    break
                time.sleep(0.02)
            self.put(b, racing.prefix + "uploaded-during-the-run.html", b"new")
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
        r = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
        self.assertEqual(r.returncode, 1, self.explain(r))
        return r, denied, racing.name

    def test_quiet_keeps_errors_and_drops_warnings(self):
        # Without --quiet the run says both: the error and the warning.
        r, denied, racing = self.run_with_warning_and_error()
        self.assertIn(f"s3-cleanup: error: failed to delete '{denied}': AccessDenied", r.stderr,
                      self.explain(r))
        self.assertIn(f"s3-cleanup: warning: {racing}: objects appeared during cleanup",
                      r.stderr, self.explain(r))
        self.assertIn("Failed: 1 object could not be deleted", r.stdout, self.explain(r))
        # With --quiet: the error line alone, nothing on stdout.
        r, denied, racing = self.run_with_warning_and_error("--quiet")
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, self.explain(r))
        self.assertTrue(lines[0].startswith(f"s3-cleanup: error: failed to delete '{denied}': "
                                            "AccessDenied"), self.explain(r))
        self.assertEqual(r.stdout, "", self.explain(r))
        # --quiet --output json: the same one line, and the document (which has the warning).
        r, denied, racing = self.run_with_warning_and_error("--quiet", "--output", "json")
        self.assertEqual(len(r.stderr.splitlines()), 1, self.explain(r))
        self.assertIn(denied, r.stderr)
        doc = json.loads(r.stdout)
        self.assertEqual([f["key"] for f in doc["result"]["failed"]], [denied])
        self.assertEqual(doc["result"]["appeared"], [{"deployment": racing, "objects": 1}])


# ------------------------------------------------------------------------------- --log-file
class AuditLogTest(FitCase):

    def read_log(self, path: Path) -> list[dict]:
        text = path.read_text(encoding="utf-8")
        self.assertTrue(text == "" or text.endswith("\n"), "the last line is not complete")
        return [json.loads(l) for l in text.splitlines()]

    def assertLineShape(self, line: dict, bucket: str, t0: str, t1: str):
        keys = ["time", "target", "bucket", "key", "version_id", "deployment", "outcome"]
        if line.get("outcome") == "failed":
            keys.append("code")
        self.assertEqual(list(line), keys, line)  # these fields, in this order
        self.assertRegex(line["time"], AUDIT_TIME_RE)
        self.assertTrue(t0 <= line["time"] <= t1, (t0, line["time"], t1))
        self.assertEqual(line["bucket"], bucket)
        self.assertTrue(line["target"].startswith(f"s3://{bucket}/"), line)
        self.assertIsNone(line["version_id"])
        self.assertEqual(line["deployment"], line["key"].split("/", 1)[0], line)
        self.assertIn(line["outcome"], ("deleted", "failed"))

    def test_deleted_lines_are_exactly_the_keys_gone_and_failures_are_marked(self):
        b = self.new_bucket()
        old = [Dep(f"old{i}", days_ago(9 - i), n=700, size=2) for i in range(3)]
        live = [Dep("live", days_ago(1), n=3)]
        self.seed(b, objects_of(*old, *live, extra={"index.html": b"root"}))
        # Two failures: --deny-key rewrites the answer for a key the server did delete;
        # --deny-prefix keeps a key out of the request, so it stays in the bucket.
        lied = old[0].prefix + old[0].files[10]
        kept = old[2].prefix + old[2].files[3]
        proxy = self.proxy("--deny-key", lied, "--deny-prefix", kept,
                           "--access-key", self.server.access_key_id,
                           "--secret-key", self.server.secret_access_key)
        log = self.tmp / "audit.jsonl"
        before = set(self.list_keys(b))
        t0 = harness.rfc3339(harness.utcnow())
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--yes", "--output", "json", "--concurrency",
                         "2", "--log-file", log, "--endpoint-url", proxy.endpoint_url)
        t1 = harness.rfc3339(harness.utcnow() + dt.timedelta(seconds=1))
        self.assertEqual(r.returncode, 1, self.explain(r))
        after = set(self.list_keys(b))
        lines = self.read_log(log)
        for line in lines:
            self.assertLineShape(line, b, t0, t1)
        doomed = {k for d in old for k in d.objects()}
        # One line per key the run tried to delete: every doomed key, once.
        self.assertEqual(len(lines), len(doomed))
        self.assertEqual({l["key"] for l in lines}, doomed)
        deleted = {l["key"] for l in lines if l["outcome"] == "deleted"}
        failed = {l["key"]: l["code"] for l in lines if l["outcome"] == "failed"}
        self.assertEqual(failed, {lied: "AccessDenied", kept: "AccessDenied"})
        # The bucket agrees: what is gone is what the log says was deleted (plus the key
        # whose answer the proxy falsified), what stays is the kept deployment, the root
        # object and the key the server never saw.
        self.assertEqual(before - after, deleted | {lied})
        self.assertEqual(after, {*live[0].objects(), "index.html", kept})
        doc = json.loads(r.stdout)
        self.assertEqual({f["key"]: f["code"] for f in doc["result"]["failed"]}, failed)
        self.assertEqual(doc["result"]["objects_deleted"], len(deleted))

    def test_the_log_is_appended_to_across_runs(self):
        log = self.tmp / "audit.jsonl"
        earlier = '{"note": "written before"}\n'
        log.write_text(earlier)
        runs = []
        for _ in range(2):
            b, deps = self.bucket_of(3, 4)
            r = self.run_cli(f"s3://{b}", "--keep", "1", "--yes", "--log-file", log,
                             *self.endpoint_args())
            self.assertEqual(r.returncode, 0, self.explain(r))
            runs.append((b, {k for d in deps[:-1] for k in d.objects()}))
            self.assertBucketKeeps(b, deps[-1:])
        text = log.read_text()
        self.assertTrue(text.startswith(earlier), text[:200])
        lines = [json.loads(l) for l in text.splitlines()[1:]]
        self.assertEqual(len(lines), 16)
        for (b, doomed), part in zip(runs, (lines[:8], lines[8:])):
            self.assertEqual({l["bucket"] for l in part}, {b})
            self.assertEqual({l["key"] for l in part}, doomed)
            self.assertEqual({l["outcome"] for l in part}, {"deleted"})

    def test_the_log_is_written_batch_by_batch(self):
        # 3,000 objects, one DeleteObjects at a time, each held 800 ms: while the run goes
        # on, the log already holds the lines of the batches done.
        b, deps = self.bucket_of(4, 1000)
        proxy = self.proxy("--delay-delete-ms", "800")
        log = self.tmp / "audit.jsonl"
        proc = subprocess.Popen(
            [str(self.bin), f"s3://{b}", "--keep", "1", "--yes", "--concurrency", "1",
             "--log-file", str(log), "--endpoint-url", proxy.endpoint_url],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=self.cli_env(),
            cwd=str(self.home))
        seen = set()
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if log.exists():
                data = log.read_bytes()
                if data.endswith(b"\n"):
                    seen.add(data.count(b"\n"))
            time.sleep(0.02)
        _, err = proc.communicate(timeout=60)
        self.assertEqual(proc.returncode, 0, err)
        self.assertIn(1000, seen, f"complete line counts seen during the run: {sorted(seen)}")
        self.assertIn(2000, seen, f"complete line counts seen during the run: {sorted(seen)}")
        self.assertEqual(len(self.read_log(log)), 3000)

    def test_undo_on_a_versioned_bucket_by_deleting_the_latest_delete_markers(self):
        # The README's recipe (Audit log), with boto3: on a versioned bucket a plain delete
        # leaves a delete marker as the latest version of the key; deleting it for every
        # "deleted" line of the log brings back every object as it was.
        b = self.new_bucket()
        s3 = self.server.s3
        s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        # "a.txt" is a prefix of "a.txt.old": listing the versions of one lists the other's.
        deps = [Dep("r0", days_ago(4), n=3, files=["a.txt", "a.txt.old", "b.txt"]),
                Dep("r1", days_ago(3), n=3), Dep("r2", days_ago(2), n=3)]
        self.seed(b, objects_of(*deps), via="s3")
        before = self.list_objects(b)
        log = self.tmp / "audit.jsonl"
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--yes", "--log-file", log,
                         *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        lines = self.read_log(log)
        deleted = [l["key"] for l in lines if l["outcome"] == "deleted"]
        self.assertEqual(sorted(deleted), sorted(k for d in deps[:2] for k in d.objects()))
        self.assertEqual({l["version_id"] for l in lines}, {None})
        self.assertEqual(self.list_keys(b), sorted(deps[2].objects()))
        for key in deleted:
            versions = s3.list_object_versions(Bucket=b, Prefix=key)
            latest = [m for m in versions.get("DeleteMarkers", [])
                      if m["Key"] == key and m["IsLatest"]]
            self.assertEqual(len(latest), 1, f"{key}: {versions}")
            s3.delete_object(Bucket=b, Key=key, VersionId=latest[0]["VersionId"])
        self.assertEqual(self.list_objects(b), before)

    def test_a_log_file_that_cannot_be_opened_is_a_usage_error_before_any_request(self):
        b, _ = self.bucket_of(3, 2)
        (self.tmp / "a-directory").mkdir()
        for path in (self.tmp / "no-such-dir" / "audit.jsonl", self.tmp / "a-directory"):
            with self.subTest(path=str(path)), self.unchanged(b):
                mark = self.server.request_mark()
                args = [f"s3://{b}", "--keep", "1", "--yes", "--log-file", path,
                        *self.endpoint_args()]
                r = self.run_cli(*args)
                self.assertEqual(r.returncode, 2, self.explain(r, args))
                self.assertOneErrorLine(r, "--log-file", str(path), args=args)
                self.assertEqual(r.stdout, "", self.explain(r, args))
                self.assertEqual(self.server.requests_since(mark), [], "no request may be sent")
                self.assertFalse((self.tmp / "no-such-dir").exists())

    def test_a_dry_run_writes_no_log(self):
        b, _ = self.bucket_of(3, 2)
        log = self.tmp / "audit.jsonl"
        with self.unchanged(b):
            r = self.run_cli(f"s3://{b}", "--keep", "1", "--dry-run", "--log-file", log,
                             *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertFalse(log.exists())

    def test_a_log_that_cannot_be_written_fails_the_run(self):
        # /dev/full opens, and every write to it fails (ENOSPC).
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        b, _ = self.bucket_of(3, 2)
        r = self.run_cli(f"s3://{b}", "--keep", "1", "--yes", "--log-file", "/dev/full",
                         *self.endpoint_args())
        self.assertEqual(r.returncode, 1, self.explain(r))
        self.assertIn("s3-cleanup: error: writing --log-file '/dev/full' failed", r.stderr,
                      self.explain(r))


if __name__ == "__main__":
    unittest.main()
