"""Shared fixtures for the integration tests (stdlib unittest only).

One moto S3 server (tests/s3server/moto_s3.py) per test process, started on a free
loopback port the first time a test class needs it and stopped at exit (atexit, and the
server also exits by itself when our end of its stdin closes, so a killed test run
leaves nothing behind). Signature checking is ON: every request must be SigV4-signed
with the key the server created at start-up (S3Server.access_key_id / .secret_access_key).

    class MyTest(harness.S3TestCase):
        def test_x(self):
            b = self.new_bucket()
            self.seed(b, {"v1/a.txt": (b"x", harness.days_ago(3))})
            r = self.run_cli(f"s3://{b}", "--keep", "1", "--dry-run", *self.endpoint_args())
            plan = self.plan(f"s3://{b}", "--keep", "1")      # json + --dry-run + endpoint, rc 0

Environment: S3_CLEANUP_BIN = the binary under test (default <repo>/build/default/s3-cleanup).
"""
from __future__ import annotations

import atexit
import concurrent.futures
import datetime as dt
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SERVER_SCRIPT = REPO / "tests" / "s3server" / "moto_s3.py"
DEFAULT_BIN = REPO / "build" / "default" / "s3-cleanup"
REGION = "us-east-1"
TEST_CLOCK_HEADER = "x-moto-test-last-modified"
CLI_TIMEOUT = 120
SEED_WORKERS = 6  # 2-core machine: enough to overlap round trips, not more

UTC = dt.timezone.utc


# ----------------------------------------------------------------------------- time
def utcnow() -> dt.datetime:
    return dt.datetime.now(UTC).replace(microsecond=0)


def days_ago(days: float, now: dt.datetime | None = None) -> dt.datetime:
    return ((now or utcnow()) - dt.timedelta(days=days)).replace(microsecond=0)


