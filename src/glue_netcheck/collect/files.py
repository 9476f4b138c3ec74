"""Reading and writing the files the CLI is handed: one place for their failure modes."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Any

from glue_netcheck.errors import AnalysisError

MAX_BYTES = 512 * 1024 * 1024


def read_json(path: Path, where: str, error: type[AnalysisError]) -> Any:
    """The parsed document, or `error` with one line saying what is wrong with the file."""
    try:
        if path.stat().st_size > MAX_BYTES:
            raise error(f"{where}: larger than {MAX_BYTES // 2**20} MiB")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise error(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"{where}: cannot read it ({exc})") from None
    except json.JSONDecodeError as exc:
        raise error(f"{where}: not valid JSON (line {exc.lineno}: {exc.msg}); truncated?") from None
    except RecursionError:
        raise error(f"{where}: nested too deeply") from None


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a partial file."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: bytes) -> None:
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class OutputError(AnalysisError):
    pass


def write_output(path: Path | None, data: str | bytes) -> None:
    """A report to stdout (`None` or `-`), to a device or FIFO as it is (never replaced: as root
    a rename over /dev/null would turn it into a regular file), or atomically to a file."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path is None or str(path) == "-":
            sys.stdout.buffer.write(raw)
            sys.stdout.flush()
        elif path.exists() and not stat.S_ISREG(path.stat().st_mode):
            if path.is_dir():
                raise OutputError(f"cannot write {path}: it is a directory")
            with path.open("wb") as handle:
                handle.write(raw)
        else:
            write_atomic_bytes(path, raw)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
