"""Curated topic synonyms: a query term → the terms it is expanded to when synonyms are asked for.

Decision: synonyms are **off by default** and applied at query time only (``SearchQuery.synonyms``).
A clerk searching 拖欠工资 usually wants documents that use those words (a quotation, a 文号, a
title); silently adding 欠薪 would blur exact searches and make hit counts hard to explain.
Expansion at query time keeps the index free of synonym terms, so the table can change without a
rebuild. Groups are small, hand-checked, and symmetric: every member expands to the whole group.
"""

from __future__ import annotations

GROUPS: tuple[frozenset[str], ...] = (
    frozenset({"拖欠工资", "欠薪", "拖欠薪资", "讨薪", "工资拖欠"}),
    frozenset({"征地拆迁", "征收拆迁", "拆迁补偿", "征地补偿"}),
    frozenset({"物业纠纷", "物业服务纠纷", "物业管理纠纷"}),
    frozenset({"医疗纠纷", "医患纠纷"}),
    frozenset({"环境污染", "污染环境"}),
    frozenset({"社保待遇", "社会保险待遇", "养老保险待遇"}),
)

_BY_TERM: dict[str, frozenset[str]] = {term: group for group in GROUPS for term in group}


def expand(term: str) -> list[str]:
    """``term`` followed by its synonyms (just ``[term]`` when it has none)."""
    group = _BY_TERM.get(term.strip())
    if not group:
        return [term]
    return [term, *sorted(group - {term.strip()})]
