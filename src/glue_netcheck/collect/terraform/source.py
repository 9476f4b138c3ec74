"""Where each planned resource is written: `--source-dir DIR` maps a Terraform address to the
`.tf` file (relative to DIR) and the line its block starts on, parsing HCL with python-hcl2
and following the plan's own module calls into module folders."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from glue_netcheck.collect.terraform.plan import Plan, PlanError

Location = tuple[str, int]  # (path relative to the source dir, 1-based line)


def source_locations(plan: Plan, source_dir: Path) -> dict[str, Location]:
    """Every resource address of the plan (instance addresses such as `aws_subnet.x[0]` and the
    block's own `aws_subnet.x`) whose block is found under `source_dir`."""
    root = source_dir.resolve()
    folders = dict(_module_folders(plan.configuration.get("root_module") or {}, "", root))
    parsed: dict[Path, dict[tuple[str, str, str], Location]] = {}
    found: dict[str, Location] = {}
    for res in [*plan.resources, *plan.data]:
        module = _without_keys(res.module)
        folder = folders.get(module)
        if folder is None:
            continue
        if folder not in parsed:
            parsed[folder] = _blocks(folder, root)
        kind = "data" if res.mode == "data" else "resource"
        location = parsed[folder].get((kind, res.type, res.name))
        if location is not None:
            found[res.address] = location
            found[res.address.rsplit("[", 1)[0] if res.address.endswith("]") else res.address] = location
    return found


def _without_keys(module: str) -> str:
    """`module.net["a"].module.x[0]` -> `module.net.module.x`: every instance shares a block."""
    out, depth = [], 0
    for char in module:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif depth == 0:
            out.append(char)
    return "".join(out)


def _module_folders(node: Mapping[str, Any], prefix: str, folder: Path) -> Iterator[tuple[str, Path]]:
    yield prefix, folder
    for name, call in (node.get("module_calls") or {}).items():
        source = str(call.get("source") or "")
        if source.startswith(("./", "../")):  # registry and git modules are not in the source dir
            child = f"{prefix}.module.{name}" if prefix else f"module.{name}"
            yield from _module_folders(call.get("module") or {}, child, (folder / source).resolve())


def _blocks(folder: Path, root: Path) -> dict[tuple[str, str, str], Location]:
    import hcl2  # parsing is only needed with --source-dir
    from lark.exceptions import LarkError

    blocks: dict[tuple[str, str, str], Location] = {}
    for path in sorted(folder.glob("*.tf")):
        try:
            tree = hcl2.parses_to_tree(path.read_text(encoding="utf-8"))
        except (LarkError, UnicodeDecodeError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise PlanError(f"--source-dir {root}: {path.name}: cannot read it as HCL ({first:.120})") from None
        body = tree.children[0] if tree.children else None
        for block in getattr(body, "children", []):
            if getattr(block, "data", None) != "block":
                continue
            kind, labels = _header(block)
            if kind in ("resource", "data") and len(labels) >= 2:
                relative = path.relative_to(root) if path.is_relative_to(root) else path
                blocks.setdefault((kind, labels[0], labels[1]), (relative.as_posix(), int(block.meta.line)))
    return blocks


def _header(block: Any) -> tuple[str, list[str]]:
    kind, labels = "", []
    for child in block.children:
        data = getattr(child, "data", None)
        if data == "identifier" and not kind:
            kind = str(child.children[0])
        elif data in ("string", "identifier"):
            labels.append("".join(str(t) for t in _tokens(child)).strip('"'))
        elif data == "body":
            break
    return kind, labels


def _tokens(tree: Any) -> Iterator[Any]:
    for child in getattr(tree, "children", []):
        if hasattr(child, "children"):
            yield from _tokens(child)
        else:
            yield child
