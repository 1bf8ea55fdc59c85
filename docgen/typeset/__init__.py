"""Typesetting: a filled paper .docx → the official GB/T 9704 PDF.

The pipeline, one module per stage: ``docx_to_html`` (filled .docx → HTML, named styles become
classes), ``stylesheet`` (fonts + variant → CSS), ``html_to_pdf`` (HTML + CSS → PDF with
WeasyPrint, through a fetcher that serves only the project's folders). ``render.typeset_docx``
reads as the whole program.
"""

from docgen.typeset.render import TypesetResult, Typesetter, typeset_docx
from docgen.typeset.variants import VARIANTS, FormatVariant, get_variant

__all__ = [
    "VARIANTS",
    "FormatVariant",
    "TypesetResult",
    "Typesetter",
    "get_variant",
    "typeset_docx",
]
