"""Path tracing on hand-built models: the cases moto cannot produce (blackhole routes, private
NAT gateways, peering) and the subnet-crossing ACL rules, one behaviour per test."""

from __future__ import annotations

from dataclasses import replace
from ipaddress import IPv4Network

from glue_netcheck.model.network import (
    DhcpOptions,
    InternetGateway,
    NaclEntry,
    NatGateway,
    Network,
    NetworkAcl,
    PrefixList,
    Route,
    RouteTable,
    SecurityGroup,
    SgRule,
    Subnet,
    Vpc,
    VpcEndpoint,
)
from glue_netcheck.net.paths import service_path
from glue_netcheck.net.services import Service
from glue_netcheck.net.tracer import Source

KMS = Service("kms", "us-east-1")
S3 = Service("s3", "us-east-1")
ANY = IPv4Network("0.0.0.0/0")
ALLOW_ALL = (
    NaclEntry(100, True, "-1", True, ANY, 0, 65535),
    NaclEntry(100, False, "-1", True, ANY, 0, 65535),
)
VPC = Vpc("vpc-1", (IPv4Network("10.0.0.0/16"),), None, True, True)
GLUE = Subnet("subnet-glue", "vpc-1", IPv4Network("10.0.1.0/24"), "us-east-1a", 200)
PUBLIC = Subnet("subnet-pub", "vpc-1", IPv4Network("10.0.0.0/24"), "us-east-1a", 200)
ENDPOINTS = Subnet("subnet-ep", "vpc-1", IPv4Network("10.0.2.0/24"), "us-east-1a", 200)
GLUE_SG = SecurityGroup(
    "sg-glue",
    "glue",
    "vpc-1",
    (SgRule("6", 0, 65535, "security-group", "sg-glue"),),
    (SgRule("-1", 0, 65535, "cidr", "0.0.0.0/0"),),
)
ENDPOINT_SG = SecurityGroup("sg-ep", "ep", "vpc-1", (SgRule("6", 443, 443, "security-group", "sg-glue"),), ())
LOCAL = Route(IPv4Network("10.0.0.0/16"), None, "local", "local")


def network(
    *,
    glue_routes: tuple[Route, ...] = (LOCAL,),
    public_routes: tuple[Route, ...] = (LOCAL, Route(ANY, None, "internet-gateway", "igw-1")),
    nat: NatGateway | None = None,
    endpoints: tuple[VpcEndpoint, ...] = (),
    glue_acl: tuple[NaclEntry, ...] = ALLOW_ALL,
    other_acl: tuple[NaclEntry, ...] = ALLOW_ALL,
) -> Network:
    return Network(
        region="us-east-1",
        vpcs={"vpc-1": VPC},
        subnets={s.id: s for s in (GLUE, PUBLIC, ENDPOINTS)},
        route_tables=(
            RouteTable("rtb-glue", "vpc-1", glue_routes, frozenset({"subnet-glue"}), False),
            RouteTable("rtb-pub", "vpc-1", public_routes, frozenset({"subnet-pub"}), False),
            RouteTable("rtb-main", "vpc-1", (LOCAL,), frozenset(), True),
        ),
        security_groups={"sg-glue": GLUE_SG, "sg-ep": ENDPOINT_SG},
        network_acls=(
            NetworkAcl("acl-glue", "vpc-1", False, glue_acl, frozenset({"subnet-glue"})),
            NetworkAcl("acl-other", "vpc-1", True, other_acl, frozenset()),
        ),
        endpoints=endpoints,
        nat_gateways={nat.id: nat} if nat else {},
        internet_gateways={"igw-1": InternetGateway("igw-1", frozenset({"vpc-1"}))},
        prefix_lists={"pl-s3": PrefixList("pl-s3", "com.amazonaws.us-east-1.s3", (IPv4Network("52.216.0.0/15"),))},
    )


SOURCE = Source(VPC, GLUE, (GLUE_SG,))
NAT = NatGateway("nat-1", "vpc-1", "subnet-pub", "available", "public")
TO_NAT = (LOCAL, Route(ANY, None, "nat-gateway", "nat-1"))
KMS_ENDPOINT = VpcEndpoint(
    "vpce-kms", "vpc-1", "com.amazonaws.us-east-1.kms", "Interface", "available", True, ("subnet-ep",), ("sg-ep",), ()
)


