"""One story per cause: a blocked path is seen by the path check (`kms-reachable`) and by the
check that knows why (`kms-endpoint-private-dns`); the report keeps the one that knows why and
folds the others into it, so the cause and its fix are said once."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from glue_netcheck.checks import service_paths
from glue_netcheck.checks.finding import SEVERITY_ORDER, Finding

# Checks that only say "this path is blocked at X": a finding of another check on X with the
# same severity is the cause, told better (no self-referencing egress, DNS support off, private
# DNS off...); it takes over what the path check predicts.
GENERIC: frozenset[str] = frozenset({*(c.id for c in service_paths.CHECKS), "target-reachable"})


def _rank(finding: Finding) -> tuple[int, int]:
    return (SEVERITY_ORDER[finding.severity], finding.check in GENERIC)


def _same_cause(kept: Finding, other: Finding) -> bool:
    if kept.resource != other.resource or kept.severity != other.severity:
        return False
    if kept.remediation and kept.remediation == other.remediation:
        return True  # the same fix on the same resource: one cause
    return other.check in GENERIC and kept.check not in GENERIC


def fold(findings: Iterable[Finding]) -> list[Finding]:
    """Findings of one connection, each cause once; `folded` names the checks folded in."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=_rank):
        home = next((i for i, k in enumerate(kept) if _same_cause(k, finding)), None)
        if home is None:
            kept.append(finding)
        else:
            into = kept[home]
            kept[home] = replace(
                into,
                predicts=tuple(sorted({*into.predicts, *finding.predicts})),
                folded=(*into.folded, finding.check, *finding.folded),
            )
    return kept
