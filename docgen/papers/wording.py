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
_SPACES = re.compile(r"[ \t\u3000]*\n[ \t\u3000]*")


def clause(value: str) -> str:
    """``value`` stripped of surrounding blanks and of its closing punctuation."""
    return _TRAILING.sub("", value.strip()) if value else value


def collapse_marks(text: str) -> str:
    """“结论。。” → “结论。”, “事项；。” → “事项。”: a run of marks keeps its strongest one."""

    def strongest(match: re.Match[str]) -> str:
        run = match.group()
        return next(mark for mark in _STRENGTH if mark in run)

    return _RUN.sub(strongest, text)


def entered(value: Any) -> Any:
    """A context value as it enters a template (strings and list items' ``text`` as clauses)."""
    if isinstance(value, str):
        return collapse_marks(clause(value))
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
