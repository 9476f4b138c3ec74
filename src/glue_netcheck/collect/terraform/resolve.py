"""Reference resolution: a planned value unknown until apply is found the way Terraform will
compute it, through the configuration's references — attribute references to any attribute
(`aws_subnet.x.availability_zone`), `count.index` / `each.key` / splat instances, module
outputs (for expressions included), module variables, data sources read at plan time, and
inline blocks Terraform records as ONE expression for the whole attribute
(`"route": {"references": [...]}`). What stays unknown is an `Unknown`, never a guess; an
attribute of a data source Terraform reads only at apply is one `at_apply`, and what it
decides is undecided (shapes.Values.decides, the network's `undecided`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from glue_netcheck.collect.terraform.plan import FIELD_KINDS, Plan, Resource, default_id
from glue_netcheck.collect.terraform.refs import Key, leaves, steps


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply that the plan does not determine."""

    what: str  # "aws_subnet.glue.availability_zone"
    # Known only at apply through what the plan does not record: an attribute of a data source
    # Terraform reads at apply, or a local (the plan leaves locals out).
    at_apply: bool = False


_CONTEXT = ("count", "each", "path", "terraform", "self")


def resolve(plan: Plan, res: Resource, *path: Any) -> Any:
    """The value at `path` in the resource: the planned value when known, else resolved."""
    key = (res.address, res.mode, path)
    if key not in plan.cache:
        plan.cache[key] = Unknown(f"{res.address}.{_dotted(path)}")  # a reference cycle stays unknown
        plan.cache[key] = _resolve(plan, res, path)
    return plan.cache[key]


def _resolve(plan: Plan, res: Resource, path: tuple[Any, ...]) -> Any:
    value: Any = res.values
    for step in path:
        value = value[step] if _has(value, step) else None
    if not _unknown(res.unknown, path):
        return value
    config = plan.config_resource(res).get("expressions", {})
    expression, rest = _expression(config, path)
    if expression is None and res.mode == "data":
        # What a data source read at apply will find: not in the plan, and never guessed.
        return Unknown(_name(res, path), at_apply=True)
    if expression is None:
        computed = _computed(plan, res, path)
        if isinstance(computed, Unknown) and len(path) > 1 and path[0] not in config:
            return _inferred(plan, res, path) or computed  # a dynamic block leaves no expression
        return computed
    if "constant_value" in expression:
        return _walk(expression["constant_value"], rest)
    references = leaves(list(expression.get("references", [])))
    candidates = [c for ref in references for c in evaluate(plan, res, ref)]
    picked = _pick(plan, res, path, rest, candidates)
    local = next((r for r in references if r.startswith("local.")), None)
    if local is not None and isinstance(picked, Unknown) and not picked.at_apply:
        # Terraform leaves locals out of the plan: the id the plan implies, else undecided.
        return _inferred(plan, res, path) or Unknown(local, at_apply=True)
    if local is not None and picked == []:
        return [Unknown(local, at_apply=True)]
    return picked


def _inferred(plan: Plan, res: Resource, path: tuple[Any, ...]) -> Any:
    """An id the configuration does not spell out in the plan (a dynamic block, a local): the
    one resource of the module whose id the plan says is used and whose kind fits the field,
    kinds tried in the field's order (`gateway_id`: an internet gateway first). Two or more of
    one kind fit: unknown, not a guess."""
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    kinds = FIELD_KINDS.get(field)
    if not kinds:
        return None
    used = {(str(a.get("resource")), tuple(a.get("attribute") or ())) for a in plan.relevant}
    planned: Any = res.values
    for step in path:
        planned = planned[step] if _has(planned, step) else None
    for same_module in (True, False):
        for kind in kinds:
            fitting = {
                r.id
                for r in plan.resources
                if (r.module == res.module or not same_module)
                and r is not res
                and r.id.startswith(kind)
                and (r.address, ("id",)) in used
            }
            if len(fitting) > 1:
                return None
            if fitting:
                many = isinstance(planned, list) or field.endswith(("_ids", "groups"))
                return [fitting.pop()] if many else fitting.pop()
    return None


