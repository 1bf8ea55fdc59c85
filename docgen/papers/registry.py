"""Paper types as data: name → (template, format variant, 六有 section, 文号 代字, declared fields).

Paper types differ in text and fields only; layout lives in the base styles and the typesetter.
Fields come from three places: the case (``CASE_FIELDS``, computed in ``context``), the clerk
(``--set 字段=值``, required) and optional clerk values with a default.
"""

from __future__ import annotations

from dataclasses import dataclass

from docgen.errors import NotFoundError
from docgen.vocab import ATTITUDES, Section

BLANK = "________"  # printed where an optional value is missing, to be filled in by hand
SERVICE_METHODS = ("直接送达", "留置送达", "邮寄送达", "委托送达")
RISK_LEVELS = ("红", "黄", "绿")
#: 处理意见书 outcomes: 部分支持 is its own answer (the ledger's OUTCOMES fold it into 支持).
OPINION_OUTCOMES = ("支持", "部分支持", "解释说明", "不予支持")
OUTCOME_TEXT = dict(
    zip(
        OPINION_OUTCOMES,
        (
            "予以支持",
            "部分予以支持（支持与不予支持的部分见上述处理意见）",
            "作出解释说明",
            "不予支持",
        ),
        strict=True,
    )
)
#: Who issues a paper / to whom: the workspace's 信访 organ, the case's 责任单位, the petitioner.
ORG, UNIT, PETITIONER = "org", "unit", "petitioner"

#: Case-derived context: key → Chinese label. Built in one place (``context.case_context``).
CASE_FIELDS: dict[str, str] = {
    "org_name": "机关名称",
    "doc_no": "文号",
    "case_no": "案件编号",
    "petitioners": "信访人",
    "petitioner_address": "信访人住址",
    "form": "信访形式",
    "category": "问题类别",
    "demand": "诉求",
    "facts": "基本案情",
    "unit": "责任单位",
    "leader_name": "包案领导",
    "leader_post": "包案领导职务",
    "responsible_person": "责任人",
    "handler": "承办人",
    "resolution_measures": "化解措施",
    "stability_measures": "稳控措施",
    "registered_on": "登记日期",
    "accepted_on": "受理日期",
    "assigned_on": "交办日期",
    "due_on": "办结时限",
    "extended_due_on": "延期后办结时限",
    "assign_doc_no": "交办文号",
    "today": "成文日期",
    "follow_ups": "历次回访",
    "you": "称谓（你/你们）",
    "sender": "发文机关",
    "parties": "协议乙方（每位信访人）",
    "catalog": "本案已登记文书",
    "addressee": "主送",
    "cc": "抄送",
    "contact_line": "附注（联系人、联系电话）",
}


#: ``--set`` length caps (characters) per field kind: names and short values, one-line values,
#: and long text (the same cap as the ledger's long-text columns, 20,000).
MAX_CHARS = {"short": 64, "line": 500, "text": 20_000}
_SHORT = {"contact", "contact_phone", "copies", "issuer", "keeper", "proxy", "recipient", "server",
          "chair", "meeting_date", "visit_date", "served_at", "report_by", "period", "risk",
          "attitude", "method", "outcome", "visit_method"}  # fmt: skip
_LINE = {"attendees", "observers", "visitors", "witness", "place", "proper_organ",
         "review_organ", "served_doc", "address", "proxy_reason"}  # fmt: skip
#: Clerk fields that are not one-line text (choices and lists are told by the Field itself).
FIELD_KINDS: dict[str, str] = {
    "meeting_date": "datetime",
    "visit_date": "date",
    "served_at": "datetime",
    "copies": "number",
    **dict.fromkeys(
        ("reason", "facts_reasons", "opinion", "legal_basis", "investigation", "findings",
         "implementation", "dissent", "views", "content", "carried_out", "fulfilment",
         "attendees", "remarks"),
        "long",
    ),
}  # fmt: skip
FIELD_KIND_LABELS = {"text": "文本", "long": "长文本", "date": "日期", "datetime": "日期时间",
                     "choice": "选项", "number": "数字"}  # fmt: skip


@dataclass(frozen=True)
class Field:
    key: str  # Jinja name in the template
    label: str  # Chinese name the clerk types in --set
    required: bool = True
    default: str = BLANK
    choices: tuple[str, ...] = ()
    as_list: bool = False  # split on newlines / “；” into numbered items

    @property
    def size(self) -> str:
        """``short`` (names, dates, 联系人), ``line`` (one line) or ``text`` (paragraphs)."""
        return "short" if self.key in _SHORT else "line" if self.key in _LINE else "text"

    @property
    def max_chars(self) -> int:
        return MAX_CHARS[self.size]

    @property
    def kind(self) -> str:
        """The input a form shows: text, long (multi-line), date, datetime, choice or number."""
        if self.choices:
            return "choice"
        if self.as_list:
            return "long"
        return FIELD_KINDS.get(self.key, "text")


