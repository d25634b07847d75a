"""HTTPS and proxies for the integration tests (issue 16): a test CA, a TLS terminator in
front of the test server, and a real forwarding proxy. Additive to harness.py.

    ca = tls_harness.TestCA.shared()          # once per process, in a temp dir (openssl CLI)
    ca.ca_cert                                # the CA's certificate (PEM): a --ca-bundle
    ca.pair("good")                           # (cert, key) for localhost + 127.0.0.1
    ca.pair("wrong_name")                     # (cert, key) for other.invalid only
    ca.pair("expired")                        # (cert, key) for localhost + 127.0.0.1, expired

    tls = tls_harness.Stunnel(server.port, "good").start()   # stunnel4: TLS -> plain
    tls.endpoint_url                          # https://127.0.0.1:P
    tls.localhost_url                         # https://localhost:P
    mark = tls.connection_mark(); ...; tls.connections_since(mark)  # accepted TLS connections

    proxy = tls_harness.TinyProxy(auth=("user", "pw")).start()      # tinyproxy
    proxy.url                                 # http://user:pw@127.0.0.1:P (auth) / http://127.0.0.1:P
    mark = proxy.mark(); ...; proxy.connects(mark), proxy.requests(mark)

Every process runs under a small guard (GUARD below): the guard exits when our end of its
stdin closes and takes its child with it (the child also gets SIGTERM if the guard dies:
PR_SET_PDEATHSIG), so a killed test run leaves no stunnel or tinyproxy behind. Everything
listens on 127.0.0.1 only.

Logs (what the tests count):
* stunnel (its default level, 5): "Service [s3] accepted connection from 127.0.0.1:PORT" per
  TCP connection accepted, then "Connection closed..." or "Connection reset/closed..." when
  it ends, and the TLS error (e.g. "tlsv1 alert unknown ca") when the client refuses us.
* tinyproxy (LogLevel Info): "Request (file descriptor N): CONNECT 127.0.0.1:P HTTP/1.1" per
  tunnel, "Request (file descriptor N): GET http://127.0.0.1:P/b?x HTTP/1.1" per plain
  proxied request (tinyproxy answers each plain request on a connection of its own, so every
  request is logged), "Connect (file descriptor N): 127.0.0.1" per client connection.

Each helper raises unittest.SkipTest (printed) only when its program is missing: openssl,
stunnel4, tinyproxy (and faketime, only if `openssl ca` cannot backdate a certificate).
Debian packages: openssl stunnel4 tinyproxy faketime.
"""
from __future__ import annotations

import atexit
import datetime as dt
import re
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path

import harness

PACKAGES = {"openssl": "openssl", "stunnel4": "stunnel4", "tinyproxy": "tinyproxy",
            "faketime": "faketime"}
START_TIMEOUT = 20.0

# Runs argv[1:] as its child; exits (stopping the child) when stdin reaches EOF or on
# SIGTERM/SIGINT; the child gets SIGTERM should the guard die first.
GUARD = r"""
import ctypes, signal, subprocess, sys
def pdeathsig():
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
child = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL, preexec_fn=pdeathsig)
print(child.pid, flush=True)
def stop(*_):
    if child.poll() is None:
        child.terminate()
        try:
            child.wait(10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)
try:
    while sys.stdin.buffer.read(4096):
        pass
except Exception:
    pass
stop()
"""


# ----------------------------------------------------------------------------- tools
def require_tool(name: str) -> str:
    """The program's path, or SkipTest (printed) naming it and its Debian package."""
    path = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin:/usr/bin:/bin")
    if not path:
        msg = f"{name} not found (Debian package: {PACKAGES.get(name, name)})"
        print(f"SKIP: {msg}", file=sys.stderr)
        raise unittest.SkipTest(msg)
    return path


def _run(cmd: list, cwd: Path, what: str) -> None:
    r = subprocess.run([str(c) for c in cmd], cwd=str(cwd), capture_output=True, text=True,
                       timeout=60, stdin=subprocess.DEVNULL)
    if r.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {r.returncode}): {harness.describe_cmd(cmd)}\n"
                           f"{r.stderr[-3000:]}")


