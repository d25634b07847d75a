"""One policy for the whole estate (issue 14): wildcard roots keep N per app, and a policy
file (--config) names many targets, planned together, confirmed once, each failing alone.
The bucket is checked with boto3 after every run.
"""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import textwrap
import time
import unittest

import harness
from harness import Dep, days_ago, objects_of


def apps_bucket(tc, apps=("blog", "shop", "shop-eu", "wiki"), per_app=5, root="apps/"):
    """per_app deployments d1..dN under ROOT/APP/ for each app (d5 newest), and root
    files at ROOT and at the bucket's top. Returns the bucket."""
    b = tc.new_bucket()
    deps = [Dep(f"d{i}", days_ago(10 - i), n=2, root=f"{root}{app}/")
            for app in apps for i in range(1, per_app + 1)]
    tc.seed(b, objects_of(*deps, extra={f"{root}README.md": (b"r", days_ago(30)),
                                        "index.html": (b"i", days_ago(30))}))
    return b


def folders(keys: list[str], root: str) -> dict[str, list[str]]:
    """For keys under ROOT/APP/NAME/..., {APP: sorted NAMEs}."""
    out: dict[str, set] = {}
    for k in keys:
        if not k.startswith(root):
            continue
        parts = k[len(root):].split("/")
        if len(parts) >= 3:
            out.setdefault(parts[0], set()).add(parts[1])
    return {app: sorted(names) for app, names in out.items()}


