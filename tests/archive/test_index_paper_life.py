"""The search index follows a paper's life (issue 13's revise / void): a revised paper is
indexed once, as its current version (the superseded row holding the old file is not); a voided
paper stays findable, its title marked; catch-up, rebuild and verify's gap check agree."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from docgen.archive.indexing import index_gap, rebuild_workspace_index
from docgen.archive.papers import make_paper, revise_paper
from docgen.archive.register import void_paper
from docgen.archive.workspace import Workspace
from docgen.index import SearchQuery
from docgen.model import SUPERSEDED, Document

CASE = "XF2024-0001"
DAY = dt.date(2024, 9, 28)


def _titles(ws: Workspace) -> dict[str, str]:
    result = ws.search_index().search(SearchQuery(kind="交办函", limit=50))
    return {h.doc_id: h.title for h in result.hits}


def test_revised_and_voided_papers_in_the_index(populated: Workspace) -> None:
    first = make_paper(populated, "交办函", CASE, today=DAY)
    revise_paper(populated, first.doc_no, {"联系人": "李四"}, day=DAY)
    second = make_paper(populated, "交办函", "XF2024-0002", today=DAY)
    void_paper(populated, second.doc_no, "重复发文")
    populated.catch_up_index()
    with populated.session() as s:
        old = s.scalars(select(Document).where(Document.state == SUPERSEDED)).one()
        current = s.scalars(select(Document).where(Document.doc_no == first.doc_no)).one()
        voided = s.scalars(select(Document).where(Document.doc_no == second.doc_no)).one()
        old_key, current_key, void_key = f"doc:{old.id}", f"doc:{current.id}", f"doc:{voided.id}"
    for _ in ("caught up", "rebuilt"):
        held = populated.search_index().doc_ids()
        assert current_key in held and void_key in held
        assert old_key not in held  # the old version is not found twice
        assert index_gap(populated) == ([], [])  # verify agrees with what is indexed
        titles = _titles(populated)
        assert titles[void_key].endswith("（作废）") and not titles[current_key].endswith("）")
        rebuild_workspace_index(populated)
    held = populated.search_index().doc_ids()
    assert old_key not in held and current_key in held and void_key in held
