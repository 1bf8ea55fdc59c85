"""Issue 19 item 15: crash recovery running in another process never removes a live scratch folder.

A sweeper process runs ``recover_batches`` in a loop while this process opens, fills and closes
scratch folders; every scratch folder must stay usable until its owner closes it. Bounded by a
number of rounds, not by time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from docgen.archive.documents import PENDING_DIR, recover_batches, scratch_dir

ROUNDS = 800  # before the fix about 1 round in 35 failed

SWEEPER = """
import contextlib, sys
from pathlib import Path
from docgen.archive.documents import recover_batches
root = Path(sys.argv[1])
stop = root / "stop"
print("ready", flush=True)
while not stop.exists():
    recover_batches(root, contextlib.nullcontext)
"""


class _Ws:
    def __init__(self, root: Path) -> None:
        self.root = root


def test_recovery_in_another_process_never_removes_a_live_scratch_folder(tmp_path: Path) -> None:
    (tmp_path / PENDING_DIR).mkdir()
    env = {**os.environ, "PYTHONPATH": os.getcwd() + os.pathsep + os.environ.get("PYTHONPATH", "")}
    sweeper = subprocess.Popen([sys.executable, "-c", SWEEPER, str(tmp_path)], env=env,
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    failures = []
    try:
        assert sweeper.stdout is not None and sweeper.stdout.readline().strip() == "ready"
        ws = _Ws(tmp_path)
        for n in range(ROUNDS):
            try:
                with scratch_dir(ws) as folder:
                    (folder / "part.pdf").write_bytes(b"%PDF-1.7")
                    assert (folder / "part.pdf").read_bytes() == b"%PDF-1.7"
            except (OSError, AssertionError) as exc:
                failures.append(f"round {n}: {type(exc).__name__}: {exc}")
    finally:
        (tmp_path / "stop").touch()
        sweeper.wait(timeout=30)
        if sweeper.stdout is not None:
            sweeper.stdout.close()
    assert failures == []
    assert sweeper.returncode == 0
    recover_batches(tmp_path, None)
    assert list((tmp_path / PENDING_DIR).iterdir()) == []


def test_a_scratch_folder_killed_before_its_lock_is_swept_once_stale(tmp_path: Path) -> None:
    from docgen.archive.documents import BUILDING_KEPT, BUILDING_PREFIX

    pending = tmp_path / PENDING_DIR
    fresh, stale = pending / f"{BUILDING_PREFIX}a", pending / f"{BUILDING_PREFIX}b"
    for folder in (fresh, stale):
        folder.mkdir(parents=True)
    old = stale.stat().st_mtime - BUILDING_KEPT.total_seconds() - 60
    os.utime(stale, (old, old))
    recover_batches(tmp_path, None)
    assert fresh.is_dir()  # may belong to a live command about to lock it
    assert not stale.exists()
