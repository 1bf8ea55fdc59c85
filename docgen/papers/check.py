"""A paper template .docx → a list of problems: split Jinja tags, unknown fields, unknown styles,
direct formatting that takes text off the 22 × 28 grid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx import Document
from docx.oxml.ns import qn
from jinja2 import meta

from docgen.docx_xml import p_element, r_element
from docgen.errors import ValidationError
from docgen.papers.registry import PAPER_TYPES, PaperType, all_field_keys
from docgen.safezip import check_word_zip
from docgen.typeset.docx_base import CHAR_STYLES, paragraph_styles
from docgen.typeset.variants import VARIANTS

_DOCX_TAG = re.compile(r"\{%\s*(p|tr|tc|r)\s")


@dataclass(frozen=True)
class Problem:
    kind: str  # split_tag / unknown_field / unknown_style / off_grid / syntax
    message: str  # Chinese


def known_styles() -> set[str]:
    names = {
        "Normal",
        "Header",
        "Footer",
        "FormTable",
        "ImprintTable",
        "Normal Table",
        *CHAR_STYLES,
    }
    for variant in VARIANTS.values():
        names |= {s.name for s in paragraph_styles(variant)}
    return names


def _paragraphs(document):  # type: ignore[no-untyped-def]
    yield from document.paragraphs
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                yield from cell.paragraphs
    for section in document.sections:
        for part in (section.header, section.first_page_header, section.footer):
            yield from part.paragraphs


#: Font sizes (half-points) of GB/T 9704: 3号 16 pt (body), 2号 22 pt (title), 4号 14 pt (版记,
#: 页码), 小四 12 pt and 五号 10.5 pt (tables); 1 pt is the invisible anchor of the 版记.
GRID_SIZES = {32, 44, 28, 24, 21, 2}


def off_grid(paragraph) -> str | None:  # type: ignore[no-untyped-def]
    """Why a paragraph's direct formatting leaves the grid (its style's line pitch and sizes)."""
    if not paragraph.text.strip():
        return None
    spacing = p_element(paragraph).find(f"{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None and spacing.get(qn("w:line")) is not None:
        return "段落直接设置了行距"
    for run in paragraph.runs:
        size = r_element(run).find(f"{qn('w:rPr')}/{qn('w:sz')}")
        if (
            run.text.strip()
            and size is not None
            and int(size.get(qn("w:val"), 0)) not in GRID_SIZES
        ):
            return f"文字直接设置了字号 {int(size.get(qn('w:val'))) / 2:g} 磅"
    return None


def check_template(path: Path, paper: PaperType | None = None) -> list[Problem]:
    """Problems of the template at ``path`` (against ``paper``'s declared fields, else the
    bundled type using that file name); an empty list means it is fine."""
    check_word_zip(path, "模板")
    try:
        document = Document(str(path))
    except Exception as exc:
        raise ValidationError(f"无法读取模板 {path.name}：{exc}") from None
    if paper is None:
        paper = next((p for p in PAPER_TYPES.values() if p.template == path.name), None)
    fields = all_field_keys(paper)
    styles = known_styles()
    problems: list[Problem] = []
    texts: list[str] = []
    seen_styles: set[str] = set()
    for paragraph in _paragraphs(document):
        style = paragraph.style.name if paragraph.style is not None else "Normal"
        if style not in styles and style not in seen_styles:
            seen_styles.add(style)
            problems.append(Problem("unknown_style", f"未知段落样式“{style}”（不在底稿样式中）"))
        if why := off_grid(paragraph):
            problems.append(Problem(
                "off_grid", f"“{paragraph.text[:20]}”{why}，偏离版心网格：请改用模板中的段落样式"
            ))  # fmt: skip
        for run in paragraph.runs:
            t = run.text
            if t.count("{{") != t.count("}}") or t.count("{%") != t.count("%}"):
                problems.append(Problem(
                    "split_tag", f"标签被拆分到多个文字段（run）中：“{paragraph.text[:40]}”，请删除后整体重新输入"
                ))  # fmt: skip
                break
        texts.append(paragraph.text)
    source = _DOCX_TAG.sub("{% ", "\n".join(texts))
    try:
        names = meta.find_undeclared_variables(jinja2.Environment().parse(source))
    except jinja2.TemplateSyntaxError as exc:
        problems.append(Problem("syntax", f"标签语法错误（第 {exc.lineno} 行）：{exc.message}"))
        names = set()
    scope = f"“{paper.name}”" if paper else "任何文书类型"
    for name in sorted(names - fields):
        problems.append(Problem("unknown_field", f"未知字段“{name}”（{scope}未声明此字段）"))
    return problems
