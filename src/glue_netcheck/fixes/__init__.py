"""Proven fixes: candidate changes of the model, applied and re-analysed (issue 15).

The layer after analyse/ and before report/: `prove(inventory, report)` fills each finding's
`fix`; `fix_plan(inventory, name)` is the `fix` command's back end, rendered by `render_sh`,
`render_terraform` and `render_json`.
"""

from glue_netcheck.fixes.plan import FixPlan, Step, fix_plan
from glue_netcheck.fixes.prove import prove, prove_finding
from glue_netcheck.fixes.render import render_json, render_sh, render_terraform

__all__ = ["FixPlan", "Step", "fix_plan", "prove", "prove_finding", "render_json", "render_sh", "render_terraform"]
