"""Paper types as data: each type is a declaration file beside its template
(``templates/papers/交办函.toml`` + ``assign.docx``), read here with ``tomllib``.

A declaration names the type (and its aliases), its template, format variant, 六有 section, 文号
代字 suffix, who issues it and to whom, its 题名 pattern, the case fields it prints and the clerk
fields it takes (kind, choices, length cap, default). A workspace adds or replaces types with its
own declarations in its ``templates/`` folder (``docgen paper new-type``). No code names a type:
what a type does beyond printing text is a declared property (``assignment``, ``reply``, …).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.errors import NotFoundError, ValidationError
from docgen.templates import TEMPLATES_DIR
from docgen.vocab import Section

BLANK = "________"  # printed where an optional value is missing, to be filled in by hand
BUNDLED_DIR = TEMPLATES_DIR / "papers"
DECLARATION_SUFFIX = ".toml"

#: Who issues a paper / to whom: the workspace's 信访 organ, the case's 责任单位, the 包案领导's
#: organ (a clerk value), the petitioner.
ORG, UNIT, LEADER_ORGAN, PETITIONER = "org", "unit", "leader_organ", "petitioner"
ROLE_LABELS = {ORG: "信访机构", UNIT: "责任单位", LEADER_ORGAN: "包案领导所在机关",
               PETITIONER: "信访人"}  # fmt: skip
#: Where a paper's 文号 代字 comes from: the workspace's (``org``) or the issuing organ's.
CODE_SOURCES = ("org", "issuer")

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


#: ``--set`` length caps (characters): names and short values, one-line values, long text (the
#: same cap as the ledger's long-text columns, 20,000). A declaration may state its own cap.
MAX_CHARS = {"short": 64, "line": 500, "text": 20_000}
FIELD_KIND_LABELS = {"text": "文本", "long": "长文本", "date": "日期", "datetime": "日期时间",
                     "choice": "选项", "number": "数字"}  # fmt: skip
#: The cap of a field whose declaration states none, by kind.
DEFAULT_CAPS = {"text": MAX_CHARS["line"], "long": MAX_CHARS["text"], "date": MAX_CHARS["short"],
                "datetime": MAX_CHARS["short"], "choice": MAX_CHARS["short"],
                "number": MAX_CHARS["short"]}  # fmt: skip


@dataclass(frozen=True)
class Field:
    key: str  # Jinja name in the template (may be the Chinese label itself)
    label: str  # Chinese name the clerk types in --set
    required: bool = True
    default: str = BLANK
    choices: tuple[str, ...] = ()
    as_list: bool = False  # split on newlines / “；” into numbered items
    kind: str = "text"  # the input a form shows: text, long, date, datetime, choice, number
    max_chars: int = MAX_CHARS["text"]
    fill_from: str = ""  # a case context key whose value stands in when the clerk gives none
    cites_paper: bool = False  # names a paper of the case: printed as its catalog 题名 and 文号
    agrees_with: str = ""  # a list field whose per-item answers this outcome must agree with
    phrases: tuple[tuple[str, str], ...] = ()  # choice → the phrase printed as ``{key}_text``


@dataclass(frozen=True)
class PaperType:
    name: str  # Chinese name, the CLI's TYPE
    template: str  # file name in templates/papers (or the workspace's templates/)
    variant: str  # format variant: document / letter / minutes / form
    section: Section
    title: str  # catalog 题名, a str.format pattern over the context
    code_suffix: str | None = None  # None: no 文号; "": the 发文代字 itself; else 代字 + suffix
    fields: tuple[Field, ...] = ()
    case_fields: tuple[str, ...] = ()  # the case context keys the text uses
    aliases: tuple[str, ...] = ()
    issuer: str = ORG  # who issues it (ORG / UNIT / LEADER_ORGAN); a clerk's 发文机关 value wins
    addressee: str = ""  # to whom (ORG / UNIT / PETITIONER); a clerk's 主送 value wins
    cc: tuple[str, ...] = ()  # context keys of the organs copied (抄送); the issuer is left out
    code_from: str = "org"  # whose 发文代字 the 文号 takes: the workspace's or the issuer's
    event: str = ""  # the case timeline's event for this paper (交办, 答复, …)
    assignment: bool = False  # the paper that assigns the case: its 文号 is the 交办文号
    records_visit: bool = False  # writes up a 回访: links the case's visits
    service_receipt: bool = False  # records that another paper was served (送达时间)
    reply: bool = False  # an answer to the petitioner: not dated after the case was closed
    extension: bool = False  # extends the deadline: dated before the original deadline
    before_acceptance: bool = False  # may be dated before the case was accepted
    source: str = ""  # the declaration file it was read from

    @property
    def required(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.required)

    @property
    def optional(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if not f.required)

    def doc_code(self, code: str) -> str | None:
        return None if self.code_suffix is None else code + self.code_suffix


# --- reading declarations ---------------------------------------------------------------------

_TYPE_KEYS = {"name", "aliases", "template", "variant", "section", "code_suffix", "title",
              "issuer", "addressee", "cc", "code_from", "event", "assignment",
              "records_visit", "service_receipt", "reply", "extension", "before_acceptance",
              "case_fields", "fields"}  # fmt: skip
_FIELD_KEYS = {"key", "label", "kind", "required", "list", "choices", "max_chars", "default",
               "fill_from", "cites_paper", "agrees_with", "phrases"}  # fmt: skip
_FLAGS = ("assignment", "records_visit", "service_receipt", "reply", "extension",
          "before_acceptance")  # fmt: skip
_VARIANT_LABELS = {"document": "公文", "letter": "信函", "minutes": "纪要", "form": "表格"}
#: Names a template may use besides the declared ones: context entries derived from others.
DERIVED_KEYS = {"doc_code", "recorded_facts", "forced_over"}
#: Clerk fields with a meaning to the issuing rule: 出具机关 (a role's label), the 包案领导's organ,
#: the issuing organ's own 发文代字.
ISSUED_BY, LEADER_ORGAN_FIELD, SENDER_CODE = "issued_by", "leader_organ", "sender_code"


class _Reader:
    """One declaration's values, with Chinese errors naming the file and the key."""

    def __init__(self, path: Path, data: dict[str, Any], where: str = "") -> None:
        self.path, self.data, self.where = path, data, where

    def fail(self, key: str, problem: str) -> ValidationError:
        return ValidationError(f"文书类型声明 {self.path.name}{self.where}的“{key}”{problem}")

    def text(self, key: str, default: str | None = None, *, empty: bool = False) -> str:
        value = self.data.get(key, default)
        if value is None:
            raise self.fail(key, "缺失")
        if not isinstance(value, str) or (not empty and not value.strip()):
            raise self.fail(key, "应为非空文字")
        return value.strip() if not empty else value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(key, '应为文字列表（如 ["甲", "乙"]）')
        return tuple(v.strip() for v in value)

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "应为 true 或 false")
        return value

    def one_of(self, key: str, allowed: dict[str, str] | tuple[str, ...], default: str) -> str:
        """``allowed``: the values themselves, or {value: its Chinese label} (either is taken)."""
        value = self.text(key, default, empty=True)
        options = allowed if isinstance(allowed, dict) else {a: a for a in allowed}
        by_label = {label: name for name, label in options.items()}
        if value not in options and value not in by_label:
            raise self.fail(key, f"只能是：{'、'.join(options)}（收到“{value}”）")
        return value if value in options else by_label[value]


