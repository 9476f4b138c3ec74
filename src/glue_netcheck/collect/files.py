"""Reading and writing the files the CLI is handed: one place for their failure modes."""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

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


Chunks = str | bytes | Iterable[str | bytes]


def _pieces(data: Chunks) -> Iterator[bytes]:
    if isinstance(data, str | bytes):
        data = (data,)
    for piece in data:
        yield piece.encode("utf-8") if isinstance(piece, str) else piece


def write_atomic(path: Path, text: str) -> None:
    """Write via a temporary file in the same folder and rename: never a partial file."""
    write_atomic_bytes(path, text.encode("utf-8"))


def write_atomic_bytes(path: Path, data: Chunks) -> None:
    """`data` may be an iterable of pieces (a streamed report): they are written as they come,
    and the file appears, whole, only once the last one is written."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        with os.fdopen(fd, "wb") as handle:
            for piece in _pieces(data):
                handle.write(piece)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _spooled(data: Chunks, out: BinaryIO) -> None:
    """Pieces to a stream that cannot be replaced atomically (stdout, a device, a FIFO): spooled
    first (to disk past 64 MiB, so memory stays flat), copied only once all were made, so a
    run that fails half-way writes nothing there."""
    if isinstance(data, str | bytes):
        out.write(data.encode("utf-8") if isinstance(data, str) else data)
        return
    with tempfile.SpooledTemporaryFile(max_size=64 * 2**20) as spool:
        for piece in _pieces(data):
            spool.write(piece)
        spool.seek(0)
        shutil.copyfileobj(spool, out, 2**20)


class OutputError(AnalysisError):
    pass


def write_output(path: Path | None, data: Chunks) -> None:
    """A report to stdout (`None` or `-`), to a device or FIFO as it is (never replaced: as root
    a rename over /dev/null would turn it into a regular file), or atomically to a file.
    `data`: text, bytes, or an iterable of pieces (a streamed report)."""
    try:
        if path is None or str(path) == "-":
            _spooled(data, sys.stdout.buffer)
            sys.stdout.flush()
        elif path.exists() and not stat.S_ISREG(path.stat().st_mode):
            if path.is_dir():
                raise OutputError(f"cannot write {path}: it is a directory")
            with path.open("wb") as handle:
                _spooled(data, handle)
        else:
            write_atomic_bytes(path, data)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from None
