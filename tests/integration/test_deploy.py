"""The files that deploy s3-cleanup: IAM policy, Kubernetes CronJob and ConfigMap, Dockerfile,
CI workflow.

Nothing here runs a cluster, a container engine or GitHub: the files are parsed and checked
against each other and against what the tests exercise — every flag the CronJob passes is
one `s3-cleanup --help` lists, it mounts the ConfigMap where its --config points, the IAM
policy grants what the ConfigMap's policy needs, the Dockerfile installs the packages
scripts/deps names and runs the cmake commands scripts/test runs, its runtime packages are
the .deb's. The binary runs for --help, and once with the CronJob's arguments and the
ConfigMap's policy as a dry run against the test S3 server (PolicyDryRunTest).
PyYAML (installed with the aws CLI) for the YAML files.
"""
from __future__ import annotations

import contextlib
import fnmatch
import json
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import unittest
import uuid

import harness
from harness import Dep, days_ago, objects_of

REPO = harness.REPO
POLICY = REPO / "deploy" / "iam-policy.json"
K8S = REPO / "deploy" / "kubernetes"
DOCKERFILE = REPO / "Dockerfile"
PACKAGING = REPO / "cmake" / "packaging.cmake"
# The Debian 12 packages of the binary's DT_NEEDED libraries (DockerfileTest checks them
# against the built binary): what the image's run stage and the .deb's fallback Depends install.
RUNTIME_PACKAGES = {"libc6", "libcurl4", "libgcc-s1", "libpugixml1v5", "libssl3", "libstdc++6",
                    "libyaml-cpp0.7"}
# libasan.so.8, libubsan.so.1, libtsan.so.2: linked by the sanitizer presets only.
SANITIZER_RUNTIME = re.compile(r"lib(a|ub|t|l|hwa)san\.so(\.|$)")
# What CMake needs to configure and build (scripts/deps' list up to the lint tools).
BUILD_PACKAGES = {"g++", "cmake", "ninja-build", "pkg-config", "libcurl4-openssl-dev", "libssl-dev",
                  "libpugixml-dev", "libcli11-dev", "nlohmann-json3-dev", "libyaml-cpp-dev",
                  "libgtest-dev", "python3"}
# The flags of the run as a whole: the only ones s3-cleanup takes beside --config (the
# targets and their policies are the file's).
RUN_FLAGS = {"--config", "--dry-run", "--yes", "--output", "--concurrency", "--debug", "--quiet",
             "--no-progress", "--log-file"}


def load_yaml_docs(path):
    try:
        import yaml
    except ImportError:
        raise unittest.SkipTest("PyYAML is not installed (pip install pyyaml; the aws CLI brings it)")
    with open(path) as f:
        return [d for d in yaml.safe_load_all(f) if d is not None]


def help_text() -> str:
    b = harness.require_binary()
    r = subprocess.run([str(b), "--help"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r
    return r.stdout


def long_flags(text: str) -> set[str]:
    return set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))


def deps_packages() -> set[str]:
    """The DEBIAN_PACKAGES array of scripts/deps."""
    text = (REPO / "scripts" / "deps").read_text()
    body = re.search(r"DEBIAN_PACKAGES=\((.*?)\n\)", text, re.S).group(1)
    words = []
    for line in body.splitlines():
        words += line.split("#", 1)[0].split()
    return set(words)


def dockerfile_stages() -> list[dict]:
    """[{from, name, runs: [command], lines: [instruction]}] with continuation lines joined."""
    text = DOCKERFILE.read_text()
    logical, cur = [], ""
    for raw in text.splitlines():
        line = raw.strip()
        if not cur and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            cur += line[:-1] + " "
            continue
        logical.append(cur + line)
        cur = ""
    stages = []
    for ins in logical:
        op, _, rest = ins.partition(" ")
        op = op.upper()
        if op == "FROM":
            parts = rest.split()
            stages.append({"from": parts[0], "name": parts[2] if len(parts) > 2 else None,
                           "runs": [], "lines": []})
            continue
        stages[-1]["lines"].append((op, rest.strip()))
        if op == "RUN":
            stages[-1]["runs"] += [c.strip() for c in rest.split("&&")]
    return stages


