"""Python's cyclic garbage collector held off for a burst of allocation (a report's 10,000 case
rows, WeasyPrint's boxes): in a process that holds some 250,000 objects (fonts, stylesheets,
the catalog's mappings) each full collection walks them all, about a quarter of a 月报's CPU.
Reference counting still frees everything that is not in a cycle; the cycles made meanwhile are
collected when the last pause ends. Pauses nest and may overlap across threads.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_LOCK = threading.Lock()
_state = {"pauses": 0, "was_enabled": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    with _LOCK:
        if _state["pauses"] == 0:
            _state["was_enabled"] = gc.isenabled()
            gc.disable()
        _state["pauses"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _state["pauses"] -= 1
            if _state["pauses"] == 0 and _state["was_enabled"]:
                gc.enable()
