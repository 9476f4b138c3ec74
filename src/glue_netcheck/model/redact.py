"""Secrets never leave the collector: connection passwords are dropped, URL credentials masked."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

MASK = "****"
# Property names that hold secret material (PASSWORD, ENCRYPTED_PASSWORD,
# KAFKA_SASL_SCRAM_PASSWORD, KAFKA_CLIENT_KEYSTORE_PASSWORD, KAFKA_CLIENT_KEY_PASSWORD, …).
_SECRET_KEY = re.compile(r"PASSWORD|SECRET(?!_ID)|KEYSTORE(?!_PATH)|PRIVATE_KEY|TOKEN|CREDENTIAL", re.I)
# user:password@host in any URL, and password=… parameters (JDBC ;password= / ?password= / &password=)
_URL_USERINFO = re.compile(r"(?P<scheme>[a-z][a-z0-9+.\-]*://)(?P<user>[^/@:\s]*):(?P<secret>[^/@\s]*)@", re.I)
_URL_PARAM = re.compile(r"(?P<key>(?:password|pwd|secret|token)\s*=)(?P<secret>[^;&\s]*)", re.I)
# Glue keeps these free-form property bags beside ConnectionProperties; they may hold secrets.
_DROPPED_FIELDS = ("SparkProperties", "AthenaProperties", "PythonProperties")


def redact_text(value: str) -> str:
    value = _URL_USERINFO.sub(lambda m: f"{m['scheme']}{m['user']}:{MASK}@", value)
    return _URL_PARAM.sub(lambda m: f"{m['key']}{MASK}", value)


def redact_properties(properties: Mapping[str, Any]) -> dict[str, str]:
    return {str(key): redact_text(str(value)) for key, value in properties.items() if not _SECRET_KEY.search(str(key))}


def redact_connection(raw: Mapping[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in raw.items() if k not in _DROPPED_FIELDS}
    if isinstance(raw.get("ConnectionProperties"), Mapping):
        clean["ConnectionProperties"] = redact_properties(raw["ConnectionProperties"])
    auth = raw.get("AuthenticationConfiguration")
    if isinstance(auth, Mapping):
        clean["AuthenticationConfiguration"] = {k: auth[k] for k in ("AuthenticationType", "SecretArn") if k in auth}
    return clean
