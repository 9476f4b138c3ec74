"""Read a `terraform show -json` plan (format 1.x) into the raw AWS shapes the live collector
records, so the same model builder and engine analyse it.

plan.py loads it; resolve.py finds values unknown until apply through the configuration's
references; network.py, glue.py and attach.py are the table {resource type: translator};
merge.py applies the result to the existing resources; region.py reads the plan's own region;
source.py maps addresses to `.tf` file and line (`--source-dir`).
"""

from __future__ import annotations

from glue_netcheck.collect.terraform.merge import (
    affected_connections,
    apply,
    changed_vpcs,
    existing_ids,
    merge,
    translate,
)
from glue_netcheck.collect.terraform.plan import Plan, PlanError, Resource, load, parse
from glue_netcheck.collect.terraform.region import analysis_region, no_connection_message, plan_region
from glue_netcheck.collect.terraform.source import Location, source_locations

__all__ = [
    "Location",
    "Plan",
    "PlanError",
    "Resource",
    "affected_connections",
    "analysis_region",
    "apply",
    "changed_vpcs",
    "existing_ids",
    "load",
    "merge",
    "no_connection_message",
    "parse",
    "plan_region",
    "source_locations",
    "translate",
]
