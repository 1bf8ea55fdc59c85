"""Advisory file locks (POSIX ``flock``): the one module that takes them for the liveness probes.

A lock held by a process is released by the kernel when that process ends, so "is this lock
held?" answers "is its owner still alive?" without any stale-lock clean-up. See
docs/architecture.md for why these are ``flock`` and how they would move to ``filelock``.
"""

from __future__ import annotations

import fcntl
from pathlib import Path


def held_elsewhere(path: Path) -> bool:
    """True while another process holds ``path``'s lock (shared or exclusive); False when nobody
    does, or the lock file's folder does not exist yet (nobody can be holding it)."""
    try:
        with open(path, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        pass
    return False
