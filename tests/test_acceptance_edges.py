"""Acceptance suite for issue 13 ("the edges of the path"), black box: the installed CLI run as
the contract says (`glue-netcheck connection|job NAME --format json`) against one moto server
holding a production-shaped estate (tests/edges_layouts.py): multi-AZ tiers, DB subnet groups
over two AZs, Aurora and Redshift, a peered VPC, a Gateway Load Balancer (firewall) endpoint,
split default routes, a VPN gateway, KMS interface endpoints in two AZs, strict egress, CIS
ACLs, Kafka with three brokers, and jobs with two connections.

Every broken layout has a healthy twin next to it, and each case asserts the exit code, the
verdict, the failure codes and, on the path the rule is about, `reachable` and `blocked_at`
type and id (or the undecidable hop that makes it `null`). GLUE_NETWORKING.md "More facts"
is cited as [F: …]. Cases where the product answers otherwise are strict xfails whose reason
says what it prints instead.

The estate is built once per worker on a moto server of this module's own (the shared `aws`
fixture resets its server for every test, which would wipe the estate mid-module).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from edges_estate import Estate
from edges_layouts import build

from conftest import Aws, clients_for, run_cli

KMS_BOTH = ("crawler-internal-service-exception", "kms-timeout")
TARGET = ("target-unreachable",)


@dataclass(frozen=True)
class Edge:
    """One CLI run and what AWS would do. Ids are estate keys (edges_layouts) or literals."""

    name: str
    exit: int
    verdict: str
    service: str  # the path the rule is about
    reachable: bool | None
    blocked: tuple[str, str] | None = None  # blocked_at (type, id key)
    failures: tuple[str, ...] = ()
    via: str | None = None  # when reachable is True
    undecided: tuple[str, str] | None = None  # the unknown hop (type, id key) when reachable is None
    port: int | None = None
    also: tuple[tuple[str, bool | None], ...] = ()  # other paths' reachable
    command: str = "connection"
    connection: str | None = None  # job: the connection report holding the path
    finding: tuple[str, str, str] | None = None  # (check, severity, resource key)
    defect: str = ""  # non-empty: the product is wrong here (strict xfail)


PASS_LOCAL = {"exit": 0, "verdict": "pass", "service": "target", "reachable": True, "via": "local"}

EDGES = [
    # --- RDS / Aurora / Redshift in a DB subnet group over two AZs [F: "RDS: a Single-AZ instance
    # lives in the subnet of its AvailabilityZone"; "Aurora clusters: writer and reader endpoints
    # point at instances in several AZs"; "Return traffic: a target in another subnet answers
    # through its subnet's route table and network ACL"]. db2-b's ACL drops replies to app-a.
    Edge("rds-az-b", **PASS_LOCAL),
    Edge("rds-az-b-acl", 1, "fail", "target", False, ("network-acl", "acl.core.db2-b"), TARGET),
    Edge("rds-az-a-acl-elsewhere", **PASS_LOCAL),
    Edge("rs-az-b-acl", 1, "fail", "target", False, ("network-acl", "acl.core.db2-b"), TARGET, port=5439),
    Edge("rs-az-a-acl-elsewhere", **{**PASS_LOCAL, "port": 5439}),
    Edge("aurora-writer-split", 1, "fail", "target", False, ("network-acl", "acl.core.db2-b"), TARGET),
    Edge("aurora-writer-open", **PASS_LOCAL),
    # --- IP literals held by an ENI in another subnet [F: "IP literal: the ENI that holds the
    # address … gives its subnet and groups. … an address no ENI holds has nothing listening"].
    Edge("ip-db-b", **PASS_LOCAL),
    Edge("ip-secondary", **PASS_LOCAL),  # a secondary private address of the ENI
    Edge("ip-db-b-vacant", 1, "fail", "target", False, ("network-interface", "10.20.21.99"), TARGET),
    Edge("ip-return-blocked", 1, "fail", "target", False, ("network-acl", "acl.core.db2-b"), TARGET),
    Edge(
        "ip-return-via-firewall",
        3,
        "unknown",
        "target",
        None,
        undecided=("route-table", "rtb.core.dbfw"),  # replies to app-a go to the GWLB endpoint
    ),
    # The Glue group's egress names the database host itself (a /32): the address is known, so
    # the rule decides [F: "IP literal: the ENI that holds the address … gives its subnet"].
    Edge(
        "ip-egress-32",
        **PASS_LOCAL,
    ),
    Edge(
        "ip-egress-32-other",
        1,
        "fail",
        "target",
        False,
        ("security-group", "sg.glue-dbpin"),
        TARGET,
    ),
    Edge(
        "ip-acl-32",
        **PASS_LOCAL,
    ),
    Edge("ip-acl-32-other", 1, "fail", "target", False, ("network-acl", "acl.core.pin"), TARGET),
    # --- Kafka: every bootstrap broker, on its protocol's port [F: "Kafka:
    # KAFKA_BOOTSTRAP_SERVERS lists several brokers … ports 9092/9094/9096/9098"].
    Edge("kafka-3", **{**PASS_LOCAL, "port": 9094}),
    Edge("kafka-3-second-legacy", 1, "fail", "target", False, ("security-group", "sg.kafka-legacy"), TARGET),
    Edge("kafka-3-second-gone", 1, "fail", "target", False, ("network-interface", "10.20.21.35"), TARGET),
    Edge("kafka-scram", 1, "fail", "target", False, ("security-group", "sg.kafka"), TARGET, port=9096),
    Edge("kafka-scram-ok", **{**PASS_LOCAL, "port": 9096}),
    Edge("kafka-iam", 1, "fail", "target", False, ("security-group", "sg.kafka-sasl"), TARGET, port=9098),
    # --- Private addresses outside the VPC [F: "A private address outside the Glue VPC is
    # routed by its own address … An internet gateway or NAT never delivers traffic to a private
    # (RFC 1918 / 100.64/10) destination"].
    Edge("onprem-no-route", 1, "fail", "target", False, ("route-table", "rtb.core.app-a"), TARGET),
    Edge("cgnat-no-route", 1, "fail", "target", False, ("route-table", "rtb.core.app-a"), TARGET),
    Edge("onprem-vgw", 3, "unknown", "target", None, undecided=("virtual-private-gateway", "vgw")),
    # The Glue subnet's ACL admits the internet only on Linux's ephemeral range 32768-65535
    # [F: "Glue's Linux workers use 32768-60999 for their own connections"].
    Edge(
        "onprem-vgw-hardened",
        3,
        "unknown",
        "target",
        None,
        undecided=("virtual-private-gateway", "vgw"),
    ),
    # --- Route selection and appliances [F: "GatewayId can hold a vpce-… id: a Gateway Load
    # Balancer endpoint … inconclusive, not a mismatch"; "0.0.0.0/1 + 128.0.0.0/1 beat 0.0.0.0/0"].
    Edge("fw", 3, "unknown", "kms", None, undecided=("vpc-endpoint", "gwlbe"), also=(("s3", True), ("target", True))),
    Edge("split-appliance", 3, "unknown", "kms", None, undecided=("vpc-endpoint", "gwlbe"), also=(("s3", True),)),
    Edge("split-nat", 0, "pass", "kms", True, via="nat-gateway", also=(("s3", True),)),
    # [F: "A NAT gateway's outgoing traffic is routed by the route table of the NAT's own subnet"]
    Edge("nat-s3", 0, "pass", "s3", True, via="nat-gateway", also=(("kms", True),)),
    Edge("nat-no-igw", 1, "fail", "kms", False, ("route-table", "rtb.core.pub-c"), KMS_BOTH, also=(("s3", True),)),
    # --- Two VPCs with peering: the route back must use the peering too.
    Edge("peer-rds", 0, "pass", "target", True, via="vpc-peering"),
    Edge("peer-rds-no-return", 1, "fail", "target", False, ("route-table", "rtb.an.db2"), TARGET),
    # [F: "A publicly accessible instance's name resolves to its public address from a peered VPC
    # unless the peering allows DNS resolution from the remote VPC"]: Glue's traffic leaves by the
    # NAT to the public address, and the instance's group admits only 10.20.10.0/24. Its twin is
    # peer-rds (the same database, not publicly accessible).
    Edge(
        "peer-rds-public",
        1,
        "fail",
        "target",
        False,
        ("security-group", "sg.warehouse"),
        TARGET,
    ),
    # --- Host names that map to nothing of the account [F: "Only a host name that maps to no
    # resource of the account is 'external'"; issue 13: with no way out but through places the
    # API cannot see, "not a pass: undecided"]. Healthy twin: ext-host-nat (test below).
    Edge("ext-host-no-way-out", 3, "unknown", "target", None, undecided=("route-table", "rtb.ep.app")),
    Edge(
        "ext-host-peering-only",
        3,
        "unknown",
        "target",
        None,
        undecided=("route-table", "rtb.ep.peer"),
    ),
    Edge(
        "corp-host-vpn-only",
        3,
        "unknown",
        "target",
        None,
        undecided=("route-table", "rtb.ep.vpn"),
    ),
    # --- Address spaces [F: "the S3 managed prefix list holds S3's ranges only, so an egress rule
    # to it admits S3 and never KMS"].
    Edge("s3-pl-only", 1, "fail", "kms", False, ("security-group", "sg.glue-s3only"), KMS_BOTH, also=(("s3", True),)),
    Edge("s3-pl-and-https", 0, "pass", "kms", True, via="nat-gateway", also=(("s3", True),)),
    # --- KMS interface endpoint in two AZs [F: "every endpoint subnet's network ACL … must admit
    # the Glue ENIs, or some calls time out. An endpoint is reached at its ENI addresses"].
    Edge("kms-eni-32", 0, "pass", "kms", True, via="interface-endpoint", also=(("s3", True),)),
    Edge("kms-eni-32-one-az", 1, "fail", "kms", False, ("security-group", "sg.ep-strict-one"), KMS_BOTH),
    Edge("kms-2az-one-acl", 1, "fail", "kms", False, ("network-acl", "acl.epacl.ep-b"), KMS_BOTH),
    Edge("kms-2az-acl-admits", 0, "pass", "kms", True, via="interface-endpoint"),
    # --- S3 failure codes [F: "S3 failures come in two kinds"].
    Edge("s3-sg-drop", 1, "fail", "s3", False, ("security-group", "sg.ep-kms-only"), ("s3-timeout",)),
    Edge("s3-no-route", 1, "fail", "s3", False, ("route-table", "rtb.ep.bare"), ("s3-endpoint-validation-failed",)),
    # --- Ephemeral ranges [F: "A network ACL deny of one or a few ports inside that range (the
    # common CIS deny of 22 and 3389 inbound) … a warning (intermittent failures), not a definite
    # drop"]. cis.pub-a (the NAT's subnet) and cis.app-a (Glue's) carry the CIS entries.
    Edge(
        "cis-nat",
        0,
        "warn",
        "kms",
        True,
        via="nat-gateway",
        also=(("s3", True), ("target", True)),
        finding=("nacl-ephemeral-ports", "warning", "acl.cis.pub-a"),
    ),
    Edge("nat-acl-no-ephemeral", 1, "fail", "kms", False, ("network-acl", "acl.cis.pub-b"), KMS_BOTH),
    Edge(
        "s3-via-nat-dropped",
        1,
        "fail",
        "s3",
        False,
        ("network-acl", "acl.cis.pub-b"),
        (*KMS_BOTH, "s3-timeout"),
    ),
    # --- A job with two connections [F: "A job or crawler with several connections gets its
    # ENIs in the first connection's subnet, with that connection's groups"]. dbx's ACL admits
    # app-a2 only; both app subnets are in us-east-1a.
    Edge(
        "job-a-first",
        1,
        "fail",
        "target",
        False,
        ("network-acl", "acl.core.dbx"),
        TARGET,
        command="job",
        connection="two-c",
    ),
    # The same two connections, app-a2's first: its target and the other's are reached. The
    # "connections disagree" warning is the product's own (allowed: exit 0).
    Edge("job-c-first", 0, "warn", "target", True, via="local", command="job", connection="two-a"),
    # A crawler with the same two JDBC targets: its ENIs too are in the first connection's subnet.
    Edge(
        "crawl-a-first",
        1,
        "fail",
        "target",
        False,
        ("network-acl", "acl.core.dbx"),
        TARGET,
        command="crawler",
        connection="two-c",
    ),
    Edge("crawl-c-first", 0, "warn", "target", True, via="local", command="crawler", connection="two-a"),
    # Connections in two AZs, each consistent with its own subnet; both targets reachable from
    # the first connection's subnet.
    Edge(
        "job-cross-az",
        0,
        "warn",
        "target",
        True,
        via="local",
        command="job",
        connection="two-a",
    ),
]


@pytest.fixture(scope="module")
def estate() -> Iterator[tuple[Aws, Estate]]:
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.CRITICAL)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    aws = Aws(f"http://{host}:{port}", clients_for(f"http://{host}:{port}"))
    built = Estate(aws.clients.ec2, aws.client("rds"), aws.client("redshift"), aws.clients.glue)
    build(built)
    yield aws, built
    server.stop()


def resolve(estate: Estate, key: str) -> str:
    return estate.ids.get(key, key)


REPORTS: dict[str, dict[str, Any]] = {}


def run(aws: Aws, edge: Edge) -> tuple[dict[str, Any], dict[str, Any]]:
    """The whole report and the connection report holding the rule's path (one CLI run each)."""
    if edge.name not in REPORTS:
        result = aws.cli(edge.command, edge.name, "--format", "json")
        assert result.code in (0, 1, 3), result.stderr
        REPORTS[edge.name] = {**result.json, "exit": result.code}
    report = REPORTS[edge.name]
    if edge.command == "connection":
        return report, report
    return report, next(c for c in report["connections"] if c["connection"]["name"] == edge.connection)


