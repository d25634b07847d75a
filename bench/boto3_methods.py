#!/usr/bin/env python3
"""The two boto3 ways of deleting deployments that the benchmark compares with s3-cleanup.

    python3 bench/boto3_methods.py per-object|batched --endpoint-url URL --bucket B DEP...

Credentials and region come from the environment (AWS_ACCESS_KEY_ID, ...).

Both list the bucket the plain way (one ListObjectsV2 paginator over the whole bucket,
1000 keys a page, one request at a time) and keep the keys under `DEP/` for each DEP
given (the benchmark names the deployments to delete), then:

  per-object  DeleteObject once per key, one at a time: the reference solution's way;
  batched     DeleteObjects with 1000 keys a request (Quiet), one request at a time.

Prints one JSON line: {"listed": N, "matched": N, "deleted": N, "errors": [...]};
exit 1 when a key was not deleted.
"""
from __future__ import annotations

import argparse
import json
import sys

import boto3
from botocore.config import Config


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=("per-object", "batched"))
    ap.add_argument("--endpoint-url", required=True)
    ap.add_argument("--bucket", required=True)
    ap.add_argument("deployments", nargs="+")
    args = ap.parse_args()

    s3 = boto3.client("s3", endpoint_url=args.endpoint_url,
                      config=Config(s3={"addressing_style": "path"},
                                    retries={"mode": "standard", "max_attempts": 3}))
    doomed = set(args.deployments)
    listed = 0
    keys: list[str] = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=args.bucket):
        for obj in page.get("Contents", []):
            listed += 1
            top, sep, _ = obj["Key"].partition("/")
            if sep and top in doomed:
                keys.append(obj["Key"])

    errors = []
    deleted = 0
    if args.mode == "per-object":
        for key in keys:
            try:
                s3.delete_object(Bucket=args.bucket, Key=key)
                deleted += 1
            except Exception as e:  # noqa: BLE001 - reported, counted, not fatal
                errors.append({"key": key, "error": str(e)})
    else:
        for i in range(0, len(keys), 1000):
            batch = keys[i:i + 1000]
            r = s3.delete_objects(Bucket=args.bucket, Delete={
                "Objects": [{"Key": k} for k in batch], "Quiet": True})
            failed = r.get("Errors", [])
            errors += [{"key": e.get("Key"), "error": e.get("Code")} for e in failed]
            deleted += len(batch) - len(failed)
    print(json.dumps({"listed": listed, "matched": len(keys), "deleted": deleted,
                      "errors": errors[:20], "error_count": len(errors)}))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