def _expression(node: Any, path: tuple[Any, ...]) -> tuple[Mapping[str, Any] | None, tuple[Any, ...]]:
    """The expression covering `path`, and the part of the path inside it (non-empty when one
    expression is written for a whole block attribute)."""
    for i, step in enumerate(path):
        if isinstance(node, Mapping) and ("references" in node or "constant_value" in node):
            return node, path[i:]
        if not _has(node, step):
            return None, ()
        node = node[step]
    if isinstance(node, Mapping) and ("references" in node or "constant_value" in node):
        return node, ()
    return None, ()


def _computed(plan: Plan, res: Resource, path: tuple[Any, ...]) -> Any:
    """An attribute nobody configured, as AWS sets it at creation."""
    attr = path[0] if path else ""
    if path == ("id",):
        return res.id
    if res.type == "aws_vpc" and len(path) == 1:
        prefix = {
            "default_network_acl_id": "acl-",
            "default_route_table_id": "rtb-",
            "main_route_table_id": "rtb-",
            "default_security_group_id": "sg-",
        }.get(attr)
        if prefix:
            return default_id(prefix, res.id)
    if res.type in ("aws_security_group", "aws_default_security_group") and path in (("ingress",), ("egress",)):
        return []  # the provider revokes the default allow-all egress of a group it creates
    if path == ("arn",):
        return _arn(plan, res)
    if res.type == "aws_vpc_endpoint" and path == ("prefix_list_id",):
        return _endpoint_list(plan, res)
    return Unknown(f"{res.address}.{_dotted(path)}")


def _endpoint_list(plan: Plan, res: Resource) -> Any:
    """A gateway endpoint's prefix list: AWS's managed list of its service, by name."""
    service = resolve(plan, res, "service_name")
    kind = resolve(plan, res, "vpc_endpoint_type")
    if not isinstance(service, str) or str(kind or "Gateway").lower() != "gateway":
        return Unknown(f"{res.address}.prefix_list_id")
    if service not in plan.prefix_lists:
        plan.standin_lists.add(service)
    return plan.prefix_lists.get(service, f"pl-{service}")


def _arn(plan: Plan, res: Resource) -> str:
    account = plan.account or "000000000000"
    name = res.values.get("name")
    if res.type == "aws_iam_role" and isinstance(name, str):
        return f"arn:aws:iam::{account}:role/{name}"
    if res.type == "aws_kms_key":
        return f"arn:aws:kms:{plan.region}:{account}:key/{res.address}"
    service = res.type.removeprefix("aws_").split("_", 1)[0]
    return f"arn:aws:{service}:{plan.region}:{account}:{res.address}"


def evaluate(plan: Plan, res: Resource, reference: str) -> list[Any]:
    """The values one reference stands for, seen from `res` (its module, its count/for_each
    instance); [] for references that only choose an instance (`count.index`)."""
    parts = steps(reference)
    root = parts[0]
    if root in _CONTEXT:
        return _each_value(plan, res, parts[2:]) if parts[:2] == ["each", "value"] else []
    if root == "var" and len(parts) >= 2:
        return [_walk(v, parts[2:]) for v in _variable(plan, res.module, str(parts[1]))]
    if root == "local":
        return []  # Terraform leaves locals out of the plan's configuration
    if root == "module" and len(parts) >= 3:
        return _module_output(plan, res, parts)
    mode, rest = ("data", parts[1:]) if root == "data" else ("managed", parts)
    if len(rest) < 2:
        return []
    instances = plan.instances(res.module, mode, str(rest[0]), str(rest[1]))
    if not instances:
        return []
    tail = rest[2:]
    if tail and isinstance(tail[0], int | Key):
        instances, tail = _select(instances, tail[0]), tail[1:]
    elif tail and tail[0] == "*":
        tail = tail[1:]
    elif len(instances) > 1:
        instances = _same_instance(plan, res, reference, instances)
    if mode == "data":
        instances = [_looked_up(plan, inst) for inst in instances]
    values = [_attribute(plan, inst, tail) for inst in instances]
    return values if len(values) == 1 else [values]  # several instances are one collection


