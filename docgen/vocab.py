"""Domain vocabularies: the fixed value lists real 台账 use, with the everyday synonyms clerks type.

Each vocabulary maps a canonical Chinese value to itself and known variants to the canonical value.
"""

from __future__ import annotations

from enum import IntEnum

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

FORMS: tuple[str, ...] = ("来信", "来访", "网上信访", "电话", "12345热线", "其他")
FORM_SYNONYMS: dict[str, str] = {
    "信": "来信",
    "写信": "来信",
    "走访": "来访",
    "访": "来访",
    "网上": "网上信访",
    "网信": "网上信访",
    "网络": "网上信访",
    "12345": "12345热线",
    "热线": "12345热线",
    "电话信访": "电话",
    "其它": "其他",
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

STATUSES: tuple[str, ...] = ("待交办", "办理中", "已延期", "已办结", "已化解")
STATUS_SYNONYMS: dict[str, str] = {
    "未交办": "待交办",
    "在办": "办理中",
    "正在办理": "办理中",
    "办理": "办理中",
    "未化解": "办理中",
    "延期": "已延期",
    "延期办理": "已延期",
    "办结": "已办结",
    "已结案": "已办结",
    "结案": "已办结",
    "化解": "已化解",
    "已息诉": "已化解",
    "息诉罢访": "已化解",
}
CLOSED_STATUSES: frozenset[str] = frozenset({"已办结", "已化解"})

OUTCOMES: tuple[str, ...] = ("支持", "解释说明", "不予支持")
OUTCOME_SYNONYMS: dict[str, str] = {"予以支持": "支持", "部分支持": "支持", "解释": "解释说明"}

ATTITUDES: tuple[str, ...] = ("满意", "基本满意", "不满意")

# Case flags: English attribute name → Chinese label. 三跨 and 三分离 are each three flags.
FLAGS: dict[str, str] = {
    "repeat_visit": "重复访",
    "group_visit": "集体访",
    "provincial_group_visit": "赴省集体访",
    "beijing_abnormal_visit": "进京非正常访",
    "cross_region": "跨地区",
    "cross_department": "跨部门",
    "cross_industry": "跨行业",
    "person_household_separated": "人户分离",
    "person_matter_separated": "人事分离",
    "person_matter_household_separated": "人事户分离",
}


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
