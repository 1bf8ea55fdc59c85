"""Ledger columns: every field a 台账 can carry, its Chinese header, the everyday variants, its type.

This table is the single source for import header matching, validation, export headers and the
``case edit --set 字段=值`` names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal[
    "text", "date", "int", "bool", "category", "group", "form", "source", "status", "outcome"
]
Target = Literal["case", "petitioner", "flags"]


@dataclass(frozen=True)
class FieldSpec:
    name: str  # English attribute name (Case / Petitioner column)
    label: str  # canonical Chinese header
    variants: tuple[str, ...] = ()
    kind: Kind = "text"
    required: bool = False
    target: Target = "case"
    max_len: int = 20000

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.variants)


FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("seq", "序号", ("编号", "排序")),
    FieldSpec(
        "case_no",
        "案件编号",
        (
            "信访件编号",
            "信访编号",
            "案件号",
            "件号",
            "信访件号",
            "登记编号",
            "登记号",
            "信访件登记号",
        ),
        max_len=64,
    ),
    FieldSpec(
        "name",
        "信访人",
        ("信访人姓名", "姓名", "信访人员", "上访人", "当事人", "信访群众"),
        required=True,
        target="petitioner",
        max_len=500,
    ),
    FieldSpec(
        "id_number",
        "身份证号",
        ("身份证号码", "公民身份号码", "证件号码", "身份证", "公民身份证号码"),
        target="petitioner",
        max_len=500,
    ),
    FieldSpec(
        "phone",
        "联系电话",
        ("电话", "手机", "手机号", "手机号码", "联系方式", "电话号码"),
        target="petitioner",
        max_len=500,
    ),
    FieldSpec(
        "address",
        "住址",
        ("家庭住址", "地址", "现住址", "户籍地址", "住所", "居住地址"),
        target="petitioner",
    ),
    FieldSpec("head_count", "人数", ("信访人数", "涉及人数", "来访人数"), kind="int"),
    FieldSpec(
        "form",
        "信访形式",
        ("形式", "信访方式", "反映渠道", "渠道", "信访渠道", "来信来访方式"),
        kind="form",
    ),
    FieldSpec("source", "来源", ("交办层级", "案件来源", "来源层级", "交办来源"), kind="source"),
    FieldSpec(
        "category",
        "问题类别",
        ("类别", "问题分类", "信访类别", "问题类型", "问题性质", "信访问题类别"),
        kind="category",
        required=True,
    ),
    FieldSpec(
        "demand",
        "诉求",
        (
            "反映问题",
            "主要诉求",
            "信访诉求",
            "信访内容",
            "诉求内容",
            "反映的主要问题",
            "内容摘要",
            "诉求摘要",
            "主要问题",
        ),
        required=True,
    ),
    FieldSpec("facts", "基本案情", ("案情", "案情简介", "简要案情", "基本情况")),
    FieldSpec("locality", "属地", ("问题发生地", "所属地", "所属镇街", "乡镇街道"), max_len=64),
    FieldSpec(
        "unit",
        "责任单位",
        ("承办单位", "主办单位", "责任主体", "办理单位", "责任部门", "承办部门"),
        required=True,
        max_len=128,
    ),
    FieldSpec("leader_name", "包案领导", ("包联领导", "责任领导", "包案领导姓名"), max_len=32),
    FieldSpec("leader_post", "包案领导职务", ("领导职务", "职务"), max_len=64),
    FieldSpec("responsible_person", "责任人", ("具体责任人", "专办人员"), max_len=64),
    FieldSpec("handler", "承办人", ("经办人", "承办人员"), max_len=64),
    FieldSpec("resolution_measures", "化解措施", ("工作措施", "办理情况", "化解情况", "化解方案")),
    FieldSpec("stability_measures", "稳控措施", ("稳控情况", "稳控方案")),
    FieldSpec(
        "registered_on",
        "登记日期",
        ("信访日期", "来信来访日期", "收到时间", "登记时间", "收件日期"),
        kind="date",
    ),
    FieldSpec("accepted_on", "受理日期", ("受理时间",), kind="date"),
    FieldSpec("assigned_on", "交办日期", ("交办时间",), kind="date"),
    FieldSpec(
        "due_on",
        "办结时限",
        ("限办日期", "办结期限", "限办时间", "办理时限", "办理期限", "化解时限"),
        kind="date",
    ),
    FieldSpec("extension_approved", "延期", ("是否延期", "延期批准"), kind="bool"),
    FieldSpec("extended_due_on", "延期时限", ("延期至", "延期后时限"), kind="date"),
    FieldSpec("closed_on", "办结日期", ("办结时间", "结案日期"), kind="date"),
    FieldSpec(
        "status",
        "状态",
        ("目前状态", "办理状态", "化解状态", "目前状况", "当前状态", "化解进展"),
        kind="status",
    ),
    FieldSpec("outcome", "办理结果", ("处理结果", "结果", "处理意见"), kind="outcome"),
    FieldSpec(
        "repeat_visit", "重复访", ("是否重复访", "是否重复信访"), kind="bool", target="flags"
    ),
    FieldSpec("group_visit", "集体访", ("是否集体访",), kind="bool", target="flags"),
    FieldSpec(
        "provincial_group_visit", "赴省集体访", ("是否赴省集体访",), kind="bool", target="flags"
    ),
    FieldSpec("provincial_visit", "赴省访", ("是否赴省访",), kind="bool", target="flags"),
    FieldSpec("beijing_visit", "进京访", ("是否进京访",), kind="bool", target="flags"),
    FieldSpec("abnormal_visit", "非正常访", ("是否非正常访",), kind="bool", target="flags"),
    FieldSpec(
        "beijing_abnormal_visit", "进京非正常访", ("是否进京非正常访",), kind="bool", target="flags"
    ),
    FieldSpec(
        "three_cross",
        "三跨三分离",
        ("三跨三分离情况", "三跨", "三分离", "是否三跨三分离"),
        target="flags",
    ),
    FieldSpec("flags", "标志", ("标记", "案件标志", "重点类别"), target="flags"),
    FieldSpec(
        "category_group", "归类", ("问题归类", "积案归类", "所属类别"), kind="group", max_len=16
    ),
    FieldSpec("remarks", "备注", ("说明",)),
)

# Header variants that name a field only when no other column does: 办理情况 is progress text and
# yields to a real 化解措施 column (it is then kept in 附加信息, and the report says so).
WEAK_HEADERS: frozenset[str] = frozenset({"办理情况", "化解情况", "说明", "职务", "结果"})
# Columns of our own 错误行 file: recognised on re-import and never stored.
IGNORED_HEADERS: frozenset[str] = frozenset({"原行号", "错误原因", "原工作表"})
# Columns our own ``ledger export`` derives (never input): recognised on re-import, not stored.
DERIVED_HEADERS: frozenset[str] = frozenset({"是否超期", "剩余天数"})
# --mapping targets that keep a column in 附加信息 (or drop it) instead of naming a field.
EXTRA_TARGETS: frozenset[str] = frozenset({"附加信息", "extra"})
IGNORE_TARGETS: frozenset[str] = frozenset({"忽略", "ignore"})

_BY_NAME = {f.name: f for f in FIELDS}
_NOISE = re.compile(r"[\s*＊:：]|（[^）]*）|\([^)]*\)")


def field_by_name(name: str) -> FieldSpec | None:
    """Look a field up by English name, Chinese label or any header variant."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    return HEADER_INDEX.get(normalise_header(name))


def normalise_header(text: str) -> str:
    """Strip what clerks add around a header: spaces, line breaks, '*', '（必填）', colons."""
    return _NOISE.sub("", text)


HEADER_INDEX: dict[str, FieldSpec] = {normalise_header(h): f for f in FIELDS for h in f.headers}