def _looked_up(plan: Plan, data: Resource) -> Resource:
    """A data source read only at apply that looks a planned resource up by its id describes
    that resource: its attributes are the resource's. Any other stays unknown."""
    if not _unknown(data.unknown, ("id",)) and data.values.get("id"):
        return data
    expression = plan.config_resource(data).get("expressions", {}).get("id") or {}
    kind = data.type
    for ref in leaves(list(expression.get("references", []))):
        for value in _flatten(evaluate(plan, data, ref)):
            found = [r for r in plan.resources if r.type == kind and r.id == value]
            if len(found) == 1:
                return found[0]
    return data


def _same_instance(plan: Plan, res: Resource, reference: str, instances: list[Resource]) -> list[Resource]:
    """`aws_subnet.x[count.index]` / `[each.key]` (recorded as `aws_subnet.x` next to
    `count.index`): the instance with the referencing resource's own index."""
    expressions = plan.config_resource(res).get("expressions", {})
    text = repr(expressions)
    if res.index is not None and ("'count.index'" in text or "'each.key'" in text):
        same = [i for i in instances if i.index == res.index]
        if same:
            return same
    return instances


def _select(instances: list[Resource], index: Any) -> list[Resource]:
    found = [i for i in instances if i.index == index]
    if not found and isinstance(index, int) and 0 <= index < len(instances):
        found = [sorted(instances, key=lambda i: (str(type(i.index)), i.index))[index]]
    return found


def _attribute(plan: Plan, inst: Resource, tail: list[Any]) -> Any:
    if not tail:
        return inst
    return _walk(resolve(plan, inst, str(tail[0])), tail[1:])


def _walk(value: Any, tail: list[Any] | tuple[Any, ...]) -> Any:
    for step in tail:
        if isinstance(value, Unknown):
            return value
        if isinstance(value, list) and value and all(isinstance(v, Resource) for v in value):
            chosen = _select(value, step) if isinstance(step, int | Key) else None
            value = chosen[0] if chosen else None
            continue
        value = value[step] if _has(value, step) else None
    return value


def _variable(plan: Plan, module: str, name: str) -> list[Any]:
    if not module:
        return [plan.variables[name]] if name in plan.variables else []
    parent, _, call = module.rpartition(".module.") if ".module." in module else ("", "", module[len("module.") :])
    call_name = call.split("[", 1)[0]
    arguments = plan.config_module(parent).get("module_calls", {}).get(call_name, {}).get("expressions", {})
    expression = arguments.get(name)
    if not isinstance(expression, Mapping):
        return []
    if "constant_value" in expression:
        return [expression["constant_value"]]
    context = Resource("", parent, "", "", None, {})
    return [c for ref in leaves(list(expression.get("references", []))) for c in evaluate(plan, context, ref)]


def _module_output(plan: Plan, res: Resource, parts: list[Any]) -> list[Any]:
    name, tail = str(parts[1]), parts[2:]
    instance = ""
    if tail and isinstance(tail[0], int | Key):
        instance = f'["{tail[0]}"]' if isinstance(tail[0], Key) else f"[{tail[0]}]"
        tail = tail[1:]
    child = f"{res.module}.module.{name}{instance}".lstrip(".")
    if not instance and not any(r.module == child for r in plan.resources):
        # A module with count/for_each named without an index: its first instance.
        prefixed = sorted({r.module for r in plan.resources if r.module.startswith(f"{child}[")})
        child = prefixed[0] if prefixed else child
    if not tail:
        return []
    output = plan.config_module(child).get("outputs", {}).get(str(tail[0]), {}).get("expression", {})
    if "constant_value" in output:
        return [_walk(output["constant_value"], tail[1:])]
    context = Resource("", child, "", "", None, {})
    found = [c for ref in leaves(list(output.get("references", []))) for c in evaluate(plan, context, ref)]
    if len(found) > 1 and all(isinstance(f, Resource) for f in found):
        found = [found]  # a for expression over instances: one collection
    return [_walk(c, tail[1:]) for c in found]


