"""Papers: every type renders for a sample case, 文号, escaping, refusals, rollback, override,
template check and the batch. Outputs are read back (document.xml, pdftotext), never compared as bytes."""

from __future__ import annotations

import json
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document as DocxDocument
from sqlalchemy import func, select

from docgen.archive.papers import make_paper
from docgen.archive.tables import DocNumberCounter
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.model import Document
from docgen.papers import PAPER_TYPES, check_template
from docgen.papers.fill import PAPERS_DIR
from tests.conftest import Cli

CASE = "XF2024-0001"
VALUES: dict[str, dict[str, str]] = {
    "督办函": {"督办事由": "超过办结时限未办结", "报送时限": "2024年12月31日"},
    "包案会商纪要": {"会议时间": "2024年7月1日", "主持人": "李明", "出席": "区信访局、区人社局",
                     "议定事项": "区人社局核实欠薪数额；街道负责稳控"},
    "查办报告": {"核查结果": "经核查欠薪属实", "处理意见": "责令企业支付", "落实情况": "已全额支付"},
    "处理意见书": {"事实和理由": "经查属实", "处理意见": "予以支持", "法律依据": "《劳动合同法》第三十条",
                   "办理结果": "支持", "复查机关": "某市人民政府"},
    "不予受理告知书": {"不予受理理由": "该事项属于诉讼范围", "法律依据": "《信访工作条例》第三十二条",
                       "有权处理机关": "某区人民法院"},
    "延期告知书": {"延期理由": "情况复杂需进一步核查"},
    "息诉罢访协议书": {"协议条款": "甲方支付救助金一万元；乙方不再就同一事项信访"},
    "回访记录": {"回访日期": "2024年8月1日", "回访方式": "上门", "回访人": "王五",
                 "满意程度": "满意", "回访内容": "信访人表示满意"},
    "稳控方案": {"稳控期间": "2024年9月1日至2024年10月31日"},
    "送达回证": {"送达文书": "处理意见书", "送达方式": "直接送达"},
    "一案一策化解方案": {"问题症结": "企业资金链断裂无力支付工资",
                         "工作步骤": "10月15日前核实欠薪数额（责任人：王五）；10月31日前督促企业支付（责任人：李四）"},
    "息诉罢访保证书": {"处理结果": "企业已全额支付拖欠工资"},
    "听证通知书": {"听证时间": "2024年10月20日上午9时", "听证地点": "区信访局三楼听证室"},
    "听证会纪要": {"听证时间": "2024年10月20日上午9时", "听证地点": "区信访局三楼听证室",
                   "主持人": "赵丽", "听证员": "人大代表孙明、律师周强", "出席": "信访人、区人社局",
                   "信访人陈述": "信访人称企业尚欠三个月工资", "听证员意见": "欠薪事实清楚",
                   "听证意见": "欠薪事实清楚；应督促企业限期支付"},
    "复查意见书": {"复查机关": "某区人民政府", "复查申请日期": "2024年10月1日",
                   "复查认定的事实": "原处理意见认定事实清楚", "复查意见": "维持原处理意见",
                   "法律依据": "《信访工作条例》第三十五条", "复查结论": "维持", "复核机关": "某市人民政府"},
    "复核意见书": {"复核机关": "某市人民政府", "复核申请日期": "2024年10月2日",
                   "复核认定的事实": "复查意见认定事实清楚", "复核意见": "维持复查意见",
                   "法律依据": "《信访工作条例》第三十六条", "复核结论": "维持"},
    "转送函": {"有权处理机关": "某区住房和城乡建设局"},
    "信访事项终结告知书": {"复核机关": "某市人民政府", "复核意见日期": "2024年10月5日"},
    "通报": {"通报事由": "该单位未按期报送办理情况", "报送时限": "2024年10月31日"},
}  # fmt: skip
KEY_TEXT = {
    "督办函": "超过办结时限未办结", "包案会商纪要": "议定", "查办报告": "经核查欠薪属实",
    "处理意见书": "30日内", "不予受理告知书": "某区人民法院", "延期告知书": "情况复杂需进一步核查",
    "息诉罢访协议书": "第二条乙方不再就同一事项信访", "回访记录": "信访人表示满意", "稳控方案": "2024年9月1日",
    "送达回证": "直接送达", "受理告知书": "60日", "交办函": "办结", "领导包案通知": "包案",
    "一案一策化解方案": "包思想转化", "包案责任书": "包息诉罢访", "息诉罢访保证书": "保证人（签字、按手印）",
    "听证通知书": "区信访局三楼听证室", "听证会纪要": "应督促企业限期支付", "复查意见书": "某市人民政府书面提出复核请求",
    "复核意见书": "不再受理", "转送函": "某区住房和城乡建设局", "信访事项终结告知书": "不再交办",
    "通报": "通报批评",
}  # fmt: skip


