"""Reading raw AWS answers safely: every value checked, a bad one is a ModelError naming it."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import IPv4Network
from typing import Any

_PROTOCOL_NUMBERS = {"-1": "-1", "all": "-1", "tcp": "6", "udp": "17", "icmp": "1"}


class ModelError(ValueError):
    """Raw input that cannot be turned into a model; the message names the field."""


def as_mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ModelError(f"{where}: expected an object, got {type(value).__name__}")
    return value


def as_list(raw: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    value = raw.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise ModelError(f"{key}: expected a list of objects")
    return value


def as_str(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value:
        raise ModelError(f"{key}: expected a non-empty string, got {value!r:.60}")
    return value


def as_int(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ModelError(f"{where}: expected a number, got {value!r:.60}")
    try:
        number = int(value)
    except (ValueError, OverflowError) as exc:
        raise ModelError(f"{where}: expected a number, got {value!r:.60}") from exc
    if not -1 <= number <= 2**31:
        raise ModelError(f"{where}: {number} is out of range")
    return number


def as_optional_bool(value: Any) -> bool | None:
    if isinstance(value, Mapping):  # the raw describe_vpc_attribute shape {"Value": true}
        value = value.get("Value")
    return value if isinstance(value, bool) else None


def as_network(value: Any) -> IPv4Network:
    try:
        return IPv4Network(str(value), strict=False)
    except ValueError as exc:
        raise ModelError(f"invalid IPv4 CIDR {value!r:.60}") from exc


def as_protocol(value: Any) -> str:
    text = str(value).lower()
    return _PROTOCOL_NUMBERS.get(text, text)
