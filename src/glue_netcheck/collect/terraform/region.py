"""What a plan says about itself: the region its AWS provider is configured for, and what was
looked at when it has no Glue connection to analyse."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from glue_netcheck.collect.terraform.plan import Plan, PlanError
from glue_netcheck.collect.terraform.refs import leaves, steps


def plan_region(plan: Plan) -> str | None:
    """The root module's default `aws` provider's region, variables resolved; None when the
    plan does not say (Terraform then took it from the environment, which the plan omits)."""
    providers = plan.configuration.get("provider_config") or {}
    config = providers.get("aws")
    if not isinstance(config, Mapping):
        config = next(
            (p for p in providers.values() if isinstance(p, Mapping) and p.get("name") == "aws" and not p.get("alias")),
            None,
        )
    if not isinstance(config, Mapping) or config.get("module_address"):
        return None
    expression = (config.get("expressions") or {}).get("region") or {}
    if isinstance(expression.get("constant_value"), str):
        return str(expression["constant_value"]) or None
    for reference in leaves(list(expression.get("references") or [])):
        parts = steps(reference)
        if parts[0] == "var" and len(parts) >= 2 and isinstance(plan.variables.get(str(parts[1])), str):
            return str(plan.variables[str(parts[1])]) or None
    return None


def no_connection_message(plan: Plan, base: Mapping[str, Any], merged: Mapping[str, Any]) -> str:
    """Why there is nothing to analyse (`apply` named no connection), naming what was looked
    at: the account's connections and the VPCs the plan changes (by address when planned)."""
    from glue_netcheck.collect.terraform.merge import changed_vpcs

    connections = (merged.get("glue") or {}).get("Connections") or []
    changed = sorted(plan.addresses.get(v, v) for v in changed_vpcs(plan, base) if v)
    vpcs = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "") or "none"
    return (
        f"{plan.source}: no aws_glue_connection in the plan, and none of the account's "
        f"{len(connections)} connection(s) is in a VPC the plan changes (VPCs changed: {vpcs})"
    )


def analysis_region(plan: Plan, asked: str | None) -> str | None:
    """The region to analyse the plan in: `--region` when given, else the plan's own; a plan
    for one region is never analysed as another."""
    own = plan_region(plan)
    if asked and own and asked != own:
        raise PlanError(f"{plan.source}: the plan is for region {own} (its aws provider), not --region {asked}")
    return asked or own
