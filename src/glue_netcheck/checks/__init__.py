"""The registry: an explicit, ordered list of every check (no import side effects)."""

from __future__ import annotations

from glue_netcheck.checks import (
    availability_zone,
    block_public_access,
    bookmark_script,
    bucket_region,
    connector_image,
    consumer_connections,
    custom_dns,
    egress,
    endpoint_policy,
    endpoint_private_dns,
    endpoint_security_group,
    free_ips,
    kms_key_policy,
    kms_key_region,
    kms_key_state,
    nacl_ephemeral,
    python_modules,
    read_permissions,
    resources_exist,
    role_permissions,
    script_services,
    security_configuration,
    self_reference,
    service_paths,
    sts_global,
    target,
    vpc_dns,
)
from glue_netcheck.checks.base import AnyCheck, Check, ConsumerContext, Context

# Checks of one connection (its network), run by `connection`, `scan`, `job`, `crawler`.
REGISTRY: tuple[Check[Context], ...] = (
    read_permissions.CHECK,
    resources_exist.CHECK,
    availability_zone.CHECK,
    self_reference.CHECK,
    egress.CHECK,
    vpc_dns.CHECK,
    custom_dns.CHECK,
    free_ips.CHECK,
    *service_paths.CHECKS,
    block_public_access.CHECK,
    target.CHECK,
    nacl_ephemeral.CHECK,
    *endpoint_private_dns.CHECKS,
    *endpoint_security_group.CHECKS,
)

# Checks of a job or crawler itself (security configuration, KMS keys), run by `job`, `crawler`.
CONSUMER_REGISTRY: tuple[Check[ConsumerContext], ...] = (
    consumer_connections.CHECK,
    security_configuration.CHECK,
    kms_key_state.CHECK,
    kms_key_policy.CHECK,
    kms_key_region.CHECK,
    bookmark_script.CHECK,
    bucket_region.CHECK,
    python_modules.CHECK,
    connector_image.CHECK,
    sts_global.CHECK,
    role_permissions.CHECK,
    script_services.CHECK,
    endpoint_policy.CHECK,
)

ALL: tuple[AnyCheck, ...] = (*REGISTRY, *CONSUMER_REGISTRY)
BY_ID: dict[str, AnyCheck] = {c.id: c for c in ALL}

__all__ = ["ALL", "BY_ID", "CONSUMER_REGISTRY", "REGISTRY", "Check", "ConsumerContext", "Context"]
