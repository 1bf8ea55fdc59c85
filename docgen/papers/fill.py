"""Template + context → filled .docx (docxtpl, autoescaped) → PDF (the warm typesetter).

Values are always escaped: ``& < > {{ }} {% %}`` in data are printed, never evaluated. A template
of the same file name in the workspace's ``templates/`` folder wins over the bundled one.
"""

from __future__ import annotations

import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from lxml.etree import XMLSyntaxError

from docgen.errors import NotFoundError, ValidationError
from docgen.papers.title_breaks import balance_titles
from docgen.papers.wording import collapse_marks, entered_context
from docgen.safezip import check_word_zip
from docgen.templates import TEMPLATES_DIR

PAPERS_DIR = TEMPLATES_DIR / "papers"


def resolve_template(name: str, override_dir: Path | None = None) -> Path:
    """The workspace override ``override_dir/name`` if present, else the bundled template."""
    for folder in (override_dir, PAPERS_DIR):
        if folder is not None and (folder / name).is_file():
            return folder / name
    raise NotFoundError(f"找不到文书模板 {name}（应在 {PAPERS_DIR} 或工作区 templates/ 中）")


class _CachingEnvironment(jinja2.Environment):
    """docxtpl compiles every XML part of every paper; the same template source compiles once."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=jinja2.StrictUndefined)
        self._compiled: dict[str, jinja2.Template] = {}

    def from_string(self, source, globals=None, template_class=None):  # type: ignore[no-untyped-def, override]
        if globals or template_class or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            if len(self._compiled) > 256:
                self._compiled.clear()
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


_ENV: _CachingEnvironment | None = None


def _environment() -> jinja2.Environment:
    global _ENV
    if _ENV is None:
        _ENV = _CachingEnvironment()
    return _ENV


def fill_docx(template: Path, context: Mapping[str, Any], out: Path) -> Path:
    """Render ``template`` with ``context`` into ``out`` (a .docx).

    Values enter as clauses and doubled marks collapse afterwards (``docgen.papers.wording``).
    """
    check_word_zip(template, "模板")
    try:
        doc = DocxTemplate(str(template))
        doc.init_docx()
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, XMLSyntaxError) as exc:
        raise ValidationError(
            f"无法读取模板 {template.name}：文件已损坏或不是 .docx（{exc}）"
        ) from None
    try:
        doc.render(entered_context(context), _environment(), autoescape=True)
    except jinja2.UndefinedError as exc:
        raise ValidationError(f"模板 {template.name} 使用了未声明的字段：{exc.message}") from None
    except jinja2.TemplateSyntaxError as exc:
        raise ValidationError(
            f"模板 {template.name} 的标签有误（第 {exc.lineno} 行）：{exc.message}"
            "，可用 docgen paper check 检查"
        ) from None
    _collapse_document_marks(doc.docx)
    balance_titles(doc.docx, _filled_values(context))
    doc.save(str(out))
    return out


def _collapse_document_marks(document) -> None:  # type: ignore[no-untyped-def]
    """Collapse marks that meet in the filled text, run by run (a tag and its text share a run)."""
    for element in document.element.body.iter(qn("w:t")):
        if element.text:
            element.text = collapse_marks(element.text)


def _filled_values(context: Mapping[str, Any]) -> list[str]:
    """Short text values (names, units; each name of a 、-list) a title break must not split."""
    values = set()
    for value in context.values():
        if isinstance(value, str):
            values.update(part for part in (value, *value.split("、")) if 1 < len(part) <= 12)
    return sorted(values, key=len, reverse=True)


def render_paper(
    template: Path,
    context: Mapping[str, Any],
    docx_out: Path,
    pdf_out: Path,
    *,
    variant: str,
    typesetter: Any = None,
) -> int:
    """Fill the .docx and typeset the PDF; returns the PDF's page count. A 版记 the typesetter
    put alone on the last page is put there in the .docx too (``docgen.papers.imprint_page``),
    and the .docx names the office fonts the PDF is set in (``docgen.papers.docx_fonts``)."""
    from docgen.papers.docx_fonts import font_names, name_fonts
    from docgen.papers.imprint_page import put_imprint_on_its_own_page
    from docgen.typeset.render import default_typesetter

    typesetter = typesetter or default_typesetter()
    fill_docx(template, context, docx_out)
    result = typesetter.typeset_docx(docx_out, pdf_out, variant=variant)
    if result.imprint_alone:
        put_imprint_on_its_own_page(docx_out)
    name_fonts(docx_out, font_names(typesetter.fonts))  # the faces our PDF is set in
    return result.pages
