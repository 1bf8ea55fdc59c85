"""A workspace made before papers had a life (catalog at migration 0002) opens and upgrades:
its papers become current, its cases get a timeline, and the schema matches the model."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, text

from docgen.archive.cases import get_case
from docgen.archive.catalog import _alembic_config
from docgen.archive.papers import make_paper
from docgen.archive.register import doc_register
from docgen.archive.settings import Settings
from docgen.archive.timeline import case_timeline, status_as_of
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.model import Base


def _old_workspace(root: Path) -> Path:
    """Settings and folders as ``docgen init`` makes them; the catalog at revision 0002."""
    root.mkdir()
    for sub in ("archive", "index", "templates"):
        (root / sub).mkdir()
    Settings(org="某市某区信访局", code="某信交", fonds="J021").save(root)
    engine = create_engine(f"sqlite:///{root / 'catalog.sqlite'}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
        now = dt.datetime(2024, 6, 1, 8, 0)
        flags = ", ".join(["0"] * 11)
        conn.execute(text(
            "INSERT INTO cases (id, case_no, category, head_count, demand, unit, leader_name,"
            " registered_on, accepted_on, status, extra, created_at, updated_at, repeat_visit,"
            " group_visit, provincial_group_visit, beijing_abnormal_visit, cross_region,"
            " cross_department, cross_industry, person_household_separated,"
            " person_matter_separated, person_matter_household_separated, extension_approved)"
            f" VALUES (1, 'OLD-1', '民生', 1, '要求救助', '区民政局', '张伟', '2024-05-28',"
            f" '2024-06-01', '办理中', '{{}}', :now, :now, {flags})"), {"now": now})  # fmt: skip
        conn.execute(text("INSERT INTO petitioners (case_id, seq, name) VALUES (1, 1, '王某')"))
        conn.execute(text(
            "INSERT INTO documents (case_id, section, kind, doc_no, title, doc_date, sha256, path,"
            " meta, created_at) VALUES (1, 2, '交办函', '某信交〔2024〕1号', '关于交办的函',"
            " '2024-06-03', 'x', 'archive/OLD-1/a.pdf', '{}', :now)"), {"now": now})  # fmt: skip
        conn.execute(text("INSERT INTO doc_number_counters (code, year, last) "
                          "VALUES ('某信交', 2024, 1)"))  # fmt: skip
        conn.execute(text("INSERT INTO follow_ups (case_id, visited_on, method) "
                          "VALUES (1, '2024-07-01', '电话')"))  # fmt: skip
        version = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
    engine.dispose()
    assert version == "0002"
    return root


def test_workspace_at_0002_opens_and_upgrades(tmp_path: Path) -> None:
    ws = Workspace.open(_old_workspace(tmp_path / "old"))
    try:
        with ws.engine.connect() as conn:
            assert not compare_metadata(MigrationContext.configure(conn), Base.metadata)
        with ws.session() as s:
            [row] = doc_register(s)
            assert (row.doc_no, row.state, row.version) == ("某信交〔2024〕1号", "有效", 1)
            case = get_case(s, "OLD-1")
            kinds = [e.kind for e in case_timeline(s, case)]
            assert kinds == ["登记", "受理", "交办", "回访"]
            assert status_as_of(s, case, dt.date(2024, 6, 30)) == "办理中"
        with pytest.raises(ValidationError, match="某信交〔2024〕1号"):
            make_paper(ws, "交办函", "OLD-1", today=dt.date(2024, 6, 4))
    finally:
        ws.close()
