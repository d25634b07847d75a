import unittest, rgw_harness
class K(rgw_harness.S3ServerTestCase):
    needs_binary = False
    def test_kind(self):
        b = self.new_bucket()
        self.seed(b, {"a": b"x", "b c": b"y"})
        print(type(self.server).__name__, self.list_keys(b))
