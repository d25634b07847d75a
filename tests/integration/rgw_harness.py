"""Ceph's RADOS Gateway (RGW) as the integration tests' second S3 server (additive to harness.py).

`tests/s3server/rgw.sh start DIR` builds a throw-away one-monitor, one-OSD (memstore) cluster in
a temp dir and starts radosgw on a free loopback port (about 1.2 s); `rgw.sh stop DIR` stops
exactly those daemons and removes DIR. This module wraps that for a test process:

    srv = rgw_harness.shared_rgw()          # started once per process, stopped at exit
    srv.s3.list_buckets()                   # boto3, path-style, the server's own key
    srv.seed(bucket, {"a/b.txt": b"x"})     # fast signed PutObjects (raw HTTP, 8 threads)
    mark = srv.request_mark(); ...; srv.requests_since(mark)   # ["GET /b?list-type=2 200", ...]

and exposes what the tests use from harness.S3Server: endpoint_url, port, access_key_id,
secret_access_key, client(), s3, signed_request(), requests(), request_mark(),
requests_since(). Differences from moto, on purpose or by nature:

* No test clock: RGW stores the time of the PUT. seed()/put() with a last_modified skip the
  test (unittest.SkipTest, printed) unless told `clock="ignore"`.
* No bulk seeding endpoint: seed() always goes through the S3 API (~1,200 PutObject/s here).
* Request log: radosgw runs with `debug rgw = 1`, at which its beast frontend writes one
  access-log line per request, after the response, with the request target exactly as sent:
      ... beast: 0x..: 127.0.0.1 - s3test [25/Nov/2026:19:37:03.399 +0000] "POST /b?delete HTTP/1.1" 200 186 ...
  requests() turns those into moto's format, "POST /b?delete 200". That line is written
  after the response went out, so a client can see its answer before the line exists.
  requests()/request_mark()/requests_since() therefore sync first: send a sentinel (an
  anonymous `GET /?s3test-log-sync=N`), wait for its access line, then wait until every
  request whose "====== starting new request req=PTR" line (logged before its response)
  came before the sentinel's has its access line too. Sentinels are not listed.

HTTPS (optional): RGWServer(tls=True) / shared_rgw(tls=True) start radosgw with a second,
TLS port as well (rgw.sh with RGW_TLS_CERT/RGW_TLS_KEY: beast's ssl_endpoint=) serving the
"good" certificate of tls_harness.TestCA.shared() (localhost and 127.0.0.1): then
srv.https_endpoint_url is https://127.0.0.1:P, srv.ca_cert the CA to trust and
srv.tls_client() a boto3 client over HTTPS. The plain endpoint and the request log are the
same either way (the log's sync sentinel goes to the plain port).

Lifecycle (optional): RGWServer(lifecycle="threads") / shared_rgw(lifecycle="threads") start a
cluster of its own (rgw.sh with RGW_LIFECYCLE=1) whose radosgw runs its lifecycle threads in
debug time: a lifecycle "day" lasts srv.lc_day seconds (10), and a pass over every bucket with a
configuration starts every lc_day seconds. lifecycle="manual" (RGW_LIFECYCLE=manual): the same
debug time, no lifecycle threads: srv.lc_process() runs one pass (radosgw-admin lc process,
synchronously), so a test decides when rules act. Either way srv.lifecycle is the mode (None for
the other servers, whose lifecycle is off: their rules are stored, never executed).

Picking the server for a test class (harness.py is unchanged):

    class MyTest(rgw_harness.S3ServerTestCase):   # a harness.S3TestCase
        s3_server = "rgw"     # or "moto"; None (default): env S3_TEST_SERVER=moto|rgw, else moto
        rgw_tls = True        # optional: on RGW, the server with a TLS port too
        rgw_lifecycle = "threads"  # optional: on RGW, a server executing lifecycle rules

Needs the Debian packages in DEBIAN_PACKAGES; without them require_rgw() skips (printed).
"""
from __future__ import annotations

import atexit
import concurrent.futures
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import urllib.parse
from pathlib import Path

import harness