@dataclass(frozen=True)
class PaperType:
    name: str  # Chinese name, the CLI's TYPE
    template: str  # file name in templates/papers (or the workspace's templates/)
    variant: str  # format variant: document / letter / minutes / form
    section: Section
    title: str  # catalog 题名, a str.format pattern over the context
    code_suffix: str | None = (
        None  # None: no 文号; "": the workspace's 发文代字; else 代字 + suffix
    )
    fields: tuple[Field, ...] = ()
    case_fields: tuple[str, ...] = ()  # the case context keys the text uses
    aliases: tuple[str, ...] = ()
    issuer: str = ORG  # who issues it (ORG / UNIT); a clerk's 发文机关 value wins
    addressee: str = ""  # to whom (ORG / UNIT / PETITIONER); a clerk's 主送 value wins
    cc: tuple[str, ...] = ()  # context keys of the organs copied (抄送); the issuer is left out

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.required)

    def doc_code(self, code: str) -> str | None:
        return None if self.code_suffix is None else code + self.code_suffix


def _opt(key: str, label: str, default: str = BLANK, **kw: object) -> Field:
    return Field(key, label, required=False, default=default, **kw)  # type: ignore[arg-type]


_CONTACT = (_opt("contact", "联系人"), _opt("contact_phone", "联系电话"))
#: Who issues it and to whom, when this case differs from the paper type's rule.
_ISSUING = (_opt("sender", "发文机关", ""), _opt("addressee", "主送", ""))
_BASICS = ("case_no", "petitioners", "form", "category", "demand", "registered_on", "accepted_on")

