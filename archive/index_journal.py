"""The catalog's journal of search-index work owed (table ``index_journal``).

Every write session notes, in its own transaction, which case records and documents it changed
(``journal_changes``, an ``after_flush`` hook the workspace installs; bulk statements, which
bypass it, call ``journal``). The index folder records
up to which journal id it has caught up (``JOURNAL_STATE``); ``archive.indexing.catch_up``
indexes what was journaled after that. Writers catch up right after their commit;
``Workspace.open`` does it (without waiting for another process doing it) when ``behind`` says
the journal is ahead: one indexed ``max(id)`` query and one small file read, no scan. So a crash
between a commit and its indexing is repaired by the next command.

PostgreSQL issues sequence ids when rows are inserted, not when they commit: a transaction that
commits late may carry an id below one already caught up. So the state also lists the ``gaps``:
ids below the recorded one that were not in the journal when it was recorded (a transaction still
open, or one rolled back), within the last ``GAP_WINDOW`` ids; catch-up reads those again until
they appear or fall out of the window. Journal rows are pruned only below the window, so a gap is
never a row pruned away.

Kept free of the ``index`` package so that opening a workspace stays cheap.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from docgen import atomic
from docgen.archive.dossier.check import DOSSIER_SECTION
from docgen.archive.tables import IndexJournalEntry
from docgen.locks import held_elsewhere, shared
from docgen.model import Case, Document, Petitioner

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

JOURNAL_STATE = "catalog-journal.json"  # in the index folder: {"applied": id, "gaps": [ids]}
#: How far below the recorded id a late-committing entry is still looked for (ids, not time).
GAP_WINDOW = 1000
WRITERS_LOCK = ".writers.lock"  # in the index folder: shared by writers until indexed


@contextlib.contextmanager
def writing(ws: Workspace) -> Iterator[None]:
    """Held (shared, so writers never wait for each other) by a writer from before its commit
    until its index work is done: ``Workspace.open`` leaves journaled work alone while any
    writer holds it, so a reader never does a live writer's indexing."""
    ws.index_dir.mkdir(parents=True, exist_ok=True)
    with shared(ws.index_dir / WRITERS_LOCK):
        yield


def no_live_writer(ws: Workspace) -> bool:
    """True when no process is inside ``writing`` (a killed one holds nothing)."""
    return not held_elsewhere(ws.index_dir / WRITERS_LOCK)


def case_key(case_no: str) -> str:
    return f"case:{case_no}"


def document_key(doc_id: int) -> str:
    return f"doc:{doc_id}"


def journal_changes(session: Session, _flush_context: Any) -> None:
    """``after_flush`` hook: journal the case records and documents this flush changed."""
    keys: set[str] = set()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Case) and obj.case_no:
            keys.add(case_key(obj.case_no))
        elif isinstance(obj, Petitioner):
            case = obj.__dict__.get("case")
            case_no = case.case_no if case is not None else session.connection().scalar(
                select(Case.case_no).where(Case.id == obj.case_id)
            )  # fmt: skip
            if case_no:
                keys.add(case_key(case_no))
        elif isinstance(obj, Document) and obj.id is not None and obj.section != DOSSIER_SECTION:
            keys.add(document_key(obj.id))  # (dossiers repeat their items' text: not indexed)
    journal(session, keys)


def journal(session: Session, keys: Iterable[str]) -> None:
    """Journal index work for ``keys`` (``case_key``/``document_key``) in ``session``'s
    transaction. Bulk statements (``session.execute(insert(Case), rows)``) bypass the flush
    hook: their callers journal with this."""
    rows = [{"doc_id": k} for k in sorted(set(keys))]
    if rows:
        session.connection().execute(insert(IndexJournalEntry), rows)


def journal_head(session: Session) -> int:
    return session.scalar(select(func.max(IndexJournalEntry.id))) or 0


def applied(ws: Workspace) -> int:
    """The journal id the index has caught up to (0 when never recorded)."""
    return applied_state(ws)[0]


def applied_state(ws: Workspace) -> tuple[int, list[int]]:
    """(the journal id the index has caught up to, the ids below it still awaited)."""
    try:
        state = json.loads((ws.index_dir / JOURNAL_STATE).read_text("utf-8"))
        return int(state["applied"]), [int(i) for i in state.get("gaps", [])]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0, []


def awaited(head: int, old_gaps: Iterable[int], start: int, seen: Iterable[int]) -> list[int]:
    """The ids at or below ``head`` still awaited after reading ``seen``: the old gaps and the
    ids above ``start`` not seen, within ``GAP_WINDOW`` of ``head``."""
    floor = max(start, head - GAP_WINDOW)
    wanted = {i for i in old_gaps if i > head - GAP_WINDOW} | set(range(floor + 1, head))
    return sorted(wanted - set(seen))


def save_applied(ws: Workspace, head: int, gaps: Iterable[int] = ()) -> None:
    ws.index_dir.mkdir(parents=True, exist_ok=True)
    state = {"applied": head, "gaps": sorted(gaps)}
    atomic.write_text(ws.index_dir / JOURNAL_STATE, json.dumps(state))


def behind(ws: Workspace) -> bool:
    """Whether the catalog journaled index work after what the index recorded, that no live
    writer is about to do (cheap: one ``max(id)``, one small file, one lock probe)."""
    done, gaps = applied_state(ws)
    with ws.read_session() as session:
        ahead = journal_head(session) > done or bool(
            gaps
            and session.scalar(
                select(IndexJournalEntry.id).where(IndexJournalEntry.id.in_(gaps)).limit(1)
            )
        )
    return ahead and no_live_writer(ws)
