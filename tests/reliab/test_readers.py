"""Issue 19 item 14: a search (or listing) while another process holds the catalog's write lock
returns at once instead of waiting for the writer."""

from __future__ import annotations

import sqlite3

import pytest

from archive import catalog
from archive.workspace import CATALOG_FILE, Workspace
from tests.conftest import Cli


@pytest.fixture
def held_write_lock(populated: Workspace, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    # A waiting reader would fail after 1 s with "database is locked" instead of after 60 s.
    monkeypatch.setattr(catalog, "BUSY_TIMEOUT_S", 1)
    writer = sqlite3.connect(populated.root / CATALOG_FILE, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # what an import holds while it writes its cases
    writer.execute("UPDATE cases SET remarks = remarks")
    yield populated
    writer.execute("ROLLBACK")
    writer.close()


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