def blocked(result):  # type: ignore[no-untyped-def]
    assert result.reachable is False and result.blocked_at is not None
    return (result.blocked_at.type, result.blocked_at.id)


def test_nat_path_reaches_kms() -> None:
    result = service_path(network(glue_routes=TO_NAT, nat=NAT), SOURCE, KMS)
    assert (result.reachable, result.via) == (True, "nat-gateway")
    assert [h.type for h in result.hops][:3] == ["vpc", "security-group", "route-table"]


def test_blackhole_route_blocks_at_the_route_table() -> None:
    # moto never marks routes blackhole (it stores them without a target): tested on a model.
    routes = (LOCAL, Route(ANY, None, "blackhole", "nat-gone", "blackhole"))
    result = service_path(network(glue_routes=routes), SOURCE, KMS)
    assert blocked(result) == ("route-table", "rtb-glue")
    assert "blackhole" in result.blocked_at.reason  # type: ignore[union-attr]


def test_route_to_a_deleted_nat_is_a_blackhole() -> None:
    result = service_path(network(glue_routes=TO_NAT), SOURCE, KMS)
    assert blocked(result) == ("nat-gateway", "nat-1")


def test_private_nat_cannot_reach_aws_public_endpoints() -> None:
    result = service_path(network(glue_routes=TO_NAT, nat=replace(NAT, connectivity="private")), SOURCE, KMS)
    assert blocked(result) == ("nat-gateway", "nat-1")


def test_pending_nat_blocks() -> None:
    result = service_path(network(glue_routes=TO_NAT, nat=replace(NAT, state="pending")), SOURCE, KMS)
    assert blocked(result) == ("nat-gateway", "nat-1")


def test_nat_subnet_acl_must_admit_the_glue_subnet() -> None:
    # The NAT's subnet admits HTTPS only from the internet, not from the Glue subnet.
    acl = (
        NaclEntry(100, False, "6", True, IPv4Network("0.0.0.0/1"), 1024, 65535),
        NaclEntry(110, False, "6", True, IPv4Network("128.0.0.0/1"), 1024, 65535),
        NaclEntry(100, True, "-1", True, ANY, 0, 65535),
    )
    result = service_path(network(glue_routes=TO_NAT, nat=NAT, other_acl=acl), SOURCE, KMS)
    assert blocked(result) == ("network-acl", "acl-other")
    assert "from the Glue subnet" in result.blocked_at.reason  # type: ignore[union-attr]


def test_peering_route_is_undecidable() -> None:
    routes = (LOCAL, Route(ANY, None, "vpc-peering", "pcx-1"))
    result = service_path(network(glue_routes=routes), SOURCE, KMS)
    assert (result.reachable, result.via, result.blocked_at) == (None, "vpc-peering", None)


def test_endpoint_in_another_subnet_needs_both_acls_both_ways() -> None:
    # The endpoint subnet's ACL admits 443 in but does not let replies out on ephemeral ports.
    acl = (
        NaclEntry(100, False, "-1", True, ANY, 0, 65535),
        NaclEntry(100, True, "6", True, ANY, 443, 443),
    )
    result = service_path(network(endpoints=(KMS_ENDPOINT,), other_acl=acl), SOURCE, KMS)
    assert blocked(result) == ("network-acl", "acl-other")
    assert "return traffic" in result.blocked_at.reason  # type: ignore[union-attr]


def test_endpoint_in_another_subnet_with_open_acls_is_reached() -> None:
    result = service_path(network(endpoints=(KMS_ENDPOINT,)), SOURCE, KMS)
    assert (result.reachable, result.via) == (True, "interface-endpoint")
    assert sum(h.type == "network-acl" for h in result.hops) == 4  # request and reply, both subnets


