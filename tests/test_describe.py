"""The fourth input: raw Describe dumps (one JSON file per call) -> a snapshot.

Two sources of real answers: pybatfish's recording of a real account (copied under
tests/data/describe/ with its licence), and moto's answers to every Describe call of a layout
built by tests/scenarios.py, dumped one file per call exactly as boto3 returns them. The moto
dumps include DescribeVpcAttribute answers (one per VPC and attribute), so the imported
snapshot must give the very verdicts of a snapshot collected live; without them the DNS hop is
undecided and a healthy layout's verdict `unknown`, never `pass`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from glue_netcheck.collect import snapshot as snapshots
from glue_netcheck.collect.describe import load_describe_dir
from glue_netcheck.collect.describe_raw import DescribeError
from glue_netcheck.errors import AnalysisError

from conftest import Aws, cli_command, run_cli
from scenarios import CONNECTION, REGION, SCENARIOS

BATFISH = Path(__file__).parent / "data" / "describe" / "pybatfish-hybrid-cloud"
PUBLIC_SUBNET, PUBLIC_SG = "subnet-06a692ed4ef84368d", "sg-085c5c2b682cc6a91"
TGW_SUBNET, TGW_SG = "subnet-0cb5f4c094bee5214", "sg-00df459b6c23594b4"


# --- dumping moto's answers, one file per call ---------------------------------------------


def _write(directory: Path, name: str, answer: dict[str, Any]) -> None:
    answer = {k: v for k, v in answer.items() if k != "ResponseMetadata"}
    (directory / f"{name}.json").write_text(json.dumps(answer, indent=1, default=str))


def dump_describe(url: str, directory: Path, region: str = REGION, vpc_attributes: bool = True) -> Path:
    """Every Describe/Get answer the fourth input reads, as boto3 returns it."""
    directory.mkdir(parents=True, exist_ok=True)
    kw = {
        "endpoint_url": url,
        "region_name": region,
        "aws_access_key_id": "testing",
        "aws_secret_access_key": "testing",
    }
    ec2, glue, kms, rds = (boto3.client(s, **kw) for s in ("ec2", "glue", "kms", "rds"))
    for operation in (
        "describe_vpcs",
        "describe_subnets",
        "describe_route_tables",
        "describe_security_groups",
        "describe_network_acls",
        "describe_vpc_endpoints",
        "describe_nat_gateways",
        "describe_internet_gateways",
        "describe_dhcp_options",
        "describe_managed_prefix_lists",
        "describe_network_interfaces",
        "describe_vpc_peering_connections",
        "describe_transit_gateways",
    ):
        _write(directory, operation, getattr(ec2, operation)())
    for pl in ec2.describe_managed_prefix_lists()["PrefixLists"]:
        # GetManagedPrefixListEntries does not say which list it answers: the file name does.
        entries = ec2.get_managed_prefix_list_entries(PrefixListId=pl["PrefixListId"])
        _write(directory, f"get_managed_prefix_list_entries-{pl['PrefixListId']}", entries)
    if vpc_attributes:
        for vpc in ec2.describe_vpcs()["Vpcs"]:
            for attribute in ("enableDnsSupport", "enableDnsHostnames"):
                answer = ec2.describe_vpc_attribute(VpcId=vpc["VpcId"], Attribute=attribute)
                _write(directory, f"describe_vpc_attribute-{vpc['VpcId']}-{attribute}", answer)
    _write(directory, "describe_db_instances", rds.describe_db_instances())
    _write(directory, "describe_db_clusters", rds.describe_db_clusters())
    _write(directory, "describe_db_subnet_groups", rds.describe_db_subnet_groups())
    _write(directory, "get_connections", glue.get_connections(HidePassword=True))
    _write(directory, "get_jobs", glue.get_jobs())
    _write(directory, "get_crawlers", glue.get_crawlers())
    _write(directory, "get_security_configurations", glue.get_security_configurations())
    _write(directory, "get_data_catalog_encryption_settings", glue.get_data_catalog_encryption_settings())
    for key in kms.list_keys()["Keys"]:
        _write(directory, f"describe_key-{key['KeyId']}", kms.describe_key(KeyId=key["KeyId"]))
        policy = kms.get_key_policy(KeyId=key["KeyId"], PolicyName="default")
        _write(directory, f"get_key_policy-{key['KeyId']}", policy)
    return directory


def import_dump(directory: Path, output: Path, region: str | None = None) -> tuple[Path, list[str]]:
    raw, notes = load_describe_dir(directory, region)
    output.write_text(snapshots.dumps(snapshots.make(raw)))
    return output, notes


def scan(snapshot: Path) -> dict[str, Any]:
    result = run_cli("scan", "--snapshot", str(snapshot), "--format", "json")
    assert result.code in (0, 1, 3), result.stderr
    return {r["connection"]["name"]: r for r in result.json["results"]}


def verdicts(results: dict[str, Any]) -> dict[str, Any]:
    """What must not depend on the input: verdict, predicted failures, each path's outcome."""
    return {
        name: (
            r["verdict"],
            r["predicted_failures"],
            sorted(
                (p["service"], p["reachable"], (p.get("blocked_at") or {}).get("type"), p.get("via"))
                for p in r["paths"]
            ),
            sorted((f["check"], f["severity"]) for f in r["findings"]),
        )
        for name, r in results.items()
    }