PAPER_TYPES: dict[str, PaperType] = {
    p.name: p
    for p in (
        PaperType(
            "交办函", "assign.docx", "letter", Section.ASSIGNMENT,
            "关于交办{petitioners}信访事项的函", "",
            _CONTACT, (*_BASICS, "facts", "unit", "leader_name", "leader_post",
                       "responsible_person", "due_on"),
        ),
        PaperType(
            "督办函", "supervise.docx", "letter", Section.ASSIGNMENT,
            "关于督办{petitioners}信访事项的函", "督",
            (Field("reason", "督办事由"), Field("report_by", "报送时限"),
             _opt("method", "督办方式", "文书督办"), *_CONTACT),
            (*_BASICS, "unit", "assigned_on", "assign_doc_no", "due_on", "leader_name"),
        ),
        PaperType(
            "领导包案通知", "leader.docx", "document", Section.LEADER_ASSIGNMENT,
            "关于{petitioners}信访事项实行领导包案的通知", "",
            _CONTACT, (*_BASICS, "facts", "unit", "leader_name", "leader_post",
                       "responsible_person", "handler", "resolution_measures", "due_on"),
        ),
        PaperType(
            "包案会商纪要", "minutes.docx", "minutes", Section.LEADER_ASSIGNMENT,
            "{petitioners}信访事项包案会商会议纪要", "纪",
            (Field("meeting_date", "会议时间"), Field("chair", "主持人"),
             Field("attendees", "出席"), Field("decisions", "议定事项", as_list=True),
             _opt("place", "会议地点"), _opt("observers", "列席", "无"),
             _opt("views", "各方意见", "与会单位分别介绍了掌握的情况和处理意见。")),
            (*_BASICS, "facts", "unit", "leader_name", "leader_post"),
        ),
        PaperType(
            "查办报告", "report.docx", "document", Section.INVESTIGATION_REPORT,
            "关于{petitioners}反映{category}问题信访事项办理情况的报告", "报",
            (Field("findings", "核查结果"), Field("opinion", "处理意见"),
             Field("implementation", "落实情况"), _opt("dissent", "不同意见", "无"),
             _opt("attitude", "信访人态度"), _opt("signer", "签发人"), *_ISSUING, *_CONTACT),
            (*_BASICS, "facts", "unit", "assign_doc_no", "assigned_on", "leader_name",
             "leader_post", "handler"),
            ("办理情况报告",), issuer=UNIT, addressee=ORG,
        ),
        PaperType(
            "处理意见书", "opinion.docx", "document", Section.REPLY_AND_FOLLOW_UP,
            "关于{petitioners}信访事项的处理意见书", "答",
            (Field("facts_reasons", "事实和理由"), Field("opinion", "处理意见", as_list=True),
             Field("legal_basis", "法律依据"),
             Field("outcome", "办理结果", choices=OPINION_OUTCOMES),
             Field("review_organ", "复查机关"),
             _opt("investigation", "调查经过", "本机关调阅了有关材料，听取了信访人陈述，并向有关单位和人员进行了调查核实。"),
             *_ISSUING),
            (*_BASICS, "unit"),
            ("信访事项处理意见书", "答复意见书"), issuer=UNIT, addressee=PETITIONER,
            cc=("review_organ", "org_name"),
        ),
        PaperType(
            "受理告知书", "accept.docx", "document", Section.REPLY_AND_FOLLOW_UP,
            "信访事项受理告知书", "受", _CONTACT, (*_BASICS, "unit", "due_on"),
        ),
        PaperType(
            "不予受理告知书", "reject.docx", "document", Section.REPLY_AND_FOLLOW_UP,
            "信访事项不予受理告知书", "不受",
            (Field("reason", "不予受理理由"), Field("legal_basis", "法律依据"),
             Field("proper_organ", "有权处理机关")),
            _BASICS,
        ),
        PaperType(
            "延期告知书", "extend.docx", "document", Section.REPLY_AND_FOLLOW_UP,
            "信访事项延期办理告知书", "延", (Field("reason", "延期理由"),),
            (*_BASICS, "unit", "due_on", "extended_due_on"),
        ),
        PaperType(
            "息诉罢访协议书", "agreement.docx", "document", Section.REPLY_AND_FOLLOW_UP,
            "{petitioners}息诉罢访协议书", None,
            (Field("clauses", "协议条款", as_list=True),
             _opt("fulfilment", "履行情况", "各条款的履行情况由甲方逐条记录并附卷。"),
             _opt("witness", "见证单位")),
            (*_BASICS, "petitioner_address", "unit", "facts"),
        ),
        PaperType(
            "回访记录", "follow-up.docx", "form", Section.REPLY_AND_FOLLOW_UP,
            "{petitioners}信访事项回访记录", None,
            (Field("visit_date", "回访日期"), Field("visit_method", "回访方式"),
             Field("visitors", "回访人"), Field("attitude", "满意程度", choices=ATTITUDES),
             Field("content", "回访内容"), _opt("carried_out", "落实情况"),
             _opt("remarks", "备注", "")),
            ("case_no", "petitioners", "demand", "unit", "follow_ups"),
        ),
        PaperType(
            "稳控方案", "stability.docx", "document", Section.STABILITY_MEASURES,
            "{petitioners}信访事项稳控方案", "",
            (Field("period", "稳控期间"), _opt("risk", "风险等级", "黄", choices=RISK_LEVELS),
             _opt("keeper", "稳控责任人"), *_CONTACT),
            (*_BASICS, "unit", "leader_name", "leader_post", "responsible_person",
             "stability_measures"),
            ("稳控措施",),
        ),
        PaperType(
            "送达回证", "service.docx", "form", Section.REPLY_AND_FOLLOW_UP,
            "送达回证（{served_doc}）", None,
            (Field("served_doc", "送达文书"), Field("method", "送达方式", choices=SERVICE_METHODS),
             _opt("recipient", "受送达人", ""), _opt("address", "送达地址", ""),
             _opt("copies", "件数", "1"), _opt("proxy", "代收人", ""),
             _opt("proxy_reason", "代收理由", ""), _opt("server", "送达人", ""),
             _opt("issuer", "填发人", ""), _opt("served_at", "送达时间", "年　月　日"),
             _opt("witness_person", "见证人", ""), _opt("refusal", "拒收理由", ""),
             _opt("remarks", "备考", "")),
            ("case_no", "petitioners", "petitioner_address", "category"),
        ),
    )
}  # fmt: skip


def get_paper_type(name: str) -> PaperType:
    """The paper type called ``name`` (or one of its aliases); NotFoundError lists the types."""
    if name in PAPER_TYPES:
        return PAPER_TYPES[name]
    for paper in PAPER_TYPES.values():
        if name in paper.aliases:
            return paper
    raise NotFoundError(f"没有文书类型“{name}”。可用类型：{'、'.join(PAPER_TYPES)}")


def all_field_keys(paper: PaperType | None = None) -> set[str]:
    """Jinja names a template may use: the case context plus the clerk fields."""
    papers = [paper] if paper else list(PAPER_TYPES.values())
    keys = set(CASE_FIELDS) | {"outcome_text", "review_deadline_text"}
    for p in papers:
        keys |= {f.key for f in p.fields}
    return keys
