"""OCR in the background: scans without a text layer are read after ``attach`` has returned.

What needs OCR (``needs_ocr``): an attached image (JPEG, PNG, TIFF), or a PDF that ``attach``
found without a text layer (``meta["文字层"] = False``), among the documents the index holds.
The text read is kept in ``index/ocr/<sha256>.json`` (derived data beside the index, written
atomically: ``{"文字": …, "页数": n, "秒": s}``, or ``{"错误": …}`` when the file could not be
read); the stored scan is never changed. A scan is *pending* while its file has no such entry.

How the work runs:

* ``attach`` commits the scan (indexed at once by its metadata, as before) and calls
  ``start_worker``: a detached ``python -m docgen index ocr --worker`` process in its own session
  (it outlives the command and a closed terminal; stdout/stderr to /dev/null), so attach returns
  at once. The web app does the same from its attach handler: the worker is a separate process,
  never a thread of the web server.
* The worker holds ``index/.ocr.lock`` (one worker per workspace; a second start returns at once)
  and reads pending scans one by one until none is left, also those attached meanwhile. After
  each one it journals the document (``archive.index_journal.journal``, the journal the write
  paths use) and catches the index up, so the OCR words are searchable as soon as each scan is
  read, and the hit's snippet says “（扫描件识别文字）”.
* A crash (or a kill, or a reboot) leaves the scan pending: the next ``attach``, ``docgen index
  ocr`` (which runs the work in the foreground with a progress bar) or ``docgen index status``
  (which tells how many are pending and whether a worker runs) picks it up. Since an entry is
  written only when a scan is done, and written atomically, no half-read text is ever indexed.

Nothing of the text goes to a log (scans hold names and ID numbers); logs name document ids.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from docgen import atomic
from docgen.locks import held_elsewhere, try_exclusive
from docgen.model import Document
from docgen.ocr import IMAGE_FORMATS

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

log = logging.getLogger("docgen.ocr")

OCR_DIR = "ocr"  # in the index folder
OCR_LOCK = ".ocr.lock"  # in the index folder: held by the running worker
TEXT_LAYER = "文字层"  # Document.meta key: False for a PDF attach found without text


def needs_ocr(doc: Document) -> bool:
    return _needs_ocr_meta(doc.meta)


def _needs_ocr_meta(meta: dict[str, Any] | None) -> bool:
    fmt = (meta or {}).get("格式")
    return fmt in IMAGE_FORMATS or (fmt == "pdf" and (meta or {}).get(TEXT_LAYER) is False)


def entry_path(index_dir: Path, sha256: str) -> Path:
    return index_dir / OCR_DIR / f"{sha256}.json"


def read_entry(index_dir: Path, sha256: str) -> dict[str, Any] | None:
    """The OCR entry of a scan, None while pending (or when the entry is unreadable)."""
    try:
        data = json.loads(entry_path(index_dir, sha256).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def ocr_text(index_dir: Path, doc: Document) -> str | None:
    """The OCR text of ``doc`` when it needs OCR and was read; None otherwise."""
    if not needs_ocr(doc):
        return None
    entry = read_entry(index_dir, doc.sha256)
    return str(entry.get("文字") or "") if entry and "文字" in entry else None


@dataclass(frozen=True)
class OcrStatus:
    pending: int
    done: int
    failed: int
    running: bool
    pages: int
    seconds: float

    def to_dict(self) -> dict[str, Any]:
        return {"待识别": self.pending, "已识别": self.done, "识别失败": self.failed,
                "识别进程运行中": self.running, "已识别页数": self.pages,
                "识别用时秒": round(self.seconds, 1)}  # fmt: skip


def _scans(ws: Workspace) -> list[tuple[int, str, str, str]]:
    """(id, path, sha256, format) of every indexed document that needs OCR."""
    from docgen.archive.indexing import INDEXED

    with ws.read_session() as session:
        rows = session.execute(
            select(Document.id, Document.path, Document.sha256, Document.meta)
            .where(INDEXED)
            .order_by(Document.id)
        ).all()
    return [(i, path, sha, meta["格式"]) for i, path, sha, meta in rows
            if _needs_ocr_meta(meta)]  # fmt: skip


def pending(ws: Workspace) -> list[tuple[int, str, str, str]]:
    return [s for s in _scans(ws) if read_entry(ws.index_dir, s[2]) is None]


def worker_running(ws: Workspace) -> bool:
    return held_elsewhere(ws.index_dir / OCR_LOCK)


def status(ws: Workspace) -> OcrStatus:
    waiting = done = failed = pages = 0
    seconds = 0.0
    for _, _, sha, _ in _scans(ws):
        entry = read_entry(ws.index_dir, sha)
        if entry is None:
            waiting += 1
        elif "错误" in entry:
            failed += 1
        else:
            done += 1
            pages += int(entry.get("页数") or 0)
            seconds += float(entry.get("秒") or 0)
    return OcrStatus(waiting, done, failed, worker_running(ws), pages, seconds)


@contextlib.contextmanager
def _worker_lock(ws: Workspace) -> Iterator[bool]:
    ws.index_dir.mkdir(parents=True, exist_ok=True)
    with try_exclusive(ws.index_dir / OCR_LOCK) as held:
        yield held


def read_one(ws: Workspace, doc_id: int, path: str, sha256: str, fmt: str) -> bool:
    """OCR one scan, keep its entry and index it → True when text was read."""
    from docgen.archive import index_journal
    from docgen.errors import DependencyError, DocgenError
    from docgen.ocr import ocr_file

    started = time.monotonic()
    try:
        text, pages = ocr_file(ws.root / path, fmt)
        entry: dict[str, Any] = {"文字": text, "页数": pages}
    except DependencyError:
        raise  # tesseract missing: the scan stays pending until it is installed
    except (DocgenError, OSError) as exc:
        log.warning("文档 %s 的文字识别失败：%s", doc_id, type(exc).__name__)
        entry = {"错误": exc.message if isinstance(exc, DocgenError) else "文件无法读取"}
    entry["秒"] = round(time.monotonic() - started, 2)
    folder = ws.index_dir / OCR_DIR
    folder.mkdir(parents=True, exist_ok=True)
    atomic.write_text(entry_path(ws.index_dir, sha256), json.dumps(entry, ensure_ascii=False))
    with index_journal.writing(ws):
        with ws.session() as session:
            index_journal.journal(session, [index_journal.document_key(doc_id)])
        ws.catch_up_index()
    return "文字" in entry


def run_pending(
    ws: Workspace, progress: Callable[[int, int], None] | None = None
) -> tuple[int, int]:
    """Read every pending scan (and those attached meanwhile) → (read, failed); (0, 0) at once
    when another worker holds the lock."""
    read = failed = 0
    with _worker_lock(ws) as mine:
        if not mine:
            return 0, 0
        while todo := pending(ws):
            for n, scan in enumerate(todo):
                if progress:
                    progress(read + failed + n, read + failed + len(todo))
                if read_one(ws, *scan):
                    read += 1
                else:
                    failed += 1
        if progress:
            progress(read + failed, read + failed)
    return read, failed


def read_all(ws: Workspace, timeout: float = 300.0) -> OcrStatus:
    """Read every pending scan before returning: here, or by waiting for the running worker
    (``timeout`` seconds at most) → the status after; this process's searches then find the text."""
    deadline = time.monotonic() + timeout
    while True:
        run_pending(ws)
        # A worker writes a scan's entry before it indexes the text: wait until it has exited.
        if not (pending(ws) or worker_running(ws)) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    ws.search_index().refresh()
    return status(ws)


def start_worker(ws: Workspace) -> bool:
    """Start the background worker when scans are pending and none runs → whether started.

    ``DOCGEN_OCR=off`` leaves OCR to ``docgen index ocr`` (e.g. on a machine without Tesseract).
    """
    if os.environ.get("DOCGEN_OCR", "").lower() in ("off", "0", "no"):
        return False
    if worker_running(ws):
        return False
    env = {**os.environ, "DOCGEN_WORKSPACE": str(ws.root)}
    worker = [sys.executable, "-m", "docgen", "-w", str(ws.root), "index", "ocr", "--worker"]
    # Started through a short-lived launcher, so the worker is nobody's child here: no zombie,
    # and it is not tied to this process, its terminal or the web server's process group.
    subprocess.run(
        [sys.executable, "-S", "-c", _LAUNCH, *worker],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        close_fds=True,
        env=env,
        cwd=str(ws.root),
        check=False,
        timeout=30,
    )
    return True


_LAUNCH = (
    "import subprocess, sys; subprocess.Popen(sys.argv[1:], start_new_session=True, "
    "stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)"
)
