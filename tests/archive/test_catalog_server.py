"""docgen init --catalog-url: the catalog on a PostgreSQL server (the throw-away test cluster)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from docgen.archive.catalog import public_url
from docgen.archive.workspace import Workspace
from docgen.errors import WorkspaceError
from tests.conftest import Cli
from tests.pg_cluster import PASSWORD, Cluster


@pytest.fixture
def database(pg_cluster: Cluster):  # type: ignore[no-untyped-def]
    name = pg_cluster.new_database()
    yield name
    pg_cluster.drop_database(name)


def test_init_on_the_server_keeps_the_password_out_of_the_settings(
    pg_cluster: Cluster, database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PGPASSFILE")  # only the URL knows the password, for this one command
    root = tmp_path / "ws"
    url = pg_cluster.url(database, password=True)
    out = Cli()("init", str(root), "--org", "某区信访局", "--catalog-url", url).output
    assert "案件目录数据库" in out and PASSWORD not in out
    settings = (root / "docgen.json").read_text("utf-8")
    assert PASSWORD not in settings
    assert json.loads(settings)["catalog_url"] == pg_cluster.url(database)
    assert not (root / "catalog.sqlite").exists()
    with pytest.raises(WorkspaceError, match=r"身份验证失败.*PGPASSWORD"):
        Workspace.open(root)  # later commands need PGPASSWORD or .pgpass
    monkeypatch.setenv("PGPASSWORD", PASSWORD)
    ws = Workspace.open(root)
    try:
        with ws.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == 1
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        ws.close()
    Cli()("-w", str(root), "case", "list")  # every command works on it (exit status 0)


def test_init_reads_the_url_from_the_environment(
    pg_cluster: Cluster, database: str, tmp_path: Path
) -> None:
    root = tmp_path / "ws"
    runner = Cli().runner
    from docgen.cli import cli

    result = runner.invoke(
        cli, ["init", str(root), "--org", "某区信访局"],
        env={"DOCGEN_CATALOG_URL": pg_cluster.url(database)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert json.loads((root / "docgen.json").read_text("utf-8"))["catalog_url"].endswith(database)


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("closed-port", "服务器无法连接"),
        ("no-such-db", "数据库不存在"),
        ("wrong-password", "身份验证失败"),
    ],
)
def test_init_refuses_a_catalog_it_cannot_reach(
    pg_cluster: Cluster, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str, message: str
) -> None:
    url = {
        "closed-port": f"postgresql+psycopg://docgen_test@127.0.0.1:{_closed_port()}/x",
        "no-such-db": pg_cluster.url("no_such_database"),
        "wrong-password": pg_cluster.url("postgres").replace("@", ":wrong-secret@"),
    }[target]
    if target == "wrong-password":
        monkeypatch.delenv("PGPASSFILE")
    root = tmp_path / "ws"
    result = Cli()("init", str(root), "--org", "某区信访局", "--catalog-url", url, ok=False)
    assert result.exit_code == 1
    assert "无法连接案件目录数据库" in result.output and message in result.output
    assert "Traceback" not in result.output and "wrong-secret" not in result.output
    assert not root.exists()  # nothing half-made


def test_init_refuses_a_database_holding_another_workspaces_catalog(
    pg_cluster: Cluster, database: str, tmp_path: Path
) -> None:
    url = pg_cluster.url(database)
    Cli()("init", str(tmp_path / "a"), "--org", "甲局", "--catalog-url", url)
    second = Cli()("init", str(tmp_path / "b"), "--org", "乙局", "--catalog-url", url, ok=False)
    assert second.exit_code == 1 and "已有一个 docgen 案件目录" in second.output


def test_urls_are_checked_and_shown_without_password() -> None:
    assert public_url("postgresql://u:s3cret@db.example/cat") == (
        "postgresql+psycopg://u@db.example/cat"
    )
    with pytest.raises(WorkspaceError, match="不支持的数据库"):
        public_url("mysql://u@h/db")
    with pytest.raises(WorkspaceError, match="无法识别") as err:
        public_url("not a url u:s3cret@x")
    assert "s3cret" not in str(err.value)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free, and nobody listens once closed


def test_missing_postgresql_fails_the_run_loudly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tests.pg_cluster as plugin

    monkeypatch.setattr(plugin, "PG_BIN", tmp_path)  # no initdb there
    with pytest.raises(pytest.fail.Exception, match=r"未找到 PostgreSQL.*DOCGEN_TEST_POSTGRES=0"):
        plugin.Cluster()
    monkeypatch.setenv("DOCGEN_TEST_POSTGRES", "0")
    assert plugin.backends() == ["sqlite"]
