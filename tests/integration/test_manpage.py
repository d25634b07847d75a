"""--help and the man page (man/s3-cleanup.1): the page renders without warnings and names
every flag of --help and every environment variable of the README; --help has examples.
Needs the binary (for --help) and man-db or groff (for rendering)."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import unittest

import harness

MAN = harness.REPO / "man" / "s3-cleanup.1"


def run(cmd, **kw):
    env = {**os.environ, "MANWIDTH": "80", "LC_ALL": "C.UTF-8", "MAN_KEEP_FORMATTING": ""}
    env.pop("MANPAGER", None)
    env.pop("PAGER", None)
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60, env=env, **kw)


def help_text() -> str:
    """`s3-cleanup --help` (skips the test without a binary)."""
    r = run([str(harness.require_binary()), "--help"])
    assert r.returncode == 0, r
    return r.stdout


class HelpTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.help = help_text()

    def test_help_has_examples_of_the_common_cases(self):
        self.assertIn("Examples:", self.help)
        examples = self.help.split("Examples:", 1)[1]
        for case in ("--dry-run", "--yes", "--older-than", "--protect", "--output json"):
            self.assertIn(case, examples, f"no example with {case}")
        self.assertIn("Exit codes:", self.help)

    def test_help_lists_every_exit_code(self):
        # As EXIT STATUS in the man page: 130 and 143 are a stop by SIGINT / SIGTERM.
        codes = self.help.split("Exit codes:", 1)[1]
        for text in ("0 done", "1 failed", "2 bad usage", "130 stopped by SIGINT",
                     "143 stopped by SIGTERM"):
            self.assertIn(text, re.sub(r"\s+", " ", codes))

    def test_help_names_every_value(self):
        # Issue 14: what a flag takes is named (--keep N), never CLI11's TEXT.
        for flag in ("--keep N", "--older-than AGE", "--before TIME", "--protect GLOB",
                     "--log-file PATH", "--endpoint-url URL", "--timeout SECONDS",
                     "--config FILE", "--protect-cloudfront ID", "--protect-referenced-by KEY",
                     "--concurrency N", "--max-attempts N"):
            self.assertIn(flag, self.help)
        self.assertNotRegex(self.help, r"\bTEXT\b")

    def test_help_lists_the_flags_of_this_issue(self):
        for flag in ("--log-file", "--no-progress", "--quiet"):
            self.assertIn(flag, self.help)


class ManPageTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        b = harness.require_binary()
        cls.help = help_text()
        cls.version = run([str(b), "--version"]).stdout.split()[-1]
        cls.source = MAN.read_text()

    def rendered(self) -> str:
        if shutil.which("man"):
            r = run(["man", "-l", str(MAN)])
        elif shutil.which("groff"):
            r = run(["groff", "-man", "-Tutf8", "-P-cbou", str(MAN)])
        else:
            self.skipTest("neither man (man-db) nor groff is installed")
        self.assertEqual(r.returncode, 0, r.stderr)
        # Plain text: no overstrike, and groff's Unicode minus/hyphens as ASCII.
        text = re.sub(r".\x08", "", r.stdout)
        return text.replace("\u2212", "-").replace("\u2010", "-")

    def test_renders_without_warnings(self):
        ran = False
        if shutil.which("man"):
            r = run(["man", "--warnings", "-l", str(MAN)])
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stderr, "", "man --warnings")
            self.assertIn("NAME", r.stdout)
            ran = True
        if shutil.which("groff"):
            r = run(["groff", "-man", "-ww", "-z", str(MAN)])
            self.assertEqual((r.returncode, r.stderr), (0, ""), "groff -man -ww -z")
            ran = True
        if not ran:
            self.skipTest("neither man (man-db) nor groff is installed")

    def test_sections(self):
        headings = re.findall(r"^\.SH\s+\"?([^\"\n]+)\"?$", self.source, re.M)
        for s in ("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "EXIT STATUS",
                  "FILES", "EXAMPLES", "SEE ALSO"):
            self.assertIn(s, headings)
        self.assertTrue(self.source.splitlines()[0].startswith(".\\\""), "a comment first")
        th = re.search(r"^\.TH\s+(\S+)\s+1\s+.*\"s3-cleanup ([^\"]+)\"", self.source, re.M)
        self.assertIsNotNone(th, "a .TH line with section 1 and the version")
        self.assertEqual(th.group(2), self.version, "the man page's version is --version's")

    def test_every_flag_of_help_is_documented(self):
        text = self.rendered()
        flags = set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*)", self.help))
        shorts = set(re.findall(r"(?<![\w-])(-[a-z]),--", self.help))
        self.assertGreaterEqual(len(flags), 20, self.help)
        options = text.split("\nOPTIONS\n", 1)[1].split("\nAUDIT LOG\n", 1)[0]
        for flag in sorted(flags):
            # In OPTIONS as an item of its own: a line that starts with the flag.
            entry = re.search(rf"(?m)^ {{7}}(-[a-z], )?{re.escape(flag)}\b", options)
            self.assertIsNotNone(entry, f"{flag} has no entry in OPTIONS")
        for short in sorted(shorts):
            entry = re.search(rf"(?m)^ {{7}}{re.escape(short)}, --", options)
            self.assertIsNotNone(entry, f"{short} has no entry in OPTIONS")
        # And nothing documented that the binary does not have.
        documented = set(re.findall(r"(?m)^ {7}(?:-[a-z], )?(--[a-z][a-z0-9-]*)", options))
        self.assertEqual(documented - flags, set(), "flags in the man page but not in --help")

    def test_environment_variables_of_the_readme(self):
        readme = (harness.REPO / "README.md").read_text()
        names = set(re.findall(r"\b((?:AWS|S3_CLEANUP)_[A-Z0-9_]*[A-Z0-9])\b", readme))
        env = self.rendered().split("\nENVIRONMENT\n", 1)[1].split("\nEXIT STATUS\n", 1)[0]
        env = env.replace("\u2010\n", "").replace("-\n", "")  # words hyphenated at line ends
        env = re.sub(r"\s+", " ", env)
        missing = sorted(n for n in names if not re.search(rf"\b{n}\b", env))
        self.assertEqual(missing, [], "README variables not in ENVIRONMENT")

    def test_exit_status_and_files(self):
        text = self.rendered()
        status = text.split("\nEXIT STATUS\n", 1)[1].split("\nFILES\n", 1)[0]
        for code in ("0", "1", "2", "130", "143"):
            self.assertRegex(status, rf"(?m)^ {{7}}(\d+, )?{code}\b")
        files = text.split("\nFILES\n", 1)[1].split("\nEXAMPLES\n", 1)[0]
        self.assertIn("~/.aws/config", files)
        self.assertIn("~/.aws/credentials", files)


if __name__ == "__main__":
    unittest.main()
