"""The files that deploy s3-cleanup: IAM policy, Kubernetes CronJob, Dockerfile, CI workflow.

Nothing here runs a cluster, a container engine or GitHub: the files are parsed and checked
against each other and against what the tests exercise — every flag the CronJob passes is
one `s3-cleanup --help` lists, the Dockerfile installs the packages scripts/deps names and
runs the cmake commands scripts/test runs, its runtime packages are the .deb's.
Needs the binary only for --help; PyYAML (installed with the aws CLI) for the YAML files.
"""
from __future__ import annotations

import json
import re
import shlex
import subprocess
import unittest

import harness

REPO = harness.REPO
POLICY = REPO / "deploy" / "iam-policy.json"
K8S = REPO / "deploy" / "kubernetes"
DOCKERFILE = REPO / "Dockerfile"
PACKAGING = REPO / "cmake" / "packaging.cmake"
RUNTIME_PACKAGES = {"libc6", "libcurl4", "libgcc-s1", "libpugixml1v5", "libssl3", "libstdc++6"}
# What CMake needs to configure and build (scripts/deps' list up to the lint tools).
BUILD_PACKAGES = {"g++", "cmake", "ninja-build", "pkg-config", "libcurl4-openssl-dev", "libssl-dev",
                  "libpugixml-dev", "libcli11-dev", "nlohmann-json3-dev", "libgtest-dev", "python3"}


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
        bucket = bucket_in_cronjob()
        for a in ("s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning"):
            self.assertEqual(by_action[a], {f"arn:aws:s3:::{bucket}"}, a)  # bucket-level actions
        for a in ("s3:DeleteObject", "s3:DeleteObjectVersion"):
            self.assertEqual(by_action[a], {f"arn:aws:s3:::{bucket}/*"}, a)  # object-level
        self.assertEqual(by_action["s3:GetObject"], {f"arn:aws:s3:::{bucket}/index.html"})
        (distribution,) = by_action["cloudfront:GetDistributionConfig"]
        self.assertRegex(distribution, r"^arn:aws:cloudfront::\d{12}:distribution/[A-Z0-9]+$")


def cronjob_docs():
    docs = []
    for f in sorted(K8S.glob("*.yaml")):
        docs += load_yaml_docs(f)
    return docs


def the(docs, kind):
    found = [d for d in docs if d.get("kind") == kind]
    assert len(found) == 1, f"expected one {kind}, found {len(found)}"
    return found[0]


def bucket_in_cronjob() -> str:
    container = the(cronjob_docs(), "CronJob")["spec"]["jobTemplate"]["spec"]["template"]["spec"][
        "containers"][0]
    url = next(a for a in container["args"] if str(a).startswith("s3://"))
    return url[len("s3://"):].split("/", 1)[0]


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
        self.assertRegex(args[0], r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/.*)?$")
        self.assertIn("--yes", args)
        self.assertEqual(args[args.index("--output") + 1], "json")
        keep = args[args.index("--keep") + 1] if "--keep" in args else args[args.index("-k") + 1]
        self.assertGreaterEqual(int(keep), 1)
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

    def test_the_run_as_user_is_the_images_user(self):
        uid = self.pod["securityContext"].get("runAsUser") or \
            self.container.get("securityContext", {}).get("runAsUser")
        user = [rest for op, rest in dockerfile_stages()[-1]["lines"] if op == "USER"]
        self.assertEqual(len(user), 1)
        self.assertEqual(str(uid), user[0].split(":")[0])


def dockerfile_entrypoint() -> str:
    ep = [rest for op, rest in dockerfile_stages()[-1]["lines"] if op == "ENTRYPOINT"]
    assert len(ep) == 1, ep
    value = json.loads(ep[0])
    assert len(value) == 1, value
    return value[0]


class DockerfileTest(unittest.TestCase):
    """No container engine runs in the tests: the Dockerfile's steps are checked against the
    ones that do run (scripts/deps, scripts/test, cmake/packaging.cmake, the CronJob)."""

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
        copied = [rest for op, rest in run["lines"] if op == "COPY"]
        self.assertTrue(any(c.endswith(" /usr/local/bin/s3-cleanup") for c in copied), copied)

    def test_dockerignore_keeps_build_trees_out(self):
        lines = (REPO / ".dockerignore").read_text().split()
        self.assertIn("build/", lines)


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