def _role(reader: _Reader, key: str, value: str) -> str:
    labels = {label: role for role, label in ROLE_LABELS.items()}
    role = labels.get(value, value)
    if role not in ROLE_LABELS:
        raise reader.fail(key, f"只能是：{'、'.join(ROLE_LABELS)}（收到“{value}”）")
    return role


def _field(path: Path, data: Any, n: int) -> Field:
    if not isinstance(data, dict):
        raise ValidationError(f"文书类型声明 {path.name} 的第 {n} 个字段应为 [[fields]] 表")
    r = _Reader(path, data, f" 第 {n} 个字段")
    if unknown := sorted(set(data) - _FIELD_KEYS):
        raise r.fail(unknown[0], f"不是字段的设置项（可用：{'、'.join(sorted(_FIELD_KEYS))}）")
    label = r.text("label")
    key = r.text("key", label)
    if not key.isidentifier():
        raise r.fail("key", "只能由汉字、字母、数字和下划线组成，且不以数字开头")
    choices = r.texts("choices")
    as_list = r.flag("list")
    kind = r.one_of(
        "kind", FIELD_KIND_LABELS, "choice" if choices else "long" if as_list else "text"
    )
    if (kind == "choice") != bool(choices):
        raise r.fail("choices", '须与 kind = "choice" 同时给出')
    cap = data.get("max_chars", DEFAULT_CAPS[kind])
    if not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= MAX_CHARS["text"]:
        raise r.fail("max_chars", f"应为 1 至 {MAX_CHARS['text']} 的整数")
    required = r.flag("required", True)
    default = r.text("default", BLANK, empty=True)
    if choices and not required and default not in (*choices, BLANK, ""):
        raise r.fail("default", f"不在可选值中（{'、'.join(choices)}）")
    phrases = data.get("phrases", {})
    if not isinstance(phrases, dict) or not all(isinstance(v, str) for v in phrases.values()):
        raise r.fail("phrases", '应为 选项 = "文字" 的表')
    if stray := sorted(set(phrases) - set(choices)):
        raise r.fail("phrases", f"含有不在可选值中的“{stray[0]}”")
    return Field(
        key, label, required=required, default=default, choices=choices, as_list=as_list,
        kind=kind, max_chars=cap, fill_from=r.text("fill_from", "", empty=True),
        cites_paper=r.flag("cites_paper"), agrees_with=r.text("agrees_with", "", empty=True),
        phrases=tuple(phrases.items()),
    )  # fmt: skip


