"""The cases tests and benchmarks build, in one place: what a "complete" case holds.

- ``paper_ready_case``: a case row with every value a paper prints (责任单位, 包案领导 and 职务,
  责任人, 信访形式, 基本案情, 登记 and 受理 dates), so ``make_paper`` refuses nothing;
- ``import_paper_ready``: such cases through the ledger (``good_row`` plus a 责任人 column);
- ``file_complete_case``: every 六有 document a closed case needs, as tiny catalogued PDFs (no
  typesetting), and the case closed, so that no completeness rule fires.

The demo's case with real generated papers is ``docgen.archive.dossier.demo.file_demo_case``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from docgen.archive.cases import get_case
from docgen.archive.documents import NewDocument, document_transaction
from docgen.archive.workspace import Workspace
from docgen.model import Case, Petitioner
from tests.archive.dossier_helpers import blank_pdf

SIGNED = {"包案领导签字": "王强", "承办人签字": "李娜", "主要负责人签字": "赵刚"}
CLAUSES = [{"条款": "支付欠薪", "履行情况": "已支付"}, {"条款": "不再上访", "履行情况": "已履行"}]

#: (六有 section, kind, the facts its rules read from Document.meta)
COMPLETE = [
    (1, "信访事项受理告知书", {}),
    (2, "交办函", {}),
    (3, "领导包案通知", {}),
    (4, "查办报告", {**SIGNED, "落实情况": "已落实"}),
    (5, "处理意见书", {}),
    (5, "送达回证", {"送达时间": "2024-6-12"}),
    (5, "息诉罢访协议书", {"条款": CLAUSES}),
    (5, "息诉罢访保证书", {}),
    (5, "回访记录", {}),
    (6, "稳控方案", {}),
]


def paper_ready_case(case_no: str, n: int, petitioner: str) -> Case:
    """A 劳动保障 case (number ``n`` varies its 诉求) holding every value a paper prints."""
    case = Case(
        case_no=case_no, category="劳动保障", form="来访",
        demand=f"要求追讨拖欠工资{1000 + n}元", facts="某公司拖欠其工资三个月，多次讨要未果。",
        unit="区人力资源和社会保障局", leader_name="张伟", leader_post="副区长",
        responsible_person="区人社局监察大队负责人", accepted_on=dt.date(2024, 6, 10),
        registered_on=dt.date(2024, 6, 3),
    )  # fmt: skip
    case.petitioners.append(Petitioner(seq=1, name=petitioner))
    return case


def seed_paper_ready(
    ws: Workspace, prefix: str, count: int, petitioner: Callable[[int], str]
) -> None:
    """``count`` paper-ready cases ``<prefix>2024-0001`` … in one transaction."""
    with ws.session() as session:
        for i in range(count):
            session.add(paper_ready_case(f"{prefix}2024-{i + 1:04d}", i, petitioner(i)))


def import_paper_ready(ws: Workspace, folder: Path, count: int) -> list[str]:
    """Import ``count`` ledger cases T2024-0001 … with a 责任人 (a 交办函 names its 责任人);
    → their case numbers."""
    from docgen.archive.ledger_io import import_ledger
    from tests.conftest import HEADERS, good_row, write_ledger  # not at the top: benches use this

    rows = [[*good_row(n), f"责任人{n}"] for n in range(1, count + 1)]
    import_ledger(ws, write_ledger(folder / "paper-ready.xlsx", rows, (*HEADERS, "责任人")))
    return [f"T2024-{n:04d}" for n in range(1, count + 1)]


def file_complete_case(ws: Workspace, case_no: str) -> None:
    """Catalog every document a closed case needs (tiny PDFs, one transaction), close the case."""
    with document_transaction(ws) as txn:
        case = get_case(txn.session, case_no)
        for n, (section, kind, meta) in enumerate(COMPLETE, 1):
            tmp = txn.files.add(ws.case_dir(case_no) / f"{n:03d}-{kind}.pdf")
            tmp.write_bytes(blank_pdf(1, seed=n))
            txn.record(case, tmp, NewDocument(section, kind, kind, doc_date=dt.date(2024, 6, n),
                                              pages=1, meta=meta))  # fmt: skip
        case.status = "已办结"
        case.closed_on = dt.date(2024, 7, 1)
        case.extension_approved = True
