"""The 六有 completeness check: every rule fires on a crafted case, none on a complete one."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from docgen.archive.cases import get_case
from docgen.archive.dossier import Rule, Severity
from docgen.archive.dossier.build import check_workspace_case
from docgen.model import Document
from tests.archive.dossier_helpers import file_doc
from tests.cases import file_complete_case
from tests.conftest import Cli

CASE = "XF2024-0001"


def _set_meta(ws, kind: str, **changes) -> None:  # type: ignore[no-untyped-def]
    with ws.session() as session:
        for doc in get_case(session, CASE).documents:
            if doc.kind == kind:
                meta = dict(doc.meta)
                for key, value in changes.items():
                    if value is None:
                        meta.pop(key, None)
                    else:
                        meta[key] = value
                doc.meta = meta


def _drop(ws, kind: str) -> None:  # type: ignore[no-untyped-def]
    with ws.session() as session:
        for doc in get_case(session, CASE).documents:
            if doc.kind == kind:
                session.delete(doc)


def test_complete_case_has_no_findings(populated) -> None:  # type: ignore[no-untyped-def]
    file_complete_case(populated, CASE)
    report = check_workspace_case(populated, CASE)
    assert report.items == [], report.lines()
    assert report.ok and report.exit_code == 0
    assert all(s.documents for s in report.sections)


def test_empty_case_lists_every_section(populated) -> None:  # type: ignore[no-untyped-def]
    report = check_workspace_case(populated, "XF2024-0002")
    empty = [i.section for i in report.items if i.rule is Rule.SECTION_EMPTY]
    assert empty == [1, 2, 3, 4, 5, 6]
    assert report.exit_code == 1
    assert "第6部分“目前采取的稳控措施”没有材料" in "\n".join(report.lines())


@pytest.mark.parametrize(
    ("mutate", "rule"),
    [
        (lambda ws: _set_meta(ws, "送达回证", 送达时间=None), Rule.SERVICE_NO_TIME),
        (lambda ws: _set_meta(ws, "查办报告", 包案领导签字=None), Rule.REPORT_NO_LEADER_SIGNATURE),
        (lambda ws: _set_meta(ws, "查办报告", 落实情况=None), Rule.NO_IMPLEMENTATION),
        (lambda ws: _set_meta(ws, "息诉罢访协议书", 条款=None), Rule.AGREEMENT_NO_CLAUSES),
        (
            lambda ws: _set_meta(ws, "息诉罢访协议书", 条款=[{"条款": "支付欠薪"}]),
            Rule.CLAUSE_NOT_FULFILLED,
        ),
        (lambda ws: _drop(ws, "息诉罢访保证书"), Rule.CLOSED_NO_GUARANTEE),
        (lambda ws: _drop(ws, "回访记录"), Rule.CLOSED_NO_FOLLOW_UP),
        (lambda ws: _set_meta(ws, "查办报告", 主要负责人签字=None), Rule.CLOSED_NO_SIGNATURE),
    ],
)
def test_each_defect_rule_fires(populated, mutate, rule) -> None:  # type: ignore[no-untyped-def]
    file_complete_case(populated, CASE)
    mutate(populated)
    report = check_workspace_case(populated, CASE)
    fired = {i.rule for i in report.errors}
    # A missing 包案领导 signature on the report is also missing among the closing signatures.
    assert fired - {Rule.CLOSED_NO_SIGNATURE} == {rule} - {Rule.CLOSED_NO_SIGNATURE}, report.lines()
    assert rule in fired
    assert report.exit_code == 1
    assert report.errors[0].message.startswith(("送达回证", "查办报告", "没有", "息诉罢访", "案件"))


def test_implementation_as_its_own_document(populated) -> None:  # type: ignore[no-untyped-def]
    file_complete_case(populated, CASE)
    _set_meta(populated, "查办报告", 落实情况=None)
    file_doc(populated, CASE, 4, "落实情况")
    assert check_workspace_case(populated, CASE).ok


def test_overdue_without_extension_and_missing_file(populated) -> None:  # type: ignore[no-untyped-def]
    file_complete_case(populated, CASE)
    with populated.session() as session:
        case = get_case(session, CASE)
        case.status = "办理中"
        case.extension_approved = False
        case.accepted_on = dt.date(2024, 1, 2)
        case.due_on = None
        doc = session.query(Document).filter_by(kind="稳控方案").one()
        doc.doc_date = None
        path = populated.root / doc.path
    path.unlink()
    report = check_workspace_case(populated, CASE, today=dt.date(2024, 12, 1))
    assert {str(i.rule) for i in report.errors} == {"overdue_no_extension", "file_missing"}
    assert [i.rule for i in report.items if i.severity is Severity.WARNING] == [Rule.NO_DATE]


def test_cli_check_json_and_exit_code(populated) -> None:  # type: ignore[no-untyped-def]
    run = Cli(populated)
    result = run("dossier", "check", "XF2024-0003", "--json", ok=False)
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert data["完整"] is False
    assert {"section_empty"} <= {p["code"] for p in data["问题"]}
    file_complete_case(populated, CASE)
    result = run("dossier", "check", CASE)
    assert "材料齐全" in result.output
