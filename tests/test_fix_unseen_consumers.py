"""A fix is proven on the same assumptions as the analysis it cures: with glue:GetJobs denied,
a job may use the connection with KMS (checks/predict.py), so the plan must also give KMS a
path: the self-referencing rule alone leaves a job's KMS timeout (it was reported cleared). The estate:
the kms-unused fixture (KMS has no route; the crawler listed does not encrypt with KMS) with
the jobs unlisted and the self-referencing rule removed; the twin lists the jobs."""

from __future__ import annotations

import copy
import json
from typing import Any

from glue_netcheck.analyse.connection import analyse_connection
from glue_netcheck.fixes import fix_plan
from glue_netcheck.model.build import build_inventory

from conftest import FIXTURES

RAW: dict[str, Any] = json.loads((FIXTURES / "kms-unused.json").read_text())["regions"]["us-east-1"]
GLUE_SG = "sg-ad2e862dffffc5dcc"


def _inventory(jobs_listed: bool):  # type: ignore[no-untyped-def]
    raw = copy.deepcopy(RAW)
    (group,) = [g for g in raw["ec2"]["SecurityGroups"] if g["GroupId"] == GLUE_SG]
    group["IpPermissions"] = []  # no self-referencing rule
    if not jobs_listed:
        raw["glue"]["Jobs"] = []
        raw["glue"]["Denied"] = [*raw["glue"].get("Denied", []), "glue:GetJobs"]
    return build_inventory("us-east-1", raw)


def _checks(plan) -> list[str]:  # type: ignore[no-untyped-def]
    return [step.check for step in plan.steps]


def test_with_the_jobs_unlisted_the_plan_also_gives_kms_a_path() -> None:
    inventory = _inventory(jobs_listed=False)
    assert "kms-timeout" in analyse_connection(inventory, "orders-db").predicted_failures

    plan = fix_plan(inventory, "orders-db")

    assert _checks(plan) == ["self-referencing-rule", "kms-reachable"]
    assert all(step.fix.verified for step in plan.steps)
    assert plan.after == () and plan.exit_code == 0


def test_twin_with_the_jobs_listed_the_self_reference_clears_every_failure() -> None:
    """The twin: the jobs listed, none encrypts with KMS; the unreachable KMS only warns."""
    plan = fix_plan(_inventory(jobs_listed=True), "orders-db")

    assert _checks(plan) == ["self-referencing-rule"]
    assert GLUE_SG in " ".join(plan.steps[0].fix.commands)
    assert plan.after == () and plan.exit_code == 0
