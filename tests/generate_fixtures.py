"""Regenerate fixtures/*.json: build each scenario in moto, collect it with the live collector,
write the snapshot. `python tests/generate_fixtures.py` (ids are random: commit the result).

fixtures/layouts.json records the ids each scenario created, for the fixture tests.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import boto3
from moto import mock_aws

sys.path.insert(0, str(Path(__file__).parent))

from glue_netcheck.collect import aws
from glue_netcheck.collect import snapshot as snapshots

from scenarios import REGION, SCENARIOS, Clients

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def generate(name: str) -> dict[str, object]:
    with mock_aws():
        clients = Clients(*(boto3.client(s, region_name=REGION) for s in ("ec2", "glue", "kms")))
        layout = SCENARIOS[name](clients)
        reader = aws.AwsReader(region=REGION)
        document = snapshots.make({REGION: aws.collect_region(reader)})
    document["created"] = "2026-11-23T00:00:00+00:00"  # stable, so regenerating diffs only ids
    snapshots.write_atomic(FIXTURES / f"{name}.json", snapshots.dumps(document))
    return {k: v for k, v in layout.__dict__.items() if v}


def main() -> None:
    os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
    os.environ.pop("AWS_ENDPOINT_URL", None)
    layouts = {name: generate(name) for name in SCENARIOS}
    (FIXTURES / "layouts.json").write_text(json.dumps(layouts, indent=1, sort_keys=True) + "\n")
    print(f"wrote {len(layouts)} fixtures to {FIXTURES}")


if __name__ == "__main__":
    main()
