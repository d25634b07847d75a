"""Surviving faults: the real binary through tests/s3server/fault_proxy.py in front of moto.

Every fault the proxy injects is counted in its --stats file; the bucket is always checked
afterwards with boto3 straight against moto (never through the proxy, never with
s3-cleanup's own client).

    1. 30% of requests faulted (every kind), three seeds: the bucket ends exactly right, exit 0
    2. a key that fails on every attempt: exit 1, reported, sent exactly --max-attempts times
    3. AccessDenied on one prefix: exit 1, each denied key sent once, the rest done
    4. a stall longer than --timeout is cut and retried; with --max-attempts 1, exit 1 in time
    5. SIGINT / SIGTERM during retries: 130 / 143 within a second, an honest report
    6. HTML error pages alone, truncated bodies alone: retried to success
    7. a closed port with --max-attempts 2: exit 1, one line naming the request
    plus: 4xx auth errors are never retried; Retry-After is honoured as a floor.
"""
from __future__ import annotations

import json
import signal
import sys
import time
import unittest

import harness
from harness import Dep, FaultProxy, days_ago, objects_of

ALL_FAULTS = ("slowdown", "internal", "reset", "truncate", "stall", "html", "keyerror")
ROOT_OBJECTS = {"index.html": b"root", "robots.txt": b"r", "d01": b"a root key, not a deployment"}


def deployments(n: int, objects: int, now=None) -> list[Dep]:
    """n deployments d00 (oldest) .. d{n-1} (newest), a minute apart."""
    now = now or harness.utcnow()
    return [Dep(f"d{i:02d}", days_ago(0, now) - harness.dt.timedelta(minutes=10 * (n - i)),
                n=objects, size=7) for i in range(n)]


class FaultTestCase(harness.S3TestCase):

    def proxy(self, *args: str) -> FaultProxy:
        p = FaultProxy(self.server.port, *args)
        self.addCleanup(p.stop)
        return p

    def signing_args(self) -> list[str]:
        """--fail-key and --deny-prefix make the proxy re-sign: it needs moto's keys."""
        return ["--access-key", self.server.access_key_id,
                "--secret-key", self.server.secret_access_key]

    def run_json(self, bucket: str, endpoint: str, *args, expect_rc: int | None = 0,
                 env_extra=None, timeout: float = harness.CLI_TIMEOUT):
        """Deletes with --yes --output json through `endpoint`; returns (doc|None, r, seconds)."""
        full = [f"s3://{bucket}", *map(str, args), "--yes", "--output", "json",
                "--endpoint-url", endpoint]
        t0 = time.monotonic()
        r = self.run_cli(*full, env_extra=env_extra, timeout=timeout)
        elapsed = time.monotonic() - t0
        if expect_rc is not None:
            self.assertEqual(r.returncode, expect_rc, self.explain(r, full))
        self.assertNoCrash(r, full)
        try:
            doc = json.loads(r.stdout) if r.stdout.strip() else None
        except json.JSONDecodeError as e:
            self.fail(f"stdout is not one JSON document ({e}){self.explain(r, full)}")
        return doc, r, elapsed

    def assertNoCrash(self, r, args=None):
        self.assertGreaterEqual(r.returncode, 0, "killed by a signal" + self.explain(r, args))
        self.assertLess(r.returncode, 128, "crashed" + self.explain(r, args))
        for marker in ("AddressSanitizer", "UndefinedBehaviorSanitizer", "runtime error:",
                       "LeakSanitizer", "terminate called"):
            self.assertNotIn(marker, r.stderr, self.explain(r, args))

    def error_lines(self, r) -> list[str]:
        return [l for l in r.stderr.splitlines() if l.startswith("s3-cleanup: error:")]

    def expected_after(self, before: dict, kept: list[Dep]) -> dict:
        keep = {d.prefix for d in kept}
        return {k: v for k, v in before.items()
                if k in ROOT_OBJECTS or any(k.startswith(p) for p in keep)}