class _Guarded:
    """A program under GUARD, its stderr in a file; stop() ends it (idempotent)."""

    def __init__(self, argv: list, stderr_path: Path):
        self.stderr_path = stderr_path
        err = open(stderr_path, "ab")
        try:
            self.guard = subprocess.Popen([sys.executable, "-c", GUARD, *map(str, argv)],
                                          stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                          stderr=err)
        finally:
            err.close()
        line = self.guard.stdout.readline()
        self.pid = int(line) if line.strip() else None

    def alive(self) -> bool:
        if self.guard is None or self.guard.poll() is not None or self.pid is None:
            return False
        try:
            st = Path(f"/proc/{self.pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        return st not in ("Z", "X")

    def stop(self) -> None:
        g, self.guard = self.guard, None
        if g is not None:
            harness.end_at_stdin_eof(g, grace=15)

    def stderr_tail(self, n: int = 3000) -> str:
        try:
            return self.stderr_path.read_text(errors="replace")[-n:]
        except OSError:
            return ""


def _wait_port(port: int, proc: _Guarded, what: str, timeout: float = START_TIMEOUT,
               probe=None) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        if not proc.alive():
            raise RuntimeError(f"{what} exited: {proc.stderr_tail()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                if probe:
                    probe(s)
                return
        except OSError as e:
            last = e
            time.sleep(0.05)
    raise RuntimeError(f"{what} not accepting on 127.0.0.1:{port}: {last}")


def _read_lines(path: Path) -> list[str]:
    try:
        return path.read_bytes().decode("utf-8", "replace").splitlines()
    except OSError:
        return []


# ----------------------------------------------------------------------------- the CA
class TestCA:
    """A CA and three server certificates it signed, made with the openssl command line in
    a temp dir (removed at exit), once per process (TestCA.shared()).

        good        CN=localhost, SAN DNS:localhost, IP:127.0.0.1, valid for 30 days
        wrong_name  CN=other.invalid, SAN DNS:other.invalid only
        expired     like good, but valid from 400 to 30 days ago

    EC P-256 keys; the server certificates carry serverAuth, SKI/AKI (strict verifiers, like
    Python's, want them). The CA is not in any system store: a client must be told of it.
    """

    NAMES = ("good", "wrong_name", "expired")
    _shared: "TestCA | None" = None
    _lock = threading.Lock()

    @classmethod
    def shared(cls) -> "TestCA":
        with cls._lock:
            if cls._shared is None:
                ca = cls()
                atexit.register(ca.cleanup)
                cls._shared = ca
            return cls._shared

    def __init__(self):
        self.openssl = require_tool("openssl")
        self.dir = Path(tempfile.mkdtemp(prefix="s3c-ca-"))
        self.ca_cert = self.dir / "ca.pem"
        self.ca_key = self.dir / "ca.key"
        self.certs: dict[str, tuple[Path, Path]] = {}
        try:
            self._make()
        except Exception:
            self.cleanup()
            raise

    def cleanup(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)

    def pair(self, name: str) -> tuple[Path, Path]:
        return self.certs[name]

    @property
    def good(self) -> tuple[Path, Path]:
        return self.certs["good"]

    @property
    def wrong_name(self) -> tuple[Path, Path]:
        return self.certs["wrong_name"]

    @property
    def expired(self) -> tuple[Path, Path]:
        return self.certs["expired"]

    # ---- making
    def _key_and_csr(self, name: str, cn: str) -> tuple[Path, Path]:
        key, csr = self.dir / f"{name}.key", self.dir / f"{name}.csr"
        _run([self.openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", key, "-out", csr, "-subj", f"/CN={cn}"], self.dir,
             f"key and CSR for {name}")
        key.chmod(0o600)
        return key, csr

    def _ext(self, name: str, san: str) -> Path:
        p = self.dir / f"{name}.ext"
        p.write_text("[srv]\n"
                     "basicConstraints = critical,CA:FALSE\n"
                     "keyUsage = critical,digitalSignature,keyEncipherment\n"
                     "extendedKeyUsage = serverAuth\n"
                     "subjectKeyIdentifier = hash\n"
                     "authorityKeyIdentifier = keyid:always\n"
                     f"subjectAltName = {san}\n")
        return p

    def _make(self) -> None:
        d, o = self.dir, self.openssl
        _run([o, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
              "-nodes", "-keyout", self.ca_key, "-out", self.ca_cert, "-days", "60",
              "-subj", "/O=s3-cleanup tests/CN=s3-cleanup test CA",
              "-addext", "basicConstraints=critical,CA:TRUE",
              "-addext", "keyUsage=critical,keyCertSign,cRLSign",
              "-addext", "subjectKeyIdentifier=hash"], d, "the CA")
        self.ca_key.chmod(0o600)
        for name, cn, san in (("good", "localhost", "DNS:localhost,IP:127.0.0.1"),
                              ("wrong_name", "other.invalid", "DNS:other.invalid")):
            key, csr = self._key_and_csr(name, cn)
            cert = d / f"{name}.pem"
            _run([o, "x509", "-req", "-in", csr, "-CA", self.ca_cert, "-CAkey", self.ca_key,
                  "-CAcreateserial", "-CAserial", d / "ca.srl", "-out", cert, "-days", "30",
                  "-sha256", "-extfile", self._ext(name, san), "-extensions", "srv"], d,
                 f"certificate {name}")
            self.certs[name] = (cert, key)
        self.certs["expired"] = (self._make_expired(), self.dir / "expired.key")
        for name, (cert, _) in self.certs.items():
            self._check(name, cert)

    def _make_expired(self) -> Path:
        """`openssl ca -startdate -enddate` (a throw-away CA database); if that fails,
        `openssl x509 -req -days 30` under faketime 400 days back."""
        d, o = self.dir, self.openssl
        key, csr = self._key_and_csr("expired", "localhost")
        ext = self._ext("expired", "DNS:localhost,IP:127.0.0.1")
        cert = d / "expired.pem"
        now = dt.datetime.now(dt.timezone.utc)
        start = (now - dt.timedelta(days=400)).strftime("%Y%m%d%H%M%SZ")
        end = (now - dt.timedelta(days=30)).strftime("%Y%m%d%H%M%SZ")
        db = d / "cadb"
        db.mkdir()
        (db / "index.txt").write_text("")
        (db / "serial").write_text("1000\n")
        conf = d / "ca.cnf"
        conf.write_text(f"[ca]\ndefault_ca = testca\n[testca]\ndir = {db}\n"
                        f"database = $dir/index.txt\nserial = $dir/serial\nnew_certs_dir = $dir\n"
                        f"certificate = {self.ca_cert}\nprivate_key = {self.ca_key}\n"
                        "default_md = sha256\npolicy = anything\nunique_subject = no\n"
                        "copy_extensions = none\n[anything]\ncommonName = supplied\n")
        try:
            _run([o, "ca", "-batch", "-config", conf, "-in", csr, "-out", cert, "-notext",
                  "-startdate", start, "-enddate", end, "-extfile", ext, "-extensions", "srv"],
                 d, "expired certificate (openssl ca)")
        except RuntimeError as e:
            print(f"tls_harness: {e}; trying faketime", file=sys.stderr)
            faketime = require_tool("faketime")
            _run([faketime, "-f", "-400d", o, "x509", "-req", "-in", csr, "-CA", self.ca_cert,
                  "-CAkey", self.ca_key, "-CAserial", d / "ca.srl", "-out", cert, "-days", "30",
                  "-sha256", "-extfile", ext, "-extensions", "srv"], d,
                 "expired certificate (faketime)")
        return cert

    def _check(self, name: str, cert: Path) -> None:
        r = subprocess.run([self.openssl, "verify", "-CAfile", str(self.ca_cert), str(cert)],
                           capture_output=True, text=True, timeout=30)
        out = r.stdout + r.stderr
        if name == "expired":
            if "certificate has expired" not in out:
                raise RuntimeError(f"the expired certificate is not expired: {out}")
        elif r.returncode != 0:
            raise RuntimeError(f"certificate {name} does not verify: {out}")


# ----------------------------------------------------------------------------- boto3 over TLS
def tls_client(endpoint_url: str, access_key_id: str, secret_access_key: str,
               verify, region: str = harness.REGION):
    """A boto3 S3 client (path style) for an https endpoint. `verify`: a CA file or False.
    request_checksum_calculation="when_required": botocore 1.43's default checksums make a
    PutObject over HTTPS fail with MissingContentLength against some servers."""
    import boto3
    from botocore.config import Config
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 2, "mode": "standard"},
                 connect_timeout=10, read_timeout=60,
                 request_checksum_calculation="when_required",
                 response_checksum_validation="when_required")
    return boto3.session.Session().client(
        "s3", endpoint_url=endpoint_url, region_name=region, aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key, config=cfg,
        verify=str(verify) if verify else False)


# ----------------------------------------------------------------------------- stunnel
_ACCEPT_RE = re.compile(r"Service \[(\S+)\] accepted connection from (\S+)")
_CLOSED_RE = re.compile(r"Connection (?:closed|reset)")


class _LoopbackDaemon:
    """A Debian daemon on a free 127.0.0.1 port, with a config file and a log in its own
    temp dir, run under _Guarded. Subclasses write the config (_config) and say how to run
    it (_argv) and when it is ready (_ready)."""

    tool = ""  # the program, as require_tool() looks for it

    def __init__(self, prefix: str):
        self.program = require_tool(self.tool)
        self.tmp = Path(tempfile.mkdtemp(prefix=prefix))
        self.log_path = self.tmp / f"{self.tool}.log"
        self.conf = self.tmp / f"{self.tool}.conf"
        self.port: int | None = None
        self.proc: _Guarded | None = None
        self._atexit = False

    def _config(self) -> str:
        raise NotImplementedError

    def _argv(self) -> list:
        raise NotImplementedError

    def _ready(self) -> None:
        _wait_port(self.port, self.proc, self.tool)

    def start(self):
        last = None
        for _ in range(3):  # the port may be taken between free_port() and the daemon's bind
            self.port = harness.free_port()
            self.conf.write_text(self._config())
            self.proc = _Guarded(self._argv(), self.tmp / f"{self.tool}.stderr")
            if not self._atexit:
                atexit.register(self.cleanup)
                self._atexit = True
            try:
                self._ready()
                return self
            except RuntimeError as e:
                last = e
                self.proc.stop()
        raise RuntimeError(f"{self.tool} did not start: {last}\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.stop()

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.tmp, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()
        return False

    def log_lines(self) -> list[str]:
        return _read_lines(self.log_path)

    def log_tail(self, n: int = 30) -> str:
        return "\n".join(self.log_lines()[-n:])


class Stunnel(_LoopbackDaemon):
    """stunnel4 on a free 127.0.0.1 port, terminating TLS (certificate `cert` of the
    TestCA: "good" | "wrong_name" | "expired") and forwarding in plain TCP to
    127.0.0.1:upstream_port. Its log (default level 5) is self.log_path."""

    tool = "stunnel4"

    def __init__(self, upstream_port: int, cert: str = "good", ca: TestCA | None = None):
        super().__init__("s3c-stunnel-")
        self.ca = ca or TestCA.shared()
        self.cert_name = cert
        self.cert, self.key = self.ca.pair(cert)
        self.upstream_port = int(upstream_port)

    def _config(self) -> str:
        return ("; generated by tests/integration/tls_harness.py\n"
                "foreground = yes\n"
                "pid =\n"
                f"output = {self.log_path}\n"
                "syslog = no\n"
                "debug = 5\n"
                "[s3]\n"
                f"accept = 127.0.0.1:{self.port}\n"
                f"connect = 127.0.0.1:{self.upstream_port}\n"
                f"cert = {self.cert}\n"
                f"key = {self.key}\n"
                "TIMEOUTclose = 0\n")

    def _argv(self) -> list:
        return [self.program, self.conf]

    def _ready(self) -> None:
        _wait_port(self.port, self.proc, self.tool, probe=self._probe)
        self.wait_idle(2.0)  # the probe's connection ended in the log

    @staticmethod
    def _probe(sock: socket.socket) -> None:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        with ctx.wrap_socket(sock, server_hostname="localhost"):
            pass

    @property
    def endpoint_url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    @property
    def localhost_url(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def hostport(self) -> str:
        return f"127.0.0.1:{self.port}"

    # ---- the log
    def connections(self) -> list[str]:
        """Peer address ("127.0.0.1:PORT") of every connection accepted, in order."""
        return [m.group(2) for m in map(_ACCEPT_RE.search, self.log_lines()) if m]

    # stunnel logs "accepted connection" right after accept(), before its side of the TLS
    # handshake: once a client has finished (or been refused), its connections are logged.
    def connection_mark(self) -> int:
        return len(self.connections())

    def connections_since(self, mark: int) -> list[str]:
        return self.connections()[mark:]

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait (up to timeout) until every connection accepted has ended in the log."""
        deadline = time.monotonic() + timeout
        while True:
            lines = self.log_lines()
            opened = sum(1 for l in lines if _ACCEPT_RE.search(l))
            closed = sum(1 for l in lines if _CLOSED_RE.search(l))
            if closed >= opened or time.monotonic() > deadline:
                return closed >= opened
            time.sleep(0.02)


# ----------------------------------------------------------------------------- tinyproxy
_TP_REQ_RE = re.compile(r"Request \(file descriptor \d+\): (\S+) (\S+) HTTP/\d\.\d")


class TinyProxy(_LoopbackDaemon):
    """tinyproxy on a free 127.0.0.1 port (Allow 127.0.0.1; CONNECT to any port: no
    ConnectPort line at all, which tinyproxy takes as "every port"); LogLevel Info into
    self.log_path. auth=(user, password): BasicAuth, so a request without them gets 407."""

    tool = "tinyproxy"

    def __init__(self, auth: tuple[str, str] | None = None):
        super().__init__("s3c-tinyproxy-")
        self.auth = auth

    def _config(self) -> str:
        text = ("# generated by tests/integration/tls_harness.py\n"
                f"Port {self.port}\n"
                "Listen 127.0.0.1\n"
                "Timeout 120\n"
                f'LogFile "{self.log_path}"\n'
                "LogLevel Info\n"
                "MaxClients 64\n"
                "Allow 127.0.0.1\n"
                "DisableViaHeader Yes\n"
                "# no ConnectPort line: CONNECT is allowed to every port\n")
        if self.auth:
            text += f"BasicAuth {self.auth[0]} {self.auth[1]}\n"
        return text

    def _argv(self) -> list:
        return [self.program, "-d", "-c", self.conf]

    @property
    def url(self) -> str:
        return self.url_with(*self.auth) if self.auth else self.plain_url

    @property
    def plain_url(self) -> str:
        """Without credentials, even when the proxy wants them."""
        return f"http://127.0.0.1:{self.port}"

    def url_with(self, user: str, password: str) -> str:
        return f"http://{user}:{password}@127.0.0.1:{self.port}"

    # ---- the log
    def mark(self) -> int:
        """A position in the log (lines so far) for connects()/requests()."""
        return len(self.log_lines())

    def _requests(self, since: int) -> list[tuple[str, str]]:
        return [(m.group(1), m.group(2)) for m in map(_TP_REQ_RE.search, self.log_lines()[since:]) if m]

    def connects(self, since: int = 0) -> list[str]:
        """host:port of every CONNECT request (tunnel) in the log since `since`."""
        return [target for method, target in self._requests(since) if method == "CONNECT"]

    def requests(self, since: int = 0) -> list[str]:
        """"METHOD URL" of every plain proxied request (not CONNECT) since `since`."""
        return [f"{method} {target}" for method, target in self._requests(since) if method != "CONNECT"]