def rfc3339(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(s: str) -> dt.datetime:
    if s.endswith(("Z", "z")):
        s = s[:-1] + "+00:00"
    t = dt.datetime.fromisoformat(s)
    if t.tzinfo is None:
        raise ValueError(f"no time zone in {s!r}")
    return t.astimezone(UTC)


# ----------------------------------------------------------------------------- tools
def have_module(name: str) -> bool:
    try:
        __import__(name)
        return True
    except ImportError:
        return False


def cli_binary() -> Path:
    return Path(os.environ.get("S3_CLEANUP_BIN") or DEFAULT_BIN)


def require_binary() -> Path:
    """The binary under test, or SkipTest (printed) if it is not built."""
    b = cli_binary()
    if not (b.is_file() and os.access(b, os.X_OK)):
        msg = (f"s3-cleanup binary not found at {b} "
               f"(build it: cmake --build --preset default, or set S3_CLEANUP_BIN)")
        print(f"SKIP: {msg}", file=sys.stderr)
        raise unittest.SkipTest(msg)
    return b


def require_server_tools() -> None:
    missing = [m for m in ("moto", "boto3", "werkzeug", "flask") if not have_module(m)]
    if missing:
        msg = f"python modules missing for the test S3 server: {', '.join(missing)}"
        print(f"SKIP: {msg}", file=sys.stderr)
        raise unittest.SkipTest(msg)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ----------------------------------------------------------------------------- server
class S3Server:
    """The moto S3 server as a subprocess."""

    def __init__(self, *extra_args: str):
        self.extra_args = list(extra_args)
        self.proc: subprocess.Popen | None = None
        self.tmp = Path(tempfile.mkdtemp(prefix="s3c-server-"))
        self.request_log = self.tmp / "requests.log"
        self.stderr_path = self.tmp / "server.stderr"
        self.info: dict = {}
        self._client = None
        self._lock = threading.Lock()

    # ---- life cycle
    def start(self, timeout: float = 30.0) -> "S3Server":
        last_err = None
        for _ in range(3):  # the port might be taken between free_port() and bind
            port = free_port()
            self.request_log.touch()
            err = open(self.stderr_path, "ab")
            self.proc = subprocess.Popen(
                [sys.executable, str(SERVER_SCRIPT), "--port", str(port), "--host", "127.0.0.1",
                 "--request-log", str(self.request_log), "--exit-on-stdin-eof",
                 *self.extra_args],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err,
                cwd=str(self.tmp), env=_server_env())
            err.close()
            try:
                self.info = self._wait_ready(timeout)
                self._wait_accepting(timeout)
                return self
            except RuntimeError as e:
                last_err = e
                self.stop()
        raise RuntimeError(f"test S3 server did not start: {last_err}")

    def _wait_ready(self, timeout: float) -> dict:
        box: dict = {}

        def read():
            box["line"] = self.proc.stdout.readline()

        t = threading.Thread(target=read, daemon=True)
        t.start()
        t.join(timeout)
        line = box.get("line")
        if not line:
            raise RuntimeError(f"no ready line (exit={self.proc.poll()}): {self.stderr_tail()}")
        info = json.loads(line)
        if not info.get("ready"):
            raise RuntimeError(f"unexpected ready line {line!r}")
        return info

    def _wait_accepting(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.stderr_tail()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("server not accepting connections")

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None:
            return
        try:
            if p.stdin:
                p.stdin.close()  # --exit-on-stdin-eof: polite shutdown
        except OSError:
            pass
        if p.poll() is None:
            p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(10)
        if p.stdout:
            p.stdout.close()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def stderr_tail(self, n: int = 4000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""

    # ---- facts
    @property
    def port(self) -> int:
        return int(self.info["port"])

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_key_id(self) -> str:
        return self.info["access_key_id"]

    @property
    def secret_access_key(self) -> str:
        return self.info["secret_access_key"]

    # ---- request log: "METHOD RAWPATH?RAWQUERY STATUS" per line
    def requests(self) -> list[str]:
        return self.request_log.read_bytes().decode("utf-8", "replace").splitlines()

    def request_mark(self) -> int:
        return len(self.requests())

    def requests_since(self, mark: int) -> list[str]:
        return self.requests()[mark:]

    # ---- boto3
    def client(self, access_key_id: str | None = None, secret_access_key: str | None = None):
        import boto3
        from botocore.config import Config

        cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2, "mode": "standard"},
                     max_pool_connections=SEED_WORKERS + 2, connect_timeout=10, read_timeout=60)
        c = boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=REGION,
            aws_access_key_id=access_key_id or self.access_key_id,
            aws_secret_access_key=secret_access_key or self.secret_access_key, config=cfg)
        c.meta.events.register("before-sign.s3.PutObject", _add_test_clock_header)
        return c

    @property
    def s3(self):
        with self._lock:
            if self._client is None:
                self._client = self.client()
            return self._client

    def signed_request(self, method: str, target: str, body: bytes = b"",
                       headers: dict | None = None, secret: str | None = None,
                       access_key_id: str | None = None) -> tuple[int, bytes]:
        """Send `target` (raw path?query, sent byte for byte) signed the way S3 wants it."""
        import sigv4_ref
        hdrs = dict(headers or {})
        hdrs = sigv4_ref.sign(method, f"127.0.0.1:{self.port}", target, hdrs, body,
                              access_key_id or self.access_key_id,
                              secret or self.secret_access_key, REGION)
        return raw_http(self.port, method, target, hdrs, body)

    # ---- STS / IAM facts of the server (issue 4): roles created at start-up
    @property
    def role_arn(self) -> str:
        return self.info["role_arn"]

    @property
    def denied_role_arn(self) -> str:
        """A role without any permission: its credentials get AccessDenied from S3."""
        return self.info["denied_role_arn"]

    @property
    def external_id_role_arn(self) -> str:
        return self.info["external_id_role_arn"]

    @property
    def external_id(self) -> str:
        return self.info["external_id"]

    # ---- the server's test API (/_s3test/, authenticated with the secret key)
    def test_api(self, method: str, path: str, payload: dict | None = None) -> dict:
        body = json.dumps(payload).encode() if payload is not None else b""
        hdrs = {"Host": f"127.0.0.1:{self.port}", "x-s3test-secret": self.secret_access_key}
        if payload is not None:
            hdrs["Content-Type"] = "application/json"
        status, out = raw_http(self.port, method, path, hdrs, body)
        if status != 200:
            raise RuntimeError(f"{method} {path}: {status} {out[:500]!r}")
        return json.loads(out)

    def mint_role_credentials(self, duration: int = 3600, role_arn: str | None = None) -> dict:
        """Fresh STS credentials for a role: {AccessKeyId, SecretAccessKey, SessionToken, Expiration}."""
        return self.test_api("POST", "/_s3test/credentials", {
            "op": "assume-role", "role_arn": role_arn or self.role_arn, "duration": duration})

    def create_user_key(self) -> dict:
        """A new IAM user with allow-* and an access key: {AccessKeyId, SecretAccessKey, UserName}."""
        return self.test_api("POST", "/_s3test/credentials", {"op": "create-user"})

    def create_user_with_policy(self, statements: list[dict], name: str = "user") -> dict:
        """A new IAM user (NAME-<random>) whose inline policy is these statements, and an
        access key of it: {AccessKeyId, SecretAccessKey, UserName, ...}. moto enforces the
        policy on S3 and CloudFront requests signed with the key."""
        import uuid

        import boto3
        iam = boto3.client("iam", endpoint_url=self.endpoint_url, region_name="us-east-1",
                           aws_access_key_id=self.access_key_id,
                           aws_secret_access_key=self.secret_access_key)
        user = f"{name}-{uuid.uuid4().hex[:8]}"
        iam.create_user(UserName=user)
        iam.put_user_policy(UserName=user, PolicyName="policy", PolicyDocument=json.dumps(
            {"Version": "2012-10-17", "Statement": statements}))
        return iam.create_access_key(UserName=user)["AccessKey"]

    def revoke(self, access_key_id: str) -> bool:
        """Delete that access key / STS session: requests signed with it get InvalidAccessKeyId."""
        return self.test_api("POST", "/_s3test/credentials",
                             {"op": "revoke", "access_key_id": access_key_id})["revoked"]

    def auth_log_mark(self) -> int:
        return self.test_api("GET", "/_s3test/auth-log?since=999999999")["next"]

    def auth_log_since(self, mark: int) -> list[dict]:
        """Requests since mark: {method, target, status, access_key_id, region, service, session_token,
        host, amz_date (X-Amz-Date, header or query; None when unsigned)}."""
        return self.test_api("GET", f"/_s3test/auth-log?since={mark}")["entries"]

    def sts_log_mark(self) -> int:
        return self.test_api("GET", "/_s3test/sts-log?since=999999999")["next"]

    def sts_calls_since(self, mark: int) -> list[dict]:
        """STS calls since mark: {action, status, signed, caller_access_key_id, role_arn,
        role_session_name, duration_seconds, external_id, web_identity_token,
        issued_access_key_id, expiration, error_code, region}."""
        return self.test_api("GET", f"/_s3test/sts-log?since={mark}")["entries"]


