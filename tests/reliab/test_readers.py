"""Issue 19 item 14: a search (or listing) while another process holds the catalog's write lock
returns at once instead of waiting for the writer, on SQLite (WAL snapshot) and PostgreSQL (MVCC)."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text

from docgen.archive import catalog
from docgen.archive.workspace import CATALOG_FILE, Workspace
from tests.conftest import Cli


@pytest.fixture
def held_write_lock(populated: Workspace, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Another desk in the middle of a write to every case (what an import holds): on SQLite the
    file's write lock, on PostgreSQL the row locks of an uncommitted UPDATE."""
    # A waiting reader would fail after 1 s with "database is locked" instead of after 60 s.
    monkeypatch.setattr(catalog, "BUSY_TIMEOUT_S", 1)
    if populated.engine.dialect.name == "sqlite":
        writer = sqlite3.connect(populated.root / CATALOG_FILE, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE cases SET remarks = remarks")
        yield populated
        writer.execute("ROLLBACK")
        writer.close()
        return
    # Readers read their snapshot and never wait for row locks; one that did would fail after
    # 5 s (a lock_timeout for every new connection) rather than hang.
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=5s")
    with populated.engine.connect() as conn, conn.begin() as txn:
        conn.execute(text("UPDATE cases SET remarks = remarks"))
        yield populated
        txn.rollback()


def test_search_does_not_wait_for_a_writer(held_write_lock: Workspace) -> None:
    ws = Workspace.open(held_write_lock.root)
    try:
        result = ws.search_index().search("工资")
    finally:
        ws.close()
    assert result.total > 0


def test_search_and_listing_commands_do_not_wait_for_a_writer(held_write_lock: Workspace) -> None:
    run = Cli(held_write_lock)
    assert "共找到" in run("search", "工资").output
    assert "XF2024-0001" in run("case", "list").output
    assert "XF2024-0001" in run("case", "show", "XF2024-0001").output
