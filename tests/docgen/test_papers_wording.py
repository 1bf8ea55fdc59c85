"""Papers a reviewer accepts: punctuation entered once, 你/你们, issuing organ, 版记 at the foot,
zh-CN fonts and keep-with-next in the .docx. Words read back from the PDF, XML from the .docx."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from docgen.archive.workspace import Workspace
from docgen.papers.wording import clause, collapse_marks, pronoun
from tests.docgen.test_papers import CASE, VALUES, _call, _make, document_xml, pdf_text


def _part(docx: Path, name: str) -> str:
    with zipfile.ZipFile(docx) as z:
        return z.read(name).decode("utf-8")


def test_clause_and_collapse() -> None:
    assert (
        clause("结论。") == "结论" and clause(" 结论；。 ") == "结论" and clause("结论") == "结论"
    )
    assert clause("3.2亩") == "3.2亩" and clause("&amp;") == "&amp;"
    assert collapse_marks("结论。。根据") == "结论。根据"
    assert collapse_marks("事项；。") == "事项。" and collapse_marks("是吗？。") == "是吗？"
    assert pronoun(1) == "你" and pronoun(3) == "你们"


def test_values_with_and_without_stop_print_one(populated: Workspace) -> None:
    values = {"核查结果": "经核查补偿款已足额发放。。", "处理意见": "维持原处理意见",
              "落实情况": "已向信访人当面解释；", "签发人": "刘洋"}  # fmt: skip
    sets = [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
    _make(populated, "交办函")  # the 查办报告 quotes the 交办函's 文号 (refused without one)
    data = _make(populated, "查办报告", *sets)
    text = pdf_text(populated.root / data["pdf"])
    assert "经核查补偿款已足额发放。" in text and "维持原处理意见。" in text
    assert "已向信访人当面解释。" in text
    assert not re.search(r"[。；，][。；，]", text)
    # issued by the 责任单位 to the 信访局, with a 签发人
    assert "签发人：刘洋" in text and "信访工作领导小组" not in text
    with populated.session() as s:
        from docgen.archive.cases import get_case

        unit = get_case(s, CASE).unit
    assert text.index(unit) < text.index("关于")
    assert "某市某区信访局：" in text


def test_receipt_sentence_not_doubled(populated: Workspace) -> None:
    data = _make(populated, "不予受理告知书")
    text = pdf_text(populated.root / data["pdf"])
    name = text.split("信访事项不予受理告知书", 1)[1].split("：", 1)[0]
    assert f"{name}：{name}：" not in text
    assert "请求要求" not in text and "你（们）" not in text
    assert "你于" in text and "请你向" in text
    assert not re.search(r"[。；，][。；，]", text)


def test_opinion_per_demand_and_partial_support(populated: Workspace) -> None:
    values = dict(VALUES["处理意见书"], 处理意见="补发安置补助费的请求予以支持；提高补偿标准的请求不予支持",
                  办理结果="部分支持")  # fmt: skip
    sets = [a for k, v in values.items() for a in ("--set", f"{k}={v}")]
    result = _call(populated, "paper", "make", "处理意见书", "--case", CASE, *sets, "--json")
    import json

    data = json.loads(result.output)
    text = pdf_text(populated.root / data["pdf"])
    assert "（一）补发安置补助费的请求予以支持。" in text
    assert "（二）提高补偿标准的请求不予支持。" in text
    assert "部分予以支持" in text
    # 抄送 names the 复查机关 and the 信访局, never the issuing organ itself
    cc = text.split("抄送：", 1)[1].split("。", 1)[0]
    assert "某市人民政府" in cc and "某市某区信访局" in cc
    issuer = text.split("信访事项处理意见书", 1)[0]
    assert not any(organ and organ in issuer for organ in cc.split("，"))
    wrong = dict(values, 办理结果="支持")
    sets = [a for k, v in wrong.items() for a in ("--set", f"{k}={v}")]
    refused = _call(populated, "paper", "make", "处理意见书", "--case", CASE, *sets, ok=False)
    assert refused.exit_code == 1 and "部分支持" in refused.output


def test_docx_declares_chinese_and_keeps_signature(populated: Workspace) -> None:
    data = _make(populated, "处理意见书")
    docx = populated.root / data["docx"]
    styles, settings = _part(docx, "word/styles.xml"), _part(docx, "word/settings.xml")
    theme, fonts = _part(docx, "word/theme/theme1.xml"), _part(docx, "word/fontTable.xml")
    assert 'w:eastAsia="zh-CN"' in styles and 'w:eastAsia="zh-CN"' in settings
    for part in (styles, settings, theme, fonts):
        assert "ja-JP" not in part and "Jpan" not in part and "明朝" not in part
    assert '<a:font script="Hans" typeface="仿宋_GB2312"/>' in theme
    for name, alt in (("仿宋_GB2312", "仿宋"), ("黑体", "SimHei"), ("楷体_GB2312", "楷体"),
                      ("方正小标宋简体", "FZXiaoBiaoSong-B05S")):  # fmt: skip
        assert re.search(f'<w:font w:name="{name}"><w:altName w:val="{alt}"/>', fonts)
    assert '<w:autoSpaceDN w:val="0"/>' in styles and "<w:overflowPunct" in styles
    body = _part(docx, "word/document.xml")
    # the closing paragraph keeps with the signature (no page of signature only)
    closing = body.split("特此答复", 1)[0].rsplit("<w:p>", 1)[1]
    assert "<w:keepNext/>" in closing
    # the 版记 is a table anchored at the foot of the page, not a paragraph under the date
    assert "<w:tblpPr" in body and 'w:vertAnchor="margin"' in body
    assert body.index("抄送：") > body.index("<w:tblpPr")


def _line_tops_mm(pdf: Path, page: int) -> dict[str, float]:
    out = subprocess.run(["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
                         capture_output=True, text=True, check=True).stdout  # fmt: skip
    tops = {}
    for y, word in re.findall(r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]+)</word>', out):
        tops.setdefault(word, float(y) / 72 * 25.4)
    return tops


@pytest.mark.parametrize(("kind", "mark"), [("处理意见书", "抄送"), ("包案会商纪要", "印发")])
def test_imprint_at_foot_of_last_page(populated: Workspace, kind: str, mark: str) -> None:
    data = _make(populated, kind)
    pdf = populated.root / data["pdf"]
    tops = _line_tops_mm(pdf, data["页数"])
    imprint = max(y for w, y in tops.items() if mark in w)
    body_end = max(y for w, y in tops.items() if mark not in w and "—" not in w and y < imprint)
    # the 版记 sits on the foot of the text block (297 - 35 mm), not right under the date
    assert 240 < imprint < 262
    assert imprint - body_end > 15


def test_agreement_has_a_line_per_petitioner_with_id_numbers(populated: Workspace) -> None:
    sets = [
        "--set",
        "协议条款=甲方支付救助金一万元；乙方不再就同一事项信访",
        "--set",
        "见证单位=某街道司法所",
    ]
    result = _call(populated, "paper", "make", "息诉罢访协议书", "--case", "XF2024-0007", *sets,
                   "--json")  # fmt: skip
    import json

    data = json.loads(result.output)
    text = pdf_text(populated.root / data["pdf"])
    with populated.session() as s:
        from docgen.archive.cases import get_case

        people = [(p.name, p.id_number) for p in get_case(s, "XF2024-0007").petitioners]
    assert len(people) == 3
    for n, (name, id_number) in enumerate(people, 1):
        assert f"乙方{n}（信访人）：{name}，身份证号码：{id_number}" in text
        assert f"乙方（签字、按手印）：{name}" in text
    assert text.count("乙方（签字、按手印）：") == 3
    assert "见证单位（盖章）：某街道司法所" in text and "甲方（盖章）：" in text
    assert "第三十三条" in text


def test_service_receipt_takes_the_served_paper_from_the_catalog(populated: Workspace) -> None:
    opinion = _make(populated, "处理意见书")
    sets = ["--set", "送达文书=处理意见书", "--set", "送达方式=留置送达",
            "--set", "见证人=社区主任王芳", "--set", "拒收理由=拒绝签收"]  # fmt: skip
    data = _make(populated, "送达回证", *sets)
    cells = document_xml(populated.root / data["docx"])  # the PDF's text interleaves columns
    assert opinion["文号"] and f"信访事项的处理意见书（{opinion['文号']}）" in cells
    assert "社区主任王芳" in cells and "拒绝签收" in cells
    text = pdf_text(populated.root / data["pdf"])
    assert "社区主任王芳" in text and "拒绝签收" in text


def test_contact_note_only_when_given_and_dates_written_out(populated: Workspace) -> None:
    _make(populated, "交办函")  # a complete case: the 督办函 quotes the 交办函's 文号
    bare = pdf_text(populated.root / _make(populated, "督办函")["pdf"])
    assert "联系人" not in bare and "____" not in bare
    given = _make(
        populated, "督办函", "--set", "联系人=周明", "--set", "报送时限=2024-12-31", "--new"
    )  # a second 督办函 on purpose: one current paper per type otherwise
    text = pdf_text(populated.root / given["pdf"])
    assert "（联系人：周明）" in text
    assert "于2024年12月31日前" in text and "2024-12-31" not in text


def test_fonts_report_says_what_is_substituted(populated: Workspace) -> None:
    from docgen.fonts import ROLES, resolve_fonts

    result = _call(populated, "fonts")
    body = resolve_fonts()["body"]
    if not body.official:
        assert f"未安装{ROLES['body'].official[0]}" in result.output
        assert "并非仿宋" in result.output


def test_dossier_pages_state_only_what_holds() -> None:
    from types import SimpleNamespace

    from docgen.archive.dossier.build import dossier_title
    from docgen.archive.dossier.check import defect_text
    from docgen.archive.export import _CaseEntry, dossier_statement

    assert defect_text(
        "送达回证《x》没有送达时间：请补填送达时间（--meta 送达时间=2024-6-12）"
    ) == ("送达回证《x》没有送达时间")
    assert "--" not in defect_text("案件已办结，但没有回访记录（--kind 回访记录）")
    entry = _CaseEntry("A", "张三", "民生", "区民政局", "诉求", Path("a.pdf"), "0", 3)
    unsealed = dossier_statement([entry])
    assert "均按“六有”要求" in unsealed and "骑缝章" not in unsealed and "未加盖印章" in unsealed
    sealed_incomplete = dossier_statement([entry.__class__(**{**entry.__dict__, "complete": False,
                                                              "sealed": True})])  # fmt: skip
    assert "六有”要求整理立卷" not in sealed_incomplete and "骑缝章" in sealed_incomplete
    people = [SimpleNamespace(name="张三"), SimpleNamespace(name="李四")]
    case = SimpleNamespace(petitioners=people, category="土地征用", case_no="XF2024-0001",
                           demand="要求补发土地征收补偿款及安置补助费，并对未获分配的收益作出说明")  # fmt: skip
    assert dossier_title(case) == "张三等2人反映土地征用问题信访事项（XF2024-0001）"


def test_paper_pdf_keeps_an_indent_set_in_word(populated: Workspace, tmp_path: Path) -> None:
    from docx import Document as DocxDocument
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    data = _make(populated, "交办函")
    edited = tmp_path / "edited.docx"
    document = DocxDocument(str(populated.root / data["docx"]))
    for text, indent in (("顶格的一段话", None), ("缩进两字的一段话", "200")):
        paragraph = document.add_paragraph(text, style="Recipient")
        if indent:  # Word: 段落 → 特殊格式 首行缩进 2 字符
            ind = OxmlElement("w:ind")
            ind.set(qn("w:firstLineChars"), indent)
            ind.set(qn("w:firstLine"), "640")
            paragraph._p.get_or_add_pPr().append(ind)
    document.save(str(edited))
    pdf = tmp_path / "edited.pdf"
    _call(populated, "paper", "pdf", str(edited), "--out", str(pdf))
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    x = {w: float(v) for v, w in re.findall(r'<word xMin="([\d.]+)"[^>]*>([^<]+)</word>', out)}
    flush, indented = x["顶格的一段话"], x["缩进两字的一段话"]
    assert abs((indented - flush) - 2 * 15.75) < 1.5  # two characters, in pt


def test_report_number_line_left_and_signer_right(populated: Workspace) -> None:
    _make(populated, "交办函")  # the 查办报告 quotes the 交办函's 文号 (refused without one)
    data = _make(populated, "查办报告", "--set", "签发人=刘洋")
    out = subprocess.run(["pdftotext", "-bbox", "-f", "1", "-l", "1", str(populated.root / data["pdf"]),
                          "-"], capture_output=True, text=True, check=True).stdout  # fmt: skip
    words = re.findall(
        r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)"[^>]*>([^<]+)</word>', out
    )
    number = next(w for w in words if w[3] == data["文号"])
    signer = next(w for w in words if w[3].startswith("签发人"))
    mm = 25.4 / 72
    assert abs(float(number[1]) - float(signer[1])) < 1  # one line
    assert 28 + 4 < float(number[0]) * mm < 28 + 7  # 1 character from the left edge (28 mm)
    assert 184 - 7 < float(signer[2]) * mm <= 184 - 4  # … and from the right edge
