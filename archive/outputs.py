"""Where a command may write what it was told to: never onto a workspace's own data.

``check_output(ws, path)`` is called by every command that writes to a path the user gives
(``ledger export``, ``ledger import --errors-out``, ``paper pdf --out``, ``export --out``,
``seal paper`` on a file outside the catalog). It resolves symlinks (of the folders and of the
file itself) and refuses, with a Chinese message, any path that is, or lies inside:

* the catalog (``catalog.sqlite`` and its ``-wal``/``-shm``/``-journal`` files, or the SQLite
  file a ``catalog_url`` points to) and the settings file ``docgen.json``;
* the archive folder, the search index folder, ``.pending/``, ``keys/`` and ``seal/``;
* any file recorded in the documents table.

The workspace checked is the open one (if any) and every workspace found above the path
(a folder holding ``docgen.json``) or named by ``$DOCGEN_WORKSPACE``, so ``paper pdf``, which
opens no workspace, is guarded too.
Those places are written only through the catalog's own write path (``archive.documents``).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docgen.archive.documents import PENDING_DIR
from docgen.archive.settings import SETTINGS_FILE
from docgen.archive.workspace import CATALOG_FILE, ENV_WORKSPACE
from docgen.errors import DocgenError
from docgen.model import Document

_SQLITE_SIDE_FILES = ("", "-wal", "-shm", "-journal")
_PROTECTED_DIRS = {
    "archive": "工作区的档案目录（archive/）",
    "index": "工作区的检索索引目录（index/）",
    PENDING_DIR: "工作区的写入日志目录（.pending/）",
    "keys": "工作区的密钥目录（keys/）",
    "seal": "工作区的印章目录（seal/）",
}


class OutputRefused(DocgenError):
    code = "output_refused"


def check_output(ws: Any | None, path: Path) -> Path:
    """``path`` if writing there cannot overwrite a workspace's data, else ``OutputRefused``."""
    resolved = Path(path).expanduser().resolve()
    roots = _workspaces_above(resolved)
    if ws is not None:
        roots.insert(0, Path(ws.root).resolve())
    elif os.environ.get(ENV_WORKSPACE):
        roots.insert(0, Path(os.environ[ENV_WORKSPACE]).resolve())
    for root in dict.fromkeys(roots):
        if problem := _protected_place(root, resolved):
            _refuse(path, problem)
    if ws is not None:
        if (catalog := _sqlite_file(ws)) is not None and _is_catalog(resolved, catalog):
            _refuse(path, "这是工作区的目录数据库")
        with ws.read_session() as session:
            rel = _relative(resolved, Path(ws.root).resolve())
            doc_id = rel and session.scalar(select(Document.id).where(Document.path == rel))
        if doc_id:
            _refuse(path, f"这是已登记的归档文件（文档 {doc_id}）")
    return Path(path)


def _refuse(path: Path, problem: str) -> None:
    raise OutputRefused(
        f"拒绝写入 {path}：{problem}，只能由 docgen 自己的归档流程写入。请另选工作区数据之外的输出路径"
    )


def _workspaces_above(path: Path) -> list[Path]:
    return [folder for folder in path.parents if (folder / SETTINGS_FILE).is_file()]


def _relative(path: Path, root: Path) -> str | None:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return None


def _is_catalog(path: Path, catalog: Path) -> bool:
    return any(path == catalog.with_name(catalog.name + side) for side in _SQLITE_SIDE_FILES)


def _sqlite_file(ws: Any) -> Path | None:
    url = ws.settings.catalog_url
    if url is None:
        return (Path(ws.root) / CATALOG_FILE).resolve()
    if url.startswith("sqlite:///") and len(url) > len("sqlite:///"):
        return Path(url.removeprefix("sqlite:///")).resolve()
    return None


def _protected_place(root: Path, path: Path) -> str | None:
    """Why ``path`` (resolved) must not be written in the workspace at ``root``, if it must not."""
    rel = _relative(path, root)
    if rel is None:
        return None
    if rel == ".":
        return "这是工作区目录本身"
    if rel == SETTINGS_FILE:
        return "这是工作区设置文件"
    if _is_catalog(path, root / CATALOG_FILE):
        return "这是工作区的目录数据库"
    place = _PROTECTED_DIRS.get(rel.split("/", 1)[0])
    return f"它位于{place}内" if place else None
