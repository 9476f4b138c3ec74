"""A plan's report speaks Terraform: its fixes are the change at the resource's address, never
CLI commands on stand-in ids of resources that do not exist yet (issue 14, item 5)."""

from __future__ import annotations

import json
import re

from conftest import FIXTURES, run_cli

FLAT = FIXTURES / "terraform" / "flat"
NAME = re.compile(r'^resource "[a-z0-9_]+" "([^"]+)"', re.M)


def test_plan_text_shows_terraform_fixes_at_addresses() -> None:
    case = "nat-without-igw-route"
    result = run_cli(
        "plan", str(FLAT / f"{case}.plan.json"), "--snapshot", str(FLAT / f"{case}.before.json"), "--no-color"
    )
    assert result.code in (0, 1, 3), result.stderr  # the analysis ran (3: some path undecided)
    fixes = result.stdout.split("  Fix:\n")[1:]
    assert fixes, result.stdout
    first = fixes[0].split("\n\n")[0]
    assert 'resource "aws_route"' in first and "aws_default_route_table.main.id" in first
    assert "aws ec2 " not in first


def test_every_terraform_fix_has_a_valid_resource_name() -> None:
    seen = 0
    for case in ("nat-without-igw-route", "kms-private-dns-off"):
        result = run_cli(
            "plan", str(FLAT / f"{case}.plan.json"), "--snapshot", str(FLAT / f"{case}.before.json"), "-f", "json"
        )
        names = [
            n
            for r in json.loads(result.stdout)["results"]
            for f in r["findings"]
            if f["fix"]
            for n in NAME.findall(f["fix"]["terraform"])
        ]
        for name in names:
            assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", name), name
        seen += len(names)
    assert seen  # stand-in ids such as rtb-vpc-aws_vpc.main.default hold dots
