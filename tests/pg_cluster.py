"""A throw-away PostgreSQL cluster for the test session (a pytest plugin, see tests/conftest.py).

The first test that needs PostgreSQL starts one: ``initdb`` into a temp folder, ``pg_ctl start``
on a free loopback port with its Unix socket in that folder, as the ``postgres`` user when the
suite runs as root. Each pytest-xdist worker has its own cluster; each test gets its own database.
The cluster is stopped and its folder removed at the end of the session.

Password authentication is on for TCP (scram-sha-256): the URLs the tests use carry no password,
libpq reads it from the ``.pgpass`` file that ``PGPASSFILE`` points to, as an office would set up.

``DOCGEN_TEST_POSTGRES=0`` runs the SQLite variants only. Without that, missing PostgreSQL
binaries fail the run (they are never skipped silently: ``make test`` installs them).
"""

from __future__ import annotations

import atexit
import contextlib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

ENV_SWITCH = "DOCGEN_TEST_POSTGRES"


def _pg_bin() -> Path:
    """Debian's PostgreSQL 15 server binaries (another installed major version if 15 is not)."""
    if os.environ.get("DOCGEN_PG_BIN"):
        return Path(os.environ["DOCGEN_PG_BIN"])
    wanted = Path("/usr/lib/postgresql/15/bin")
    others = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    return wanted if wanted.is_dir() or not others else others[-1].parent


PG_BIN = _pg_bin()
SUPERUSER = "docgen_test"
PASSWORD = "test-口令-0"  # known to the cluster and the .pgpass file only, never in a URL
SERVER_OPTIONS = (
    "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
)


def postgres_wanted() -> bool:
    return os.environ.get(ENV_SWITCH, "1").strip() != "0"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if postgres_wanted() else ["sqlite"]


