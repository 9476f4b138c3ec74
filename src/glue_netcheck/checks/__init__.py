"""The registry: an explicit, ordered list of every check (no import side effects).

The lists are built on first use (PEP 562 `__getattr__`): `glue-netcheck --help`, and the
modules that only need `checks.finding` or `checks.remediation`, import no check module, and
`connection` or `scan` never imports the job and crawler checks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from glue_netcheck.checks.base import AnyCheck, Check, ConsumerContext, Context

    REGISTRY: tuple[Check[Context], ...]
    CONSUMER_REGISTRY: tuple[Check[ConsumerContext], ...]
    ALL: tuple[AnyCheck, ...]
    BY_ID: dict[str, AnyCheck]


def _connection_checks() -> tuple[Check[Context], ...]:
    # Checks of one connection (its network), run by `connection`, `scan`, `job`, `crawler`.
    from glue_netcheck.checks import (
        availability_zone,
        block_public_access,
        custom_dns,
        egress,
        endpoint_private_dns,
        endpoint_security_group,
        free_ips,
        nacl_ephemeral,
        read_permissions,
        resources_exist,
        self_reference,
        service_paths,
        target,
        vpc_dns,
    )

    return (
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


def _consumer_checks() -> tuple[Check[ConsumerContext], ...]:
    # Checks of a job or crawler itself (security configuration, KMS keys), run by `job`, `crawler`.
    from glue_netcheck.checks import (
        bookmark_script,
        bucket_region,
        connector_image,
        consumer_connections,
        endpoint_policy,
        kms_key_policy,
        kms_key_region,
        kms_key_state,
        python_modules,
        role_permissions,
        script_services,
        security_configuration,
        sts_global,
    )

    return (
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


def __getattr__(name: str) -> Any:
    value: Any
    if name == "REGISTRY":
        value = _connection_checks()
    elif name == "CONSUMER_REGISTRY":
        value = _consumer_checks()
    elif name == "ALL":
        value = (*__getattr__("REGISTRY"), *__getattr__("CONSUMER_REGISTRY"))
    elif name == "BY_ID":
        value = {c.id: c for c in __getattr__("ALL")}
    elif name in ("AnyCheck", "Check", "ConsumerContext", "Context"):
        from glue_netcheck.checks import base

        value = getattr(base, name)
    else:  # a submodule (`from glue_netcheck.checks import remediation`) is imported as usual
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


__all__ = ["ALL", "BY_ID", "CONSUMER_REGISTRY", "REGISTRY", "Check", "ConsumerContext", "Context"]
