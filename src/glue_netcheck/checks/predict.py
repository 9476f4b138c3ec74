"""From findings to what Glue users will see, per consumer (job or crawler).

When no job or crawler uses the connection yet, predict for both kinds: a pre-deployment
check assumes the worst.
"""

from __future__ import annotations

from collections.abc import Iterable

from glue_netcheck.checks.finding import Finding
from glue_netcheck.model.glue import Consumer, Inventory

KMS_FAILURE = {"job": "kms-timeout", "crawler": "crawler-internal-service-exception"}
# A kind whose listing IAM denied: any of its jobs or crawlers may use the connection, with KMS.
UNSEEN_BY_ACTION = {"glue:GetJobs": "job", "glue:GetCrawlers": "crawler"}


def unseen_kinds(inventory: Inventory) -> tuple[str, ...]:
    """The consumer kinds that could not be listed (their read was denied)."""
    return tuple(kind for action, kind in UNSEEN_BY_ACTION.items() if action in inventory.denied)


def consumer_needs_kms(inventory: Inventory, consumer: Consumer) -> bool:
    if inventory.catalog_encryption is None or inventory.catalog_encryption.uses_kms:
        return True  # catalog unreadable (assume the worst) or encrypted with KMS
    name = consumer.security_configuration
    if not name:
        return False
    config = inventory.security_configurations.get(name)
    return config is None or config.uses_kms  # a configuration we cannot read: assume KMS


def kms_failures(
    inventory: Inventory, consumers: tuple[Consumer, ...], unseen: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """The codes an unreachable KMS endpoint produces for these consumers, and for any of the
    `unseen` kinds (empty: none uses KMS)."""
    if not consumers:
        return tuple(sorted(KMS_FAILURE.values()))
    seen = {KMS_FAILURE[c.kind] for c in consumers if consumer_needs_kms(inventory, c)}
    return tuple(sorted(seen | {KMS_FAILURE[kind] for kind in unseen}))


def predicted_failures(findings: Iterable[Finding]) -> list[str]:
    return sorted({code for f in findings for code in f.predicts})


def unreachable_service_failures(
    key: str, inventory: Inventory, consumers: tuple[Consumer, ...], kms_required: bool, unseen: tuple[str, ...] = ()
) -> tuple[str, ...]:
    """What Glue users see when service `key` cannot be reached (empty: only a warning)."""
    if key == "kms":
        return kms_failures(inventory, consumers, unseen) if kms_required else ()
    if key == "s3":
        return ("s3-endpoint-validation-failed",)
    return ()  # STS, Glue, Logs, Secrets Manager: script-level timeouts, no Glue failure code
