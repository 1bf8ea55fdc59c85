"""The dossier demo builds a complete dossier and reports an incomplete case."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from docgen.archive.dossier import demo_dossier


@pytest.mark.sqlite_only  # rendering-heavy; dossier catalog writes run on PostgreSQL elsewhere
def test_demo_dossier(populated) -> None:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    path = demo_dossier(populated, lines.append)
    text = "\n".join(lines)
    assert "材料齐全" in text and "已组卷" in text and "XF2024-0002" in text and "缺失" in text
    assert len(PdfReader(path).pages) >= 13