def _each_value(plan: Plan, res: Resource, tail: list[Any]) -> list[Any]:
    expression = plan.config_resource(res).get("for_each_expression") or {}
    if "constant_value" in expression:
        collection: list[Any] = [expression["constant_value"]]
    else:
        collection = [c for ref in leaves(list(expression.get("references", []))) for c in evaluate(plan, res, ref)]
    values = []
    for item in collection:
        chosen = _walk(item, [Key(str(res.index))])
        if isinstance(chosen, Resource):
            values.append(_attribute(plan, chosen, tail) if tail else chosen)
        elif chosen is not None:
            values.append(_walk(chosen, tail))
    return values


def _flatten(values: list[Any]) -> list[Any]:
    flat: list[Any] = []
    for value in values:
        if isinstance(value, list | tuple):
            flat.extend(_flatten(list(value)))
        elif isinstance(value, Resource):
            flat.append(_id_of(value))
        elif isinstance(value, Mapping) and all(isinstance(v, Resource) for v in value.values()):
            flat.extend(_id_of(v) for v in value.values())
        elif value is not None:
            flat.append(value)
    return flat


def _id_of(res: Resource) -> Any:
    """A resource named whole stands for its id; a data source's, read at apply, is unknown."""
    if res.mode == "data" and (_unknown(res.unknown, ("id",)) or not res.values.get("id")):
        return Unknown(f"{res.address}.id", at_apply=True)
    return res.id


def _pick(plan: Plan, res: Resource, path: tuple[Any, ...], rest: tuple[Any, ...], candidates: list[Any]) -> Any:
    field = next((p for p in reversed(path) if isinstance(p, str)), "")
    values = _flatten(candidates)
    kinds = FIELD_KINDS.get(field)
    if kinds:
        values = [v for v in values if (isinstance(v, str) and v.startswith(kinds)) or isinstance(v, Unknown)]
    values = list(dict.fromkeys(values))
    planned: Any = res.values
    for step in path:
        planned = planned[step] if _has(planned, step) else None
    if isinstance(planned, list) or field.endswith(("_ids", "_list", "groups", "blocks")):
        return values
    if len(rest) >= 2 and isinstance(rest[0], int):
        # One expression for a whole block list: the n-th block with this field unknown takes
        # the n-th referenced value of its kind, in the order written.
        slot = sum(1 for j in range(rest[0]) if _unknown(res.unknown, (*path[: -len(rest)], j, *rest[1:])))
        return values[slot] if slot < len(values) else (values[-1] if values else Unknown(_name(res, path)))
    deferred = next((v for v in values if isinstance(v, Unknown) and v.at_apply), None)
    if deferred is not None:
        return deferred  # one candidate is read at apply: which one applies is undecided
    return values[0] if values else Unknown(_name(res, path))


def _name(res: Resource, path: tuple[Any, ...]) -> str:
    return f"{res.address}.{_dotted(path)}"


def _dotted(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path)


def resolve_list(plan: Plan, res: Resource, *path: Any) -> list[Any]:
    """A list attribute (ids of subnets, groups, route tables), resolved like `resolve`."""
    value = resolve(plan, res, *path)
    if value is None or isinstance(value, Unknown):
        return []
    return [v for v in (value if isinstance(value, list | tuple) else [value]) if not isinstance(v, Unknown)]


def _has(node: Any, step: Any) -> bool:
    if isinstance(node, Mapping):
        return step in node
    return isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node)


def _unknown(unknown: Any, path: tuple[Any, ...]) -> bool:
    node = unknown
    for step in path:
        if node is True:
            return True
        if not _has(node, step):
            return False
        node = node[step]
    return node is True or (isinstance(node, list) and any(v is True for v in node))
