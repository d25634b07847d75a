"""Listing keys back whichever way the server encodes them for `encoding-type=url`.

S3 encodes listed keys when asked (encoding-type=url), and clients must decode them.
The test server can answer three ways (see tests/s3server/moto_s3.py --url-encoding):
moto's own percent-encoding, Java-URLEncoder "form" style (space as '+', '/' as %2F),
and no encoding at all (the response then carries no <EncodingType>). The plan must be
the same in each case.
"""
import datetime as dt
import unittest

import harness
from harness import Dep, S3TestCase, objects_of

H = dt.timedelta(hours=1)
T0 = dt.datetime(2026, 4, 1, 0, 0, 0, tzinfo=dt.timezone.utc)
NAMES = ["a b", "p+q", "x%2Fy", "100%", "caf\u00e9", "\u65e5\u672c", "*star", "t~", "(x)!'",
         "a&b<c>", "e=q;@,:"]
FILES = ["f +.txt", "g%20h", "i/j k/l+m"]


class EncodingModesTest(S3TestCase):
    mode = "moto"
    names = NAMES + ["ctl\x01x"]  # U+0001 cannot travel un-encoded in XML 1.0

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if cls.mode != "moto":  # the default mode is the shared server
            cls.server = harness.S3Server("--url-encoding", cls.mode).start()
            cls.addClassCleanup(cls.server.cleanup)

    def test_plan_with_special_names(self):
        b = self.new_bucket()
        root = "r o+o%t/"
        deps = [Dep(n, T0 + i * H, n=3, files=FILES, root=root) for i, n in enumerate(self.names)]
        self.seed(b, objects_of(*deps, extra={root + "root +%.txt": (b"r", T0)}), via="s3")
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}/{root}", "--keep", "2")
        self.assertPlanWellFormed(plan, b, root)
        nf = deps[::-1]
        self.assertDeployments(plan, [(d, "keep", "newest") for d in nf[:2]]
                               + [(d, "delete", "past-keep") for d in nf[2:]])


class FormEncodingTest(EncodingModesTest):
    mode = "form"


class NoEncodingTest(EncodingModesTest):
    mode = "none"
    names = NAMES


if __name__ == "__main__":
    unittest.main()
