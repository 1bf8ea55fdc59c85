"""Filled .docx → PDF: the whole typesetting program (read → HTML → CSS → WeasyPrint).

``Typesetter`` is the warm renderer: one per process, it keeps one WeasyPrint FontConfiguration
and the parsed stylesheet of each variant, so only the first paper pays for loading fonts.
"""

from __future__ import annotations

import html
import threading
from dataclasses import dataclass, field
from pathlib import Path

from docgen.fonts import ensure_fonts, font_dir
from docgen.rare_glyphs import glyph_css, rare_characters, refuse_missing_glyphs
from docgen.templates import TEMPLATES_DIR
from docgen.typeset.docx_to_html import IMPRINT_ALONE, IMPRINT_OPEN, docx_to_html
from docgen.typeset.fetcher import FolderFetcher
from docgen.typeset.html_to_pdf import import_weasyprint, write_pdf
from docgen.typeset.stylesheet import build_css
from docgen.typeset.variants import FormatVariant


@dataclass(frozen=True)
class TypesetResult:
    pdf: Path
    pages: int
    variant: str
    fonts: list[str] = field(default_factory=list)
    refused_urls: list[str] = field(default_factory=list)
    imprint_alone: bool = False  # the 版记 stands alone on the last (even) page


def html_page(body: str, title: str = "") -> str:
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title></head><body>{body}</body></html>"
    )


class Typesetter:
    """A warm renderer: reuse one instance for many papers in a process."""

    def __init__(self) -> None:
        weasyprint = import_weasyprint()
        from weasyprint.text.fonts import FontConfiguration

        self._weasyprint = weasyprint
        self.fonts = ensure_fonts()
        self.font_config = FontConfiguration()
        self.roots = [TEMPLATES_DIR, font_dir()]
        self._stylesheets: dict[str, object] = {}
        self._glyph_sheets: dict[str, object] = {}
        self._css: dict[str, object] = {}
        self._lock = threading.RLock()  # WeasyPrint and the font configuration are not thread-safe

    def stylesheet(self, variant: FormatVariant):  # type: ignore[no-untyped-def]
        if variant.name not in self._stylesheets:
            self._stylesheets[variant.name] = self._weasyprint.CSS(
                string=build_css(self.fonts, variant),
                font_config=self.font_config,
                url_fetcher=FolderFetcher(self.roots),
                base_url=TEMPLATES_DIR.as_uri() + "/",
            )
        return self._stylesheets[variant.name]

    def css(self, text: str):  # type: ignore[no-untyped-def]
        """Extra CSS (e.g. the dossier's frame pages) parsed once with this typesetter's fonts;
        the font faces are those of :meth:`stylesheet`, so the text only names their families."""
        with self._lock:
            if text not in self._css:
                self._css[text] = self._weasyprint.CSS(
                    string=text, font_config=self.font_config, url_fetcher=FolderFetcher(self.roots)
                )
            return self._css[text]

    def render(self, page_html: str, stylesheets: list, fetcher: FolderFetcher | None = None):  # type: ignore[no-untyped-def,type-arg]
        """A whole HTML page → WeasyPrint document, with the glyphs of any rare characters."""
        fetcher = fetcher or FolderFetcher(self.roots)
        with self._lock:
            extra = self._glyph_stylesheet(page_html)
            return self._weasyprint.HTML(
                string=page_html, base_url=TEMPLATES_DIR.as_uri() + "/", url_fetcher=fetcher
            ).render(stylesheets=[*stylesheets, *extra], font_config=self.font_config)

    def _glyph_stylesheet(self, page_html: str) -> list:  # type: ignore[type-arg]
        """[] or the parsed ``glyph_css`` of the page's rare characters (cached per set)."""
        chars = rare_characters(page_html)
        if not chars:
            return []
        if chars not in self._glyph_sheets:
            refuse_missing_glyphs(self.fonts, chars)
            self._glyph_sheets[chars] = self._weasyprint.CSS(
                string=glyph_css(self.fonts, chars),
                font_config=self.font_config,
                url_fetcher=FolderFetcher(self.roots),
            )
        return [self._glyph_sheets[chars]]

    def typeset_html(self, body: str, variant: FormatVariant, pdf_path: Path, title: str = ""):  # type: ignore[no-untyped-def]
        """HTML body markup (already escaped) → PDF, with the variant's stylesheet."""
        fetcher = FolderFetcher(self.roots)
        with self._lock:
            document, alone = self._layout(body, variant, title, fetcher)
            rendered = write_pdf(document, Path(pdf_path))
        families = rendered.fonts or sorted({font.source.family for font in self.fonts.values()})
        return TypesetResult(
            Path(pdf_path), rendered.pages, variant.name, families, fetcher.refused, alone
        )

    def _layout(self, body: str, variant: FormatVariant, title: str, fetcher: FolderFetcher):  # type: ignore[no-untyped-def]
        """The rendered document and whether its 版记 stands alone on the last page.

        GB/T 9704 7.4.1: the 版记 is at the foot of the last page, and the last page of a paper
        printed on both sides is an even one. When the body ends on an odd page, the 版记 moves
        to the foot of the next page, which holds nothing else (and no page number)."""
        sheets = [self.stylesheet(variant)]
        document = self.render(html_page(body, title), sheets, fetcher)
        if (
            not variant.imprint_on_even_page
            or IMPRINT_OPEN not in body
            or len(document.pages) % 2 == 0
        ):
            return document, False
        alone = body.replace(IMPRINT_OPEN, IMPRINT_ALONE, 1)
        return self.render(html_page(alone, title), sheets, fetcher), True

    def typeset_docx(
        self, docx_path: Path, pdf_path: Path, *, variant: str | None = None
    ) -> TypesetResult:
        paper = docx_to_html(Path(docx_path), variant=variant)
        return self.typeset_html(paper.body, paper.variant, Path(pdf_path), paper.title)


_DEFAULT: Typesetter | None = None


def default_typesetter() -> Typesetter:
    """The process's warm renderer (created on first use)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Typesetter()
    return _DEFAULT


def typeset_docx(docx_path: Path, pdf_path: Path, *, variant: str | None = None) -> TypesetResult:
    """Typeset a filled paper .docx into the official PDF at ``pdf_path`` (written atomically).

    The .docx is read (and a hostile one refused) before the typesetter starts: starting it may
    prepare the fonts, which takes far more memory than refusing a file."""
    paper = docx_to_html(Path(docx_path), variant=variant)
    return default_typesetter().typeset_html(paper.body, paper.variant, Path(pdf_path), paper.title)
