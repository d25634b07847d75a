#!/usr/bin/env python3
"""The speed benchmark: s3-cleanup against the other ways of deleting old deployments.

Run it through scripts/bench (installs the tools, builds the release binary). Directly:

    python3 bench/bench.py --bin build/bench/s3-cleanup [--server rgw|moto] [--rtt-ms 10]
        [--deployments 50] [--objects 200] [--runs 3] [--slow-runs 1] [--skip-slow]
        [--methods a,b,...] [--concurrency 16] [--json FILE]
    python3 bench/bench.py --bin ... --synthetic [--synthetic-shapes 1m,10m,2m,fanout]
        [--synthetic-deployments 1000] [--synthetic-objects 1000] [--synthetic-runs 3]
        [--synthetic-2m-runs N] [--synthetic-big-objects 2000000]
        [--synthetic-fanout-objects 100000] [--synthetic-fanout-subfolders 100]

See bench/README.md for what is measured and the caveats.
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import hashlib
import hmac
import http.client
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BENCH = REPO / "bench"
RGW_SH = REPO / "tests" / "s3server" / "rgw.sh"
MOTO_PY = REPO / "tests" / "s3server" / "moto_s3.py"
REGION = "us-east-1"
PY = sys.executable
GNU_TIME = "/usr/bin/time"   # Debian package `time`

ORDER = ["s3-cleanup", "boto3-batched", "s3cmd-rm", "rclone-purge", "aws-s3-rm",
         "boto3-per-object"]
SLOW = {"boto3-per-object"}           # run --slow-runs times (default once)
TEN_X = ("aws-s3-rm", "rclone-purge", "boto3-per-object")  # s3-cleanup must be >= 10x faster
DESCRIPTIONS = {
    "s3-cleanup": "s3-cleanup --keep K --yes --output json (one run, concurrency {c})",
    "boto3-batched": "boto3: list the bucket, delete_objects 1000 keys a request",
    "s3cmd-rm": "s3cmd rm -r s3://B/DEP/, one call per deployment",
    "rclone-purge": "rclone purge remote:B/DEP, one call per deployment",
    "aws-s3-rm": "aws s3 rm --recursive s3://B/DEP/, one call per deployment",
    "boto3-per-object": "boto3: list the bucket, delete_object per key (reference solution)",
}
REQ_COLS = ("list", "delete", "delete_one", "head", "put", "other")


def log(msg: str) -> None:
    sys.stderr.write(f"[bench {time.strftime('%H:%M:%S')}] {msg}\n")
    sys.stderr.flush()


# ============================================================================= processes
@dataclass
class Child:
    rc: int
    wall: float
    maxrss_kb: int
    cpu: float
    stdout: str
    stderr: str


def run_child(argv: list[str], env: dict, timeout: float = 3600) -> Child:
    """Run a program: wall time; user+sys CPU from wait4 (the program and what it waited
    for); peak RSS from GNU time (/usr/bin/time), which runs it. Not wait4's ru_maxrss of
    a child of this Python: Linux carries the pre-exec RSS of the forked (or vforked)
    Python image over into the child's maxrss, ~65 MiB whatever the program."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
            tempfile.NamedTemporaryFile("r", prefix="s3c-bench-time-") as tf:
        full = [GNU_TIME, "-q", "-f", "%M", "-o", tf.name, *argv]
        t0 = time.perf_counter()
        p = subprocess.Popen(full, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        timer = threading.Timer(timeout, p.kill)
        timer.start()
        try:
            _, status, ru = os.wait4(p.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        lines = [ln for ln in tf.read().splitlines() if ln.strip()]
        try:
            maxrss_kb = int(lines[-1])
        except (IndexError, ValueError):
            maxrss_kb = 0
        out.seek(0)
        err.seek(0)
        return Child(p.returncode, wall, maxrss_kb, ru.ru_utime + ru.ru_stime,
                     out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_ready(argv: list[str], what: str, env: dict | None = None,
                timeout: float = 60) -> tuple[subprocess.Popen, dict]:
    """Start a server that prints one JSON ready line and stops when its stdin closes."""
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=None, env=env, text=True)
    result: dict = {}

    def read():
        line = p.stdout.readline()
        if line:
            result.update(json.loads(line))

    t = threading.Thread(target=read, daemon=True)
    t.start()
    t.join(timeout)
    if not result.get("ready"):
        p.kill()
        raise RuntimeError(f"{what} did not start ({argv})")
    return p, result


def stop_ready(p: subprocess.Popen | None) -> None:
    if p is None or p.poll() is not None:
        return
    try:
        p.stdin.close()
    except OSError:
        pass
    try:
        p.wait(15)
    except subprocess.TimeoutExpired:
        p.terminate()
        p.wait(10)


def http_json(endpoint_url: str, method: str, path: str) -> dict:
    u = urllib.parse.urlsplit(endpoint_url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        c.request(method, path)
        r = c.getresponse()
        body = r.read()
        if r.status != 200:
            raise RuntimeError(f"{method} {path}: HTTP {r.status} {body[:200]!r}")
        return json.loads(body)
    finally:
        c.close()


def machine_busy() -> float:
    """CPU seconds the whole machine has been busy (all cores; /proc/stat)."""
    f = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(f[:8]) - f[3] - f[4]) / os.sysconf("SC_CLK_TCK")


def proc_cpu(pids) -> float:
    """user+sys CPU seconds so far of live processes (from /proc/PID/stat)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(f[11]) + int(f[12])
        except (OSError, IndexError, ValueError):
            pass
    return total / tick


# ============================================================================= SigV4
def sigv4_headers(method: str, host: str, path: str, query: str, body: bytes, ak: str, sk: str,
                  region: str = REGION, extra: dict | None = None) -> dict:
    now = dt.datetime.now(dt.timezone.utc)
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    date = amz_date[:8]
    h = {k.lower(): v for k, v in (extra or {}).items()}
    h["host"] = host
    h["x-amz-date"] = amz_date
    h["x-amz-content-sha256"] = hashlib.sha256(body).hexdigest()
    names = sorted(h)
    canonical = "\n".join([method, path, query,
                           "".join(f"{n}:{h[n]}\n" for n in names),
                           ";".join(names), h["x-amz-content-sha256"]])
    scope = f"{date}/{region}/s3/aws4_request"
    sts = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                     hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + sk).encode()
    for part in (date, region, "s3", "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    sig = hmac.new(key, sts.encode(), hashlib.sha256).hexdigest()
    h["authorization"] = (f"AWS4-HMAC-SHA256 Credential={ak}/{scope}, "
                          f"SignedHeaders={';'.join(names)}, Signature={sig}")
    return h


# ============================================================================= servers
class Server:
    kind = ""
    pids: list[int] = []
    endpoint_url = ""
    access_key_id = ""
    secret_access_key = ""
    version = ""
    _admin = None

    @property
    def port(self) -> int:
        return int(urllib.parse.urlsplit(self.endpoint_url).port)

    def admin(self):
        """boto3, straight to the server (not through the proxy): seeding checks, cleanup."""
        if self._admin is None:
            import boto3
            from botocore.config import Config
            self._admin = boto3.client(
                "s3", endpoint_url=self.endpoint_url, region_name=REGION,
                aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret_access_key,
                config=Config(s3={"addressing_style": "path"}, max_pool_connections=16,
                              retries={"mode": "standard", "max_attempts": 5}))
        return self._admin

    def create_bucket(self, bucket: str) -> None:
        self.admin().create_bucket(Bucket=bucket)

    def list_keys(self, bucket: str) -> list[str]:
        keys = []
        for page in self.admin().get_paginator("list_objects_v2").paginate(Bucket=bucket):
            keys += [o["Key"] for o in page.get("Contents", [])]
        return keys

    def remove_bucket(self, bucket: str) -> None:
        s3 = self.admin()
        keys = self.list_keys(bucket)
        for i in range(0, len(keys), 1000):
            s3.delete_objects(Bucket=bucket, Delete={
                "Objects": [{"Key": k} for k in keys[i:i + 1000]], "Quiet": True})
        s3.delete_bucket(Bucket=bucket)

    def seed(self, bucket: str, batches: list[list[tuple[str, bytes, dt.datetime]]]) -> None:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError


class RGWServer(Server):
    kind = "rgw"

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="s3c-bench-rgw-"))
        self.watchdog: subprocess.Popen | None = None
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "CEPH_"))}
        path = env.get("PATH", "/usr/bin:/bin").split(":")
        env["PATH"] = ":".join(path + [p for p in ("/usr/sbin", "/sbin") if p not in path])
        self.env = env

    def start(self) -> "RGWServer":
        err = ""
        for _ in range(2):  # a port rgw.sh picked may be taken before radosgw binds it
            r = subprocess.run(["bash", str(RGW_SH), "start", str(self.dir)], env=self.env,
                               stdin=subprocess.DEVNULL, capture_output=True, text=True,
                               timeout=180)
            if r.returncode == 0:
                info = json.loads(r.stdout.strip().splitlines()[-1])
                self.info = info
                self.pids = list(info.get("pids", {}).values())
                self.endpoint_url = info["endpoint_url"]
                self.access_key_id = info["access_key_id"]
                self.secret_access_key = info["secret_access_key"]
                # `rgw.sh watch DIR` stops the cluster when our end of its stdin closes,
                # however this process ends
                self.watchdog = subprocess.Popen(
                    ["bash", str(RGW_SH), "watch", str(self.dir)], stdin=subprocess.PIPE,
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                    start_new_session=True, env=self.env)
                v = subprocess.run(["radosgw", "--version"], capture_output=True, text=True)
                self.version = " ".join(v.stdout.split()[:3]) or "radosgw"
                return self
            err = r.stderr[-4000:]
            subprocess.run(["bash", str(RGW_SH), "stop", str(self.dir)], env=self.env,
                           capture_output=True, timeout=120)
            self.dir.mkdir(exist_ok=True)
        raise RuntimeError(f"RGW did not start:\n{err}")

    def stop(self) -> None:
        w, self.watchdog = self.watchdog, None
        if w is not None:
            try:
                w.stdin.close()
                w.wait(120)
            except (OSError, subprocess.TimeoutExpired):
                w.kill()
        if self.dir.exists():
            subprocess.run(["bash", str(RGW_SH), "stop", str(self.dir)], env=self.env,
                           capture_output=True, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)

    def seed(self, bucket, batches, workers: int = 8) -> None:
        """Signed PutObjects over keep-alive connections, batch after batch (a batch is
        complete before the next starts: RGW stamps LastModified itself)."""
        local = threading.local()
        conns = []
        host = f"127.0.0.1:{self.port}"

        def put(key: str, body: bytes) -> None:
            path = f"/{bucket}/" + urllib.parse.quote(key, safe="/-_.~")
            for attempt in range(4):
                c = getattr(local, "c", None)
                if c is None:
                    c = local.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                    conns.append(c)
                h = sigv4_headers("PUT", host, path, "", body, self.access_key_id,
                                  self.secret_access_key)
                h["content-length"] = str(len(body))
                try:
                    c.request("PUT", path, body=body, headers=h)
                    r = c.getresponse()
                    data = r.read()
                except (http.client.HTTPException, OSError):
                    c.close()
                    local.c = None
                    if attempt == 3:
                        raise
                    continue
                if r.status == 200:
                    return
                if r.status < 500 or attempt == 3:
                    raise RuntimeError(f"seed PUT {path}: HTTP {r.status} {data[:300]!r}")
                time.sleep(0.2 * (attempt + 1))

        with concurrent.futures.ThreadPoolExecutor(workers) as ex:
            try:
                for batch in batches:
                    for f in [ex.submit(put, k, b) for k, b, _ in batch]:
                        f.result()
            finally:
                for c in conns:
                    c.close()


class MotoServer(Server):
    kind = "moto"

    def start(self) -> "MotoServer":
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        self.proc, info = start_ready([PY, str(MOTO_PY), "--port", str(free_port()),
                                       "--exit-on-stdin-eof"], "moto", env=env, timeout=120)
        self.endpoint_url = info["endpoint_url"]
        self.access_key_id = info["access_key_id"]
        self.secret_access_key = info["secret_access_key"]
        self.pids = [self.proc.pid]
        import moto
        self.version = f"moto {moto.__version__}"
        return self

    def stop(self) -> None:
        stop_ready(self.proc)

    def seed(self, bucket, batches) -> None:
        """The test-only bulk endpoint, with explicit LastModified (moto's test clock)."""
        import base64
        items = [x for b in batches for x in b]
        for i in range(0, len(items), 4000):
            chunk = items[i:i + 4000]
            payload = json.dumps({"bucket": bucket, "objects": [
                {"key": k, "body_b64": base64.b64encode(b).decode(),
                 "last_modified": lm.strftime("%Y-%m-%dT%H:%M:%SZ")} for k, b, lm in chunk]})
            c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                c.request("POST", "/_s3test/seed", body=payload.encode(), headers={
                    "Content-Type": "application/json",
                    "x-s3test-secret": self.secret_access_key})
                r = c.getresponse()
                body = r.read()
            finally:
                c.close()
            if r.status != 200 or json.loads(body).get("seeded") != len(chunk):
                raise RuntimeError(f"bulk seed: HTTP {r.status} {body[:300]!r}")


class DelayProxy:
    def __init__(self, upstream: str, rtt_ms: float, workers: int, stats_file: Path,
                 request_log: str | None = None):
        self.proc, info = start_ready(
            [PY, str(BENCH / "delay_proxy.py"), "--upstream", upstream, "--rtt-ms", str(rtt_ms),
             "--workers", str(workers), "--stats", str(stats_file), "--exit-on-stdin-eof",
             *(["--request-log", request_log] if request_log else [])],
            "delay proxy")
        self.endpoint_url = info["endpoint_url"]
        self.pids = [info["pid"], *info["worker_pids"]]

    def reset(self) -> None:
        http_json(self.endpoint_url, "POST", "/_delay_proxy/reset")

    def stats(self) -> dict:
        return http_json(self.endpoint_url, "GET", "/_delay_proxy/stats")

    def stop(self) -> None:
        stop_ready(self.proc)


# ============================================================================= the data
@dataclass
class Layout:
    deployments: int
    objects: int
    keep: int
    root_files: list[str] = field(default_factory=lambda: ["index.html", "robots.txt",
                                                           "favicon.ico"])

    def __post_init__(self):
        w = max(3, len(str(self.deployments)))
        self.names = [f"deploy-{i:0{w}d}" for i in range(1, self.deployments + 1)]
        self.doomed = self.names[:self.deployments - self.keep]   # oldest by construction
        self.kept = self.names[self.deployments - self.keep:]

    def rel_keys(self) -> list[str]:
        out = []
        for k in range(self.objects):
            if k == 0:
                out.append("index.html")
            else:
                kind, ext = (("js", "js"), ("css", "css"), ("media", "png"))[k % 3]
                out.append(f"static/{kind}/file-{k:05d}.{ext}")
        return out

    def keys_of(self, dep: str) -> list[str]:
        return [f"{dep}/{r}" for r in self.rel_keys()]

    def expected_after(self) -> set[str]:
        return set(self.root_files) | {k for d in self.kept for k in self.keys_of(d)}

    @property
    def total(self) -> int:
        return len(self.root_files) + self.deployments * self.objects

    @property
    def doomed_objects(self) -> int:
        return len(self.doomed) * self.objects

    def batches(self) -> list[list[tuple[str, bytes, dt.datetime]]]:
        """Seeding order: root files; the doomed deployments; then (after those are all
        stored) the kept ones. So on RGW, which stamps LastModified itself, each kept
        deployment's newest object is later than every doomed one's, and on moto the
        explicit times say the same (deployment i: i hours after a base time); names
        sort the same way, so --sort-by newest and name agree."""
        base = dt.datetime(2026, 1, 1)
        rels = self.rel_keys()

        def body(k: int) -> bytes:
            n = 100 + (k * 37) % 1900
            return (b"%05d " % k * (n // 6 + 1))[:n]

        def dep(i: int, name: str):
            t = base + dt.timedelta(hours=i + 1)
            return [(f"{name}/{r}", body(k), t + dt.timedelta(seconds=k % 3000))
                    for k, r in enumerate(rels)]

        roots = [(f, body(n), base - dt.timedelta(days=1)) for n, f in enumerate(self.root_files)]
        doomed = [x for i, n in enumerate(self.doomed) for x in dep(i, n)]
        kept = [x for i, n in enumerate(self.kept, start=len(self.doomed)) for x in dep(i, n)]
        return [roots + doomed, kept]

    def list_budget(self) -> int:
        return (math.ceil((self.deployments + len(self.root_files)) / 1000)
                + self.deployments * math.ceil(self.objects / 1000) + len(self.doomed))

    def delete_budget(self) -> int:
        return math.ceil(self.doomed_objects / 1000)


# ============================================================================= methods
class Tools:
    def __init__(self, args, server: Server, proxy: DelayProxy, home: Path):
        self.args = args
        self.server = server
        self.proxy = proxy
        self.home = home
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home),
            "LANG": "C.UTF-8", "TMPDIR": str(home),
            "AWS_ACCESS_KEY_ID": server.access_key_id,
            "AWS_SECRET_ACCESS_KEY": server.secret_access_key,
            "AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": str(home / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "no-aws-credentials"),
            "AWS_EC2_METADATA_DISABLED": "true",
        }
        self.aws = resolve_aws()
        u = urllib.parse.urlsplit(proxy.endpoint_url)
        self.s3cmd_cfg = home / "s3cmd.cfg"
        self.s3cmd_cfg.write_text(
            "[default]\n"
            f"access_key = {server.access_key_id}\nsecret_key = {server.secret_access_key}\n"
            f"host_base = {u.netloc}\nhost_bucket = {u.netloc}\nuse_https = False\n"
            f"bucket_location = {REGION}\nsignature_v2 = False\nprogress_meter = False\n")

    def rclone_env(self) -> dict:
        env = {k: v for k, v in self.env.items() if not k.startswith("AWS_")}
        env.pop("AWS_CA_BUNDLE", None)  # rclone 1.60 fails when it is set
        env.update({
            "RCLONE_CONFIG": str(self.home / "rclone.conf"),
            "RCLONE_CONFIG_BENCH_TYPE": "s3",
            "RCLONE_CONFIG_BENCH_PROVIDER": "Ceph" if self.server.kind == "rgw" else "Other",
            "RCLONE_CONFIG_BENCH_ENV_AUTH": "false",
            "RCLONE_CONFIG_BENCH_ACCESS_KEY_ID": self.server.access_key_id,
            "RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY": self.server.secret_access_key,
            "RCLONE_CONFIG_BENCH_ENDPOINT": self.proxy.endpoint_url,
            "RCLONE_CONFIG_BENCH_REGION": REGION,
            "RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE": "true",
        })
        return env

    def argv_per_deployment(self, method: str, bucket: str, dep: str) -> tuple[list[str], dict]:
        ep = self.proxy.endpoint_url
        if method == "aws-s3-rm":
            return ([*self.aws, "s3", "rm", "--recursive", f"s3://{bucket}/{dep}/",
                     "--endpoint-url", ep, "--only-show-errors"], self.env)
        if method == "rclone-purge":
            return (["rclone", "purge", f"bench:{bucket}/{dep}"], self.rclone_env())
        if method == "s3cmd-rm":  # s3cmd 2.3.0 deletes only the first of several URLs
            return (["s3cmd", "-c", str(self.s3cmd_cfg), "rm", "-r", f"s3://{bucket}/{dep}/"],
                    self.env)
        raise KeyError(method)

    def run(self, method: str, bucket: str, layout: Layout) -> dict:
        """Run one method once; returns wall, cpu, maxrss_kb, rc, error, extra."""
        ep = self.proxy.endpoint_url
        if method == "s3-cleanup":
            c = run_child([self.args.bin, f"s3://{bucket}", "--keep", str(layout.keep), "--yes",
                           "--output", "json", "--endpoint-url", ep,
                           "--concurrency", str(self.args.concurrency)], self.env)
            out = {"wall": c.wall, "cpu": c.cpu, "maxrss_kb": c.maxrss_kb, "rc": c.rc,
                   "error": c.stderr.strip()[-2000:] if c.rc else ""}
            try:
                doc = json.loads(c.stdout)
                out["own"] = doc.get("result", {}).get("requests", {})
                out["plan_delete"] = sorted(d["name"] for d in doc.get("deployments", [])
                                            if d.get("action") == "delete")
                out["objects_deleted"] = doc.get("result", {}).get("objects_deleted")
            except (ValueError, KeyError, TypeError) as e:
                out["error"] = (out["error"] + f" (no JSON document: {e})").strip()
            return out
        if method in ("boto3-per-object", "boto3-batched"):
            mode = method.split("-", 1)[1]
            c = run_child([PY, str(BENCH / "boto3_methods.py"), mode, "--endpoint-url", ep,
                           "--bucket", bucket, *layout.doomed], self.env)
            return {"wall": c.wall, "cpu": c.cpu, "maxrss_kb": c.maxrss_kb, "rc": c.rc,
                    "error": c.stderr.strip()[-2000:] if c.rc else ""}
        # one process per deployment, one after the other
        t0 = time.perf_counter()
        cpu = 0.0
        rss = 0
        rc = 0
        error = ""
        for dep in layout.doomed:
            argv, env = self.argv_per_deployment(method, bucket, dep)
            c = run_child(argv, env)
            cpu += c.cpu
            rss = max(rss, c.maxrss_kb)
            if c.rc and not rc:
                rc = c.rc
                error = f"{dep}: exit {c.rc}: {c.stderr.strip()[-1500:]}"
        return {"wall": time.perf_counter() - t0, "cpu": cpu, "maxrss_kb": rss, "rc": rc,
                "error": error, "processes": len(layout.doomed)}


def resolve_aws() -> list[str]:
    """The aws CLI, without a pyenv shim in front of each of its 45 start-ups."""
    path = shutil.which("aws")
    if path is None:
        raise RuntimeError("aws CLI not found")
    if "/shims/" in path and shutil.which("pyenv"):
        r = subprocess.run(["pyenv", "which", "aws"], capture_output=True, text=True)
        if r.returncode == 0 and r.stdout.strip():
            path = r.stdout.strip()
    return [path]


def tool_versions(tools: Tools) -> dict:
    def first_line(argv, env=None):
        try:
            r = subprocess.run(argv, capture_output=True, text=True, timeout=60, env=env)
            return (r.stdout or r.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    import boto3
    return {"aws": first_line([*tools.aws, "--version"], tools.env),
            "rclone": first_line(["rclone", "version"], tools.rclone_env()),
            "s3cmd": first_line(["s3cmd", "--version"]),
            "boto3": f"boto3 {boto3.__version__}"}


# ============================================================================= main bench
def one_run(args, tools: Tools, server: Server, proxy: DelayProxy, layout: Layout,
            method: str, run_no: int) -> dict:
    bucket = f"bench-{method}-{run_no}-{os.getpid() % 10000}-{int(time.time()) % 100000}"[:63]
    server.create_bucket(bucket)
    t0 = time.perf_counter()
    server.seed(bucket, layout.batches())
    seeded = len(server.list_keys(bucket))
    seed_s = time.perf_counter() - t0
    if seeded != layout.total:
        raise RuntimeError(f"seeding {bucket}: {seeded} objects listed, {layout.total} expected")
    proxy.reset()
    cpu0 = proc_cpu(server.pids), proc_cpu(proxy.pids), machine_busy()
    r = tools.run(method, bucket, layout)
    r["server_cpu"] = proc_cpu(server.pids) - cpu0[0]
    r["proxy_cpu"] = proc_cpu(proxy.pids) - cpu0[1]
    # CPU the machine spent on anything else during the run (other users' builds/tests)
    r["foreign_cpu"] = max(0.0, machine_busy() - cpu0[2] - r["cpu"] - r["server_cpu"]
                           - r["proxy_cpu"])
    r["requests"] = proxy.stats()
    remaining = set(server.list_keys(bucket))
    expected = layout.expected_after()
    missing = expected - remaining
    extra = remaining - expected
    r["check"] = "ok" if not missing and not extra else \
        f"FAIL: {len(extra)} objects left that should be gone, {len(missing)} kept ones missing"
    if method == "s3-cleanup" and r.get("plan_delete") is not None and \
            r["plan_delete"] != sorted(layout.doomed):
        r["check"] += " (s3-cleanup chose other deployments)"
    r["seed_s"] = seed_s
    r["run"] = run_no
    try:
        server.remove_bucket(bucket)
    except Exception as e:  # noqa: BLE001 - leftovers are not worth failing the bench for
        log(f"could not remove {bucket}: {e}")
    return r


def bench_main(args) -> int:
    methods = [m.strip() for m in args.methods.split(",")] if args.methods else list(ORDER)
    for m in methods:
        if m not in ORDER:
            raise SystemExit(f"unknown method {m!r}; known: {', '.join(ORDER)}")
    if args.skip_slow:
        methods = [m for m in methods if m not in SLOW]
    layout = Layout(args.deployments, args.objects, args.keep)
    runs_of = {m: (args.slow_runs if m in SLOW else args.runs) for m in methods}
    home = Path(tempfile.mkdtemp(prefix="s3c-bench-home-"))
    server = proxy = None
    results: dict[str, list[dict]] = {m: [] for m in methods}
    t_start = time.perf_counter()
    try:
        log(f"starting {args.server}")
        server = (RGWServer() if args.server == "rgw" else MotoServer()).start()
        log(f"{server.version} at {server.endpoint_url}; delay proxy +{args.rtt_ms:g} ms")
        proxy = DelayProxy(server.endpoint_url, args.rtt_ms, args.proxy_workers,
                           home / "proxy-stats.json", args.request_log)
        tools = Tools(args, server, proxy, home)
        versions = tool_versions(tools)
        for run_no in range(1, max(runs_of.values()) + 1):
            for m in methods:
                if run_no > runs_of[m]:
                    continue
                log(f"{m} run {run_no}/{runs_of[m]}: seeding {layout.total:,} objects ...")
                r = one_run(args, tools, server, proxy, layout, m, run_no)
                results[m].append(r)
                q = r["requests"]
                log(f"{m} run {run_no}: {r['wall']:.2f} s (seeded in {r['seed_s']:.1f} s), "
                    f"requests list {q['list'] + q['list_v1']} delete {q['delete']} "
                    f"delete_one {q['delete_one']} other {q['other']}, check {r['check']}"
                    + (f", exit {r['rc']}: {r['error'][:300]}" if r["rc"] else ""))
        proxy_check = None
        if not args.no_proxy_check:
            proxy_check = measure_proxy_overhead(args, Layout(args.deployments, args.objects,
                                                              args.keep), args.concurrency)
    finally:
        if proxy is not None:
            proxy.stop()
        if server is not None:
            log(f"stopping {args.server}")
            server.stop()
        shutil.rmtree(home, ignore_errors=True)
    total_s = time.perf_counter() - t_start
    report = print_report(args, server, layout, methods, results, runs_of, versions,
                          proxy_check, total_s)
    out = Path(args.json) if args.json else REPO / "build" / "bench" / "results.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, default=str))
    log(f"results: {out}")
    return 0 if report["all_checks_ok"] else 1


def fmt_count(values: list[int]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:,}" if lo == hi else f"{lo:,}-{hi:,}"


def print_report(args, server, layout, methods, results, runs_of, versions, proxy_check,
                 total_s) -> dict:
    med = {m: statistics.median(r["wall"] for r in results[m]) for m in methods if results[m]}
    base = med.get("s3-cleanup")
    p = print
    p()
    p(f"s3-cleanup benchmark: {server.version} on loopback, +{args.rtt_ms:g} ms per request "
      f"(delay proxy), {layout.deployments} deployments x {layout.objects} objects "
      f"+ {len(layout.root_files)} root files = {layout.total:,} objects;")
    p(f"keep {layout.keep}: delete {len(layout.doomed)} deployments = "
      f"{layout.doomed_objects:,} objects. Wall seconds per run, seeding excluded; requests "
      f"counted at the proxy (per run).")
    p()
    hdr = (f"{'method':<18}{'runs':>5}{'min s':>9}{'median s':>10}{'x s3c':>8}{'list':>7}"
           f"{'delete':>8}{'del_one':>9}{'head':>6}{'put':>5}{'other':>7}{'peak RSS':>10}"
           f"{'CPU s':>8}{'srv CPU':>9}  check")
    p(hdr)
    p("-" * len(hdr))
    rows = {}
    for m in methods:
        rs = results[m]
        if not rs:
            continue
        walls = [r["wall"] for r in rs]
        req = {c: [r["requests"][c] + (r["requests"]["list_v1"] if c == "list" else 0)
                   for r in rs] for c in REQ_COLS}
        rss = max(r["maxrss_kb"] for r in rs) / 1024
        cpu = statistics.median(r["cpu"] for r in rs)
        srv = statistics.median(r["server_cpu"] for r in rs)
        pxc = statistics.median(r["proxy_cpu"] for r in rs)
        checks = [r["check"] for r in rs]
        failed = [r for r in rs if r["rc"] or r["check"] != "ok"]
        check = "ok" if not failed else f"FAIL ({len(failed)}/{len(rs)})"
        ratio = f"{med[m] / base:.1f}x" if base else "-"
        runs_txt = f"{len(rs)}{'*' if m in SLOW and len(rs) < args.runs else ''}"
        p(f"{m:<18}{runs_txt:>5}{min(walls):>9.2f}{med[m]:>10.2f}{ratio:>8}"
          + "".join(f"{fmt_count(req[c]):>{w}}" for c, w in zip(REQ_COLS, (7, 8, 9, 6, 5, 7)))
          + f"{rss:>7.0f} MiB{cpu:>8.2f}{srv:>9.2f}  {check}")
        rows[m] = {"runs": len(rs), "walls": walls, "min": min(walls), "median": med[m],
                   "ratio_to_s3_cleanup": med[m] / base if base else None,
                   "requests": req, "peak_rss_mib": rss, "cpu_median": cpu, "server_cpu_median": srv,
                   "proxy_cpu_median": pxc, "checks": checks,
                   "errors": [r["error"] for r in rs if r["error"]],
                   "own_requests": [r.get("own") for r in rs] if m == "s3-cleanup" else None}
    p()
    notes = []
    if any(m in SLOW and len(results[m]) < args.runs for m in methods):
        notes.append(f"* slow method: run {args.slow_runs} time(s) only (--slow-runs), so min = "
                     "median = that run")
    if args.skip_slow:
        notes.append(f"--skip-slow: not run: {', '.join(sorted(SLOW))}")
    notes.append("x s3c = the method's median / s3-cleanup's median. list includes ListObjects "
                 "v1 requests (rclone/s3cmd may use v1). Peak RSS: the largest of the method's "
                 "processes (per-deployment tools: the largest of their 45 processes); CPU s: "
                 "user+sys of all its processes, median run. srv CPU: the S3 server's "
                 f"user+sys during the run ({'radosgw + OSD + monitor' if server.kind == 'rgw' else 'moto'}; "
                 "2 cores = 2 CPU s per wall second).")
    notes.append("Delay proxy CPU per run (median, user+sys): " + ", ".join(
        f"{m} {rows[m]['proxy_cpu_median']:.2f} s" for m in methods if m in rows))
    foreign = {m: [r.get("foreign_cpu", 0.0) / r["wall"] for r in results[m]] for m in rows}
    notes.append("Other load on the machine during the runs (CPU s per wall s not accounted "
                 "to the method, the server or the proxy; max of runs; 2 cores = 2.0): " + ", ".join(
                     f"{m} {max(v):.2f}" for m, v in foreign.items()))
    if any(max(v) > 0.2 for v in foreign.values()):
        notes.append("WARNING: something else used the CPU during some runs: their times are "
                     "inflated (see per-run foreign_cpu in the JSON).")
    for n in notes:
        p(n)
    for m in methods:
        for e in rows.get(m, {}).get("errors", [])[:2]:
            p(f"! {m}: {e[:400]}")
    p()
    targets = print_targets(args, layout, methods, results, med, base)
    if proxy_check:
        p()
        p(f"Delay proxy overhead at 0 ms (s3-cleanup, synthetic server, "
          f"{proxy_check['shape']}): direct {proxy_check['direct']:.3f} s, through the proxy "
          f"{proxy_check['proxied']:.3f} s (median of {proxy_check['runs']}), "
          f"{proxy_check['requests']} requests on {proxy_check['connections']} connection(s).")
    p()
    p("Versions: " + "; ".join(f"{v}" for v in versions.values()) + f"; {server.version}")
    p(binary_line(args))
    p(f"Total bench time {total_s / 60:.1f} min.")
    all_ok = all(r["check"] == "ok" and not r["rc"] for m in methods for r in results[m])
    if not all_ok:
        p("SOME RUNS FAILED their check (see 'check' column and messages above).")
    return {"args": vars(args), "server": server.version, "versions": versions, "rows": rows,
            "targets": targets, "proxy_check": proxy_check, "all_checks_ok": all_ok,
            "runs": {m: results[m] for m in methods}, "total_seconds": total_s}


def print_targets(args, layout, methods, results, med, base) -> list[dict]:
    p = print
    official = args.server == "rgw" and args.rtt_ms == 10
    p("Targets" + (" (RGW, +10 ms):" if official else
                   f" (defined for --server rgw --rtt-ms 10; here {args.server} "
                   f"+{args.rtt_ms:g} ms, for information):"))
    out = []

    def target(ok: bool | None, text: str) -> None:
        tag = "PASS" if ok else ("n/a " if ok is None else "FAIL")
        p(f"  [{tag}] {text}")
        out.append({"ok": ok, "text": text})

    if base is None:
        target(None, "s3-cleanup was not run")
        return out
    others = {m: v for m, v in med.items() if m != "s3-cleanup"}
    if others:
        best = min(others, key=others.get)
        target(base <= 0.8 * others[best],
               f"median {base:.2f} s <= 0.8 x the best other method's ({best} "
               f"{others[best]:.2f} s -> {0.8 * others[best]:.2f} s): "
               f"{base / others[best]:.2f} x")
    for m in TEN_X:
        if m in med:
            target(med[m] >= 10 * base,
                   f">= 10x faster than {m}: {med[m] / base:.1f}x ({med[m]:.2f} s vs {base:.2f} s)")
        else:
            target(None, f">= 10x faster than {m}: not run")
    lb, db = layout.list_budget(), layout.delete_budget()
    rs = results["s3-cleanup"]
    lists = [r["requests"]["list"] + r["requests"]["list_v1"] for r in rs]
    dels = [r["requests"]["delete"] for r in rs]
    others_n = [r["requests"]["other"] + r["requests"]["head"] + r["requests"]["put"]
                + r["requests"]["delete_one"] for r in rs]
    target(max(lists) <= lb,
           f"list requests {fmt_count(lists)} <= budget {lb} = ceil({layout.deployments}+"
           f"{len(layout.root_files)} / 1000) + {layout.deployments} x ceil({layout.objects}/1000)"
           f" + {len(layout.doomed)} re-checks")
    target(all(d == db for d in dels),
           f"delete requests {fmt_count(dels)} = ceil({layout.doomed_objects:,}/1000) = {db}")
    target(max(others_n) <= 1, f"other requests (HEAD/PUT/DELETE/other) {fmt_count(others_n)} "
                               "<= 1 (GetBucketVersioning allowed)")
    own = [r.get("own") or {} for r in rs]
    match = all(o.get("list") == r["requests"]["list"] + r["requests"]["list_v1"]
                and o.get("delete") == r["requests"]["delete"] for o, r in zip(own, rs))
    target(match, "s3-cleanup's own result.requests equal the proxy's counts: " + ", ".join(
        f"run {r['run']}: list {o.get('list')}/{r['requests']['list'] + r['requests']['list_v1']}"
        f" delete {o.get('delete')}/{r['requests']['delete']} retries {o.get('retries', '-')}"
        for o, r in zip(own, rs)))
    # The server is the bottleneck here (bench/README.md, caveats): s3-cleanup is as fast
    # as it can be only when it keeps the server busy on every core, never waiting on itself
    cores = os.cpu_count() or 1
    busy = statistics.median(r["server_cpu"] / r["wall"] for r in rs)
    target(busy >= 0.85 * cores,
           f"server CPU during the s3-cleanup runs {busy:.2f} CPU s per wall s (median) >= 85% "
           f"of the machine's {cores} cores ({0.85 * cores:.2f}): {busy / cores:.0%}")
    return out


# ============================================================================= proxy overhead
def measure_proxy_overhead(args, layout: Layout, concurrency: int, runs: int = 5) -> dict:
    """s3-cleanup against the synthetic server, directly and through the delay proxy at
    0 ms, same data shape: what the proxy itself costs."""
    env = clean_env()
    syn, info = start_ready([PY, str(BENCH / "synthetic_s3.py"), "--deployments",
                             str(layout.deployments), "--objects", str(layout.objects),
                             "--exit-on-stdin-eof"], "synthetic S3")
    proxy = None
    home = Path(tempfile.mkdtemp(prefix="s3c-bench-px-"))
    try:
        proxy = DelayProxy(info["endpoint_url"], 0, args.proxy_workers, home / "stats.json")
        times = {"direct": [], "proxied": []}
        stats = {}
        for _ in range(runs):
            for kind, ep in (("direct", info["endpoint_url"]), ("proxied", proxy.endpoint_url)):
                proxy.reset()
                c = run_child([args.bin, "s3://bench-proxy-check", "--keep", str(layout.keep),
                               "--yes", "--output", "json", "--endpoint-url", ep,
                               "--concurrency", str(concurrency)], env)
                if c.rc:
                    raise RuntimeError(f"s3-cleanup exit {c.rc}: {c.stderr[-500:]}")
                times[kind].append(c.wall)
                if kind == "proxied":
                    stats = proxy.stats()
        return {"shape": f"{layout.deployments} x {layout.objects}", "runs": runs,
                "direct": statistics.median(times["direct"]),
                "proxied": statistics.median(times["proxied"]), "times": times,
                "requests": stats.get("requests"), "connections": stats.get("client_connections")}
    finally:
        if proxy is not None:
            proxy.stop()
        stop_ready(syn)
        shutil.rmtree(home, ignore_errors=True)


def binary_line(args) -> str:
    note = os.environ.get("S3C_BENCH_BUILD_NOTE")
    return f"Binary: {args.bin}" + (f" -- NOTE: {note}" if note else "")


def clean_env(ak: str = "AKIASYNTHETIC0000000", sk: str = "synthetic") -> dict:
    home = tempfile.gettempdir()
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8",
            "AWS_ACCESS_KEY_ID": ak, "AWS_SECRET_ACCESS_KEY": sk, "AWS_REGION": REGION,
            "AWS_CONFIG_FILE": "/nonexistent/aws-config",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
            "AWS_EC2_METADATA_DISABLED": "true"}


# ============================================================================= synthetic
SYN_SHAPES = ("1m", "10m", "2m", "fanout")
RSS_LIMIT_MIB = 64       # target 1: peak RSS of each deleting shape
RSS_GROWTH = 1.25        # target 1: RSS of the 10m run <= 1.25 x the 1m run's
US_LIMIT = 1.0           # target 2: us CPU per object deleted, 10m, median
FANOUT_RATIO = 0.35      # target 3: fan-out wall <= 0.35 x the flat page chain's


@dataclass
class SynShape:
    """One bucket shape of the synthetic benchmark and how s3-cleanup is run on it."""
    name: str
    title: str
    deployments: int
    objects: int              # per deployment
    keep: int
    runs: int
    oldest_objects: int | None = None
    oldest_subfolders: int | None = None
    oldest_direct_keys: int | None = None
    fanout: bool = False      # --dry-run through the delay proxy, against the flat page chain

    def server_args(self) -> list[str]:
        out = ["--deployments", str(self.deployments), "--objects", str(self.objects)]
        for flag, v in (("--oldest-objects", self.oldest_objects),
                        ("--oldest-subfolders", self.oldest_subfolders),
                        ("--oldest-direct-keys", self.oldest_direct_keys)):
            if v is not None:
                out += [flag, str(v)]
        return out

    @property
    def objects_in_deployments(self) -> int:
        """What the manifest must add up to (the shape's own arithmetic)."""
        oldest = self.objects if self.oldest_objects is None else self.oldest_objects
        return ((self.deployments - 1) * self.objects + oldest
                + (self.oldest_direct_keys or 0))


def synthetic_shapes(args) -> list[SynShape]:
    names = [s.strip() for s in args.synthetic_shapes.split(",") if s.strip()]
    for n in names:
        if n not in SYN_SHAPES:
            raise SystemExit(f"unknown synthetic shape {n!r}; known: {', '.join(SYN_SHAPES)}")
    D, K, keep, runs = (args.synthetic_deployments, args.synthetic_objects, args.keep,
                        args.synthetic_runs)
    big_runs = args.synthetic_2m_runs if args.synthetic_2m_runs is not None else runs
    if keep >= D and {"1m", "10m"} & set(names) or keep >= 10 and "2m" in names:
        raise SystemExit("--keep must be below --synthetic-deployments and 10 (the 2m shape)")
    fo, fs = args.synthetic_fanout_objects, args.synthetic_fanout_subfolders
    shapes = {
        "1m": SynShape("1m", f"{D:,} deployments x {K:,} objects", D, K, keep, runs),
        "10m": SynShape("10m", f"{D:,} deployments x {10 * K:,} objects", D, 10 * K, keep, runs),
        "2m": SynShape("2m", f"10 deployments: the oldest {args.synthetic_big_objects:,} objects,"
                             f" 9 x {K:,}", 10, K, keep, big_runs,
                       oldest_objects=args.synthetic_big_objects),
        # one big deployment in sub-folders (and 2 keys directly in it: 404.html sorts
        # before the sub-folders, so the first page ends inside dir-000/) among small
        # ones; --keep 1 so that the big one is in the plan's objects_to_delete
        "fanout": SynShape("fanout", f"the oldest {fo:,} objects in {fs} sub-folders + 2 direct "
                                     "keys, 4 x 10", 5, 10, 1, runs, oldest_objects=fo,
                           oldest_subfolders=fs, oldest_direct_keys=2, fanout=True),
    }
    return [shapes[n] for n in names]


def flat_page_chain(endpoint_url: str, bucket: str, prefix: str) -> dict:
    """ListObjectsV2 of prefix without delimiter, page after page (each request waits
    for the previous answer's NextContinuationToken) on one keep-alive connection: what
    a client that does not fan out needs at best. Minimal client (http.client, no XML
    parsing, no signing: the synthetic endpoint checks none), so the time is the chain's
    round trips plus the endpoint's work."""
    u = urllib.parse.urlsplit(endpoint_url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
    pages = keys = 0
    token = None
    t0 = time.perf_counter()
    try:
        while True:
            q = "list-type=2&prefix=" + urllib.parse.quote(prefix, safe="")
            if token:
                q += "&continuation-token=" + urllib.parse.quote(token, safe="")
            c.request("GET", f"/{bucket}?{q}")
            r = c.getresponse()
            body = r.read()
            if r.status != 200:
                raise RuntimeError(f"flat page chain: HTTP {r.status} {body[:200]!r}")
            pages += 1
            keys += body.count(b"<Key>")
            i = body.find(b"<NextContinuationToken>")
            if b"<IsTruncated>true</IsTruncated>" not in body or i < 0:
                break
            i += len(b"<NextContinuationToken>")
            token = body[i:body.index(b"<", i)].decode()
    finally:
        c.close()
    return {"wall": time.perf_counter() - t0, "pages": pages, "keys": keys}


def check_plan(shape: SynShape, doc: dict, manifest: list[dict]) -> list[str]:
    """What s3-cleanup's plan must say on this shape: every deployment with the objects
    and bytes the endpoint holds (a fan-out that lists a key twice, or misses one, shows
    here), the oldest ones deleted, the summary's sums."""
    errors = []
    by_name = {m["name"]: m for m in manifest}
    plan = {d.get("name"): d for d in doc.get("deployments", [])}
    if set(plan) != set(by_name):
        errors.append(f"plan has {len(plan)} deployments, the endpoint {len(by_name)}")
    wrong = [n for n, m in by_name.items() if n in plan and
             (plan[n].get("objects"), plan[n].get("bytes")) != (m["objects"], m["bytes"])]
    if wrong:
        n = wrong[0]
        errors.append(f"{len(wrong)} deployment(s) listed wrong, e.g. {n}: objects/bytes "
                      f"{plan[n].get('objects')}/{plan[n].get('bytes')}, endpoint "
                      f"{by_name[n]['objects']}/{by_name[n]['bytes']}")
    doomed = manifest[:len(manifest) - shape.keep]  # in name order, which is age order
    got = sorted(n for n, d in plan.items() if d.get("action") == "delete")
    if got != sorted(m["name"] for m in doomed):
        errors.append(f"plan deletes {got[:5]}..., not the {len(doomed)} oldest")
    s = doc.get("summary") or {}
    want = {"deployments": len(manifest), "objects_to_delete": sum(m["objects"] for m in doomed),
            "bytes_to_delete": sum(m["bytes"] for m in doomed)}
    for k, v in want.items():
        if s.get(k) != v:
            errors.append(f"summary.{k} {s.get(k)} != {v}")
    return errors


def synthetic_shape(args, shape: SynShape, env: dict, home: Path) -> dict:
    """Every run of one shape, on its own endpoint (and, for the fan-out shape, its own
    delay proxy)."""
    log(f"synthetic {shape.name}: {shape.title}; starting the endpoint")
    syn, info = start_ready([PY, str(BENCH / "synthetic_s3.py"), *shape.server_args(),
                             "--workers", str(args.synthetic_workers), "--exit-on-stdin-eof"],
                            "synthetic S3", timeout=120)
    ep = info["endpoint_url"]
    server_pids = [info["pid"], *info["worker_pids"]]
    proxy = None
    rows = []
    out = {"name": shape.name, "title": shape.title, "keep": shape.keep, "rows": rows,
           "proxy_check": None}
    try:
        manifest = http_json(ep, "GET", "/_synthetic/manifest")["deployments"]
        total = sum(m["objects"] for m in manifest)
        if total != shape.objects_in_deployments:
            raise RuntimeError(f"synthetic endpoint holds {total:,} objects in deployments, "
                               f"the shape {shape.objects_in_deployments:,}")
        doomed = sum(m["objects"] for m in manifest[:len(manifest) - shape.keep])
        out.update(objects=total, doomed=doomed)
        url = ep
        if shape.fanout:
            proxy = DelayProxy(ep, args.rtt_ms, args.proxy_workers, home / "fanout-proxy.json")
            url = proxy.endpoint_url
            big = manifest[0]
        bucket = f"bench-synthetic-{shape.name}"
        argv = [args.bin, f"s3://{bucket}", "--keep", str(shape.keep),
                *(["--dry-run"] if shape.fanout else ["--yes"]), "--output", "json",
                "--endpoint-url", url, "--concurrency", str(args.concurrency)]
        out["argv"] = argv
        for run in range(1, shape.runs + 1):
            row: dict = {"run": run}
            if shape.fanout:  # the baseline first, through the same proxy
                row["flat"] = flat_page_chain(url, bucket, big["prefix"])
                if row["flat"]["keys"] != big["objects"]:
                    raise RuntimeError(f"flat page chain listed {row['flat']['keys']:,} keys, "
                                       f"{big['prefix']} holds {big['objects']:,}")
                proxy.reset()
            http_json(ep, "POST", "/_synthetic/reset")
            px_pids = proxy.pids if proxy is not None else []
            s_cpu0, px_cpu0, busy0 = proc_cpu(server_pids), proc_cpu(px_pids), machine_busy()
            c = run_child(argv, env)
            s_cpu = proc_cpu(server_pids) - s_cpu0
            # CPU the machine spent on anything else meanwhile (other users' builds/tests)
            row["foreign_cpu"] = max(0.0, machine_busy() - busy0 - c.cpu - s_cpu
                                     - (proc_cpu(px_pids) - px_cpu0))
            st = http_json(ep, "GET", "/_synthetic/stats")
            per = doomed if not shape.fanout else total  # fan-out deletes nothing: per listed
            row.update({"rc": c.rc, "wall": c.wall, "cpu": c.cpu, "maxrss_mib": c.maxrss_kb / 1024,
                        "server_cpu": s_cpu, "server": st, "us_per_object": c.cpu / per * 1e6,
                        "error": c.stderr[-1000:] if c.rc else ""})
            if proxy is not None:
                row["proxy"] = proxy.stats()
            errors = []
            try:
                doc = json.loads(c.stdout)
                row["summary"] = doc.get("summary")
                row["own"] = doc.get("result", {}).get("requests")
                row["objects_deleted"] = doc.get("result", {}).get("objects_deleted")
                errors += check_plan(shape, doc, manifest)
            except ValueError as e:
                errors.append(f"no JSON document: {e}")
            if c.rc:
                errors.insert(0, f"exit {c.rc}")
            want_deleted = 0 if shape.fanout else doomed
            if st["deleted_keys"] != want_deleted or st["delete_one"]:
                errors.append(f"the endpoint got {st['deleted_keys']:,} keys to delete "
                              f"({st['delete_one']} DeleteObject), not {want_deleted:,}")
            row["check"] = "ok" if not errors else "FAIL"
            row["check_errors"] = errors
            rows.append(row)
            log(f"synthetic {shape.name} run {run}/{shape.runs}: {c.wall:.2f} s wall"
                + (f" (flat page chain {row['flat']['wall']:.2f} s, {row['flat']['pages']} pages:"
                   f" {c.wall / row['flat']['wall']:.2f} x)" if shape.fanout else "")
                + f", CPU {c.cpu:.2f} s ({row['us_per_object']:.3f} us/object), peak RSS "
                f"{row['maxrss_mib']:.1f} MiB, server CPU {s_cpu:.2f} s, check {row['check']}"
                + (f": {'; '.join(errors)[:300]}" if errors else "")
                + (f" {row['error'][:300]}" if row["error"] else ""))
        if shape.name == "1m" and not args.no_proxy_check:
            out["proxy_check"] = synthetic_proxy_check(args, ep, env, shape.keep)
    finally:
        if proxy is not None:
            proxy.stop()
        stop_ready(syn)
    return out


def synthetic_main(args) -> int:
    shapes = synthetic_shapes(args)
    env = clean_env()
    home = Path(tempfile.mkdtemp(prefix="s3c-bench-syn-"))
    t_start = time.perf_counter()
    results = {}
    try:
        for shape in shapes:
            results[shape.name] = synthetic_shape(args, shape, env, home)
    finally:
        shutil.rmtree(home, ignore_errors=True)
    total_s = time.perf_counter() - t_start
    p = print
    p()
    p(f"Synthetic S3 (bench/synthetic_s3.py, {args.synthetic_workers} worker processes). "
      f"s3-cleanup s3://B --keep K --yes --output json --concurrency {args.concurrency}, "
      "directly (no proxy, no delay).")
    p("CPU = user+sys of s3-cleanup alone (wait4 rusage); us/obj = CPU / objects deleted; "
      "peak RSS from GNU time; list, delete, keys deleted as the endpoint counted them.")
    p()
    hdr = (f"{'shape':<7}{'run':>4}{'objects':>12}{'deleted':>12}{'wall s':>8}{'CPU s':>8}"
           f"{'us/obj':>8}{'peak RSS':>12}{'list':>7}{'delete':>8}{'keys deleted':>14}"
           f"{'srv CPU s':>11}  check")
    deleting = [results[s.name] for s in shapes if not s.fanout]
    if deleting:
        p(hdr)
        p("-" * len(hdr))
    for res in deleting:
        for r in res["rows"]:
            st = r["server"]
            p(f"{res['name']:<7}{r['run']:>4}{res['objects']:>12,}{res['doomed']:>12,}"
              f"{r['wall']:>8.2f}{r['cpu']:>8.2f}{r['us_per_object']:>8.3f}"
              f"{r['maxrss_mib']:>8.1f} MiB{st['list'] + st['list_recheck']:>7,}"
              f"{st['delete']:>8,}{st['deleted_keys']:>14,}{r['server_cpu']:>11.2f}  {r['check']}")
    for res in deleting:
        p(f"  {res['name']}: {res['title']}, keep {res['keep']}")
    fan = results.get("fanout")
    if fan:
        p()
        p(f"Fan-out, through the delay proxy +{args.rtt_ms:g} ms ({args.proxy_workers} workers): "
          f"{fan['title']} = {fan['objects']:,} objects;")
        p(f"s3-cleanup --keep 1 --dry-run --output json --concurrency {args.concurrency} against "
          "the flat page chain: ListObjectsV2 of the big deployment's prefix, no delimiter, one "
          "page after the other (bench's own client, same proxy, just before).")
        p()
        hdr = (f"{'run':>4}{'flat chain s':>14}{'pages':>7}{'s3-cleanup s':>14}{'ratio':>7}"
               f"{'list':>6}{'delim':>7}{'CPU s':>8}{'peak RSS':>12}  check")
        p(hdr)
        p("-" * len(hdr))
        for r in fan["rows"]:
            st = r["server"]
            p(f"{r['run']:>4}{r['flat']['wall']:>14.2f}{r['flat']['pages']:>7}{r['wall']:>14.2f}"
              f"{r['wall'] / r['flat']['wall']:>7.2f}{st['list'] + st['list_recheck']:>6}"
              f"{st['list_delimiter']:>7}{r['cpu']:>8.2f}{r['maxrss_mib']:>8.1f} MiB  "
              f"{r['check']}")
        p("  list = ListObjectsV2 requests of the s3-cleanup run, delim = those with a delimiter")
    load = {n: max(r["foreign_cpu"] / r["wall"] for r in res["rows"])
            for n, res in results.items() if res["rows"]}
    p("Other load on the machine during the runs (CPU s per wall s not accounted to s3-cleanup, "
      "the endpoint or the proxy; max of runs; 2 cores = 2.0): "
      + ", ".join(f"{n} {v:.2f}" for n, v in load.items()))
    if any(v > 0.2 for v in load.values()):
        p("WARNING: something else used the CPU during some runs: their times are inflated.")
    for res in results.values():
        for r in res["rows"]:
            for e in r["check_errors"][:3]:
                p(f"! {res['name']} run {r['run']}: {e[:400]}")
            if r["error"]:
                p(f"! {res['name']} run {r['run']}: {r['error'][-400:]}")
    p()
    targets = synthetic_targets(args, results)
    pc = (results.get("1m") or {}).get("proxy_check")
    if pc:
        p()
        p(f"Delay proxy overhead at 0 ms, the 1m run: direct {pc['direct']:.2f} s, through the "
          f"proxy ({args.proxy_workers} workers) {pc['proxied']:.2f} s; {pc['requests']:,} "
          f"requests, {pc['mib']:.0f} MiB relayed, {pc['connections']} client connections.")
    p(binary_line(args))
    p(f"Total synthetic bench time {total_s / 60:.1f} min.")
    all_ok = all(r["check"] == "ok" for res in results.values() for r in res["rows"])
    if not all_ok:
        p("SOME RUNS FAILED their check (see 'check' column and messages above).")
    report = {"args": vars(args), "shapes": results, "targets": targets,
              "all_checks_ok": all_ok, "total_seconds": total_s}
    out = Path(args.json) if args.json else REPO / "build" / "bench" / "synthetic.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=1, default=str))
    log(f"results: {out}")
    return 0 if all_ok else 1


def synthetic_targets(args, results: dict) -> list[dict]:
    """Issue 15's targets: bounded memory, CPU per object, parallel listing."""
    p = print
    p("Targets:")
    out = []

    def target(ok: bool | None, text: str) -> None:
        tag = "PASS" if ok else ("n/a " if ok is None else "FAIL")
        p(f"  [{tag}] {text}")
        out.append({"ok": ok, "text": text})

    rss = {n: max(r["maxrss_mib"] for r in res["rows"])
           for n, res in results.items() if res["rows"] and n != "fanout"}
    for n in ("1m", "10m", "2m"):
        if n in rss:
            target(rss[n] <= RSS_LIMIT_MIB, f"peak RSS {n} ({results[n]['title']}): "
                                           f"{rss[n]:.1f} MiB <= {RSS_LIMIT_MIB} MiB (largest run)")
        else:
            target(None, f"peak RSS {n} <= {RSS_LIMIT_MIB} MiB: not run")
    if "1m" in rss and "10m" in rss:
        g = rss["10m"] / rss["1m"]
        target(g <= RSS_GROWTH, f"peak RSS 10m / 1m: {rss['10m']:.1f} / {rss['1m']:.1f} MiB = "
                                f"{g:.2f} <= {RSS_GROWTH}")
    else:
        target(None, f"peak RSS 10m / 1m <= {RSS_GROWTH}: needs both shapes")
    if results.get("10m", {}).get("rows"):
        rs = results["10m"]["rows"]
        us = statistics.median(r["us_per_object"] for r in rs)
        target(us <= US_LIMIT, f"CPU per object deleted, 10m: {us:.3f} us (median of {len(rs)}) "
                               f"<= {US_LIMIT} us")
    else:
        target(None, f"CPU per object deleted, 10m <= {US_LIMIT} us: not run")
    fan = results.get("fanout")
    if fan and fan["rows"]:
        s3c = statistics.median(r["wall"] for r in fan["rows"])
        flat = statistics.median(r["flat"]["wall"] for r in fan["rows"])
        target(s3c <= FANOUT_RATIO * flat,
               f"fan-out (+{args.rtt_ms:g} ms): s3-cleanup {s3c:.2f} s <= {FANOUT_RATIO} x the "
               f"flat page chain {flat:.2f} s ({fan['rows'][0]['flat']['pages']} pages) = "
               f"{FANOUT_RATIO * flat:.2f} s: {s3c / flat:.2f} x (medians of {len(fan['rows'])})")
    else:
        target(None, f"fan-out <= {FANOUT_RATIO} x the flat page chain: not run")
    return out


def synthetic_proxy_check(args, ep: str, env: dict, keep: int) -> dict:
    home = Path(tempfile.mkdtemp(prefix="s3c-bench-px-"))
    proxy = DelayProxy(ep, 0, args.proxy_workers, home / "stats.json")
    try:
        walls = {}
        for kind, url in (("direct", ep), ("proxied", proxy.endpoint_url)):
            proxy.reset()
            c = run_child([args.bin, "s3://bench-synthetic", "--keep", str(keep), "--yes",
                           "--output", "json", "--endpoint-url", url,
                           "--concurrency", str(args.concurrency)], env)
            walls[kind] = c.wall
        st = proxy.stats()
        return {**walls, "requests": st["requests"], "connections": st["client_connections"],
                "mib": (st["bytes_up"] + st["bytes_down"]) / 2**20}
    finally:
        proxy.stop()
        shutil.rmtree(home, ignore_errors=True)


# ============================================================================= cli
def main() -> int:
    ap = argparse.ArgumentParser(description="s3-cleanup speed benchmark (see bench/README.md)")
    ap.add_argument("--bin", default=str(REPO / "build" / "bench" / "s3-cleanup"))
    ap.add_argument("--server", choices=("rgw", "moto"), default="rgw")
    ap.add_argument("--rtt-ms", type=float, default=10.0)
    ap.add_argument("--deployments", type=int, default=50)
    ap.add_argument("--objects", type=int, default=200, help="objects per deployment")
    ap.add_argument("--keep", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--slow-runs", type=int, default=1,
                    help=f"runs of the slow method(s) ({', '.join(sorted(SLOW))}); default 1")
    ap.add_argument("--skip-slow", action="store_true", help="do not run the slow method(s)")
    ap.add_argument("--methods", help=f"comma-separated subset of: {', '.join(ORDER)}")
    ap.add_argument("--concurrency", type=int, default=16, help="s3-cleanup --concurrency")
    ap.add_argument("--proxy-workers", type=int, default=2)
    ap.add_argument("--request-log", help="the delay proxy appends every request here")
    ap.add_argument("--no-proxy-check", action="store_true",
                    help="skip measuring the proxy's own overhead at 0 ms")
    ap.add_argument("--json", help="write all results here (default build/bench/*.json)")
    ap.add_argument("--synthetic", action="store_true",
                    help="memory/CPU/fan-out benchmark against bench/synthetic_s3.py instead")
    ap.add_argument("--synthetic-shapes", default=",".join(SYN_SHAPES),
                    help=f"comma-separated subset of: {', '.join(SYN_SHAPES)} (default all)")
    ap.add_argument("--synthetic-deployments", type=int, default=1000,
                    help="deployments of the 1m and 10m shapes")
    ap.add_argument("--synthetic-objects", type=int, default=1000,
                    help="objects per deployment of the 1m shape (10m: 10x; 2m: the 9 others)")
    ap.add_argument("--synthetic-big-objects", type=int, default=2_000_000,
                    help="objects of the oldest deployment of the 2m shape")
    ap.add_argument("--synthetic-fanout-objects", type=int, default=100_000,
                    help="objects of the big deployment of the fanout shape")
    ap.add_argument("--synthetic-fanout-subfolders", type=int, default=100,
                    help="sub-folders of the big deployment of the fanout shape")
    ap.add_argument("--synthetic-runs", type=int, default=3, help="runs per synthetic shape")
    ap.add_argument("--synthetic-2m-runs", type=int,
                    help="runs of the 2m shape (default --synthetic-runs)")
    ap.add_argument("--synthetic-workers", type=int, default=2)
    args = ap.parse_args()
    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"no s3-cleanup binary at {args.bin} (scripts/bench builds it)")
    if args.keep < 1 or args.keep >= args.deployments:
        raise SystemExit("--keep must be between 1 and --deployments - 1")
    args.bin = str(Path(args.bin).resolve())
    return synthetic_main(args) if args.synthetic else bench_main(args)


if __name__ == "__main__":
    sys.exit(main())