def apt_installs(commands: list[str]) -> set[str]:
    pkgs = set()
    for c in commands:
        words = shlex.split(c)
        if "apt-get" in words and "install" in words:
            pkgs |= {w for w in words[words.index("install") + 1:] if not w.startswith("-")}
    return pkgs


class IamPolicyTest(unittest.TestCase):

    def test_minimal_policy(self):
        policy = json.loads(POLICY.read_text())
        self.assertEqual(policy["Version"], "2012-10-17")
        by_action = {}
        for st in policy["Statement"]:
            self.assertEqual(st["Effect"], "Allow", st)
            self.assertNotIn("NotAction", st)
            actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
            resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
            for a in actions:
                self.assertNotIn("*", a, "no wildcard actions")
                by_action.setdefault(a, set()).update(resources)
        self.assertEqual(set(by_action), {
            "s3:ListBucket", "s3:DeleteObject",  # listing and deleting
            "s3:ListBucketVersions", "s3:DeleteObjectVersion", "s3:GetBucketVersioning",  # --purge-versions
            "s3:GetObject",  # --protect-referenced-by: the pointer object only
            "cloudfront:GetDistributionConfig",  # --protect-cloudfront: the distribution only
        })
        # Exactly what the targets of the CronJob's policy need, on their buckets only.
        targets = policy_targets()
        buckets = {bucket_of(t["url"]) for t in targets}
        for a in ("s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning"):
            self.assertEqual(by_action[a], {f"arn:aws:s3:::{b}" for b in buckets}, a)  # the bucket
        # Object-level: each target's objects, from the literal part of its root on.
        deletable = {f"arn:aws:s3:::{bucket_of(t['url'])}/{literal_prefix(root_of(t['url']))}*"
                     for t in targets}
        for a in ("s3:DeleteObject", "s3:DeleteObjectVersion"):
            self.assertEqual(by_action[a], deletable, a)
        pointers = {f"arn:aws:s3:::{bucket_of(t['url'])}/{key}"
                    for t in targets for key in t.get("protect_referenced_by", [])}
        self.assertEqual(by_action["s3:GetObject"], pointers)
        distributions = by_action["cloudfront:GetDistributionConfig"]
        for arn in distributions:
            self.assertRegex(arn, r"^arn:aws:cloudfront::\d{12}:distribution/[A-Z0-9]+$")
        self.assertEqual({arn.rsplit("/", 1)[1] for arn in distributions},
                         {d for t in targets for d in t.get("protect_cloudfront", [])})


def cronjob_docs():
    docs = []
    for f in sorted(K8S.glob("*.yaml")):
        docs += load_yaml_docs(f)
    return docs