ABSENT = {"reachable": "no such path", "blocked_at": None, "via": None, "port": None, "hops": []}


def path_of(report: dict[str, Any], service: str) -> dict[str, Any]:
    return next((p for p in report["paths"] if p["service"] == service), {"service": service, **ABSENT})


def case(edge: Edge) -> Any:
    marks = [pytest.mark.xfail(strict=True, reason=edge.defect)] if edge.defect else []
    return pytest.param(edge, id=edge.name, marks=marks)


@pytest.mark.parametrize("edge", [case(e) for e in EDGES])
def test_edge(estate: tuple[Aws, Estate], edge: Edge) -> None:
    aws, built = estate
    report, holder = run(aws, edge)
    path = path_of(holder, edge.service)
    blocked = path["blocked_at"]

    got = (report["exit"], report["verdict"], path["reachable"], report["predicted_failures"])
    assert got == (edge.exit, edge.verdict, edge.reachable, list(edge.failures)), path
    if edge.blocked is None:
        assert blocked is None, blocked
    else:
        assert (blocked["type"], blocked["id"]) == (edge.blocked[0], resolve(built, edge.blocked[1])), blocked
    if edge.reachable is True:
        assert path["via"] == edge.via
    if edge.undecided is not None:
        # Every unknown names an undecidable hop, never a decidable one.
        unknown = [(h["type"], h["id"]) for h in path["hops"] if h["verdict"] == "unknown"]
        assert set(unknown) == {(edge.undecided[0], resolve(built, edge.undecided[1]))}, path["hops"]
    if edge.port is not None:
        assert path["port"] == edge.port
    for service, reachable in edge.also:
        assert path_of(holder, service)["reachable"] is reachable, service
    if edge.finding is not None:
        check, severity, key = edge.finding
        found = {(f["check"], f["severity"], f["resource"]) for f in holder["findings"]}
        assert (check, severity, resolve(built, key)) in found, holder["findings"]


