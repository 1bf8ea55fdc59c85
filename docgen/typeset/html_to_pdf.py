"""A rendered WeasyPrint document → PDF file: atomic (temp file + rename, nothing left on failure).

Needs Pango; a missing system library becomes a DependencyError with a Chinese message.
"""

from __future__ import annotations

import contextlib
import ctypes.util
import sys
from collections.abc import Iterator
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


@contextlib.contextmanager
def _sonames_only() -> Iterator[None]:
    """While WeasyPrint loads its system libraries, ``ctypes.util.find_library`` finds nothing.

    WeasyPrint tries several names per library (``libgobject-2.0-0``, ``gobject-2.0``, …,
    ``libgobject-2.0.so.0``); cffi hands every name that does not load as given to
    ``find_library``, which runs ``ldconfig -p``, ``gcc`` and ``ld`` in subprocesses: 22 lookups,
    a quarter of a second and more at every start. On Linux each list also names the soname
    (``libpango-1.0.so.0``), which loads directly: the same file the lookup would find."""
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        yield
    finally:
        ctypes.util.find_library = real


def import_weasyprint():  # type: ignore[no-untyped-def]
    """The weasyprint module, or DependencyError when Pango/HarfBuzz cannot be loaded."""
    if "weasyprint" not in sys.modules:
        try:
            with _sonames_only():
                import weasyprint
        except OSError:  # a system whose libraries go by other names: look them up the slow way
            for name in [
                m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")
            ]:
                del sys.modules[name]
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
        atomic.write_with(target, document.write_pdf)  # the umask's mode, as every file we write
    except OSError as exc:
        raise RenderError(f"无法写入 PDF 文件 {target}：{exc}") from exc
    return RenderedPdf(len(document.pages), fonts)
