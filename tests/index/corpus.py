"""Synthetic petition corpus: seed → IndexDocs with known answers and a labelled query set.

Cases of several topics each yield a ledger record and a handful of papers (one of them a scan
without text). Petitioner names include rare characters (𠮷 U+20BB7, 龘, 䶮, 𫖮 U+2B5AE).
Exact-string answers (names, ID numbers, phones, case numbers, phrases) are checked against the
generated text, so the labels stay true when templates change. Also used by ``bench/search.py``.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from docgen.index import IndexDoc

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段漕钱汤尹黎易常武乔贺赖龚文"
COMPOUND_SURNAMES = ["欧阳", "司马", "诸葛", "上官", "东方"]
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲兰凤洁梅琳素云莲真环雪荣爱妹香月莹媛瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝思丽"
RARE = ["𠮷", "龘", "䶮", "𫖮", "堃", "喆", "赟", "犇", "淼", "燚"]

PLACES = ["朝阳区", "海淀区", "丰台区", "石景山区", "通州区", "顺义区", "大兴区", "昌平区"]
STREETS = ["和平街道", "建国门街道", "花园路街道", "学院路街道", "新村街道", "永定路街道"]
UNITS = ["住房和城乡建设委员会", "人力资源和社会保障局", "城市管理委员会", "卫生健康委员会",
         "生态环境局", "规划和自然资源分局", "市场监督管理局", "民政局"]  # fmt: skip
LEADERS = ["区委副书记", "副区长", "区政府秘书长", "区信访局局长", "街道党工委书记"]
STATUSES = ["已受理", "办理中", "已办结", "复查中"]

# topic → (category, phrase in titles/text, responsible unit index)
TOPICS: dict[str, tuple[str, str, int]] = {
    "wage": ("劳动保障", "拖欠工资", 1),
    "wage_alt": ("劳动保障", "欠薪", 1),
    "land": ("征地拆迁", "征地拆迁", 5),
    "property": ("城乡建设", "物业纠纷", 0),
    "medical": ("卫生健康", "医疗纠纷", 3),
    "pollution": ("生态环境", "环境污染", 4),
    "pension": ("社会保障", "社保待遇", 1),
    "housing": ("城乡建设", "房屋质量", 0),
}

FILLER = [
    "经调查核实，信访人反映的情况基本属实。",
    "依据《信访工作条例》第三十二条的规定，现将有关情况答复如下。",
    "责任单位高度重视，成立工作专班，明确专人负责。",
    "包案领导多次召集相关部门召开协调会，研究解决办法。",
    "承办人员于当日与信访人取得联系，听取其诉求和意见。",
    "相关部门已将处理意见书面送达信访人，并做好解释说明工作。",
    "请责任单位在规定期限内办结，并将办理结果报送区联席办。",
    "下一步将继续做好跟踪回访和稳控工作，防止问题反复。",
    "信访人对处理结果表示理解，同意签订息诉罢访协议。",
    "经多次沟通协调，双方就补偿标准达成一致意见。",
    "街道综治中心已建立专门台账，实行销号管理。",
    "为切实维护群众合法权益，各部门加强协作配合。",
    "如对本答复意见不服，可自收到之日起三十日内申请复查。",
    "回访中信访人表示满意，未再提出新的诉求。",
    "目前该事项已纳入重点督办范围，定期通报办理进度。",
    "办理过程中严格落实首办责任制，做到件件有回音。",
]
KINDS = [
    ("ledger", "信访事项台账记录", None),
    ("notice", "信访事项受理告知书", 1),
    ("assign", "交办函", 2),
    ("report", "查办报告", 4),
    ("reply", "信访事项处理意见书", 5),
    ("visit", "回访记录", 5),
    ("scan", "送达回证（扫描件）", 5),
]


def _id_number(rng: random.Random, birth: dt.date) -> str:
    area = rng.choice(["110105", "110108", "110106", "110107", "110112", "110113"])
    body = f"{area}{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


@dataclass
class Case:
    case_no: str
    topic: str
    name: str
    id_number: str
    phone: str
    place: str
    street: str
    unit: str
    leader: str
    status: str
    date: dt.date
    doc_ids: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Labelled:
    query: str
    relevant: frozenset[str]
    kind: str


@dataclass
class Corpus:
    docs: list[IndexDoc]
    cases: list[Case]
    queries: list[Labelled]

    def by_id(self) -> dict[str, IndexDoc]:
        return {d.doc_id: d for d in self.docs}


def _names(rng: random.Random, count: int, rare_every: int) -> list[str]:
    names: list[str] = []
    blob = "".join(FILLER + PLACES + STREETS + UNITS + LEADERS + [k[1] for k in KINDS])
    while len(names) < count:
        surname = rng.choice(COMPOUND_SURNAMES) if rng.random() < 0.05 else rng.choice(SURNAMES)
        given = "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if rare_every and len(names) % rare_every == 0:
            given = given[:-1] + RARE[(len(names) // rare_every) % len(RARE)]
        name = surname + given
        if name in blob or any(name in n or n in name for n in names):
            continue
        names.append(name)
    return names


def make_cases(n_cases: int, seed: int = 7, unique_names: bool = True) -> list[Case]:
    rng = random.Random(seed)
    if unique_names:
        names = _names(rng, n_cases, rare_every=5)
    else:
        names = [
            rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN) for _ in range(n_cases)
        ]
    topics = list(TOPICS)
    cases = []
    for i in range(n_cases):
        topic = topics[i % len(topics)]
        place = rng.choice(PLACES)
        date = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(700))
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(18000))
        cases.append(
            Case(
                case_no=f"XF{date.year}-{i + 1:05d}",
                topic=topic,
                name=names[i],
                id_number=_id_number(rng, birth),
                phone=f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
                place=place,
                street=rng.choice(STREETS),
                unit=place + UNITS[TOPICS[topic][2]],
                leader=rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(LEADERS),
                status=rng.choice(STATUSES),
                date=date,
            )
        )
    return cases


def case_docs(case: Case, rng: random.Random, text_chars: int = 320) -> Iterator[IndexDoc]:
    category, phrase, _ = TOPICS[case.topic]
    for n, (kind, label, section) in enumerate(KINDS):
        doc_id = f"doc:{case.case_no}:{n}"
        case.doc_ids.append(doc_id)
        date = case.date + dt.timedelta(days=n * 7)
        title = f"关于{case.name}反映{phrase}问题的{label}"
        doc_number = f"{case.place[:2]}信转〔{date.year}〕{int(case.case_no[-5:])}号"
        personal = kind in ("ledger", "notice")
        if kind == "scan":
            text = ""
        else:
            head = (
                f"{case.name}，住{case.place}{case.street}，"
                + (f"身份证号{case.id_number}，联系电话{case.phone}，" if personal else "")
                + f"于{case.date.year}年{case.date.month}月{case.date.day}日来访，"
                f"反映{phrase}问题，案件编号{case.case_no}，"
                f"责任单位为{case.unit}，包案领导{case.leader}。"
            )
            parts = [head]
            while sum(map(len, parts)) < text_chars:
                parts.append(rng.choice(FILLER))
            text = "".join(parts)
        yield IndexDoc(
            doc_id=doc_id,
            case_no=case.case_no,
            kind=kind,
            section=section,
            title=title,
            text=text,
            date=date,
            category=category,
            unit=case.unit,
            leader=case.leader,
            status=case.status,
            flags=("重点",) if int(case.case_no[-5:]) % 4 == 0 else (),
            doc_number=doc_number if kind == "assign" else "",
            id_numbers=(case.id_number,) if personal else (),
            phones=(case.phone,) if personal else (),
            path=f"cases/{case.case_no}/{n:02d}-{kind}.{'pdf' if kind == 'scan' else 'docx'}",
            has_text=kind != "scan",
        )


def iter_docs(n_docs: int, seed: int = 11, text_chars: int = 500) -> Iterator[IndexDoc]:
    """``n_docs`` documents lazily (for benchmarks); names need not be unique."""
    rng = random.Random(seed)
    cases = make_cases(n_docs // len(KINDS) + 1, seed=seed, unique_names=False)
    produced = 0
    for case in cases:
        for doc in case_docs(case, rng, text_chars):
            if produced == n_docs:
                return
            produced += 1
            yield doc


def _searchable(doc: IndexDoc) -> str:
    return " ".join((doc.title, doc.text, doc.case_no, doc.doc_number, doc.unit, doc.leader))


def build(n_cases: int = 150, seed: int = 7) -> Corpus:
    """A corpus of ``n_cases`` cases (7 documents each) with its labelled query set."""
    rng = random.Random(seed)
    cases = make_cases(n_cases, seed)
    docs = [doc for case in cases for doc in case_docs(case, rng)]
    text = {d.doc_id: _searchable(d) for d in docs}

    def containing(s: str) -> frozenset[str]:
        return frozenset(i for i, t in text.items() if s in t)

    queries: list[Labelled] = []
    named = [c for c in cases if any(r in c.name for r in RARE)][:10]
    named += [c for c in cases if not any(r in c.name for r in RARE)][:15]
    for c in named:
        assert containing(c.name) == frozenset(c.doc_ids), c.name  # names are unique
        queries.append(Labelled(c.name, frozenset(c.doc_ids), "name"))
    for c in cases[:12]:
        queries.append(Labelled(c.case_no, frozenset(c.doc_ids), "case_no"))
    for c in cases[20:32]:
        with_id = frozenset(d.doc_id for d in docs if c.id_number in d.id_numbers)
        queries.append(Labelled(c.id_number, with_id, "id_number"))
    for c in cases[40:50]:
        queries.append(Labelled(c.phone, containing(c.phone), "phone"))
    prefix = cases[60].id_number[:10]
    queries.append(
        Labelled(
            prefix,
            frozenset(d.doc_id for d in docs if any(i.startswith(prefix) for i in d.id_numbers)),
            "id_prefix",
        )
    )
    for phrase in ("息诉罢访协议", "信访工作条例", "成立工作专班", "跟踪回访", "重点督办"):
        queries.append(Labelled(f'"{phrase}"', containing(phrase), "phrase"))
    for topic, (_, phrase, _) in TOPICS.items():
        rel = frozenset(i for c in cases if c.topic == topic for i in c.doc_ids)
        assert containing(phrase) == rel, phrase
        queries.append(Labelled(phrase, rel, "topic"))
    land_cy = frozenset(
        i for c in cases if c.topic == "land" and c.place == "朝阳区" for i in c.doc_ids
    )
    queries.append(Labelled("征地拆迁 朝阳区", land_cy, "boolean"))
    prop = frozenset(
        i for c in cases if c.topic == "property" and c.place != "海淀区" for i in c.doc_ids
    )
    queries.append(Labelled("物业纠纷 NOT 海淀区", prop, "boolean"))
    either = frozenset(i for c in cases if c.topic in ("medical", "pollution") for i in c.doc_ids)
    queries.append(Labelled("医疗纠纷 OR 环境污染", either, "boolean"))
    return Corpus(docs=docs, cases=cases, queries=[q for q in queries if q.relevant])
