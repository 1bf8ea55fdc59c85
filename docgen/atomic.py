"""Atomic file output: bytes or a writer callback → a file that appears whole or not at all."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux)."""
    try:
        for line in Path("/proc/self/status").read_text("ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def umask_mode() -> int:
    """Mode of files we write unless told otherwise: what the umask gives a new file now
    (a workspace tightens the umask when it is opened, see archive.workspace)."""
    return 0o666 & ~current_umask()


def reserve_temp(target: Path, mode: int | None = None, *, tag: str | None = None) -> Path:
    """An empty temporary file beside ``target`` that already has its final ``mode``.

    The mode is set before any byte is written, so a private key is never readable by others,
    not even for a moment. With ``tag`` the name is known in advance (``temp_name``), so a
    journal can list the file before it exists.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    if tag is None:
        fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    else:
        name = str(temp_name(target, tag))
        fd = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, umask_mode() if mode is None else mode)
    finally:
        os.close(fd)
    return Path(name)


def temp_name(target: Path, tag: str) -> Path:
    """The hidden sibling ``reserve_temp(target, tag=tag)`` creates."""
    return target.with_name(f".{target.name}.{tag}.part")


def publish(tmp: Path, target: Path) -> None:
    """Flush ``tmp`` to disk and rename it over ``target`` in one step."""
    with open(tmp, "rb") as fh:
        os.fsync(fh.fileno())
    tmp.replace(target)


@contextlib.contextmanager
def atomic_path(target: Path, *, mode: int | None = None) -> Iterator[Path]:
    """Yield a temporary path beside ``target``; on success it replaces ``target`` in one rename.

    On any exception the temporary file is removed and ``target`` is left as it was.
    """
    tmp = reserve_temp(target, mode)
    try:
        yield tmp
        publish(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes(target: Path, data: bytes, *, mode: int | None = None) -> Path:
    target = Path(target)
    with atomic_path(target, mode=mode) as tmp:
        tmp.write_bytes(data)
    return target


def write_text(target: Path, text: str, *, mode: int | None = None) -> Path:
    return write_bytes(target, text.encode("utf-8"), mode=mode)


def write_with(target: Path, writer: Callable[[Path], object], *, mode: int | None = None) -> None:
    """Let ``writer`` produce the file at a temporary path, then move it into place."""
    with atomic_path(Path(target), mode=mode) as tmp:
        writer(tmp)
