"""The embedded default: a generated sample 台账 of fictional cases, laid out like a real office sheet.

A merged title row, a 填报 line, everyday header wording, a totals row and a 制表 line, so the
demo and the tests exercise the same import path as a clerk's own file. All people, ID numbers and
phone numbers are fictional (ID numbers carry valid GB 11643 check digits).
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from docgen.dates import cn_date
from docgen.idnumber import check_char
from docgen.vocab import CATEGORIES

SAMPLE_HEADERS = [
    "序号", "信访件编号", "信访人姓名", "身份证号码", "联系电话", "家庭住址", "人数", "信访形式",
    "交办层级", "问题类别", "主要诉求", "基本案情", "属地", "责任单位", "包案领导", "领导职务",
    "责任人", "承办人", "化解措施", "稳控措施", "登记日期", "受理日期", "交办日期", "状态",
    "重复访", "集体访", "三跨三分离",
]  # fmt: skip

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋"
_GIVEN = [
    "建国",
    "秀英",
    "志强",
    "桂兰",
    "德明",
    "海燕",
    "永红",
    "玉珍",
    "国华",
    "淑芬",
    "𠮷祥",
    "龘",
]
_STREETS = ["城关街道", "东湖街道", "南山镇", "河西街道", "新桥镇", "北苑街道"]
_ROADS = ["解放路", "人民路", "建设路", "和平路", "幸福里", "滨河路"]
_UNITS = {
    "土地征用": "区自然资源局",
    "房屋拆迁": "区住房和城乡建设局",
    "企业改制": "区国有资产服务中心",
    "涉法涉诉": "区委政法委员会",
    "劳动保障": "区人力资源和社会保障局",
    "环境保护": "市生态环境局本区分局",
    "教育卫生": "区卫生健康局",
    "涉军": "区退役军人事务局",
    "物业管理": "区住房和城乡建设局",
    "三农": "区农业农村局",
    "组织人事": "区委组织部",
    "民生": "区民政局",
    "其它遗留": "区信访局",
}
_DEMANDS = {
    "土地征用": ("要求补发土地征收补偿款及安置补助费", "2015年因道路建设征收其承包地3.2亩，认为补偿标准偏低且安置补助费未足额发放。"),
    "房屋拆迁": ("要求按新标准重新核定房屋征收补偿", "2016年旧城改造中其房屋被征收，认为评估价格过低，多次到区、市上访。"),
    "企业改制": ("要求解决企业改制时的身份置换补偿", "原区属纺织厂2003年改制，本人工龄买断补偿未按政策足额发放。"),
    "涉法涉诉": ("对民间借贷纠纷判决不服，要求再审", "2019年一审判决败诉，二审维持，认为证据认定有误，长期申诉。"),
    "劳动保障": ("要求追讨拖欠工资并补缴社会保险", "在某建筑工地务工，施工方拖欠工资8万余元，并未为其缴纳社会保险。"),
    "环境保护": ("反映小区旁搅拌站噪音和粉尘扰民", "小区东侧混凝土搅拌站夜间作业，噪音粉尘严重，要求关停搬迁。"),
    "教育卫生": ("反映医疗纠纷，要求医院赔偿", "其父在区医院住院期间病情恶化去世，认为医院存在过错，要求赔偿。"),
    "涉军": ("要求落实退役士兵安置待遇", "1998年退役后未按政策安置工作，要求落实生活补助和社保待遇。"),
    "物业管理": ("反映物业公司挪用维修基金", "小区物业公司未经业主大会同意动用专项维修资金，要求公开账目。"),
    "三农": ("反映村集体土地收益分配不公", "村集体土地流转收益分配方案未经村民代表会议讨论，本人未分得收益。"),
    "组织人事": ("要求落实原民办教师待遇", "本人曾任民办教师十二年，要求按政策落实教龄补贴和养老待遇。"),
    "民生": ("要求解决低保资格认定问题", "家庭因病致贫，申请最低生活保障被拒，认为认定程序有误。"),
    "其它遗留": ("要求解决历史遗留的房屋产权登记问题", "1990年代单位集资建房至今未办理不动产登记，影响子女入学。"),
}  # fmt: skip
_LEADERS = [
    ("张伟", "区委常委、常务副区长"),
    ("李静", "副区长"),
    ("王强", "区委常委、政法委书记"),
    ("赵敏", "区人大常委会副主任"),
    ("陈刚", "副区长"),
]
_STATUSES = ["在办", "在办", "在办", "延期", "已办结", "已化解", "未交办"]


def fake_id_number(rng: random.Random, born: dt.date) -> str:
    first17 = f"3301{rng.randint(2, 9):02d}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return first17 + check_char(first17)


def sample_rows(count: int = 30, seed: int = 2024) -> list[list[object]]:
    """Data rows matching SAMPLE_HEADERS, deterministic for a seed."""
    rng = random.Random(seed)
    start = dt.date(2024, 1, 8)
    rows: list[list[object]] = []
    for n in range(1, count + 1):
        category = CATEGORIES[(n - 1) % len(CATEGORIES)]
        demand, facts = _DEMANDS[category]
        group = n % 7 == 0
        people = 3 if group else 1
        names = [rng.choice(_SURNAMES) + rng.choice(_GIVEN) for _ in range(people)]
        born = [
            dt.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28)) for _ in names
        ]
        ids = [fake_id_number(rng, b) for b in born]
        phones = [f"13{rng.randint(5, 9)}{rng.randint(0, 99999999):08d}" for _ in names]
        street = rng.choice(_STREETS)
        address = f"某市某区{street}{rng.choice(_ROADS)}{rng.randint(1, 200)}号"
        registered = start + dt.timedelta(days=rng.randint(0, 300))
        accepted = registered + dt.timedelta(days=rng.randint(1, 10))
        assigned = accepted + dt.timedelta(days=rng.randint(0, 5))
        leader, post = _LEADERS[n % len(_LEADERS)]
        status = _STATUSES[n % len(_STATUSES)]
        rows.append(
            [
                n,
                f"XF{registered.year}-{n:04d}",
                "、".join(names),
                "、".join(ids),
                "、".join(phones),
                address,
                rng.randint(8, 40) if group else 1,
                rng.choice(["来访", "来信", "网上信访"]),
                rng.choice(["省", "市", "区", "本级排查"]),
                category,
                demand,
                facts,
                street,
                _UNITS[category],
                leader,
                post,
                f"{_UNITS[category]}分管负责人",
                rng.choice(["周明", "吴芳", "郑磊", "孙丽"]),
                "召开包案会商会，逐项核查诉求，依法依规答复并做好解释疏导。",
                "落实专人联系，敏感时期每日掌握动态，做到人动我知。",
                cn_date(registered),
                accepted,
                assigned.strftime("%Y.%m.%d").replace(".0", "."),
                status,
                "是" if n % 3 == 0 else "否",
                "是" if group else "否",
                "人户分离" if n % 5 == 0 else "",
            ]
        )
    return rows


def write_sample_ledger(path: Path, count: int = 30, seed: int = 2024) -> Path:
    """Write the sample 台账 as a clerk would lay it out (title, 填报 line, totals, 制表 line)."""
    rows = sample_rows(count, seed)
    wb = Workbook()
    ws = wb.active
    ws.title = "积案台账"
    width = len(SAMPLE_HEADERS)
    ws.append(["某区信访积案化解工作台账（2024年度）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws["A1"].font = Font(size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(
        ["填报单位：某区信访局（盖章）", None, None, None, None, None, "填报日期：2024年12月20日"]
    )
    ws.append(SAMPLE_HEADERS)
    for row in rows:
        ws.append(row)
    for r in range(4, 4 + len(rows)):
        for c in (21, 22, 23):
            if ws.cell(r, c).is_date:
                ws.cell(r, c).number_format = "yyyy-mm-dd"
    ws.append(["合计", f"{len(rows)}件"])
    ws.append([])
    ws.append(["制表人：周明", None, None, "审核人：李静"])
    wb.save(path)
    return path
