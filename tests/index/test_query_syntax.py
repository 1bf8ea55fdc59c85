"""Query language: parsing, field aliases, limits and Chinese error messages."""

from __future__ import annotations

import pytest

from docgen.index import MAX_QUERY_CHARS, QuerySyntaxError, QueryTooLong
from docgen.index.query import AndNode, NotNode, OrNode, TermNode, parse


def test_words_phrases_operators_and_fields() -> None:
    node = parse('拖欠工资 "息诉 罢访" OR 单位：朝阳区住建委 -海淀区')
    assert node == OrNode(
        (
            AndNode((TermNode("拖欠工资"), TermNode("息诉 罢访", phrase=True))),
            AndNode((TermNode("朝阳区住建委", field="unit"), NotNode(TermNode("海淀区")))),
        )
    )


def test_quoted_field_value_prefix_and_unknown_field() -> None:
    assert parse('title:"交办 函"') == TermNode("交办 函", field="title", phrase=True)
    assert parse("case:XF2024*") == TermNode("XF2024", field="case", prefix=True)
    assert parse("时间:2024") == TermNode("时间:2024")


def test_too_long_query_is_refused_in_chinese() -> None:
    with pytest.raises(QueryTooLong) as exc:
        parse("拖" * (MAX_QUERY_CHARS + 1))
    assert "查询语句过长" in exc.value.message
    with pytest.raises(QueryTooLong):
        parse(" ".join(["甲乙"] * 40))


@pytest.mark.parametrize(
    ("query", "detail"),
    [
        ('"拖欠工资', "引号"),
        ("(拖欠 OR 欠薪", "括号"),
        ("拖欠 AND", "缺少检索词"),
        ("date:昨天", "日期"),
    ],
)
def test_syntax_errors_name_the_problem(query: str, detail: str, built_index) -> None:
    with pytest.raises(QuerySyntaxError) as exc:
        built_index.search(query)
    assert detail in exc.value.message
    assert query.strip('"(') not in exc.value.message  # user input is not echoed
