"""Read a `terraform show -json` plan (format 1.x) into the raw AWS shapes the live collector
records, so the same model builder and engine analyse it.

plan.py loads it; resolve.py finds values unknown until apply through the configuration's
references; network.py, glue.py and attach.py are the table {resource type: translator};
merge.py applies the result to the existing resources.
"""

from __future__ import annotations

from glue_netcheck.collect.terraform.merge import affected_connections, apply, existing_ids, merge, translate
from glue_netcheck.collect.terraform.plan import Plan, PlanError, Resource, load, parse

__all__ = [
    "Plan",
    "PlanError",
    "Resource",
    "affected_connections",
    "apply",
    "existing_ids",
    "load",
    "merge",
    "parse",
    "translate",
]