# ----------------------------------------------------------------------------- 1
class MixedFaultsTest(FaultTestCase):
    SEEDS = (1, 2, 3)
    N_DEPLOYMENTS = 50
    OBJECTS_EACH = 60  # 47 doomed x 60 = 2,820 keys: 3 DeleteObjects batches + resends
    TIMEOUT = 2
    STALL = 4

    def test_30_percent_faults_every_kind_three_seeds_bucket_exactly_right(self):
        seen_kinds: set[str] = set()
        report = []
        for seed in self.SEEDS:
            with self.subTest(seed=seed):
                requests, faults, retries, seconds = self.one_seed(seed)
                seen_kinds |= {k for k, v in faults.items() if v}
                report.append((seed, requests, faults, retries, seconds))
        print("", file=sys.stderr)
        for seed, requests, faults, retries, seconds in report:
            mix = ", ".join(f"{k} {faults.get(k, 0)}" for k in ALL_FAULTS)
            print(f"  seed {seed}: {requests} requests, {sum(faults.values())} faulted ({mix}); "
                  f"{retries} retries; {seconds:.1f} s", file=sys.stderr)
        # Over three seeds every kind has happened (DeleteObjects requests draw from a
        # stream of their own, so whether these seeds give a keyerror does not depend on
        # how the listings interleave).
        self.assertGreaterEqual(seen_kinds, set(ALL_FAULTS), report)

    def one_seed(self, seed: int):
        b = self.new_bucket()
        deps = deployments(self.N_DEPLOYMENTS, self.OBJECTS_EACH)
        self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
        before = self.list_objects(b)
        proxy = self.proxy("--fault-rate", "0.3", "--seed", seed, "--faults", ",".join(ALL_FAULTS),
                           "--stall-seconds", self.STALL)
        doc, r, seconds = self.run_json(b, proxy.endpoint_url, "--keep", "3",
                                        "--timeout", self.TIMEOUT)
        stats = proxy.stats()
        faults = stats["faults"]
        res = doc["result"]
        self.assertEqual(self.list_objects(b), self.expected_after(before, deps[-3:]),
                         f"seed {seed}: the bucket is not exactly the 3 newest + root objects")
        doomed = self.N_DEPLOYMENTS - 3
        self.assertEqual(res["failed"], [], r.stderr)
        self.assertEqual(res["deployments_deleted"], doomed)
        self.assertEqual(res["objects_deleted"], doomed * self.OBJECTS_EACH)
        self.assertEqual(res["bytes_freed"], sum(d.bytes for d in deps[:-3]))
        self.assertNotIn("interrupted", res)
        self.assertEqual(self.error_lines(r), [], r.stderr)
        self.assertGreater(sum(faults.values()), 0.15 * stats["requests"], stats)
        # A reset before any byte of the answer may be retried by curl itself on a reused
        # connection (the binary never sees it), and a stall of a DeleteObjects answer is
        # waited out (see test_a_stalled_delete_objects_answer_is_cut_at_the_timeout); every
        # other fault costs the binary a retry.
        self.assertGreaterEqual(res["requests"]["retries"],
                                sum(v for k, v in faults.items() if k not in ("reset", "stall")),
                                (faults, res))
        self.assertLess(seconds, 90, "the run took too long")
        return stats["requests"], faults, res["requests"]["retries"], seconds


# ----------------------------------------------------------------------------- 2, 3
def twelve(now=None):
    return [Dep(f"d{i:02d}", days_ago(12 - i, now), n=4) for i in range(12)]


