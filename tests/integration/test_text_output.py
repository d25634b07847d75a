"""The text output for people: the plan table and the report after deleting.

Columns are sized by terminal display width (East Asian wide characters take two
columns, combining marks none), names past 60 columns are cut in the middle with "…"
(the JSON keeps them whole), and every count agrees with its noun ("1 object").
"""
import datetime as dt
import re
import unicodedata
import unittest

from harness import Dep, S3TestCase, objects_of

H = dt.timedelta(hours=1)
T0 = dt.datetime(2026, 5, 1, 12, 0, 0, tzinfo=dt.timezone.utc)

NINETY = "".join(chr(ord("a") + i % 26) for i in range(90))
JAPANESE = "\u65e5\u672c\u8a9e"  # 日本語: three characters, six columns
LONG_JAPANESE = JAPANESE * 12  # 36 characters, 72 columns: cut too
COMBINING = "cafe\u0301"  # e + combining acute: four columns
TIME = re.compile(r"  \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ  ")


def width(text: str) -> int:
    """Terminal columns, as wcwidth counts them for these names."""
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def shortened(name: str) -> str:
    """The middle cut for ASCII: 30 columns, "…", the last 29."""
    return name[:30] + "\u2026" + name[-29:]


class TextTableTest(S3TestCase):

    def seed_names(self, bucket):
        # Newest first: NINETY, LONG_JAPANESE, JAPANESE, COMBINING, "plain", "one".
        deps = [Dep(NINETY, T0 + 6 * H, n=2), Dep(LONG_JAPANESE, T0 + 5 * H, n=2),
                Dep(JAPANESE, T0 + 4 * H, n=3), Dep(COMBINING, T0 + 3 * H, n=2),
                Dep("plain", T0 + 2 * H, n=2), Dep("one", T0 + 1 * H, n=1, size=10)]
        self.seed(bucket, objects_of(*deps), via="s3")
        return deps

    def table_rows(self, stdout: str) -> tuple[str, list[str]]:
        lines = stdout.splitlines()
        header = next(i for i, l in enumerate(lines) if l.startswith("DEPLOYMENT"))
        rows = []
        for line in lines[header + 1:]:
            if not TIME.search(line):
                break
            rows.append(line)
        return lines[header], rows

    def test_columns_line_up_by_display_width(self):
        b = self.new_bucket()
        self.seed_names(b)
        full = [f"s3://{b}", "--keep", "5", "--dry-run", *self.endpoint_args()]
        with self.unchanged(b):
            r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        header, rows = self.table_rows(r.stdout)
        self.assertEqual(len(rows), 6, self.explain(r, full))
        # Every column after the name starts at the same display column, the header's too.
        name_column = width(header[:header.index("  LAST WRITTEN")])
        self.assertEqual(name_column, 60, header)
        for row in rows:
            with self.subTest(row=row):
                self.assertEqual(width(row[:TIME.search(row).start()]), name_column, r.stdout)
                action = re.search(r"  (KEEP|DELETE)  ", row).start()
                self.assertEqual(width(row[:action]), width(header[:header.index("  ACTION")]),
                                 r.stdout)
        # Long names are cut in the middle, to 60 columns at most; short ones shown whole.
        self.assertTrue(rows[0].startswith(shortened(NINETY) + "  "), rows[0])
        self.assertTrue(rows[1].startswith(LONG_JAPANESE[:15] + "\u2026"), rows[1])
        self.assertIn(width(rows[1].split("\u2026")[0]) + 1 +
                      width(rows[1].split("\u2026")[1].split(" ")[0]), (59, 60), rows[1])
        self.assertTrue(rows[2].startswith(JAPANESE + " " * 54 + "  "), rows[2])
        self.assertTrue(rows[3].startswith(COMBINING + " " * 56 + "  "), rows[3])
        self.assertTrue(rows[5].startswith("one" + " " * 57 + "  "), rows[5])
        # The one doomed deployment has one object: singular nouns.
        self.assertIn("Summary: 6 deployments, keep 5, delete 1 (1 object, 10 B)", r.stdout)

    def test_json_keeps_the_whole_name(self):
        b = self.new_bucket()
        self.seed_names(b)
        with self.unchanged(b):
            plan = self.plan(f"s3://{b}", "--keep", "5")
        self.assertIn(NINETY, [d["name"] for d in plan["deployments"]])
        self.assertIn(LONG_JAPANESE, [d["name"] for d in plan["deployments"]])

    def test_one_deployment_one_object_deleted(self):
        b = self.new_bucket()
        self.seed_names(b)
        full = [f"s3://{b}", "--keep", "5", "--yes", "--no-progress", *self.endpoint_args()]
        r = self.run_cli(*full)
        self.assertEqual(r.returncode, 0, self.explain(r, full))
        done = [l for l in r.stdout.splitlines() if l.startswith("Done: ")]
        self.assertEqual(len(done), 1, self.explain(r, full))
        self.assertRegex(done[0], r"^Done: deleted 1 deployment, 1 object, 10 B freed in "
                                  r"\d+\.\d s \(\d+ list(?: requests)?, 1 delete request\)$")
        self.assertEqual(self.list_keys(b, "one/"), [])


if __name__ == "__main__":
    unittest.main()
