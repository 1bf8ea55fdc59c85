"""Tallies → vector charts: SVG markup for the PDF (and the web page), PNG for the .docx.

matplotlib with the Agg/SVG backends only; labels in the prepared 黑体 face, drawn as paths so the
SVG needs no font. A figure is a bar chart of 积案数 and 已化解 per row of one dimension.
"""

from __future__ import annotations

import html
import io
import re
import threading
from collections.abc import Sequence

from docgen.reports.stats import Tally

_LOCK = threading.Lock()  # pyplot's state is global
#: A chart is drawn at the width it is printed: inside the GB/T 9704 text block (156 mm), the
#: same in the PDF (the SVG's own size) and in the .docx (the picture's width).
CHART_WIDTH_MM = 150


def _font():  # type: ignore[no-untyped-def]
    from matplotlib.font_manager import FontProperties

    from docgen.fonts import ensure_fonts

    return FontProperties(fname=str(ensure_fonts()["heading1"].prepared))


def _figure(tallies: Sequence[Tally]):  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    font = _font()
    names = [t.name for t in tallies] or ["（无）"]
    totals = [t.total for t in tallies] or [0]
    resolved = [t.resolved for t in tallies] or [0]
    fig = Figure(figsize=(CHART_WIDTH_MM / 25.4, 2.2 + 0.05 * len(names)), dpi=100)
    ax = fig.add_subplot()
    xs = range(len(names))
    width = 0.38
    ax.bar([x - width / 2 for x in xs], totals, width, label="积案数", color="#4472C4")
    ax.bar([x + width / 2 for x in xs], resolved, width, label="已化解", color="#ED7D31")
    ax.set_xticks(list(xs))
    ax.set_xticklabels(names, fontproperties=font, fontsize=8, rotation=30 if len(names) > 5 else 0,
                       ha="right" if len(names) > 5 else "center")  # fmt: skip
    # above the plot, never over a bar (inside, "best" covers bars when every spot is high)
    ax.legend(prop=font, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, frameon=False,
              borderaxespad=0.2)  # fmt: skip
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    return fig


def bar_chart_svg(title: str, tallies: Sequence[Tally], key: str = "chart") -> str:
    """An ``<svg>`` element (no XML prolog), scalable to its container's width; ``title`` is its
    caption's text (printed beside it, not inside) and the SVG's accessible name."""
    return bar_chart(title, tallies, key, png_dpi=None)[1]


def bar_chart(title: str, tallies: Sequence[Tally], key: str = "chart",
              png_dpi: int | None = 150) -> tuple[bytes, str]:  # fmt: skip
    """The chart drawn once → (PNG for the .docx, or b"" without ``png_dpi``; SVG for the PDF)."""
    with _LOCK:
        fig = _figure(tallies)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
        png = io.BytesIO()
        if png_dpi:
            fig.savefig(png, format="png", dpi=png_dpi)
    return png.getvalue(), _svg_element(out.getvalue(), title, key)


def _svg_element(text: str, title: str, key: str) -> str:
    start = text.index("<svg")
    # ids unique per chart, so that several charts can share one page
    text = re.sub(r'(id="|href="#|url\(#)', lambda m: m.group(1) + key + "-", text)
    return text[start:].replace("<svg ", f'<svg role="img" aria-label="{html.escape(title)}" ', 1)


def bar_chart_png(title: str, tallies: Sequence[Tally], dpi: int = 150) -> bytes:
    del title  # the caption is a paragraph of the paper
    with _LOCK:
        fig = _figure(tallies)
        out = io.BytesIO()
        fig.savefig(out, format="png", dpi=dpi)
    return out.getvalue()
