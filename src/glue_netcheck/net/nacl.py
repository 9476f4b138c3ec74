"""Stateless network-ACL evaluation: rules in number order, first match wins, implicit deny.

Traffic is a set of (address range, port range) boxes; a rule decides the part of the
remaining set it overlaps. The hop passes only if every box ends up allowed, so a deny that
catches one address of a subnet drops the traffic. Return traffic is the exception: its port
is the client's ephemeral port, picked at random per connection, so a deny of a few ports in
that range (the CIS deny of inbound 22 and 3389) drops only the connections that pick them:
the hop passes with the code EPHEMERAL_PORTS_DENIED (a warning), not a definite drop.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network

from glue_netcheck.model.network import ALL_PROTOCOLS, TCP, NetworkAcl
from glue_netcheck.net.memo import Memo, seq_key
from glue_netcheck.net.space import Box, covered, overlaps, subtract
from glue_netcheck.net.trace import Hop, Needed

# The ports a client picks its source port from, so the ports its return traffic comes to.
GLUE_EPHEMERAL = (32768, 60999)  # Glue's Linux workers (net.ipv4.ip_local_port_range)
NAT_EPHEMERAL = (1024, 65535)  # a NAT gateway's translated source ports
EPHEMERAL = NAT_EPHEMERAL  # the widest: what a fix opens
# "A few ports": at most this share of the ephemeral range denied is intermittent, not a drop.
FEW_PORTS_SHARE = 0.01


def ports_text(ports: tuple[int, int]) -> str:
    return f"ports {ports[0]}-{ports[1]}"


def evaluate(
    acl: NetworkAcl,
    *,
    egress: bool,
    peers: Sequence[IPv4Network],
    ports: tuple[int, int],
    protocol: str = TCP,
    purpose: str = "",
    ephemeral: bool = False,
    somewhere: bool = False,
) -> Hop:
    """`ephemeral`: `ports` is a client's ephemeral range (return traffic), one port per
    connection, so a deny of a few of them is intermittent (see the module docstring).
    `somewhere`: the peer is one address of `peers` nobody knows (a service's public address),
    so a deny of only part of them decides nothing: undecided (ACL_PARTIAL_MATCH)."""
    # Memoised per ACL (by identity, see net/memo.py): shared by every connection in its subnets.
    key = (id(acl), egress, seq_key(peers), ports, protocol, purpose, ephemeral, somewhere)
    return _MEMO.get(
        key, (acl, peers), lambda: _decide(acl, egress, tuple(peers), ports, protocol, purpose, ephemeral, somewhere)
    )


_MEMO = Memo()


def _decide(
    acl: NetworkAcl,
    egress: bool,
    peers: tuple[IPv4Network, ...],
    ports: tuple[int, int],
    protocol: str,
    purpose: str,
    ephemeral: bool,
    somewhere: bool = False,
) -> Hop:
    hop = _evaluate(acl, egress, peers, ports, protocol, purpose)
    if ephemeral and hop.verdict == "deny":
        hop = _few_ports(acl, egress, peers, ports, protocol, purpose) or hop
    if (
        somewhere
        and hop.verdict == "deny"
        and not covered(peers, [b.network for b in denied_boxes(acl, egress, peers, ports, protocol)])
    ):
        text = (
            f"{hop.text}, but only for part of the addresses it may be at: whether its address is among "
            "them cannot be decided (its public addresses are not in the data)"
        )
        return Hop("network-acl", acl.id, "unknown", text, code="ACL_PARTIAL_MATCH")
    return hop


def _few_ports(
    acl: NetworkAcl, egress: bool, peers: tuple[IPv4Network, ...], ports: tuple[int, int], protocol: str, purpose: str
) -> Hop | None:
    """The passing hop with a warning code when only a few ports of `ports` are denied."""
    denied = denied_ports(acl, egress, peers, ports, protocol)
    count = sum(high - low + 1 for low, high in denied)
    if count > max(1, int((ports[1] - ports[0] + 1) * FEW_PORTS_SHARE)):
        return None
    listed = ", ".join(str(low) if low == high else f"{low}-{high}" for low, high in denied)
    text = (
        f"{purpose}: {count} of the {ports[1] - ports[0] + 1} ephemeral ports ({listed}) are denied; "
        "connections that pick them time out (intermittent failures)"
    )
    return Hop("network-acl", acl.id, "allow", text, code="EPHEMERAL_PORTS_DENIED")


def denied_boxes(
    acl: NetworkAcl, egress: bool, peers: tuple[IPv4Network, ...], ports: tuple[int, int], protocol: str = TCP
) -> list[Box]:
    """The parts of `peers` x `ports` the ACL denies (first match wins, then the implicit deny).
    CIDRs nest or are disjoint, so a hit is the smaller of the box and the entry's range."""
    remaining = [Box(peer, *ports) for peer in peers]
    denied: list[Box] = []
    for entry in acl.entries:
        if entry.egress != egress or entry.protocol not in (ALL_PROTOCOLS, protocol):
            continue
        if not entry.allow:
            denied.extend(
                Box(
                    b.network if b.network.subnet_of(entry.cidr) else entry.cidr,
                    max(b.low, entry.from_port),
                    min(b.high, entry.to_port),
                )
                for b in remaining
                if overlaps(b, entry.cidr, entry.from_port, entry.to_port)
            )
        remaining = subtract(remaining, entry.cidr, entry.from_port, entry.to_port)
    return denied + remaining  # the implicit deny takes what is left


def denied_ports(
    acl: NetworkAcl, egress: bool, peers: tuple[IPv4Network, ...], ports: tuple[int, int], protocol: str = TCP
) -> list[tuple[int, int]]:
    """The ports of `ports` on which some of `peers` is denied, as merged, sorted ranges."""
    denied = [(box.low, box.high) for box in denied_boxes(acl, egress, peers, ports, protocol)]
    merged: list[tuple[int, int]] = []
    for low, high in sorted(denied):
        if merged and low <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


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
