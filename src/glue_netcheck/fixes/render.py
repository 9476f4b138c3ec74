"""The `fix` command's outputs: a runnable script, Terraform, or JSON. Pure: strings out."""

from __future__ import annotations

import json
from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI names these renderers at start-up; the plan machinery loads on use
    from glue_netcheck.fixes.plan import FixPlan


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in text.splitlines() or [""]]


def render_sh(plan: FixPlan) -> str:
    """One script: `set -euo pipefail`, each step's effect as a comment, one command a line."""
    out = [
        "#!/usr/bin/env bash",
        f"# glue-netcheck fix for Glue connection {plan.connection} in {plan.region}",
        "# It changes your account when run; review it first. Each step was applied to the analysed",
        "# model and the analysis run again (verified: the effect below was seen).",
        "set -euo pipefail",
        f"export AWS_REGION={plan.region} AWS_DEFAULT_REGION={plan.region}",
    ]
    for number, step in enumerate(plan.steps, 1):
        out.append("")
        state = "verified" if step.fix.verified else "not verified alone"
        out += _comment(f"step {number} ({state}), for {step.check} on {step.resource}: {step.fix.effect}")
        out += list(step.fix.commands)
    out.append("")
    if plan.before and not plan.after:
        out += _comment(f"after these steps no failure is predicted (was: {', '.join(plan.before)})")
    for line in plan.remaining:
        out += _comment(f"left: {line}")
    if not plan.steps and plan.remaining:
        out += _comment("no change found that the analysis can prove")
    elif not plan.steps:
        out += _comment("nothing to fix: no error is predicted")
    return "\n".join(out) + "\n"


def render_terraform(plan: FixPlan) -> str:
    out = [f"# glue-netcheck fix for Glue connection {plan.connection} in {plan.region}"]
    for number, step in enumerate(plan.steps, 1):
        out.append("")
        out += _comment(f"step {number}, for {step.check} on {step.resource}: {step.fix.effect}")
        out.append(step.fix.terraform)
    for line in plan.remaining:
        out += _comment(f"left: {line}")
    return "\n".join(out) + "\n"


def plan_dict(plan: FixPlan) -> dict[str, object]:
    return {
        "connection": plan.connection,
        "region": plan.region,
        "clears_every_failure": plan.exit_code == 0,
        "predicted_failures_before": list(plan.before),
        "predicted_failures_after": list(plan.after),
        "steps": [
            {
                "check": s.check,
                "resource": s.resource,
                "fix": {
                    "verified": s.fix.verified,
                    "effect": s.fix.effect,
                    "commands": list(s.fix.commands),
                    "terraform": s.fix.terraform,
                },
            }
            for s in plan.steps
        ],
        "remaining": list(plan.remaining),
    }


def render_json(plan: FixPlan) -> str:
    return json.dumps(plan_dict(plan), indent=2) + "\n"


class FixFormat(StrEnum):
    sh = "sh"
    terraform = "terraform"
    json = "json"


RENDERERS: dict[str, Callable[[FixPlan], str]] = {"sh": render_sh, "terraform": render_terraform, "json": render_json}
