"""Edits of a job's or crawler's own resources (its KMS keys, its role, the VPC endpoint
policies it is judged against, the job's definition): each a pure change of the model with
the AWS CLI commands and Terraform that make the same change. fixes/consumer.py proves them.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from dataclasses import dataclass, replace

from glue_netcheck.analyse.connection import connection_context
from glue_netcheck.analyse.results import ConsumerReport
from glue_netcheck.checks.base import ConsumerContext
from glue_netcheck.fixes.edits import _endpoint, _network, tf_name
from glue_netcheck.model.glue import Inventory

POLICY_NAME = "glue-netcheck-vpc"


def context_of(inventory: Inventory, report: ConsumerReport) -> ConsumerContext:
    """What the consumer's checks saw (its connections traced from the first one's subnet, as
    Glue places the run's ENIs there): the builders read the same values the checks judged."""
    consumer = report.consumer
    present = [c.connection.name for c in report.connections]
    return ConsumerContext(
        inventory=inventory,
        consumer=consumer,
        configuration=inventory.security_configurations.get(consumer.security_configuration or ""),
        connections=tuple(connection_context(inventory, c, (consumer,), present[0]) for c in present),
        missing_connections=tuple(c for c in consumer.connections if c not in inventory.connections),
    )


def compact(document: object) -> str:
    return json.dumps(document, separators=(",", ":"))


def heredoc(attribute: str, document: str) -> str:
    return f"{attribute} = <<EOF\n{json.dumps(json.loads(document), indent=2)}\nEOF"


@dataclass(frozen=True)
class Caveat:
    """No change: why the candidate's effect cannot be shown on the model (said in its effect)."""

    why: str

    def says(self) -> str:
        return self.why

    def apply(self, inventory: Inventory) -> Inventory:
        return inventory

    def commands(self) -> tuple[str, ...]:
        return ()

    def terraform(self, addresses: Mapping[str, str]) -> str:
        return ""


@dataclass(frozen=True)
class EnableKey:
    reference: str  # as the security configuration or catalog names it (ARN, alias or id)
    cancel_deletion: bool
    key_id: str  # the key's ARN when known: EnableKey and CancelKeyDeletion refuse an alias

    def says(self) -> str:
        return f"{'cancel the deletion of and ' if self.cancel_deletion else ''}enable KMS key {self.reference}"

    def apply(self, inventory: Inventory) -> Inventory:
        key = inventory.kms_keys.get(self.reference)
        if key is None:
            return inventory
        return replace(inventory, kms_keys={**inventory.kms_keys, self.reference: replace(key, state="Enabled")})

    def commands(self) -> tuple[str, ...]:
        # CancelKeyDeletion leaves the key Disabled: enable it afterwards.
        cancel = (f"aws kms cancel-key-deletion --key-id {self.key_id}",) if self.cancel_deletion else ()
        return (*cancel, f"aws kms enable-key --key-id {self.key_id}")

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.reference, f"the aws_kms_key that manages {self.reference}")
        note = (
            "# a deletion is cancelled with the CLI (aws kms cancel-key-deletion), then:\n"
            if self.cancel_deletion
            else ""
        )
        return f"{note}# in {where}:\nis_enabled = true"


def allow_document(actions: tuple[str, ...], resource: str = "*") -> str:
    return compact(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": resource}]}
    )


