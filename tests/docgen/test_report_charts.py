"""A 月报 chart fits the GB/T 9704 text block: drawn at its printed width, in the PDF (the SVG's
own size) and in the .docx (the picture's width) alike."""

from __future__ import annotations

import re

from docgen.reports.charts import bar_chart_svg
from docgen.reports.stats import Tally
from docgen.typeset.variants import TEXT_WIDTH_MM

PT_MM = 25.4 / 72


def test_chart_is_drawn_inside_the_text_block() -> None:
    tallies = [Tally(f"类别{k}", 10 - k, k) for k in range(9)]  # rotated labels
    svg = bar_chart_svg("按问题类别", tallies, "c")
    width = float(re.search(r'<svg [^>]*width="([\d.]+)pt"', svg).group(1)) * PT_MM
    assert 140 <= width <= TEXT_WIDTH_MM