def the(docs, kind):
    found = [d for d in docs if d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def pod_spec(docs) -> dict:
    return the(docs, "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def config_path(container) -> str:
    """The value of the container's --config."""
    args = [str(a) for a in container["args"]]
    for i, a in enumerate(args):
        if a == "--config":
            return args[i + 1]
        if a.startswith("--config="):
            return a.split("=", 1)[1]
    raise AssertionError(f"no --config in {args}")


def mounted_config(docs) -> tuple[dict, str, str]:
    """(the mount, the ConfigMap's name, the key) that the file --config names comes from."""
    pod = pod_spec(docs)
    container = pod["containers"][0]
    path = config_path(container)
    directory, name = posixpath.split(path)
    mounts = [m for m in container.get("volumeMounts", [])
              if m["mountPath"].rstrip("/") == directory]
    assert len(mounts) == 1, f"no volume mounted at {directory}, the directory of --config {path}"
    volume = {v["name"]: v for v in pod.get("volumes", [])}[mounts[0]["name"]]
    assert "configMap" in volume, f"--config {path} is not on a ConfigMap volume: {volume}"
    key = name
    for item in volume["configMap"].get("items", []):  # an item maps a key to another file name
        if item["path"] == name:
            key = item["key"]
    return mounts[0], volume["configMap"]["name"], key


def policy_text(docs=None) -> str:
    """The policy file of the CronJob: the ConfigMap key its --config names."""
    docs = docs if docs is not None else cronjob_docs()
    _, configmap, key = mounted_config(docs)
    (cm,) = [d for d in docs if d.get("kind") == "ConfigMap" and d["metadata"]["name"] == configmap]
    return cm["data"][key]


def policy_targets(text: str | None = None) -> list[dict]:
    """The policy's targets with its defaults merged in (a target's own value wins)."""
    import yaml
    policy = yaml.safe_load(text if text is not None else policy_text())
    defaults = policy.get("defaults") or {}
    return [{**defaults, **t} for t in policy["targets"]]


def bucket_of(url: str) -> str:
    return url[len("s3://"):].split("/", 1)[0]


def root_of(url: str) -> str:
    """ROOT/ of s3://BUCKET/ROOT/ ("" for the whole bucket), as s3-cleanup reads it."""
    root = url[len("s3://"):].partition("/")[2]
    return root if not root or root.endswith("/") else root + "/"


GLOB_SEGMENT = re.compile(r"(?<!\\)[*?\[]")


def literal_prefix(root: str) -> str:
    """The folders of root before its first glob segment: "apps/" of "apps/*/"."""
    prefix = ""
    for segment in root.split("/")[:-1]:
        if GLOB_SEGMENT.search(segment):
            break
        prefix += segment + "/"
    return prefix


class KubernetesTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.docs = cronjob_docs()
        cls.cronjob = the(cls.docs, "CronJob")
        cls.sa = the(cls.docs, "ServiceAccount")
        cls.pod = cls.cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
        cls.container = cls.pod["containers"][0]

    def test_cronjob(self):
        cj = self.cronjob
        self.assertEqual(cj["apiVersion"], "batch/v1")
        self.assertEqual(cj["spec"]["concurrencyPolicy"], "Forbid")
        self.assertEqual(len(cj["spec"]["schedule"].split()), 5, "a five-field cron schedule")
        self.assertIn(self.pod["restartPolicy"], ("Never", "OnFailure"))
        self.assertEqual(self.pod["serviceAccountName"], self.sa["metadata"]["name"])
        sc = self.pod.get("securityContext", {})
        self.assertTrue(sc.get("runAsNonRoot"), "runs as non-root")

    def test_serviceaccount_has_an_irsa_role(self):
        self.assertEqual(self.sa["apiVersion"], "v1")
        arn = self.sa["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        self.assertRegex(arn, r"^arn:aws:iam::\d{12}:role/[\w+=,.@/-]+$")

    def test_command_uses_only_flags_the_binary_has(self):
        command = self.container.get("command", [])
        args = [str(a) for a in self.container["args"]]
        self.assertEqual(command[-1:] and command[-1].rsplit("/", 1)[-1], "s3-cleanup", command)
        self.assertEqual(command, [dockerfile_entrypoint()], "the image's entrypoint")
        flags = {a.split("=", 1)[0] for a in args if a.startswith("--")}
        known = long_flags(help_text())
        self.assertEqual(flags - known, set(), f"flags not in s3-cleanup --help: {flags - known}")
        # The targets come from the policy file: no URL, no policy flag beside --config
        # (s3-cleanup refuses them, exit 2).
        self.assertEqual(args[:2], ["--config", "/etc/s3-cleanup/policy.yaml"])
        self.assertEqual([a for a in args if a.startswith("s3://")], [])
        self.assertEqual(flags - RUN_FLAGS, set(), "policy flags beside --config")
        self.assertNotIn("-k", args)
        self.assertIn("--yes", args)
        self.assertEqual(args[args.index("--output") + 1], "json")
        log = args[args.index("--log-file") + 1]
        self.assertEqual(log, "/var/log/s3-cleanup/audit.jsonl")
        # The log's directory is a mounted volume that the pod declares.
        mounts = {m["mountPath"]: m["name"] for m in self.container["volumeMounts"]}
        self.assertIn("/var/log/s3-cleanup", mounts)
        volumes = {v["name"]: v for v in self.pod["volumes"]}
        self.assertIn(mounts["/var/log/s3-cleanup"], volumes)
        claim = volumes[mounts["/var/log/s3-cleanup"]].get("persistentVolumeClaim")
        if claim:
            pvc = the(self.docs, "PersistentVolumeClaim")
            self.assertEqual(claim["claimName"], pvc["metadata"]["name"])

    def test_the_configmap_holds_a_policy(self):
        import yaml
        cm = the(self.docs, "ConfigMap")
        self.assertEqual(cm["apiVersion"], "v1")
        self.assertEqual(cm["metadata"]["name"], "s3-cleanup-policy")
        self.assertEqual(set(cm["data"]), {"policy.yaml"})
        policy = yaml.safe_load(cm["data"]["policy.yaml"])
        self.assertIsInstance(policy, dict)
        self.assertEqual(policy["version"], 1)
        self.assertLessEqual(set(policy), {"version", "defaults", "targets"})
        targets = policy_targets(cm["data"]["policy.yaml"])
        self.assertGreaterEqual(len(targets), 2)
        for target in targets:
            self.assertRegex(target["url"], r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")
            self.assertIsInstance(target["keep"], int)
            self.assertGreaterEqual(target["keep"], 1)
        self.assertTrue(any(GLOB_SEGMENT.search(root_of(t["url"])) for t in targets),
                        "a target with a wildcard root")

    def test_the_policy_is_mounted_where_config_points(self):
        mount, configmap, key = mounted_config(self.docs)
        self.assertEqual(configmap, the(self.docs, "ConfigMap")["metadata"]["name"])
        self.assertIn(key, the(self.docs, "ConfigMap")["data"])
        self.assertEqual(mount["mountPath"], "/etc/s3-cleanup")
        self.assertIs(mount.get("readOnly"), True, "the policy is mounted read-only")
        # Still a read-only root filesystem: the policy is a volume, not a file in the image.
        self.assertIs(self.container["securityContext"]["readOnlyRootFilesystem"], True)
        self.assertEqual(policy_text(self.docs), the(self.docs, "ConfigMap")["data"][key])

    def test_the_run_as_user_is_the_images_user(self):
        uid = self.pod["securityContext"].get("runAsUser") or \
            self.container.get("securityContext", {}).get("runAsUser")
        user = [rest for op, rest in dockerfile_stages()[-1]["lines"] if op == "USER"]
        self.assertEqual(len(user), 1)
        self.assertEqual(str(uid), user[0].split(":")[0])


def concrete_roots(root: str) -> list[str]:
    """Folders that a wildcard root matches, to seed: each '*' segment as blog and shop
    ("apps/*/" -> apps/blog/, apps/shop/); a literal root is itself. In key order."""
    roots = [""]
    for segment in root.split("/")[:-1]:
        if not GLOB_SEGMENT.search(segment):
            roots = [r + segment.replace("\\", "") + "/" for r in roots]
            continue
        names = [segment.replace("*", app) for app in ("blog", "shop")]
        assert all(fnmatch.fnmatchcase(n, segment) for n in names), \
            f"teach concrete_roots() folders that the glob {segment!r} matches"
        roots = [r + n + "/" for r in roots for n in names]
    return sorted(roots)


class PolicyDryRunTest(harness.S3TestCase):
    """The ConfigMap's policy, run by the real binary with the CronJob's own arguments plus
    --dry-run, against the test server: s3-cleanup must accept the file (no FILE:LINE error),
    expand its wildcard root, read its live sources and plan every target: exit 0."""

    def test_the_cronjobs_command_plans_the_configmaps_policy(self):
        docs = cronjob_docs()
        text = policy_text(docs)
        targets = policy_targets(text)
        # The test server's buckets are made per test (harness.new_bucket: unique names), so
        # each bucket the policy names is replaced, in the policy's text, by a fresh bucket;
        # the lines stay where they are. The same for the CloudFront distribution ids: moto
        # makes up its own, so each id of the policy is replaced by one of a distribution
        # created here.
        fresh = {}
        for target in targets:
            bucket = bucket_of(target["url"])
            if bucket not in fresh:
                fresh[bucket] = self.new_bucket()
        for bucket, name in fresh.items():
            text = re.sub(rf"s3://{re.escape(bucket)}(?![a-z0-9.-])", f"s3://{name}", text)
        planned = []  # (url of the expanded root, its target) in the order of the document
        for target in policy_targets(text):
            bucket, root = bucket_of(target["url"]), root_of(target["url"])
            self.assertIn(bucket, fresh.values(), "every bucket of the policy was replaced")
            roots = concrete_roots(root)
            # 14 builds a root, 93 to 2 days old; and beside them what must never be a root
            # or a deployment: a file directly under the level above a wildcard, the pointers.
            extra = {f"{literal_prefix(root)}README.md": (b"r", days_ago(200))}
            deps = [Dep(f"d{i:02d}", days_ago(100 - 7 * i), n=2, root=r)
                    for r in roots for i in range(1, 15)]
            deps += [Dep("release-2025.1", days_ago(300), n=1, root=r) for r in roots]
            for key in target.get("protect_referenced_by", []):
                extra[key] = (f'<script src="/{roots[0]}d02/app.js"></script>'.encode(),
                              days_ago(1))
            self.seed(bucket, objects_of(*deps, extra=extra))
            for distribution in target.get("protect_cloudfront", []):
                real = self.distribution(f"{bucket}.s3.amazonaws.com", f"/{roots[0]}d01")
                text = re.sub(rf"(?<![A-Z0-9]){distribution}(?![A-Z0-9])", real, text)
            planned += [(f"s3://{bucket}/{r}", target) for r in roots]

        path = self.home / "policy.yaml"
        path.write_text(text, encoding="utf-8")
        log = self.home / "audit.jsonl"
        container = pod_spec(docs)["containers"][0]
        args = [str(a) for a in container["args"]]
        args[args.index(config_path(container))] = str(path)
        args[args.index("--log-file") + 1] = str(log)
        with contextlib.ExitStack() as stack:
            for bucket in fresh.values():
                stack.enter_context(self.unchanged(bucket))
            r = self.run_cli(*args, "--dry-run",
                             env_extra={"AWS_ENDPOINT_URL": self.server.endpoint_url})
        self.assertEqual(r.returncode, 0, self.explain(r))
        self.assertFalse(log.exists(), "a dry run writes no audit log")
        doc = json.loads(r.stdout)
        self.assertNotIn("error", doc)
        self.assertEqual(doc["warnings"], [])
        self.assertEqual(doc["summary"]["targets"], len(planned))
        self.assertEqual(doc["summary"]["failed"], 0)
        self.assertEqual([t["url"] for t in doc["targets"]], [url for url, _ in planned])
        for entry, (url, target) in zip(doc["targets"], planned):
            self.assertNotIn("error", entry, entry.get("error"))
            # The target as the file wrote it, and where.
            self.assertRegex(entry["target"],
                             rf"^{re.escape(target['url'])} \({re.escape(str(path))}:\d+\)$")
            self.assertEqual(entry["policy"]["keep"], target["keep"])
            reasons = {d["name"]: d["reason"] for d in entry["deployments"]}
            self.assertEqual(len(reasons), 15, f"{url}: 14 builds and a release, nothing else")
            self.assertEqual(reasons["release-2025.1"],
                             "protected" if target.get("protect") else "past-keep")
            if target.get("protect_cloudfront") and url == planned[0][0]:
                self.assertEqual(reasons["d01"], "live")
            if target.get("protect_referenced_by"):
                self.assertEqual(reasons["d02"], "live")

    def distribution(self, domain: str, origin_path: str) -> str:
        """A distribution of moto's CloudFront (on the test server's port) with one origin."""
        import boto3
        cf = boto3.client("cloudfront", endpoint_url=self.server.endpoint_url,
                          region_name="us-east-1", aws_access_key_id=self.server.access_key_id,
                          aws_secret_access_key=self.server.secret_access_key)
        config = {
            "CallerReference": uuid.uuid4().hex, "Comment": "", "Enabled": True,
            "Origins": {"Quantity": 1, "Items": [
                {"Id": "site", "DomainName": domain, "OriginPath": origin_path,
                 "S3OriginConfig": {"OriginAccessIdentity": ""}}]},
            "DefaultCacheBehavior": {
                "TargetOriginId": "site", "ViewerProtocolPolicy": "allow-all",
                "ForwardedValues": {"QueryString": False, "Cookies": {"Forward": "none"}},
                "MinTTL": 0, "TrustedSigners": {"Enabled": False, "Quantity": 0}},
        }
        return cf.create_distribution(DistributionConfig=config)["Distribution"]["Id"]


def dockerfile_entrypoint() -> str:
    ep = [rest for op, rest in dockerfile_stages()[-1]["lines"] if op == "ENTRYPOINT"]
    assert len(ep) == 1, ep
    value = json.loads(ep[0])
    assert len(value) == 1, value
    return value[0]


class DockerfileTest(unittest.TestCase):
    """The Dockerfile's steps against the ones that run here (scripts/deps, scripts/test,
    cmake/packaging.cmake, the CronJob, the built binary's libraries). test_image.py builds
    the image itself and runs it (scripts/test --full)."""

    @classmethod
    def setUpClass(cls):
        cls.stages = dockerfile_stages()

    def test_build_stage(self):
        build = self.stages[0]
        self.assertEqual(build["from"], "debian:bookworm")
        self.assertTrue(build["name"])
        pkgs = apt_installs(build["runs"])
        self.assertEqual(pkgs - deps_packages(), set(), "packages scripts/deps does not name")
        self.assertEqual(BUILD_PACKAGES - pkgs, set(), "build packages missing")
        self.assertEqual(BUILD_PACKAGES - deps_packages(), set(), "scripts/deps changed")
        self.assertIn("cmake --preset default", build["runs"])
        self.assertIn("cmake --build --preset default --target s3-cleanup", build["runs"])
        # scripts/test configures and builds with the same preset.
        script = (REPO / "scripts" / "test").read_text()
        self.assertRegex(script, r"cmake --preset default\b")
        self.assertRegex(script, r"cmake --build --preset default\b")

    def test_run_stage(self):
        run = self.stages[-1]
        self.assertEqual(len(self.stages), 2)
        self.assertEqual(run["from"], "debian:bookworm-slim")
        pkgs = apt_installs(run["runs"])
        self.assertEqual(pkgs, RUNTIME_PACKAGES | {"ca-certificates"})
        # The same runtime packages as the .deb's fallback Depends.
        m = re.search(r'CPACK_DEBIAN_PACKAGE_DEPENDS\s*"([^"]*)"', PACKAGING.read_text())
        self.assertEqual({p.strip() for p in m.group(1).split(",")}, RUNTIME_PACKAGES)
        user = [rest for op, rest in run["lines"] if op == "USER"]
        self.assertEqual(len(user), 1)
        self.assertNotIn(user[0].split(":")[0], ("0", "root"))
        self.assertRegex(user[0], r"^\d+(:\d+)?$", "numeric, so runAsNonRoot can check it")
        self.assertEqual(dockerfile_entrypoint(), "/usr/local/bin/s3-cleanup")
        # Lambda runs ENTRYPOINT + CMD; s3-cleanup is a Lambda runtime only without arguments.
        self.assertEqual([rest for op, rest in run["lines"] if op == "CMD"], [], "no CMD")
        copied = [rest for op, rest in run["lines"] if op == "COPY"]
        self.assertTrue(any(c.endswith(" /usr/local/bin/s3-cleanup") for c in copied), copied)

    def test_runtime_packages_are_the_binarys_libraries(self):
        """RUNTIME_PACKAGES are the packages that hold the libraries the built binary loads
        (DT_NEEDED, found where ldd finds them, owned per dpkg -S): a library linked in
        later (yaml-cpp) must reach the image and the .deb too."""
        b = harness.require_binary()
        tools = [t for t in ("readelf", "ldd", "dpkg") if not shutil.which(t)]
        if tools:
            msg = f"{', '.join(tools)} missing (binutils, libc-bin, dpkg)"
            print(f"SKIP: {msg}", file=sys.stderr)
            raise unittest.SkipTest(msg)
        dynamic = subprocess.run(["readelf", "-d", str(b)], capture_output=True, text=True,
                                 check=True).stdout
        needed = re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic)
        self.assertIn("libc.so.6", needed)
        # The asan and tsan stages run this module on their instrumented binaries: their
        # sanitizer runtimes are the build's, never the release's (the image and the .deb
        # are built from the default preset).
        needed = [s for s in needed if not SANITIZER_RUNTIME.match(s)]
        ldd = subprocess.run(["ldd", str(b)], capture_output=True, text=True, check=True).stdout
        where = dict(re.findall(r"^\s*(\S+) => (/\S+)", ldd, re.M))
        packages = {}
        for soname in needed:
            self.assertIn(soname, where, f"ldd does not find {soname}")
            pattern = f"*/{posixpath.basename(posixpath.dirname(where[soname]))}/{soname}"
            r = subprocess.run(["dpkg", "-S", pattern], capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, f"no package holds {pattern}: {r.stderr}")
            owners = {line.split(":", 1)[0] for line in r.stdout.splitlines()}
            self.assertEqual(len(owners), 1, f"{soname}: {owners}")
            packages[soname] = owners.pop()
        self.assertEqual(set(packages.values()), RUNTIME_PACKAGES, packages)

    def test_dockerignore_keeps_build_trees_out(self):
        lines = (REPO / ".dockerignore").read_text().split()
        self.assertIn("build/", lines)  # build/image/ is the image storage (300+ MB)
        self.assertIn(".git/", lines)


class WorkflowTest(unittest.TestCase):

    def test_ci_runs_scripts_test_in_debian(self):
        docs = load_yaml_docs(REPO / ".github" / "workflows" / "ci.yml")
        self.assertEqual(len(docs), 1)
        wf = docs[0]
        triggers = wf.get("on", wf.get(True))  # YAML 1.1: a bare `on` key is read as True
        self.assertIn("push", triggers)
        self.assertIn("pull_request", triggers)
        runs = []
        for job in wf["jobs"].values():
            self.assertIn("runs-on", job)
            image = job.get("container")
            image = image.get("image") if isinstance(image, dict) else image
            job_runs = [s["run"] for s in job["steps"] if "run" in s]
            if any(re.search(r"(^|\s)scripts/test(\s|$)", r) for r in job_runs):
                self.assertEqual(image, "debian:bookworm")
                self.assertTrue(any(s.get("uses", "").startswith("actions/checkout@")
                                    for s in job["steps"]))
            runs += job_runs
        self.assertTrue(any(re.search(r"(^|\s)scripts/test(\s|$)", r) for r in runs),
                        "no step runs scripts/test")


if __name__ == "__main__":
    unittest.main()