def pdf_text(path: Path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return "".join(out.stdout.split())


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


def _call(populated: Workspace, *args: str, ok: bool = True):  # type: ignore[no-untyped-def]
    return Cli(populated)(*args, ok=ok)


def _make(populated: Workspace, kind: str, *extra: str) -> dict:  # type: ignore[type-arg]
    sets = [a for k, v in VALUES.get(kind, {}).items() for a in ("--set", f"{k}={v}")]
    result = _call(populated, "paper", "make", kind, "--case", CASE, *sets, *extra, "--json")
    return json.loads(result.output)


@pytest.mark.sqlite_only  # one render per type; paper catalog writes run on PostgreSQL below
@pytest.mark.parametrize("kind", list(PAPER_TYPES))
def test_every_type_renders(populated: Workspace, kind: str) -> None:
    if "assign_doc_no" in PAPER_TYPES[kind].case_fields:
        _make(populated, "交办函", "--date", "2024-09-28")
    data = _make(populated, kind, "--date", "2024-10-08")
    pdf, docx = populated.root / data["pdf"], populated.root / data["docx"]
    text = pdf_text(pdf)
    assert CASE in text
    assert KEY_TEXT[kind] in text
    assert "{{" not in document_xml(docx)
    with populated.session() as s:
        doc = s.scalar(select(Document).where(Document.kind == kind))
        assert doc.path == data["pdf"] and doc.meta["docx"] == data["docx"]
        assert doc.section == int(PAPER_TYPES[kind].section)


def test_doc_numbers_sequential(populated: Workspace) -> None:
    first = _make(populated, "交办函")
    refused = _call(populated, "paper", "make", "交办函", "--case", CASE, ok=False)
    assert refused.exit_code == 1 and first["文号"] in refused.output and "--new" in refused.output
    second = _make(populated, "交办函", "--new")
    year = first["文号"].split("〔")[1][:4]
    assert first["文号"] == f"某信交〔{year}〕1号"
    assert second["文号"] == f"某信交〔{year}〕2号"
    assert Path(first["pdf"]).name == f"交办函-某信交〔{year}〕1号.pdf"
    assert first["文号"] in pdf_text(populated.root / first["pdf"])


def test_hostile_values_printed_not_evaluated(populated: Workspace) -> None:
    data = _make(
        populated, "稳控方案", "--set", "稳控期间={{ 7*7 }} {% if 1 %}x{% endif %} <b>&amp;"
    )
    text = pdf_text(populated.root / data["pdf"])
    assert "{{7*7}}" in text and "{%if1%}" in text and "<b>&amp;" in text
    assert "49" not in text.replace("2024", "")
    assert "&lt;b&gt;&amp;amp;" in document_xml(populated.root / data["docx"])


def test_control_characters_refused(populated: Workspace) -> None:
    result = _call(populated, "paper", "make", "稳控方案", "--case", CASE,
                   "--set", "稳控期间=a\x07b", ok=False)  # fmt: skip
    assert result.exit_code == 1 and "控制字符" in result.output


def test_missing_required_fields_listed(populated: Workspace) -> None:
    result = _call(populated, "paper", "make", "处理意见书", "--case", CASE, ok=False)
    assert "缺少必填字段" in result.output and "事实和理由" in result.output
    assert "复查机关" in result.output


def test_failed_render_leaves_nothing(
    populated: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    from docgen.typeset.render import Typesetter

    def boom(self, *a, **k):  # type: ignore[no-untyped-def]
        raise RuntimeError("排版失败")

    monkeypatch.setattr(Typesetter, "typeset_docx", boom)
    with pytest.raises(RuntimeError):
        make_paper(populated, "交办函", CASE)
    with populated.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        assert s.scalar(select(func.count()).select_from(DocNumberCounter)) == 0
    assert not list(populated.archive_dir.rglob("*.pdf"))
    assert not list(populated.archive_dir.rglob("*.docx"))
    assert not list(populated.archive_dir.glob(".paper-*"))
    monkeypatch.undo()
    assert make_paper(populated, "交办函", CASE).doc_no.endswith("〕1号")


def test_workspace_template_override(populated: Workspace) -> None:
    document = DocxDocument(str(PAPERS_DIR / "assign.docx"))
    document.add_paragraph("本函为工作区自定义模板{{ case_no }}", style="Body")
    document.save(str(populated.templates_dir / "assign.docx"))
    data = _make(populated, "交办函")
    assert f"本函为工作区自定义模板{CASE}" in pdf_text(populated.root / data["pdf"])


def test_bundled_templates_pass_check() -> None:
    for path in PAPERS_DIR.glob("*.docx"):
        assert check_template(path) == [], path.name


def test_check_flags_split_tag_unknown_field_and_style(
    tmp_path: Path, populated: Workspace
) -> None:
    document = DocxDocument(str(PAPERS_DIR / "assign.docx"))
    paragraph = document.add_paragraph(style="Body")
    paragraph.add_run("{{ case")
    paragraph.add_run("_no }}")
    document.add_paragraph("{{ no_such_field }}", style="Body")
    document.add_paragraph("x", style="Title")
    bad = tmp_path / "assign.docx"
    document.save(str(bad))
    kinds = {p.kind for p in check_template(bad)}
    assert {"split_tag", "unknown_field", "unknown_style"} <= kinds
    result = _call(populated, "paper", "check", str(bad), ok=False)
    assert result.exit_code == 1 and "no_such_field" in result.output and "拆分" in result.output


def test_types_lists_fields(populated: Workspace) -> None:
    data = json.loads(_call(populated, "paper", "types", "--json").output)
    by_name = {d["类型"]: d for d in data}
    assert "核查结果" in by_name["查办报告"]["必填字段"]
    assert "包案领导" in by_name["领导包案通知"]["案件字段"]


def test_pdf_command_typesets_edited_docx(populated: Workspace, tmp_path: Path) -> None:
    data = _make(populated, "交办函")
    edited = tmp_path / "edited.docx"
    document = DocxDocument(str(populated.root / data["docx"]))
    document.add_paragraph("办公室手工补充的一段话。", style="Body")
    document.save(str(edited))
    _call(populated, "paper", "pdf", str(edited), "--out", str(tmp_path / "edited.pdf"))
    assert "办公室手工补充的一段话" in pdf_text(tmp_path / "edited.pdf")


def test_batch_reports_failures_and_goes_on(populated: Workspace) -> None:
    with populated.session() as s:
        from docgen.archive.cases import CaseFilter, list_cases

        views = list_cases(s, populated.calendar, CaseFilter(category="劳动保障"))
        views[0].case.demand = "坏值\x01"
        bad = views[0].case.case_no
        expected = len(views)
    result = _call(populated, "paper", "make", "交办函", "--all", "--category", "劳动保障",
                   "--json", "--yes", ok=False)  # fmt: skip
    data = json.loads(result.output[result.output.index("{") :])
    assert result.exit_code == 1
    assert [f["案件编号"] for f in data["失败"]] == [bad]
    assert "控制字符" in data["失败"][0]["原因"]
    numbers = sorted(int(m["文号"].split("〕")[1][:-1]) for m in data["成功"])
    assert numbers == list(range(1, expected))
    for made in data["成功"]:
        assert (populated.root / made["pdf"]).is_file()


def test_validation_of_choices(populated: Workspace) -> None:
    with pytest.raises(ValidationError, match="只能是"):
        make_paper(populated, "送达回证", CASE, {"送达文书": "x", "送达方式": "飞鸽传书"})
