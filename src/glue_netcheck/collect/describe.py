"""The fourth input: raw AWS CLI / boto3 Describe answers, one JSON file per call, turned into
the live collector's raw region shape (`collect/aws.py`), so `snapshot.make` writes a normal
snapshot and `model.build` reads it like any other.

A dump is never complete the way a live read is, so nothing is inferred from a file's absence:
a resource kind with no answer is recorded as unreadable (in the section's `Denied` list, the
live collector's record of a refused read; the model then calls the paths through it
undecidable), values no Describe answer carries (VPC DNS attributes, KMS key policies) are left
unknown (None), and every such gap is returned as one note line for the CLI to print.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from glue_netcheck.collect.describe_raw import ID_FIELDS, LISTS, SINGLES, DescribeError, Folder, assemble
from glue_netcheck.collect.files import read_json
from glue_netcheck.model.build import build_inventory
from glue_netcheck.model.raw import ModelError

REGION_NAME = re.compile(r"^[a-z]{2}(?:-[a-z]+)+-\d+$")
# us-east-2a, us-west-2-lax-1a (local zone), eu-central-1-wl1-ber-wlz-1 (wavelength)
_ZONE_REGION = re.compile(r"^([a-z]{2}(?:-[a-z]+)+-\d+)(?:[a-z]|-[a-z0-9-]+)$")
_PREFIX_LIST_ID = re.compile(r"\bpl-[0-9a-f]{8,17}\b")
_KEY_ID = re.compile(r"\b(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b")
_PAGING = ("NextToken", "Marker", "nextToken")


def load_describe_dir(path: Path, region: str | None) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """{region (or account/region): raw region} from a folder of Describe answers, and one
    note per thing absent or unknown. Raises DescribeError (exit 2) naming the bad file."""
    if not path.is_dir():
        raise DescribeError(f"describe dump {path}: not a folder")
    folders = _region_folders(path)
    if region is not None and folders:
        folders = {k: v for k, v in folders.items() if k.rsplit("/", 1)[-1] == region}
        if not folders:
            raise DescribeError(f"describe dump {path}: no folder for region {region}")
    if not folders:
        folders = {"": path}
    regions: dict[str, dict[str, Any]] = {}
    notes: list[str] = []
    for key, folder_path in sorted(folders.items()):
        folder = _read_folder(folder_path)
        name = _region_of(folder, folder_path, key.rsplit("/", 1)[-1] or region)
        key = key or name
        raw, gaps = assemble(name, folder)
        raw["region"] = name
        if "/" in key:
            raw["account"] = key.split("/", 1)[0]
        try:
            build_inventory(name, raw)  # fail here, naming the dump, not later in a command
        except (ModelError, RecursionError) as exc:
            raise DescribeError(f"describe dump {folder_path}: {exc}") from None
        regions[key] = raw
        notes += [f"{key}: {note}" for note in folder.notes + gaps]
    return regions, notes


def _region_folders(path: Path) -> dict[str, Path]:
    """Batfish's aws_configs layouts: <region>/ or <account>/<region>/ folders."""
    found: dict[str, Path] = {}
    for child in sorted(p for p in path.iterdir() if p.is_dir()):
        if REGION_NAME.match(child.name):
            found[child.name] = child
        else:
            for grandchild in sorted(p for p in child.iterdir() if p.is_dir() and REGION_NAME.match(p.name)):
                found[f"{child.name}/{grandchild.name}"] = grandchild
    if found and any(path.glob("*.json")):
        raise DescribeError(
            f"describe dump {path}: holds both region folders and answer files; "
            "move the files into their region's folder"
        )
    return found


def _region_of(folder: Folder, path: Path, given: str | None) -> str:
    inferred = {m.group(1) for z in folder.zones if (m := _ZONE_REGION.match(z))}
    if len(inferred) > 1:
        raise DescribeError(
            f"describe dump {path}: answers from several regions ({', '.join(sorted(inferred))}); "
            "put each region's files in a folder named after it"
        )
    if given is not None:
        if inferred and inferred != {given}:
            raise DescribeError(f"describe dump {path}: its availability zones are in {inferred.pop()}, not {given}")
        return given
    if not inferred:
        raise DescribeError(f"describe dump {path}: no availability zone tells the region; pass --region")
    return inferred.pop()


