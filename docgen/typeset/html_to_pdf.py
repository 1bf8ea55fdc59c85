"""A rendered WeasyPrint document → PDF file: atomic (temp file + rename, nothing left on failure).

Needs Pango; a missing system library becomes a DependencyError with a Chinese message.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from docgen import atomic
from docgen.errors import DependencyError, DocgenError


class RenderError(DocgenError):
    code = "render"


@dataclass(frozen=True)
class RenderedPdf:
    pages: int
    fonts: list[str]


def import_weasyprint():  # type: ignore[no-untyped-def]
    """The weasyprint module, or DependencyError when Pango/HarfBuzz cannot be loaded."""
    try:
        import weasyprint
    except OSError as exc:  # cffi cannot load libpango / libharfbuzz
        raise DependencyError(
            f"无法加载 PDF 排版所需的系统库（Pango）：{exc}。"
            "请安装 libpango-1.0-0 和 libpangoft2-1.0-0（Debian：make setup）。"
        ) from None
    return weasyprint


def write_pdf(document, target: Path) -> RenderedPdf:  # type: ignore[no-untyped-def]
    """Write a rendered WeasyPrint ``document`` into ``target`` atomically."""
    target = Path(target)
    fonts = sorted({font.name for font in document.fonts.values()}) if document.fonts else []
    try:
        atomic.write_with(target, document.write_pdf, mode=0o644)
    except OSError as exc:
        raise RenderError(f"无法写入 PDF 文件 {target}：{exc}") from exc
    return RenderedPdf(len(document.pages), fonts)
