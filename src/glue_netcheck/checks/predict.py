"""From findings to what Glue users will see, per consumer (job or crawler).

When no job or crawler uses the connection yet, predict for both kinds: a pre-deployment
check assumes the worst.
"""

from __future__ import annotations

from collections.abc import Iterable

from glue_netcheck.checks.finding import Finding
from glue_netcheck.model.glue import Consumer, Inventory

KMS_FAILURE = {"job": "kms-timeout", "crawler": "crawler-internal-service-exception"}


def consumer_needs_kms(inventory: Inventory, consumer: Consumer) -> bool:
    if inventory.catalog_encryption is None or inventory.catalog_encryption.uses_kms:
        return True  # catalog unreadable (assume the worst) or encrypted with KMS
    name = consumer.security_configuration
    if not name:
        return False
    config = inventory.security_configurations.get(name)
    return config is None or config.uses_kms  # a configuration we cannot read: assume KMS


def kms_failures(inventory: Inventory, consumers: tuple[Consumer, ...]) -> tuple[str, ...]:
    """The codes an unreachable KMS endpoint produces for these consumers (empty: none uses KMS)."""
    if not consumers:
        return tuple(sorted(KMS_FAILURE.values()))
    return tuple(sorted({KMS_FAILURE[c.kind] for c in consumers if consumer_needs_kms(inventory, c)}))


def predicted_failures(findings: Iterable[Finding]) -> list[str]:
    return sorted({code for f in findings for code in f.predicts})


def unreachable_service_failures(
    key: str, inventory: Inventory, consumers: tuple[Consumer, ...], kms_required: bool
) -> tuple[str, ...]:
    """What Glue users see when service `key` cannot be reached (empty: only a warning)."""
    if key == "kms":
        return kms_failures(inventory, consumers) if kms_required else ()
    if key == "s3":
        return ("s3-endpoint-validation-failed",)
    return ()  # STS, Glue, Logs, Secrets Manager: script-level timeouts, no Glue failure code
