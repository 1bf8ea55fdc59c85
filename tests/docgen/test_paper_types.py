"""Paper types as data (issue 22): declarations beside templates, no type name in code, the
issuing organ and its 代字 (issue 14), an office's own type from scaffold to paper, and the 六有
rules for the new types. Outputs are read back (pdftotext, the .toml, the catalog)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from docx import Document as DocxDocument

from docgen.archive.dossier import Rule
from docgen.archive.dossier.build import check_workspace_case
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.papers.fill import PAPERS_DIR
from docgen.papers.registry import PAPER_TYPES, read_declaration
from tests.archive.dossier_helpers import file_doc
from tests.cases import file_complete_case
from tests.docgen.test_papers import CASE, VALUES, _call, _make, pdf_text

ROOT = Path(__file__).resolve().parents[2]
NEW_TYPES = ("一案一策化解方案", "包案责任书", "息诉罢访保证书", "听证通知书", "听证会纪要", "复查意见书",
             "复核意见书", "转送函", "信访事项终结告知书", "通报")  # fmt: skip
#: Modules that act on papers; the registry (declarations) and the 六有 rules may name types.
NAME_FREE = ("docgen/papers/context.py", "archive/papers.py", "docgen/papers/fill.py",
             "docgen/papers/check.py", "docgen/papers/declare.py", "archive/register.py",
             "archive/timeline.py")  # fmt: skip


def test_every_template_has_a_declaration_and_the_new_types_are_there() -> None:
    declared = {p.template for p in PAPER_TYPES.values()}
    assert {p.name for p in PAPERS_DIR.glob("*.docx")} == declared
    assert set(NEW_TYPES) <= set(PAPER_TYPES)
    assert (
        PAPER_TYPES["转送函"] is PAPER_TYPES.get("转送函")
        and "转办函" in PAPER_TYPES["转送函"].aliases
    )
    for paper in PAPER_TYPES.values():
        assert Path(paper.source).parent == PAPERS_DIR and Path(paper.source).suffix == ".toml"


def test_no_type_name_in_code() -> None:
    names = {n for p in PAPER_TYPES.values() for n in (p.name, *p.aliases)}
    for module in NAME_FREE:
        text = (ROOT / module).read_text("utf-8")
        literals = set(re.findall(r'"([^"\n]*)"', text))
        assert not names & literals, (module, names & literals)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "甲"\nsection = 9\ntitle = "t"\n', "section"),
        ('name = "甲"\nsection = 2\ntitle = "t"\ncolour = "红"\n', "colour"),
        (
            'name = "甲"\nsection = 2\ntitle = "t"\n[[fields]]\nlabel = "字段"\nkind = "图片"\n',
            "kind",
        ),
        (
            'name = "甲"\nsection = 2\ntitle = "t"\n[[fields]]\nlabel = "字段"\nkind = "choice"\n',
            "choices",
        ),
        ('name = "甲"\nsection = 2\ntitle = "t"\ncase_fields = ["无此字段"]\n', "无此字段"),
        ('name = "甲"\nsection = 2\ntitle = "t"\nissuer = "邻居"\n', "issuer"),
        ('name = "甲\nsection = 2\n', "格式有误"),
    ],
)
def test_a_broken_declaration_is_refused_in_chinese(
    tmp_path: Path, text: str, message: str
) -> None:
    path = tmp_path / "甲.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError, match=message) as info:
        read_declaration(path)
    assert "甲.toml" in info.value.message


def test_chinese_labels_and_kinds_are_read(tmp_path: Path) -> None:
    path = tmp_path / "乙.toml"
    path.write_text('name = "乙"\nsection = 5\nvariant = "信函"\ntitle = "{信访人}的乙"\n'
                    'case_fields = ["信访人", "办结时限"]\n[[fields]]\nlabel = "送达日期"\nkind = "日期"\n',
                    encoding="utf-8")  # fmt: skip
    paper = read_declaration(path)
    assert paper.variant == "letter" and paper.template == "乙.docx"
    assert paper.case_fields == ("petitioners", "due_on")
    field = paper.fields[0]
    assert (field.key, field.kind, field.max_chars, field.required) == (
        "送达日期",
        "date",
        64,
        True,
    )


def test_report_issued_by_the_unit_under_its_own_code(populated: Workspace) -> None:
    _make(populated, "交办函")
    report = _make(populated, "查办报告", "--set", "签发人=刘洋")
    unit = report["文号"].split("报〔")[0]
    assert not report["文号"].startswith(populated.settings.code)  # not the 信访局's prefix
    text = pdf_text(populated.root / report["pdf"])
    assert "签发人" in text and "刘洋" in text and unit in text
    populated.settings.unit_codes = {unit: "某规资"}
    populated.settings.save(populated.root)
    ws = Workspace.open(populated.root)
    try:
        second = _make(ws, "查办报告", "--new")
        assert second["文号"].startswith("某规资报〔") and second["文号"].endswith("〕1号")
        third = _make(ws, "查办报告", "--new", "--set", "发文代字=临时")
        assert third["文号"].startswith("临时报〔")
    finally:
        ws.close()


def test_report_issued_by_the_leaders_organ(populated: Workspace) -> None:
    _make(populated, "交办函")
    refused = _call(populated, "paper", "make", "查办报告", "--case", CASE,
                    *_sets("查办报告"), "--set", "出具机关=包案领导所在机关", ok=False)  # fmt: skip
    assert refused.exit_code == 1 and "包案领导所在机关" in refused.output
    data = _make(populated, "查办报告", "--set", "出具机关=包案领导所在机关",
                 "--set", "包案领导所在机关=某区人民政府办公室", "--set", "发文代字=某政办")  # fmt: skip
    assert data["文号"].startswith("某政办报〔")
    assert "某区人民政府办公室" in pdf_text(populated.root / data["pdf"])


def _sets(kind: str) -> list[str]:
    return [a for k, v in VALUES[kind].items() for a in ("--set", f"{k}={v}")]


def test_review_opinion_issued_by_the_review_organ_not_copying_itself(populated: Workspace) -> None:
    opinion = _make(populated, "处理意见书")
    review = _make(populated, "复查意见书")
    assert review["文号"].startswith("某区人民政府复查〔")
    text = pdf_text(populated.root / review["pdf"])
    assert opinion["文号"] in text  # the opinion it answers, from the catalog
    cc = text.split("抄送：", 1)[1]
    assert "某区人民政府" not in cc and populated.settings.org in cc
    assert "决定维持原处理意见" in text and "某市人民政府书面提出复核请求" in text


def test_an_offices_own_type_from_scaffold_to_paper(populated: Workspace) -> None:
    out = json.loads(_call(populated, "paper", "new-type", "欠薪催告函", "--from", "交办函",
                           "--json").output)  # fmt: skip
    declaration, template = populated.root / out["声明"], populated.root / out["模板"]
    text = declaration.read_text("utf-8")
    assert 'name = "欠薪催告函"' in text and "assignment" not in text and "event" not in text
    declaration.write_text(text + '\n[[fields]]\nlabel = "催告事项"\nkind = "long"\n', "utf-8")
    document = DocxDocument(str(template))
    document.add_paragraph("请{{ 责任单位 }}督促企业向{{ 信访人 }}支付欠薪：{{ 催告事项 }}，"
                           "于{{ 办结时限 }}前办结。", style="Body")  # fmt: skip
    document.save(str(template))
    assert "检查通过" in _call(populated, "paper", "check", "欠薪催告函").output
    again = _call(populated, "paper", "new-type", "欠薪催告函", "--from", "交办函", ok=False)
    assert again.exit_code == 1 and "已存在" in again.output

    types = json.loads(_call(populated, "paper", "types", "--json").output)
    mine = next(t for t in types if t["类型"] == "欠薪催告函")
    assert mine["声明文件"] == "欠薪催告函.toml"
    assert {"名称": "催告事项", "类型": "long"}.items() <= mine["字段"][-1].items()

    made = _make(populated, "欠薪催告函", "--set", "催告事项=三个月工资共计一万二千元")
    printed = pdf_text(populated.root / made["pdf"])
    assert "督促企业向" in printed and "三个月工资共计一万二千元" in printed
    assert made["文号"].startswith(populated.settings.code)

    broken = DocxDocument(str(template))
    paragraph = broken.add_paragraph(style="Body")
    paragraph.add_run("{{ 信访")
    paragraph.add_run("人 }}")
    broken.add_paragraph("{{ 未声明 }}", style="Body")
    loud = broken.add_paragraph("大字", style="Body")
    loud.runs[0].font.size = 20 * 12700
    broken.save(str(template))
    result = _call(populated, "paper", "check", "欠薪催告函", ok=False)
    assert result.exit_code == 1
    assert "拆分" in result.output and "未声明" in result.output and "偏离版心网格" in result.output


def test_only_a_signed_pledge_counts_for_a_closed_case(populated: Workspace) -> None:
    file_complete_case(populated, CASE)
    with populated.session() as session:
        from docgen.archive.cases import get_case

        for doc in get_case(session, CASE).documents:
            if doc.kind == "息诉罢访保证书":
                doc.meta = {"docx": "printed.docx"}  # as `paper make` records a print
    rules = {i.rule for i in check_workspace_case(populated, CASE).items}
    assert Rule.CLOSED_NO_GUARANTEE in rules
    file_doc(populated, CASE, 5, "息诉罢访保证书", {})  # the signed scan, attached
    rules = {i.rule for i in check_workspace_case(populated, CASE).items}
    assert Rule.CLOSED_NO_GUARANTEE not in rules
