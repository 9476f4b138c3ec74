"""Properties of rule evaluation, checked against naive one-address-one-port reference
evaluators: longest prefix wins, NACL first match wins with implicit deny, security-group
rules are a union, range verdicts agree with every point in the range."""

from __future__ import annotations

import itertools
from ipaddress import IPv4Address, IPv4Network

from hypothesis import given, settings
from hypothesis import strategies as st

from glue_netcheck.model.network import NaclEntry, NetworkAcl, Route, RouteTable, SecurityGroup, SgRule
from glue_netcheck.net import nacl, routing, security_groups
from glue_netcheck.net.security_groups import Peer

# Small address space so that random rules and queries overlap often.
BASE = int(IPv4Address("10.0.0.0"))
networks = st.builds(
    lambda offset, length: IPv4Network((BASE + offset, length), strict=False),
    st.integers(0, 255),
    st.integers(24, 32),
)
wide_networks = st.one_of(networks, st.just(IPv4Network("0.0.0.0/0")), st.just(IPv4Network("10.0.0.0/16")))
addresses = st.integers(0, 255).map(lambda o: IPv4Network((BASE + o, 32)))
ports = st.integers(0, 65535)
port_ranges = st.tuples(ports, ports).map(sorted).map(tuple)


# --- routing ----------------------------------------------------------------------------------


@given(st.lists(wide_networks, min_size=1, max_size=8, unique=True), addresses)
def test_longest_prefix_wins(destinations: list[IPv4Network], address: IPv4Network) -> None:
    table = RouteTable(
        "rtb-1",
        "vpc-1",
        tuple(Route(d, None, "nat-gateway", f"nat-{i}") for i, d in enumerate(destinations)),
        frozenset(),
        True,
    )

    route = routing.select_route(table, [address], {})

    matching = [d for d in destinations if address.subnet_of(d)]
    if not matching:
        assert route is None
    else:
        assert route is not None and route.destination == max(matching, key=lambda n: n.prefixlen)


def test_prefix_list_route_beats_default_route() -> None:
    s3 = IPv4Network("52.216.0.0/15")
    table = RouteTable(
        "rtb-1",
        "vpc-1",
        (
            Route(IPv4Network("0.0.0.0/0"), None, "nat-gateway", "nat-1"),
            Route(None, "pl-s3", "gateway-endpoint", "vpce-1"),
        ),
        frozenset(),
        True,
    )
    from glue_netcheck.model.network import PrefixList

    route = routing.select_route(
        table, [s3], {"pl-s3": PrefixList("pl-s3", "com.amazonaws.us-east-1.s3", (s3,))}, "pl-s3"
    )

    assert route is not None and route.target_id == "vpce-1"


# --- network ACLs ----------------------------------------------------------------------------

entries = st.lists(
    st.builds(
        lambda number, egress, proto, allow, cidr, pr: NaclEntry(number, egress, proto, allow, cidr, pr[0], pr[1]),
        st.integers(1, 32766),
        st.just(False),
        st.sampled_from(["-1", "6", "17"]),
        st.booleans(),
        wide_networks,
        port_ranges,
    ),
    max_size=8,
    unique_by=lambda e: e.rule_number,
)


def naive_nacl(acl: NetworkAcl, address: IPv4Network, port: int) -> bool:
    for entry in sorted(acl.entries, key=lambda e: e.rule_number):
        if entry.egress or entry.protocol not in ("-1", "6"):
            continue
        if address.subnet_of(entry.cidr) and entry.from_port <= port <= entry.to_port:
            return entry.allow
    return False  # implicit deny


@given(entries, addresses, ports)
def test_nacl_first_match_wins_and_implicit_deny(es: list[NaclEntry], address: IPv4Network, port: int) -> None:
    acl = NetworkAcl("acl-1", "vpc-1", False, tuple(sorted(es, key=lambda e: e.rule_number)), frozenset())

    hop = nacl.evaluate(acl, egress=False, peers=[address], ports=(port, port), purpose="test")

    assert (hop.verdict == "allow") == naive_nacl(acl, address, port)