class PerKeyFailureTest(FaultTestCase):

    def test_a_key_failing_every_attempt_is_reported_and_sent_exactly_max_attempts_times(self):
        for how, args, env, attempts in (
                ("--max-attempts 3", ["--max-attempts", "3"], None, 3),
                ("AWS_MAX_ATTEMPTS=5", [], {"AWS_MAX_ATTEMPTS": "5"}, 5),
                ("flag wins over env", ["--max-attempts", "2"], {"AWS_MAX_ATTEMPTS": "6"}, 2)):
            with self.subTest(how):
                b = self.new_bucket()
                deps = twelve()
                self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
                before = self.list_objects(b)
                bad = deps[4].prefix + deps[4].files[2]
                proxy = self.proxy("--fail-key", bad, *self.signing_args())
                doc, r, _ = self.run_json(b, proxy.endpoint_url, "--keep", "3", *args,
                                          expect_rc=1, env_extra=env)
                res = doc["result"]
                self.assertEqual([(f["key"], f["code"]) for f in res["failed"]],
                                 [(bad, "InternalError")], res)
                self.assertTrue(res["failed"][0]["message"], res)
                errors = self.error_lines(r)
                self.assertEqual(len(errors), 1, r.stderr)
                self.assertIn(bad, errors[0])
                self.assertIn("InternalError", errors[0])
                self.assertEqual(res["objects_deleted"], 9 * 4 - 1)
                self.assertEqual(res["deployments_deleted"], 8)
                expected = self.expected_after(before, deps[9:])
                expected[bad] = before[bad]
                self.assertEqual(self.list_objects(b), expected)
                self.assertEqual(proxy.stats()["sent"], {bad: attempts},
                                 "the failing key must be sent exactly max-attempts times")
                # The batch once, then the key alone (attempts - 1) more times.
                self.assertEqual(res["requests"]["retries"], attempts - 1, res)

    def test_access_denied_on_a_prefix_is_never_retried_and_the_rest_is_done(self):
        b = self.new_bucket()
        deps = twelve()
        # One denied deployment with more keys than a batch, so it spans two batches.
        locked = Dep("d05", deps[5].newest, n=1100, size=1)
        deps[5] = locked
        self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
        before = self.list_objects(b)
        proxy = self.proxy("--deny-prefix", locked.prefix, *self.signing_args())
        doc, r, _ = self.run_json(b, proxy.endpoint_url, "--keep", "3", "--max-attempts", "8",
                                  expect_rc=1)
        res = doc["result"]
        self.assertEqual(sorted(f["key"] for f in res["failed"]), sorted(locked.objects()))
        self.assertEqual({f["code"] for f in res["failed"]}, {"AccessDenied"})
        sent = proxy.stats()["sent"]
        self.assertEqual(sorted(sent), sorted(locked.objects()))
        self.assertEqual(set(sent.values()), {1}, "a denied key must be sent exactly once")
        self.assertEqual(res["requests"]["retries"], 0, res)
        self.assertEqual(res["objects_deleted"], 8 * 4)
        self.assertEqual(res["deployments_deleted"], 8)
        errors = self.error_lines(r)
        self.assertEqual(len(errors), 1100, r.stderr[:2000])
        self.assertTrue(all("AccessDenied" in l for l in errors))
        self.assertEqual(self.list_objects(b), self.expected_after(before, [locked, *deps[9:]]))


# ----------------------------------------------------------------------------- 4, 6
class SingleKindTest(FaultTestCase):

    def run_single_kind(self, kind: str, rate: str, seed: int, *extra_proxy, cli=()):
        b = self.new_bucket()
        deps = deployments(20, 8)
        self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
        before = self.list_objects(b)
        proxy = self.proxy("--faults", kind, "--fault-rate", rate, "--seed", seed, *extra_proxy)
        doc, r, seconds = self.run_json(b, proxy.endpoint_url, "--keep", "3", *cli)
        res = doc["result"]
        faults = proxy.faults()
        self.assertEqual(self.list_objects(b), self.expected_after(before, deps[-3:]))
        self.assertEqual(res["failed"], [])
        self.assertEqual(res["deployments_deleted"], 17)
        self.assertGreaterEqual(faults.get(kind, 0), 1, "the proxy injected nothing")
        self.assertEqual(set(faults), {kind})
        self.assertGreaterEqual(res["requests"]["retries"], faults[kind], (faults, res))
        print(f"\n  {kind}: {faults[kind]} faults, {res['requests']['retries']} retries, "
              f"{seconds:.1f} s", file=sys.stderr)
        return res, faults, seconds

    # 4a
    def test_a_stall_longer_than_timeout_is_cut_and_retried(self):
        # Stalled listings. Without the cut, each stall would be waited out (a 200 after
        # 4 s) and cost no retry: retries >= stalls shows every one was abandoned.
        self.run_single_kind("stall", "0.2", 5, "--stall-seconds", "4", "--fault-only", "read",
                             cli=["--timeout", "1"])

    # 4c
    def test_a_stalled_delete_objects_answer_is_cut_at_the_timeout(self):
        # The same for the answer to a DeleteObjects: the request body went up at once,
        # then nothing comes back. --timeout 2 must cut it at about 2 s, as for a listing.
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve()))
        # A stall far longer than any loaded machine makes the run: finishing well before it
        # ends shows the cut, and the message says it was the 2 s --timeout that cut it (no
        # bound of a few seconds on wall time, which a loaded CI machine breaks).
        stall = 60
        proxy = self.proxy("--faults", "stall", "--fault-rate", "1", "--fault-only", "delete",
                           "--stall-seconds", str(stall))
        doc, r, seconds = self.run_json(b, proxy.endpoint_url, "--keep", "3", "--max-attempts",
                                        "1", "--timeout", "2", expect_rc=None)
        self.assertEqual(proxy.faults(), {"stall": 1})
        self.assertEqual(r.returncode, 1, r.stderr[-2000:])
        self.assertLess(seconds, stall / 2,
                        f"a {stall} s stall after the upload was cut only after {seconds:.1f} s "
                        f"with --timeout 2: {r.stderr.splitlines()[:1]}")
        self.assertIn("no data for 2 s, transfer stalled", r.stderr)
        self.assertEqual(len(doc["result"]["failed"]), 9 * 4, doc["result"])

    # 6
    def test_html_error_pages_alone_are_retried_to_success(self):
        self.run_single_kind("html", "0.3", 6)

    def test_truncated_bodies_alone_are_retried_to_success(self):
        self.run_single_kind("truncate", "0.3", 7)

    def test_per_key_internal_errors_alone_are_resent_to_success(self):
        self.run_single_kind("keyerror", "0.5", 2)  # the first DeleteObjects is faulted

    def test_slowdown_alone_is_retried_to_success(self):
        self.run_single_kind("slowdown", "0.1", 9)


