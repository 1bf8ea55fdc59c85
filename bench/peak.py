"""Peak memory of this process, read so that a spawning parent does not leak into it.

``getrusage(RUSAGE_SELF).ru_maxrss`` is the wrong figure for a child started by
``subprocess``: CPython spawns with vfork, and at exec Linux folds the *parent's* high-water
mark into the child's ``maxrss``. A child started by a 1 GB pytest worker therefore reports
1 GB before it has done anything. ``VmHWM`` in ``/proc/self/status`` belongs to the
process's own memory map, which exec starts afresh.
"""

from __future__ import annotations

from pathlib import Path


def peak_rss_kb() -> int:
    """The high-water resident set size of this process since it was exec'd, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    raise RuntimeError("/proc/self/status has no VmHWM line")
