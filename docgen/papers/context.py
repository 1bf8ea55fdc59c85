"""Case row + clerk values → the template context (one dict of display strings and lists).

All paper types share this one builder: dates as ``2024年6月10日``, deadlines from the 信访 clocks,
missing case values as a blank line to fill in by hand, clerk values checked against the type.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from docgen import chars, dates
from docgen.clocks import HolidayCalendar, due_dates
from docgen.errors import DocgenError, ValidationError
from docgen.model import Case
from docgen.papers.registry import (
    BLANK,
    CASE_FIELDS,
    ISSUED_BY,
    LEADER_ORGAN,
    LEADER_ORGAN_FIELD,
    ORG,
    PETITIONER,
    ROLE_LABELS,
    UNIT,
    PaperType,
)
from docgen.papers.wording import pronoun

_ITEM_SPLIT = re.compile(r"[\n；;]+")


def cn_date(day: dt.date | None) -> str:
    """docgen.dates.cn_date with the paper's blank line when unknown."""
    return dates.cn_date(day, BLANK)


def _text(value: str | None) -> str:
    return value.strip() if value and value.strip() else BLANK


def case_context(
    case: Case,
    calendar: HolidayCalendar,
    *,
    org_name: str,
    today: dt.date,
    assign_doc_no: str | None = None,
) -> dict[str, Any]:
    """The case-derived context every paper type may use (see ``registry.CASE_FIELDS``)."""
    due, extended = due_dates(calendar, accepted_on=case.accepted_on, due_on=case.due_on,
                              extended_due_on=case.extended_due_on)  # fmt: skip
    names = "、".join(p.name for p in case.petitioners) or BLANK
    first = case.petitioners[0] if case.petitioners else None
    return {
        "org_name": org_name,
        "doc_no": "",
        "case_no": case.case_no,
        "petitioners": names,
        "petitioner_address": _text(first.address if first else None),
        "form": case.form or "来信来访",
        "category": case.category,
        "demand": _text(case.demand),
        "facts": _text(case.facts or case.demand),
        "unit": _text(case.unit),
        "leader_name": _text(case.leader_name),
        "leader_post": case.leader_post or "",
        "responsible_person": _text(case.responsible_person),
        "handler": _text(case.handler),
        "resolution_measures": _text(case.resolution_measures),
        "stability_measures": _text(case.stability_measures),
        "registered_on": cn_date(case.registered_on or case.accepted_on),
        "accepted_on": cn_date(case.accepted_on),
        "assigned_on": cn_date(case.assigned_on or case.accepted_on),
        "due_on": cn_date(due),
        "extended_due_on": cn_date(extended),
        "assign_doc_no": assign_doc_no or BLANK,
        "today": cn_date(today),
        "you": pronoun(max(len(case.petitioners), case.head_count or 1)),
        "parties": parties(case),
        "catalog": catalog(case),
        "follow_ups": [
            {
                "date": cn_date(f.visited_on),
                "method": f.method or "",
                "visitors": f.visitors or "",
                "attitude": f.attitude or "",
                "content": f.content or "",
            }
            for f in case.follow_ups
        ],
    }


_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (clause numbers up to 99)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return _CN_DIGITS[n]
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


def numbered(value: str) -> list[dict[str, Any]]:
    """“甲；乙” or lines → [{"n": 1, "cn": "一", "text": "甲"}, …] for numbered items."""
    items = [s.strip() for s in _ITEM_SPLIT.split(value) if s.strip()]
    return [{"n": i, "cn": cn_number(i), "text": t} for i, t in enumerate(items, 1)]


def check_value(label: str, value: str) -> str:
    """Refuse XML-invalid control characters and bidi controls, naming the field."""
    if bad := chars.REFUSED.search(value):
        raise ValidationError(
            f"字段“{label}”含有不可打印的控制字符（{chars.describe(bad.group())}），请删除后重试"
        )
    return value