def raw_http(port: int, method: str, target: str, headers: dict, body: bytes = b"") -> tuple[int, bytes]:
    """An HTTP/1.1 request whose request line is exactly `target` (no client re-encoding)."""
    import http.client
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.putrequest(method, target, skip_host=True, skip_accept_encoding=True)
        for k, v in headers.items():
            conn.putheader(k, v)
        if body or method in ("PUT", "POST"):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body or None)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        conn.close()


_tls = threading.local()


def _add_test_clock_header(request, **kwargs):
    when = getattr(_tls, "last_modified", None)
    if when is not None:
        request.headers[TEST_CLOCK_HEADER] = rfc3339(when)


def _server_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)
    env["PYTHONUNBUFFERED"] = "1"
    return env


_SERVER: S3Server | None = None
_SERVER_LOCK = threading.Lock()


def shared_server() -> S3Server:
    """The process-wide server (started once; stopped at exit)."""
    global _SERVER
    with _SERVER_LOCK:
        if _SERVER is None or _SERVER.proc is None or _SERVER.proc.poll() is not None:
            require_server_tools()
            srv = S3Server()
            atexit.register(srv.cleanup)
            _SERVER = srv.start()
        return _SERVER


# ----------------------------------------------------------------------------- seeding
def put(server: S3Server, bucket: str, key: str, body: bytes = b"x",
        last_modified: dt.datetime | None = None, client=None) -> None:
    """PutObject; with last_modified, the test clock header backdates the object."""
    c = client or server.s3
    _tls.last_modified = last_modified
    try:
        c.put_object(Bucket=bucket, Key=key, Body=body)
    finally:
        _tls.last_modified = None


