"""The Debian package (cmake/packaging.cmake): built with cpack from the build tree of the
binary under test, inspected with dpkg-deb, extracted into a throw-away root (dpkg -x; the
machine's own / is never touched), and the installed binary run: --version, its man page,
and a real dry run against the test S3 server.

    cd build/default && cpack -G DEB -B <tmp>    # what this test runs
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

import harness
from harness import Dep, days_ago, objects_of

RUNTIME_PACKAGES = {"libc6", "libcurl4", "libgcc-s1", "libpugixml1v5", "libssl3", "libstdc++6",
                    "libyaml-cpp0.7"}


def tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise unittest.SkipTest(f"{name} is not installed")
    return path


class PackageTest(harness.S3TestCase):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for t in ("cpack", "dpkg-deb"):
            tool(t)
        cls.build_dir = cls.bin.resolve().parent
        if not (cls.build_dir / "CPackConfig.cmake").is_file():
            raise AssertionError(f"no CPackConfig.cmake in {cls.build_dir}: configure it again "
                                 "(cmake --preset default) so that cmake/packaging.cmake is read")
        cls.tmp = Path(tempfile.mkdtemp(prefix="s3c-package-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        r = subprocess.run(["cpack", "-G", "DEB", "-B", str(cls.tmp / "out")], cwd=cls.build_dir,
                           capture_output=True, text=True, timeout=600)
        if r.returncode != 0:
            raise AssertionError(f"cpack failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}")
        debs = sorted((cls.tmp / "out").glob("*.deb"))
        if len(debs) != 1:
            raise AssertionError(f"expected one .deb, found {debs}:\n{r.stdout[-3000:]}")
        cls.deb = debs[0]
        cls.root = cls.tmp / "root"
        subprocess.run(["dpkg-deb", "-x", str(cls.deb), str(cls.root)], check=True, timeout=120)
        cls.installed = cls.root / "usr" / "bin" / "s3-cleanup"
        cls.version = subprocess.run([str(cls.bin), "--version"], capture_output=True, text=True,
                                     timeout=30).stdout.split()[-1]

    def field(self, name: str) -> str:
        r = subprocess.run(["dpkg-deb", "-f", str(self.deb), name], capture_output=True, text=True,
                           timeout=60, check=True)
        return r.stdout.strip()

    def test_control_fields(self):
        info = subprocess.run(["dpkg-deb", "-I", str(self.deb)], capture_output=True, text=True,
                              timeout=60, check=True).stdout
        self.assertIn("Package: s3-cleanup", info)
        self.assertEqual(self.field("Package"), "s3-cleanup")
        self.assertRegex(self.field("Version"), rf"^{re.escape(self.version)}(-\d+)?$")
        self.assertEqual(self.field("Section"), "utils")
        self.assertRegex(self.field("Maintainer"), r"^[^<>]+ <[^<>@\s]+@[^<>\s]+>$")
        description = self.field("Description").splitlines()
        self.assertEqual(description[0], "prune old deployment folders from an S3 bucket")
        self.assertGreater(len(description), 1, "a long description too")
        for line in description:
            self.assertLessEqual(len(line), 80, line)
            self.assertNotIn(";", line, "a CMake list leaked into the description")
        arch = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              timeout=30).stdout.strip()
        self.assertEqual(self.field("Architecture"), arch)
        self.assertEqual(self.deb.name, f"s3-cleanup_{self.field('Version')}_{arch}.deb")
        depends = self.field("Depends")
        names = {re.split(r"[\s(]", d.strip(), maxsplit=1)[0]
                 for alt in depends.split(",") for d in alt.split("|")}
        self.assertEqual(RUNTIME_PACKAGES - names, set(), f"Depends: {depends}")
        # Every dependency is a package this machine has (the binary runs here).
        for name in names:
            r = subprocess.run(["dpkg-query", "-W", "-f=${Status}", name], capture_output=True,
                               text=True, timeout=30)
            self.assertIn("install ok installed", r.stdout, f"{name} of Depends: {depends}")

    def test_files(self):
        listing = subprocess.run(["dpkg-deb", "-c", str(self.deb)], capture_output=True,
                                 text=True, timeout=60, check=True).stdout
        files = {}
        for line in listing.splitlines():
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            if not mode.startswith("d"):
                files[path] = (mode, owner)
        self.assertEqual(set(files), {"./usr/bin/s3-cleanup", "./usr/share/man/man1/s3-cleanup.1"},
                         listing)
        self.assertEqual(files["./usr/bin/s3-cleanup"], ("-rwxr-xr-x", "root/root"))
        self.assertEqual(files["./usr/share/man/man1/s3-cleanup.1"], ("-rw-r--r--", "root/root"))
        self.assertEqual((self.root / "usr/share/man/man1/s3-cleanup.1").read_bytes(),
                         (harness.REPO / "man" / "s3-cleanup.1").read_bytes())

    def test_the_installed_binary_is_stripped(self):
        r = subprocess.run(["file", "-b", str(self.installed)], capture_output=True, text=True,
                           timeout=30) if shutil.which("file") else None
        if r is not None:
            self.assertIn("stripped", r.stdout)
            self.assertNotIn("not stripped", r.stdout)
        self.assertLess(self.installed.stat().st_size, self.bin.stat().st_size)

    def test_installed_version(self):
        r = subprocess.run([str(self.installed), "--version"], capture_output=True, text=True,
                           timeout=30, env=self.cli_env())
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, f"s3-cleanup {self.version}\n", ""))

    def test_installed_man_page_renders(self):
        if not shutil.which("man"):
            self.skipTest("man (man-db) is not installed")
        page = self.root / "usr/share/man/man1/s3-cleanup.1"
        r = subprocess.run(["man", "--warnings", "-l", str(page)], capture_output=True, text=True,
                           timeout=60, env={**os.environ, "MANWIDTH": "80"})
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("s3-cleanup - prune old deployment folders", r.stdout)

    def test_installed_binary_makes_a_real_dry_run(self):
        b = self.new_bucket()
        deps = [Dep(f"v{i}", days_ago(5 - i), n=3) for i in range(4)]
        self.seed(b, objects_of(*deps))
        with self.unchanged(b):
            r = subprocess.run([str(self.installed), f"s3://{b}", "--keep", "2", "--dry-run",
                                "--output", "json", *self.endpoint_args()],
                               capture_output=True, text=True, timeout=120, env=self.cli_env(),
                               cwd=str(self.home))
        self.assertEqual(r.returncode, 0, r.stderr)
        plan = json.loads(r.stdout)
        self.assertPlanWellFormed(plan, b)
        self.assertDeployments(plan, [(deps[3], "keep", "newest"), (deps[2], "keep", "newest"),
                                      (deps[1], "delete", "past-keep"),
                                      (deps[0], "delete", "past-keep")])


if __name__ == "__main__":
    unittest.main()
