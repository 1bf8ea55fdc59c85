"""``Workspace.catalog_version`` and ``Workspace.cached``, on SQLite and PostgreSQL: the token
moves with every commit, by this handle or by another one on the same workspace (another desk,
another worker process), and never while only reads happen; a cached value is never given back
after a commit it has not seen."""

from __future__ import annotations

import subprocess
import sys

from docgen.archive.cases import CaseFilter, edit_case, get_case, list_cases
from docgen.archive.users import add_user, disable_user
from docgen.archive.workspace import Workspace

CASE = "XF2024-0001"


def test_the_version_moves_with_every_commit_of_any_handle(populated: Workspace) -> None:
    other = Workspace.open(populated.root)
    try:
        before = populated.catalog_version()
        assert populated.catalog_version() == before == populated.catalog_version()
        with populated.read_session() as session:  # reads leave it alone
            list_cases(session, populated.calendar, CaseFilter())
        with other.read_session() as session:
            get_case(session, CASE)
        assert populated.catalog_version() == before
        other.audit("test", target=CASE)  # the other handle commits
        moved = populated.catalog_version()
        assert moved != before
        assert other.catalog_version() == other.catalog_version()
        populated.audit("test", target=CASE)  # and this handle
        assert populated.catalog_version() not in (before, moved)
    finally:
        other.close()


def test_the_version_moves_with_a_commit_of_another_process(populated: Workspace) -> None:
    before = populated.catalog_version()
    code = (
        "import sys; from pathlib import Path; from docgen.archive.workspace import Workspace; "
        "ws = Workspace.open(Path(sys.argv[1])); ws.audit('test'); ws.close()"
    )
    subprocess.run([sys.executable, "-c", code, str(populated.root)], check=True)
    assert populated.catalog_version() != before


def test_cached_values_follow_another_handles_commits(populated: Workspace) -> None:
    other = Workspace.open(populated.root)
    made: list[str | None] = []

    def handler() -> str | None:
        with populated.read_session() as session:
            made.append(get_case(session, CASE).handler)
        return made[-1]

    try:
        first = populated.cached(("handler", CASE), handler)
        assert populated.cached(("handler", CASE), handler) == first and len(made) == 1
        with other.session() as session:
            edit_case(session, CASE, {"handler": "周明"}, {})
        assert populated.cached(("handler", CASE), handler) == "周明" and len(made) == 2
        assert populated.cached(("handler", CASE), handler) == "周明" and len(made) == 2
    finally:
        other.close()


def test_a_user_disabled_elsewhere_is_read_again(workspace: Workspace) -> None:
    from docgen.archive.users import get_active_user

    with workspace.session() as session:
        add_user(session, "周明", "文书", "long-enough-1")

    def active() -> bool:
        with workspace.read_session() as session:
            return get_active_user(session, "周明") is not None

    assert workspace.cached("active", active) is True
    other = Workspace.open(workspace.root)
    try:
        with other.session() as session:
            disable_user(session, "周明")
    finally:
        other.close()
    assert workspace.cached("active", active) is False
