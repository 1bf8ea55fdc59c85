"""The dossier part of ``docgen demo``: a complete dossier for one sample case, made of the papers
``docgen paper make`` generates plus the signed scans a clerk files, and the check report of an
incomplete case, told through ``echo`` in Chinese."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.archive.attachments import AttachRequest, attach
from docgen.archive.cases import add_follow_up, edit_case, get_case
from docgen.archive.dossier.build import BuildOptions, build_dossier, check_workspace_case
from docgen.archive.dossier.samples import make_scan
from docgen.archive.papers import make_paper
from docgen.dossier.images import image_to_pdf

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

COMPLETE_CASE = "XF2024-0003"  # has exactly one 交办函, from the demo's batch
INCOMPLETE_CASE = "XF2024-0002"
D = dt.date

#: (paper type, date it was issued, clerk fields) for a 企业改制 case handled from June to July 2024.
DEMO_PAPERS: tuple[tuple[str, dt.date, dict[str, str]], ...] = (
    ("受理告知书", D(2024, 6, 3), {}),
    ("领导包案通知", D(2024, 6, 6), {}),
    ("包案会商纪要", D(2024, 6, 10), {
        "会议时间": "2024年6月10日上午", "主持人": "区人大常委会副主任赵敏",
        "出席": "区信访局、区国有资产服务中心、区人力资源和社会保障局负责同志",
        "议定事项": "区国有资产服务中心调取2003年改制档案，核实身份置换补偿标准，6月17日前报结果；"
                    "区人力资源和社会保障局核定工龄，6月17日前报结果",
    }),
    ("查办报告", D(2024, 6, 18), {
        "核查结果": "经调取改制档案，信访人工龄二十一年，身份置换补偿少算三年，反映属实",
        "处理意见": "按改制方案补发身份置换补偿金差额",
        "落实情况": "2024年6月25日已将补偿金差额足额支付至信访人账户",
    }),
    ("处理意见书", D(2024, 6, 20), {
        "事实和理由": "经查，你在2003年企业改制中工龄少计三年，身份置换补偿金计算有误",
        "处理意见": "补发身份置换补偿金差额",
        "法律依据": "《某市国有企业改制职工安置办法》第十二条",
        "办理结果": "支持", "复查机关": "某市人民政府国有资产监督管理委员会",
    }),
    ("送达回证", D(2024, 6, 21), {
        "送达文书": "信访事项处理意见书", "送达方式": "直接送达", "送达时间": "2024年6月21日",
        "送达人": "周明", "填发人": "吴芳",
    }),
    ("息诉罢访协议书", D(2024, 6, 24), {
        "协议条款": "甲方于2024年6月30日前补发身份置换补偿金差额；乙方就此事项息诉罢访",
        "履行情况": "2024年6月25日已足额支付；2024年7月2日回访确认未再信访",
    }),
    ("回访记录", D(2024, 7, 2), {
        "回访日期": "2024年7月2日", "回访方式": "上门", "回访人": "周明（区信访局）",
        "满意程度": "满意", "回访内容": "补偿金已到账，信访人表示满意，不再信访",
    }),
    ("稳控方案", D(2024, 6, 7), {"稳控期间": "2024年6月7日至2024年7月31日"}),
)  # fmt: skip


def file_demo_case(ws: Workspace, case_no: str, scratch: Path) -> None:
    """Generate every paper of a closed case and file the signed scans that go with them."""
    report_pdf = None
    with ws.session() as session:
        # The demo tells the story of a case received in June 2024: its dates follow the papers.
        edit_case(session, case_no, {"registered_on": D(2024, 5, 28), "accepted_on": D(2024, 6, 3),
                                     "assigned_on": D(2024, 6, 5), "due_on": None}, {})  # fmt: skip
        assigned = any(d.kind == "交办函" for d in get_case(session, case_no).documents)
    papers = DEMO_PAPERS if assigned else (("交办函", D(2024, 6, 5), {}), *DEMO_PAPERS)
    for kind, day, fields in papers:
        made = make_paper(ws, kind, case_no, fields, today=day)
        if kind == "查办报告":
            report_pdf = ws.root / made.pdf
    with ws.session() as session:
        case = edit_case(session, case_no, {"status": "已办结", "closed_on": D(2024, 7, 2)}, {})
        signed = {"包案领导签字": case.leader_name, "承办人签字": case.handler,
                  "主要负责人签字": "区国有资产服务中心主任"}  # fmt: skip
        add_follow_up(session, case_no, visited_on=D(2024, 7, 2), method="上门",
                      visitors="周明", attitude="满意", content="补偿金已到账")  # fmt: skip
    if report_pdf is not None:  # the printed report, signed by hand and scanned back in
        attach(ws, AttachRequest(case_no, _scan_of(report_pdf, scratch), 4, "查办报告（签字件）",
                                 "查办报告", D(2024, 6, 18), ws.settings.org, meta=signed))  # fmt: skip
    name = "、".join(p.name for p in case.petitioners)
    letter = make_scan(scratch / "来信.jpg", seed=2, dpi=200, lines=(
        "区信访局：", f"本人{name}，原系区属国有企业职工。", "2003年企业改制时，身份置换补偿金",
        "少算了三年工龄，多次反映未果，", "请求核实并补发差额。", f"信访人：{name}", "2024年5月28日",
    ))  # fmt: skip
    attach(ws, AttachRequest(case_no, letter, 1, "信访人来信（原件扫描）", "信访件",
                             D(2024, 5, 28), "信访人"))  # fmt: skip
    pledge = make_scan(scratch / "保证书.jpg", seed=1, dpi=200, lines=(
        "息诉罢访保证书", f"保证人{name}。", "本人反映的企业改制补偿问题，", "经区国有资产服务中心核实，",
        "补偿金差额已足额支付。", "本人承诺今后不再就此事上访，息诉罢访。", f"保证人：{name}", "2024年6月26日",
    ))  # fmt: skip
    attach(ws, AttachRequest(case_no, pledge, 5, "息诉罢访保证书", "息诉罢访保证书",
                             D(2024, 6, 26), "信访人"))  # fmt: skip


def _scan_of(pdf: Path, scratch: Path) -> Path:
    """Stand-in for scanning a signed print: the pages as 150 dpi greyscale JPEGs in one PDF."""
    subprocess.run(["pdftoppm", "-jpeg", "-gray", "-r", "150", "-f", "1", "-l", "1", str(pdf),
                    str(scratch / "scan")], check=True)  # fmt: skip
    jpg = next(scratch.glob("scan*.jpg"))
    out = scratch / "查办报告签字件.pdf"
    out.write_bytes(image_to_pdf(jpg))
    return out


def demo_dossier(ws: Workspace, echo: Callable[[str], Any]) -> Path:
    """File the material of one sample case, build its dossier, check an incomplete case.

    → the path of the built dossier.
    """
    echo(
        f"    为案件 {COMPLETE_CASE} 生成全部文书，附来信、签字件和保证书的扫描件（演示用扫描图）后组卷"
    )
    with tempfile.TemporaryDirectory() as scratch:
        file_demo_case(ws, COMPLETE_CASE, Path(scratch))
    for line in check_workspace_case(ws, COMPLETE_CASE).lines():
        echo(f"    {line}")
    result = build_dossier(ws, COMPLETE_CASE, BuildOptions(archive_stamp=True))
    for line in result.lines():
        echo(f"    {line}")
    echo(f"    检查材料不全的案件 {INCOMPLETE_CASE}：")
    for line in check_workspace_case(ws, INCOMPLETE_CASE).lines():
        echo(f"    {line}")
    return ws.root / result.path
