"""文号: the format, and no duplicate and no gap under concurrent allocation from several processes."""

from __future__ import annotations

import multiprocessing as mp
from pathlib import Path

from docgen.archive.numbering import allocate, format_doc_no
from docgen.archive.workspace import Workspace

PROCESSES = 4
PER_PROCESS = 25


def test_format() -> None:
    assert format_doc_no("某信交", 2024, 5) == "某信交〔2024〕5号"


def _allocate_many(root: str, queue: mp.Queue) -> None:
    ws = Workspace.open(Path(root))
    got = []
    for _ in range(PER_PROCESS):
        with ws.session() as s:
            got.append(allocate(s, "某信交", 2024))
    queue.put(got)


def test_concurrent_processes_get_distinct_gapless_numbers(workspace: Workspace) -> None:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    procs = [
        ctx.Process(target=_allocate_many, args=(str(workspace.root), queue))
        for _ in range(PROCESSES)
    ]
    for p in procs:
        p.start()
    numbers = [n for _ in procs for n in queue.get(timeout=120)]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert sorted(numbers) == list(range(1, PROCESSES * PER_PROCESS + 1))


def test_rolled_back_allocation_leaves_no_gap(workspace: Workspace) -> None:
    class RenderFailed(Exception):
        pass

    with workspace.session() as s:
        assert allocate(s, "某信交", 2025) == 1
    try:
        with workspace.session() as s:
            allocate(s, "某信交", 2025)
            raise RenderFailed
    except RenderFailed:
        pass
    with workspace.session() as s:
        assert allocate(s, "某信交", 2025) == 2
        assert allocate(s, "某信函", 2025) == 1  # each 代字 counts on its own