def clerk_values(paper: PaperType, given: Mapping[str, str]) -> dict[str, Any]:
    """``--set`` values (by Chinese label or key) → context entries; errors list every problem."""
    by_name = {f.label: f for f in paper.fields} | {f.key: f for f in paper.fields}
    unknown = [name for name in given if name not in by_name]
    if unknown:
        labels = "、".join(f.label for f in paper.fields) or "（无）"
        raise ValidationError(f"{paper.name}没有字段：{'、'.join(unknown)}。可填写的字段：{labels}")
    too_long = [
        f"“{k}”{len(v)} 字（最多 {by_name[k].max_chars} 字）"
        for k, v in given.items()
        if len(v.strip()) > by_name[k].max_chars
    ]
    if too_long:
        raise ValidationError(f"{paper.name}的字段过长：{'；'.join(too_long)}")
    values = {by_name[k].key: check_value(k, v) for k, v in given.items()}
    missing = [f.label for f in paper.required if not values.get(f.key, "").strip()]
    if missing:
        example = " ".join(f"--set {m}=…" for m in missing)
        raise ValidationError(
            f"{paper.name}缺少必填字段：{'、'.join(missing)}（请用 {example} 填写）"
        )
    out: dict[str, Any] = {}
    for f in paper.fields:
        value = values.get(f.key, "").strip() or f.default
        if f.choices and value and value not in f.choices:
            raise ValidationError(f"字段“{f.label}”只能是：{'、'.join(f.choices)}（收到“{value}”）")
        out[f.key] = numbered(value) if f.as_list else value
    return out


def recorded_facts(paper: PaperType, given: Mapping[str, str]) -> dict[str, Any]:
    """The clerk's explicitly given fields, by Chinese label, for the paper's catalog record.

    Completeness rules read them (查办报告's 落实情况, the 协议书's 条款 with 履行情况); defaults
    are left out, since a default is no record of anything. List fields become lists.
    """
    by_name = {f.label: f for f in paper.fields} | {f.key: f for f in paper.fields}
    facts: dict[str, Any] = {}
    for name, raw in given.items():
        f = by_name[name]
        text = raw.strip()
        if text:
            facts[f.label] = [i["text"] for i in numbered(text)] if f.as_list else text
    return facts


def paper_context(
    paper: PaperType, case_ctx: Mapping[str, Any], given: Mapping[str, str]
) -> dict[str, Any]:
    """Case context + clerk values (+ a few derived phrases) → the full template context."""
    ctx = dict(case_ctx) | clerk_values(paper, given)
    for f in paper.fields:
        if f.fill_from and not ctx[f.key]:
            ctx[f.key] = case_ctx.get(f.fill_from, "")
    ctx |= issuing(paper, ctx) | cited_papers(paper, ctx)
    check_outcome(paper, ctx)
    for f in paper.fields:
        if f.phrases:
            ctx[f"{f.key}_text"] = dict(f.phrases).get(ctx[f.key], ctx[f.key])
    for key, value in ctx.items():
        if isinstance(value, str):
            check_value(key, value)
    return ctx | chinese_names(paper, ctx)


def chinese_names(paper: PaperType, ctx: Mapping[str, Any]) -> dict[str, Any]:
    """The context again under the Chinese labels that are names (``{{ 信访人 }}``, ``{{ 办结时限 }}``),
    as an administrator editing a template in Word writes them."""
    labels = {label: key for key, label in CASE_FIELDS.items()}
    labels |= {f.label: f.key for f in paper.fields}
    return {label: ctx[key] for label, key in labels.items()
            if label.isidentifier() and key in ctx and label not in ctx}  # fmt: skip