def test_cis_deny_names_only_the_ports_it_drops(estate: tuple[Aws, Estate]) -> None:
    """The CIS warning is about 3389 on the NAT's return range (22 is below 1024), and the Glue
    subnet's own CIS ACL (22/3389 are outside 32768-60999) gives no warning at all."""
    aws, built = estate
    report, _ = run(aws, next(e for e in EDGES if e.name == "cis-nat"))
    warnings = [f for f in report["findings"] if f["check"] == "nacl-ephemeral-ports"]
    assert {f["resource"] for f in warnings} == {built.ids["acl.cis.pub-a"]}
    assert all("3389" in f["message"] and "22," not in f["message"] for f in warnings)


def test_external_host_with_a_nat_is_not_traced_and_passes(estate: tuple[Aws, Estate]) -> None:
    """The twin of the undecided host names: with a NAT gateway the public path is open."""
    aws, _ = estate
    report, _ = run(aws, Edge("ext-host-nat", 0, "pass", "kms", True))
    assert (report["exit"], report["verdict"], report["predicted_failures"]) == (0, "pass", [])
    assert path_of(report, "target")["reachable"] == "no such path"
    finding = next(f for f in report["findings"] if f["check"] == "target-reachable")
    assert finding["severity"] == "info" and "public path is open" in finding["message"]


def test_explain_says_which_s3_failure_is_which() -> None:
    """Issue 13 rule 6: the runbook page tells start-up validation from a run-time timeout."""
    page = run_cli("explain", "s3-reachable").stdout
    validation, timeout = page.find("s3-endpoint-validation-failed"), page.find("s3-timeout")
    assert validation != -1 and timeout != -1
    assert "Could not find S3 endpoint or NAT gateway" in page and "Amazon S3 timeout" in page
