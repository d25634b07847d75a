"""The deployment manifests against real validators (issue 17, "Manifests that meet a schema").

* deploy/kubernetes/*.yaml: every document against the Kubernetes API schemas, with npm
  kubernetes-models (tests/manifests/validate.js: the models' own JSON-schema validators,
  plus what `kubectl apply` refuses and those schemas let through: unknown fields, beta API
  versions, a missing or malformed metadata.name); broken copies must fail. Then what
  matters for s3-cleanup in the CronJob: uid 10001, non-root, read-only root filesystem
  with a writable /tmp (emptyDir) and audit-log volume, Forbid, the 512Mi memory limit,
  the ConfigMap where --config points.
* deploy/lambda/template.yaml: cfn-lint (the Python one, AWS's: it knows every resource type
  and property, AWS::Scheduler::Schedule included; npm's cfn-lint is another, older project
  that knows no Scheduler), broken copies must fail; and a check of its structure that
  needs no validator: the resources, every Ref/GetAtt/Sub resolving, a least-privilege
  execution role (deploy/iam-policy.json's statements plus the function's logs), the
  scheduler's role, and the schedule's Input: the ConfigMap's policy plus "yes": true.
  Then that Input, as the schedule sends it, is an invocation of the binary as a Lambda
  runtime (fake_lambda.py) on buckets of the test server: the deletion it asks for happens.

The node packages come from tests/manifests/package-lock.json: scripts/deps runs
`npm ci --prefix tests/manifests` (once, before any test, so that test processes running
side by side never install at once).
"""
from __future__ import annotations

import copy
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

import harness
import test_deploy
from fake_lambda import FakeRuntimeApi
from harness import Dep, days_ago, objects_of
from test_deploy import (K8S, POLICY, config_path, cronjob_docs, dockerfile_stages,
                         mounted_config, policy_text, the)

REPO = harness.REPO
MANIFESTS = REPO / "tests" / "manifests"
VALIDATOR = MANIFESTS / "validate.js"
TEMPLATE = REPO / "deploy" / "lambda" / "template.yaml"
README = REPO / "README.md"
UID = 10001
# The run keys of a Lambda event beside the policy (the spec of issue 17, "Lambda mode").
EVENT_RUN_KEYS = {"dry_run", "yes", "concurrency", "metrics_pushgateway"}
POLICY_KEYS = {"version", "defaults", "targets"}
PSEUDO_PARAMETERS = {"AWS::AccountId", "AWS::NotificationARNs", "AWS::NoValue", "AWS::Partition",
                     "AWS::Region", "AWS::StackId", "AWS::StackName", "AWS::URLSuffix"}


def skip(msg: str):
    print(f"SKIP: {msg}", file=sys.stderr)
    raise unittest.SkipTest(msg)


# ----------------------------------------------------------------------------- Kubernetes

def node() -> str:
    path = shutil.which("node")
    if not path:
        skip("node is not installed (scripts/deps installs Debian's nodejs and npm)")
    return path


def validate(*files, json_report=True) -> subprocess.CompletedProcess:
    """tests/manifests/validate.js on the files (its --json report parsed into .report)."""
    args = [node(), str(VALIDATOR)] + (["--json"] if json_report else []) + [str(f) for f in files]
    r = subprocess.run(args, capture_output=True, text=True, timeout=120, cwd=REPO)
    r.report = json.loads(r.stdout) if json_report and r.returncode in (0, 1) else None
    return r


def problems(r) -> list[str]:
    return [f"{d['kind']}/{d['name']} {p['path']}: {p['message']}"
            for d in r.report["documents"] for p in d["problems"]]


def pod_spec_of(cronjob: dict) -> dict:
    return cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def dump_yaml(docs, path: Path) -> Path:
    import yaml
    path.write_text(yaml.safe_dump_all(docs, sort_keys=False), encoding="utf-8")
    return path