def read_declaration(path: Path) -> PaperType:
    """The paper type declared in ``path`` (a .toml file); ValidationError names what is wrong."""
    import tomllib

    try:
        data = tomllib.loads(path.read_text("utf-8"))
    except UnicodeDecodeError:
        raise ValidationError(f"文书类型声明 {path.name} 不是 UTF-8 文本") from None
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"文书类型声明 {path.name} 格式有误：{exc}") from None
    r = _Reader(path, data, " ")
    if unknown := sorted(set(data) - _TYPE_KEYS):
        raise r.fail(unknown[0], f"不是文书类型的设置项（可用：{'、'.join(sorted(_TYPE_KEYS))}）")
    name = r.text("name")
    section = data.get("section")
    if not isinstance(section, int) or isinstance(section, bool) or section not in iter(Section):
        raise r.fail("section", "应为六有分类 1 至 6")
    raw_fields = data.get("fields", [])
    if not isinstance(raw_fields, list):
        raise r.fail("fields", "应为 [[fields]] 表的列表")
    fields = tuple(_field(path, f, n) for n, f in enumerate(raw_fields, 1))
    keys = [k for f in fields for k in {f.key, f.label}]
    if dup := next((k for k in keys if keys.count(k) > 1), None):
        raise r.fail("fields", f"中“{dup}”重复")
    case_fields = r.texts("case_fields")
    if stray := [k for k in case_fields if k not in CASE_FIELDS]:
        labels = {v: k for k, v in CASE_FIELDS.items()}
        if not all(k in labels for k in stray):
            bad = next(k for k in stray if k not in labels)
            raise r.fail("case_fields", f"含有未知的案件字段“{bad}”")
        case_fields = tuple(labels.get(k, k) for k in case_fields)
    code_suffix = data.get("code_suffix")
    if code_suffix is not None and not isinstance(code_suffix, str):
        raise r.fail("code_suffix", '应为文字（"" 表示用发文代字本身；不写则无文号）')
    issuer = _role(r, "issuer", r.text("issuer", ORG))
    addressee = r.text("addressee", "", empty=True)
    return PaperType(
        name=name,
        template=r.text("template", path.with_suffix(".docx").name),
        variant=r.one_of("variant", _VARIANT_LABELS, "document"),
        section=Section(section),
        title=r.text("title"),
        code_suffix=code_suffix,
        fields=fields,
        case_fields=case_fields,
        aliases=r.texts("aliases"),
        issuer=issuer,
        addressee=_role(r, "addressee", addressee) if addressee else "",
        cc=r.texts("cc"),
        code_from=r.one_of("code_from", CODE_SOURCES, "org"),
        event=r.text("event", "", empty=True),
        **{flag: r.flag(flag) for flag in _FLAGS},
        source=str(path),
    )


