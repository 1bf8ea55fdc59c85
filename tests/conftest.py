"""Shared fixtures: a fresh workspace, a populated one, ledger files written with openpyxl, the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from docgen.archive.settings import Settings
from docgen.archive.workspace import Workspace
from docgen.cli import cli
from docgen.sample import write_sample_ledger

if TYPE_CHECKING:
    from tests.pg_cluster import Catalogs

pytest_plugins = ["tests.pg_cluster"]  # catalog_backend, catalog_url: SQLite and PostgreSQL

HEADERS = ["序号", "信访件编号", "姓名", "身份证号码", "电话", "家庭住址", "类别", "反映问题",
           "承办单位", "包案领导", "受理日期", "限办日期", "目前状态"]  # fmt: skip
VALID_IDS = ["11010519491231002X", "440524188001010014", "34052419800101001X", "370101190102039973"]


def good_row(n: int, **overrides: object) -> list[object]:
    row: dict[str, object] = {
        "序号": n,
        "信访件编号": f"T2024-{n:04d}",
        "姓名": f"测试人{n}",
        "身份证号码": VALID_IDS[n % len(VALID_IDS)],
        "电话": f"1380000{n:04d}",
        "家庭住址": f"某区幸福路{n}号",
        "类别": "劳动保障",
        "反映问题": "要求追讨拖欠工资",
        "承办单位": "区人社局",
        "包案领导": "张伟",
        "受理日期": dt.date(2024, 6, 10),
        "限办日期": None,
        "目前状态": "在办",
    }
    row.update(overrides)
    return [row[h] for h in HEADERS]


def write_ledger(
    path: Path, rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS
) -> Path:
    """A ledger as offices keep it: merged title, a 填报 line, the header, data, totals, 制表."""
    wb = Workbook()
    ws = wb.active
    ws.append(["某区信访积案台账"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws.append(["填报单位：某区信访局", None, None, "填报日期：2024年6月30日"])
    ws.append(list(headers))
    for r in rows:
        ws.append(list(r))
    ws.append(["合计", f"{len(rows)}件"])
    ws.append(["制表人：周明"])
    wb.save(path)
    return path


def catalog_rows(ws: Workspace) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every catalog table, in primary-key order (SQLite or PostgreSQL alike)."""
    from sqlalchemy import column, inspect, select, table

    out: dict[str, list[tuple[object, ...]]] = {}
    with ws.engine.connect() as conn:
        insp = inspect(conn)
        for name in sorted(insp.get_table_names()):
            cols = [c["name"] for c in insp.get_columns(name)]
            t = table(name, *(column(c) for c in cols))
            keys = insp.get_pk_constraint(name)["constrained_columns"] or cols
            rows = conn.execute(select(t).order_by(*(t.c[k] for k in keys))).all()
            out[name] = [tuple(r) for r in rows]
    return out


@pytest.fixture
def workspace(tmp_path: Path, catalog_url: str | None) -> Workspace:
    """A new workspace; its catalog is SQLite or PostgreSQL (the test runs once on each)."""
    ws = Workspace.init(
        tmp_path / "ws",
        Settings(org="某市某区信访局", code="某信交", fonds="J021", catalog_url=catalog_url),
    )
    yield ws
    ws.close()


@pytest.fixture
def make_workspace(catalogs: Catalogs, catalog_backend: str):  # type: ignore[no-untyped-def]
    """Further workspaces on the test's backend, each with a catalog of its own."""
    made: list[tuple[Workspace, str | None]] = []

    def make(root: Path, settings: Settings) -> Workspace:
        url = catalogs.url(catalog_backend)
        settings.catalog_url = url
        ws = Workspace.init(root, settings)
        made.append((ws, url))
        return ws

    yield make
    for ws, url in made:
        ws.close()
        catalogs.release(url)


@pytest.fixture
def populated(workspace: Workspace, tmp_path: Path) -> Workspace:
    from docgen.archive.ledger_io import import_ledger

    import_ledger(workspace, write_sample_ledger(tmp_path / "sample.xlsx"))
    return workspace


class Cli:
    def __init__(self, workspace: Workspace | None = None) -> None:
        self.runner = CliRunner()
        self.workspace = workspace

    def __call__(self, *args: str, ok: bool = True) -> Result:
        argv = list(args)
        if self.workspace is not None:
            argv = ["-w", str(self.workspace.root), *argv]
        result = self.runner.invoke(cli, argv, catch_exceptions=False)
        if ok:
            assert result.exit_code == 0, result.output
        return result


@pytest.fixture
def run(workspace: Workspace) -> Cli:
    return Cli(workspace)
