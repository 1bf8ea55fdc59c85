"""On-disk layout: index root folder → active generation, pending rebuild, recorded versions.

::

    <root>/meta.json          {"schema_version", "analyzer", "backend", "active": "gen-000002"}
    <root>/gen-000002/        the backend's index files in use (whoosh or tantivy)
    <root>/gen-000003/        a rebuild in progress (resumable)
    <root>/rebuild.json       {"generation", "schema_version", "analyzer", "backend", "done"}

``backend`` is absent in files written before the tantivy backend existed; it then reads as
``"whoosh"``. Each backend records its own schema version, so a folder built by the other
backend, or by another schema or analyzer, is reported as needing a rebuild.

A rebuild writes a new generation beside the active one and switches ``meta.json`` atomically
(temp file + rename) only when it is complete, so searches keep working during a rebuild and a
crash never leaves a half-built index in use.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

META_FILE = "meta.json"
REBUILD_FILE = "rebuild.json"
GEN_PREFIX = "gen-"


@dataclass(frozen=True)
class Meta:
    schema_version: int
    analyzer: str
    active: str
    backend: str = "whoosh"


@dataclass(frozen=True)
class RebuildState:
    generation: str
    schema_version: int
    analyzer: str
    done: int
    backend: str = "whoosh"


def _write_json(path: Path, data: dict[str, object]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False)
        f.flush()
        os.fsync(f.fileno())
    tmp.replace(path)


def _read_json(path: Path) -> dict[str, object] | None:
    """Parsed JSON object, None when the file is absent; ValueError when unreadable."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    data = json.loads(text)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    return data


def read_meta(root: Path) -> Meta | None:
    data = _read_json(root / META_FILE)
    if data is None:
        return None
    try:
        return Meta(
            int(data["schema_version"]),  # type: ignore[arg-type]
            str(data["analyzer"]),
            str(data["active"]),
            str(data.get("backend", "whoosh")),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError("incomplete meta.json") from exc


#: index root → (the ``stat`` of its meta.json, what it said): parsed again only when it changes
_SEEN_META: dict[Path, tuple[tuple[int, ...], Meta]] = {}
#: meta.json changed less than this before it was read is read again (a coarse clock could give
#: a second change within that time the same times)
SETTLED_NS = 2_000_000_000


def stamp(root: Path) -> tuple[int, ...] | None:
    """What changes whenever the index does, for caches of search results: the inode and time
    of ``meta.json`` (a rebuild switches it) and of the active generation's folder (every commit
    of either backend adds or renames files there). None when there is no usable index.
    ``meta.json`` is parsed again only when it changes (every search asks this)."""
    try:
        a = (root / META_FILE).stat()
        seen = (a.st_dev, a.st_ino, a.st_size, a.st_mtime_ns, a.st_ctime_ns)
        hit = _SEEN_META.get(root)
        if hit is not None and hit[0] == seen:
            meta = hit[1]
        else:
            found = read_meta(root)
            if found is None:
                return None
            meta = found
            if time.time_ns() - max(a.st_mtime_ns, a.st_ctime_ns) > SETTLED_NS:
                _SEEN_META[root] = (seen, meta)
        b = (root / meta.active).stat()
    except (OSError, ValueError):
        return None
    return (a.st_ino, a.st_mtime_ns, b.st_ino, b.st_mtime_ns)


def write_meta(root: Path, meta: Meta) -> None:
    _write_json(root / META_FILE, asdict(meta))


def read_rebuild(root: Path) -> RebuildState | None:
    try:
        data = _read_json(root / REBUILD_FILE)
        if data is None:
            return None
        return RebuildState(
            str(data["generation"]),
            int(data["schema_version"]),  # type: ignore[arg-type]
            str(data["analyzer"]),
            int(data["done"]),  # type: ignore[arg-type]
            str(data.get("backend", "whoosh")),
        )
    except (ValueError, KeyError, TypeError):
        return None  # an unreadable progress file only costs the resume


def write_rebuild(root: Path, state: RebuildState) -> None:
    _write_json(root / REBUILD_FILE, asdict(state))


def clear_rebuild(root: Path) -> None:
    (root / REBUILD_FILE).unlink(missing_ok=True)


def generations(root: Path) -> list[str]:
    return sorted(p.name for p in root.glob(GEN_PREFIX + "*") if p.is_dir())


def next_generation(root: Path) -> str:
    numbers = [int(name[len(GEN_PREFIX) :]) for name in generations(root) if name[4:].isdigit()]
    return f"{GEN_PREFIX}{max(numbers, default=0) + 1:06d}"


def remove_generations(root: Path, keep: set[str]) -> None:
    for name in generations(root):
        if name not in keep:
            shutil.rmtree(root / name, ignore_errors=True)


def usable_meta(
    root: Path, backend: str, schema_version: int, analyzer: str, create_empty: Callable[[], Meta]
) -> tuple[Meta | None, str | None]:
    """The index folder's meta for this backend, schema and analyzer — or the Chinese reason
    a rebuild is needed. A folder with no index at all is initialised with ``create_empty``."""
    try:
        meta = read_meta(root)
    except ValueError:
        return None, "索引元数据损坏，需要重建索引（docgen index rebuild）"
    if meta is None:
        if generations(root):
            return None, "索引元数据缺失，需要重建索引（docgen index rebuild）"
        meta = create_empty()
    if meta.backend != backend:
        return None, (
            f"索引由 {meta.backend} 检索引擎建立，当前设置为 {backend}，需要重建索引"
            "（docgen index rebuild）"
        )
    if meta.schema_version != schema_version or meta.analyzer != analyzer:
        return None, (
            f"索引由其他版本建立（结构 {meta.schema_version}、分词 {meta.analyzer}），"
            f"当前为（结构 {schema_version}、分词 {analyzer}），需要重建索引"
        )
    return meta, None


def resumable_rebuild(
    root: Path, backend: str, schema_version: int, analyzer: str
) -> RebuildState | None:
    """The rebuild left unfinished by this backend, schema and analyzer, if its folder is there."""
    state = read_rebuild(root)
    if (
        state is not None
        and state.schema_version == schema_version
        and state.analyzer == analyzer
        and state.backend == backend
        and (root / state.generation).is_dir()
    ):
        return state
    return None


def fresh_generation(root: Path, active: str | None) -> str:
    """A new empty generation folder for a rebuild; stale ones (but the active) are removed."""
    remove_generations(root, keep={active} if active else set())
    gen = next_generation(root)
    (root / gen).mkdir()
    return gen


def active_generation(root: Path) -> str | None:
    """The generation in use, or None when there is none (or the meta file is damaged)."""
    try:
        meta = read_meta(root)
    except ValueError:
        return None
    return meta.active if meta else None


def switch_to(root: Path, meta: Meta) -> None:
    """Make a completed rebuild the index in use: meta first (atomic), then clean up."""
    write_meta(root, meta)
    clear_rebuild(root)
    remove_generations(root, keep={meta.active})