RGW_SCRIPT = harness.REPO / "tests" / "s3server" / "rgw.sh"
DEBIAN_PACKAGES = ("radosgw", "ceph-mon", "ceph-osd", "ceph-common")
REQUIRED_PROGRAMS = ("monmaptool", "ceph-mon", "ceph-osd", "radosgw", "radosgw-admin", "ceph")
SEED_WORKERS = 8  # the client is light (raw HTTP); radosgw + OSD use both cores
START_TIMEOUT = 120
SYNC_TIMEOUT = 10.0
SYNC_PREFIX = "/?s3test-log-sync="
LIFECYCLE_MODES = (None, "threads", "manual")

# debug rgw >= 1: "====== starting new request req=0x7f.. =====" before the request is
# processed, then after the response has been sent the beast access-log line:
# ... beast: 0x7f..: 127.0.0.1 - USER [DATE] "METHOD TARGET HTTP/1.1" STATUS BYTES ...
_START_RE = re.compile(rb"====== starting new request req=(0x[0-9a-f]+) =====")
_BEAST_RE = re.compile(rb' beast: (0x[0-9a-f]+): \S+ - .*? \[[^\]]*\] "([A-Z]+) (.*) HTTP/\d\.\d" (\d{3}) ')


# ----------------------------------------------------------------------------- availability
def missing_programs() -> list[str]:
    return [p for p in REQUIRED_PROGRAMS if shutil.which(p) is None]


def require_rgw() -> None:
    """SkipTest (printed) when the ceph packages are not installed."""
    missing = missing_programs()
    if missing:
        msg = (f"RADOS Gateway not installed: {', '.join(missing)} not found "
               f"(Debian packages: {' '.join(DEBIAN_PACKAGES)})")
        print(f"SKIP: {msg}", file=sys.stderr)
        raise unittest.SkipTest(msg)


