"""Generated papers carry the clerk's facts into the catalog, where the 六有 rules read them."""

from __future__ import annotations

from sqlalchemy import select

from docgen.archive.dossier.build import check_workspace_case
from docgen.archive.dossier.check import Rule
from docgen.archive.papers import MakeOptions, make_paper
from docgen.archive.workspace import Workspace
from docgen.model import Document

BLANKS_OK = MakeOptions(allow_blank=True)  # no 交办函 made: its 文号 left to fill in by hand
CLAUSES = {"协议条款": "一次性给予救助金2万元；信访人撤回复查申请"}


def _codes(ws: Workspace, case_no: str) -> list[str]:
    return [item.rule for item in check_workspace_case(ws, case_no).items]


def test_agreement_clauses_need_their_fulfilment(populated: Workspace) -> None:
    make_paper(populated, "息诉罢访协议书", "XF2024-0003", CLAUSES)
    with populated.session() as s:
        meta = s.scalars(select(Document.meta).where(Document.kind == "息诉罢访协议书")).one()
    assert meta["协议条款"] == ["一次性给予救助金2万元", "信访人撤回复查申请"]
    assert _codes(populated, "XF2024-0003").count(Rule.CLAUSE_NOT_FULFILLED) == 2
    done = {**CLAUSES, "履行情况": "2024年9月1日已发放；2024年9月3日已撤回"}
    make_paper(populated, "息诉罢访协议书", "XF2024-0004", done)
    assert Rule.CLAUSE_NOT_FULFILLED not in _codes(populated, "XF2024-0004")


def test_report_records_how_the_opinion_was_carried_out(populated: Workspace) -> None:
    make_paper(populated, "处理意见书", "XF2024-0005",
               {"事实和理由": "经查属实", "处理意见": "补发工资", "法律依据": "《劳动合同法》第三十条",
                "办理结果": "支持", "复查机关": "某市人力资源和社会保障局"})  # fmt: skip
    assert Rule.NO_IMPLEMENTATION in _codes(populated, "XF2024-0005")
    make_paper(populated, "查办报告", "XF2024-0005",
               {"核查结果": "属实", "处理意见": "补发工资", "落实情况": "已补发8万元"}, options=BLANKS_OK)  # fmt: skip
    assert Rule.NO_IMPLEMENTATION not in _codes(populated, "XF2024-0005")


def test_service_time_recorded_on_the_receipt(populated: Workspace) -> None:
    make_paper(
        populated, "送达回证", "XF2024-0006", {"送达文书": "处理意见书", "送达方式": "直接送达"}
    )
    assert Rule.SERVICE_NO_TIME in _codes(populated, "XF2024-0006")
    make_paper(populated, "送达回证", "XF2024-0007",
               {"送达文书": "处理意见书", "送达方式": "直接送达", "送达时间": "2024年6月21日"})  # fmt: skip
    assert Rule.SERVICE_NO_TIME not in _codes(populated, "XF2024-0007")


def test_signed_scan_beside_the_unsigned_report_satisfies_the_rule(
    populated: Workspace, tmp_path
) -> None:
    from docgen.archive.attachments import AttachRequest, attach
    from docgen.archive.dossier.samples import make_pdf_scan

    make_paper(populated, "查办报告", "XF2024-0008",
               {"核查结果": "属实", "处理意见": "落实待遇", "落实情况": "已落实"}, options=BLANKS_OK)  # fmt: skip
    assert Rule.REPORT_NO_LEADER_SIGNATURE in _codes(populated, "XF2024-0008")
    scan = make_pdf_scan(tmp_path / "signed.pdf", seed=3)
    attach(populated, AttachRequest("XF2024-0008", scan, 4, "查办报告（签字件）", "查办报告",
                                    meta={"包案领导签字": "赵敏"}))  # fmt: skip
    assert Rule.REPORT_NO_LEADER_SIGNATURE not in _codes(populated, "XF2024-0008")