BULK_THRESHOLD = 200


def bulk_seed(server: S3Server, bucket: str, items: list) -> None:
    """items: [(key, body bytes, last_modified|None)] via the server's /_s3test/seed."""
    import base64
    for i in range(0, len(items), 5000):
        chunk = items[i:i + 5000]
        payload = json.dumps({"bucket": bucket, "objects": [
            {"key": k, "body_b64": base64.b64encode(b).decode(),
             "last_modified": rfc3339(lm) if lm else None} for k, b, lm in chunk]}).encode()
        status, body = raw_http(server.port, "POST", "/_s3test/seed",
                                {"Host": f"127.0.0.1:{server.port}",
                                 "Content-Type": "application/json",
                                 "x-s3test-secret": server.secret_access_key}, payload)
        if status != 200 or json.loads(body).get("seeded") != len(chunk):
            raise RuntimeError(f"bulk seed failed: {status} {body[:500]!r}")


def seed(server: S3Server, bucket: str, objects: dict, workers: int = SEED_WORKERS,
         via: str = "auto") -> None:
    """objects: {key: body | (body, last_modified)}.

    via="s3": PutObject through the S3 API (signed, test-clock header), a small thread
    pool; via="bulk": the server's test-only bulk endpoint; "auto": bulk from
    BULK_THRESHOLD objects up (moto serves only ~200 PutObject/s on this machine).
    """
    items = []
    for key, v in objects.items():
        if isinstance(v, tuple):
            body, lm = v
        else:
            body, lm = v, None
        if isinstance(body, str):
            body = body.encode()
        items.append((key, body, lm))
    if via == "bulk" or (via == "auto" and len(items) >= BULK_THRESHOLD):
        bulk_seed(server, bucket, items)
        return
    c = server.s3  # low-level boto3 clients are thread-safe
    if len(items) < 8:
        for k, b, lm in items:
            put(server, bucket, k, b, lm, client=c)
        return
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
        for f in [ex.submit(put, server, bucket, k, b, lm, c) for k, b, lm in items]:
            f.result()


def list_objects(server: S3Server, bucket: str, prefix: str = "") -> dict:
    """{key: (size, etag, last_modified)} of every object (paginated)."""
    out = {}
    pages = server.s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    for page in pages:
        for o in page.get("Contents", []):
            out[o["Key"]] = (o["Size"], o["ETag"], o["LastModified"])
    return out


def list_keys(server: S3Server, bucket: str, prefix: str = "") -> list[str]:
    return sorted(list_objects(server, bucket, prefix))


# ----------------------------------------------------------------------------- CLI
_BUCKET_SEQ = [0]
_BUCKET_LOCK = threading.Lock()


