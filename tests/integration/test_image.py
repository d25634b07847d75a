"""The container image of the Dockerfile, run with buildah against the moto S3 server.

scripts/test --full's image stage builds it (scripts/image build) and sets S3_CLEANUP_IMAGE
(the tag) and S3_CLEANUP_IMAGE_STORE (scripts/image's storage folder); without them every
test here is skipped, saying so. By hand:

    scripts/image build
    cd tests/integration && S3_CLEANUP_IMAGE=s3-cleanup:test \\
      S3_CLEANUP_IMAGE_STORE=../../build/image python3 -m unittest -v test_image

Each command runs in one container of the image (`buildah run --isolation chroot
--network host`, through scripts/image: its ENTRYPOINT, its USER), with a host folder on
/tmp and one on the log volume /var/log/s3-cleanup, as the CronJob mounts an emptyDir and a
PersistentVolumeClaim there. The container's root filesystem is listed before and after
every run (path, type, mode, owner, size, mtime): it must not change, so the image runs
with `readOnlyRootFilesystem: true`. The network is the host's: the S3 server and the fake
Lambda Runtime API listen on 127.0.0.1. The bucket is checked with boto3, from outside.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
import fake_lambda

SCRIPT = harness.REPO / "scripts" / "image"
UID = 10001  # the Dockerfile's USER, the CronJob's runAsUser
LOG_DIR = "/var/log/s3-cleanup"
POLICY_DIR = "/etc/s3-cleanup"
RUN_TIMEOUT = 180  # a container of a 100 MB image on vfs, on two loaded cores


def require_image() -> str:
    image = os.environ.get("S3_CLEANUP_IMAGE")
    if not image or not os.environ.get("S3_CLEANUP_IMAGE_STORE"):
        msg = ("no image to run: S3_CLEANUP_IMAGE and S3_CLEANUP_IMAGE_STORE are set by "
               "scripts/test --full's image stage (by hand: scripts/image build, then "
               "S3_CLEANUP_IMAGE=s3-cleanup:test S3_CLEANUP_IMAGE_STORE=<repo>/build/image)")
        print(f"SKIP: {msg}", file=sys.stderr)
        raise unittest.SkipTest(msg)
    return image


def image_tool(*args: str, timeout: float = RUN_TIMEOUT) -> str:
    """scripts/image ARGS (buildah/podman on the image's storage); its stdout."""
    r = subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=timeout)
    if r.returncode != 0:
        raise AssertionError(f"scripts/image {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def rootfs_listing(root: Path) -> dict:
    """{path: (type and mode, uid, gid, size, mtime_ns, link target)} of everything under
    root, symbolic links not followed."""
    listing = {}
    for top, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = os.path.join(top, name)
            st = os.lstat(path)
            link = os.readlink(path) if stat.S_ISLNK(st.st_mode) else None
            listing["/" + os.path.relpath(path, root)] = (
                st.st_mode, st.st_uid, st.st_gid, st.st_size, st.st_mtime_ns, link)
    return listing


def rootfs_changes(before: dict, after: dict) -> dict:
    changes = {p: (before.get(p), after.get(p)) for p in before.keys() | after.keys()
               if before.get(p) != after.get(p)}
    # buildah itself creates /run/.containerenv before the command and removes it after, as
    # root: /run's mtime moves. /run is root's 0755, so the command cannot write there
    # (/run/lock, 1777, is compared like everything else).
    old, new = changes.get("/run", (None, None))
    if old and new and old[:4] == new[:4] and old[5:] == new[5:]:
        del changes["/run"]
    return changes


_SIZE_SHOWN: list[int] = []  # the size goes into the test output once


class ImageCase(harness.S3TestCase):
    needs_binary = False  # the image brings its own

    @classmethod
    def setUpClass(cls):
        cls.image = require_image()
        super().setUpClass()
        cls.size = int(image_tool("size").strip())
        if not _SIZE_SHOWN:
            _SIZE_SHOWN.append(cls.size)
            print(f"\nimage {cls.image}: {cls.size} bytes ({cls.size / 1e6:.0f} MB)",
                  file=sys.stderr)
        (inspected,) = json.loads(image_tool("podman", "image", "inspect", cls.image))
        cls.config = inspected["Config"]
        cls.container = image_tool("buildah", "from", "--pull=never", "--name",
                                   f"s3c-test-{os.getpid()}-{cls.__name__.lower()}",
                                   cls.image).strip()
        cls.addClassCleanup(image_tool, "buildah", "rm", cls.container)
        cls.rootfs = Path(image_tool("buildah", "mount", cls.container).strip())

    def setUp(self):
        # The volumes, fresh for each test: /tmp as an emptyDir (1777), the log volume
        # writable by uid 10001 (the CronJob's fsGroup does that on a cluster).
        self.volumes = Path(tempfile.mkdtemp(prefix="s3c-image-"))
        self.addCleanup(shutil.rmtree, self.volumes, True)
        self.tmp = self.volumes / "tmp"
        self.log = self.volumes / "log"
        self.tmp.mkdir(mode=0o1777)
        self.tmp.chmod(0o1777)
        self.log.mkdir()
        try:
            os.chown(self.log, UID, UID)
        except PermissionError:  # not root: open to all instead
            self.log.chmod(0o777)

    # ---- running the image
    def container_env(self, extra: dict | None = None) -> dict:
        return {"AWS_ACCESS_KEY_ID": self.server.access_key_id,
                "AWS_SECRET_ACCESS_KEY": self.server.secret_access_key,
                "AWS_REGION": harness.REGION, "LC_ALL": "C.UTF-8", **(extra or {})}

    def run_command(self, mode: str, args, env: dict | None = None,
                    volumes: dict | None = None) -> list[str]:
        """scripts/image MODE --container C --env ... --volume ... -- ARGS. A volume's mount
        point is made first if the image lacks it, as a container runtime makes it (buildah
        would, and leave it behind)."""
        volumes = {"/tmp": self.tmp, LOG_DIR: self.log} if volumes is None else volumes
        for inside in volumes:
            (self.rootfs / inside.lstrip("/")).mkdir(parents=True, exist_ok=True)
        cmd = [str(SCRIPT), mode, "--container", self.container]
        for k, v in self.container_env(env).items():
            cmd += ["--env", f"{k}={v}"]
        for inside, host in volumes.items():
            ro = ":ro" if inside == POLICY_DIR else ""
            cmd += ["--volume", f"{host}:{inside}{ro}"]
        return [*cmd, "--", *map(str, args)]

    def run_image(self, *args, mode: str = "run", env: dict | None = None,
                  volumes: dict | None = None) -> subprocess.CompletedProcess:
        """The image as `docker run IMAGE ARGS` runs it (mode "run": ENTRYPOINT ARGS) or one
        of its commands (mode "exec"); fails if the root filesystem changed."""
        cmd = self.run_command(mode, args, env, volumes)
        before = rootfs_listing(self.rootfs)  # after run_command: its mount points
        try:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired as e:
            self.fail(f"timed out: {harness.describe_cmd(cmd)}\n{e.stdout!r}\n{e.stderr!r}")
        self.assertRootUnchanged(before, harness.describe_cmd(args))
        return r

    def assertRootUnchanged(self, before: dict, what: str):
        changes = rootfs_changes(before, rootfs_listing(self.rootfs))
        self.assertEqual(changes, {}, f"{what} wrote outside /tmp and {LOG_DIR}: "
                                      "(before, after) of each path changed")

    def explain(self, r, args=None) -> str:
        return (f"\ncommand: {harness.describe_cmd(r.args)}\nexit: {r.returncode}\n"
                f"stdout: {r.stdout[:3000]!r}\nstderr: {r.stderr[:3000]!r}")

    def assertNoSecret(self, *texts: str):
        for text in texts:
            self.assertNotIn(self.server.secret_access_key, text)


class ImageTest(ImageCase):

    def test_the_image_runs_the_tool_as_uid_10001(self):
        self.assertEqual(self.config["User"], f"{UID}:{UID}")
        self.assertEqual(self.config["Entrypoint"], ["/usr/local/bin/s3-cleanup"])
        self.assertFalse(self.config.get("Cmd"), "no CMD: Lambda runs the ENTRYPOINT alone")
        version = re.search(r"project\(s3-cleanup VERSION ([0-9.]+)",
                            (harness.REPO / "CMakeLists.txt").read_text()).group(1)
        r = self.run_image("--version")
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertEqual(r.stdout.strip(), f"s3-cleanup {version}")
        r = self.run_image("sh", "-c", "id -u; id -g", mode="exec")
        self.assertEqual(r.stdout.split(), [str(UID), str(UID)], self.explain(r))
        # TLS to AWS needs the CA store; the compilers stayed in the build stage.
        r = self.run_image("sh", "-c", "test -s /etc/ssl/certs/ca-certificates.crt && "
                           "! command -v g++ cmake", mode="exec")
        self.assertEqual(r.returncode, 0, "ca-certificates there, no compiler" + self.explain(r))
        self.assertLess(self.size, 150_000_000, "the run stage grew: keep it minimal")

    def test_the_listing_sees_a_write_outside_the_volumes(self):
        """The check itself: a file made and removed again in the home folder (writable by
        uid 10001 in the image, read-only on a cluster) is seen; one in /tmp is not."""
        for where, seen in (("/tmp", False), ("/home/s3-cleanup", True)):
            cmd = self.run_command("exec", ["sh", "-c", f"touch {where}/x && rm {where}/x"])
            before = rootfs_listing(self.rootfs)
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=RUN_TIMEOUT)
            self.assertEqual(r.returncode, 0, self.explain(r))
            changes = rootfs_changes(before, rootfs_listing(self.rootfs))
            self.assertEqual(bool(changes), seen, (where, changes))

    def test_a_usage_error_is_one_line(self):
        r = self.run_image()  # no arguments, no AWS_LAMBDA_RUNTIME_API: the CLI's usage error
        self.assertEqual(r.returncode, 2, self.explain(r))
        self.assertOneErrorLine(r, "s3://BUCKET")

    def test_a_dry_run(self):
        b, deps = self.three()
        new, mid, old = deps
        with self.unchanged(b):
            r = self.run_image(f"s3://{b}", "--keep", "1", "--dry-run", "--output", "json",
                               *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        plan = json.loads(r.stdout)
        self.assertPlanWellFormed(plan, b)
        self.assertDeployments(plan, [(new, "keep", "newest"), (mid, "delete", "past-keep"),
                                      (old, "delete", "past-keep")])
        self.assertEqual(os.listdir(self.log), [], "a dry run writes no audit log")
        self.assertNoSecret(r.stdout, r.stderr)

    def test_a_deletion_as_the_cronjob_runs_it(self):
        """--config from a read-only volume, --yes, the audit log on the log volume, every
        key through the spill file in /tmp (S3_CLEANUP_KEY_BUDGET=0)."""
        b, deps = self.three()
        new, mid, old = deps
        policy = self.volumes / "policy"
        policy.mkdir()
        (policy / "policy.yaml").write_text(
            f"version: 1\ntargets:\n  - url: s3://{b}/\n    keep: 1\n")
        r = self.run_image("--config", f"{POLICY_DIR}/policy.yaml", "--yes", "--output", "json",
                           "--log-file", f"{LOG_DIR}/audit.jsonl",
                           env={"AWS_ENDPOINT_URL": self.server.endpoint_url,
                                "S3_CLEANUP_KEY_BUDGET": "0"},
                           volumes={"/tmp": self.tmp, LOG_DIR: self.log, POLICY_DIR: policy})
        self.assertEqual(r.returncode, 0, self.explain(r))
        doc = json.loads(r.stdout)
        self.assertNotIn("error", doc)
        self.assertEqual(doc["summary"]["failed"], 0)
        (target,) = doc["targets"]
        self.assertEqual(target["result"]["objects_deleted"], mid.n + old.n)
        self.assertEqual(self.list_keys(b), sorted(new.objects()))
        # The audit log: written on the volume by uid 10001, one line per deleted key.
        audit = self.log / "audit.jsonl"
        self.assertEqual(os.stat(audit).st_uid, UID, "the log's owner is the process's uid")
        lines = [json.loads(line) for line in audit.read_text().splitlines()]
        self.assertEqual(sorted(l["key"] for l in lines), sorted([*mid.objects(), *old.objects()]))
        self.assertEqual({l["outcome"] for l in lines}, {"deleted"})
        self.assertEqual(os.listdir(self.tmp), [], "the spill file is gone")
        self.assertNoSecret(r.stdout, r.stderr, audit.read_text())


class ImageLambdaTest(ImageCase):
    """The image as the Lambda package: its ENTRYPOINT with no arguments and
    AWS_LAMBDA_RUNTIME_API set, against the fake Runtime API (fake_lambda.py) on loopback."""

    def start_runtime(self, api, cmd: list[str]) -> subprocess.Popen:
        # Its own process group: the runtime serves until the fake stops, else it is killed.
        out = open(self.volumes / "runtime.out", "w+")
        err = open(self.volumes / "runtime.err", "w+")
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, start_new_session=True)
        self.outputs = (out, err)

        def end():
            api.stop()
            try:
                proc.wait(60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(60)
        self.addCleanup(end)
        return proc

    def output(self) -> tuple[str, str]:
        texts = []
        for f in self.outputs:
            f.seek(0)
            texts.append(f.read())
        return texts[0], texts[1]

    def invoke(self, api, event: dict) -> tuple[str, dict]:
        rid = api.queue(event)
        kind, body = api.wait_result(rid, timeout=RUN_TIMEOUT)[:2]
        return kind, body

    def test_a_dry_run_invocation_then_a_deletion(self):
        b, deps = self.three()
        new, mid, old = deps
        api = fake_lambda.FakeRuntimeApi()
        api.start()
        self.addCleanup(api.stop)
        cmd = self.run_command("run", [], {"AWS_LAMBDA_RUNTIME_API": api.address,
                                           "AWS_ENDPOINT_URL": self.server.endpoint_url},
                               {"/tmp": self.tmp})  # Lambda: /tmp is all there is to write
        before = rootfs_listing(self.rootfs)
        proc = self.start_runtime(api, cmd)
        event = {"version": 1, "targets": [{"url": f"s3://{b}/", "keep": 1}]}

        with self.unchanged(b, "the dry-run invocation"):
            kind, body = self.invoke(api, {**event, "dry_run": True})
        self.assertEqual(kind, "response", (body, self.output()))
        self.assertEqual((body["complete"], body["exit"], body["dry_run"]), (True, 0, True), body)
        self.assertNotIn("error", body)
        (target,) = body["targets"]
        self.assertEqual({d["name"]: d["action"] for d in target["deployments"]},
                         {"new": "keep", "mid": "delete", "old": "delete"})

        kind, body = self.invoke(api, {**event, "yes": True})
        self.assertEqual(kind, "response", (body, self.output()))
        print(f"\nLambda response of the deletion, from the image: {json.dumps(body)}",
              file=sys.stderr)
        self.assertEqual((body["complete"], body["exit"], body["dry_run"]), (True, 0, False), body)
        self.assertEqual(body["targets"][0]["result"]["objects_deleted"], mid.n + old.n)
        self.assertEqual(self.list_keys(b), sorted(new.objects()))

        api.stop()  # /next fails: the runtime ends
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGTERM)  # buildah passes it on
            proc.wait(60)
        self.assertRootUnchanged(before, "the Lambda runtime")
        out, err = self.output()
        self.assertNoSecret(out, err, json.dumps(body))


if __name__ == "__main__":
    unittest.main()