# ----------------------------------------------------------------------------- 5
class SignalDuringRetriesTest(FaultTestCase):

    def stop_with(self, proc, sig):
        proc.send_signal(sig)
        t0 = time.monotonic()
        out, err = proc.communicate(timeout=60)
        return out, err, time.monotonic() - t0

    def check_report(self, out, err, rc, sig, before, deps_kept, seconds, doomed_keys):
        name = "SIGINT" if sig == signal.SIGINT else "SIGTERM"
        self.assertEqual(rc, 128 + sig, err)
        # The run sits in a backoff (or a Retry-After of 60 s) when the signal comes;
        # stopping is prompt when it does not wait that out. 15 s is generous for a
        # loaded machine and still well below what waiting would take.
        self.assertLess(seconds, 15.0, f"{name} took {seconds:.2f} s to stop the run")
        self.assertIn(name, err)
        self.assertNotIn("Sanitizer", err)
        res = json.loads(out)["result"]
        self.assertIs(res["interrupted"], True)
        after = self.list_objects(self.bucket_name)
        gone = set(before) - set(after)
        self.assertLessEqual(gone, set(doomed_keys), "only doomed keys may go")
        self.assertEqual(len(gone), res["objects_deleted"],
                         "every key counted as deleted is gone, and only those")
        failed = {f["key"] for f in res["failed"]}
        self.assertFalse(failed & gone, "a key reported failed is gone")
        self.assertEqual(res["objects_deleted"] + len(res["failed"]) + res["objects_not_attempted"],
                         len(doomed_keys), res)
        for d in deps_kept:
            for k in d.objects():
                self.assertEqual(after[k], before[k])
        for k in ROOT_OBJECTS:
            self.assertEqual(after[k], before[k])
        return res

    def test_signal_while_a_failing_key_is_being_resent(self):
        """--fail-key with 100 attempts: the binary sits in the key's backoff."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=sig.name):
                b = self.bucket_name = self.new_bucket()
                deps = twelve()
                self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
                before = self.list_objects(b)
                bad = deps[2].prefix + deps[2].files[1]
                proxy = self.proxy("--fail-key", bad, *self.signing_args())
                proc = self.start_deletion(b, proxy.endpoint_url, "--keep", "3", "--max-attempts", "100")
                self.wait_for("the key's 4th attempt",
                              lambda: proxy.stats()["sent"].get(bad, 0) >= 4, proc)
                time.sleep(0.2)
                out, err, seconds = self.stop_with(proc, sig)
                doomed = [k for d in deps[:9] for k in d.objects()]
                res = self.check_report(out, err, proc.returncode, sig, before, deps[9:], seconds,
                                        doomed)
                self.assertIn(bad, self.list_keys(b))
                self.assertEqual(res["objects_deleted"], 35, "everything but the key was done")
                print(f"\n  {sig.name} after {proxy.stats()['sent'][bad]} sends of the key: "
                      f"stopped in {seconds:.2f} s; failed {res['failed']}, "
                      f"not attempted {res['objects_not_attempted']}", file=sys.stderr)
                sent_then = proxy.stats()["sent"][bad]
                time.sleep(0.5)
                self.assertEqual(proxy.stats()["sent"][bad], sent_then, "sent after the stop")

    def test_signal_while_every_delete_is_throttled(self):
        """100% SlowDown with Retry-After: 60 on delete requests only: listing works,
        deleting waits a minute before each resend; the signal must cut that wait."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(signal=sig.name):
                b = self.bucket_name = self.new_bucket()
                deps = [Dep(f"old{i}", days_ago(20 - i), n=300, size=1) for i in range(6)]
                deps += [Dep("live1", days_ago(2), n=3), Dep("live2", days_ago(1), n=3)]
                self.seed(b, objects_of(*deps, extra=ROOT_OBJECTS))
                before = self.list_objects(b)
                proxy = self.proxy("--faults", "slowdown", "--fault-rate", "1",
                                   "--fault-only", "delete", "--retry-after", "60")
                mark = self.server.request_mark()
                proc = self.start_deletion(b, proxy.endpoint_url, "--keep", "2", "--max-attempts", "100",
                                  "--concurrency", "2")
                # Two batches, two workers: each is throttled once, then waits 60 s.
                self.wait_for("both DeleteObjects throttled",
                              lambda: proxy.stats()["faults"].get("slowdown", 0) >= 2, proc)
                time.sleep(0.1)
                out, err, seconds = self.stop_with(proc, sig)
                delete_requests = proxy.stats()["delete_requests"]
                doomed = [k for d in deps[:6] for k in d.objects()]
                res = self.check_report(out, err, proc.returncode, sig, before, deps[6:], seconds,
                                        doomed)
                self.assertEqual(res["objects_deleted"], 0)
                self.assertEqual(self.list_objects(b), before)
                self.assertFalse([l for l in self.server.requests_since(mark)
                                  if not l.startswith("GET ")], "no write reached the server")
                time.sleep(0.5)
                self.assertEqual(proxy.stats()["delete_requests"], delete_requests,
                                 "a request was sent after the stop")


