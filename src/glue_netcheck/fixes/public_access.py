"""The fix of a path VPC Block Public Access stops: an egress exclusion for the NAT gateway's
subnet, the narrowest exclusion that lets its traffic out (the Glue subnet's own exclusion does
not: the internet gateway sees the NAT gateway's traffic), and a bidirectional one for a public
database's subnet, the only kind that lets inbound traffic in. None where AWS refuses them
(ExclusionsAllowed: not-allowed, set by a declarative policy) or where the exclusions could not
be read (one may exist already): fixes/candidates.py offers the endpoints instead."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from glue_netcheck.checks.block_public_access import stopped_by_block_public_access
from glue_netcheck.fixes.edits import _network, _on, ref, tf_name
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import Network
from glue_netcheck.model.targets import places
from glue_netcheck.net.trace import PathResult

if TYPE_CHECKING:
    from glue_netcheck.fixes.candidates import Candidate, Situation

BOTH = "allow-bidirectional"  # the only exclusion mode that lets inbound traffic in


@dataclass(frozen=True)
class ExcludeFromBlockPublicAccess:
    """`exclusion_id`: the subnet's exclusion of another mode (allow-egress where inbound
    traffic must pass): AWS keeps one exclusion per subnet, so it is changed, not created."""

    subnet_id: str
    mode: str = "allow-egress"
    exclusion_id: str | None = None

    def says(self) -> str:
        if self.exclusion_id:
            return f"change {self.subnet_id}'s VPC Block Public Access exclusion {self.exclusion_id} to {self.mode}"
        return f"exclude {self.subnet_id} from VPC Block Public Access ({self.mode})"

    def apply(self, inventory: Inventory) -> Inventory:
        def change(network: Network) -> Network:
            bpa = network.block_public_access
            if bpa is None:
                return network
            excluded = replace(bpa, exclusions={**bpa.exclusions, self.subnet_id: self.mode})
            return replace(network, block_public_access=excluded)

        return _network(inventory, change)

    def commands(self) -> tuple[str, ...]:
        state = (
            'aws ec2 describe-vpc-block-public-access-exclusions --exclusion-ids "$BPA_EXCLUSION" '
            "--query 'VpcBlockPublicAccessExclusions[0].State' --output text"
        )
        if self.exclusion_id:
            step = "update"
            first: tuple[str, ...] = (
                f"BPA_EXCLUSION={self.exclusion_id}",
                f"aws ec2 modify-vpc-block-public-access-exclusion --exclusion-id {self.exclusion_id} "
                f"--internet-gateway-exclusion-mode {self.mode}",
            )
        else:
            step = "create"
            first = (
                f"BPA_EXCLUSION=$(aws ec2 create-vpc-block-public-access-exclusion --subnet-id {self.subnet_id} "
                f"--internet-gateway-exclusion-mode {self.mode} "
                "--query VpcBlockPublicAccessExclusion.ExclusionId --output text)",
            )
        return (
            *first,
            f"# an exclusion takes effect when its state is {step}-complete",
            f"BPA_STATE={step}-in-progress",
            f'while [ "$BPA_STATE" = {step}-in-progress ]; do sleep 5; BPA_STATE=$({state}); done',
            f'[ "$BPA_STATE" = {step}-complete ]',
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        mode = f'internet_gateway_exclusion_mode = "{self.mode}"'
        if self.exclusion_id:
            return _on(self.exclusion_id, "aws_vpc_block_public_access_exclusion", addresses, mode)
        name = tf_name(self.subnet_id, self.mode.removeprefix("allow-"))
        return (
            f'resource "aws_vpc_block_public_access_exclusion" "{name}" {{\n'
            f"  subnet_id = {ref(self.subnet_id, addresses)}\n"
            f"  {mode}\n"
            "}"
        )


def exclusions(s: Situation, paths: Sequence[PathResult]) -> list[Candidate]:
    """The exclusions that let `paths` through where Block Public Access stops them. A path
    shows only its first drop: a public database's path may be stopped again further on (into
    each of its subnets, after the NAT gateway): with every exclusion it needs, the second
    candidate."""
    bpa = s.network.block_public_access
    hops = [h for h in map(stopped_by_block_public_access, paths) if h is not None]
    if bpa is None or bpa.exclusions_allowed is False or not hops or any(h.verdict == "unknown" for h in hops):
        return []
    edits: dict[ExcludeFromBlockPublicAccess, None] = {}
    for hop in hops:
        nat = s.network.nat_gateways.get(hop.id) if hop.type == "nat-gateway" else None
        subnet, mode = (nat.subnet_id, "allow-egress") if nat else (hop.id, BOTH)
        edits[ExcludeFromBlockPublicAccess(subnet, mode, bpa.exclusion_ids.get(subnet))] = None
    first: Candidate = tuple(edits)
    inbound = [
        ExcludeFromBlockPublicAccess(subnet, BOTH, bpa.exclusion_ids.get(subnet))
        for subnet in _public_database_subnets(s)
        if any(p.service == "target" for p in paths) and bpa.blocks_ingress(subnet, s.network.subnets[subnet].vpc_id)
    ]
    rest = tuple(e for e in inbound if e not in edits)
    return [first] + ([(*first, *rest)] if rest else [])


def _public_database_subnets(s: Situation) -> list[str]:
    """The subnets of the connection's publicly accessible databases in other VPCs (the data
    the model has of them), which the public path enters through their internet gateway."""
    own = s.vpc.id if s.vpc else None
    return list(
        dict.fromkeys(
            subnet
            for _, placement in places(s.inventory, s.report.connection)
            if placement.public_name and placement.vpc_id not in (None, own)
            for subnet in placement.subnet_ids
            if subnet in s.network.subnets
        )
    )
