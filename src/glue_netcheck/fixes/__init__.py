"""Proven fixes: candidate changes of the model, applied and re-analysed (issue 15).

The layer after analyse/ and before report/: `prove(inventory, report)` fills each finding's
`fix`; `fix_plan(inventory, name)` is the `fix` command's back end, rendered by `render_sh`,
`render_terraform` and `render_json`.

`prove` and `fix_plan` here load the candidate tables, the model edits and the prover on first
use, not at import: a report with nothing to fix (the common CI answer) never needs them, and
they are a tenth of the CLI's start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from glue_netcheck.fixes.render import render_json, render_sh, render_terraform

if TYPE_CHECKING:
    from glue_netcheck.analyse.results import ConnectionReport
    from glue_netcheck.fixes.plan import FixPlan
    from glue_netcheck.model.glue import Inventory

PROVEN_SEVERITIES = ("error", "warning")  # the findings a fix is sought for (fixes/proof.py)


def prove(
    inventory: Inventory, report: ConnectionReport, addresses: Mapping[str, str] | None = None
) -> ConnectionReport:
    """fixes/proof.py's `prove`; a report without an error or warning is returned as it is
    (proving it would change nothing)."""
    if not any(f.severity in PROVEN_SEVERITIES for f in report.findings):
        return report
    from glue_netcheck.fixes.proof import prove as proving

    return proving(inventory, report, addresses)


def fix_plan(inventory: Inventory, name: str) -> FixPlan:
    """fixes/plan.py's `fix_plan`."""
    from glue_netcheck.fixes.plan import fix_plan as planning

    return planning(inventory, name)


__all__ = ["fix_plan", "prove", "render_json", "render_sh", "render_terraform"]
