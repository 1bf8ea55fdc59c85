"""Issue 19 item 3: work a kill -9 left undone between a commit and its indexing is done by the
next command, and ``verify`` reports a gap between the catalog and the index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from docgen.archive.verify import verify_workspace
from docgen.archive.workspace import Workspace
from docgen.index import open_index
from docgen.sample import write_sample_ledger
from tests.archive.dossier_helpers import blank_pdf
from tests.conftest import Cli


def _killed(root: Path, point: str, *command: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "docgen", "-w", str(root), *command],
        env={**os.environ, "DOCGEN_FAULT": point}, capture_output=True, check=False,
    )  # fmt: skip
    assert proc.returncode == -9, proc.stderr.decode()


def _indexed(root: Path) -> set[str]:
    """What the index folder holds, read without opening the workspace (which catches up)."""
    return open_index(root / "index").doc_ids()


def _search(root: Path, text: str) -> list[dict]:
    return json.loads(Cli()("-w", str(root), "search", text, "--json").output)


def test_a_killed_import_is_indexed_by_the_next_command(workspace: Workspace, tmp_path: Path) -> None:  # fmt: skip
    root = workspace.root
    _killed(root, "import-after-commit", "ledger", "import", str(write_sample_ledger(tmp_path / "s.xlsx")))  # fmt: skip
    assert not any(k.startswith("case:") for k in _indexed(root))  # committed, not indexed
    hits = _search(root, "XF2024-0007")  # the next command, a mere search
    assert hits and hits[0]["案件编号"] == "XF2024-0007"
    with workspace.read_session() as session:
        from sqlalchemy import func, select

        from docgen.model import Case

        cases = session.scalar(select(func.count()).select_from(Case))
    assert len([k for k in _indexed(root) if k.startswith("case:")]) == cases
    assert verify_workspace(workspace).ok


def test_a_killed_attach_is_indexed_by_the_next_command(populated: Workspace, tmp_path: Path) -> None:  # fmt: skip
    root = populated.root
    scan = tmp_path / "回访记录.pdf"
    scan.write_bytes(blank_pdf())
    _killed(root, "commit-before-finish", "attach", "XF2024-0003", str(scan), "--section", "5",
            "--title", "回访记录", "--kind", "回访记录")  # fmt: skip
    assert not any(k.startswith("doc:") for k in _indexed(root))
    assert Cli()("-w", str(root), "case", "list").exit_code == 0  # any next command
    assert any(k.startswith("doc:") for k in _indexed(root))
    assert any(h["类型"] == "回访记录" for h in _search(root, "回访记录"))


def test_opening_a_caught_up_workspace_does_not_open_the_index(populated: Workspace) -> None:
    ws = Workspace.open(populated.root)
    try:
        assert ws._index is None  # no index work owed: nothing but a max(id) and a small file
    finally:
        ws.close()


def test_verify_reports_a_gap_between_catalog_and_index(populated: Workspace) -> None:
    assert verify_workspace(populated).ok
    populated.search_index().delete(["case:XF2024-0002"])
    report = verify_workspace(populated)
    [gap] = [f for f in report.findings if f.code == "index_gap"]
    assert "XF2024-0002" in gap.message and "index rebuild" in gap.message
    assert report.exit_code >= 1
    result = Cli(populated)("verify", ok=False)
    assert "检索索引缺少" in result.output


def test_both_backends_list_their_live_doc_ids(tmp_path: Path) -> None:
    from docgen.index import IndexDoc

    for backend in ("whoosh", "tantivy"):
        ix = open_index(tmp_path / backend, backend=backend)
        assert ix.doc_ids() == set()
        ix.add([IndexDoc(doc_id="case:A", case_no="A", kind="台账", title="甲", text="一"),
                IndexDoc(doc_id="doc:1", case_no="A", kind="交办函", title="乙", text="二")])  # fmt: skip
        ix.delete(["doc:1"])
        assert ix.doc_ids() == {"case:A"}, backend


def test_a_reader_leaves_a_live_writers_index_work_alone(populated: Workspace) -> None:
    from docgen.archive.index_journal import applied, behind, journal, writing

    with populated.session() as session:  # committed, as a writer about to index
        journal(session, ["case:XF2024-0001"])
    with writing(populated):
        reader = Workspace.open(populated.root)
        assert reader._index is None  # the writer will do it: the reader did not wait or index
        reader.close()
    before = applied(populated)
    reader = Workspace.open(populated.root)  # the writer died without indexing: caught up
    try:
        assert applied(reader) > before and not behind(reader)
    finally:
        reader.close()


def test_a_late_commit_below_the_caught_up_id_is_indexed(populated: Workspace, catalog_backend: str) -> None:  # fmt: skip
    """PostgreSQL issues journal ids at insert, not at commit: a desk that commits late carries
    an id below the one the index already caught up to, and is indexed all the same."""
    import pytest

    from docgen.archive.cases import edit_case
    from docgen.archive.index_journal import applied
    from docgen.archive.tables import IndexJournalEntry

    if catalog_backend == "sqlite":
        pytest.skip("SQLite: one writer at a time, journal ids follow commit order")
    with populated.session() as slow:
        edit_case(slow, "XF2024-0001", {"remarks": "潜水艇"}, {})
        slow.flush()  # its journal row takes its id now
        slow_id = slow.scalar(select(func.max(IndexJournalEntry.id)))
        with populated.session() as fast:
            edit_case(fast, "XF2024-0002", {"remarks": "先到"}, {})
        populated.catch_up_index()  # past the slow desk's id, which is not committed yet
        assert applied(populated) > slow_id
    # the next command sees the awaited id committed and catches up (as would the next writer)
    assert [h["案件编号"] for h in _search(populated.root, "潜水艇")] == ["XF2024-0001"]
    populated.catch_up_index()
    assert verify_workspace(populated).exit_code == 0


def test_catch_up_in_batches_indexes_and_deletes_what_was_journaled(
    workspace: Workspace, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Records are loaded a few at a time (memory stays flat however many were journaled):
    every one is indexed, in one commit, and what the catalog no longer holds is deleted."""
    from docgen.archive import indexing
    from docgen.archive.cases import edit_case
    from docgen.archive.index_journal import journal
    from docgen.archive.ledger_io import import_ledger
    from docgen.model import Case

    monkeypatch.setattr(indexing, "CATCH_UP_BATCH", 4)
    seen: list[tuple[int, int]] = []
    import_ledger(workspace, write_sample_ledger(tmp_path / "s.xlsx", count=30),
                  progress=lambda done, total, stage: seen.append((done, total)))  # fmt: skip
    assert seen[-1] == (30, 30)
    assert len(_indexed(workspace.root)) == 30
    with workspace.session() as session:
        edit_case(session, "XF2024-0009", {"remarks": "潜水艇"}, {})
        session.delete(session.scalars(select(Case).where(Case.case_no == "XF2024-0011")).one())
        journal(session, ["case:XF2024-0011", "case:XF2024-0012", "case:XF2024-0013"])
    assert workspace.catch_up_index() > 0
    held = _indexed(workspace.root)
    assert len(held) == 29 and "case:XF2024-0011" not in held
    assert [h["案件编号"] for h in _search(workspace.root, "潜水艇")] == ["XF2024-0009"]
    assert verify_workspace(workspace).ok