@dataclass(frozen=True)
class PutRolePolicy:
    """An inline policy allowing what the role's identity policies lack."""

    reference: str  # the role as the job names it (ARN or name)
    actions: tuple[str, ...]
    policy_name: str = POLICY_NAME
    resource: str = "*"

    @property
    def role_name(self) -> str:
        return self.reference.rsplit("/", 1)[-1]

    def says(self) -> str:
        on = "" if self.resource == "*" else f" on {self.resource}"
        return f"allow {', '.join(self.actions)}{on} to role {self.role_name} (inline policy {self.policy_name})"

    def apply(self, inventory: Inventory) -> Inventory:
        role = inventory.roles.get(self.reference)
        if role is None:
            return inventory
        changed = replace(role, policies=(*role.policies, allow_document(self.actions, self.resource)))
        return replace(inventory, roles={**inventory.roles, self.reference: changed})

    def commands(self) -> tuple[str, ...]:
        return (
            f"aws iam put-role-policy --role-name {self.role_name} --policy-name {self.policy_name} "
            f"--policy-document {shlex.quote(allow_document(self.actions, self.resource))}",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        actions = ", ".join(json.dumps(a) for a in self.actions)
        return (
            f'resource "aws_iam_role_policy" "{tf_name(self.role_name, self.policy_name.rsplit("-", 1)[-1])}" {{\n'
            f"  name = {json.dumps(self.policy_name)}\n"
            f"  role = {json.dumps(self.role_name)}\n"
            "  policy = jsonencode({\n"
            '    Version = "2012-10-17"\n'
            f'    Statement = [{{ Effect = "Allow", Action = [{actions}], Resource = {json.dumps(self.resource)} }}]\n'
            "  })\n"
            "}"
        )


@dataclass(frozen=True)
class PutKeyPolicy:
    """The key's whole new default policy (KMS replaces it: the old statements are kept in it)."""

    key_arn: str
    policy: str  # the new document, compact JSON
    change: str  # what differs from the old one, for the effect

    def says(self) -> str:
        return f"in the key policy of {self.key_arn}, {self.change}"

    def apply(self, inventory: Inventory) -> Inventory:
        # The key may be known by several references (ARN, alias): they all name this policy.
        keys = {
            ref: replace(k, policy=self.policy) if (k.arn or k.reference) == self.key_arn else k
            for ref, k in inventory.kms_keys.items()
        }
        return replace(inventory, kms_keys=keys)

    def commands(self) -> tuple[str, ...]:
        return (
            f"aws kms put-key-policy --key-id {self.key_arn} --policy-name default --policy {shlex.quote(self.policy)}",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.key_arn, f"the aws_kms_key that manages {self.key_arn}")
        return f"# in {where}:\n{heredoc('policy', self.policy)}"


@dataclass(frozen=True)
class SetBoundaryVersion:
    """A new default version of the role's permissions boundary (a managed policy): the old
    statements kept, plus what the job needs."""

    reference: str  # the role as the job names it
    policy_arn: str
    policy: str  # compact JSON
    change: str

    def says(self) -> str:
        return f"in the permissions boundary {self.policy_arn}, {self.change}"

    def apply(self, inventory: Inventory) -> Inventory:
        role = inventory.roles.get(self.reference)
        if role is None:
            return inventory
        return replace(inventory, roles={**inventory.roles, self.reference: replace(role, boundary=self.policy)})

    def commands(self) -> tuple[str, ...]:
        return (
            "# a managed policy keeps at most 5 versions: if this fails with LimitExceeded, delete an old one "
            f"(aws iam list-policy-versions --policy-arn {self.policy_arn})",
            f"aws iam create-policy-version --policy-arn {self.policy_arn} "
            f"--policy-document {shlex.quote(self.policy)} --set-as-default",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.policy_arn, f"the aws_iam_policy that manages {self.policy_arn}")
        return f"# in {where}:\n{heredoc('policy', self.policy)}"


@dataclass(frozen=True)
class SetEndpointPolicy:
    """The endpoint's whole new policy (ModifyVpcEndpoint replaces it; old statements kept)."""

    endpoint_id: str
    policy: str  # compact JSON
    change: str

    def says(self) -> str:
        return f"in the policy of {self.endpoint_id}, {self.change}"

    def apply(self, inventory: Inventory) -> Inventory:
        return _network(
            inventory, lambda n: _endpoint(n, self.endpoint_id, lambda e: replace(e, policy_document=self.policy))
        )

    def commands(self) -> tuple[str, ...]:
        return (
            f"aws ec2 modify-vpc-endpoint --vpc-endpoint-id {self.endpoint_id} "
            f"--policy-document {shlex.quote(self.policy)}",
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.endpoint_id, f"the aws_vpc_endpoint that manages {self.endpoint_id}")
        return f"# in {where}:\n{heredoc('policy', self.policy)}"


# GetJob's Job fields that UpdateJob's JobUpdate does not take (botocore's glue model), and
# AllocatedCapacity (deprecated: UpdateJob refuses it with MaxCapacity or WorkerType). MaxCapacity
# goes too when WorkerType is set: UpdateJob refuses both together.
_NOT_UPDATABLE = ("Name", "CreatedOn", "LastModifiedOn", "ProfileName", "AutoUpgradeMetadata", "AllocatedCapacity")


@dataclass(frozen=True)
class UpdateJob:
    """UpdateJob replaces the whole definition: the commands read it (GetJob), change one field
    with jq, and send it back, so every other setting stays as it is."""

    job: str
    without_connection: str | None = None
    workers: int | None = None
    was: int | None = None  # the workers before, for the effect

    def _change(self) -> tuple[str, str]:
        """(what it does, the jq expression)"""
        if self.without_connection is not None:
            return (
                f"remove connection {self.without_connection} from job {self.job} (it then runs without it: "
                "if its script reads that connection's data source, create the connection instead)",
                f".Connections.Connections -= [{json.dumps(self.without_connection)}]",
            )
        # A job sized in DPUs (MaxCapacity, no WorkerType) takes no NumberOfWorkers: UpdateJob
        # refuses NumberOfWorkers without WorkerType, so its MaxCapacity changes instead.
        return (
            f"set job {self.job}'s NumberOfWorkers (its MaxCapacity, for a job sized in DPUs) to {self.workers}"
            f"{f' (was {self.was})' if self.was else ''}: a slower run; a larger subnet for the connection keeps "
            "the workers",
            f"if .WorkerType then .NumberOfWorkers = {self.workers} else .MaxCapacity = {self.workers} end",
        )

    def says(self) -> str:
        return self._change()[0]

    def apply(self, inventory: Inventory) -> Inventory:
        consumers = []
        for c in inventory.consumers:
            if c.kind == "job" and c.name == self.job:
                if self.without_connection is not None:
                    c = replace(c, connections=tuple(x for x in c.connections if x != self.without_connection))
                if self.workers is not None:
                    c = replace(c, workers=self.workers)
            consumers.append(c)
        return replace(inventory, consumers=tuple(consumers))

    def commands(self) -> tuple[str, ...]:
        dropped = ", ".join(f".{f}" for f in _NOT_UPDATABLE)
        jq = f".Job | del({dropped}) | if .WorkerType then del(.MaxCapacity) else . end | {self._change()[1]}"
        name = shlex.quote(self.job)
        return (
            "# UpdateJob replaces the whole definition: read it, change one field (jq), send it back",
            f"JOB_UPDATE=$(aws glue get-job --job-name {name} --output json | jq -c {shlex.quote(jq)})",
            f'aws glue update-job --job-name {name} --job-update "$JOB_UPDATE"',
        )

    def terraform(self, addresses: Mapping[str, str]) -> str:
        where = addresses.get(self.job, f"the aws_glue_job that manages {self.job}")
        if self.without_connection is not None:
            return f"# in {where}:\n# remove {json.dumps(self.without_connection)} from connections"
        return (
            f"# in {where}:\nnumber_of_workers = {self.workers}"
            f"  # max_capacity = {self.workers} for a job sized in DPUs (no worker_type)"
        )
