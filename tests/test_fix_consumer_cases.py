"""Every error finding of a job or crawler (its own findings) in the check case files
(tests/checks/cases) has a fix the engine verified, whose commands are valid shell with no
placeholder; the few no configuration change cures are named with why, and their fix (if
any) says it is not verified. Every consumer of each case's snapshot is proven, not only the
file's subject, so a crawler gets the same guarantee as the job."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from glue_netcheck.analyse.consumer import analyse_consumer
from glue_netcheck.checks.finding import Finding
from glue_netcheck.fixes.consumer import prove_consumer
from glue_netcheck.model.build import build_inventory
from test_fix_consumer import bash_n

sys.path.insert(0, str(Path(__file__).parent / "checks"))
from test_cases import CASES, apply_patch, load

# (check file, case, check): why no configuration change cures it.
NO_CURE = {
    ("kms-key-state", "the key does not exist", "kms-key-state"): "no setting brings back a deleted key",
    (
        "role-network-permissions",
        "an attached policy denies ec2:CreateNetworkInterface",
        "role-network-permissions",
    ): "an explicit Deny in one of the role's policies, which the data holds without its name: no Allow outweighs it",
}


def consumer_cases() -> list[tuple[str, str]]:
    return [
        (p.stem, c["name"])
        for p in sorted(CASES.glob("*.json"))
        if not load(p)["subject"].startswith("connection ")
        for c in load(p)["cases"]
    ]


def own_errors(check_file: str, name: str) -> list[tuple[str, Finding]]:
    """(consumer, finding) for each error finding of each job and crawler of the case."""
    spec = load(CASES / f"{check_file}.json")
    (case,) = [c for c in spec["cases"] if c["name"] == name]
    inventory = build_inventory(spec["region"], apply_patch(spec["snapshot"], case["patch"]))
    found = []
    for consumer in inventory.consumers:
        report = prove_consumer(inventory, analyse_consumer(inventory, consumer.kind, consumer.name))
        found += [(f"{consumer.kind} {consumer.name}", f) for f in report.findings if f.severity == "error"]
    return found


@pytest.mark.parametrize(("check_file", "name"), consumer_cases())
def test_every_error_finding_of_a_job_or_crawler_has_a_verified_runnable_fix(check_file: str, name: str) -> None:
    for consumer, finding in own_errors(check_file, name):
        if (check_file, name, finding.check) in NO_CURE:
            assert finding.fix is None or (not finding.fix.verified and "not verified: " in finding.fix.effect)
            continue
        assert finding.fix is not None, (consumer, finding)
        assert finding.fix.verified, (consumer, finding.fix.effect)
        script = "\n".join(finding.fix.commands)
        assert finding.fix.commands and bash_n(script) == "", script
        assert "<" not in script and ">" not in script, script
        assert finding.fix.terraform


def test_the_no_cure_cases_exist_and_fail() -> None:
    """NO_CURE names real cases with that error (a stale entry would excuse nothing)."""
    for check_file, name, check in NO_CURE:
        assert check in {f.check for _, f in own_errors(check_file, name)}
