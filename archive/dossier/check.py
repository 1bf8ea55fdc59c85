"""Case + its documents → ``CheckReport``: what each 六有 section holds and which defects remain.

Every rule has a stable code (``Rule``) and a Chinese message saying what to add; all rules feed one
report. Severity ``error`` means the dossier is incomplete (exit status 1); ``warning`` is advice.

Facts the rules read from ``Document.meta`` (set by ``docgen paper make`` or by
``docgen attach ... --meta 键=值``):

==================  ==========================  ==============================================
meta key            on documents of kind        meaning
==================  ==========================  ==============================================
``送达时间``          送达回证                      when the paper was served (e.g. ``2024-6-12``)
``包案领导签字``      查办报告 (any kind counts     the 包案领导 signed it (name or date; truthy)
                    for the closing signatures)
``承办人签字``        any                           the 承办人 signed (truthy)
``主要负责人签字``    any                           the unit's 主要负责人 (一把手) signed (truthy)
``落实情况``          查办报告 / 处理意见书          how the handling opinion was carried out
``条款``              息诉罢访协议书 / 息诉罢访协议  list of ``{"条款": text, "履行情况": text}``; a
                                                    generated 协议书 records ``协议条款`` (list)
                                                    and ``履行情况`` (list, item by item) instead
==================  ==========================  ==============================================

Document kinds the rules look for: ``送达回证``, ``查办报告``, ``处理意见书``, ``落实情况`` (a
record of how the opinion was carried out), ``息诉罢访协议书``, ``息诉罢访保证书`` (the petitioner's
signed pledge, usually attached as a scan with ``--kind 息诉罢访保证书``), ``回访记录`` (or a
FollowUp row). A closed case (status in ``CLOSED_STATUSES``) needs the pledge, a 回访记录 and the
three signatures; an overdue case needs ``Case.extension_approved``. Dossiers (kind ``卷宗``,
section 0) are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from docgen.archive.cases import view
from docgen.model import CURRENT, VOID, Case, Document
from docgen.vocab import CLOSED_STATUSES, Section

DOSSIER_KIND = "卷宗"
DOSSIER_SECTION = 0

SERVICE_RECEIPT = "送达回证"
REPORT = "查办报告"
OPINION = "处理意见书"
IMPLEMENTATION = "落实情况"
AGREEMENT_KINDS = ("息诉罢访协议书", "息诉罢访协议")
GUARANTEE = "息诉罢访保证书"
FOLLOW_UP = "回访记录"
SIGNATURES = {
    "承办人签字": "承办人",
    "包案领导签字": "包案领导",
    "主要负责人签字": "单位主要负责人",
}

SECTION_HINTS: dict[Section, str] = {
    Section.CASE_MATERIALS: "信访件、登记表、受理告知书等",
    Section.ASSIGNMENT: "交办案件台帐和交办函",
    Section.LEADER_ASSIGNMENT: "领导包案通知或确定包案领导、责任人的会议纪要",
    Section.INVESTIGATION_REPORT: "包案领导签字的查办报告及调查材料",
    Section.REPLY_AND_FOLLOW_UP: "处理意见书、送达回证、回访记录等",
    Section.STABILITY_MEASURES: "稳控方案等稳控措施材料",
}


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Rule(StrEnum):
    SECTION_EMPTY = "section_empty"
    FILE_MISSING = "file_missing"
    NO_DATE = "document_no_date"
    SERVICE_NO_TIME = "service_receipt_no_time"
    REPORT_NO_LEADER_SIGNATURE = "report_no_leader_signature"
    NO_IMPLEMENTATION = "opinion_not_implemented"
    AGREEMENT_NO_CLAUSES = "agreement_no_clauses"
    CLAUSE_NOT_FULFILLED = "agreement_clause_not_fulfilled"
    CLOSED_NO_GUARANTEE = "closed_no_guarantee"
    CLOSED_NO_FOLLOW_UP = "closed_no_follow_up"
    CLOSED_NO_SIGNATURE = "closed_no_signature"
    OVERDUE_NO_EXTENSION = "overdue_no_extension"


@dataclass(frozen=True)
class CheckItem:
    rule: Rule
    severity: Severity
    message: str
    section: int | None = None
    document_id: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": str(self.rule),
            "severity": str(self.severity),
            "message": self.message,
            "section": self.section,
            "document_id": self.document_id,
        }


@dataclass
class SectionSummary:
    section: Section
    documents: list[str] = field(default_factory=list)  # "kind《title》"

    def to_dict(self) -> dict[str, Any]:
        return {"部分": int(self.section), "名称": self.section.label, "材料": self.documents}


@dataclass
class CheckReport:
    """The collector: rules append items; ``ok`` and ``exit_code`` follow the worst severity."""

    case_no: str
    sections: list[SectionSummary] = field(default_factory=list)
    items: list[CheckItem] = field(default_factory=list)

    def add(self, rule: Rule, message: str, *, severity: Severity = Severity.ERROR,
            section: int | None = None, document_id: int | None = None) -> None:  # fmt: skip
        self.items.append(CheckItem(rule, severity, message, section, document_id))

    @property
    def errors(self) -> list[CheckItem]:
        return [i for i in self.items if i.severity is Severity.ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def codes(self) -> set[str]:
        return {str(i.rule) for i in self.items}

    def to_dict(self) -> dict[str, Any]:
        return {
            "案件编号": self.case_no,
            "完整": self.ok,
            "部分": [s.to_dict() for s in self.sections],
            "问题": [i.to_dict() for i in self.items],
        }

    def lines(self) -> list[str]:
        """The report as Chinese text lines for people."""
        out = [f"案件 {self.case_no} 六有卷宗检查："]
        for s in self.sections:
            mark = "✓" if s.documents else "✗"
            listed = "、".join(s.documents) if s.documents else "（无）"
            out.append(f"  {mark} {int(s.section)}. {s.section.label}：{listed}")
        if not self.items:
            out.append("材料齐全，未发现问题。")
        for item in self.items:
            tag = "缺失" if item.severity is Severity.ERROR else "提示"
            out.append(f"  【{tag}】{item.message}")  # the rule's code is in --json only
        if self.items:
            out.append(
                f"共 {len(self.errors)} 项缺失，{len(self.items) - len(self.errors)} 项提示。"
            )
        return out


def case_documents(case: Case) -> list[Document]:
    """The case's filed current documents (not dossiers, not superseded versions, not void),
    in binding order: section, date, id (a signed copy right after its paper)."""
    docs = [d for d in case.documents if d.section != DOSSIER_SECTION and d.state == CURRENT]
    return sorted(docs, key=lambda d: (d.section, d.doc_date or dt.date.max,
                                       d.signed_of_id or d.id, d.id))  # fmt: skip


def voided_documents(case: Case) -> list[Document]:
    """The case's voided papers (the 备考表 names them with their reasons)."""
    return sorted((d for d in case.documents if d.state == VOID), key=lambda d: d.id)