class WildcardRootTest(harness.S3TestCase):

    def run_json(self, *args, expect_rc=0):
        r = self.run_cli(*args, "--output", "json", *self.endpoint_args())
        self.assertEqual(r.returncode, expect_rc, self.explain(r))
        return json.loads(r.stdout), r

    # 1
    def test_keep_two_per_app_and_root_files_stay(self):
        b = apps_bucket(self)
        r = self.run_cli(f"s3://{b}/apps/*/", "--keep", "2", "--dry-run", *self.endpoint_args())
        self.assertEqual(r.returncode, 0, self.explain(r))
        print("\n  text output of s3://B/apps/*/ --keep 2 --dry-run:\n"
              + textwrap.indent(r.stdout, "    "), file=sys.stderr)
        for app in ("blog", "shop", "shop-eu", "wiki"):
            self.assertIn(f"== s3://{b}/apps/{app}/ (from s3://{b}/apps/*/) ==", r.stdout)
        self.assertIn("Run: 4 targets; keep 8, delete 12 deployments (24 objects", r.stdout)

        doc, _ = self.run_json(f"s3://{b}/apps/*/", "--keep", "2", "--yes")
        # In key order, as S3 lists them: '-' sorts before '/'.
        self.assertEqual([t["url"] for t in doc["targets"]],
                         [f"s3://{b}/apps/{a}/" for a in ("blog", "shop-eu", "shop", "wiki")])
        for t in doc["targets"]:
            self.assertEqual(t["target"], f"s3://{b}/apps/*/")
            self.assertEqual(t["summary"]["delete"], 3)
            self.assertEqual(t["result"]["objects_deleted"], 6)
        self.assertEqual(doc["summary"]["targets"], 4)
        self.assertEqual(doc["summary"]["delete"], 12)
        keys = self.list_keys(b)
        self.assertEqual(folders(keys, "apps/"), {a: ["d4", "d5"] for a in
                                                  ("blog", "shop", "shop-eu", "wiki")})
        self.assertIn("apps/README.md", keys)
        self.assertIn("index.html", keys)

    # 2
    def test_two_glob_levels(self):
        b = self.new_bucket()
        deps = [Dep(f"b{i}", days_ago(10 - i), n=1, root=f"serverless/{svc}/{stage}/")
                for svc in ("api", "worker") for stage in ("dev", "prod") for i in range(1, 5)]
        self.seed(b, objects_of(*deps, extra={"serverless/api/notes.txt": (b"n", days_ago(40))}))
        doc, _ = self.run_json(f"s3://{b}/serverless/*/*/", "--keep", "1", "--yes")
        self.assertEqual(len(doc["targets"]), 4)
        keys = self.list_keys(b)
        for svc in ("api", "worker"):
            for stage in ("dev", "prod"):
                self.assertEqual(folders(keys, f"serverless/{svc}/"), {"dev": ["b4"],
                                                                       "prod": ["b4"]})
        self.assertIn("serverless/api/notes.txt", keys)

    def test_a_glob_segment_with_a_prefix_skips_other_apps(self):
        b = apps_bucket(self)
        doc, _ = self.run_json(f"s3://{b}/apps/shop-*/", "--keep", "1", "--yes")
        # One root matched, yet a wildcard's document: its shape never depends on the count.
        self.assertEqual([t["root"] for t in doc["targets"]], ["apps/shop-eu/"])
        self.assertEqual(folders(self.list_keys(b), "apps/"),
                         {"blog": ["d1", "d2", "d3", "d4", "d5"],
                          "shop": ["d1", "d2", "d3", "d4", "d5"], "shop-eu": ["d5"],
                          "wiki": ["d1", "d2", "d3", "d4", "d5"]})

    # 3
    def test_a_sibling_with_a_longer_name_is_never_reached(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", days_ago(10 - i), n=1, root=f"{root}app/")
                for root in ("apps/", "apps2/") for i in range(1, 4)]
        self.seed(b, objects_of(*deps))
        self.run_json(f"s3://{b}/apps/*/", "--keep", "1", "--yes")
        keys = self.list_keys(b)
        self.assertEqual(folders(keys, "apps/"), {"app": ["d3"]})
        self.assertEqual(folders(keys, "apps2/"), {"app": ["d1", "d2", "d3"]})

    def test_app_names_with_spaces_and_unicode(self):
        b = apps_bucket(self, apps=("my shop", "café ☕", "plain"), per_app=3)
        doc, _ = self.run_json(f"s3://{b}/apps/*/", "--keep", "1", "--yes")
        self.assertEqual(sorted(t["root"] for t in doc["targets"]),
                         ["apps/café ☕/", "apps/my shop/", "apps/plain/"])
        self.assertEqual(folders(self.list_keys(b), "apps/"),
                         {"my shop": ["d3"], "café ☕": ["d3"], "plain": ["d3"]})

    def test_a_literal_star_is_escaped(self):
        b = self.new_bucket()
        deps = [Dep(f"d{i}", days_ago(10 - i), n=1, root=f"apps/{app}/")
                for app in ("*", "x") for i in range(1, 3)]
        self.seed(b, objects_of(*deps))
        doc, _ = self.run_json(f"s3://{b}/apps/\\*/", "--keep", "1", "--yes")
        self.assertEqual(doc["root"], "apps/*/")
        self.assertEqual(folders(self.list_keys(b), "apps/"), {"*": ["d2"], "x": ["d1", "d2"]})

    def test_a_glob_matching_nothing_is_a_warning(self):
        b = apps_bucket(self)
        with self.unchanged(b):
            doc, r = self.run_json(f"s3://{b}/apps/nothing-*/", "--keep", "1", "--yes")
        self.assertEqual(doc["targets"], [])
        self.assertEqual(len(doc["warnings"]), 1)
        self.assertIn("matches no folder", doc["warnings"][0])
        self.assertIn("warning:", r.stderr)

    def test_an_invalid_glob_segment_is_a_usage_error(self):
        b = apps_bucket(self)
        mark = self.server.request_mark()
        r = self.run_cli(f"s3://{b}/apps/[a/", "--keep", "1", "--dry-run", *self.endpoint_args())
        self.assertEqual(r.returncode, 2, self.explain(r))
        self.assertOneErrorLine(r, "[a", "not a valid glob")
        self.assertEqual(self.server.requests_since(mark), [])


