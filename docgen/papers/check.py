"""A paper template .docx → a list of problems: split Jinja tags, unknown fields, unknown styles."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from docx import Document
from jinja2 import meta

from docgen.errors import ValidationError
from docgen.papers.registry import PAPER_TYPES, all_field_keys
from docgen.safezip import check_word_zip
from docgen.typeset.docx_base import CHAR_STYLES, paragraph_styles
from docgen.typeset.variants import VARIANTS

_DOCX_TAG = re.compile(r"\{%\s*(p|tr|tc|r)\s")


@dataclass(frozen=True)
class Problem:
    kind: str  # split_tag / unknown_field / unknown_style / syntax
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


def check_template(path: Path) -> list[Problem]:
    """Problems of the template at ``path``; an empty list means it is fine."""
    check_word_zip(path, "模板")
    try:
        document = Document(str(path))
    except Exception as exc:
        raise ValidationError(f"无法读取模板 {path.name}：{exc}") from None
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
