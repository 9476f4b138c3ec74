"""Loading a `terraform show -json` plan (format 1.x): the planned resources of every module,
what each one leaves unknown until apply, the ids the plan deletes, and the configuration the
references are resolved through (`resolve.py`)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from glue_netcheck.collect.files import read_json
from glue_netcheck.errors import AnalysisError

# AWS's id prefix per kind: route targets are told apart by it, so a stand-in id keeps it.
ID_PREFIX = {
    "aws_vpc": "vpc-",
    "aws_subnet": "subnet-",
    "aws_route_table": "rtb-",
    "aws_default_route_table": "rtb-",
    "aws_internet_gateway": "igw-",
    "aws_nat_gateway": "nat-",
    "aws_vpc_endpoint": "vpce-",
    "aws_security_group": "sg-",
    "aws_default_security_group": "sg-",
    "aws_network_acl": "acl-",
    "aws_default_network_acl": "acl-",
    "aws_ec2_transit_gateway": "tgw-",
    "aws_vpc_peering_connection": "pcx-",
    "aws_vpn_gateway": "vgw-",
    "aws_vpc_dhcp_options": "dopt-",
}


# The id prefix an attribute takes: with one expression for several fields (an inline block),
# each field gets the referenced ids of its own kind.
FIELD_KINDS: dict[str, tuple[str, ...]] = {
    "vpc_id": ("vpc-",),
    "subnet_id": ("subnet-",),
    "subnet_ids": ("subnet-",),
    "security_group_id": ("sg-",),
    "security_group_ids": ("sg-",),
    "security_groups": ("sg-",),
    "security_group_id_list": ("sg-",),
    "source_security_group_id": ("sg-",),
    "referenced_security_group_id": ("sg-",),
    "route_table_id": ("rtb-",),
    "route_table_ids": ("rtb-",),
    "gateway_id": ("igw-", "vgw-", "nat-", "vpce-"),
    "nat_gateway_id": ("nat-",),
    "vpc_endpoint_id": ("vpce-",),
    "transit_gateway_id": ("tgw-",),
    "vpc_peering_connection_id": ("pcx-",),
    "network_interface_id": ("eni-",),
    "egress_only_gateway_id": ("eigw-",),
    "network_acl_id": ("acl-",),
    "dhcp_options_id": ("dopt-",),
}


def default_id(prefix: str, vpc_id: str) -> str:
    """The stand-in id of a VPC's default ACL, main route table or default group: the same
    whether it is reached through `aws_vpc.x.default_network_acl_id` or the implicit one."""
    return f"{prefix}{vpc_id}.default"


class PlanError(AnalysisError):
    pass


@dataclass
class Resource:
    address: str
    module: str  # "" for the root module, else "module.a.module.b"
    type: str
    name: str
    index: Any
    values: dict[str, Any]
    unknown: Any = field(default_factory=dict)
    mode: str = "managed"
    standin: str = ""  # the id a default resource adopts (its VPC's default ACL, table, group)

    @property
    def id(self) -> str:
        """AWS's id when known, else a stand-in until apply: AWS's prefix for the kind and the
        Terraform address."""
        value = self.values.get("id")
        if isinstance(value, str) and value:
            return value
        return self.standin or f"{ID_PREFIX.get(self.type, '')}{self.address}"


@dataclass
class Plan:
    resources: list[Resource]
    deleted_ids: set[str]
    configuration: dict[str, Any]
    addresses: dict[str, str] = field(default_factory=dict)  # resource id -> Terraform address
    source: str = "plan"
    variables: dict[str, Any] = field(default_factory=dict)
    data: list[Resource] = field(default_factory=list)  # data sources read at plan time
    region: str = ""
    relevant: list[dict[str, Any]] = field(default_factory=list)  # relevant_attributes
    account: str = ""  # from data.aws_caller_identity, for the ARNs AWS will assign
    # Ids (or stand-ins) whose path-deciding values come from data sources read only at apply
    # -> why, naming the address and attribute (filled by the translators, see shapes.Values).
    undecided: dict[str, str] = field(default_factory=dict)
    # AWS's managed prefix lists by name (the base's and those data sources read at plan time):
    # a gateway endpoint's prefix_list_id is its service's. Stand-ins handed out when unknown.
    prefix_lists: dict[str, str] = field(default_factory=dict)
    standin_lists: set[str] = field(default_factory=set)
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)
    _index: dict[tuple[str, str, str, str], list[Resource]] = field(default_factory=dict, repr=False)
    _config: dict[tuple[str, str, str, str], dict[str, Any]] = field(default_factory=dict, repr=False)

    def undecide(self, key: str, why: str) -> None:
        """`key` is undecided because of `why` (each reason once, in the order found)."""
        known = self.undecided.get(key)
        if known is None:
            self.undecided[key] = why
        elif why not in known.split("; "):
            self.undecided[key] = f"{known}; {why}"

    def config_module(self, module: str) -> dict[str, Any]:
        node: dict[str, Any] = self.configuration.get("root_module", {})
        for part in [p for p in module.split(".") if p and p != "module"]:
            node = node.get("module_calls", {}).get(_base(part), {}).get("module", {})
        return node

    def config_resource(self, res: Resource) -> dict[str, Any]:
        key = (res.module, res.mode, res.type, res.name)
        if key not in self._config:
            self._config[key] = {}
            for entry in self.config_module(res.module).get("resources", []):
                if (
                    entry.get("type") == res.type
                    and entry.get("name") == res.name
                    and entry.get("mode", "managed") == res.mode
                ):
                    self._config[key] = dict(entry)
        return self._config[key]

    def instances(self, module: str, mode: str, type_: str, name: str) -> list[Resource]:
        """Every instance (count / for_each) of one resource block of a module."""
        if not self._index:
            for res in [*self.resources, *self.data]:
                self._index.setdefault((res.module, res.mode, res.type, res.name), []).append(res)
        return self._index.get((module, mode, type_, name), [])

    def of_type(self, *types: str) -> list[Resource]:
        return [r for r in self.resources if r.type in types]


def _base(part: str) -> str:
    return part.split("[", 1)[0]


def load(path: Path) -> Plan:
    where = f"plan {path}"
    document = read_json(path, where, PlanError)
    if not isinstance(document, dict) or "planned_values" not in document:
        raise PlanError(f"{where}: not a `terraform show -json` plan (no planned_values)")
    version = str(document.get("format_version", ""))
    if not version.startswith("1."):
        raise PlanError(f"{where}: plan format_version {version!r:.20} is not supported (1.x is)")
    try:
        plan = parse(document)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise PlanError(f"{where}: unexpected content ({type(exc).__name__}: {exc})") from None
    plan.source = where
    return plan


def _modules(node: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    yield node
    for child in node.get("child_modules", []) or []:
        yield from _modules(child)


def _resource(raw: Mapping[str, Any], unknown: Mapping[str, Any]) -> Resource:
    address = raw["address"]
    local = f"{'data.' if raw.get('mode') == 'data' else ''}{raw['type']}."
    prefix = address.rsplit(local, 1)[0].rstrip(".")
    return Resource(
        address,
        prefix,
        raw["type"],
        raw["name"],
        raw.get("index"),
        dict(raw.get("values") or {}),
        unknown.get(address, {}),
        raw.get("mode", "managed"),
    )


def parse(document: Mapping[str, Any]) -> Plan:
    unknown: dict[str, Any] = {}
    deleted: set[str] = set()
    for change in document.get("resource_changes", []) or []:
        actions = change.get("change", {}).get("actions", [])
        unknown[change["address"]] = change.get("change", {}).get("after_unknown") or {}
        before = change.get("change", {}).get("before") or {}
        if "delete" in actions and "create" not in actions and isinstance(before, Mapping) and before.get("id"):
            deleted.add(str(before["id"]))
    resources: list[Resource] = []
    data: list[Resource] = []
    for module in _modules(document["planned_values"].get("root_module", {})):
        for raw in module.get("resources", []) or []:
            res = _resource(raw, unknown)
            (data if res.mode == "data" else resources).append(res)
    known = {r.address for r in data}
    for change in document.get("resource_changes", []) or []:
        # A read deferred to apply, whatever planned_values holds: its values are `after`.
        if change.get("mode") == "data" and change["address"] not in known:
            values = change.get("change", {}).get("after") or {}
            data.append(_resource({**change, "values": values if isinstance(values, Mapping) else {}}, unknown))
    # Data sources read at plan time are in prior_state; the ones deferred to apply are not.
    prior = (document.get("prior_state") or {}).get("values", {}).get("root_module", {})
    known = {r.address for r in data}
    for module in _modules(prior):
        for raw in module.get("resources", []) or []:
            if raw.get("mode") == "data" and raw["address"] not in known:
                data.append(_resource(raw, {}))
    variables = {k: (v or {}).get("value") for k, v in (document.get("variables") or {}).items()}
    plan = Plan(resources, deleted, dict(document.get("configuration") or {}), variables=variables, data=data)
    identity = [d for d in data if d.type == "aws_caller_identity" and isinstance(d.values.get("account_id"), str)]
    plan.relevant = [dict(a) for a in document.get("relevant_attributes") or [] if isinstance(a, Mapping)]
    plan.account = str(identity[0].values["account_id"]) if identity else ""
    adopt_defaults(plan)
    plan.addresses = {r.id: r.address for r in resources}
    return plan


_DEFAULTS = {
    "aws_default_network_acl": ("default_network_acl_id", ""),
    "aws_default_route_table": ("default_route_table_id", ""),
    "aws_default_security_group": ("vpc_id", "sg-"),
}


def adopt_defaults(plan: Plan) -> None:
    """A default resource names its VPC's own (the default ACL, main table, default group):
    its id is that resource's, however it is reached."""
    from glue_netcheck.collect.terraform.resolve import resolve

    for res in plan.resources:
        if res.type in _DEFAULTS and not res.values.get("id"):
            attribute, prefix = _DEFAULTS[res.type]
            value = resolve(plan, res, attribute)
            if isinstance(value, str) and value:
                res.standin = default_id(prefix, value) if prefix else value
    plan.cache.clear()
