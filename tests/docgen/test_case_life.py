"""A case's life: dated papers, refused remakes, revise / void, the 文号 register, blanks refused,
signed copies linked, the timeline read as of a past date. Through the CLI and the domain API."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from docgen.archive.attachments import AttachError, AttachRequest, attach
from docgen.archive.cases import edit_case, get_case
from docgen.archive.dossier.build import (
    BuildOptions,
    back_note_statement,
    check_workspace_case,
    load_plan,
)
from docgen.archive.dossier.check import Rule
from docgen.archive.dossier.samples import make_pdf_scan
from docgen.archive.papers import MakeOptions, make_paper, revise_paper
from docgen.archive.register import doc_register, void_paper
from docgen.archive.tables import AuditEntry
from docgen.archive.timeline import case_timeline, status_as_of, statuses_as_of
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.model import Document
from tests.conftest import Cli

CASE = "XF2024-0001"  # accepted 2024-09-25, due 2024-11-25
REPORT = {"核查结果": "属实", "处理意见": "补发补偿款", "落实情况": "已补发"}


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def _json(result) -> dict:  # type: ignore[no-untyped-def, type-arg]
    return json.loads(result.output[result.output.index("{") :])


def test_dated_paper_takes_its_year_and_date(populated: Workspace) -> None:
    run = Cli(populated)
    made = _json(
        run("paper", "make", "受理告知书", "--case", CASE, "--date", "2024年9月26日", "--json")
    )
    assert made["文号"] == "某信交受〔2024〕1号"
    text = pdf_text(populated.root / made["pdf"])
    assert "2024年9月26日" in text and "〔2024〕1号" in text
    with populated.session() as s:
        assert s.scalar(select(Document.doc_date)) == dt.date(2024, 9, 26)
    bad = run("paper", "make", "交办函", "--case", CASE, "--date", "2024-13-40", ok=False)
    assert bad.exit_code != 0 and "--date" in bad.output


def test_contradicting_dates_refused_or_forced_with_the_reason_audited(
    populated: Workspace,
) -> None:
    run = Cli(populated)
    early = run("paper", "make", "交办函", "--case", CASE, "--date", "2024-09-01", ok=False)
    assert early.exit_code == 1 and "早于受理日期 2024-09-25" in early.output
    late = run("paper", "make", "延期告知书", "--case", CASE, "--date", "2024-12-20",
               "--set", "延期理由=需鉴定", ok=False)  # fmt: skip
    assert "晚于原办结时限" in late.output
    run("paper", "make", "交办函", "--case", CASE, "--date", "2024-09-01", "--force")
    with populated.session() as s:
        audit = s.scalars(select(AuditEntry.detail).where(AuditEntry.action == "paper-make")).one()
        edit_case(s, CASE, {"status": "已办结", "closed_on": dt.date(2024, 10, 30)}, {})
    assert "--force" in audit and "早于受理日期" in audit
    opinion = {"事实和理由": "属实", "处理意见": "支持", "法律依据": "条例", "办理结果": "支持",
               "复查机关": "某市人民政府"}  # fmt: skip
    with pytest.raises(ValidationError, match="晚于办结日期"):
        make_paper(populated, "处理意见书", CASE, opinion, today=dt.date(2024, 11, 2))


def test_remake_refused_new_revise_void_and_the_register(populated: Workspace) -> None:
    run = Cli(populated)
    day = ("--date", "2024-09-28")
    first = _json(run("paper", "make", "交办函", "--case", CASE, *day, "--json"))
    no = first["文号"]
    again = run("paper", "make", "交办函", "--case", CASE, *day, ok=False)
    assert again.exit_code == 1 and no in again.output and "paper revise" in again.output
    old_pdf = populated.root / first["pdf"]
    old_bytes = old_pdf.read_bytes()
    revised = _json(
        run("paper", "revise", no, "--set", "联系人=李四", "--date", "2024-09-29", "--json")
    )
    assert revised["文号"] == no and revised["pdf"] != first["pdf"]
    assert old_pdf.read_bytes() == old_bytes  # the earlier version is kept, never overwritten
    assert "李四" in pdf_text(populated.root / revised["pdf"])
    second = _json(run("paper", "make", "交办函", "--case", CASE, *day, "--new", "--json"))
    assert second["文号"].endswith("〕2号")
    voided = _json(run("paper", "void", second["文号"], "--reason", "重复发文", "--json"))
    assert voided["状态"] == "作废"
    third = _json(run("paper", "make", "交办函", "--case", "XF2024-0002", *day, "--json"))
    assert third["文号"].endswith("〕3号")  # a voided number is never issued again
    register = json.loads(run("numbers", "--code", "某信交", "--year", "2024", "--json").output)
    assert [(r["文号"], r["状态"], r["作废原因"]) for r in register] == [
        (no, "已更正", None),
        (second["文号"], "作废", "重复发文"),
        (third["文号"], "有效", None),
    ]
    assert register[0]["成文日期"] == "2024-09-29" and register[0]["案件编号"] == CASE
    assert json.loads(run("numbers", "--year", "2023", "--json").output) == []
    text = run("numbers").output
    assert "作废（重复发文）" in text and "已更正" in text
    assert "2024年9月29日" in text and "2024-09-29" not in text  # dates as a clerk writes them
    with populated.session() as s:
        old = s.scalars(select(Document).where(Document.state == "superseded")).one()
        assert old.path == first["pdf"] and old.meta["文号"] == no
    # the dossier and its checks see the current paper only; the 备考表 names the voided one
    plan = load_plan(populated, CASE, BuildOptions())
    assert [i.doc_no for i in plan.items if i.kind == "交办函"] == [no]
    note = "".join(back_note_statement(plan, 1))
    assert second["文号"] in note and "重复发文" in note
    with pytest.raises(ValidationError, match="已作废"):
        void_paper(populated, second["文号"], "再次")
    with pytest.raises(ValidationError, match="已作废"):
        revise_paper(populated, second["文号"], {})


def test_batch_skips_existing_asks_and_prints_the_range(populated: Workspace) -> None:
    run = Cli(populated)
    run("paper", "make", "交办函", "--case", "XF2024-0002", "--date", "2024-11-20")
    refused = run("paper", "make", "交办函", "--all", "--category", "房屋拆迁", "--date",
                  "2024-11-20", ok=False)  # fmt: skip
    assert refused.exit_code == 1 and "--yes" in refused.output and "2 个文号" in refused.output
    with populated.session() as s:
        assert len(s.scalars(select(Document)).all()) == 1  # nothing made, no number used
    done = run("paper", "make", "交办函", "--all", "--category", "房屋拆迁", "--date",
               "2024-11-20", "--yes")  # fmt: skip
    assert "跳过 1 件" in done.output
    assert "使用文号：某信交〔2024〕2号—某信交〔2024〕3号（共 2 个）" in done.output
    again = run("paper", "make", "交办函", "--all", "--category", "房屋拆迁", "--date",
                "2024-11-20", "--yes")  # fmt: skip
    assert "成功 0 件" in again.output and "跳过 3 件" in again.output
    more = run("paper", "make", "交办函", "--all", "--category", "房屋拆迁", "--date",
               "2024-11-21", "--new", "--yes")  # fmt: skip
    assert "成功 3 件" in more.output and "〔2024〕4号—某信交〔2024〕6号" in more.output


def test_missing_case_values_named_or_left_blank(populated: Workspace) -> None:
    with populated.session() as s:
        edit_case(s, CASE, {"registered_on": None, "accepted_on": None, "leader_name": None}, {})
    run = Cli(populated)
    result = run("paper", "make", "交办函", "--case", CASE, ok=False)
    assert result.exit_code == 1
    assert (
        "交办函缺少：登记日期、受理日期、包案领导、办结时限；用 case edit 补齐，或 --allow-blank 留空手填"
        in result.output
    )
    with populated.session() as s:
        assert s.scalars(select(Document)).all() == []
    made = _json(run("paper", "make", "交办函", "--case", CASE, "--allow-blank", "--json"))
    assert "________" in pdf_text(populated.root / made["pdf"])


def test_extended_deadline_is_computed_not_blank(populated: Workspace) -> None:
    made = make_paper(populated, "延期告知书", CASE, {"延期理由": "需鉴定"},
                      today=dt.date(2024, 11, 1))  # fmt: skip
    text = pdf_text(populated.root / made.pdf)
    assert "________" not in text and "2024年12月" in text


def test_signed_scan_links_to_its_paper(populated: Workspace, tmp_path: Path) -> None:
    made = make_paper(populated, "交办函", CASE, today=dt.date(2024, 9, 28))
    report = make_paper(populated, "查办报告", CASE, REPORT, today=dt.date(2024, 10, 20))
    codes = {str(i.rule) for i in check_workspace_case(populated, CASE).items}
    assert str(Rule.REPORT_NO_LEADER_SIGNATURE) in codes
    scan = make_pdf_scan(tmp_path / "signed.pdf", seed=3)
    run = Cli(populated)
    out = _json(run("attach", CASE, str(scan), "--section", "4", "--title", "查办报告（签字件）",
                    "--doc-no", report.doc_no, "--json"))  # fmt: skip
    with populated.session() as s:
        copy = s.get(Document, out["文档编号"])
        paper = s.scalars(select(Document).where(Document.doc_no == report.doc_no)).one()
        assert copy.signed_of_id == paper.id and copy.kind == "查办报告" and copy.doc_no is None
    codes = {str(i.rule) for i in check_workspace_case(populated, CASE).items}
    assert str(Rule.REPORT_NO_LEADER_SIGNATURE) not in codes
    other = make_pdf_scan(tmp_path / "other.pdf", seed=4)
    with pytest.raises(AttachError, match="另一案件"):
        attach(populated, AttachRequest("XF2024-0002", other, 2, "签字件", doc_no=made.doc_no))
    with pytest.raises(AttachError, match="不符"):
        attach(populated, AttachRequest(CASE, other, 2, "签字件", "督办函", doc_no=made.doc_no))
    with pytest.raises(ValidationError, match="签字"):
        revise_paper(populated, report.doc_no, {"落实情况": "改"})


def test_timeline_status_as_of_a_past_date(populated: Workspace) -> None:
    run = Cli(populated)
    run("paper", "make", "交办函", "--case", "XF2024-0002", "--date", "2024-05-03")
    run("case", "edit", "XF2024-0002", "--set", "状态=已办结", "--set", "办结日期=2024-07-15",
        "--date", "2024-07-15")  # fmt: skip
    with populated.session() as s:
        case = get_case(s, "XF2024-0002")
        assert status_as_of(s, case, dt.date(2024, 6, 30)) == "办理中"
        assert status_as_of(s, case, dt.date(2024, 7, 31)) == "已办结"
        assert statuses_as_of(s, dt.date(2024, 6, 30))["XF2024-0002"] == "办理中"
        assert statuses_as_of(s, dt.date(2024, 7, 15))["XF2024-0002"] == "已办结"
        kinds = [e.kind for e in case_timeline(s, case)]
        assert case.assigned_on == dt.date(2024, 5, 2)  # the ledger's 交办日期 is kept
    assert kinds[:3] == ["登记", "受理", "交办"] and "状态" in kinds and "办结" in kinds
    shown = run("case", "show", "XF2024-0002").output
    assert "时间线：" in shown and "状态 办理中 → 已办结" in shown and "文书：" in shown
    assert "办结时限" in shown and "有效" in shown
    data = json.loads(run("case", "show", "XF2024-0002", "--json").output)
    assert data["文书"][0]["状态"] == "有效" and data["时间线"]


def test_assign_date_set_by_the_assignment_letter(populated: Workspace) -> None:
    with populated.session() as s:
        edit_case(s, CASE, {"assigned_on": None}, {})
    make_paper(populated, "交办函", CASE, today=dt.date(2024, 9, 30))
    with populated.session() as s:
        case = get_case(s, CASE)
        assert case.assigned_on == dt.date(2024, 9, 30)
        assert ("交办", dt.date(2024, 9, 30)) in [(e.kind, e.day) for e in case_timeline(s, case)]


def test_visit_linked_to_its_record_and_counted_for_section_5(populated: Workspace) -> None:
    run = Cli(populated)
    case_no = "XF2024-0006"
    report = check_workspace_case(populated, case_no)
    assert 5 in [i.section for i in report.items if i.rule == Rule.SECTION_EMPTY]
    run("case", "visit", case_no, "--date", "2024-08-01", "--method", "上门")
    report = check_workspace_case(populated, case_no)
    assert 5 not in [i.section for i in report.items if i.rule == Rule.SECTION_EMPTY]
    make_paper(populated, "回访记录", case_no, {
        "回访日期": "2024年8月1日", "回访方式": "上门", "回访人": "王五", "满意程度": "满意",
        "回访内容": "表示满意"}, today=dt.date(2024, 8, 1))  # fmt: skip
    with populated.session() as s:
        case = get_case(s, case_no)
        assert len(case.follow_ups) == 1 and case.follow_ups[0].document_id is not None
        assert [e.kind for e in case_timeline(s, case)].count("回访") == 1
    # the other order: the record first, the visit logged after it
    make_paper(populated, "回访记录", "XF2024-0008", {
        "回访日期": "2024年8月2日", "回访方式": "电话", "回访人": "王五", "满意程度": "满意",
        "回访内容": "表示满意"}, today=dt.date(2024, 8, 2))  # fmt: skip
    run("case", "visit", "XF2024-0008", "--date", "2024-8-2", "--method", "电话")
    with populated.session() as s:
        case = get_case(s, "XF2024-0008")
        assert [f.document_id is not None for f in case.follow_ups] == [True]
        assert [e.kind for e in case_timeline(s, case)].count("回访") == 1


def test_case_list_sorts_naturally_and_shows_the_leader(populated: Workspace) -> None:
    run = Cli(populated)
    run("case", "add", "--set", "案件编号=XF2024-2", "--set", "信访人=甲", "--set", "问题类别=民生",
        "--set", "诉求=x", "--set", "责任单位=区民政局", "--set", "包案领导=钱七")  # fmt: skip
    run("case", "add", "--set", "案件编号=XF2024-11", "--set", "信访人=乙", "--set", "问题类别=民生",
        "--set", "诉求=x", "--set", "责任单位=区民政局")  # fmt: skip
    lines = run("case", "list", "--category", "民生").output.splitlines()
    order = [line.split()[0] for line in lines if line.startswith("XF2024-")]
    assert order.index("XF2024-2") < order.index("XF2024-11")
    assert any("XF2024-2 " in line and "包案 钱七" in line for line in lines)


def test_register_in_number_order(populated: Workspace) -> None:
    for case_no in ("XF2024-0001", "XF2024-0002", "XF2024-0005"):
        make_paper(populated, "交办函", case_no, today=dt.date(2024, 11, 20), options=MakeOptions())
    for _ in range(8):
        make_paper(populated, "交办函", "XF2024-0005", today=dt.date(2024, 11, 21),
                   options=MakeOptions(new=True))  # fmt: skip
    with populated.session() as s:
        numbers = [r.doc_no for r in doc_register(s)]
    assert numbers[:3] == ["某信交〔2024〕1号", "某信交〔2024〕2号", "某信交〔2024〕3号"]
    assert numbers[-2:] == ["某信交〔2024〕10号", "某信交〔2024〕11号"]


def test_paper_without_number_revised_by_its_document_id(populated: Workspace) -> None:
    run = Cli(populated)
    served = {"送达文书": "处理意见书", "送达方式": "直接送达"}
    made = make_paper(populated, "送达回证", CASE, served, today=dt.date(2024, 10, 9))
    assert Rule.SERVICE_NO_TIME in [i.rule for i in check_workspace_case(populated, CASE).items]
    again = run("paper", "make", "送达回证", "--case", CASE, "--set", "送达文书=处理意见书",
                "--set", "送达方式=直接送达", "--date", "2024-10-09", ok=False)  # fmt: skip
    with populated.session() as s:
        doc_id = s.scalars(select(Document.id).where(Document.path == made.pdf)).one()
    assert f"paper revise 文档{doc_id}" in again.output
    run("paper", "revise", f"文档{doc_id}", "--set", "送达时间=2024年10月10日")
    items = check_workspace_case(populated, CASE).items
    assert Rule.SERVICE_NO_TIME not in [i.rule for i in items]
    with populated.session() as s:
        states = sorted(s.scalars(select(Document.state).where(Document.kind == "送达回证")))
    assert states == ["current", "superseded"]


def test_reimported_status_change_is_on_the_timeline(workspace: Workspace, tmp_path: Path) -> None:
    from docgen.archive.ledger_io import import_ledger
    from tests.conftest import good_row, write_ledger

    import_ledger(workspace, write_ledger(tmp_path / "a.xlsx", [good_row(1)]))
    import_ledger(workspace, write_ledger(tmp_path / "b.xlsx", [good_row(1, 目前状态="已办结")]))
    with workspace.session() as s:
        case = get_case(s, "T2024-0001")
        changes = [(e.status_from, e.status_to, e.detail) for e in case.events]
        assert changes == [("办理中", "已办结", "台账导入")]
        assert status_as_of(s, case, dt.date.today() - dt.timedelta(days=1)) == "办理中"


def test_served_paper_not_revised_and_leader_change_on_the_timeline(populated: Workspace) -> None:
    opinion = {"事实和理由": "属实", "处理意见": "支持", "法律依据": "条例", "办理结果": "支持",
               "复查机关": "某市人民政府"}  # fmt: skip
    made = make_paper(populated, "处理意见书", CASE, opinion, today=dt.date(2024, 10, 8))
    make_paper(populated, "送达回证", CASE, {"送达文书": "处理意见书", "送达方式": "直接送达",
                                           "送达时间": "2024年10月9日"}, today=dt.date(2024, 10, 9))  # fmt: skip
    with pytest.raises(ValidationError, match="送达"):
        revise_paper(populated, made.doc_no, {"处理意见": "改"})
    Cli(populated)("case", "edit", CASE, "--set", "包案领导=钱七", "--date", "2024-10-10")
    with populated.session() as s:
        events = case_timeline(s, get_case(s, CASE))
    assert any(e.kind == "包案" and "→ 钱七" in e.text and e.day == dt.date(2024, 10, 10)
               for e in events)  # fmt: skip
    assert any(e.kind == "送达" and e.day == dt.date(2024, 10, 9) for e in events)
    run, day = Cli(populated), ("--date", "2024-09-28")
    first = _json(run("paper", "make", "交办函", "--case", CASE, *day, "--json"))
    run("paper", "revise", first["文号"], "--set", "联系人=李四", "--date", "2024-09-29")
    second = _json(run("paper", "make", "交办函", "--case", CASE, *day, "--new", "--json"))
    run("paper", "void", second["文号"], "--reason", "重复发文")
    run("case", "visit", CASE, "--date", "2024-10-12", "--method", "电话")
    run("case", "edit", CASE, "--set", "状态=已办结", "--set", "办结日期=2024-10-15",
        "--date", "2024-10-15")  # fmt: skip
    with populated.session() as s:  # the case page reads it from the loaded case: the same
        queried = case_timeline(s, get_case(s, CASE))
        s.expunge_all()
        assert case_timeline(s, get_case(s, CASE, full=True)) == queried
    assert {"包案", "送达", "回访", "状态", "交办"} <= {e.kind for e in queried}
    assert any("第2版" in e.text for e in queried) and any("已作废" in e.text for e in queried)