# --- imported == collected live -------------------------------------------------------------

# Healthy layouts and their broken twins; each exercises a different piece of the dump.
COMPARED = (
    "healthy-nat",
    "healthy-kms-endpoint",
    "no-route-to-kms",
    "kms-endpoint-sg-blocks-443",
    "nacl-blocks-return-traffic",
    "dns-support-off",
    "custom-dns-servers",
    "missing-security-group",
    "catalog-encrypted",
    "s3-endpoint-other-table",
    "transit-gateway-egress",
)


@pytest.mark.parametrize("name", COMPARED)
def test_imported_dump_scans_like_a_live_snapshot(aws: Aws, tmp_path: Path, name: str) -> None:
    SCENARIOS[name](aws.clients)
    live = tmp_path / "live.json"
    collected = aws.cli("snapshot", "--output", str(live))
    assert collected.code == 0, collected.stderr

    imported, notes = import_dump(dump_describe(aws.url, tmp_path / "dump"), tmp_path / "imported.json")

    expected = verdicts(scan(live))
    assert expected, "the live snapshot has no connection: the comparison would be empty"
    assert verdicts(scan(imported)) == expected
    assert not any("enableDns" in n for n in notes)  # the attributes were dumped


def test_without_vpc_attribute_answers_dns_is_unknown_not_on(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    full, _ = import_dump(dump_describe(aws.url, tmp_path / "full"), tmp_path / "full.json")
    bare, notes = import_dump(dump_describe(aws.url, tmp_path / "bare", vpc_attributes=False), tmp_path / "bare.json")

    assert scan(full)[CONNECTION]["verdict"] == "pass"
    report = scan(bare)[CONNECTION]
    assert report["verdict"] == "unknown"  # the paths hold only if DNS works, which no answer says
    kms = next(p for p in report["paths"] if p["service"] == "kms")
    assert kms["hops"][0]["verdict"] == "unknown"
    assert "enableDnsSupport" in kms["hops"][0]["detail"] or "enableDnsSupport" in json.dumps(kms["hops"][0])
    assert {(f["check"], f["severity"]) for f in report["findings"]} >= {("vpc-dns-attributes", "warning")}
    assert any("enableDnsSupport and enableDnsHostnames not in the dump" in n for n in notes)


@pytest.mark.parametrize(
    ("dropped", "key", "action"),
    [
        ("describe_network_acls", "NetworkAcls", "ec2:DescribeNetworkAcls"),
        ("describe_security_groups", "SecurityGroups", "ec2:DescribeSecurityGroups"),
        ("describe_route_tables", "RouteTables", "ec2:DescribeRouteTables"),
        ("describe_vpc_endpoints", "VpcEndpoints", "ec2:DescribeVpcEndpoints"),
    ],
)
def test_an_absent_answer_is_unknown_not_empty(aws: Aws, tmp_path: Path, dropped: str, key: str, action: str) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")
    whole, _ = import_dump(dump, tmp_path / "whole.json")
    (dump / f"{dropped}.json").unlink()
    partial, notes = import_dump(dump, tmp_path / "partial.json")

    assert scan(whole)[CONNECTION]["verdict"] == "pass"
    report = scan(partial)[CONNECTION]
    assert report["verdict"] == "unknown"  # neither pass nor a drop the dump cannot show
    assert any(p["reachable"] is None for p in report["paths"])
    assert any(f["check"] == "read-permissions" and f["resource"] == action for f in report["findings"])
    assert f"{REGION}: the {key} answer (aws ec2 {dropped.replace('_', '-')}) is absent: " in "\n".join(notes)


def test_a_first_page_without_its_last_is_unknown(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")
    acls = json.loads((dump / "describe_network_acls.json").read_text())
    (dump / "describe_network_acls.json").write_text(json.dumps({**acls, "NextToken": "page-2"}))

    raw, notes = load_describe_dir(dump, None)

    assert raw[REGION]["ec2"]["Denied"] == ["ec2:DescribeNetworkAcls"]
    assert any("NetworkAcls answer" in n and "incomplete" in n for n in notes)
    # The healthy twin: the same pages with the last one there.
    (dump / "describe_network_acls-last.json").write_text(json.dumps({"NetworkAcls": []}))
    assert load_describe_dir(dump, None)[0][REGION]["ec2"]["Denied"] == []


def test_prefix_list_entries_without_a_named_file_are_unknown(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")
    raw, _ = load_describe_dir(dump, None)
    s3 = next(p for p in raw[REGION]["ec2"]["PrefixLists"] if p["PrefixListName"].endswith(".s3"))
    assert s3["Cidrs"] and raw[REGION]["ec2"]["Denied"] == []

    entries = dump / f"get_managed_prefix_list_entries-{s3['PrefixListId']}.json"
    entries.rename(dump / "entries.json")  # the answer no longer says whose entries they are
    raw, notes = load_describe_dir(dump, None)

    assert raw[REGION]["ec2"]["Denied"] == ["ec2:GetManagedPrefixListEntries"]
    assert any(s3["PrefixListId"] in n for n in notes)
    assert any("skipped entries.json" in n for n in notes)


def test_kms_key_without_its_policy_is_unread_not_trusted(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["catalog-encrypted"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")
    raw, _ = load_describe_dir(dump, None)
    [key] = raw[REGION]["kms"]["Keys"]
    assert key["KeyMetadata"]["KeyState"] == "Enabled" and "Policy" in key

    for policy in dump.glob("get_key_policy-*.json"):
        policy.unlink()
    raw, notes = load_describe_dir(dump, None)

    [key] = raw[REGION]["kms"]["Keys"]
    assert "KeyMetadata" not in key and key["Error"]["Code"] == "Unreadable"
    assert any("its key policy not in the dump" in n for n in notes)


# --- the real account's recording -------------------------------------------------------------


def _glue_answers(directory: Path) -> None:
    """Glue's own answers for two connections placed in the recorded VPCs, from moto."""
    with mock_aws():
        glue = boto3.client("glue", region_name="us-east-2", aws_access_key_id="x", aws_secret_access_key="x")
        for name, subnet, group, az in (
            ("public-vpc-db", PUBLIC_SUBNET, PUBLIC_SG, "us-east-2c"),
            ("tgw-vpc-db", TGW_SUBNET, TGW_SG, "us-east-2b"),
        ):
            glue.create_connection(
                ConnectionInput={
                    "Name": name,
                    "ConnectionType": "JDBC",
                    "ConnectionProperties": {"JDBC_CONNECTION_URL": "jdbc:mysql://10.20.1.10:3306/app"},
                    "PhysicalConnectionRequirements": {
                        "SubnetId": subnet,
                        "SecurityGroupIdList": [group],
                        "AvailabilityZone": az,
                    },
                }
            )
        _write(directory, "GlueConnections", glue.get_connections(HidePassword=True))
        _write(directory, "GlueJobs", glue.get_jobs())
        _write(directory, "GlueCrawlers", glue.get_crawlers())
        _write(directory, "GlueSecurityConfigurations", glue.get_security_configurations())
        _write(directory, "GlueCatalog", glue.get_data_catalog_encryption_settings())


@pytest.fixture
def batfish(tmp_path: Path) -> Path:
    copy = tmp_path / "aws_configs"
    shutil.copytree(BATFISH, copy, ignore=shutil.ignore_patterns("LICENSE", "README.md"))
    _glue_answers(copy / "us-east-2")
    return copy


def test_batfish_layout_imports_both_regions_and_names_every_gap(batfish: Path) -> None:
    raw, notes = load_describe_dir(batfish, None)

    assert sorted(raw) == ["us-east-2", "us-west-2"]
    east = raw["us-east-2"]["ec2"]
    assert sorted(v["VpcId"] for v in east["Vpcs"]) == ["vpc-0276455718806058a", "vpc-0574d08f8d05917e4"]
    assert east["VpcAttributes"] == {
        v: {"EnableDnsSupport": None, "EnableDnsHostnames": None}
        for v in ("vpc-0276455718806058a", "vpc-0574d08f8d05917e4")
    }
    # The recorded VPCs name a DHCP options set the recording lacks: unknown, not Amazon's.
    assert east["Denied"] == ["ec2:DescribeDhcpOptions"]
    assert raw["us-east-2"]["glue"]["Denied"] == []
    assert raw["us-west-2"]["glue"]["Denied"] == [
        "glue:GetCrawlers",
        "glue:GetDataCatalogEncryptionSettings",
        "glue:GetJobs",
        "glue:GetSecurityConfigurations",
    ]
    s3 = next(p for p in east["PrefixLists"] if p["PrefixListName"] == "com.amazonaws.us-east-2.s3")
    assert len(s3["Cidrs"]) == 4
    assert {n for n in notes if n.startswith("us-east-2: skipped")} == {
        f"us-east-2: skipped {f}.json: {k}: not read by the analysis"
        for f, k in (
            ("Addresses", "Addresses"),
            ("AvailabilityZones", "AvailabilityZones"),
            ("CustomerGateways", "CustomerGateways"),
            ("ElasticsearchDomains", "DomainStatusList"),
            ("Reservations", "Reservations"),
            ("VpcEndpointServices", "ServiceDetails, ServiceNames"),
            ("VpnConnections", "VpnConnections"),
            ("VpnGateways", "VpnGateways"),
        )
    }
    assert sum("enableDnsSupport and enableDnsHostnames not in the dump" in n for n in notes) == 4


def test_batfish_recording_scans_to_the_real_verdicts(batfish: Path, tmp_path: Path) -> None:
    snapshot, _ = import_dump(batfish, tmp_path / "real.json", region="us-east-2")

    results = scan(snapshot)

    public = results["public-vpc-db"]
    assert public["verdict"] == "fail"
    for path in (p for p in public["paths"] if p["service"] in ("kms", "s3")):
        assert (path["reachable"], path["blocked_at"]["id"]) == (False, "igw-02fd68f94367a67c7")
        assert path["hops"][0]["verdict"] == "unknown"  # DNS attributes: not recorded
    tgw = results["tgw-vpc-db"]
    kms = next(p for p in tgw["paths"] if p["service"] == "kms")
    assert (tgw["verdict"], kms["reachable"], kms["blocked_at"]["type"]) == ("fail", False, "route-table")


def test_flat_folder_region_from_its_zones(batfish: Path) -> None:
    flat = batfish / "us-east-2"
    raw, _ = load_describe_dir(flat, None)
    assert list(raw) == ["us-east-2"]
    assert list(load_describe_dir(flat, "us-east-2")[0]) == ["us-east-2"]
    with pytest.raises(DescribeError, match="availability zones are in us-east-2, not us-west-2"):
        load_describe_dir(flat, "us-west-2")


def test_flat_folder_mixing_regions_is_refused(batfish: Path, tmp_path: Path) -> None:
    mixed = tmp_path / "mixed"
    shutil.copytree(batfish / "us-east-2", mixed)
    shutil.copy(batfish / "us-west-2" / "Subnets.json", mixed / "west-subnets.json")

    with pytest.raises(DescribeError, match="several regions \\(us-east-2, us-west-2\\)"):
        load_describe_dir(mixed, None)


def test_account_layout_keys_regions_by_account(batfish: Path, tmp_path: Path) -> None:
    accounts = tmp_path / "accounts"
    shutil.copytree(batfish, accounts / "111122223333")

    raw, _ = load_describe_dir(accounts, "us-east-2")

    assert list(raw) == ["111122223333/us-east-2"]
    assert (raw["111122223333/us-east-2"]["account"], raw["111122223333/us-east-2"]["region"]) == (
        "111122223333",
        "us-east-2",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"Subnets": [{"SubnetId": "subnet-1", ', "not valid JSON"),
        ('[{"SubnetId": "subnet-1"}]', "not an AWS answer"),
        ('{"Subnets": {"SubnetId": "subnet-1"}}', "Subnets is not a list of objects"),
        ('{"Subnets": [{"VpcId": "vpc-1"}]}', "Subnets\\[0\\] has no SubnetId"),
    ],
)
def test_bad_answer_file_is_one_error_naming_it(batfish: Path, content: str, message: str) -> None:
    bad = batfish / "us-east-2" / "Broken.json"
    bad.write_text(content)

    with pytest.raises(AnalysisError, match=message) as caught:
        load_describe_dir(batfish, None)
    assert "Broken.json" in str(caught.value) and "\n" not in str(caught.value)


def test_no_subnets_answer_is_refused_not_read_as_none(batfish: Path) -> None:
    (batfish / "us-east-2" / "Subnets.json").unlink()
    with pytest.raises(DescribeError, match="no complete Subnets answer"):
        load_describe_dir(batfish, "us-east-2")
    assert load_describe_dir(batfish, "us-west-2")[0]  # the twin region with its subnets imports


# --- through the CLI (`snapshot --from-describe`, wired by the lead) --------------------------


@cache
def _cli_has_from_describe() -> bool:
    helped = subprocess.run([*cli_command(), "snapshot", "--help"], capture_output=True, text=True, check=False)
    return "--from-describe" in helped.stdout


needs_cli = pytest.mark.skipif("not _cli_has_from_describe()", reason="snapshot --from-describe is not wired yet")


@needs_cli
def test_cli_imports_a_dump_and_prints_each_gap_once(batfish: Path, tmp_path: Path) -> None:
    output = tmp_path / "real.json"
    result = run_cli("snapshot", "--from-describe", str(batfish), "--region", "us-east-2", "--output", str(output))

    assert result.code == 0, result.stderr
    lines = result.stderr.splitlines()
    assert sum("enableDnsSupport and enableDnsHostnames not in the dump" in line for line in lines) == 2
    assert any("skipped Reservations.json" in line for line in lines)
    assert scan(output)["public-vpc-db"]["verdict"] == "fail"


@needs_cli
def test_cli_bad_answer_file_exits_2_with_one_line(batfish: Path, tmp_path: Path) -> None:
    (batfish / "us-east-2" / "Truncated.json").write_text('{"Vpcs": [{"VpcId": ')
    result = run_cli("snapshot", "--from-describe", str(batfish), "--output", str(tmp_path / "x.json"))

    assert result.code == 2
    assert "Truncated.json" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "x.json").exists()


@needs_cli
def test_cli_import_of_moto_dump_equals_live(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["no-route-to-kms"](aws.clients)
    live, imported = tmp_path / "live.json", tmp_path / "imported.json"
    assert aws.cli("snapshot", "--output", str(live)).code == 0
    dump = dump_describe(aws.url, tmp_path / "dump")

    result = run_cli("snapshot", "--from-describe", str(dump), "--output", str(imported))

    assert result.code == 0, result.stderr
    assert verdicts(scan(imported)) == verdicts(scan(live))


def test_enis_of_ip_targets_kept_and_looked_up_as_live(aws: Aws, tmp_path: Path) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    eni = aws.clients.ec2.create_network_interface(SubnetId=layout.subnet, Groups=[layout.glue_sg])
    address = eni["NetworkInterface"]["PrivateIpAddress"]
    aws.clients.glue.create_connection(
        ConnectionInput={
            "Name": "ip-db",
            "ConnectionType": "JDBC",
            "ConnectionProperties": {"JDBC_CONNECTION_URL": f"jdbc:postgresql://{address}:5432/app"},
            "PhysicalConnectionRequirements": {
                "SubnetId": layout.subnet,
                "SecurityGroupIdList": [layout.glue_sg],
                "AvailabilityZone": "us-east-1a",
            },
        }
    )
    dump = dump_describe(aws.url, tmp_path / "dump")
    ec2 = load_describe_dir(dump, None)[0][REGION]["ec2"]
    assert ec2["NetworkInterfaceLookups"] == [address]
    assert [i["NetworkInterfaceId"] for i in ec2["NetworkInterfaces"]] == [
        eni["NetworkInterface"]["NetworkInterfaceId"]
    ]
    assert "ec2:DescribeNetworkInterfaces" not in ec2["Denied"]

    (dump / "describe_network_interfaces.json").unlink()
    ec2, notes = load_describe_dir(dump, None)
    ec2 = ec2[REGION]["ec2"]

    assert (ec2["NetworkInterfaceLookups"], ec2["NetworkInterfaces"]) == ([], [])  # not "vacant": unknown
    assert "ec2:DescribeNetworkInterfaces" in ec2["Denied"]
    assert any("NetworkInterfaces answer" in n and "IP addresses" in n for n in notes)


def _bpa_options(mode: str) -> dict[str, Any]:
    """DescribeVpcBlockPublicAccessOptions' answer in the EC2 API reference's shape (moto has no
    such API: this is the documented shape)."""
    return {
        "VpcBlockPublicAccessOptions": {
            "AwsAccountId": "123456789012",
            "AwsRegion": REGION,
            "State": "update-complete",
            "InternetGatewayBlockMode": mode,
            "ExclusionsAllowed": "allowed",
            "ManagedBy": "account",
        }
    }


def test_block_public_access_answers_are_imported_as_live(aws: Aws, tmp_path: Path) -> None:
    layout = SCENARIOS["healthy-nat"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")
    _write(dump, "describe_vpc_block_public_access_options", _bpa_options("block-bidirectional"))
    exclusion = {
        "ExclusionId": "exclusion-0a1b2c3d4e5f60718",
        "InternetGatewayExclusionMode": "allow-egress",
        "ResourceArn": f"arn:aws:ec2:{REGION}:123456789012:subnet/{layout.public_subnet}",
        "State": "create-complete",
    }
    _write(dump, "describe_vpc_block_public_access_exclusions", {"VpcBlockPublicAccessExclusions": [exclusion]})

    ec2 = load_describe_dir(dump, None)[0][REGION]["ec2"]
    excluded, _ = import_dump(dump, tmp_path / "excluded.json")
    (dump / "describe_vpc_block_public_access_exclusions.json").unlink()
    unread, notes = import_dump(dump, tmp_path / "unread.json")

    assert ec2["VpcBlockPublicAccessOptions"]["InternetGatewayBlockMode"] == "block-bidirectional"
    assert ec2["VpcBlockPublicAccessExclusions"] == [exclusion]
    bpa = "vpc-block-public-access"
    assert [f for f in _findings(excluded) if f[0] == bpa] == []
    # Blocking, and the exclusions not in the dump: unknown, a warning, not a predicted failure.
    assert [f for f in _findings(unread) if f[0] == bpa] == [(bpa, "warning", layout.nat)]
    assert any("VpcBlockPublicAccessExclusions answer" in n and "unknown, not absent" in n for n in notes)


def test_twin_without_block_public_access_answer_the_mode_is_unknown_and_said(aws: Aws, tmp_path: Path) -> None:
    SCENARIOS["healthy-nat"](aws.clients)
    dump = dump_describe(aws.url, tmp_path / "dump")

    snapshot, notes = import_dump(dump, tmp_path / "snap.json")

    assert [f for f in _findings(snapshot) if f[0] == "vpc-block-public-access"] == []
    assert any("no VpcBlockPublicAccessOptions answer" in n for n in notes)


def _findings(snapshot: Path) -> list[tuple[str, str, str]]:
    result = run_cli("connection", CONNECTION, "--snapshot", str(snapshot), "--format", "json")
    return [(f["check"], f["severity"], f["resource"]) for f in result.json["findings"]]
