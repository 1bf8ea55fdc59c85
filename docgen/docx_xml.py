"""The XML elements behind python-docx's paragraph, run and table-row objects.

python-docx (checked against 1.2.0) has no public accessor for them, and docgen needs the XML
wherever python-docx has no setting of its own: a paragraph's style id and spacing as written,
page-number fields, breaks inside titles, a header row that repeats on every page, a picture's
description. Its objects keep the element in ``_p`` / ``_r`` / ``_tr`` (the attributes the
library's own author points users to). This is the one place docgen reads them, so a release
that renames one breaks one line.
"""

from __future__ import annotations

from typing import Any

from docx.table import _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run


def p_element(paragraph: Paragraph) -> Any:
    """The ``w:p`` element of ``paragraph``."""
    return paragraph._p


def r_element(run: Run) -> Any:
    """The ``w:r`` element of ``run``."""
    return run._r


def tr_element(row: _Row) -> Any:
    """The ``w:tr`` element of a table ``row``."""
    return row._tr
