"""Reference resolution: a planned value unknown until apply is found through the
configuration's references (`aws_subnet.private.id`, module outputs, `count` / `for_each`
instances)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from glue_netcheck.collect.terraform.plan import Plan, Resource

_INDEX = re.compile(r"^(?P<base>[^\[]+)(?:\[(?P<index>[^\]]+)\])?$")


def find(plan: Plan, module: str, reference: str) -> list[Resource]:
    """Resources a configuration reference names, seen from `module`."""
    parts = reference.split(".")
    if parts[0] == "module" and len(parts) >= 3:
        call = _INDEX.match(parts[1])
        child = f"{module}.module.{call['base'] if call else parts[1]}".lstrip(".")
        outputs = plan.config_module(child).get("outputs", {})
        output = outputs.get(parts[2], {}).get("expression", {})
        return [r for ref in output.get("references", []) for r in find(plan, child, ref)][:1]
    if len(parts) < 2 or parts[0] in ("var", "local", "each", "count", "path", "data", "self"):
        return []
    match = _INDEX.match(parts[1])
    if match is None:
        return []
    name, index = match["base"], match["index"]
    found = [r for r in plan.resources if r.module == module and r.type == parts[0] and r.name == name]
    if index is not None:
        wanted = index.strip('"')
        found = [r for r in found if str(r.index) == wanted]
    return found if len(found) == 1 else []


def resolve(plan: Plan, res: Resource, *path: Any) -> Any:
    """The value at `path` in the resource, resolving unknown ids through references."""
    value: Any = res.values
    expression: Any = plan.config_resource(res).get("expressions", {})
    for step in path:
        value = value[step] if _has(value, step) else None
        expression = expression[step] if _has(expression, step) else None
    if value not in (None, "", []) and not _unknown(res.unknown, path):
        return value
    references = expression.get("references", []) if isinstance(expression, Mapping) else []
    ids = list(dict.fromkeys(r.id for ref in references for r in find(plan, res.module, ref)))
    if isinstance(value, list) or (isinstance(expression, Mapping) and len(ids) > 1):
        return ids or value
    return ids[0] if ids else value


def resolve_list(plan: Plan, res: Resource, *path: Any) -> list[Any]:
    """A list attribute (ids of subnets, groups, route tables), resolved like `resolve`."""
    value = resolve(plan, res, *path)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


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