@settings(max_examples=60, deadline=None)  # exhaustive checks: slow on a loaded machine
@given(entries, networks, port_ranges)
def test_nacl_range_verdict_agrees_with_every_point(
    es: list[NaclEntry], peer: IPv4Network, pr: tuple[int, int]
) -> None:
    acl = NetworkAcl("acl-1", "vpc-1", False, tuple(sorted(es, key=lambda e: e.rule_number)), frozenset())
    low, high = pr
    # Points that matter: the range's corners and every rule boundary inside it.
    points = {low, high} | {
        p for e in es for p in (e.from_port, e.from_port - 1, e.to_port, e.to_port + 1) if low <= p <= high
    }
    addresses_in = [*list(peer)[:: max(1, peer.num_addresses // 16)], peer[-1]]

    hop = nacl.evaluate(acl, egress=False, peers=[peer], ports=pr, purpose="test")

    every = all(naive_nacl(acl, IPv4Network((int(a), 32)), p) for a in addresses_in for p in points)
    if hop.verdict == "allow":
        assert every
    elif every:
        # Denied although every sampled point passes: only possible through an address we did
        # not sample; confirm exhaustively on the /24 space.
        assert not all(naive_nacl(acl, IPv4Network((int(a), 32)), p) for a in peer for p in points)


def _inbound(*entries: NaclEntry) -> NetworkAcl:
    return NetworkAcl("acl-1", "vpc-1", False, entries, frozenset())


def test_nacl_return_traffic_to_a_nat_needs_its_whole_ephemeral_range() -> None:
    acl = _inbound(NaclEntry(100, False, "6", True, IPv4Network("0.0.0.0/0"), 32768, 65535))
    peers = [IPv4Network("10.0.2.0/24")]

    hop = nacl.evaluate(acl, egress=False, peers=peers, ports=nacl.NAT_EPHEMERAL, purpose="return", ephemeral=True)

    # Half the NAT's ports denied is no "few ports": a definite drop.
    assert hop.verdict == "deny" and "implicit deny" in hop.detail
    assert hop.needed is not None and (hop.needed.low, hop.needed.high) == (1024, 65535)


def test_glue_workers_return_range_is_32768_to_60999() -> None:
    acl = _inbound(NaclEntry(100, False, "6", True, IPv4Network("0.0.0.0/0"), 32768, 65535))
    peers = [IPv4Network("10.0.2.0/24")]

    hop = nacl.evaluate(acl, egress=False, peers=peers, ports=nacl.GLUE_EPHEMERAL, purpose="return", ephemeral=True)

    assert (hop.verdict, hop.code) == ("allow", None)


def test_a_few_denied_return_ports_are_intermittent_not_a_drop() -> None:
    # CIS: deny inbound 22 and 3389 from anywhere, then allow everything.
    acl = _inbound(
        NaclEntry(50, False, "6", False, IPv4Network("0.0.0.0/0"), 22, 22),
        NaclEntry(60, False, "6", False, IPv4Network("0.0.0.0/0"), 3389, 3389),
        NaclEntry(100, False, "-1", True, IPv4Network("0.0.0.0/0"), 0, 65535),
    )
    peers = [IPv4Network("52.0.0.0/8")]

    nat = nacl.evaluate(acl, egress=False, peers=peers, ports=nacl.NAT_EPHEMERAL, purpose="return", ephemeral=True)
    glue = nacl.evaluate(acl, egress=False, peers=peers, ports=nacl.GLUE_EPHEMERAL, purpose="return", ephemeral=True)
    strict = nacl.evaluate(acl, egress=False, peers=peers, ports=nacl.NAT_EPHEMERAL, purpose="return")

    assert (nat.verdict, nat.code) == ("allow", "EPHEMERAL_PORTS_DENIED") and "(3389)" in nat.detail
    assert (glue.verdict, glue.code) == ("allow", None)  # 22 and 3389 are below Glue's range
    assert (strict.verdict, strict.code) == ("deny", "SUBNET_ACL_RESTRICTION")  # a request port: a drop


@settings(max_examples=80, deadline=None)
@given(entries, st.integers(1024, 65000), st.integers(0, 60))
def test_denied_ports_agree_with_every_port(es: list[NaclEntry], low: int, width: int) -> None:
    acl = _inbound(*sorted(es, key=lambda e: e.rule_number))
    address = IPv4Network("10.0.0.7/32")

    denied = nacl.denied_ports(acl, False, (address,), (low, low + width))

    expected = {p for p in range(low, low + width + 1) if not naive_nacl(acl, address, p)}
    assert {p for a, b in denied for p in range(a, b + 1)} == expected
    assert all(b + 1 < c for (_, b), (c, _) in itertools.pairwise(denied))  # merged, sorted


# --- security groups ---------------------------------------------------------------------------

sg_rules = st.lists(
    st.builds(
        lambda proto, pr, cidr: SgRule(proto, pr[0], pr[1], "cidr", str(cidr)),
        st.sampled_from(["-1", "6", "17"]),
        port_ranges,
        wide_networks,
    ),
    max_size=5,
)


def naive_sg(groups: list[SecurityGroup], address: IPv4Network, port: int) -> bool:
    return any(
        (r.protocol in ("-1", "6"))
        and (r.protocol == "-1" or r.from_port <= port <= r.to_port)
        and address.subnet_of(IPv4Network(r.peer))
        for g in groups
        for r in g.egress
    )


@given(sg_rules, sg_rules, addresses, ports)
def test_security_groups_are_a_union(a: list[SgRule], b: list[SgRule], address: IPv4Network, port: int) -> None:
    ga = SecurityGroup("sg-a", "a", "vpc-1", (), tuple(a))
    gb = SecurityGroup("sg-b", "b", "vpc-1", (), tuple(b))

    both = security_groups.evaluate([ga, gb], "egress", Peer((address,)), port, {})
    swapped = security_groups.evaluate([gb, ga], "egress", Peer((address,)), port, {})
    only_a = security_groups.evaluate([ga], "egress", Peer((address,)), port, {})
    only_b = security_groups.evaluate([gb], "egress", Peer((address,)), port, {})

    assert (both.verdict == "allow") == (only_a.verdict == "allow" or only_b.verdict == "allow")
    assert both.verdict == swapped.verdict
    assert (both.verdict == "allow") == naive_sg([ga, gb], address, port)


def test_security_group_reference_admits_members_only() -> None:
    endpoint_sg = SecurityGroup("sg-ep", "ep", "vpc-1", (SgRule("6", 443, 443, "security-group", "sg-glue"),), ())
    glue = Peer((IPv4Network("10.0.1.0/24"),), frozenset({"sg-glue"}))
    other = Peer((IPv4Network("10.0.1.0/24"),), frozenset({"sg-other"}))

    assert security_groups.evaluate([endpoint_sg], "ingress", glue, 443, {}).verdict == "allow"
    denied = security_groups.evaluate([endpoint_sg], "ingress", other, 443, {})
    assert denied.verdict == "deny" and denied.id == "sg-ep"


def test_rules_covering_a_subnet_together_allow_it() -> None:
    group = SecurityGroup(
        "sg-1",
        "g",
        "vpc-1",
        (),
        (SgRule("6", 443, 443, "cidr", "10.0.1.0/25"), SgRule("6", 443, 443, "cidr", "10.0.1.128/25")),
    )

    hop = security_groups.evaluate([group], "egress", Peer((IPv4Network("10.0.1.0/24"),)), 443, {})

    assert hop.verdict == "allow" and "together" in hop.detail


def test_rule_covering_half_a_subnet_is_undecidable() -> None:
    group = SecurityGroup("sg-1", "g", "vpc-1", (), (SgRule("6", 443, 443, "cidr", "10.0.1.0/25"),))

    hop = security_groups.evaluate([group], "egress", Peer((IPv4Network("10.0.1.0/24"),)), 443, {})

    assert hop.verdict == "unknown"
