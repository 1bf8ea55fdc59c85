"""Advisory file locks (POSIX ``flock``): the one module that touches the OS lock primitive.

Every lock is on a whole file, taken through an open file descriptor:

* ``exclusive(path)`` — wait for the lock, hold it for the ``with`` block (builders of the font
  cache, a file batch's journal, a scratch folder, saved searches, the login throttle's file).
* ``try_exclusive(path)`` — take it only if free: yields True when held, False when another
  process holds it (one OCR worker per workspace, one index catch-up at a time, recovery of a
  dead batch).
* ``shared(path)`` — held by many at once, never by them and an exclusive holder together (the
  index writers' lock, so writers never wait for each other).
* ``held_elsewhere(path)`` — the liveness probe: is another process holding it?

The kernel releases a process's locks when it ends, however it ends (``kill -9`` included), so
"is this lock held?" answers "is its owner still alive?" without any stale-lock clean-up. Crash
recovery relies on that; docs/architecture.md says why these are ``flock`` and not ``filelock``.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def _open(path: Path, perms: int) -> Iterator[IO[str]]:
    # Read-write, created if missing, never truncated: a caller may keep data in the locked file.
    fd = os.open(path, os.O_RDWR | os.O_CREAT, perms)
    with os.fdopen(fd, "r+", encoding="utf-8") as f:
        yield f


@contextlib.contextmanager
def exclusive(path: Path, *, perms: int = 0o666) -> Iterator[IO[str]]:
    """Hold ``path``'s lock alone for the block, waiting while another process holds it; yields
    the open file (read-write; created with ``perms`` less the umask if missing). Released when
    the block ends, or when the process dies."""
    with _open(path, perms) as f:
        fcntl.flock(f, fcntl.LOCK_EX)
        yield f


@contextlib.contextmanager
def try_exclusive(path: Path) -> Iterator[bool]:
    """``exclusive`` without waiting: yields True when the lock is held for the block, False when
    another process holds it (the block then runs without it)."""
    with _open(path, 0o666) as f:
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True


@contextlib.contextmanager
def shared(path: Path) -> Iterator[None]:
    """Hold ``path``'s lock together with other shared holders, waiting for an exclusive one."""
    with _open(path, 0o666) as f:
        fcntl.flock(f, fcntl.LOCK_SH)
        yield


def held_elsewhere(path: Path) -> bool:
    """True while another process holds ``path``'s lock (shared or exclusive); False when nobody
    does, or the lock file's folder does not exist yet (nobody can be holding it)."""
    try:
        with try_exclusive(path) as free:
            return not free
    except OSError:
        return False
