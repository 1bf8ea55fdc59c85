"""Dates as a clerk writes them: 2024年6月10日 (no zero padding). One function for papers,
dossier covers, export letters, the CLI and the web pages."""

from __future__ import annotations

import datetime as dt


def cn_date(day: dt.date | None, blank: str = "") -> str:
    """``2024年6月10日``; ``blank`` when the date is unknown."""
    return f"{day.year}年{day.month}月{day.day}日" if day else blank