# ----------------------------------------------------------------------------- server
class RGWServer:
    """One throw-away RGW cluster (tests/s3server/rgw.sh) for this process."""

    kind = "rgw"
    has_test_clock = False
    has_bulk_seed = False

    def __init__(self, tls: bool = False, lifecycle: str | None = None):
        if lifecycle not in LIFECYCLE_MODES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLE_MODES}, not {lifecycle!r}")
        # rgw.sh builds the cluster in this (empty) dir; `rgw.sh stop` removes it entirely
        self.dir = Path(tempfile.mkdtemp(prefix="s3c-rgw-"))
        self.tls = tls
        self.lifecycle = lifecycle
        self.ca = None  # tls_harness.TestCA when tls
        self.info: dict = {}
        self.watchdog: subprocess.Popen | None = None
        self.startup_seconds: float | None = None
        self._client = None
        self._lock = threading.Lock()
        self._log_lock = threading.Lock()
        self._log_pos = 0
        self._log_partial = b""
        self._log: list[str] = []
        self._start_seq = 0
        self._open: dict[bytes, int] = {}  # req pointer -> start sequence, no access line yet
        self._sentinels: dict[str, int] = {}
        self._sync_seq = 0

    # ---- life cycle
    def start(self, timeout: float = START_TIMEOUT) -> "RGWServer":
        err = ""
        env = _server_env()
        env.pop("RGW_TLS_CERT", None)
        env.pop("RGW_TLS_KEY", None)
        env.pop("RGW_LIFECYCLE", None)
        if self.lifecycle:
            env["RGW_LIFECYCLE"] = self.lifecycle
        if self.tls:
            import tls_harness
            self.ca = tls_harness.TestCA.shared()
            cert, key = self.ca.good
            env.update(RGW_TLS_CERT=str(cert), RGW_TLS_KEY=str(key))
        for _ in range(2):  # a port picked by rgw.sh may be taken before its daemon binds it
            shutil.rmtree(self.dir, ignore_errors=True)
            t0 = time.monotonic()
            try:
                r = subprocess.run(["bash", str(RGW_SCRIPT), "start", str(self.dir)],
                                   stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                   timeout=timeout, env=env)
            except subprocess.TimeoutExpired as e:
                err = f"rgw.sh start timed out after {timeout}s: {e.stderr!r}"
                self._run_stop()
                continue
            if r.returncode == 0:
                self.info = json.loads(r.stdout.strip().splitlines()[-1])
                if not self.info.get("ready"):
                    raise RuntimeError(f"unexpected ready line {r.stdout!r}")
                if self.tls and not self.info.get("https_port"):
                    raise RuntimeError(f"asked for TLS, got no https_port: {r.stdout!r}")
                if self.info.get("lifecycle") != self.lifecycle:
                    raise RuntimeError(f"asked for lifecycle {self.lifecycle!r}, got "
                                       f"{self.info.get('lifecycle')!r}: {r.stdout!r}")
                self.startup_seconds = time.monotonic() - t0
                self._start_watchdog()
                return self
            err = f"rgw.sh start failed (exit {r.returncode}):\n{r.stderr[-6000:]}"
            self._run_stop()
        raise RuntimeError(f"RGW did not start: {err}")

    def _start_watchdog(self) -> None:
        # `rgw.sh watch DIR` stops the cluster when our end of its stdin closes, i.e. when
        # this process exits however it exits. Its own session: a Ctrl-C or a kill of the
        # test's process group does not take it down before it has cleaned up.
        self.watchdog = subprocess.Popen(
            ["bash", str(RGW_SCRIPT), "watch", str(self.dir)], stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
            env=_server_env())

    def _run_stop(self) -> None:
        if self.dir.exists():
            subprocess.run(["bash", str(RGW_SCRIPT), "stop", str(self.dir)],
                           stdin=subprocess.DEVNULL, capture_output=True, timeout=60)

    def stop(self) -> None:
        w, self.watchdog = self.watchdog, None
        if w is not None:
            harness.end_at_stdin_eof(w, grace=60)  # EOF: the watchdog runs `rgw.sh stop DIR`
        self._run_stop()  # no-op when the watchdog did it

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def running(self) -> bool:
        return bool(self.info) and self.watchdog is not None and self.watchdog.poll() is None \
            and subprocess.run(["bash", str(RGW_SCRIPT), "status", str(self.dir)],
                               capture_output=True).returncode == 0

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

    @property
    def has_tls(self) -> bool:
        return bool(self.info.get("https_port"))

    @property
    def https_port(self) -> int:
        if not self.has_tls:
            raise RuntimeError("this RGW was started without TLS (RGWServer(tls=True))")
        return int(self.info["https_port"])

    @property
    def https_endpoint_url(self) -> str:
        return f"https://127.0.0.1:{self.https_port}"

    @property
    def ca_cert(self) -> Path:
        """The CA that signed the TLS port's certificate (a --ca-bundle for it)."""
        if self.ca is None:
            raise RuntimeError("this RGW was started without TLS (RGWServer(tls=True))")
        return self.ca.ca_cert

    def tls_client(self):
        """boto3 over the TLS port, verifying against ca_cert."""
        import tls_harness
        return tls_harness.tls_client(self.https_endpoint_url, self.access_key_id,
                                      self.secret_access_key, self.ca_cert, region=self.region)

    # ---- lifecycle (RGWServer(lifecycle=...))
    @property
    def lc_day(self) -> float:
        """Seconds of one lifecycle "day" (rgw lc debug interval); only with lifecycle."""
        if not self.lifecycle:
            raise RuntimeError("this RGW was started without lifecycle (RGWServer(lifecycle=...))")
        return float(self.info["lc_debug_interval"])

    def lc_process(self, timeout: float = 120) -> None:
        """One lifecycle pass over every bucket with a configuration, now, and wait for it
        (radosgw-admin lc process, in its own process). Meant for lifecycle="manual"; with
        "threads" it may overlap radosgw's own pass (the shard locks serialize them)."""
        if not self.lifecycle:
            raise RuntimeError("this RGW was started without lifecycle (RGWServer(lifecycle=...))")
        r = subprocess.run(["radosgw-admin", "-c", str(Path(self.info["dir"]) / "ceph.conf"),
                            "-n", "client.rgw.s3test", "lc", "process"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=timeout, env=_server_env())
        if r.returncode != 0:
            raise RuntimeError(f"radosgw-admin lc process: exit {r.returncode}: {r.stderr[-2000:]}")

    def add_key(self, access_key_id: str, secret_access_key: str) -> None:
        """Give the S3 user a second key pair (radosgw-admin key create): e.g. the moto
        server's, so that one set of credentials signs for RGW's S3 and moto's CloudFront."""
        r = subprocess.run(["radosgw-admin", "-c", str(Path(self.info["dir"]) / "ceph.conf"),
                            "-n", "client.rgw.s3test", "key", "create", "--uid", "s3test",
                            "--key-type", "s3", "--access-key", access_key_id,
                            "--secret-key", secret_access_key],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60, env=_server_env())
        if r.returncode != 0:
            raise RuntimeError(f"radosgw-admin key create: exit {r.returncode}: {r.stderr[-2000:]}")

    def lc_list(self) -> list[dict]:
        """radosgw-admin lc list: [{"bucket": ":NAME:ID", "started": ..., "status": ...}]."""
        r = subprocess.run(["radosgw-admin", "-c", str(Path(self.info["dir"]) / "ceph.conf"),
                            "-n", "client.rgw.s3test", "lc", "list"],
                           stdin=subprocess.DEVNULL, capture_output=True, text=True,
                           timeout=60, env=_server_env())
        if r.returncode != 0:
            raise RuntimeError(f"radosgw-admin lc list: exit {r.returncode}: {r.stderr[-2000:]}")
        return json.loads(r.stdout or "[]")

    @property
    def region(self) -> str:
        return self.info.get("region", harness.REGION)

    @property
    def log_path(self) -> Path:
        return Path(self.info["request_log"])

    def daemon_memory(self) -> dict:
        """{daemon: (VmHWM kB, VmRSS kB)}: peak and current resident set of each daemon."""
        out = {}
        for name, pid in self.info.get("pids", {}).items():
            try:
                st = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            f = dict(re.findall(r"^(VmHWM|VmRSS):\s+(\d+) kB", st, re.M))
            out[name] = (int(f.get("VmHWM", 0)), int(f.get("VmRSS", 0)))
        return out

    # ---- request log: "METHOD RAWPATH?RAWQUERY STATUS" per request, from the beast log
    def _read_log(self) -> list[str]:
        """Parse what was appended to radosgw's log since the last call."""
        with self._log_lock:
            with open(self.log_path, "rb") as f:
                f.seek(self._log_pos)
                data = f.read()
            self._log_pos += len(data)
            data = self._log_partial + data
            lines = data.split(b"\n")
            self._log_partial = lines.pop()  # an incomplete last line: later
            for line in lines:
                m = _START_RE.search(line)
                if m:
                    self._start_seq += 1
                    self._open[m.group(1)] = self._start_seq
                    continue
                m = _BEAST_RE.search(line)
                if m:
                    ptr = m.group(1)
                    method, target, status = (x.decode("utf-8", "replace") for x in m.groups()[1:])
                    seq = self._open.pop(ptr, 0)
                    if target.startswith(SYNC_PREFIX):
                        self._sentinels[target] = seq
                    self._log.append(f"{method} {target} {status}")
            return self._log

    def sync_log(self, timeout: float = SYNC_TIMEOUT) -> None:
        """Wait until every request answered so far is in the log.

        radosgw logs a request's access line after the response has gone out, so a client
        can see the response before the line is written. Each request's "starting new
        request req=PTR" line, though, is logged before its response is sent. So: send a
        sentinel request; once its access line is in, wait until every request whose start
        line came before the sentinel's has its access line too (same PTR).
        """
        with self._lock:
            self._sync_seq += 1
            target = f"{SYNC_PREFIX}{os.getpid()}-{self._sync_seq}"
        harness.raw_http(self.port, "GET", target, {"Host": f"127.0.0.1:{self.port}"})
        deadline = time.monotonic() + timeout
        while True:
            self._read_log()
            with self._log_lock:
                seq = self._sentinels.get(target)
                if seq is not None and all(s > seq for s in self._open.values()):
                    del self._sentinels[target]
                    return
            if time.monotonic() > deadline:
                if seq is None:
                    raise RuntimeError(f"request log: sentinel {target} not logged within "
                                       f"{timeout}s ({self.log_path})")
                with self._log_lock:  # still running after `timeout`: hung; stop waiting for them
                    stale = [p for p, s in self._open.items() if s < seq]
                    for p in stale:
                        del self._open[p]
                    del self._sentinels[target]
                print(f"WARNING: request log: {len(stale)} request(s) still without an access "
                      f"line after {timeout}s: not waiting for them again", file=sys.stderr)
                return
            time.sleep(0.005)

    def requests(self) -> list[str]:
        self.sync_log()
        return [l for l in self._read_log() if not l.startswith(f"GET {SYNC_PREFIX}")]

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
        return boto3.session.Session().client(
            "s3", endpoint_url=self.endpoint_url, region_name=self.region,
            aws_access_key_id=access_key_id or self.access_key_id,
            aws_secret_access_key=secret_access_key or self.secret_access_key, config=cfg)

    @property
    def s3(self):
        with self._lock:
            if self._client is None:
                self._client = self.client()
            return self._client

    # raw target, byte for byte, SigV4-signed (tests/integration/sigv4_ref.py)
    signed_request = harness.S3Server.signed_request

    # ---- seeding
    def seed(self, bucket: str, objects: dict, workers: int = SEED_WORKERS,
             clock: str = "skip") -> None:
        """objects: {key: body | (body, last_modified)}, stored by signed PutObjects sent
        over keep-alive connections from `workers` threads.

        RGW has no test clock. clock="skip" (default): an object with a last_modified
        skips the calling test; "ignore": store it now anyway; "error": raise ValueError.
        """
        items = []
        for key, v in objects.items():
            body, lm = v if isinstance(v, tuple) else (v, None)
            if isinstance(body, str):
                body = body.encode()
            items.append((key, body, lm))
        _check_clock(any(lm is not None for _, _, lm in items), clock)
        if not items:
            return
        import sigv4_ref
        local = threading.local()
        conns: list[http.client.HTTPConnection] = []  # list.append is atomic

        def conn() -> http.client.HTTPConnection:
            c = getattr(local, "conn", None)
            if c is None:
                c = local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                conns.append(c)
            return c

        def put_one(key: str, body: bytes) -> None:
            target = f"/{bucket}/{urllib.parse.quote(key, safe='/-_.~')}"
            for attempt in range(3):
                h = sigv4_ref.sign("PUT", f"127.0.0.1:{self.port}", target, {}, body,
                                   self.access_key_id, self.secret_access_key, self.region)
                h["Content-Length"] = str(len(body))
                c = conn()
                try:
                    c.request("PUT", target, body=body, headers=h)
                    r = c.getresponse()
                    data = r.read()
                except (http.client.HTTPException, OSError):
                    c.close()
                    local.conn = None
                    if attempt == 2:
                        raise
                    continue
                if r.status == 200:
                    return
                if r.status < 500 or attempt == 2:
                    raise RuntimeError(f"seed: PUT {target} -> {r.status} {data[:500]!r}")

        try:
            if len(items) < 8 or workers <= 1:
                for k, b, _ in items:
                    put_one(k, b)
                return
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as ex:
                for f in [ex.submit(put_one, k, b) for k, b, _ in items]:
                    f.result()
        finally:
            for c in conns:
                c.close()

    def put(self, bucket: str, key: str, body: bytes = b"x", last_modified=None,
            clock: str = "skip") -> None:
        _check_clock(last_modified is not None, clock)
        self.s3.put_object(Bucket=bucket, Key=key, Body=body)


def _check_clock(backdated: bool, clock: str) -> None:
    if clock not in ("skip", "ignore", "error"):
        raise ValueError(f"clock must be skip|ignore|error, not {clock!r}")
    if not backdated or clock == "ignore":
        return
    msg = "RGW has no test clock: objects cannot be backdated (this test needs S3_TEST_SERVER=moto)"
    if clock == "error":
        raise ValueError(msg)
    print(f"SKIP: {msg}", file=sys.stderr)
    raise unittest.SkipTest(msg)


def _server_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CEPH_"))}
    env.setdefault("PATH", "/usr/bin:/bin")
    if "/usr/sbin" not in env["PATH"].split(":"):
        env["PATH"] += ":/usr/sbin:/sbin"
    return env


_RGW: RGWServer | None = None
_RGW_TLS: RGWServer | None = None
_RGW_LC: dict[str, RGWServer] = {}  # lifecycle mode -> its own cluster
_RGW_LOCK = threading.Lock()


def _alive(srv: RGWServer | None) -> bool:
    return srv is not None and srv.watchdog is not None and srv.watchdog.poll() is None


def shared_rgw(tls: bool = False, lifecycle: str | None = None) -> RGWServer:
    """The process-wide RGW (started once; stopped at exit). SkipTest without ceph.

    tls=True: the process-wide RGW that also has a TLS port (a second cluster, started
    once, if the plain one is already running). A plain request is served by the TLS one
    when only that one is running (its plain endpoint is the same as ever).

    lifecycle="threads" | "manual": the process-wide RGW of that lifecycle mode, always a
    cluster of its own (never the plain or TLS one, whose lifecycle stays off, and never
    handed out for a plain request); not with tls."""
    global _RGW, _RGW_TLS
    if lifecycle is not None:
        if lifecycle not in LIFECYCLE_MODES:
            raise ValueError(f"lifecycle must be one of {LIFECYCLE_MODES}, not {lifecycle!r}")
        if tls:
            raise ValueError("shared_rgw: lifecycle and tls together are not provided")
        with _RGW_LOCK:
            srv = _RGW_LC.get(lifecycle)
            if not _alive(srv):
                require_rgw()
                srv = RGWServer(lifecycle=lifecycle)
                atexit.register(srv.cleanup)
                _RGW_LC[lifecycle] = srv.start()
            return _RGW_LC[lifecycle]
    with _RGW_LOCK:
        if tls or (not _alive(_RGW) and _alive(_RGW_TLS)):
            if not _alive(_RGW_TLS):
                require_rgw()
                srv = RGWServer(tls=True)
                atexit.register(srv.cleanup)
                _RGW_TLS = srv.start()
            return _RGW_TLS
        if not _alive(_RGW):
            require_rgw()
            srv = RGWServer()
            atexit.register(srv.cleanup)
            _RGW = srv.start()
        return _RGW


# ----------------------------------------------------------------------------- choosing
SERVER_KINDS = ("moto", "rgw")


def server_kind(requested: str | None = None) -> str:
    """`requested`, else env S3_TEST_SERVER, else "moto"."""
    kind = (requested or os.environ.get("S3_TEST_SERVER") or "moto").strip().lower()
    if kind not in SERVER_KINDS:
        raise ValueError(f"S3 test server must be one of {SERVER_KINDS}, not {kind!r}")
    return kind


def shared_server(kind: str | None = None):
    """The process-wide server of that kind: harness.S3Server (moto) or RGWServer."""
    return shared_rgw() if server_kind(kind) == "rgw" else harness.shared_server()


class S3ServerTestCase(harness.S3TestCase):
    """harness.S3TestCase on the server chosen by `s3_server` ("moto" | "rgw"), or when
    that is None, by env S3_TEST_SERVER (default moto)."""

    s3_server: str | None = None
    rgw_tls = False  # on RGW: the server with a TLS port too (shared_rgw(tls=True))
    rgw_lifecycle: str | None = None  # on RGW: "threads" | "manual" (shared_rgw(lifecycle=))

    @classmethod
    def setUpClass(cls):
        kind = server_kind(cls.s3_server)
        if kind == "moto":
            super().setUpClass()
            return
        super(harness.S3TestCase, cls).setUpClass()  # unittest.TestCase's
        if cls.needs_binary:
            cls.bin = harness.require_binary()
        cls.server = shared_rgw(tls=cls.rgw_tls, lifecycle=cls.rgw_lifecycle)
        cls.home = Path(tempfile.mkdtemp(prefix="s3c-home-"))
        cls.addClassCleanup(shutil.rmtree, cls.home, True)

    @property
    def on_rgw(self) -> bool:
        return isinstance(self.server, RGWServer)

    def put(self, bucket, key, body=b"x", last_modified=None):
        if self.on_rgw:
            self.server.put(bucket, key, body, last_modified)
        else:
            super().put(bucket, key, body, last_modified)

    def seed(self, bucket, objects, via="auto"):
        if self.on_rgw:
            self.server.seed(bucket, objects)
        else:
            super().seed(bucket, objects, via=via)