class KubernetesSchemaTest(unittest.TestCase):
    """Every document of deploy/kubernetes/ meets the Kubernetes API schemas."""

    @classmethod
    def setUpClass(cls):
        node()
        if not (MANIFESTS / "node_modules" / "kubernetes-models").is_dir():
            raise AssertionError(f"{MANIFESTS}/node_modules is missing: run scripts/deps "
                                 f"(npm ci --prefix tests/manifests)")
        cls.files = sorted(K8S.glob("*.yaml"))
        cls.docs = cronjob_docs()
        cls.tmp = tempfile.TemporaryDirectory(prefix="s3c-manifests-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_every_document_meets_the_schema(self):
        r = validate(*self.files)
        self.assertEqual(r.returncode, 0, f"{r.stderr}\n" + "\n".join(problems(r)))
        self.assertEqual(r.report["problems"], 0)
        pinned = json.loads((MANIFESTS / "package.json").read_text())["dependencies"]
        self.assertEqual(r.report["kubernetes_models"], pinned["kubernetes-models"],
                         "node_modules is not the pinned version: run scripts/deps")
        checked = sorted((d["apiVersion"], d["kind"], d["name"]) for d in r.report["documents"])
        self.assertEqual(checked, sorted((d["apiVersion"], d["kind"], d["metadata"]["name"])
                                         for d in self.docs), "every document was checked")
        self.assertEqual({kind for _, kind, _ in checked},
                         {"ConfigMap", "CronJob", "PersistentVolumeClaim", "ServiceAccount"})
        print(f"\n  kubernetes-models {r.report['kubernetes_models']}: "
              f"{len(checked)} documents valid", file=sys.stderr)

    def test_the_text_report(self):
        r = validate(*self.files, json_report=False)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertEqual(r.stdout, f"{len(self.docs)} documents, 0 problems\n")

    def broken(self, name: str, change) -> subprocess.CompletedProcess:
        """validate.js on a copy of the manifests with change(cronjob, docs) applied."""
        docs = copy.deepcopy(self.docs)
        change(the(docs, "CronJob"), docs)
        return validate(dump_yaml(docs, Path(self.tmp.name) / f"{name}.yaml"))

    def test_a_broken_copy_fails(self):
        container = lambda cj: pod_spec_of(cj)["containers"][0]  # noqa: E731
        cases = {
            # (what is changed, the field the problem names, words of its message)
            "a wrong type": (lambda cj, _: cj["spec"].update(startingDeadlineSeconds="3600"),
                             "spec.startingDeadlineSeconds", "must be integer"),
            "a boolean as a string": (
                lambda cj, _: container(cj)["securityContext"].update(
                    readOnlyRootFilesystem="true"),
                "spec.jobTemplate.spec.template.spec.containers[0].securityContext"
                ".readOnlyRootFilesystem", "must be boolean"),
            "a value not in the enum": (lambda cj, _: cj["spec"].update(concurrencyPolicy="Never"),
                                        "spec.concurrencyPolicy", "allowed values"),
            "a quantity that is none": (
                lambda cj, _: container(cj)["resources"]["limits"].update(memory="512 MB"),
                "spec.jobTemplate.spec.template.spec.containers[0].resources.limits.memory",
                "quantity"),
            "a misspelt field": (
                lambda cj, _: container(cj)["securityContext"].update(
                    readOnlyRootFileSystem=container(cj)["securityContext"].pop(
                        "readOnlyRootFilesystem")),
                "spec.jobTemplate.spec.template.spec.containers[0].securityContext"
                ".readOnlyRootFileSystem", "unknown field"),
            "a required field missing": (lambda cj, _: container(cj).pop("name"),
                                         "spec.jobTemplate.spec.template.spec.containers[0]",
                                         "required field name is missing"),
            "a removed API version": (lambda cj, _: cj.update(apiVersion="batch/v1beta1"),
                                      "apiVersion", "not a stable API version"),
            "a name that is no DNS name": (lambda cj, _: cj["metadata"].update(name="S3_Cleanup"),
                                           "metadata.name", "DNS subdomain"),
            "a ConfigMap value that is not text": (
                lambda _, docs: the(docs, "ConfigMap")["data"].update(retries=3),
                "data.retries", "must be string"),
        }
        for what, (change, path, words) in cases.items():
            with self.subTest(what):
                r = self.broken(re.sub(r"\W+", "-", what), change)
                self.assertEqual(r.returncode, 1, r.stderr)
                found = [p for d in r.report["documents"] for p in d["problems"]]
                self.assertEqual(len(found), 1, problems(r))
                self.assertEqual(found[0]["path"], path)
                self.assertIn(words, found[0]["message"])
                self.assertGreater(found[0]["line"], 1)

    def test_yaml_as_kubectl_reads_it(self):
        """YAML 1.1, as kubectl (sigs.k8s.io/yaml) reads it: a bare `yes` is a boolean; a key
        given twice is an error."""
        path = Path(self.tmp.name) / "yaml11.yaml"
        path.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
                        "data:\n  enabled: yes\n---\n"
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  name: c\n")
        r = validate(path, json_report=False)
        self.assertEqual(r.returncode, 1, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(len(lines), 3, r.stdout)
        self.assertRegex(lines[0], r"yaml11\.yaml:6: ConfigMap/a: data\.enabled: must be string$")
        self.assertRegex(lines[1],
                         r"yaml11\.yaml:12: \?/\?: \(document\): YAML: Map keys must be unique")
        self.assertEqual(lines[2], "2 documents, 2 problems")

    def test_usage_and_unreadable_files(self):
        self.assertEqual(validate(json_report=False).returncode, 2)
        r = validate(Path(self.tmp.name) / "missing.yaml", json_report=False)
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot be read", r.stderr)


class CronJobForThisToolTest(unittest.TestCase):
    """What s3-cleanup needs from its pod, beyond what a schema can tell."""

    @classmethod
    def setUpClass(cls):
        cls.docs = cronjob_docs()
        cls.cronjob = the(cls.docs, "CronJob")
        cls.pod = pod_spec_of(cls.cronjob)
        (cls.container,) = cls.pod["containers"]
        cls.mounts = {m["mountPath"]: m for m in cls.container["volumeMounts"]}
        cls.volumes = {v["name"]: v for v in cls.pod["volumes"]}

    def setting(self, key):
        """A securityContext key, the container's winning over the pod's."""
        own = self.container.get("securityContext", {})
        return own[key] if key in own else self.pod.get("securityContext", {}).get(key)

    def test_runs_as_the_images_user_never_root(self):
        self.assertEqual(self.setting("runAsUser"), UID)
        self.assertEqual(self.setting("runAsGroup"), UID)
        self.assertIs(self.setting("runAsNonRoot"), True)
        self.assertEqual(self.pod["securityContext"].get("fsGroup"), UID,
                         "the audit log volume is writable by the image's group")
        self.assertIs(self.container["securityContext"]["allowPrivilegeEscalation"], False)
        self.assertEqual(self.container["securityContext"]["capabilities"]["drop"], ["ALL"])
        self.assertEqual(self.setting("seccompProfile"), {"type": "RuntimeDefault"})

    def test_read_only_root_with_a_writable_tmp_and_log_volume(self):
        self.assertIs(self.container["securityContext"]["readOnlyRootFilesystem"], True)
        tmp = self.mounts["/tmp"]
        self.assertFalse(tmp.get("readOnly", False))
        self.assertIn("emptyDir", self.volumes[tmp["name"]], "/tmp is an emptyDir")
        self.assertIn("sizeLimit", self.volumes[tmp["name"]]["emptyDir"])
        args = [str(a) for a in self.container["args"]]
        log_dir = os.path.dirname(args[args.index("--log-file") + 1])
        log = self.mounts[log_dir]
        self.assertFalse(log.get("readOnly", False), "the audit log is written")
        claim = self.volumes[log["name"]]["persistentVolumeClaim"]
        self.assertFalse(claim.get("readOnly", False))
        self.assertEqual(claim["claimName"],
                         the(self.docs, "PersistentVolumeClaim")["metadata"]["name"])
        # Nothing else is writable: every other mount is read-only.
        others = set(self.mounts) - {"/tmp", log_dir}
        self.assertTrue(all(self.mounts[m].get("readOnly") for m in others), others)

    def test_one_run_at_a_time_with_bounded_memory(self):
        self.assertEqual(self.cronjob["spec"]["concurrencyPolicy"], "Forbid")
        self.assertEqual(self.cronjob["spec"].get("timeZone"), "Etc/UTC")
        resources = self.container["resources"]
        self.assertEqual(resources["limits"]["memory"], "512Mi")
        self.assertLessEqual(mebibytes(resources["requests"]["memory"]),
                             mebibytes(resources["limits"]["memory"]))
        self.assertNotIn("cpu", resources["limits"], "no CPU throttling of a batch job")

    def test_the_configmap_is_mounted_where_config_points(self):
        mount, configmap, key = mounted_config(self.docs)
        self.assertEqual(mount["mountPath"], os.path.dirname(config_path(self.container)))
        self.assertIs(mount.get("readOnly"), True)
        (cm,) = [d for d in self.docs if d["kind"] == "ConfigMap"]
        self.assertEqual(configmap, cm["metadata"]["name"])
        self.assertEqual(key, os.path.basename(config_path(self.container)))
        self.assertIn(key, cm["data"])


def mebibytes(quantity: str) -> float:
    units = {"Ki": 1 / 1024, "Mi": 1, "Gi": 1024}
    m = re.fullmatch(r"(\d+)(Ki|Mi|Gi)", quantity)
    assert m, f"a quantity in Ki, Mi or Gi: {quantity}"
    return int(m.group(1)) * units[m.group(2)]


# ----------------------------------------------------------------------------- Lambda

def cfn_loader():
    """PyYAML's safe loader with CloudFormation's short tags: !Ref X is {"Ref": X}, !GetAtt A.B
    is {"Fn::GetAtt": [A, B]}, any other !Name V is {"Fn::Name": V}."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def construct(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix == "Ref":
            return {"Ref": value}
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", construct)
    return Loader


def load_template(path: Path = TEMPLATE) -> dict:
    try:
        import yaml
    except ImportError:
        skip("PyYAML is not installed (pip install pyyaml; the aws CLI brings it)")
    return yaml.load(path.read_text(), Loader=cfn_loader())


def references(node):
    """(kind, name) of every Ref, GetAtt and ${...} of a Sub below node."""
    if isinstance(node, list):
        for item in node:
            yield from references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref":
                yield "Ref", value
            elif key == "Fn::GetAtt":
                yield "GetAtt", value[0]
            elif key == "Fn::Sub":
                text, names = (value, {}) if isinstance(value, str) else value
                for name in re.findall(r"\$\{(?!!)([^}]+)\}", text):
                    if name not in names:
                        yield "Sub", name.split(".", 1)[0] if "::" not in name else name
                yield from references(names)
            else:
                yield from references(value)


def as_list(v):
    return v if isinstance(v, list) else [v]


def readme_policy_keys() -> set[str]:
    """The target keys of README's "Policy file" table (| `key` | type | same as | notes |)."""
    section = README.read_text().split("\n## Policy file\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([a-z_]+)` \|", section, re.M))


class LambdaTemplateLintTest(unittest.TestCase):
    """cfn-lint, AWS's CloudFormation linter, on the template and on broken copies of it."""

    @classmethod
    def setUpClass(cls):
        try:
            from cfnlint.api import ManualArgs, lint_file  # noqa: F401
        except ImportError:
            skip("cfn-lint (Python) is not installed: the template is checked by "
                 "LambdaTemplateTest alone (pip install cfn-lint)")
        import cfnlint.version
        cls.version = cfnlint.version.__version__
        cls.tmp = tempfile.TemporaryDirectory(prefix="s3c-cfn-")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def lint(self, path: Path) -> list:
        from cfnlint.api import ManualArgs, lint_file
        # Informational rules too; two regions (the rules check what each region offers).
        config = ManualArgs(regions=["us-east-1", "eu-west-1"], include_checks=["I"])
        return list(lint_file(path, config=config))

    def test_cfn_lint_finds_nothing(self):
        matches = self.lint(TEMPLATE)
        self.assertEqual([f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches], [])
        print(f"\n  cfn-lint {self.version}: deploy/lambda/template.yaml clean", file=sys.stderr)

    def test_cfn_lint_catches_a_broken_copy(self):
        text = TEMPLATE.read_text()
        cases = {
            # (what, the line as it is, the line broken, the rule that must fire)
            "YAML 1.1's OFF is false": ('Mode: "OFF"', "Mode: OFF", "E3030"),
            "a timeout above Lambda's 900 s": ("Timeout: 900 ", "Timeout: 901 ", "E3034"),
            "a wrong type": ("MemorySize: 512 ", 'MemorySize: "lots" ', "E3012"),
            "a misspelt property": ("ScheduleExpressionTimezone:", "ScheduleExpressionTimeZone:",
                                    "E3002"),
            "a GetAtt of no resource": ("RoleArn: !GetAtt SchedulerRole.Arn",
                                        "RoleArn: !GetAtt SchedulerRol.Arn", "E1010"),
            "a package type that is none": ("PackageType: Image", "PackageType: Container",
                                            "E3030"),
        }
        for what, (good, bad, rule) in cases.items():
            with self.subTest(what):
                self.assertEqual(text.count(good), 1, good)
                path = Path(self.tmp.name) / (re.sub(r"\W+", "-", what) + ".yaml")
                path.write_text(text.replace(good, bad))
                found = {m.rule.id for m in self.lint(path)}
                self.assertIn(rule, found)


class LambdaTemplateTest(unittest.TestCase):
    """The template's structure, without a validator: what it makes, that its references
    resolve, the roles' least privilege and the schedule's Input."""

    @classmethod
    def setUpClass(cls):
        cls.t = load_template()
        cls.resources = cls.t["Resources"]
        cls.params = cls.t["Parameters"]

    def of_type(self, kind: str) -> tuple[str, dict]:
        found = [(n, r) for n, r in self.resources.items() if r["Type"] == kind]
        self.assertEqual(len(found), 1, f"one {kind}")
        return found[0]

    def test_resources(self):
        self.assertEqual(self.t["AWSTemplateFormatVersion"], "2010-09-09")
        self.assertEqual(sorted(r["Type"] for r in self.resources.values()), sorted([
            "AWS::IAM::Role", "AWS::IAM::Role", "AWS::Lambda::EventInvokeConfig",
            "AWS::Lambda::Function", "AWS::Logs::LogGroup", "AWS::Scheduler::Schedule"]))

    def test_every_reference_resolves(self):
        known = set(self.params) | set(self.resources) | PSEUDO_PARAMETERS
        refs = list(references(self.t["Resources"])) + list(references(self.t.get("Outputs", {})))
        self.assertGreater(len(refs), 10)
        self.assertEqual([(k, n) for k, n in refs if n not in known], [])
        for kind, name in refs:
            if kind == "GetAtt":
                self.assertIn(name, self.resources, "GetAtt of a resource, not a parameter")
        # Every parameter is used.
        self.assertEqual(set(self.params) - {n for _, n in refs}, set())

    def test_the_function_runs_the_image(self):
        name, fn = self.of_type("AWS::Lambda::Function")
        p = fn["Properties"]
        self.assertEqual(p["PackageType"], "Image")
        self.assertEqual(p["Code"], {"ImageUri": {"Ref": "ImageUri"}})
        self.assertEqual(self.params["ImageUri"]["Type"], "String")
        self.assertNotIn("Handler", p)
        self.assertNotIn("Runtime", p)
        self.assertEqual(p["Timeout"], 900)
        self.assertEqual(p["MemorySize"], 512)
        self.assertEqual(p["ReservedConcurrentExecutions"], 1, "one run at a time")
        self.assertGreaterEqual(p["EphemeralStorage"]["Size"], 512)
        self.assertEqual(p["Role"], {"Fn::GetAtt": ["ExecutionRole", "Arn"]})
        # The image's ENTRYPOINT is the runtime, started with no arguments (with any,
        # s3-cleanup is the command-line tool): no ImageConfig.EntryPoint, and no CMD
        # arguments, the image's own or the template's.
        image_config = p.get("ImageConfig", {})
        self.assertNotIn("EntryPoint", image_config)
        cmd = [json.loads(rest) for op, rest in dockerfile_stages()[-1]["lines"] if op == "CMD"]
        arguments = (image_config["Command"] if "Command" in image_config
                     else cmd[-1] if cmd else [])
        self.assertEqual(arguments, [], "Lambda passes the image's CMD (or ImageConfig.Command) to "
                         "its ENTRYPOINT: s3-cleanup would run those arguments, not the runtime; "
                         "drop CMD from the Dockerfile's run stage")

    def test_the_execution_role_is_least_privilege(self):
        _, fn = self.of_type("AWS::Lambda::Function")
        role = self.resources["ExecutionRole"]
        self.assertEqual(role["Type"], "AWS::IAM::Role")
        p = role["Properties"]
        (trust,) = p["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust, {"Effect": "Allow", "Action": "sts:AssumeRole",
                                 "Principal": {"Service": "lambda.amazonaws.com"}})
        self.assertNotIn("ManagedPolicyArns", p, "no managed policy: only the statements below")
        (policy,) = p["Policies"]
        self.assertEqual(policy["PolicyDocument"]["Version"], "2012-10-17")
        statements = policy["PolicyDocument"]["Statement"]
        iam = json.loads(POLICY.read_text())["Statement"]
        self.assertEqual(statements[:len(iam)], iam,
                         "deploy/iam-policy.json's statements, as they are")
        (logs,) = statements[len(iam):]
        self.assertEqual(logs["Effect"], "Allow")
        self.assertEqual(sorted(as_list(logs["Action"])),
                         ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"])
        group = ("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}"
                 ":log-group:/aws/lambda/${FunctionName}")
        self.assertEqual(as_list(logs["Resource"]), [{"Fn::Sub": group}, {"Fn::Sub": group + ":*"}])
        # The log group the function writes is that one.
        _, log_group = self.of_type("AWS::Logs::LogGroup")
        self.assertEqual(log_group["Properties"]["LogGroupName"],
                         {"Fn::Sub": "/aws/lambda/${FunctionName}"})
        self.assertEqual(fn["Properties"]["FunctionName"], {"Ref": "FunctionName"})
        self.assertEqual(fn["Properties"]["LoggingConfig"]["LogGroup"], {"Ref": "LogGroup"})
        for st in statements:
            self.assertEqual(st["Effect"], "Allow")
            self.assertNotIn("NotAction", st)
            self.assertNotIn("NotResource", st)
            for action in as_list(st["Action"]):
                self.assertNotIn("*", action)
            self.assertNotIn("*", as_list(st["Resource"]))

    def test_the_schedule_invokes_the_function_nightly(self):
        _, schedule = self.of_type("AWS::Scheduler::Schedule")
        p = schedule["Properties"]
        self.assertEqual(p["ScheduleExpression"], {"Ref": "ScheduleExpression"})
        expression = self.params["ScheduleExpression"]["Default"]
        m = re.fullmatch(r"cron\((\S+) (\S+) \* \* \? \*\)", expression)
        self.assertTrue(m, f"once a day: {expression}")
        self.assertTrue(m.group(1).isdigit() and m.group(2).isdigit(), expression)
        self.assertEqual(p["FlexibleTimeWindow"], {"Mode": "OFF"})
        self.assertEqual(p["State"], "ENABLED")
        target = p["Target"]
        self.assertEqual(target["Arn"], {"Fn::GetAtt": ["Function", "Arn"]})
        self.assertEqual(target["RoleArn"], {"Fn::GetAtt": ["SchedulerRole", "Arn"]})
        # The scheduler's role: assumed by EventBridge Scheduler for this account, allowed to
        # invoke this function and nothing else.
        role = self.resources["SchedulerRole"]["Properties"]
        (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust["Principal"], {"Service": "scheduler.amazonaws.com"})
        self.assertEqual(trust["Action"], "sts:AssumeRole")
        self.assertEqual(trust["Condition"],
                         {"StringEquals": {"aws:SourceAccount": {"Ref": "AWS::AccountId"}}})
        self.assertNotIn("ManagedPolicyArns", role)
        (policy,) = role["Policies"]
        (st,) = policy["PolicyDocument"]["Statement"]
        self.assertEqual((st["Effect"], as_list(st["Action"]), as_list(st["Resource"])),
                         ("Allow", ["lambda:InvokeFunction"],
                          [{"Fn::GetAtt": ["Function", "Arn"]}]))
        # The scheduler's invocation is asynchronous; Lambda does not retry it.
        _, invoke = self.of_type("AWS::Lambda::EventInvokeConfig")
        self.assertEqual(invoke["Properties"]["FunctionName"], {"Ref": "Function"})
        self.assertEqual(invoke["Properties"]["MaximumRetryAttempts"], 0)

    def test_the_schedules_input_is_the_policy_with_yes(self):
        import yaml
        _, schedule = self.of_type("AWS::Scheduler::Schedule")
        event = json.loads(schedule["Properties"]["Target"]["Input"])
        self.assertIsInstance(event, dict)
        self.assertIs(event["yes"], True, "the nightly run deletes: there is no terminal to ask")
        self.assertIs(event.get("dry_run", False), False)
        self.assertLessEqual(set(event), POLICY_KEYS | EVENT_RUN_KEYS)
        policy = {k: v for k, v in event.items() if k not in EVENT_RUN_KEYS}
        # The policy file's schema (README, "Policy file"): version 1, defaults, targets with
        # the keys of its table; and the same policy as the CronJob's, so that
        # deploy/iam-policy.json (checked against it by test_deploy) grants what it needs.
        self.assertIs(type(policy["version"]), int)
        self.assertEqual(policy["version"], 1)
        keys = readme_policy_keys()
        self.assertIn("keep", keys)
        self.assertLessEqual(set(policy.get("defaults", {})), keys - {"url"})
        for target in policy["targets"]:
            self.assertLessEqual(set(target), keys)
        self.assertEqual(policy, yaml.safe_load(policy_text()),
                         "the schedule's policy is deploy/kubernetes/configmap.yaml's")


def schedule_input() -> str:
    (schedule,) = [r for r in load_template()["Resources"].values()
                   if r["Type"] == "AWS::Scheduler::Schedule"]
    return schedule["Properties"]["Target"]["Input"]


class ScheduleInputRunTest(harness.S3TestCase):
    """The schedule's Input, as it is but for the names of its buckets and distribution, is
    an event the binary as a Lambda runtime runs: every target planned and deleted."""

    def test_the_nightly_event_deletes_what_the_policy_says(self):
        text = schedule_input()
        event = json.loads(text)
        site_url, apps_url = (t["url"] for t in event["targets"])
        site, apps = test_deploy.bucket_of(site_url), test_deploy.bucket_of(apps_url)
        self.assertEqual((test_deploy.root_of(site_url), test_deploy.root_of(apps_url)),
                         ("", "apps/*/"), "the roots this test seeds")
        fresh = {site: self.new_bucket(), apps: self.new_bucket()}
        for old, new in fresh.items():
            text = re.sub(rf"s3://{re.escape(old)}/", f"s3://{new}/", text)
        # The site: 13 builds a week apart (the 10 newest stay; of the 3 older, d01 is what
        # CloudFront serves and d02 what index.html references), a release, the pointer.
        builds = [Dep(f"d{i:02d}", days_ago(100 - 7 * i), n=2) for i in range(1, 14)]
        self.seed(fresh[site], objects_of(
            *builds, Dep("release-2025.1", days_ago(300), n=1),
            extra={"index.html": (b'<script src="/d02/app.js"></script>', days_ago(1))}))
        (distribution,) = event["targets"][0]["protect_cloudfront"]
        real = test_deploy.PolicyDryRunTest.distribution(
            self, f"{fresh[site]}.s3.amazonaws.com", "/d01")
        text = text.replace(f'"{distribution}"', f'"{real}"')
        # The apps: 5 builds each of blog and shop (3 stay each), and a file beside them.
        self.seed(fresh[apps], objects_of(
            *[Dep(f"b{i}", days_ago(90 - 10 * i), n=2, root=f"apps/{app}/")
              for app in ("blog", "shop") for i in range(1, 6)],
            extra={"apps/README.md": (b"r", days_ago(200))}))

        with FakeRuntimeApi() as api:
            env = self.cli_env({"AWS_LAMBDA_RUNTIME_API": api.address,
                                "AWS_ENDPOINT_URL": self.server.endpoint_url})
            proc = subprocess.Popen([str(self.bin)], env=env, cwd=str(self.home), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            try:
                kind, body, _, _ = api.wait_result(api.queue(text.encode()), timeout=120)
            finally:
                api.stop()
                try:
                    _, err = proc.communicate(timeout=60)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    _, err = proc.communicate()
        self.assertEqual(kind, "response", f"{body}\n{err}")
        self.assertNotIn("error", body, err)
        self.assertEqual((body["complete"], body["exit"], body["dry_run"]), (True, 0, False))
        self.assertEqual([t["url"] for t in body["targets"]],
                         [f"s3://{fresh[site]}/", f"s3://{fresh[apps]}/apps/blog/",
                          f"s3://{fresh[apps]}/apps/shop/"])
        self.assertEqual(body["summary"]["failed"], 0)
        tops = sorted({k.split("/")[0] for k in self.list_keys(fresh[site])})
        self.assertEqual(tops, sorted(["d01", "d02", "index.html", "release-2025.1"]
                                      + [f"d{i:02d}" for i in range(4, 14)]))
        self.assertEqual(sorted(self.list_keys(fresh[apps])), sorted(
            ["apps/README.md"] + [f"apps/{app}/b{i}/file0000{j}.txt"
                                  for app in ("blog", "shop") for i in (3, 4, 5) for j in (0, 1)]))


if __name__ == "__main__":
    unittest.main()