def read_folder(folder: Path) -> dict[str, PaperType]:
    """Every declaration in ``folder`` by type name (files in name order)."""
    types: dict[str, PaperType] = {}
    for path in sorted(folder.glob(f"*{DECLARATION_SUFFIX}")):
        paper = read_declaration(path)
        if paper.name in types:
            raise ValidationError(
                f"文书类型“{paper.name}”声明了两次：{Path(types[paper.name].source).name}、{path.name}"
            )
        types[paper.name] = paper
    return types


@functools.cache
def bundled_types() -> dict[str, PaperType]:
    """The bundled paper types, in the order of the 六有 sections (then file name); read when
    first asked for (23 declarations: a command that uses none does not parse them)."""
    return dict(sorted(read_folder(BUNDLED_DIR).items(), key=lambda item: int(item[1].section)))


if TYPE_CHECKING:
    PAPER_TYPES: dict[str, PaperType]


def __getattr__(name: str) -> Any:
    if name == "PAPER_TYPES":  # the bundled types, as a module constant (``bundled_types()``)
        return bundled_types()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.lru_cache(maxsize=8)
def _workspace_types(folder: str, stamp: tuple[tuple[str, int], ...]) -> dict[str, PaperType]:
    return read_folder(Path(folder))


def paper_types(templates_dir: Path | None = None) -> dict[str, PaperType]:
    """The bundled types plus (or replaced by) the workspace's own declarations."""
    if templates_dir is None or not templates_dir.is_dir():
        return bundled_types()
    files = sorted(templates_dir.glob(f"*{DECLARATION_SUFFIX}"))
    if not files:
        return bundled_types()
    stamp = tuple((p.name, p.stat().st_mtime_ns) for p in files)
    return bundled_types() | _workspace_types(str(templates_dir), stamp)


def get_paper_type(name: str, templates_dir: Path | None = None) -> PaperType:
    """The paper type called ``name`` (or one of its aliases); NotFoundError lists the types."""
    types = paper_types(templates_dir)
    if name in types:
        return types[name]
    for paper in types.values():
        if name in paper.aliases:
            return paper
    raise NotFoundError(f"没有文书类型“{name}”。可用类型：{'、'.join(types)}")


def find_type(kind: str) -> PaperType | None:
    """The bundled type of a catalogued document's kind, if it is one (attached scans are not)."""
    try:
        return get_paper_type(kind)
    except NotFoundError:
        return None


def kinds_where(flag: str) -> tuple[str, ...]:
    """Names of the bundled types with the declared property ``flag`` (e.g. ``reply``)."""
    return tuple(p.name for p in bundled_types().values() if getattr(p, flag))


def all_field_keys(paper: PaperType | None = None) -> set[str]:
    """Jinja names a template may use: the case context plus the clerk fields, each by its key
    and by its Chinese label (``{{ 信访人 }}``) where the label is a name."""
    papers = [paper] if paper else list(bundled_types().values())
    keys = set(CASE_FIELDS) | {label for label in CASE_FIELDS.values() if label.isidentifier()}
    keys |= DERIVED_KEYS
    for p in papers:
        for f in p.fields:
            keys |= {f.key, f.label} if f.label.isidentifier() else {f.key}
            if f.phrases:
                keys.add(f"{f.key}_text")
    return keys
