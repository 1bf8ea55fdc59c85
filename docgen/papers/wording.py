"""How values enter a paper's text: one punctuation rule for every template.

A value (the clerk's or the case's) enters a template without its closing punctuation; the
template's sentence supplies the stop it needs (``{{ findings }}。``). So “结论。” typed by one clerk
and “结论” typed by another both print as “结论。”, never “结论。。” or bare. After filling, a run
of punctuation marks that still meet (a workspace template written the old way, “；。”) collapses to
the strongest one. Both rules live here and are applied once, in ``fill.fill_docx``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

#: Marks a value may end with that a template's own punctuation replaces.
_TRAILING = re.compile(r"[\s。．；，、：]+$")
#: Two or more sentence marks in a row (“。。”, “；。”, “，。”, “。；”).
_RUN = re.compile(r"[。；，、！？]{2,}")
_STRENGTH = "？！。；，、"  # the first of these present in a run wins
#: A typed numeric date (2024-12-31, 2024/6/1, 2024.6.1), printed as 2024年12月31日.
_NUMERIC_DATE = re.compile(r"(?<![\dA-Za-z-])(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?![\d-])")


def clause(value: str) -> str:
    """``value`` stripped of surrounding blanks and of its closing punctuation."""
    return _TRAILING.sub("", value.strip()) if value else value


def collapse_marks(text: str) -> str:
    """“结论。。” → “结论。”, “事项；。” → “事项。”: a run of marks keeps its strongest one."""

    def strongest(match: re.Match[str]) -> str:
        run = match.group()
        return next(mark for mark in _STRENGTH if mark in run)

    return _RUN.sub(strongest, text)


def chinese_dates(text: str) -> str:
    """“2024-12-31” → “2024年12月31日” (dates in a paper's text are always written out)."""

    def written(match: re.Match[str]) -> str:
        year, _sep, month, day = match.groups()
        if not (1 <= int(month) <= 12 and 1 <= int(day) <= 31):
            return match.group()
        return f"{year}年{int(month)}月{int(day)}日"

    return _NUMERIC_DATE.sub(written, text)


def entered(value: Any) -> Any:
    """A context value as it enters a template (strings and list items' ``text`` as clauses,
    numeric dates written out)."""
    if isinstance(value, str):
        return collapse_marks(chinese_dates(clause(value)))
    if isinstance(value, list):
        return [entered(item) for item in value]
    if isinstance(value, dict):
        return {k: entered(v) if k == "text" else v for k, v in value.items()}
    return value


def entered_context(context: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of ``context`` as it enters the template (see the module docstring)."""
    return {key: entered(value) for key, value in context.items()}


def pronoun(head_count: int) -> str:
    """你 for one petitioner, 你们 for several (never “你（们）”)."""
    return "你们" if head_count > 1 else "你"
