"""The same answers from the catalog on SQLite and on PostgreSQL: filters, order, text, times."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from docgen.archive.cases import CaseFilter, get_case, list_cases
from docgen.archive.ledger_io import import_ledger
from docgen.archive.workspace import Workspace
from tests.conftest import good_row, write_ledger


def test_filters_order_and_values_are_the_same_on_both(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        good_row(1, 信访件编号="xf2024-0010", 承办单位="区City管理局"),
        good_row(2, 信访件编号="XF2024-0002", 承办单位="区人社局100%办结专班"),
        good_row(3, 信访件编号="XF2024-0010", 承办单位="区人社局", 反映问题="要求追讨𠮷字号欠款"),
    ]
    import_ledger(workspace, write_ledger(tmp_path / "l.xlsx", rows))
    with workspace.session() as s:
        every = [v.case.case_no for v in list_cases(s, workspace.calendar, CaseFilter())]
        assert every == ["XF2024-0002", "XF2024-0010", "xf2024-0010"]  # code-point order
        by_unit = lambda text: [  # noqa: E731
            v.case.case_no for v in list_cases(s, workspace.calendar, CaseFilter(unit=text))
        ]
        assert by_unit("city") == ["xf2024-0010"]  # ASCII letters match in any case
        assert by_unit("100%") == ["XF2024-0002"]  # % and _ are plain characters
        assert by_unit("_") == []
        case = get_case(s, "XF2024-0010")
        assert case.demand == "要求追讨𠮷字号欠款"  # characters beyond the BMP survive
        assert case.created_at.tzinfo is None  # times are naive UTC on both
        assert abs(case.created_at - dt.datetime.now(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
            minutes=5
        )