def test_endpoint_in_the_glue_subnet_crosses_no_acl() -> None:
    endpoint = replace(KMS_ENDPOINT, subnet_ids=("subnet-glue",))
    result = service_path(network(endpoints=(endpoint,), glue_acl=()), SOURCE, KMS)
    assert (result.reachable, result.via) == (True, "interface-endpoint")
    assert not any(h.type == "network-acl" for h in result.hops)


def test_pending_endpoint_blocks() -> None:
    result = service_path(network(endpoints=(replace(KMS_ENDPOINT, state="pendingacceptance"),)), SOURCE, KMS)
    assert blocked(result) == ("vpc-endpoint", "vpce-kms")


def test_s3_gateway_endpoint_beats_the_default_route() -> None:
    gateway = VpcEndpoint("vpce-s3", "vpc-1", "com.amazonaws.us-east-1.s3", "Gateway", "available", False, (), (), ())
    routes = (*TO_NAT, Route(None, "pl-s3", "gateway-endpoint", "vpce-s3"))
    result = service_path(network(glue_routes=routes, nat=NAT, endpoints=(gateway,)), SOURCE, S3)
    assert (result.reachable, result.via) == (True, "gateway-endpoint")


def test_glue_acl_denying_before_allowing_blocks_at_the_deny_rule() -> None:
    acl = (
        NaclEntry(50, True, "6", False, ANY, 443, 443),
        *ALLOW_ALL,
    )
    result = service_path(network(glue_routes=TO_NAT, nat=NAT, glue_acl=acl), SOURCE, KMS)
    assert blocked(result) == ("network-acl", "acl-glue")
    assert "rule 50 deny" in result.blocked_at.reason  # type: ignore[union-attr]
    drop = next(h for h in result.hops if h.verdict == "deny")
    assert drop.needed is not None and drop.needed.rule_number == 49


def test_private_ranges_denied_do_not_block_the_internet() -> None:
    acl = (
        NaclEntry(50, True, "-1", False, IPv4Network("192.168.0.0/16"), 0, 65535),
        *ALLOW_ALL,
    )
    result = service_path(network(glue_routes=TO_NAT, nat=NAT, glue_acl=acl), SOURCE, KMS)
    assert result.reachable is True


def test_dns_support_off_blocks_at_the_vpc() -> None:
    source = replace(SOURCE, vpc=replace(VPC, enable_dns_support=False))
    result = service_path(network(glue_routes=TO_NAT, nat=NAT), source, KMS)
    assert blocked(result) == ("vpc", "vpc-1")


# enableDnsSupport off with custom DNS servers: only those servers answer, and they cannot
# forward to the VPC resolver (it is off), so an endpoint's private DNS name never applies.
CUSTOM_DNS = DhcpOptions("dopt-custom", ("10.0.0.10",))


def _custom_dns(dns_support: bool, **kwargs):  # type: ignore[no-untyped-def]
    vpc = replace(VPC, dhcp_options_id="dopt-custom", enable_dns_support=dns_support)
    net = replace(network(**kwargs), vpcs={"vpc-1": vpc}, dhcp_options={"dopt-custom": CUSTOM_DNS})
    return net, replace(SOURCE, vpc=vpc)


def test_dns_support_off_with_custom_dns_bypasses_the_endpoint() -> None:
    net, source = _custom_dns(False, endpoints=(KMS_ENDPOINT,))
    result = service_path(net, source, KMS)
    assert blocked(result) == ("vpc", "vpc-1")
    assert result.bypassed_endpoint == "vpce-kms"
    assert "cannot forward to the VPC resolver" in result.blocked_at.reason


def test_dns_support_on_with_custom_dns_reaches_the_endpoint() -> None:
    net, source = _custom_dns(True, endpoints=(KMS_ENDPOINT,))
    result = service_path(net, source, KMS)
    assert result.reachable is True and result.via == "interface-endpoint"


def test_dns_support_off_with_custom_dns_goes_public_through_the_nat() -> None:
    net, source = _custom_dns(False, endpoints=(KMS_ENDPOINT,), glue_routes=TO_NAT, nat=NAT)
    result = service_path(net, source, KMS)
    assert result.reachable is True and result.via == "nat-gateway"
    assert result.bypassed_endpoint == "vpce-kms"
