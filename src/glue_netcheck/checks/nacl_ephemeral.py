from __future__ import annotations

from collections.abc import Iterator

from glue_netcheck.checks.base import Context, Issue, check

ID = "nacl-ephemeral-ports"


@check(ID, "Network ACLs let return traffic through on every ephemeral port", "warning")
def CHECK(ctx: Context) -> Iterator[Issue]:
    """
    What it checks
    Return traffic comes back to the client's ephemeral port, picked at random for each
    connection: 32768-60999 on Glue's Linux workers, 1024-65535 on a NAT gateway. A network
    ACL on a traced path that denies a few ports inside that range (typically the CIS rules
    denying inbound 22 and 3389 before an allow-all) passes most connections and drops the
    ones that happen to pick a denied port. The path tracer marks such a hop
    (code EPHEMERAL_PORTS_DENIED); a deny of more than a few ports is a drop, reported by the
    path's own check.

    How Glue fails
    Intermittently: a small share of connections to S3, KMS or the data source hang until they
    time out ("connect timed out", "Communications link failure"), so jobs fail at random or
    run slower on retries.

    Remediation
    Limit the deny rules to the traffic they are meant for (e.g. `--cidr-block` of the
    internet with ports 22 and 3389 only in the public subnets), or add an allow rule for the
    ephemeral range from the service's addresses with a lower rule number than the deny.

    References
    https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html
    https://docs.aws.amazon.com/vpc/latest/userguide/custom-network-acl.html
    """
    seen: set[tuple[str, str]] = set()
    for path in ctx.paths.values():
        for hop in path.hops:
            if hop.code != "EPHEMERAL_PORTS_DENIED" or (hop.id, path.service) in seen:
                continue
            seen.add((hop.id, path.service))
            yield Issue(
                hop.id,
                f"{hop.id} on the path to {path.endpoint}:{path.port}: {hop.detail}",
                f"move the deny rules of {hop.id} after an allow of the ephemeral range, or narrow them",
            )