class PolicyFileTest(harness.S3TestCase):

    def policy(self, text: str) -> str:
        path = self.home / f"policy-{time.monotonic_ns()}.yaml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return str(path)

    def env(self):
        # With --config the endpoint comes from the environment, as for the AWS SDKs.
        return {"AWS_ENDPOINT_URL": self.server.endpoint_url}

    def run_config(self, path, *args, expect_rc=0):
        r = self.run_cli("--config", path, *args, env_extra=self.env())
        self.assertEqual(r.returncode, expect_rc, self.explain(r))
        return r

    def three_targets(self):
        site = self.new_bucket()
        self.seed(site, objects_of(*[Dep(f"d{i}", days_ago(10 - i), n=2) for i in range(1, 7)],
                                   extra={"index.html": (b"<a href='/d2/x.js'>", days_ago(1))}))
        web = apps_bucket(self, apps=("blog", "shop"), per_app=4)
        missing = self.new_bucket(create=False)
        path = self.policy(f"""\
            version: 1
            defaults:
              keep: 2
            targets:
              - url: s3://{site}/
                keep: 3
                protect_referenced_by: [index.html]
              - url: s3://{missing}/
              - url: s3://{web}/apps/*/
                sort_by: name
            """)
        return site, web, missing, path

    # 4
    def test_three_targets_one_bucket_missing(self):
        site, web, missing, path = self.three_targets()
        r = self.run_config(path, "--yes", "--output", "json", expect_rc=1)
        doc = json.loads(r.stdout)
        by_url = {t["url"]: t for t in doc["targets"]}
        self.assertEqual(by_url[f"s3://{missing}/"]["error"]["code"], "NoSuchBucket")
        self.assertIn("NoSuchBucket", r.stderr)
        self.assertEqual(doc["summary"]["failed"], 1)
        self.assertEqual(doc["error"], {"code": "TargetsFailed", "message": "1 of 4 targets failed",
                                        "exit": 1})
        site_keys = self.list_keys(site)
        self.assertEqual(sorted({k.split("/")[0] for k in site_keys if "/" in k}),
                         ["d2", "d4", "d5", "d6"])  # d2 live through index.html
        self.assertEqual(folders(self.list_keys(web), "apps/"),
                         {"blog": ["d3", "d4"], "shop": ["d3", "d4"]})
        self.assertTrue(all(t["target"].endswith(")") for t in doc["targets"]), doc["targets"])

    # 6
    def test_a_dry_run_prints_every_plan_and_deletes_nothing(self):
        site, web, missing, path = self.three_targets()
        with self.unchanged(site), self.unchanged(web):
            r = self.run_config(path, "--dry-run", expect_rc=1)
        self.assertIn(f"Plan for s3://{site}/:", r.stdout)
        self.assertIn(f"Plan for s3://{web}/apps/blog/:", r.stdout)
        self.assertIn(f"Plan for s3://{web}/apps/shop/:", r.stdout)
        self.assertIn("Run: 4 targets, 1 failed", r.stdout)

    def test_one_prompt_for_the_whole_run(self):
        site = self.new_bucket()
        self.seed(site, objects_of(*[Dep(f"d{i}", days_ago(10 - i), n=1) for i in range(1, 5)]))
        web = apps_bucket(self, apps=("blog", "shop"), per_app=3)
        path = self.policy(f"""\
            version: 1
            targets:
              - {{url: "s3://{site}/", keep: 1}}
              - {{url: "s3://{web}/apps/*/", keep: 2}}
            """)
        rc, err, _ = self.run_at_terminal(["--config", path], "y", env_extra=self.env())
        self.assertEqual(rc, 0, err)
        self.assertIn(b"Delete 5 deployments (7 objects", err)
        self.assertIn(b"from 3 targets? [y/N]", err)
        self.assertEqual(err.count(b"[y/N]"), 1)
        self.assertEqual(sorted({k.split("/")[0] for k in self.list_keys(site)}), ["d4"])
        self.assertEqual(folders(self.list_keys(web), "apps/"),
                         {"blog": ["d2", "d3"], "shop": ["d2", "d3"]})

    def test_yes_deletes_without_asking_and_the_audit_log_names_the_target(self):
        web = apps_bucket(self, apps=("blog", "shop"), per_app=2)
        path = self.policy(f"""\
            version: 1
            targets:
              - url: s3://{web}/apps/*/
                keep: 1
            """)
        log = self.home / "audit.jsonl"
        self.run_config(path, "--yes", "--log-file", str(log))
        lines = [json.loads(l) for l in log.read_text().splitlines()]
        self.assertEqual(len(lines), 4)
        self.assertEqual(sorted({l["target"] for l in lines}),
                         [f"s3://{web}/apps/blog/", f"s3://{web}/apps/shop/"])

    def test_debug_names_the_target_on_each_line(self):
        site = self.new_bucket()
        self.seed(site, objects_of(*[Dep(f"d{i}", days_ago(10 - i), n=1) for i in range(1, 3)]))
        web = apps_bucket(self, apps=("blog",), per_app=2)
        path = self.policy(f"""\
            version: 1
            defaults: {{keep: 1}}
            targets:
              - url: s3://{site}/
              - url: s3://{web}/apps/*/
            """)
        r = self.run_config(path, "--dry-run", "--debug")
        debug = [l for l in r.stderr.splitlines() if l.startswith("s3-cleanup: debug: ")]
        self.assertGreater(len(debug), 4, r.stderr)
        for line in debug:
            self.assertRegex(line, rf"^s3-cleanup: debug: (\[)?s3://({site}|{web})/", line)

    # 4, the other kinds of failure: AccessDenied, a live source that cannot be read
    def test_denied_and_unreadable_targets_fail_alone(self):
        site = self.new_bucket()
        self.seed(site, objects_of(*[Dep(f"d{i}", days_ago(10 - i), n=1) for i in range(1, 5)]))
        denied = self.new_bucket()
        pointer = self.new_bucket()
        for b in (denied, pointer):
            self.seed(b, objects_of(*[Dep(f"d{i}", days_ago(10 - i), n=1) for i in range(1, 5)]))
        # A user who may touch every bucket but `denied`, named by the target's profile.
        key = self.server.create_user_with_policy([
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "s3:*",
             "Resource": [f"arn:aws:s3:::{denied}", f"arn:aws:s3:::{denied}/*"]}],
            name="nodenied")
        creds = self.home / f"credentials-{key['UserName']}"
        creds.write_text(f"[limited]\naws_access_key_id = {key['AccessKeyId']}\n"
                         f"aws_secret_access_key = {key['SecretAccessKey']}\n")
        path = self.policy(f"""\
            version: 1
            defaults: {{keep: 1, profile: limited}}
            targets:
              - url: s3://{site}/
              - url: s3://{denied}/
              - url: s3://{pointer}/
                protect_referenced_by: [current.txt]
            """)
        before = {b: self.list_objects(b) for b in (denied, pointer)}
        r = self.run_cli("--config", path, "--yes", "--output", "json",
                         env_extra={**self.env(), "AWS_SHARED_CREDENTIALS_FILE": str(creds),
                                    "AWS_ACCESS_KEY_ID": None, "AWS_SECRET_ACCESS_KEY": None})
        for b in (denied, pointer):
            self.assertEqual(self.list_objects(b), before[b], f"{b} must be untouched")
        self.assertEqual(r.returncode, 1, self.explain(r))
        doc = json.loads(r.stdout)
        by_url = {t["url"]: t for t in doc["targets"]}
        self.assertEqual(by_url[f"s3://{denied}/"]["error"]["code"], "AccessDenied")
        self.assertEqual(by_url[f"s3://{pointer}/"]["error"]["code"], "NoSuchKey")
        self.assertIn("current.txt", by_url[f"s3://{pointer}/"]["error"]["message"])
        self.assertEqual(doc["summary"]["failed"], 2)
        self.assertEqual(sorted({k.split("/")[0] for k in self.list_keys(site)}), ["d4"])

    # SIGINT stops the whole run, whichever target it is deleting
    def test_sigint_stops_every_target(self):
        buckets = [self.new_bucket() for _ in range(2)]
        for b in buckets:
            self.seed(b, objects_of(*[Dep(f"old{i}", days_ago(10 - i), n=400, size=1)
                                      for i in range(4)], Dep("live", days_ago(1), n=2)))
        before = {b: self.list_objects(b) for b in buckets}
        path = self.policy(f"""\
            version: 1
            defaults: {{keep: 1}}
            targets:
              - url: s3://{buckets[0]}/
              - url: s3://{buckets[1]}/
            """)
        proxy = harness.FaultProxy(self.server.port, "--delay-delete-ms", "700")
        try:
            proc = subprocess.Popen(
                [str(self.bin), "--config", path, "--yes", "--output", "json",
                 "--concurrency", "1"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=self.cli_env({"AWS_ENDPOINT_URL": proxy.endpoint_url}), text=True,
                cwd=str(self.home))
            self.addCleanup(lambda: proc.poll() is None and proc.kill())
            self.wait_for("the first DeleteObjects", lambda: proxy.stats().get(
                "delete_requests", 0) > 0 if self.stats_ready(proxy) else False, proc)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            proxy.stop()
        self.assertEqual(proc.returncode, 130, err)
        self.assertIn("SIGINT", err)
        doc = json.loads(out)
        results = [t["result"] for t in doc["targets"] if "result" in t]
        deleted = sum(res["objects_deleted"] for res in results)
        gone = 0
        for b in buckets:
            after = self.list_objects(b)
            lost = set(before[b]) - set(after)
            self.assertTrue(all(k.startswith("old") for k in lost), "only doomed keys may go")
            self.assertTrue(all(after[k] == v for k, v in before[b].items()
                                if k.startswith("live/")))
            gone += len(lost)
        self.assertEqual(gone, deleted)
        self.assertLess(deleted, 2 * 3 * 400, "the run went on after SIGINT")

    @staticmethod
    def stats_ready(proxy):
        try:
            proxy.stats()
            return True
        except (OSError, ValueError):
            return False

    # 5
    def assertRefused(self, text_or_args, *must_contain):
        b = apps_bucket(self, apps=("blog",), per_app=2)
        args = (["--config", self.policy(text_or_args.replace("BUCKET", b))]
                if isinstance(text_or_args, str) else
                [a.replace("BUCKET", b) for a in text_or_args])
        with self.unchanged(b):
            mark = self.server.request_mark()
            r = self.run_cli(*args, "--yes", env_extra=self.env())
            requests = self.server.requests_since(mark)
        self.assertEqual(r.returncode, 2, self.explain(r))
        self.assertOneErrorLine(r, *(s.replace("BUCKET", b) for s in must_contain))
        self.assertEqual(requests, [], "a request was sent")
        print(f"\n  {r.stderr.strip()}", file=sys.stderr)

    def test_an_unknown_key(self):
        self.assertRefused("""\
            version: 1
            targets:
              - url: s3://BUCKET/
                kep: 3
            """, ".yaml:4: unknown key 'kep'; did you mean 'keep'?")

    def test_a_wrong_type(self):
        self.assertRefused("""\
            version: 1
            targets:
              - url: s3://BUCKET/
                keep: "3"
            """, ".yaml:4: keep must be a number, got the string \"3\"")

    def test_a_yaml_syntax_error(self):
        self.assertRefused("""\
            version: 1
            targets:
              - url: s3://BUCKET/
                keep: [3
            """, ".yaml:", "YAML syntax error")

    def test_a_missing_keep(self):
        self.assertRefused("""\
            version: 1
            targets:
              - url: s3://BUCKET/
                sort_by: name
            """, ".yaml:3: target 1 has no keep")

    def test_a_bad_value_names_its_line(self):
        self.assertRefused("""\
            version: 1
            defaults:
              keep: 2
            targets:
              - url: s3://BUCKET/
                older_than: 5x
            """, ".yaml:6: --older-than '5x'")

    def test_overlapping_targets(self):
        self.assertRefused("""\
            version: 1
            defaults: {keep: 2}
            targets:
              - url: s3://BUCKET/
              - url: s3://BUCKET/apps/*/
            """, "overlap", "s3://BUCKET/ (", "s3://BUCKET/apps/*/ (")

    def test_a_url_beside_config(self):
        self.assertRefused(["--config", "policy.yaml", "s3://BUCKET/"], "--config", "s3://BUCKET/")

    def test_a_policy_flag_beside_config(self):
        self.assertRefused(["--config", "policy.yaml", "--keep", "3"], "--config", "--keep")

    def test_overlap_found_after_expansion_deletes_nothing(self):
        b = apps_bucket(self, apps=("blog", "shop"), per_app=2)
        path = self.policy(f"""\
            version: 1
            defaults: {{keep: 1}}
            targets:
              - url: s3://{b}/apps/*/
              - url: s3://{b}/apps/sho*/
            """)
        with self.unchanged(b):
            r = self.run_cli("--config", path, "--yes", env_extra=self.env())
        self.assertEqual(r.returncode, 2, self.explain(r))
        # Both targets are named, each with its line in the file.
        self.assertOneErrorLine(r, "overlap", f"s3://{b}/apps/shop/", f"s3://{b}/apps/*/ (",
                                f"s3://{b}/apps/sho*/ (")


if __name__ == "__main__":
    unittest.main()
