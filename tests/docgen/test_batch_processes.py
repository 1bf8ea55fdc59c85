"""Batches as processes: workers die with the command that started them, and concurrent batches
never fail a paper for 文号 contention (they retry, then number under the write lock)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from docgen.archive.workspace import Workspace
from docgen.model import Document


def _docgen(ws: Workspace, *args: str, **kw) -> subprocess.Popen:  # type: ignore[no-untyped-def, type-arg]
    return subprocess.Popen([sys.executable, "-m", "docgen", "-w", str(ws.root), *args],
                            stdin=subprocess.DEVNULL, **kw)  # fmt: skip


def _children() -> dict[int, int]:
    """pid → parent pid of every live (not zombie) process."""
    out = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if fields[0] != "Z":
            out[int(entry.name)] = int(fields[1])
    return out


def _cmdline(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return str(pid)


def _descendants(pid: int) -> set[int]:
    table, found, todo = _children(), set(), [pid]
    while todo:
        parent = todo.pop()
        kids = {p for p, pp in table.items() if pp == parent}
        found |= kids
        todo += list(kids)
    return found


def test_workers_die_with_a_killed_batch(populated: Workspace) -> None:
    proc = _docgen(populated, "paper", "make", "交办函", "--all", "--yes",
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline, family, workers = time.monotonic() + 60, set(), set()
    while time.monotonic() < deadline and proc.poll() is None:
        table = _children()
        family = _descendants(proc.pid)
        workers = {p for p in family if table.get(p) != proc.pid}  # started by the forkserver
        if workers:
            break
        time.sleep(0.1)
    assert workers, "the batch never started its workers"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15  # well under a second when the machine is not busy
    while time.monotonic() < deadline and set(_children()) & family:
        time.sleep(0.1)
    alive = set(_children()) & family
    assert not alive, [_cmdline(p) for p in alive]


def test_concurrent_batches_never_fail_for_contention(populated: Workspace) -> None:
    batches = [("交办函",), ("交办函",), ("稳控方案", "--set", "稳控期间=2024年10月至12月")]
    procs = [
        _docgen(
            populated,
            "paper",
            "make",
            *kind,
            "--all",
            "--category",
            "土地征用",
            "--date",
            "2024-11-20",
            "--yes",
            "--json",
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for kind in batches
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err.decode()
        assert json.loads(out)["失败"] == []
    with populated.session() as s:
        docs = s.scalars(select(Document).where(Document.doc_no.is_not(None))).all()
    numbers = sorted(int(d.doc_no.split("〕")[1][:-1]) for d in docs)
    assert numbers == list(range(1, 7))  # 3 交办函 (each case once) + 3 稳控方案, no gap
    assert sorted(d.kind for d in docs) == ["交办函"] * 3 + ["稳控方案"] * 3
    assert len({d.case_id for d in docs if d.kind == "交办函"}) == 3
