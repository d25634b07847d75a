"""test_both_servers' cases on Ceph RGW, a production S3 implementation (see that module's
docstring for the request budget they check). A module of its own so that ctest can label
it `slow`: plain scripts/test runs the cases on moto only, scripts/test --full on both.
"""
from __future__ import annotations

import unittest

import rgw_harness
from test_both_servers import Cases


class OnRGW(Cases, rgw_harness.S3ServerTestCase):
    s3_server = "rgw"


if __name__ == "__main__":
    unittest.main()
