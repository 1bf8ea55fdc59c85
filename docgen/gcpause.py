"""The cyclic garbage collector paused around bulk work that keeps what it allocates alive.

A ledger import or an index catch-up builds thousands of records, ORM rows and index documents
that stay alive until the work is done. The cyclic collector, triggered every few hundred
allocations, scans them again and again (an import of 5,000 rows spent about a sixth of its time
there) and finds nothing to free: they are released by reference counting once done. Pauses
nest and may overlap across threads: the collector runs again when the last one ends (and only
if it was running when the first began). The pause is process-wide: cycles other threads leave
meanwhile (a web worker's) wait for its end, seconds at most.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterator

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cyclic collector off for the block (reference counting still frees memory)."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