def _label(doc: Document) -> str:
    return f"{doc.kind}《{doc.title}》" if doc.kind != doc.title else f"《{doc.title}》"


def check_case(case: Case, calendar: Any, root: Path | None = None,
               today: dt.date | None = None) -> CheckReport:  # fmt: skip
    """Run every rule on ``case``; ``root`` (the workspace folder) enables the file checks."""
    report = CheckReport(case.case_no)
    docs = case_documents(case)
    paper_ids = {d.id for d in docs}
    visits = [f"回访（{f.visited_on:%Y-%m-%d}）" for f in case.follow_ups
              if f.document_id not in paper_ids]  # fmt: skip
    for section in Section:
        summary = SectionSummary(section, [_label(d) for d in docs if d.section == section])
        if section is Section.REPLY_AND_FOLLOW_UP:
            summary.documents += visits  # a 回访 recorded with case visit counts here
        report.sections.append(summary)
        if not summary.documents:
            report.add(Rule.SECTION_EMPTY, f"第{int(section)}部分“{section.label}”没有材料："
                       f"请添加{SECTION_HINTS[section]}", section=int(section))  # fmt: skip
    for rule in RULES:
        rule(case, docs, report, calendar, root, today)
    return report


def _files(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    for d in docs:
        if root is not None and not (root / d.path).is_file():
            report.add(Rule.FILE_MISSING, f"文档 {d.id}《{d.title}》的文件 {d.path} 不存在：请重新生成或附加",
                       section=d.section, document_id=d.id)  # fmt: skip
        if d.doc_date is None:
            report.add(Rule.NO_DATE, f"文档 {d.id}《{d.title}》没有日期：卷内目录的日期栏将空缺",
                       severity=Severity.WARNING, section=d.section, document_id=d.id)  # fmt: skip


def _service_time(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    for d in docs:
        if d.kind == SERVICE_RECEIPT and not (d.meta or {}).get("送达时间"):
            report.add(Rule.SERVICE_NO_TIME, f"送达回证《{d.title}》没有送达时间：请补填送达时间"
                       "（--meta 送达时间=2024-6-12）", section=d.section, document_id=d.id)  # fmt: skip


def _report_signature(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    """The case needs a 查办报告 signed by the 包案领导. The printed paper is signed by hand and
    its signed scan filed beside it, so an unsigned print next to a signed copy is no defect:
    the signed copy (``attach … --doc-no`` with the report's 文号) counts as signed."""
    reports = [d for d in docs if d.kind == REPORT]
    signed = any((d.meta or {}).get("包案领导签字") or d.signed_of_id is not None for d in reports)
    if reports and not signed:
        report.add(Rule.REPORT_NO_LEADER_SIGNATURE, f"查办报告《{reports[0].title}》没有包案领导签字记录："
                   "请附包案领导签字的查办报告扫描件（docgen attach … --kind 查办报告 "
                   "--meta 包案领导签字=姓名）", section=reports[0].section,
                   document_id=reports[0].id)  # fmt: skip


def _implementation(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    opinions = [d for d in docs if d.kind in (REPORT, OPINION)]
    if not opinions:
        return
    done = any(d.kind == IMPLEMENTATION for d in docs) or any(
        (d.meta or {}).get("落实情况") for d in opinions
    )
    if not done:
        report.add(Rule.NO_IMPLEMENTATION, "没有处理意见的落实情况记录：请附落实情况材料"
                   "（--kind 落实情况），或在查办报告中登记落实情况（--meta 落实情况=…）",
                   section=int(Section.INVESTIGATION_REPORT))  # fmt: skip


def agreement_clauses(meta: dict) -> list[dict]:  # type: ignore[type-arg]
    """Clauses with their fulfilment: ``meta["条款"]`` as attached, or, for a generated
    协议书, its 协议条款 list paired item by item with its 履行情况 list (docgen.papers)."""
    clauses = meta.get("条款")
    if isinstance(clauses, list):
        return [c for c in clauses if isinstance(c, dict)]
    texts = meta.get("协议条款")
    if not isinstance(texts, list):
        return []
    done = meta.get("履行情况")
    done = done if isinstance(done, list) else [done] * len(texts) if done else []
    return [
        {"条款": text, "履行情况": done[i] if i < len(done) else ""} for i, text in enumerate(texts)
    ]


def _agreement(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    for d in docs:
        if d.kind not in AGREEMENT_KINDS:
            continue
        clauses = agreement_clauses(d.meta or {})
        if not clauses:
            report.add(Rule.AGREEMENT_NO_CLAUSES, f"息诉罢访协议《{d.title}》没有登记条款及其履行情况："
                       "请逐条登记履行情况", section=d.section, document_id=d.id)  # fmt: skip
            continue
        for n, clause in enumerate(clauses, 1):
            if not (isinstance(clause, dict) and clause.get("履行情况")):
                report.add(Rule.CLAUSE_NOT_FULFILLED, f"息诉罢访协议《{d.title}》第{n}条没有履行情况记录："
                           "请补充该条款的履行情况", section=d.section, document_id=d.id)  # fmt: skip


def _closed(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    if case.status not in CLOSED_STATUSES:
        return
    if not any(d.kind == GUARANTEE for d in docs):
        report.add(Rule.CLOSED_NO_GUARANTEE, "案件已办结，但没有信访人的息诉罢访保证书："
                   "请附信访人签字的保证书扫描件（--kind 息诉罢访保证书）",
                   section=int(Section.REPLY_AND_FOLLOW_UP))  # fmt: skip
    if not any(d.kind == FOLLOW_UP for d in docs) and not case.follow_ups:
        report.add(Rule.CLOSED_NO_FOLLOW_UP, "案件已办结，但没有回访记录：请生成或附加回访记录",
                   section=int(Section.REPLY_AND_FOLLOW_UP))  # fmt: skip
    signed = {k for d in docs for k, v in (d.meta or {}).items() if k in SIGNATURES and v}
    for key, who in SIGNATURES.items():
        if key not in signed:
            report.add(Rule.CLOSED_NO_SIGNATURE, f"案件已办结，但没有{who}的签字记录："
                       f"请附{who}签字的结案材料（--meta {key}=姓名）")  # fmt: skip


def _overdue(case, docs, report, calendar, root, today) -> None:  # type: ignore[no-untyped-def]
    if case.extension_approved:
        return
    if view(case, calendar, today).deadlines.overdue:
        report.add(Rule.OVERDUE_NO_EXTENSION, "案件已超过办结时限，且没有经批准的延期：请办理延期审批"
                   "并附延期告知书，或尽快办结")  # fmt: skip


RULES = (_files, _service_time, _report_signature, _implementation, _agreement, _closed, _overdue)


def defect_text(message: str) -> str:
    """A defect as a 备考表 states it: the fact, without the remedy and command hints after
    “：请…” (“送达回证《…》没有送达时间：请补填送达时间（--meta …）” → “送达回证《…》没有送达时间”)."""
    fact = message.split("：请", 1)[0]
    return re.sub(r"（[^（）]*--[^（）]*）", "", fact).strip()
