"""What checks report: a finding names one resource, says what Glue will do, and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}

FAILURE_CODES = (
    "kms-timeout",
    "crawler-internal-service-exception",
    "s3-endpoint-validation-failed",
    "s3-timeout",
    "security-group-validation-failed",
    "dns-resolution-failure",
    "insufficient-ip-addresses",
    "invalid-network-configuration",
    "target-unreachable",
    "kms-access-denied",
    "python-modules-unreachable",
    "connector-download-failed",
    "role-missing-network-permissions",
    "endpoint-policy-denied",
)


@dataclass(frozen=True, slots=True)
class Fix:
    """A machine-usable fix (CONTRACT.md "Fixes"): filled in by glue_netcheck.fixes.proof."""

    verified: bool
    effect: str
    commands: tuple[str, ...] = ()
    terraform: str = ""


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    severity: Severity
    resource: str
    message: str
    remediation: str
    predicts: tuple[str, ...] = ()
    # Checks that saw the same cause and were folded into this finding (analyse/fold.py).
    folded: tuple[str, ...] = ()
    fix: Fix | None = None  # CONTRACT.md "Fixes": set by glue_netcheck.fixes.proof

    def __post_init__(self) -> None:
        unknown = set(self.predicts) - set(FAILURE_CODES)
        if unknown:
            raise ValueError(f"{self.check}: unknown failure codes {sorted(unknown)}")