class S3TestCase(unittest.TestCase):
    """Base class: a shared server, a fresh bucket per call of new_bucket(), CLI helpers."""

    server: S3Server
    needs_binary = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.needs_binary:
            cls.bin = require_binary()
        cls.server = shared_server()
        cls.home = Path(tempfile.mkdtemp(prefix="s3c-home-"))
        cls.addClassCleanup(shutil.rmtree, cls.home, True)

    # ---- buckets & objects
    def new_bucket(self, create: bool = True) -> str:
        with _BUCKET_LOCK:
            _BUCKET_SEQ[0] += 1
            n = _BUCKET_SEQ[0]
        slug = re.sub(r"[^a-z0-9]+", "-", self._testMethodName.lower()).strip("-")
        name = f"t{os.getpid() % 100000}-{n}-{slug}"[:63].rstrip("-")
        if create:
            self.server.s3.create_bucket(Bucket=name)
        return name

    def put(self, bucket, key, body=b"x", last_modified=None):
        put(self.server, bucket, key, body, last_modified)

    def seed(self, bucket, objects, via="auto"):
        seed(self.server, bucket, objects, via=via)

    def list_keys(self, bucket, prefix=""):
        return list_keys(self.server, bucket, prefix)

    def three(self) -> tuple[str, list["Dep"]]:
        """A new bucket with the deployments new, mid, old (2 objects each), newest first."""
        b = self.new_bucket()
        deps = [Dep("new", days_ago(1), n=2), Dep("mid", days_ago(2), n=2),
                Dep("old", days_ago(3), n=2)]
        self.seed(b, objects_of(*deps))
        return b, deps

    def list_objects(self, bucket, prefix=""):
        return list_objects(self.server, bucket, prefix)

    # ---- running the binary
    def endpoint_args(self) -> list[str]:
        return ["--endpoint-url", self.server.endpoint_url]

    def cli_env(self, env_extra: dict | None = None) -> dict:
        missing = self.home / "missing"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "AWS_ACCESS_KEY_ID": self.server.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.server.secret_access_key,
            "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": str(missing / "config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(missing / "credentials"),
            "LC_ALL": "C.UTF-8",
        }
        # S3_CLEANUP_KEY_BUDGET: a suite run with 0 sends every key through the spill file.
        for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "LD_LIBRARY_PATH", "TMPDIR",
                  "S3_CLEANUP_KEY_BUDGET"):
            if k in os.environ:
                env[k] = os.environ[k]
        for k, v in (env_extra or {}).items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def run_cli(self, *args, env_extra: dict | None = None, input: str | None = None,
                timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
        cmd = [str(self.bin), *map(str, args)]
        try:
            return subprocess.run(cmd, env=self.cli_env(env_extra), input=input,
                                  capture_output=True, text=True, encoding="utf-8",
                                  errors="surrogateescape", timeout=timeout, cwd=str(self.home))
        except subprocess.TimeoutExpired as e:
            self.fail(f"timed out after {timeout}s: {describe_cmd(cmd)}\n"
                      f"stdout: {e.stdout!r}\nstderr: {e.stderr!r}")

    def start_deletion(self, bucket: str, endpoint: str, *args) -> subprocess.Popen:
        """The binary in the background: `s3://BUCKET ARGS --yes --output json` through
        `endpoint`, killed at the test's end if it is still running (signal tests)."""
        cmd = [str(self.bin), f"s3://{bucket}", *map(str, args), "--yes", "--output", "json",
               "--endpoint-url", endpoint]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.cli_env(), text=True, cwd=str(self.home))
        self.addCleanup(lambda: proc.poll() is None and proc.kill())
        return proc

    def wait_for(self, what: str, cond, proc: subprocess.Popen, timeout: float = 60) -> None:
        """Polls cond() until it holds; fails if proc exits first or the generous deadline
        passes (an event to wait on, not a duration that must hold)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if cond():
                return
            if proc.poll() is not None:
                self.fail(f"exited ({proc.returncode}) before {what}: {proc.stderr.read()}")
            time.sleep(0.02)
        self.fail(f"timed out waiting for {what}")

    def run_at_terminal(self, args, answer: str, env_extra: dict | None = None,
                        at_prompt=None):
        """Runs the binary with a pseudo-terminal as stdin, waits for its prompt (an event,
        with a generous deadline), calls at_prompt() if given (the plan is made, nothing
        deleted yet) and answers it. Returns (exit code, stderr, stdout)."""
        import pty
        import select
        master, slave = pty.openpty()
        proc = subprocess.Popen([str(self.bin), *map(str, args)], stdin=slave,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                env=self.cli_env(env_extra), cwd=str(self.home))
        os.close(slave)
        stderr = b""
        deadline = time.monotonic() + 60
        while b"[y/N]" not in stderr and time.monotonic() < deadline:
            ready, _, _ = select.select([proc.stderr], [], [], 1)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 4096)
                if not chunk:
                    break
                stderr += chunk
        self.assertIn(b"[y/N]", stderr, "no prompt at the terminal")
        if at_prompt is not None:
            at_prompt()
        os.write(master, answer.encode() + b"\n")
        out, err = proc.communicate(timeout=60)
        os.close(master)
        return proc.returncode, stderr + err, out

    def plan(self, url: str, *args, expect_rc: int = 0, env_extra=None) -> dict:
        """Run `url ARGS --dry-run --output json --endpoint-url ...`, check rc, parse stdout."""
        full = [url, *map(str, args), "--dry-run", "--output", "json", *self.endpoint_args()]
        r = self.run_cli(*full, env_extra=env_extra)
        self.assertEqual(r.returncode, expect_rc, self.explain(r, full))
        try:
            return json.loads(r.stdout)
        except json.JSONDecodeError as e:
            self.fail(f"stdout is not one JSON document ({e}):\n{self.explain(r, full)}")

    def explain(self, r: subprocess.CompletedProcess, args=None) -> str:
        cmd = describe_cmd([str(self.bin), *map(str, args)]) if args else describe_cmd(r.args)
        return (f"\ncommand: {cmd}\nexit: {r.returncode}\n"
                f"stdout: {r.stdout[:3000]!r}\nstderr: {r.stderr[:3000]!r}")

    # ---- assertions
    def assertPlanWellFormed(self, plan: dict, bucket: str, root: str = ""):
        """Top-level shape of the JSON plan, and summary == what the deployments say."""
        self.assertEqual(plan.get("bucket"), bucket, plan)
        self.assertEqual(plan.get("root"), root, plan)
        self.assertIs(plan.get("dry_run"), True, plan)
        for k in ("keep", "cutoff", "protect", "sort_by"):
            self.assertIn(k, plan.get("policy", {}), plan)
        deps = plan["deployments"]
        self.assertIsInstance(deps, list)
        for d in deps:
            for k in ("name", "prefix", "objects", "bytes", "newest", "oldest", "action", "reason"):
                self.assertIn(k, d, d)
            self.assertEqual(d["prefix"], root + d["name"] + "/", d)
            self.assertIn(d["action"], ("keep", "delete"), d)
            self.assertIn(d["reason"], ("newest", "protected", "newer-than-cutoff", "past-keep"), d)
            self.assertEqual(d["action"] == "delete", d["reason"] == "past-keep", d)
            if d["objects"] is None:
                # --sort-by name without a cutoff: a kept deployment is decided by its
                # name alone and never listed, so its contents are unknown (null).
                self.assertEqual((plan["policy"]["sort_by"], plan["policy"]["cutoff"]),
                                 ("name", None), d)
                self.assertEqual(d["action"], "keep", d)
                self.assertEqual((d["bytes"], d["newest"], d["oldest"]), (None, None, None), d)
                continue
            self.assertRegex(d["newest"], TIME_RE)
            self.assertRegex(d["oldest"], TIME_RE)
            self.assertLessEqual(d["oldest"], d["newest"], d)
        self.assertEqual(len({d["name"] for d in deps}), len(deps), "duplicate deployment names")
        dels = [d for d in deps if d["action"] == "delete"]
        self.assertEqual(plan["summary"], {
            "deployments": len(deps), "keep": len(deps) - len(dels), "delete": len(dels),
            "objects_to_delete": sum(d["objects"] for d in dels),
            "bytes_to_delete": sum(d["bytes"] for d in dels)}, "summary")

    def assertDeployments(self, plan: dict, expected: list):
        """expected: [(Dep, action, reason)] in the plan's order (newest first)."""
        got = [(d["name"], d["action"], d["reason"]) for d in plan["deployments"]]
        want = [(dep.name, action, reason) for dep, action, reason in expected]
        self.assertEqual(got, want, "deployments (name, action, reason), newest first")
        for d, (dep, _, _) in zip(plan["deployments"], expected):
            if d["objects"] is None:  # kept by name alone, never listed
                self.assertEqual(d["prefix"], dep.prefix)
                continue
            self.assertEqual(
                (d["prefix"], d["objects"], d["bytes"], d["newest"], d["oldest"]),
                (dep.prefix, dep.n, dep.bytes, rfc3339(dep.newest), rfc3339(dep.oldest)),
                f"facts of deployment {dep.name!r}")

    def versions(self, bucket: str, prefix: str = "") -> tuple[dict, dict]:
        """({(key, version_id): (is_latest, size, etag, last_modified)},
            {(key, version_id): (is_latest, last_modified)}) -- every version and delete
        marker under prefix (paginated)."""
        vs, dms = {}, {}
        pages = self.server.s3.get_paginator("list_object_versions").paginate(
            Bucket=bucket, Prefix=prefix)
        for page in pages:
            for v in page.get("Versions", []):
                k = (v["Key"], v["VersionId"])
                self.assertNotIn(k, vs, "a version listed twice")
                vs[k] = (v["IsLatest"], v["Size"], v["ETag"], v["LastModified"])
            for m in page.get("DeleteMarkers", []):
                k = (m["Key"], m["VersionId"])
                self.assertNotIn(k, dms, "a delete marker listed twice")
                dms[k] = (m["IsLatest"], m["LastModified"])
        return vs, dms

    class _Unchanged:
        """Between enter and exit: only GET/HEAD requests, and snapshot() the same."""

        def __init__(self, tc, snapshot, what: str):
            self.tc, self.snapshot, self.what = tc, snapshot, what

        def __enter__(self):
            self.before = self.snapshot()
            self.mark = self.tc.server.request_mark()
            return self

        def __exit__(self, *exc):
            if exc[0] is not None:
                return False
            writes = [l for l in self.tc.server.requests_since(self.mark)
                      if not l.startswith(("GET ", "HEAD "))]
            self.tc.assertEqual(writes, [], f"{self.what}: only GET/HEAD requests were allowed")
            self.tc.assertEqual(self.snapshot(), self.before, f"{self.what}: bucket changed")
            return False

    def unchanged(self, bucket: str, what: str = "a dry run"):
        """with self.unchanged(b): ... -- no non-GET request, same objects afterwards."""
        return self._Unchanged(self, lambda: self.list_objects(bucket), what)

    def assertOneErrorLine(self, r, *must_contain, args=None):
        """stderr is exactly one line `s3-cleanup: error: ...` containing every string given."""
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 1, "stderr must be exactly one line" + self.explain(r, args))
        self.assertTrue(lines[0].startswith("s3-cleanup: error:"),
                        "stderr must start with 's3-cleanup: error:'" + self.explain(r, args))
        for s in must_contain:
            self.assertIn(s, lines[0], self.explain(r, args))


