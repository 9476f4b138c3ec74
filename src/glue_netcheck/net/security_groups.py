"""Stateful security-group evaluation: any rule of any attached group admits the traffic.

Return traffic of an allowed connection is always admitted (stateful), so only the
initiating direction is evaluated: egress on the source ENI, ingress on the destination.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from ipaddress import IPv4Network
from typing import Literal

from glue_netcheck.model.network import (
    ALL_PROTOCOLS,
    TCP,
    PrefixList,
    SecurityGroup,
    SgRule,
)
from glue_netcheck.net.memo import Memo, seq_key
from glue_netcheck.net.space import covered, partly_covered
from glue_netcheck.net.trace import Hop, Needed

Direction = Literal["ingress", "egress"]


@dataclass(frozen=True, slots=True)
class Peer:
    """The other side of the traffic as a security group sees it."""

    networks: tuple[IPv4Network, ...]
    group_ids: frozenset[str] = frozenset()
    # Set when the peer *is* an AWS service described by a managed prefix list (S3).
    prefix_list_id: str | None = None
    label: str = ""
    # The destination is one address of `networks` nobody knows (a service's public address,
    # an external host's), not every one of them: a network ACL deny of part of them decides
    # nothing (net/nacl.py).
    somewhere: bool = False

    def __str__(self) -> str:
        return self.label or ", ".join(map(str, self.networks))


def rule_matches_port(rule: SgRule, protocol: str, port: int) -> bool:
    if rule.protocol == ALL_PROTOCOLS:
        return True
    return rule.protocol == protocol and rule.from_port <= port <= rule.to_port


@lru_cache(maxsize=65_536)
def _cidr(text: str) -> IPv4Network:
    """A rule's CIDR, parsed once: every trace asks for the same few hundred rules' ranges."""
    return IPv4Network(text, strict=False)


def _entries_known(prefix_list_id: str, prefix_lists: Mapping[str, PrefixList]) -> bool:
    """Whether the list's entries decide the rule. An AWS-managed list (com.amazonaws.…) holds
    that service's public ranges only, disjoint from every other service's and from private
    addresses: without its entries it still covers nothing but itself (the peer that is it is
    matched whole before this)."""
    found = prefix_lists.get(prefix_list_id)
    return found is not None and (bool(found.cidrs) or found.name.startswith("com.amazonaws."))


def rule_networks(rule: SgRule, prefix_lists: Mapping[str, PrefixList]) -> tuple[IPv4Network, ...]:
    if rule.peer_kind == "cidr":
        return (_cidr(rule.peer),)
    if rule.peer_kind == "prefix-list" and rule.peer in prefix_lists:
        return prefix_lists[rule.peer].cidrs
    return ()


def evaluate(
    groups: Sequence[SecurityGroup],
    direction: Direction,
    peer: Peer,
    port: int,
    prefix_lists: Mapping[str, PrefixList],
    protocol: str = TCP,
) -> Hop:
    """One hop: do the groups (together) admit tcp `port` to/from every address of `peer`?
    Memoised per group set and peer (by identity, see net/memo.py)."""
    peer_key = (seq_key(peer.networks), peer.group_ids, peer.prefix_list_id, peer.label)
    key = (groups_key(groups, direction), direction, peer_key, port, id(prefix_lists), protocol)
    pins = (groups, peer, prefix_lists)
    return _MEMO.get(key, pins, lambda: _evaluate(groups, direction, peer, port, prefix_lists, protocol))


_MEMO = Memo()


def groups_key(groups: Sequence[SecurityGroup], direction: Direction) -> tuple[tuple[str, int], ...]:
    """Each group by its id and the identity of the one rule list a verdict reads: `prove`'s
    copy of a group with an ingress rule added keeps its egress tuple, so its egress verdicts
    are still found."""
    return tuple((g.id, id(g.egress if direction == "egress" else g.ingress)) for g in groups)


def _evaluate(
    groups: Sequence[SecurityGroup],
    direction: Direction,
    peer: Peer,
    port: int,
    prefix_lists: Mapping[str, PrefixList],
    protocol: str,
) -> Hop:
    if not groups:
        return Hop("security-group", "-", "deny", "no security group is attached", code="NO_SECURITY_GROUP")
    word = "to" if direction == "egress" else "from"
    wanted = f"tcp {port} {word} {peer}"
    networks: list[IPv4Network] = []
    cited: list[tuple[SecurityGroup, SgRule]] = []
    unknown: tuple[SecurityGroup, SgRule] | None = None  # a rule naming a list whose entries are not known
    for group in groups:
        rules = group.egress if direction == "egress" else group.ingress
        for rule in rules:
            if not rule_matches_port(rule, protocol, port):
                continue
            whole = (rule.peer_kind == "security-group" and rule.peer in peer.group_ids) or (
                rule.peer_kind == "prefix-list" and rule.peer == peer.prefix_list_id
            )
            # A list not in the data, or without entries (what a denied GetManagedPrefixListEntries
            # leaves; a real list that is empty is rare, and undecided errs the safe way).
            if not whole and rule.peer_kind == "prefix-list" and not _entries_known(rule.peer, prefix_lists):
                unknown = unknown or (group, rule)
                continue
            if whole or covered(peer.networks, rule_networks(rule, prefix_lists)):
                return Hop("security-group", group.id, "allow", rule.describe(direction))
            nets = rule_networks(rule, prefix_lists)
            if partly_covered(peer.networks, nets):
                networks.extend(nets)
                cited.append((group, rule))
    if cited and covered(peer.networks, networks):
        rules_text = "; ".join(rule.describe(direction) for _, rule in cited)
        return Hop("security-group", cited[0][0].id, "allow", f"{rules_text} (together)")
    names = ", ".join(g.id for g in groups)
    if unknown is not None:
        # Its entries were not read (GetManagedPrefixListEntries denied, or not in a dump): the
        # rule may admit the traffic, so nothing is decided.
        text = (
            f"{unknown[1].describe(direction)} names {unknown[1].peer}, whose entries are not known: "
            f"whether it admits {wanted} cannot be decided"
        )
        return Hop("security-group", unknown[0].id, "unknown", text, code="DATA_MISSING")
    if cited:
        return Hop(
            "security-group",
            cited[0][0].id,
            "unknown",
            f"{cited[0][1].describe(direction)} allows only part of {wanted}: depends on the exact address",
            code="SG_PARTIAL_MATCH",
        )
    return Hop(
        "security-group",
        groups[0].id,
        "deny",
        f"no {direction} rule of {names} allows {wanted}",
        _needed(direction, port, peer),
        "ENI_SG_RULES_MISMATCH",
    )


def _needed(direction: Direction, port: int, peer: Peer) -> Needed:
    egress = direction == "egress"
    if peer.prefix_list_id:
        return Needed(egress, port, port, "prefix-list", peer.prefix_list_id)
    if peer.group_ids:
        return Needed(egress, port, port, "security-group", sorted(peer.group_ids)[0])
    # Known addresses (a NAT gateway's Elastic IPs, a database's subnets) get one rule each; only
    # the stand-in for "anywhere public" (a service's address nobody knows) is opened as 0.0.0.0/0.
    if peer.somewhere:
        return Needed(egress, port, port, "cidr", "0.0.0.0/0")
    cidrs = [str(n) for n in peer.networks]
    return Needed(egress, port, port, "cidr", cidrs[0], more=tuple(cidrs[1:]))


def opens_all_tcp(rule: SgRule) -> bool:
    return rule.protocol == ALL_PROTOCOLS or (rule.protocol == TCP and rule.from_port == 0 and rule.to_port == 65535)


def self_referencing_rule(group: SecurityGroup) -> SgRule | None:
    """Glue's requirement: all TCP inbound from the group itself."""
    return next(
        (r for r in group.ingress if opens_all_tcp(r) and r.peer_kind == "security-group" and r.peer == group.id),
        None,
    )


def opens_all_egress(group: SecurityGroup) -> SgRule | None:
    """Glue's egress requirement: all TCP outbound to anywhere or to the group itself."""
    for rule in group.egress:
        if not opens_all_tcp(rule):
            continue
        if rule.peer_kind == "security-group" and rule.peer == group.id:
            return rule
        if rule.peer_kind == "cidr" and _cidr(rule.peer).prefixlen == 0:
            return rule
    return None
