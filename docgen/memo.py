"""Remembered values that know when they are out of date: a version → the value made at it.

``VersionedMemo``: at most ``size`` values by key, each kept with the version it was made at and
given back only while the version is the same (``Workspace.cached`` keys them by the catalog's
commit token). ``FileMemo``: a file read and parsed again only when it changes, its version
being its ``stat`` (device, inode, size, mtime and ctime: an atomic replace is a new inode).

A version is read before the value is made, so a value is never older than its version. A file
changed less than ``RACY_NS`` before it was read is read again on every call until it has been
still that long: a coarse file-system clock could give a second change within that time the same
times (git's "racy" rule). Nothing of docgen is imported here (search uses it too).
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Generic, TypeVar

T = TypeVar("T")
RACY_NS = 2_000_000_000


class VersionedMemo(Generic[T]):
    def __init__(self, size: int = 128) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, tuple[Hashable, T]] = OrderedDict()
        self._making: dict[tuple[Hashable, Hashable], threading.Event] = {}
        self._lock = threading.Lock()

    def get(self, key: Hashable, version: Hashable, make: Callable[[], T]) -> T:
        """The value remembered for ``key`` at ``version``, else ``make()`` (remembered; an
        exception is not). Callers asking for a value another thread is making wait for it
        rather than make it again (several desks opening one case after a change); so ``make``
        must not ask for its own key."""
        while True:
            with self._lock:
                hit = self._items.get(key)
                if hit is not None and hit[0] == version:
                    self._items.move_to_end(key)
                    return hit[1]
                making = self._making.get((key, version))
                if making is None:
                    self._making[key, version] = threading.Event()
                    break
            making.wait()  # then look again (if that thread failed, this one makes it)
        try:
            value = make()
            with self._lock:
                self._items[key] = (version, value)
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
        finally:
            with self._lock:
                self._making.pop((key, version)).set()
        return value

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


class FileMemo(Generic[T]):
    """``memo(path)``: ``load(path)`` again only when the file at ``path`` has changed (``load``
    is called for a missing file too: absence is a version like any other)."""

    def __init__(self, load: Callable[[Path], T], size: int = 32) -> None:
        self.load = load
        self._memo: VersionedMemo[T] = VersionedMemo(size)

    def __call__(self, path: Path) -> T:
        return self._memo.get(str(path), file_version(path), lambda: self.load(path))


def file_version(path: Path) -> Hashable:
    """What changes whenever the file does (None: no file there). A file too fresh to trust its
    times, or one that cannot be looked at, gets a version equal to no other."""
    try:
        st = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError:
        return object()
    if time.time_ns() - max(st.st_mtime_ns, st.st_ctime_ns) < RACY_NS:
        return object()
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