def _read_folder(path: Path) -> Folder:
    folder = Folder()
    files = sorted(path.glob("*.json"))
    if not files:
        raise DescribeError(f"describe dump {path}: no .json answer files")
    for file in files:
        document = read_json(file, f"describe answer {file}", DescribeError)
        if not isinstance(document, dict):
            raise DescribeError(
                f"describe answer {file}: not an AWS answer (a {type(document).__name__}, not an object)"
            )
        folder.zones |= set(_zones(document))
        if not _take(folder, file, document):
            shown = ", ".join(sorted(k for k in document if k != "ResponseMetadata"))[:80] or "nothing"
            folder.notes.append(f"skipped {file.name}: {shown}: not read by the analysis")
    return folder


def _take(folder: Folder, file: Path, document: dict[str, Any]) -> bool:
    """File one answer into the folder; False when nothing in it is an answer we read."""
    more = any(document.get(k) for k in _PAGING)
    taken = False
    for top, value in document.items():
        if top in LISTS or top in SINGLES or top.startswith("TransitGateway"):
            single = top in SINGLES
            spec = LISTS.get(SINGLES.get(top, top))
            key = spec.key if spec else top
            _add_items(folder, file, key, top, [value] if single else value)
            folder.pages.setdefault(key, []).append(more and not single)
            taken = True
    if isinstance(document.get("VpcId"), str) and ("EnableDnsSupport" in document or "EnableDnsHostnames" in document):
        # DescribeVpcAttribute: {"VpcId": …, "EnableDnsSupport": {"Value": true}}
        attrs = folder.attributes.setdefault(document["VpcId"], {})
        for name in ("EnableDnsSupport", "EnableDnsHostnames"):
            if name in document:
                value = (document[name] or {}).get("Value") if isinstance(document[name], dict) else None
                attrs[name] = value if isinstance(value, bool) else None
        taken = True
    if "VpcBlockPublicAccessOptions" in document:
        folder.block_public_access = _object(
            document["VpcBlockPublicAccessOptions"], file, "VpcBlockPublicAccessOptions"
        )
        taken = True
    if "DataCatalogEncryptionSettings" in document:
        folder.catalog = _object(document["DataCatalogEncryptionSettings"], file, "DataCatalogEncryptionSettings")
        taken = True
    if "Entries" in document:  # GetManagedPrefixListEntries names no list: the file name must
        ids = set(_PREFIX_LIST_ID.findall(file.name))
        if len(ids) != 1:
            folder.notes.append(f"skipped {file.name}: prefix-list entries, but the file name names no pl-… id")
            return True
        cidrs = [e.get("Cidr") for e in _list(document["Entries"], file, "Entries")]
        folder.entries[ids.pop()] = [c for c in cidrs if isinstance(c, str)]
        taken = True
    if "KeyMetadata" in document:  # DescribeKey
        metadata = _object(document["KeyMetadata"], file, "KeyMetadata")
        if not isinstance(metadata.get("KeyId"), str):
            raise DescribeError(f"describe answer {file}: KeyMetadata has no KeyId")
        folder.keys[metadata["KeyId"]] = metadata
        taken = True
    if isinstance(document.get("Policy"), str):  # GetKeyPolicy names no key: the file name must
        ids = set(_KEY_ID.findall(file.name))
        if len(ids) != 1:
            folder.notes.append(f"skipped {file.name}: a key policy, but the file name names no KMS key id")
            return True
        folder.policies[ids.pop()] = document["Policy"]
        taken = True
    return taken


def _add_items(folder: Folder, file: Path, key: str, top: str, value: Any) -> None:
    id_field = ID_FIELDS.get(key)
    merged = folder.items.setdefault(key, {})
    for n, item in enumerate(_list(value, file, top)):
        if id_field is None:
            ident = json.dumps(item, sort_keys=True, default=str)  # TransitGateway*: no single id
        else:
            value_id = item.get(id_field)
            if not isinstance(value_id, str) or not value_id:
                raise DescribeError(f"describe answer {file}: {top}[{n}] has no {id_field}")
            ident = value_id
        old = merged.get(ident)
        if old is None:
            merged[ident] = item
        elif key == "PrefixLists":
            merged[ident] = {**item, **old}  # DescribePrefixLists' Cidrs and the managed list's fields
        elif old != item:
            folder.notes.append(f"{top} {ident} differs between files; using the first one read ({file.name} ignored)")


def _list(value: Any, file: Path, key: str) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise DescribeError(f"describe answer {file}: {key} is not a list of objects")
    return value


def _object(value: Any, file: Path, key: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise DescribeError(f"describe answer {file}: {key} is not an object")
    return value


def _zones(value: Any) -> Iterator[str]:
    """Every AvailabilityZone string anywhere in an answer: what tells a flat folder's region."""
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for k, v in node.items():
                if k == "AvailabilityZone" and isinstance(v, str):
                    yield v
                else:
                    stack.append(v)
        elif isinstance(node, list):
            stack.extend(node)