# ----------------------------------------------------------------------------- 7 and more
class NoServerAndNoRetryTest(FaultTestCase):

    def test_a_closed_port_fails_after_max_attempts_with_one_line_naming_the_request(self):
        b = self.new_bucket()
        port = harness.free_port()  # bound and closed: nothing listens there
        endpoint = f"http://127.0.0.1:{port}"
        doc, r, seconds = self.run_json(b, endpoint, "--keep", "3", "--max-attempts", "2",
                                        expect_rc=1)
        # --output json: one document, with the error, even when nothing was reached.
        self.assertEqual((doc["error"]["code"], doc["error"]["exit"]), ("NetworkError", 1), doc)
        self.assertOneErrorLine(r, f"GET s3://{b}/")
        self.assertRegex(r.stderr, r"(?i)connect")
        self.assertLess(seconds, 60, "two attempts at a closed port: no long waits")
        # --debug shows the two attempts, and no third.
        full = [f"s3://{b}", "--keep", "3", "--max-attempts", "2", "--debug", "--dry-run",
                "--endpoint-url", endpoint]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 1, self.explain(r, full))
        attempts = [l for l in r.stderr.splitlines() if "failed (" in l and "s3-cleanup: debug:" in l]
        self.assertEqual([l.rsplit(" ", 1)[-1] for l in attempts], ["1", "2"], r.stderr)
        self.assertEqual(len(self.error_lines(r)), 1, r.stderr)

    def test_a_403_signature_error_is_sent_once_whatever_max_attempts(self):
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve()))
        mark = self.server.request_mark()
        doc, r, _ = self.run_json(b, self.server.endpoint_url, "--keep", "3", "--max-attempts",
                                  "10", expect_rc=1,
                                  env_extra={"AWS_SECRET_ACCESS_KEY": "wrong-secret"})
        self.assertOneErrorLine(r, "SignatureDoesNotMatch")
        sent = self.server.requests_since(mark)
        self.assertEqual(len(sent), 1, sent)
        self.assertTrue(sent[0].endswith(" 403"), sent)

    def test_retry_after_is_a_floor_for_the_backoff(self):
        b = self.new_bucket()
        self.seed(b, objects_of(*twelve()))
        proxy = self.proxy("--faults", "slowdown", "--fault-rate", "1", "--retry-after", "2")
        doc, r, seconds = self.run_json(b, proxy.endpoint_url, "--keep", "3", "--max-attempts",
                                        "2", expect_rc=1)
        self.assertOneErrorLine(r, "SlowDown")
        self.assertEqual(proxy.faults(), {"slowdown": 2})
        # Two attempts; the jittered backoff before the 2nd is at most 200 ms, so the
        # Retry-After of 2 s is what the run waited.
        self.assertGreaterEqual(seconds, 2.0)
        # Not a Retry-After per attempt multiplied or added to a long backoff; generous
        # for a loaded machine.
        self.assertLess(seconds, 30.0)


if __name__ == "__main__":
    unittest.main()
