"""Several desks at once on one workspace, on SQLite and on PostgreSQL: papers and their 文号,
imports, edits, and two clerks editing the same case.

PostgreSQL: writers of different rows run side by side; a 文号 counter row and an edited case
row are locked until their transaction ends; check-then-insert of cases takes an advisory lock.
SQLite (one file): every write transaction holds the whole file (BEGIN IMMEDIATE), the others
wait for it, up to archive.catalog.BUSY_TIMEOUT_S (60 s) each; readers never wait (WAL). The
same tests pass there, by waiting instead of running side by side.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from pathlib import Path

import pytest

from docgen.archive.cases import edit_case, get_case
from docgen.archive.ledger_io import import_ledger
from docgen.archive.workspace import Workspace
from docgen.errors import ConflictError
from docgen.model import Case, Document
from tests.cases import import_paper_ready
from tests.conftest import Cli, good_row, write_ledger

PAPER_WRITERS = 8
PAPERS_EACH = 1
EDITORS = 4
EDITS_EACH = 5
IMPORTERS = 4
TODAY = dt.date(2024, 6, 20)


def _context() -> mp.context.BaseContext:
    ctx = mp.get_context("forkserver")  # children fork from a warm server, not from pytest
    ctx.set_forkserver_preload(
        ["docgen.archive.papers", "docgen.typeset.render", "docgen.archive.workspace"]
    )
    return ctx


def _run_all(target, arg_lists: list[tuple]) -> list[object]:  # type: ignore[no-untyped-def, type-arg]
    ctx = _context()
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, queue)) for args in arg_lists]
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    errors = [r[1] for r in results if r[0] == "error"]
    assert not errors, errors  # no "database is locked", no unique violation, no deadlock
    return [r[1] for r in results]


def _guarded(queue, work) -> None:  # type: ignore[no-untyped-def]
    try:
        queue.put(("ok", work()))
    except Exception as exc:
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def _papers(root: str, case_nos: list[str], queue) -> None:  # type: ignore[no-untyped-def]
    from docgen.archive.papers import make_paper

    def work() -> list[str | None]:
        ws = Workspace.open(Path(root))
        try:
            return [make_paper(ws, "交办函", no, today=TODAY).doc_no for no in case_nos]
        finally:
            ws.close()

    _guarded(queue, work)


def test_eight_desks_making_papers_get_every_number_once(workspace: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    count = PAPER_WRITERS * PAPERS_EACH
    cases = import_paper_ready(workspace, tmp_path, count)
    batches = [(str(workspace.root), cases[i::PAPER_WRITERS]) for i in range(PAPER_WRITERS)]
    numbers = [n for got in _run_all(_papers, batches) for n in got]  # type: ignore[union-attr]
    expected = [f"某信交〔2024〕{n}号" for n in range(1, count + 1)]
    assert (
        sorted(numbers, key=lambda s: int(s.split("〕")[1][:-1])) == expected
    )  # none twice, none missing
    with workspace.session() as s:
        docs = s.query(Document).filter(Document.kind == "交办函").all()
        assert sorted(d.doc_no for d in docs) == sorted(expected)
        for d in docs:
            assert (workspace.root / d.path).is_file() and (
                workspace.root / d.meta["docx"]
            ).is_file()
    assert not list((workspace.root / ".pending").glob("*.json"))


def _increment(root: str, queue) -> None:  # type: ignore[no-untyped-def]
    """Read-modify-write of one case, as a desk does it: read, decide, write; retry on conflict."""

    def work() -> int:
        ws = Workspace.open(Path(root))
        conflicts = 0
        try:
            for _ in range(EDITS_EACH):
                while True:
                    try:
                        with ws.session() as s:
                            seen = get_case(s, "T2024-0001")  # held: edit_case checks its version
                            edit_case(s, "T2024-0001", {"head_count": seen.head_count + 1}, {})
                        break
                    except ConflictError:
                        conflicts += 1
            return conflicts
        finally:
            ws.close()

    _guarded(queue, work)


def test_concurrent_edits_lose_no_update(workspace: Workspace, tmp_path: Path) -> None:
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    _run_all(_increment, [(str(workspace.root),)] * EDITORS)
    with workspace.session() as s:
        case = get_case(s, "T2024-0001")
        assert case.head_count == 1 + EDITORS * EDITS_EACH  # every increment counted
        assert case.version == 1 + EDITORS * EDITS_EACH  # imported as 1, each edit +1


def _import(root: str, ledger: str, queue) -> None:  # type: ignore[no-untyped-def]
    def work() -> int:
        ws = Workspace.open(Path(root))
        try:
            return import_ledger(ws, Path(ledger)).created
        finally:
            ws.close()

    _guarded(queue, work)


def test_concurrent_overlapping_imports(workspace: Workspace, tmp_path: Path) -> None:
    ledgers = [
        write_ledger(tmp_path / f"l{i}.xlsx", [good_row(n) for n in range(i * 10 + 1, i * 10 + 21)])
        for i in range(IMPORTERS)
    ]  # each overlaps the next by ten cases
    created = _run_all(_import, [(str(workspace.root), str(p)) for p in ledgers])
    total = IMPORTERS * 10 + 10
    assert sum(created) == total  # every case registered exactly once
    with workspace.session() as s:
        assert s.query(Case).count() == total


def test_second_clerk_gets_a_conflict_not_an_overwrite(workspace: Workspace, tmp_path: Path):  # type: ignore[no-untyped-def]
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    cli = Cli(workspace)
    seen = cli("case", "show", "T2024-0001", "--json").output
    version = str(json.loads(seen)["版本"])  # both clerks saw this version
    cli(
        "case",
        "edit",
        "T2024-0001",
        "--set",
        "承办单位=区住房和城乡建设局",
        "--if-version",
        version,
    )
    second = cli(
        "case",
        "edit",
        "T2024-0001",
        "--set",
        "承办单位=区教育局",
        "--if-version",
        version,
        ok=False,
    )
    assert second.exit_code == 1
    assert "已被他人修改" in second.output and "未保存" in second.output
    with workspace.session() as s:
        # the first clerk's edit stands, stored under its full name (unit alias table, issue 12)
        assert get_case(s, "T2024-0001").unit == "区住房和城乡建设局"


def test_stale_write_in_flight_is_refused(workspace: Workspace, tmp_path: Path, catalog_backend):  # type: ignore[no-untyped-def]
    """A desk that read a case, then writes after another desk committed a change to it."""
    if catalog_backend == "sqlite":
        pytest.skip("SQLite: the first writer holds the file, the second waits: no interleaving")
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    with pytest.raises(ConflictError, match="另一位用户"), workspace.session() as slow:
        case = slow.get(Case, get_case(slow, "T2024-0001").id)
        with workspace.session() as fast:
            edit_case(fast, "T2024-0001", {"remarks": "先到"}, {})
        case.remarks = "后到"
    with workspace.session() as s:
        assert get_case(s, "T2024-0001").remarks == "先到"


@pytest.mark.sqlite_only
def test_sqlite_writer_waiting_past_the_busy_timeout_is_told_in_chinese(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's limit: one writer at a time; the others wait BUSY_TIMEOUT_S (60 s), then give up."""
    import sqlite3

    import docgen.archive.catalog

    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", [good_row(1)]))
    monkeypatch.setattr(docgen.archive.catalog, "BUSY_TIMEOUT_S", 0.2)
    holder = sqlite3.connect(workspace.root / "catalog.sqlite", isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # another desk in the middle of a long write
        result = Cli(workspace)("case", "edit", "T2024-0001", "--set", "备注=x", ok=False)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 1 and "正忙" in result.output and "未保存" in result.output


MIXED_PAPER_DESKS = 4
MIXED_IMPORTERS = 2


def test_papers_and_imports_at_once_keep_the_files_and_the_index_whole(  # type: ignore[no-untyped-def]
    workspace: Workspace, tmp_path: Path
):
    """Issue 16 item 4: desks making papers while others import, all at once on one workspace
    (PostgreSQL's row locks let them run side by side): every 文号 once, every file whole and
    journaled, and the search index holds exactly what the catalog holds."""
    from docgen.archive.indexing import index_gap
    from docgen.archive.verify import verify_workspace
    from docgen.index import SearchQuery

    count = MIXED_PAPER_DESKS * 2
    cases = import_paper_ready(workspace, tmp_path, count)
    ledgers = [  # ten new cases each
        write_ledger(tmp_path / f"in{i}.xlsx",
                     [good_row(n) for n in range(100 + i * 10, 110 + i * 10)])
        for i in range(MIXED_IMPORTERS)
    ]  # fmt: skip
    ctx = _context()
    queue = ctx.Queue()
    procs = [ctx.Process(target=_papers, args=(str(workspace.root), cases[i::MIXED_PAPER_DESKS],
                                               queue))
             for i in range(MIXED_PAPER_DESKS)]  # fmt: skip
    procs += [ctx.Process(target=_import, args=(str(workspace.root), str(p), queue))
              for p in ledgers]  # fmt: skip
    for p in procs:
        p.start()
    results = [queue.get(timeout=240) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    assert not [r for r in results if r[0] == "error"], results
    numbers = [n for r in results if isinstance(r[1], list) for n in r[1]]
    expected = [f"某信交〔2024〕{n}号" for n in range(1, count + 1)]
    assert sorted(numbers, key=lambda s: int(s.split("〕")[1][:-1])) == expected
    assert sum(r[1] for r in results if isinstance(r[1], int)) == MIXED_IMPORTERS * 10

    assert not list((workspace.root / ".pending").glob("*"))  # no batch left half done
    hidden = [p for p in (workspace.root / "archive").rglob(".*")]
    assert not hidden, hidden  # no scratch or temporary file left beside the papers
    report = verify_workspace(workspace)  # every stored file's SHA-256 and row checksum
    assert report.ok, [f.message for f in report.findings]
    # as the next command sees it (a process that keeps the index open, such as the web app,
    # sees other processes' commits when tantivy reloads its reader, within about half a second)
    fresh = Workspace.open(workspace.root)
    try:
        assert index_gap(fresh) == ([], [])  # the index holds exactly what the catalog holds
        ix = fresh.search_index()
        for number in expected:
            assert ix.search(SearchQuery(f"文号:{number}")).total == 1, number
        assert ix.count() == count + MIXED_IMPORTERS * 10 + count  # case records + papers
    finally:
        fresh.close()
