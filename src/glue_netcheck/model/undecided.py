"""What the data itself leaves undecided, beside a plan's values known only at apply: the
resources whose hops the tracer must leave undecided (`Network.undecided`, id -> why).

A route to a customer-managed prefix list whose entries are not known (GetManagedPrefixListEntries
denied, or the list not in the data) may take any traffic: its entries may be more specific
than every other route of its table. Every decision of that table is then undecided, as a
security-group rule naming such a list is (net/security_groups.py). A route to an AWS-managed
list (`com.amazonaws.…`, the only kind a gateway endpoint's route names) takes that service's
public ranges only, which hold nothing else's address: decided without its entries.
"""

from __future__ import annotations

from glue_netcheck.model.network import Network, Route


def unknown_list_routes(network: Network) -> dict[str, str]:
    """Route table id -> why its routes are undecided, for tables routing a prefix list whose
    entries are not known."""
    found: dict[str, str] = {}
    for table in network.route_tables:
        route = next((r for r in table.routes if _unknown_list(network, r)), None)
        if route is not None:
            found[table.id] = (
                f"route {route} names {route.prefix_list_id}, whose entries are not known "
                "(ec2:GetManagedPrefixListEntries): which traffic it takes cannot be decided"
            )
    return found


def _unknown_list(network: Network, route: Route) -> bool:
    if route.prefix_list_id is None:
        return False
    listed = network.prefix_lists.get(route.prefix_list_id)
    if listed is not None and (listed.cidrs or listed.name.startswith("com.amazonaws.")):
        return False
    if route.target == "gateway-endpoint":
        # An S3 or DynamoDB gateway endpoint's route names that service's managed list (a
        # Gateway Load Balancer endpoint's, or one not in the data, may name any list).
        endpoint = next((e for e in network.endpoints if e.id == route.target_id), None)
        return endpoint is None or endpoint.type.lower() != "gateway"
    return True
