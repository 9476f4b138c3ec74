"""Read a `terraform show -json` plan (format 1.x) into the raw AWS shapes the live collector
records, so the same model builder and engine analyse it.

plan.py loads it; resolve.py finds values unknown until apply through the configuration's
references; network.py, glue.py and attach.py are the table {resource type: translator};
merge.py applies the result to the existing resources; region.py reads the plan's own region;
source.py maps addresses to `.tf` file and line (`--source-dir`). What a data source read only
at apply decides (a route's target, a rule's peer, a connection's subnet) is recorded in the
merged region's `ec2.KnownAfterApply` (resource id or stand-in -> why, naming the address and
attribute): the model's `Network.undecided`, which the tracer and the checks leave undecided.
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
