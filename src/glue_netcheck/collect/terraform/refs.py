"""Parsing a configuration reference (`module.net.subnet_ids["a"]`, `aws_subnet.private[0].id`)
into its steps, and telling which references in a list are only parents of another."""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r'\.([A-Za-z_][\w-]*|\*)|\[(\d+|"(?:[^"\\]|\\.)*"|\*)\]')


def steps(reference: str) -> list[Any]:
    """Names (str) and indices (int, or str key in a `Key` wrapper) of a reference."""
    parts: list[Any] = [reference.partition(".")[0].split("[", 1)[0]]
    tail = reference[len(parts[0]) :]
    for match in _STEP.finditer(tail):
        name, index = match.groups()
        if name is not None:
            parts.append(name)
        elif index == "*":
            parts.append("*")
        elif index.startswith('"'):
            parts.append(Key(index[1:-1]))
        else:
            parts.append(int(index))
    return parts


class Key(str):
    """A `["key"]` index (a for_each key), told apart from an attribute name."""


def leaves(references: list[str]) -> list[str]:
    """The references that are not just the parent of another one in the list (Terraform lists
    `aws_vpc.main.id` and `aws_vpc.main` for one use)."""
    unique = list(dict.fromkeys(references))
    return [r for r in unique if not any(o != r and (o.startswith(f"{r}.") or o.startswith(f"{r}[")) for o in unique)]