def describe_cmd(cmd) -> str:
    import shlex
    return " ".join(shlex.quote(str(c)) for c in cmd)


def by_name(plan: dict) -> dict:
    return {d["name"]: d for d in plan["deployments"]}


def names(plan: dict) -> list[str]:
    return [d["name"] for d in plan["deployments"]]


# ----------------------------------------------------------------------------- deployments
class Dep:
    """A deployment to seed: n objects of `size` bytes under ROOT+NAME+'/', LastModified
    from `newest` down by `step` seconds per object (so oldest = newest - (n-1)*step)."""

    def __init__(self, name: str, newest: dt.datetime, n: int = 3, size: int = 10,
                 root: str = "", step: int = 1, files: list[str] | None = None):
        self.name, self.newest, self.n, self.size, self.root, self.step = (
            name, newest.replace(microsecond=0), n, size, root, step)
        self.files = files or [f"file{i:05d}.txt" for i in range(n)]
        assert len(self.files) == n

    @property
    def prefix(self) -> str:
        return f"{self.root}{self.name}/"

    @property
    def oldest(self) -> dt.datetime:
        return self.newest - dt.timedelta(seconds=(self.n - 1) * self.step)

    @property
    def bytes(self) -> int:
        return self.n * self.size

    def objects(self) -> dict:
        body = b"d" * self.size
        return {self.prefix + f: (body, self.newest - dt.timedelta(seconds=i * self.step))
                for i, f in enumerate(self.files)}


