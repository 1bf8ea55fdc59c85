"""Atomic file output: bytes or a writer callback → a file that appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        if mode is not None:
            tmp.chmod(mode)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        tmp.replace(target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes, *, mode: int | None = None) -> None:
    with atomic_path(target, mode=mode) as tmp:
        tmp.write_bytes(data)


def write_text(target: Path, text: str, *, mode: int | None = None) -> None:
    write_bytes(target, text.encode("utf-8"), mode=mode)


def write_with(target: Path, writer: Callable[[Path], object]) -> None:
    """Let ``writer`` produce the file at a temporary path, then move it into place."""
    with atomic_path(target) as tmp:
        writer(tmp)
