"""docgen.locks against real processes: exclusive, shared, try and the liveness probe."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from docgen import locks

ROOT = Path(__file__).resolve().parents[2]

HOLDER = """
import sys
from pathlib import Path
from docgen import locks
hold = locks.shared if sys.argv[2] == "shared" else locks.exclusive
with hold(Path(sys.argv[1])):
    print("held", flush=True)
    sys.stdin.read()  # until the test kills it
"""


@contextlib.contextmanager
def _holder(path: Path, kind: str) -> Iterator[subprocess.Popen[str]]:
    """Another process holding ``path``'s lock until the block ends (or the test kills it)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    ) as proc:
        assert proc.stdout is not None and proc.stdout.readline() == "held\n"
        try:
            yield proc
        finally:
            proc.kill()


def test_an_exclusive_holder_is_seen_and_its_death_frees_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "x.lock"
    assert not locks.held_elsewhere(path)
    with _holder(path, "exclusive") as proc:
        assert locks.held_elsewhere(path)
        with locks.try_exclusive(path) as held:
            assert not held
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert not locks.held_elsewhere(path)  # the kernel released it: no stale lock
    with locks.try_exclusive(path) as held:
        assert held
        assert _probe(path) == "held"  # and now another process sees ours


def test_shared_holders_share_and_keep_exclusive_out(tmp_path: Path) -> None:
    path = tmp_path / "s.lock"
    with _holder(path, "shared"):
        with locks.shared(path):  # a second shared holder does not wait
            pass
        with locks.try_exclusive(path) as held:
            assert not held
    with locks.try_exclusive(path) as held:
        assert held


def test_exclusive_keeps_data_in_the_locked_file(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    with locks.exclusive(path, perms=0o600) as f:
        f.write("{}")
    assert (path.stat().st_mode & 0o777) == 0o600
    with locks.exclusive(path) as f:
        assert f.read() == "{}"  # opening for the lock never truncates


def test_a_missing_folder_means_nobody_holds_it(tmp_path: Path) -> None:
    assert not locks.held_elsewhere(tmp_path / "absent" / "x.lock")
    with pytest.raises(FileNotFoundError), locks.exclusive(tmp_path / "absent" / "x.lock"):
        pass


def _probe(path: Path) -> str:
    code = "import sys; from pathlib import Path; from docgen import locks; "
    code += "print('held' if locks.held_elsewhere(Path(sys.argv[1])) else 'free')"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, env=env, check=True
    )
    return out.stdout.strip()
