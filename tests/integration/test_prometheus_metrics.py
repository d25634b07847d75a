"""--metrics-file and --metrics-pushgateway (README, "Metrics"): the metrics file checked
line by line against the text format, and Debian's prometheus-pushgateway on loopback,
its /metrics read after each run.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.request
from pathlib import Path

import harness
from harness import Dep, days_ago, objects_of

PUSHGATEWAY = shutil.which("prometheus-pushgateway") or "/usr/bin/prometheus-pushgateway"

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{({LABEL}(?:,{LABEL})*)?\}})? (\S+)$")
LABEL_RE = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"')


def parse_text(text: str) -> dict:
    """The text exposition format, strictly: every line a HELP, a TYPE (gauge) or a sample
    of a metric whose TYPE came before it; returns {(name, frozenset(labels)): value}."""
    samples, typed, helped = {}, set(), set()
    assert text.endswith("\n"), "the file ends with a newline"
    for n, line in enumerate(text.splitlines(), 1):
        if line.startswith("# HELP "):
            name = line.split(" ")[2]
            assert re.fullmatch(NAME, name) and name not in helped, f"line {n}: {line!r}"
            helped.add(name)
            continue
        if line.startswith("# TYPE "):
            parts = line.split(" ")
            assert len(parts) == 4 and parts[3] == "gauge" and parts[2] not in typed, \
                f"line {n}: {line!r}"
            typed.add(parts[2])
            continue
        m = SAMPLE.match(line)
        assert m, f"line {n} is no sample: {line!r}"
        name, labels, value = m.groups()
        assert name in typed, f"line {n}: {name} has no TYPE before it"
        key = (name, frozenset(LABEL_RE.findall(labels or "")))
        assert key not in samples, f"line {n}: a second sample of {key}"
        samples[key] = float(value)
    return samples


def value(samples: dict, name: str, **labels):
    return samples.get((name, frozenset(labels.items())))


class Pushgateway:
    def __init__(self):
        self.port = harness.free_port()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{self.port}"],
            stdin=subprocess.DEVNULL, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/-/ready", timeout=5).read()
                return
            except OSError:
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.log.seek(0)
                    raise RuntimeError(f"the Pushgateway did not start: {self.log.read()[-2000:]!r}")
                time.sleep(0.1)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def samples(self) -> dict:
        text = urllib.request.urlopen(f"{self.url}/metrics", timeout=30).read().decode()
        out = {}
        for line in text.splitlines():
            m = SAMPLE.match(line)
            if m and m.group(1).startswith("s3_cleanup_"):
                out[(m.group(1), frozenset(LABEL_RE.findall(m.group(2) or "")))] = \
                    float(m.group(3))
        return out

    def stop(self):
        self.proc.terminate()
        self.proc.wait(30)
        self.log.close()
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


class MetricsCase(harness.S3TestCase):
    def seeded(self) -> tuple[str, list[Dep]]:
        b = self.new_bucket()
        deps = [Dep(f"d{i}", days_ago(5 - i), n=3, size=10) for i in range(4)]
        self.seed(b, objects_of(*deps))
        return b, deps


class MetricsFileTest(MetricsCase):
    def test_the_file_after_a_deletion_then_a_failure(self):
        b, deps = self.seeded()
        path = self.home / "textfile" / "s3-cleanup.prom"
        path.parent.mkdir()
        r = self.run_cli(f"s3://{b}", "--keep", "2", "--yes", "--metrics-file", path,
                         *self.endpoint_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        first = parse_text(path.read_text())
        labels = {"bucket": b, "root": ""}
        self.assertEqual(value(first, "s3_cleanup_success", **labels), 1)
        self.assertEqual(value(first, "s3_cleanup_dry_run", **labels), 0)
        self.assertEqual(value(first, "s3_cleanup_deployments_kept", **labels), 2)
        self.assertEqual(value(first, "s3_cleanup_deployments_live", **labels), 0)
        self.assertEqual(value(first, "s3_cleanup_deployments_deleted", **labels), 2)
        self.assertEqual(value(first, "s3_cleanup_objects_deleted", **labels), 6)
        self.assertEqual(value(first, "s3_cleanup_bytes_deleted", **labels), 60)
        self.assertEqual(value(first, "s3_cleanup_objects_failed", **labels), 0)
        self.assertEqual(value(first, "s3_cleanup_requests", kind="delete", **labels), 1)
        self.assertGreaterEqual(value(first, "s3_cleanup_requests", kind="list", **labels), 1)
        success = value(first, "s3_cleanup_last_success_timestamp_seconds", **labels)
        self.assertAlmostEqual(success, time.time(), delta=600)
        self.assertEqual(success, value(first, "s3_cleanup_last_run_timestamp_seconds", **labels))
        self.assertGreater(value(first, "s3_cleanup_duration_seconds", **labels), 0)
        self.assertEqual(os.listdir(path.parent), ["s3-cleanup.prom"], "no temporary file left")

        # The same bucket through an endpoint that answers nothing: a failed run.
        r = self.run_cli(f"s3://{b}", "--keep", "2", "--yes", "--metrics-file", path,
                         "--endpoint-url", f"http://127.0.0.1:{harness.free_port()}",
                         "--max-attempts", "1")
        self.assertEqual(r.returncode, 1, r.stderr)
        second = parse_text(path.read_text())
        self.assertEqual(value(second, "s3_cleanup_success", **labels), 0)
        self.assertEqual(value(second, "s3_cleanup_last_success_timestamp_seconds", **labels),
                         success, "the last success is carried over")
        self.assertGreater(value(second, "s3_cleanup_last_run_timestamp_seconds", **labels),
                           success - 1)
        self.assertEqual(os.listdir(path.parent), ["s3-cleanup.prom"])

    def test_a_file_that_cannot_be_written_is_a_warning(self):
        b, _ = self.seeded()
        r = self.run_cli(f"s3://{b}", "--keep", "2", "--dry-run", "--output", "json",
                         "--metrics-file", self.home / "missing" / "m.prom", *self.endpoint_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("s3-cleanup: warning: cannot write the metrics file", r.stderr)
        self.assertTrue(any("cannot write the metrics file" in w
                            for w in json.loads(r.stdout)["warnings"]))

    def test_a_bad_pushgateway_url_is_usage(self):
        r = self.run_cli("s3://bucket-x", "--keep", "2", "--metrics-pushgateway", "pushgw:9091")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--metrics-pushgateway must be an http:// or https:// URL", r.stderr)


@unittest.skipUnless(os.path.exists(PUSHGATEWAY),
                     f"{PUSHGATEWAY} is missing (apt-get install prometheus-pushgateway; "
                     "scripts/deps installs it)")
class PushgatewayTest(MetricsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gateway = Pushgateway()

    @classmethod
    def tearDownClass(cls):
        cls.gateway.stop()
        super().tearDownClass()

    def test_pushed_grouped_by_bucket_and_root_then_a_failure(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", days_ago(5 - i), n=2, root=f"apps/{app}/")
                for app in ("blog", "shop") for i in range(3)]
        self.seed(b, objects_of(*deps))
        r = self.run_cli(f"s3://{b}/apps/*/", "--keep", "1", "--yes",
                         "--metrics-pushgateway", self.gateway.url, *self.endpoint_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("warning", r.stderr)
        pushed = self.gateway.samples()
        for app in ("blog", "shop"):
            labels = {"job": "s3-cleanup", "instance": "", "bucket": b, "root": f"apps/{app}/"}
            self.assertEqual(value(pushed, "s3_cleanup_success", **labels), 1, pushed)
            self.assertEqual(value(pushed, "s3_cleanup_deployments_deleted", **labels), 2)
            self.assertEqual(value(pushed, "s3_cleanup_objects_deleted", **labels), 4)
            self.assertEqual(value(pushed, "s3_cleanup_deployments_kept", **labels), 1)
        shop = {"job": "s3-cleanup", "instance": "", "bucket": b, "root": "apps/shop/"}
        success = value(pushed, "s3_cleanup_last_success_timestamp_seconds", **shop)
        self.assertIsNotNone(success)

        # A failing run of one root (the proxy refuses its deletes): success 0, its
        # failure count, and the earlier last success stays (POST).
        self.seed(b, objects_of(Dep("d9", days_ago(0.5), n=2, root="apps/shop/")))
        proxy = harness.FaultProxy(self.server.port, "--deny-prefix", "apps/shop/",
                                   "--access-key", self.server.access_key_id,
                                   "--secret-key", self.server.secret_access_key)
        self.addCleanup(proxy.stop)
        r = self.run_cli(f"s3://{b}/apps/shop/", "--keep", "1", "--yes", "--max-attempts", "1",
                         "--metrics-pushgateway", self.gateway.url,
                         "--endpoint-url", proxy.endpoint_url)
        self.assertEqual(r.returncode, 1, r.stderr)
        pushed = self.gateway.samples()
        self.assertEqual(value(pushed, "s3_cleanup_success", **shop), 0)
        self.assertEqual(value(pushed, "s3_cleanup_objects_failed", **shop), 2)
        self.assertEqual(value(pushed, "s3_cleanup_last_success_timestamp_seconds", **shop),
                         success, "a failed run keeps the last success")

    def test_a_gateway_that_is_down_is_a_warning(self):
        b, deps = self.seeded()
        down = f"http://127.0.0.1:{harness.free_port()}"
        r = self.run_cli(f"s3://{b}", "--keep", "2", "--yes", "--metrics-pushgateway", down,
                         *self.endpoint_args())
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"s3-cleanup: warning: pushing metrics to {down} failed", r.stderr)
        self.assertEqual(sorted({k.split('/')[0] for k in self.list_keys(b)}), ["d2", "d3"])
