"""Domain vocabularies: the fixed value lists real 台账 use, with the everyday synonyms clerks type.

Each vocabulary maps a canonical Chinese value to itself and known variants to the canonical value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum

from docgen.errors import ValidationError

# 问题类别 → 归类 (组织人事 / 民生 / 其它遗留).
CATEGORY_GROUPS: dict[str, str] = {
    "土地征用": "其它遗留",
    "房屋拆迁": "其它遗留",
    "企业改制": "组织人事",
    "涉法涉诉": "其它遗留",
    "劳动保障": "民生",
    "环境保护": "民生",
    "教育卫生": "民生",
    "涉军": "组织人事",
    "物业管理": "民生",
    "三农": "民生",
    "组织人事": "组织人事",
    "民生": "民生",
    "其它遗留": "其它遗留",
}
CATEGORIES: tuple[str, ...] = tuple(CATEGORY_GROUPS)
CATEGORY_SYNONYMS: dict[str, str] = {
    "征地": "土地征用",
    "土地征收": "土地征用",
    "征地拆迁": "土地征用",
    "拆迁": "房屋拆迁",
    "房屋征收": "房屋拆迁",
    "改制": "企业改制",
    "国企改制": "企业改制",
    "涉诉": "涉法涉诉",
    "诉讼": "涉法涉诉",
    "劳动社保": "劳动保障",
    "社会保障": "劳动保障",
    "劳动和社会保障": "劳动保障",
    "劳动社会保障": "劳动保障",
    "劳资纠纷": "劳动保障",
    "欠薪": "劳动保障",
    "环保": "环境保护",
    "生态环境": "环境保护",
    "教育": "教育卫生",
    "医疗卫生": "教育卫生",
    "卫生": "教育卫生",
    "军队转业": "涉军",
    "退役军人": "涉军",
    "物业": "物业管理",
    "农村农业": "三农",
    "农业农村": "三农",
    "人事": "组织人事",
    "其他遗留": "其它遗留",
    "其他": "其它遗留",
    "其它": "其它遗留",
}

# 归类: the campaign's three classes (组织人事问题类 / 民生问题类 / 其它遗留问题类).
GROUPS: tuple[str, ...] = ("组织人事", "民生", "其它遗留")
GROUP_SYNONYMS: dict[str, str] = {"其他遗留": "其它遗留", "其他": "其它遗留", "其它": "其它遗留"}

FORMS: tuple[str, ...] = ("来信", "来访", "网上信访", "电话", "12345热线", "其他")
FORM_SYNONYMS: dict[str, str] = {
    "信": "来信",
    "写信": "来信",
    "信件": "来信",
    "走访": "来访",
    "访": "来访",
    "上访": "来访",
    "网上": "网上信访",
    "网信": "网上信访",
    "网络": "网上信访",
    "网上投诉": "网上信访",
    "领导信箱": "网上信访",
    "市长信箱": "网上信访",
    "书记信箱": "网上信访",
    "网上来信": "网上信访",
    "12345": "12345热线",
    "热线": "12345热线",
    "电话信访": "电话",
    "其它": "其他",
}
# Words inside a 信访形式 value that are flags, not the form (赴省集体访 = 来访 + 赴省 + 集体访).
# Longest first; each word sets these flags. What is left must be a form (or nothing → 来访).
FORM_FLAG_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("非正常上访", ("abnormal_visit",)),
    ("非正常访", ("abnormal_visit",)),
    ("集体上访", ("group_visit",)),
    ("集体访", ("group_visit",)),
    ("重复访", ("repeat_visit",)),
    ("非正常", ("abnormal_visit",)),
    ("集访", ("group_visit",)),
    ("集体", ("group_visit",)),
    ("重复", ("repeat_visit",)),
    ("赴省", ("provincial_visit",)),
    ("进京", ("beijing_visit",)),
)
# Combined flags the campaign counts, derived from the parts.
COMBINED_FLAGS: dict[str, tuple[str, ...]] = {
    "provincial_group_visit": ("provincial_visit", "group_visit"),
    "beijing_abnormal_visit": ("beijing_visit", "abnormal_visit"),
}

SOURCES: tuple[str, ...] = ("中央", "省", "市", "区", "本级排查")
SOURCE_SYNONYMS: dict[str, str] = {
    "中央交办": "中央",
    "国家信访局": "中央",
    "国家": "中央",
    "省交办": "省",
    "省级": "省",
    "市交办": "市",
    "市级": "市",
    "区交办": "区",
    "区级": "区",
    "县": "区",
    "本级": "本级排查",
    "排查": "本级排查",
    "自查": "本级排查",
}

# 状态: each a real state of a case; nothing is squashed into a neighbour.
STATUSES: tuple[str, ...] = (
    "待交办",
    "已交办",
    "已受理",
    "办理中",
    "稳控中",
    "已延期",
    "已答复",
    "已办结",
    "已化解",
    "不予受理",
    "已导入法定程序",
)
STATUS_SYNONYMS: dict[str, str] = {
    "未交办": "待交办",
    "交办": "已交办",
    "已转交": "已交办",
    "受理": "已受理",
    "在办": "办理中",
    "正在办理": "办理中",
    "办理": "办理中",
    "未化解": "办理中",
    "稳控": "稳控中",
    "延期": "已延期",
    "延期办理": "已延期",
    "答复": "已答复",
    "已出具意见": "已答复",
    "办结": "已办结",
    "已结案": "已办结",
    "结案": "已办结",
    "化解": "已化解",
    "已息诉": "已化解",
    "息诉罢访": "已化解",
    "已息诉罢访": "已化解",
    "不受理": "不予受理",
    "导入法定程序": "已导入法定程序",
    "已导入诉讼程序": "已导入法定程序",
    "导入诉讼程序": "已导入法定程序",
    "已导入法律程序": "已导入法定程序",
    "导入法律程序": "已导入法定程序",
}
CLOSED_STATUSES: frozenset[str] = frozenset({"已办结", "已化解"})
# States in which the 信访 procedure's time limit no longer runs (replied, refused, or handed to
# a legal procedure) though the case is not 办结: such a case is never overdue.
ENDED_STATUSES: frozenset[str] = CLOSED_STATUSES | {"已答复", "不予受理", "已导入法定程序"}

OUTCOMES: tuple[str, ...] = ("支持", "部分支持", "解释说明", "不予支持")
OUTCOME_SYNONYMS: dict[str, str] = {"予以支持": "支持", "解释": "解释说明"}

ATTITUDES: tuple[str, ...] = ("满意", "基本满意", "不满意")

# Case flags: English attribute name → Chinese label. 三跨 and 三分离 are each three flags.
FLAGS: dict[str, str] = {
    "repeat_visit": "重复访",
    "group_visit": "集体访",
    "provincial_group_visit": "赴省集体访",
    "beijing_abnormal_visit": "进京非正常访",
    "provincial_visit": "赴省访",
    "beijing_visit": "进京访",
    "abnormal_visit": "非正常访",
    "cross_region": "跨地区",
    "cross_department": "跨部门",
    "cross_industry": "跨行业",
    "person_household_separated": "人户分离",
    "person_matter_separated": "人事分离",
    "person_matter_household_separated": "人事户分离",
}
# 备注 tags and flag-column wording → flags (重复赴省集体访 = 重复访 + 赴省 + 集体访).
FLAG_TAG_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    *FORM_FLAG_WORDS,
    ("三跨三分离", ()),
    ("跨地区", ("cross_region",)),
    ("跨区域", ("cross_region",)),
    ("跨部门", ("cross_department",)),
    ("跨行业", ("cross_industry",)),
    ("人事户分离", ("person_matter_household_separated",)),
    ("人户分离", ("person_household_separated",)),
    ("人事分离", ("person_matter_separated",)),
)

# 责任单位 aliases: the short names clerks write → the unit's full name, so that statistics by
# unit count one unit once. A workspace adds its own in vocabulary.json (section 责任单位).
UNIT_ALIASES: dict[str, str] = {
    "区人社局": "区人力资源和社会保障局",
    "区人力社保局": "区人力资源和社会保障局",
    "区法院": "区人民法院",
    "区检察院": "区人民检察院",
    "区住建局": "区住房和城乡建设局",
    "区建设局": "区住房和城乡建设局",
    "区规资局": "区规划和自然资源局",
    "区自然资源局": "区规划和自然资源局",
    "区卫健局": "区卫生健康局",
    "区卫健委": "区卫生健康委员会",
    "区教体局": "区教育体育局",
    "区民政": "区民政局",
    "区退役军人局": "区退役军人事务局",
    "区农业局": "区农业农村局",
    "区市监局": "区市场监督管理局",
    "区市场监管局": "区市场监督管理局",
    "区财政": "区财政局",
}


def units_named(text: str, aliases: Mapping[str, str] = UNIT_ALIASES) -> list[str]:
    """The full unit names whose short name contains ``text`` (filters: 人社局 → 区人力资源和社会
    保障局, since the ledger stores the full name)."""
    return sorted({full for short, full in aliases.items() if text in short})


class Section(IntEnum):
    """The six "六有" dossier sections, in binding order."""

    CASE_MATERIALS = 1
    ASSIGNMENT = 2
    LEADER_ASSIGNMENT = 3
    INVESTIGATION_REPORT = 4
    REPLY_AND_FOLLOW_UP = 5
    STABILITY_MEASURES = 6

    @property
    def label(self) -> str:
        return SECTION_LABELS[self]


SECTION_LABELS: dict[Section, str] = {
    Section.CASE_MATERIALS: "基本案情材料",
    Section.ASSIGNMENT: "交办案件台帐及交办函",
    Section.LEADER_ASSIGNMENT: "确定包案领导和责任人的文件或纪要",
    Section.INVESTIGATION_REPORT: "包案领导签字的查办报告及相关材料",
    Section.REPLY_AND_FOLLOW_UP: "答复信访人的书面材料和回访材料",
    Section.STABILITY_MEASURES: "目前采取的稳控措施",
}


def normalise(value: str, canonical: tuple[str, ...], synonyms: dict[str, str]) -> str | None:
    """Return the canonical form of ``value``, or None when it is not in the vocabulary."""
    v = value.strip()
    if v in canonical:
        return v
    return synonyms.get(v)


# --- vocabularies, bundled + workspace-extended -------------------------------------------------

VOCAB_FILE = "vocabulary.json"  # in the workspace root: {"状态": {"挂牌督办": "办理中"}, ...}
_SPACE = re.compile(r"\s+")
_PARTS = re.compile(r"[/／\\|、·—\-－]+")
_CLASS_SUFFIXES = ("问题类", "问题", "类")


@dataclass(frozen=True)
class Vocab:
    """One vocabulary: its allowed values and the synonyms that stand for them."""

    label: str  # the field's Chinese label, for messages
    values: tuple[str, ...]
    synonyms: Mapping[str, str] = field(default_factory=dict)
    open: bool = False  # any value is allowed (责任单位): synonyms only normalise
    hierarchical: bool = False  # “城乡建设/房屋拆迁”, “组织人事问题类”: try the parts

    def lookup(self, text: str) -> str | None:
        """The canonical value of ``text``, or None when it is not in the vocabulary."""
        v = _SPACE.sub("", text)
        found = self._one(v)
        if found is None and self.hierarchical:
            for part in reversed([p for p in _PARTS.split(v) if p]):
                if (found := self._one(part)) is not None:
                    break
        if found is None and self.open:
            return v
        return found

    def _one(self, v: str) -> str | None:
        if v in self.synonyms:
            return self.synonyms[v]
        if v in self.values:
            return v
        if self.hierarchical:
            for suffix in _CLASS_SUFFIXES:
                if v.endswith(suffix) and len(v) > len(suffix):
                    stem = v.removesuffix(suffix)
                    if stem in self.values or stem in self.synonyms:
                        return self.synonyms.get(stem, stem)
        return None

    def allowed(self) -> str:
        return "、".join(self.values)


# Sections of vocabulary.json → vocabulary kind.
VOCAB_SECTIONS: dict[str, str] = {
    "问题类别": "category",
    "归类": "group",
    "信访形式": "form",
    "来源": "source",
    "状态": "status",
    "办理结果": "outcome",
    "责任单位": "unit",
}

_BUNDLED: dict[str, Vocab] = {
    "category": Vocab("问题类别", CATEGORIES, CATEGORY_SYNONYMS, hierarchical=True),
    "group": Vocab("归类", GROUPS, GROUP_SYNONYMS, hierarchical=True),
    "form": Vocab("信访形式", FORMS, FORM_SYNONYMS),
    "source": Vocab("来源", SOURCES, SOURCE_SYNONYMS),
    "status": Vocab("状态", STATUSES, STATUS_SYNONYMS),
    "outcome": Vocab("办理结果", OUTCOMES, OUTCOME_SYNONYMS),
    "unit": Vocab("责任单位", (), UNIT_ALIASES, open=True),
}


@dataclass(frozen=True)
class Vocabularies:
    """Every everyday-value vocabulary the ledger and ``case edit`` understand."""

    by_kind: Mapping[str, Vocab]

    def __getitem__(self, kind: str) -> Vocab:
        return self.by_kind[kind]

    @classmethod
    def bundled(cls) -> Vocabularies:
        return cls(_BUNDLED)

    @classmethod
    def extended(cls, extensions: Mapping[str, object] | None, source: str = VOCAB_FILE):
        """The bundled vocabularies plus a workspace's ``{"段名": {"写法": "规范值"}}``.

        A synonym must stand for an allowed value (责任单位: any full unit name).
        """
        if not extensions:
            return cls.bundled()
        if not isinstance(extensions, Mapping):
            raise ValidationError(f'{source} 应为 JSON 对象：{{"状态": {{"写法": "规范值"}}}}')
        by_kind = dict(_BUNDLED)
        problems: list[str] = []
        for section, entries in extensions.items():
            kind = VOCAB_SECTIONS.get(section)
            if kind is None:
                problems.append(f"未知的词表“{section}”，可选：{'、'.join(VOCAB_SECTIONS)}")
                continue
            if not isinstance(entries, Mapping):
                problems.append(f'词表“{section}”应为对象：{{"写法": "规范值"}}')
                continue
            base = by_kind[kind]
            synonyms = dict(base.synonyms)
            for spelling, value in entries.items():
                target = base.lookup(str(value)) if not base.open else str(value).strip()
                if not target:
                    problems.append(
                        f"词表“{section}”中“{spelling}”对应的“{value}”不是可选值"
                        f"（可选：{base.allowed()}）"
                    )
                    continue
                synonyms[_SPACE.sub("", str(spelling))] = target
            by_kind[kind] = Vocab(base.label, base.values, synonyms, base.open, base.hierarchical)
        if problems:
            raise ValidationError(f"{source}：" + "；".join(problems))
        return cls(by_kind)
