"""Stateless network-ACL evaluation: rules in number order, first match wins, implicit deny.

Traffic is a set of (address range, port range) boxes; a rule decides the part of the
remaining set it overlaps. The hop passes only if every box ends up allowed, so a deny that
catches part of the ephemeral range, or one address of a subnet, drops the traffic.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from ipaddress import IPv4Network

from glue_netcheck.model.network import ALL_PROTOCOLS, TCP, NetworkAcl
from glue_netcheck.net.space import Box, overlaps, subtract
from glue_netcheck.net.trace import Hop, Needed

EPHEMERAL = (1024, 65535)


def evaluate(
    acl: NetworkAcl,
    *,
    egress: bool,
    peers: Sequence[IPv4Network],
    ports: tuple[int, int],
    protocol: str = TCP,
    purpose: str = "",
) -> Hop:
    return _evaluate(acl, egress, tuple(peers), ports, protocol, purpose)


@lru_cache(maxsize=65_536)  # ACLs are immutable and shared by every connection in their subnets
def _evaluate(
    acl: NetworkAcl, egress: bool, peers: tuple[IPv4Network, ...], ports: tuple[int, int], protocol: str, purpose: str
) -> Hop:
    low, high = ports
    remaining = [Box(peer, low, high) for peer in peers]
    allowed_by: list[str] = []
    for entry in acl.entries:
        if entry.egress != egress:
            continue
        if entry.protocol not in (ALL_PROTOCOLS, protocol):
            continue
        if not any(overlaps(b, entry.cidr, entry.from_port, entry.to_port) for b in remaining):
            continue
        if not entry.allow:
            needed = _needed(acl, egress, low, high, peers, before=entry.rule_number)
            return Hop("network-acl", acl.id, "deny", f"{entry} drops {purpose}", needed, "SUBNET_ACL_RESTRICTION")
        allowed_by.append(str(entry))
        remaining = subtract(remaining, entry.cidr, entry.from_port, entry.to_port)
        if not remaining:
            return Hop("network-acl", acl.id, "allow", f"{' + '.join(allowed_by)}: {purpose}")
    direction = "outbound" if egress else "inbound"
    return Hop(
        "network-acl",
        acl.id,
        "deny",
        f"no {direction} rule allows {purpose} (implicit deny)",
        _needed(acl, egress, low, high, peers, before=32767),
        "SUBNET_ACL_RESTRICTION",
    )


def _needed(acl: NetworkAcl, egress: bool, low: int, high: int, peers: Sequence[IPv4Network], before: int) -> Needed:
    taken = {e.rule_number for e in acl.entries if e.egress == egress}
    below = [n for n in range(before - 1, 0, -1) if n not in taken]
    # Many peers means "the internet" (public service addresses): one 0.0.0.0/0 rule covers it.
    peer = str(peers[0]) if len(peers) == 1 else "0.0.0.0/0"
    return Needed(egress, low, high, "cidr", peer, below[0] if below else None)
