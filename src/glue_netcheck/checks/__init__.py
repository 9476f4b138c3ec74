"""The registry: an explicit, ordered list of every check (no import side effects)."""

from __future__ import annotations

from glue_netcheck.checks import (
    availability_zone,
    custom_dns,
    egress,
    endpoint_private_dns,
    endpoint_security_group,
    free_ips,
    resources_exist,
    self_reference,
    service_paths,
    vpc_dns,
)
from glue_netcheck.checks.base import Check, Context

REGISTRY: tuple[Check, ...] = (
    resources_exist.CHECK,
    availability_zone.CHECK,
    self_reference.CHECK,
    egress.CHECK,
    vpc_dns.CHECK,
    custom_dns.CHECK,
    free_ips.CHECK,
    *service_paths.CHECKS,
    *endpoint_private_dns.CHECKS,
    *endpoint_security_group.CHECKS,
)

BY_ID: dict[str, Check] = {c.id: c for c in REGISTRY}
assert len(BY_ID) == len(REGISTRY), "duplicate check id"

__all__ = ["BY_ID", "REGISTRY", "Check", "Context"]
