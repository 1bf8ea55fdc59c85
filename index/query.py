"""Query language: query string → syntax tree (+ the strings to highlight), for both backends.

Syntax (Chinese-aware, case-insensitive for Latin letters):

* ``拖欠工资 朝阳区`` – words separated by spaces must all match (implicit AND). A Chinese word
  matches as an exact substring (so names with rare characters and parts of words are found);
  hits where it is a whole jieba word rank higher.
* ``"息诉罢访 协议"`` (also “…” and 「…」) – exact phrase; spaces and punctuation are ignored.
* ``A AND B``, ``A OR B``, ``NOT A`` / ``-A``, brackets ``( )``.
* ``field:value`` / ``field:"two words"`` with fields: ``title``/题名, ``case``/案号/案件编号,
  ``docno``/文号, ``id``/身份证, ``phone``/电话, ``kind``/类型, ``section``/卷, ``category``/类别,
  ``unit``/单位, ``leader``/领导, ``status``/状态, ``flag``/标记, ``person``/信访人 (a name,
  whole; ``李*`` for a prefix), ``date``/日期 (``2024``,
  ``2024-06``, ``2024-06-10``, ``2024-01-01..2024-06-30``). Unknown prefixes are plain text.
* Identifiers (案件编号, 文号, 身份证号, phone numbers) match whole; when no document carries the
  exact value it matches as a prefix (``XF2024``, ``110105``); ``value*`` forces a prefix.

Queries over :data:`MAX_QUERY_CHARS` characters or :data:`MAX_TERMS` terms are refused. Each
backend translates the tree: :mod:`index.tantivy_query`, :mod:`index.whoosh_query`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Union

from docgen.index import synonyms
from docgen.index.analysis import CJK_CHARS
from docgen.index.errors import QuerySyntaxError, QueryTooLong
from docgen.index.model import DATE_FIELDS, SearchQuery
from docgen.index.schema import date_key, key

MAX_QUERY_CHARS = 200
MAX_TERMS = 30

FIELD_ALIASES: dict[str, str] = {
    "text": "text", "正文": "text", "全文": "text",
    "title": "title", "题名": "title", "标题": "title",
    "case": "case", "案号": "case", "案件编号": "case",
    "docno": "docno", "文号": "docno",
    "id": "id", "身份证": "id", "身份证号": "id",
    "phone": "phone", "电话": "phone", "手机": "phone",
    "kind": "kind", "类型": "kind",
    "section": "section", "卷": "section",
    "category": "category", "类别": "category", "问题类别": "category",
    "unit": "unit", "单位": "unit", "责任单位": "unit",
    "leader": "leader", "领导": "leader", "包案领导": "leader",
    "status": "status", "状态": "status",
    "person": "person", "信访人": "person", "姓名": "person",
    "flag": "flag", "标记": "flag",
    "date": "date", "日期": "date",
}  # fmt: skip
_KEYWORD_FIELDS = {"kind": "kind", "section": "section", "category": "category", "unit": "unit"}
_KEYWORD_FIELDS |= {"leader": "leader", "status": "status", "flag": "flags", "person": "persons"}
_QUOTES = {'"': '"', "“": "”", "「": "」", "『": "』", "”": "”"}
_CJK_GAP = re.compile(rf"(?<=[{CJK_CHARS}])\s+(?=[{CJK_CHARS}])")
_IDENT_RE = re.compile(r"[0-9a-z][0-9a-z\-_/.]*")
_DATE_RE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?年?")


@dataclass(frozen=True)
class TermNode:
    value: str
    field: str = "text"
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class FieldMatch:
    """What a term searches, the same for every backend: ``how`` (text, substring, ident,
    keyword or date), the index field, and the value as that field stores it."""

    how: str
    field: str
    value: str


def field_match(t: TermNode) -> FieldMatch:
    value = t.value.strip()
    if t.field == "text":
        return FieldMatch("text", "content", value)
    if t.field == "title":
        return FieldMatch("substring", "title", value)
    if t.field == "case":
        return FieldMatch("ident", "case_no", key(value))
    if t.field in ("id", "docno"):
        return FieldMatch("ident", "ids", key(value))
    if t.field == "phone":
        return FieldMatch("ident", "ids", "".join(c for c in key(value) if c.isdigit()))
    if t.field == "date":
        return FieldMatch("date", "date", value)
    return FieldMatch("keyword", _KEYWORD_FIELDS[t.field], key(value))


@dataclass(frozen=True)
class NotNode:
    child: Node


@dataclass(frozen=True)
class AndNode:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class OrNode:
    children: tuple[Node, ...]


Node = Union[TermNode, NotNode, AndNode, OrNode]  # noqa: UP007 (used at runtime)

_OPS = {"AND", "OR", "NOT"}


def _syntax(detail: str) -> QuerySyntaxError:
    return QuerySyntaxError(f"查询语句有误：{detail}")


def tokenize(text: str) -> list[str | TermNode]:
    """Split a query string into operator strings ("AND", "OR", "NOT", "(", ")") and terms."""
    out: list[str | TermNode] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "(（":
            out.append("(")
            i += 1
        elif c in ")）":
            out.append(")")
            i += 1
        elif c == "-" and i + 1 < n and not text[i + 1].isspace() and text[i + 1] not in "-":
            out.append("NOT")
            i += 1
        elif c in _QUOTES:
            value, i = _read_quoted(text, i)
            out.append(TermNode(value, phrase=True))
        else:
            j = i
            while (
                j < n
                and not text[j].isspace()
                and text[j] not in "()（）"
                and (text[j] not in _QUOTES or j == i)
            ):
                j += 1
            word, i = text[i:j], j
            if word in _OPS:
                out.append(word)
                continue
            node, i = _field_term(word, text, i)
            out.append(node)
    return out


def _read_quoted(text: str, i: int) -> tuple[str, int]:
    close = _QUOTES[text[i]]
    end = text.find(close, i + 1)
    if end < 0:
        raise _syntax("引号未闭合")
    return text[i + 1 : end], end + 1


def _field_term(word: str, text: str, i: int) -> tuple[TermNode, int]:
    """A plain or ``field:value`` word ending at ``i``; a quoted field value is read on."""
    name, sep, rest = word.replace("：", ":").partition(":")
    field = FIELD_ALIASES.get(name.lower()) if sep else None
    if field is None:
        return _plain(word, "text"), i
    if not rest and i < len(text) and text[i] in _QUOTES:
        value, end = _read_quoted(text, i)
        return TermNode(value, field=field, phrase=True), end
    if not rest:
        raise _syntax(f"字段“{name}”后缺少检索值")
    return _plain(rest, field), i


def _plain(word: str, field: str) -> TermNode:
    prefix = len(word) > 1 and word.endswith("*")
    return TermNode(word.rstrip("*") if prefix else word, field=field, prefix=prefix)


def parse(text: str) -> Node | None:
    """Parse a query string; None for an empty query. Raises QueryTooLong / QuerySyntaxError."""
    if len(text) > MAX_QUERY_CHARS:
        raise QueryTooLong(f"查询语句过长（超过 {MAX_QUERY_CHARS} 个字符），请缩短后重试")
    tokens = tokenize(text)
    if sum(isinstance(t, TermNode) for t in tokens) > MAX_TERMS:
        raise QueryTooLong(f"检索词过多（超过 {MAX_TERMS} 个），请减少后重试")
    if not tokens:
        return None
    parser = _Parser(tokens)
    node = parser.parse_or()
    if parser.pos < len(tokens):
        raise _syntax("括号不配对")
    return node


class _Parser:
    def __init__(self, tokens: list[str | TermNode]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> str | TermNode | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str | TermNode | None:
        tok = self.peek()
        self.pos += 1
        return tok

    def parse_or(self) -> Node:
        items = [self.parse_and()]
        while self.peek() == "OR":
            self.take()
            items.append(self.parse_and())
        return items[0] if len(items) == 1 else OrNode(tuple(items))

    def parse_and(self) -> Node:
        items = [self.parse_unary()]
        while self.peek() not in (None, "OR", ")"):
            if self.peek() == "AND":
                self.take()
            items.append(self.parse_unary())
        return items[0] if len(items) == 1 else AndNode(tuple(items))

    def parse_unary(self) -> Node:
        if self.peek() == "NOT":
            self.take()
            return NotNode(self.parse_unary())
        tok = self.take()
        if tok == "(":
            node = self.parse_or()
            if self.take() != ")":
                raise _syntax("括号不配对")
            return node
        if isinstance(tok, TermNode):
            return tok
        if tok == ")":
            raise _syntax("括号不配对")
        raise _syntax("AND、OR、NOT 前后缺少检索词")


def highlight_terms(node: Node | None, use_synonyms: bool = False) -> list[str]:
    """Literal strings worth highlighting: positive text/title/identifier terms."""
    out: list[str] = []

    def walk(n: Node | None) -> None:
        if isinstance(n, TermNode):
            if n.field in ("text", "title", "case", "docno", "id", "phone"):
                expand = use_synonyms and n.field == "text" and not n.phrase
                out.extend(synonyms.expand(n.value) if expand else [n.value])
        elif isinstance(n, AndNode | OrNode):
            for child in n.children:
                walk(child)

    walk(node)
    return list(dict.fromkeys(v for v in out if v.strip()))


def _date_bounds(text: str) -> tuple[int, int]:
    m = _DATE_RE.fullmatch(text.strip())
    if not m:
        raise _syntax("日期格式应为 2024、2024-06 或 2024-06-10，范围写作 2024-01-01..2024-06-30")
    year = int(m.group(1))
    try:
        if m.group(3):
            day = dt.date(year, int(m.group(2)), int(m.group(3)))
            return date_key(day), date_key(day)
        if m.group(2):
            month = int(m.group(2))
            first = dt.date(year, month, 1)
            nxt = dt.date(year + month // 12, month % 12 + 1, 1)
            return date_key(first), date_key(nxt - dt.timedelta(days=1))
    except ValueError:
        raise _syntax("日期不存在") from None
    return year * 10000 + 101, year * 10000 + 1231


def filter_terms(q: SearchQuery) -> list[tuple[str, str]]:
    """The exact-value filters of ``q`` as (field, indexed key) pairs, for every backend."""
    wanted = (
        ("category", q.category),
        ("unit", q.unit),
        ("status", q.status),
        ("kind", q.kind),
        ("case_no", q.case_no),
        ("flags", q.flag),
        ("section", str(q.section) if q.section is not None else None),
        ("leader", q.leader),
        ("persons", q.person),
        ("ids", q.id_number),
        ("ids", q.doc_no),
    )
    return [(name, key(value)) for name, value in wanted if value and key(value)]


def date_bounds(q: SearchQuery) -> tuple[str, int | None, int | None] | None:
    """The date filter of ``q`` as (index field, start, end) with date keys, either end open;
    None without one. An unknown ``date_field`` raises ValueError."""
    if not (q.date_from or q.date_to):
        return None
    if q.date_field != "date" and q.date_field not in DATE_FIELDS:
        raise ValueError(f"unknown date field {q.date_field!r}; expected date or {DATE_FIELDS}")
    start = date_key(q.date_from) if q.date_from else None
    end = date_key(q.date_to) if q.date_to else None
    return q.date_field, start, end
