"""The snapshot file: raw AWS answers per region, versioned, written atomically.

Keeping the raw Describe/Get answers (redacted) rather than our model makes a run
reproducible and lets a user attach the file to a bug report; `model.build` turns it into the
model, the same code the live collector's answers go through.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from glue_netcheck import __version__
from glue_netcheck.collect.files import read_json, write_atomic, write_atomic_bytes
from glue_netcheck.errors import AnalysisError

FORMAT = "glue-netcheck-snapshot"
VERSION = 1


class SnapshotError(AnalysisError):
    pass


def make(regions: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "tool": {"name": "glue-netcheck", "version": __version__},
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "regions": {region: _redacted(data) for region, data in regions.items()},
    }


def _redacted(region: Mapping[str, Any]) -> dict[str, Any]:
    from glue_netcheck.model.redact import redact_connection  # only `snapshot` writes one

    glue = dict(region.get("glue", {}))
    glue["Connections"] = [redact_connection(c) for c in glue.get("Connections", [])]
    return {**region, "glue": glue}


def dumps(document: Mapping[str, Any]) -> str:
    return json.dumps(document, indent=1, sort_keys=True, default=str) + "\n"


def load_raw(path: Path) -> dict[str, tuple[str, dict[str, Any]]]:
    """Read and validate a snapshot: {key: (region, raw answers)}, or raise SnapshotError.
    Multi-account snapshots key regions as "account/region" and say the region inside."""
    where = f"snapshot {path}"
    document = read_json(path, where, SnapshotError)
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise SnapshotError(f'{where}: not a glue-netcheck snapshot (no "format": "{FORMAT}")')
    if document.get("version") != VERSION:
        raise SnapshotError(
            f"{where}: snapshot version {document.get('version')!r:.20} is not supported "
            f"(this glue-netcheck reads version {VERSION}); take a new snapshot"
        )
    regions = document.get("regions")
    if not isinstance(regions, dict) or not regions:
        raise SnapshotError(f'{where}: "regions" must be a non-empty object')
    loaded: dict[str, tuple[str, dict[str, Any]]] = {}
    for key, raw in regions.items():
        if not isinstance(raw, dict):
            raise SnapshotError(f"{where}: region {key!r:.40} must be an object")
        name = raw.get("region", key)
        if not isinstance(name, str):
            raise SnapshotError(f'{where}: region {key!r:.40} has a non-string "region"')
        loaded[str(key)] = (name, raw)
    return loaded


__all__ = ["SnapshotError", "dumps", "load_raw", "make", "write_atomic", "write_atomic_bytes"]