class Cluster:
    """One running PostgreSQL server in a temp folder."""

    def __init__(self) -> None:
        for tool in ("initdb", "pg_ctl"):
            if not (PG_BIN / tool).is_file():
                pytest.fail(
                    f"未找到 PostgreSQL 15（{PG_BIN / tool}）：请先运行 make system 安装 postgresql，"
                    f"或设置环境变量 {ENV_SWITCH}=0 只运行 SQLite 测试",
                    pytrace=False,
                )
        self._as: list[str] = []
        self._uid = os.getuid()
        if self._uid == 0:  # PostgreSQL refuses to run as root
            try:
                pw = pwd.getpwnam("postgres")
            except KeyError:
                pytest.fail("以 root 运行测试需要系统用户 postgres（随 postgresql 软件包创建）")
            self._as = ["runuser", "-u", "postgres", "--"]
            self._uid = pw.pw_uid
        self.base = Path(tempfile.mkdtemp(prefix="docgen-pg-"))
        os.chmod(self.base, 0o755)
        os.chown(self.base, self._uid, -1)
        atexit.register(self.stop)  # also when the session ends without its fixture teardown
        self.data = self.base / "data"
        self.port = _free_port()
        self.host = "127.0.0.1"
        self._counter = itertools.count(1)
        pwfile = self.base / "pw"
        pwfile.write_text(PASSWORD + "\n", "utf-8")
        os.chown(pwfile, self._uid, -1)
        self._run(
            PG_BIN / "initdb", "-D", self.data, "-U", SUPERUSER, "--pwfile", pwfile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        pwfile.unlink()
        self._run(
            PG_BIN / "pg_ctl", "-D", self.data, "-l", self.base / "server.log", "-w", "-t", "60",
            "-o", f"-p {self.port} -h {self.host} -k {self.base} {SERVER_OPTIONS}", "start",
        )  # fmt: skip
        # PGPASSFILE was set at start-up (pytest_configure), so processes started before the
        # cluster (a forkserver) find the password too.
        self.pgpass = Path(os.environ["PGPASSFILE"])
        self.pgpass.write_text(f"{self.host}:{self.port}:*:{SUPERUSER}:{PASSWORD}\n", "utf-8")
        os.chmod(self.pgpass, 0o600)

    def _run(self, *argv: object) -> None:
        cmd = [*self._as, *(str(a) for a in argv)]
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=self.base, check=False)
        if done.returncode != 0:
            log = self.base / "server.log"
            tail = log.read_text("utf-8", "replace")[-2000:] if log.exists() else ""
            pytest.fail(
                f"PostgreSQL 测试集群启动失败：{' '.join(cmd)}\n{done.stdout}{done.stderr}{tail}",
                pytrace=False,
            )

    def url(self, database: str, *, password: bool = False) -> str:
        secret = f":{PASSWORD}" if password else ""
        return f"postgresql+psycopg://{SUPERUSER}{secret}@{self.host}:{self.port}/{database}"

    def admin(self) -> psycopg.Connection:
        return psycopg.connect(
            host=str(self.base), port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def new_database(self) -> str:
        """A fresh empty database (copied from template0), → its name."""
        name = f"t{os.getpid()}_{next(self._counter)}"
        with self.admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0 STRATEGY file_copy')
        return name

    def drop_database(self, name: str) -> None:
        with contextlib.suppress(psycopg.Error), self.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        if not self.base.exists():
            return
        stop = [
            *self._as,
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-m",
            "immediate",
            "-w",
            "stop",
        ]
        with contextlib.suppress(OSError):
            subprocess.run(stop, capture_output=True, cwd=self.base, check=False)
        self.pgpass.unlink(missing_ok=True)
        shutil.rmtree(self.base, ignore_errors=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Catalogs:
    """Fresh catalog URLs per backend; starts the cluster the first time PostgreSQL is asked for."""

    def __init__(self) -> None:
        self._cluster: Cluster | None = None
        self._made: list[str] = []

    @property
    def cluster(self) -> Cluster:
        if self._cluster is None:
            self._cluster = Cluster()
        return self._cluster

    def url(self, backend: str) -> str | None:
        """None for SQLite (the workspace's own file), else a new database's URL."""
        if backend == "sqlite":
            return None
        name = self.cluster.new_database()
        self._made.append(name)
        return self.cluster.url(name)

    def release(self, url: str | None) -> None:
        if url is not None and self._cluster is not None:
            name = url.rpartition("/")[2]
            self._cluster.drop_database(name)
            self._made.remove(name)

    def close(self) -> None:
        if self._cluster is not None:
            self._cluster.stop()


@pytest.fixture(scope="session")
def catalogs():  # type: ignore[no-untyped-def]
    made = Catalogs()
    yield made
    made.close()


@pytest.fixture(scope="session")
def catalog_backend(request: pytest.FixtureRequest) -> str:
    """ "sqlite" or "postgresql": every test using a workspace fixture runs once per backend."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def catalog_url(catalogs: Catalogs, catalog_backend: str):  # type: ignore[no-untyped-def]
    """A fresh catalog for one test: None (SQLite in the workspace) or a new database's URL."""
    url = catalogs.url(catalog_backend)
    yield url
    catalogs.release(url)


@pytest.fixture
def pg_cluster(catalogs: Catalogs) -> Cluster:
    if not postgres_wanted():
        pytest.skip(f"{ENV_SWITCH}=0：跳过 PostgreSQL 测试")
    return catalogs.cluster


def pytest_configure(config: pytest.Config) -> None:
    if postgres_wanted():  # one per process (each xdist worker configures itself)
        pgpass = Path(tempfile.gettempdir()) / f"docgen-test-pgpass-{os.getpid()}"
        os.environ["PGPASSFILE"] = str(pgpass)
    config.addinivalue_line(
        "markers", "sqlite_only: run on the SQLite catalog only (rendering-heavy, same SQL)"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "catalog_backend" not in metafunc.fixturenames:
        return
    only = metafunc.definition.get_closest_marker("sqlite_only")
    metafunc.parametrize(
        "catalog_backend", ["sqlite"] if only else backends(), indirect=True, scope="session"
    )
