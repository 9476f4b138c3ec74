"""The fix of vpc-block-public-access: an egress exclusion for the NAT gateway's subnet, the
narrowest exclusion that lets its traffic out (the Glue subnet's own exclusion does not: the
internet gateway sees the NAT gateway's traffic)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from glue_netcheck.fixes.edits import _network, ref, tf_name
from glue_netcheck.model.glue import Inventory
from glue_netcheck.model.network import Network

if TYPE_CHECKING:
    from glue_netcheck.fixes.candidates import Candidate, Situation


@dataclass(frozen=True)
class ExcludeFromBlockPublicAccess:
    subnet_id: str
    mode: str = "allow-egress"

    def says(self) -> str:
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
        return (
            f"BPA_EXCLUSION=$(aws ec2 create-vpc-block-public-access-exclusion --subnet-id {self.subnet_id} "
            f"--internet-gateway-exclusion-mode {self.mode} "
            "--query VpcBlockPublicAccessExclusion.ExclusionId --output text)",
            "# an exclusion takes effect when its state is create-complete",
            "BPA_STATE=create-in-progress",
            f'while [ "$BPA_STATE" = create-in-progress ]; do sleep 5; BPA_STATE=$({state}); done',
            '[ "$BPA_STATE" = create-complete ]',
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return (
            f'resource "aws_vpc_block_public_access_exclusion" "{tf_name(self.subnet_id, "egress")}" {{\n'
            f"  subnet_id = {ref(self.subnet_id, addresses)}\n"
            f'  internet_gateway_exclusion_mode = "{self.mode}"\n'
            "}"
        )


def exclude_nat_subnet(s: Situation) -> list[Candidate]:
    """vpc-block-public-access names the NAT gateway: exclude its subnet for egress."""
    nat = s.network.nat_gateways.get(s.finding.resource)
    if nat is None or s.network.block_public_access is None:
        return []
    return [(ExcludeFromBlockPublicAccess(nat.subnet_id),)]