def issuing(paper: PaperType, ctx: Mapping[str, Any]) -> dict[str, str]:
    """发文机关, 主送 and 抄送 of ``paper`` from its declared rule, unless the clerk gave them, and
    the 附注's contact line from what the clerk gave (empty: no 附注).

    A clerk's 出具机关 (e.g. 包案领导所在机关) picks another issuing role. The issuer is never
    among the organs copied, and an organ is copied once.
    """
    names = {ORG: ctx["org_name"], UNIT: ctx["unit"], PETITIONER: ctx["petitioners"],
             LEADER_ORGAN: str(ctx.get(LEADER_ORGAN_FIELD) or "").strip()}  # fmt: skip
    role = paper.issuer
    if chosen := str(ctx.get(ISSUED_BY) or "").strip():
        role = next((r for r, label in ROLE_LABELS.items() if chosen in (r, label)), role)
    if role == LEADER_ORGAN and not names[LEADER_ORGAN] and not ctx.get("sender"):
        raise ValidationError(
            f"{paper.name}由包案领导所在机关出具时，须填写“{ROLE_LABELS[LEADER_ORGAN]}”"
            f"（--set {ROLE_LABELS[LEADER_ORGAN]}=…）"
        )
    issuer = ctx.get("sender") or names[role]
    addressee = ctx.get("addressee") or names.get(paper.addressee, "")
    copied: list[str] = []
    for key in paper.cc:
        organ = str(ctx.get(key) or "").strip()
        if organ and organ != BLANK and organ != issuer and organ not in copied:
            copied.append(organ)
    contact = [f"{label}：{ctx[key]}" for key, label in (("contact", "联系人"),
               ("contact_phone", "联系电话")) if ctx.get(key) not in (None, "", BLANK)]  # fmt: skip
    return {"sender": issuer, "addressee": addressee, "cc": "，".join(copied),
            "contact_line": "，".join(contact)}  # fmt: skip


def check_outcome(paper: PaperType, ctx: Mapping[str, Any]) -> None:
    """An outcome field (``agrees_with``) must not contradict the per-demand answers it sums up."""
    for field in paper.fields:
        items = ctx.get(field.agrees_with) if field.agrees_with else None
        if isinstance(items, list):
            answers = next(f.label for f in paper.fields if f.key == field.agrees_with)
            _check_agreement(paper, (field.label, answers), ctx.get(field.key), items)


def _check_agreement(
    paper: PaperType, labels: tuple[str, str], outcome: Any, items: list[Any]
) -> None:
    texts = [item["text"] for item in items]
    refused = any("不予支持" in t for t in texts)
    granted = any("予以支持" in t or "部分支持" in t for t in texts)
    wanted = None
    if refused and granted and outcome != "部分支持":
        wanted = "部分支持"
    elif refused and outcome == "支持":
        wanted = "不予支持或部分支持"
    elif granted and outcome == "不予支持":
        wanted = "支持或部分支持"
    if wanted:
        raise ValidationError(
            f"{paper.name}的“{labels[0]}”为“{outcome}”，与“{labels[1]}”中的逐项答复不一致，"
            f"应为“{wanted}”"
        )


def parties(case: Case) -> list[dict[str, Any]]:
    """Each petitioner as a party of an agreement: name, ID number and address (blank if unknown)."""
    return [
        {"n": i, "name": p.name, "id_number": _text(p.id_number), "address": _text(p.address)}
        for i, p in enumerate(case.petitioners, 1)
    ]


def catalog(case: Case) -> list[dict[str, str]]:
    """The case's recorded papers (kind, 题名, 文号), oldest first, for papers that cite them."""
    return [
        {"kind": d.kind, "title": d.title or d.kind, "doc_no": d.doc_no or ""}
        for d in sorted(case.documents, key=lambda d: d.id or 0)
    ]


def cited_papers(paper: PaperType, ctx: Mapping[str, Any]) -> dict[str, str]:
    """Fields naming a paper of the case (``cites_paper``, e.g. the 送达回证's 送达文书): the
    named paper's 题名 and 文号 from the catalog (the case's latest paper of that type)."""
    from docgen.papers.registry import PAPER_TYPES, get_paper_type

    out = {}
    for field in paper.fields:
        named = ctx.get(field.key) if field.cites_paper else None
        if not named or named == BLANK:
            continue
        kinds = {named}
        try:
            kinds.add(get_paper_type(named).name)
        except DocgenError:
            kinds |= {p.name for p in PAPER_TYPES.values() if named in p.name}
        found = [d for d in ctx.get("catalog", []) if d["kind"] in kinds]
        if found:
            latest = found[-1]
            number = f"（{latest['doc_no']}）" if latest["doc_no"] else ""
            out[field.key] = latest["title"] + number
    return out