def objects_of(*deps: Dep, extra: dict | None = None) -> dict:
    out = {}
    for d in deps:
        out.update(d.objects())
    out.update(extra or {})
    return out


TIME_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


# ----------------------------------------------------------------------------- helper servers
def end_at_stdin_eof(proc: subprocess.Popen, grace: float = 10) -> None:
    """Ends a child that exits when its stdin closes (the helpers here all do): closes its
    stdin, waits up to `grace` seconds, then kills it; closes its stdout if piped."""
    try:
        proc.stdin.close()
    except OSError:
        pass
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)
    if proc.stdout:
        proc.stdout.close()


class HelperProcess:
    """A test helper server of tests/s3server/ as a subprocess: it prints one JSON line
    with its "port" when ready and exits when its stdin closes (so a killed test leaves
    nothing running). Its stderr goes to a temp file, shown if it fails to start."""

    def __init__(self, script: Path, args: list[str], env: dict | None = None):
        self.stderr = tempfile.TemporaryFile()
        self.proc: subprocess.Popen | None = subprocess.Popen(
            [sys.executable, str(script), *map(str, args)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.stderr, env=env)
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait(10)
            self.stderr.seek(0)
            raise RuntimeError(f"{script.name} did not start: {self.stderr.read()[-2000:]!r}")
        self.info = json.loads(line)
        self.port = int(self.info["port"])

    @property
    def endpoint_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None:
            return
        end_at_stdin_eof(p)
        self.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
        return False


FAULT_PROXY_SCRIPT = REPO / "tests" / "s3server" / "fault_proxy.py"


class FaultProxy(HelperProcess):
    """tests/s3server/fault_proxy.py in front of the test server; its counters are
    written to a temp file (stats(), faults())."""

    def __init__(self, upstream_port: int, *args: str):
        self.tmp = Path(tempfile.mkdtemp(prefix="s3c-proxy-"))
        self.stats_path = self.tmp / "stats.json"
        super().__init__(FAULT_PROXY_SCRIPT, ["--upstream-port", str(upstream_port),
                                              "--stats", str(self.stats_path), *args])

    def stats(self) -> dict:
        return json.loads(self.stats_path.read_text())

    def faults(self) -> dict:
        return self.stats()["faults"]

    def stop(self) -> None:
        super().stop()
        shutil.rmtree(self.tmp, ignore_errors=True)


METADATA_SCRIPT = REPO / "tests" / "s3server" / "aws_metadata.py"


class AwsMetadata(HelperProcess):
    """tests/s3server/aws_metadata.py as a subprocess: the fake IMDSv2 / container
    credentials endpoint, or (with --proxy-to PORT) the region-redirect proxy."""

    def __init__(self, *args: str):
        self.args = [str(a) for a in args]
        super().__init__(METADATA_SCRIPT, ["--port", "0", *self.args], env=_server_env())

    def _get(self, path: str):
        status, body = raw_http(self.port, "GET", path, {"Host": f"127.0.0.1:{self.port}"})
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return json.loads(body)

    def counts(self) -> dict:
        """token, role_list, imds_credentials, container, unauthorized, forbidden, fetches,
        redirects, forwarded."""
        return self._get("/_count")

    def log(self) -> list[dict]:
        return self._get("/_log")

    def issued(self) -> list[dict]:
        """Every key handed out, in order: {"AccessKeyId", "Expiration"}."""
        return self._get("/_issued")


def no_credentials_env() -> dict:
    """env_extra for run_cli: no credentials anywhere (keys removed, IMDS disabled)."""
    return {"AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None, "AWS_SESSION_TOKEN": None,
            "AWS_EC2_METADATA_DISABLED": "true"}


def creds_json(*creds: dict) -> str:
    """--creds for aws_metadata.py from {AccessKeyId, SecretAccessKey, SessionToken|Token}."""
    return json.dumps([{"AccessKeyId": c["AccessKeyId"], "SecretAccessKey": c["SecretAccessKey"],
                        "Token": c.get("Token") or c.get("SessionToken")} for c in creds])
