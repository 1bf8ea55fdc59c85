"""The restore drill of docs/architecture.md: back up the catalog (pg_dump, or SQLite's online
backup) and the workspace folder, restore both somewhere new, and `docgen verify` passes there
with every catalog row as it was."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
from pathlib import Path

from docgen.archive.papers import make_paper
from docgen.archive.settings import Settings
from docgen.archive.workspace import CATALOG_FILE, Workspace
from tests.conftest import Cli, catalog_rows
from tests.pg_cluster import PG_BIN, SUPERUSER, Catalogs


def _pg_args(url: str) -> list[str]:
    hostport, _, database = url.rpartition("@")[2].partition("/")
    host, _, port = hostport.partition(":")
    return ["-h", host, "-p", port, "-U", SUPERUSER, "-d", database]


def test_backup_restore_into_a_new_database_then_verify(
    populated: Workspace, tmp_path: Path, catalogs: Catalogs, catalog_backend: str
) -> None:
    ws = populated
    made = make_paper(ws, "交办函", "XF2024-0001", today=dt.date(2024, 9, 26))
    before = catalog_rows(ws)

    # Back up: the catalog first, then the folder (files are never changed once stored).
    dump = tmp_path / "catalog.dump"
    if catalog_backend == "postgresql":
        subprocess.run([PG_BIN / "pg_dump", "-Fc", "-f", dump, *_pg_args(ws.settings.catalog_url)],
                       check=True, capture_output=True)  # fmt: skip
    else:
        with sqlite3.connect(ws.root / CATALOG_FILE) as src, sqlite3.connect(dump) as dst:
            src.backup(dst)
    folder = tmp_path / "folder-backup"
    shutil.copytree(ws.root, folder, ignore=shutil.ignore_patterns(CATALOG_FILE + "*", ".pending"))

    # Restore on a "new machine": the folder, and the catalog into a new, empty database.
    restored = tmp_path / "restored"
    shutil.copytree(folder, restored)
    new_url = catalogs.url(catalog_backend)
    try:
        if new_url is not None:
            subprocess.run([PG_BIN / "pg_restore", "--no-owner", "--exit-on-error",
                            *_pg_args(new_url), dump], check=True, capture_output=True)  # fmt: skip
            settings = Settings.load(restored)
            settings.catalog_url = new_url
            settings.save(restored)
        else:
            shutil.copyfile(dump, restored / CATALOG_FILE)
        out = Cli()("-w", str(restored), "verify").output
        assert "核验通过" in out and "错误 0 个" in out
        again = Workspace.open(restored)
        try:
            assert catalog_rows(again) == before
            hits = again.search_index().search("拖欠工资")
            assert hits  # the index came along in the folder (else: docgen search rebuild)
        finally:
            again.close()
        assert (restored / made.pdf).is_file()
    finally:
        catalogs.release(new_url)
