"""Typesetting: a filled paper .docx → the official GB/T 9704 PDF.

The pipeline, one module per stage: ``docx_to_html`` (filled .docx → HTML, named styles become
classes), ``stylesheet`` (fonts + variant → CSS), ``html_to_pdf`` (HTML + CSS → PDF with
WeasyPrint, through a fetcher that serves only the project's folders). ``render.typeset_docx``
reads as the whole program.
"""

from docgen.typeset.html_to_pdf import import_weasyprint

import_weasyprint()  # before any module imports WeasyPrint: it finds the system libraries faster

from docgen.typeset.render import TypesetResult, Typesetter, typeset_docx  # noqa: E402
from docgen.typeset.variants import VARIANTS, FormatVariant, get_variant  # noqa: E402

__all__ = [
    "VARIANTS",
    "FormatVariant",
    "TypesetResult",
    "Typesetter",
    "get_variant",
    "typeset_docx",
]
