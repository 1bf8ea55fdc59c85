"""Ledgers as offices keep them, built in code: every shape of issue 12, with bad rows of each kind.

Each test reads a real file (xlsx, xls, ods, csv) into a real SQLite catalog and checks every count
and every message.
"""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from docgen.archive.cases import get_case
from docgen.archive.ledger_io import import_ledger
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.model import Case
from tests.conftest import VALID_IDS, Cli

TODAY = dt.date(2025, 3, 1)


def count(ws: Workspace) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(Case))


def case_of(ws: Workspace, case_no: str) -> Case:
    with ws.session() as s:
        case = get_case(s, case_no)
        s.expunge_all()
        return case


def xlsx(
    path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None
) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
        for ref in (merges or {}).get(name, []):
            ws.merge_cells(ref)
    wb.save(path)
    return path


# --- a clerk's 台账: everyday values --------------------------------------------------------------

CLERK_HEADERS = ["序号", "案件编号", "信访人", "身份证号", "联系电话", "信访形式", "问题类别", "诉求",
                 "责任单位", "目前状态", "办理结果", "受理日期", "办结时限", "是否三跨三分离", "备注"]  # fmt: skip


def clerk_row(n: int, **kw: object) -> list[object]:
    row = {"序号": n, "案件编号": f"XF2024-{n:03d}", "信访人": f"群众{n}", "身份证号": VALID_IDS[n % 4],
           "联系电话": f"1390571{n:04d}", "信访形式": "来访", "问题类别": "劳动保障", "诉求": f"诉求{n}",
           "责任单位": "区人社局", "目前状态": "在办", "办理结果": None, "受理日期": dt.date(2024, 6, 1),
           "办结时限": None, "是否三跨三分离": "否", "备注": None}  # fmt: skip
    row.update(kw)
    return [row[h] for h in CLERK_HEADERS]


def test_everyday_values_are_understood(workspace: Workspace, tmp_path: Path) -> None:
    rows = [
        clerk_row(1, 信访形式="赴省集体访", 目前状态="已交办", 联系电话="139 0571 0003"),
        clerk_row(
            2,
            信访形式="进京非正常访",
            目前状态="已答复",
            联系电话="+86 138 0571 8888",
            办结时限="2024年8月20日前",
            问题类别="劳动和社会保障",
        ),
        clerk_row(
            3,
            信访形式="来访（集体访）",
            目前状态="稳控中",
            是否三跨三分离="是（跨部门）",
            身份证号="\t11010519491231002x",
            办结时限="2024年12月底",
            问题类别="三农问题",
        ),
        clerk_row(
            4,
            信访形式="网上投诉",
            目前状态="已导入法定程序",
            受理日期="6月30日",
            身份证号="'110105491231002",
            办理结果="部分支持",
            问题类别="组织人事问题类",
        ),
        clerk_row(
            5,
            信访形式="来信",
            备注="重复进京非正常访",
            目前状态="不予受理",
            办结时限="2024年9月下旬",
            问题类别="城乡建设/房屋拆迁",
        ),
        clerk_row(6, 信访形式="赴京上访", 目前状态="挂起", 受理日期="上旬"),  # three unknown values
    ]
    title = [["某区信访积案台账"], ["填报单位：某区信访局", None, "填报日期：2024年7月5日"]]
    path = xlsx(tmp_path / "clerk.xlsx", {"台账": [*title, CLERK_HEADERS, *rows, ["填表人：周明"]]})
    result = import_ledger(workspace, path, skip_invalid=True, today=TODAY)
    assert [str(e) for e in result.errors] == [
        "第 9 行“信访形式”列：“赴京上访”不是有效的信访形式，可选：来信、来访、网上信访、电话、"
        "12345热线、其他（可含 集体访、重复访、赴省、进京、非正常访，如“赴省集体访”）",
        "第 9 行“目前状态”列：“挂起”不是有效的状态，可选：待交办、已交办、已受理、办理中、稳控中、"
        "已延期、已答复、已办结、已化解、不予受理、已导入法定程序",
        "第 9 行“受理日期”列：“上旬”不是可识别的日期，请写成 2024-6-10 或 2024年6月10日",
    ]
    assert (result.created, result.updated, result.skipped) == (5, 0, 1)
    (sheet,) = result.sheets
    assert (sheet.rows, sheet.title_and_header, sheet.ignored) == (
        10,
        3,
        {"填表人、审核人等落款行": 1},
    )
    assert sheet.accounted == sheet.rows
    assert (
        "1 个日期未写年份（如“6月30日”），按 2024 年读取（第 2 行的填报时间“填报日期：2024年7月5日”）"
        in result.notes
    )
    assert "责任单位“区人社局”按单位别名表统一为“区人力资源和社会保障局”（5 行）" in result.notes

    c1 = case_of(workspace, "XF2024-001")
    assert (c1.form, c1.status, c1.petitioners[0].phone) == ("来访", "已交办", "13905710003")
    assert c1.flag_labels == ["集体访", "赴省集体访", "赴省访"]
    assert c1.unit == "区人力资源和社会保障局"
    c2 = case_of(workspace, "XF2024-002")
    assert c2.flag_labels == ["进京非正常访", "进京访", "非正常访"]
    assert (c2.status, c2.due_on, c2.category, c2.petitioners[0].phone) == (
        "已答复", dt.date(2024, 8, 20), "劳动保障", "13805718888")  # fmt: skip
    c3 = case_of(workspace, "XF2024-003")
    assert (c3.form, c3.status, c3.due_on, c3.category) == (
        "来访",
        "稳控中",
        dt.date(2024, 12, 31),
        "三农",
    )
    assert c3.flag_labels == ["集体访", "跨部门"]
    assert c3.petitioners[0].id_number == "11010519491231002X"
    c4 = case_of(workspace, "XF2024-004")
    assert (c4.form, c4.status, c4.outcome, c4.accepted_on) == (
        "网上信访", "已导入法定程序", "部分支持", dt.date(2024, 6, 30))  # fmt: skip
    assert (c4.category, c4.category_group, c4.petitioners[0].id_number) == (
        "组织人事", "组织人事", "110105491231002")  # fmt: skip
    c5 = case_of(workspace, "XF2024-005")
    assert c5.flag_labels == ["重复访", "进京非正常访", "进京访", "非正常访"]
    assert (c5.status, c5.due_on, c5.category) == ("不予受理", dt.date(2024, 9, 30), "房屋拆迁")
    assert c5.remarks == "重复进京非正常访"  # the tag stays as written


def test_all_errors_of_a_row_at_once(workspace: Workspace, tmp_path: Path) -> None:
    row = clerk_row(
        1, 身份证号="110105194912310021", 联系电话="12345", 问题类别="外星人", 受理日期="2024-2-30"
    )
    path = xlsx(tmp_path / "e.xlsx", {"Sheet1": [CLERK_HEADERS, row]})
    result = import_ledger(workspace, path, today=TODAY)
    assert [str(e) for e in result.errors] == [
        "第 2 行“问题类别”列：“外星人”不是有效的问题类别，可选：土地征用、房屋拆迁、企业改制、涉法涉诉、"
        "劳动保障、环境保护、教育卫生、涉军、物业管理、三农、组织人事、民生、其它遗留",
        "第 2 行“受理日期”列：“2024-2-30”不是真实存在的日期",
        "第 2 行“身份证号”列：身份证号 110105********0021 校验位错误（按 GB 11643 应为 X）",
        "第 2 行“联系电话”列：“12345”不像电话号码（手机 11 位，座机如 0571-88001234）",
    ]
    assert count(workspace) == 0 and result.sheets[0].refused == 1


# --- a two-row merged header, no 案件编号, a 填表人/审核人 footer -------------------------------------

TOP = ["序号", "信访人", None, None, "反映问题", None, "问题类别", "责任单位", "包案领导", None,
       "办理情况", "化解措施", "归类"]  # fmt: skip
SUB = [None, "姓名", "身份证号", "联系电话", "信访形式", "主要诉求", None, None, "姓名", "职务",
       None, None, None]  # fmt: skip
MERGES = ["A3:A4", "B3:D3", "E3:F3", "G3:G4", "H3:H4", "I3:J3", "K3:K4", "L3:L4", "M3:M4"]


def two_row(n: int, **kw: object) -> list[object]:
    row = [n, f"信访人{n}", VALID_IDS[n % 4], f"1380571{n:04d}", "来访", f"要求解决问题{n}", "民生",
           "区法院", "王强", "副区长", "已约谈", "落实补偿", "民生问题类"]  # fmt: skip
    for k, v in kw.items():
        row[int(k[1:])] = v
    return row


def two_row_book(path: Path, rows: list[list[object]]) -> Path:
    sheet = [["信访积案排查化解情况统计表"], ["填报单位：某区信访局", None, None, "填报时间：2024年9月1日"],
             TOP, SUB, *rows, [None], ["合计", f"{len(rows)}件"], ["填表人：周明", None, "审核人：李华"]]  # fmt: skip
    return xlsx(path, {"统计表": sheet}, {"统计表": ["A1:M1", *MERGES]})


def test_two_row_header_without_case_numbers(workspace: Workspace, tmp_path: Path) -> None:
    rows = [two_row(1), two_row(2, c2="110105194912310021", c3="139 0571 x", c12="外星类"),
            two_row(3, c6="其它遗留问题类", c12=None), two_row(1)]  # fmt: skip
    path = two_row_book(tmp_path / "two.xlsx", rows)
    result = import_ledger(workspace, path, skip_invalid=True, today=TODAY)
    (sheet,) = result.sheets
    assert sheet.header_rows == "第 3–4 行"
    assert dict((h, f) for h, f in sheet.columns) == {
        "序号": "序号", "信访人·姓名": "信访人", "信访人·身份证号": "身份证号", "信访人·联系电话": "联系电话",
        "反映问题·信访形式": "信访形式", "反映问题·主要诉求": "诉求", "问题类别": "问题类别", "责任单位": "责任单位",
        "包案领导·姓名": "包案领导", "包案领导·职务": "包案领导职务", "化解措施": "化解措施", "归类": "归类",
    }  # fmt: skip
    assert sheet.unknown_columns == ["办理情况"]
    assert sheet.notes == [
        "“办理情况”与“化解措施”都可对应字段“化解措施”：按规则取“化解措施”，“办理情况”原样保存在附加信息中"
    ]
    assert [str(e) for e in result.errors] == [
        "第 6 行“归类”列：“外星类”不是有效的归类，可选：组织人事、民生、其它遗留",
        "第 6 行“信访人·身份证号”列：身份证号 110105********0021 校验位错误（按 GB 11643 应为 X）",
        "第 6 行“信访人·联系电话”列：“139 0571 x”不像电话号码（手机 11 位，座机如 0571-88001234）",
        "第 8 行：与第 5 行是同一信访人的同一诉求（重复登记）",
    ]
    assert (sheet.rows, sheet.title_and_header, sheet.created, sheet.refused) == (11, 4, 2, 2)
    assert sheet.ignored == {"空行": 1, "合计行": 1, "填表人、审核人等落款行": 1}
    assert sheet.accounted == 11
    assert result.notes[-1] == (
        "表中没有案件编号：2 行中 0 行按信访人身份（身份证号，无身份证号时按姓名+诉求）对应到已导入的案件，"
        "2 件新编号，规则为“发文代字+导入年份-序号”（某信交2025-0001 起，续接已有最大号）"
    )
    c = case_of(workspace, "某信交2025-0001")
    assert (c.demand, c.leader_name, c.leader_post, c.unit) == (
        "要求解决问题1",
        "王强",
        "副区长",
        "区人民法院",
    )
    assert (c.category_group, c.resolution_measures, c.extra) == (
        "民生",
        "落实补偿",
        {"办理情况": "已约谈"},
    )
    assert case_of(workspace, "某信交2025-0002").category_group == "其它遗留"

    # the error file imports again once corrected; its 原行号/错误原因 are not stored
    wb = load_workbook(result.error_file)
    header, *data = [list(r) for r in wb.active.values]
    assert header[0] == "原行号" and header[-1] == "错误原因" and [d[0] for d in data] == [6, 8]
    fixed_row = [*data[0][:3], VALID_IDS[2], "13905710002", *data[0][5:13], "民生", data[0][14]]
    fixed = xlsx(tmp_path / "fixed.xlsx", {"错误行": [header, fixed_row]})
    again = import_ledger(workspace, fixed, today=TODAY)
    assert again.errors == [] and again.created == 1
    assert again.sheets[0].ignored_columns == ["原行号", "错误原因"]
    assert case_of(workspace, "某信交2025-0003").extra == {"办理情况": "已约谈"}

    # a second import of the same ledger updates by petitioner identity: no duplicates
    second = import_ledger(workspace, two_row_book(tmp_path / "two2.xlsx", [two_row(1, c11="补偿到位"),
                                                                           two_row(3)]), today=TODAY)  # fmt: skip
    assert (second.created, second.updated) == (0, 2) and count(workspace) == 3
    assert case_of(workspace, "某信交2025-0001").resolution_measures == "补偿到位"


def test_competing_columns_are_named_for_mapping(workspace: Workspace, tmp_path: Path) -> None:
    headers = ["信访人", "电话", "手机", "问题类别", "诉求", "责任单位"]
    path = xlsx(
        tmp_path / "c.xlsx",
        {"Sheet1": [headers, ["甲", "13800000001", "13800000002", "三农", "x", "y"]]},
    )
    with pytest.raises(ValidationError) as err:
        import_ledger(workspace, path)
    assert str(err.value) == (
        "c.xlsx 第 1 行表头：“电话”与“手机”都对应字段“联系电话”，请删除其一，或用 --mapping 指定"
        '（如 {"手机": "附加信息"}）'
    )
    mapping = tmp_path / "m.json"
    mapping.write_text(json.dumps({"手机": "附加信息"}, ensure_ascii=False), "utf-8")
    result = import_ledger(workspace, path, mapping_file=mapping)
    assert result.created == 1 and result.unknown_columns == ["手机"]


# --- a GBK CSV from an older system ------------------------------------------------------------


def test_gbk_csv_from_an_older_system(workspace: Workspace, tmp_path: Path) -> None:
    header = "登记编号,信访人,身份证号,联系电话,信访方式,问题分类,内容摘要,办理单位,办理期限,化解状态,办理结果,登记时间\r\n"
    lines = [
        f'DJ-1,甲,\t{VALID_IDS[0]},+86 138 0571 8888,网上投诉,城乡建设/房屋拆迁,"第一行\n第二行",区住建局,2024-12-31,已受理,部分支持,2023-11-05 09:32:11\r\n',
        f"DJ-2,乙,{VALID_IDS[1]},0571-88001234,领导信箱,劳动保障,含\u2028分隔与\x85的诉求,区人社局,2024年12月底,延期办理,,2023-11-06\r\n",
        "DJ-3,丙,,13800000003,电话,三农,不予受理的诉求,区农业局,2024.6.10,不予受理,,2023/11/7\r\n",
        "DJ-4,丁,,13800000004,交办,三农,x,y,2024-1-1,交办,,2023-11-08\r\n",  # 交办 is no 信访形式
        "DJ-5,戊,,13800000005,来信,三农,坏\x0b字符,y,2024-1-1,交办,,2023-11-08\r\n",
    ]
    path = tmp_path / "old.csv"
    path.write_bytes((header + "".join(lines)).encode("gb18030"))
    result = import_ledger(workspace, path, skip_invalid=True, today=TODAY)
    assert [str(e) for e in result.errors] == [
        "第 5 行“信访方式”列：“交办”不是有效的信访形式，可选：来信、来访、网上信访、电话、12345热线、其他"
        "（可含 集体访、重复访、赴省、进京、非正常访，如“赴省集体访”）",
        "第 6 行“内容摘要”列：含不可见的控制字符，请删除后再导入",
    ]
    assert (result.created, result.skipped, result.unknown_columns) == (3, 2, [])
    (sheet,) = result.sheets
    assert (sheet.rows, sheet.title_and_header, sheet.created, sheet.refused) == (6, 1, 3, 2)
    bad = list(load_workbook(result.error_file).active.values)
    assert bad[2][7] == "坏⟦U+000B⟧字符"  # made visible in the error file (docgen.chars' one rule)
    c1 = case_of(workspace, "DJ-1")
    assert (c1.form, c1.category, c1.demand, c1.unit, c1.due_on, c1.status, c1.outcome) == (
        "网上信访", "房屋拆迁", "第一行\n第二行", "区住房和城乡建设局", dt.date(2024, 12, 31), "已受理", "部分支持")  # fmt: skip
    assert (c1.registered_on, c1.petitioners[0].phone, c1.petitioners[0].id_number) == (
        dt.date(2023, 11, 5), "13805718888", VALID_IDS[0])  # fmt: skip
    c2 = case_of(workspace, "DJ-2")
    assert (c2.form, c2.status, c2.due_on) == ("网上信访", "已延期", dt.date(2024, 12, 31))
    assert c2.demand == "含\u2028分隔与\x85的诉求"
    assert c2.petitioners[0].phone == "0571-88001234"
    c3 = case_of(workspace, "DJ-3")
    assert (c3.status, c3.due_on, c3.unit) == ("不予受理", dt.date(2024, 6, 10), "区农业农村局")


def test_csv_cell_over_the_csv_module_limit(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text(
        '信访人,问题类别,诉求,责任单位\n甲,三农,"' + "长" * 140_000 + '",区农业局\n', "utf-8"
    )
    result = import_ledger(workspace, path)
    assert [str(e) for e in result.errors] == [
        "第 2 行“诉求”列：内容过长（140000 字，最多 20000 字）"
    ]
    path.write_text(
        '信访人,问题类别,诉求,责任单位\n甲,三农,"' + "长" * (1 << 20 | 1) + '",y\n', "utf-8"
    )
    with pytest.raises(ValidationError, match=r"big.csv 第 2 行无法读取：单元格超过 1048576 字"):
        import_ledger(workspace, path)


# --- one sheet per 镇 ------------------------------------------------------------------------------

TOWN = ["序号", "信访人", "身份证号", "问题类别", "诉求", "责任单位"]


def towns_book(path: Path) -> Path:
    return xlsx(path, {
        "甲镇": [["甲镇信访积案台账"], TOWN, [1, "张一", VALID_IDS[0], "三农", "修路", "甲镇政府"],
                 [2, "张二", None, "三农", "修桥", "甲镇政府"]],
        "乙镇": [TOWN, [1, "李一", None, "环保", "噪音", "区环保局"], [2, "李二", None, "外星", "x", "y"],
                 [None], ["审核人：王五"]],
        "说明": [["本表按镇分列，每镇一个工作表。"], ["填报说明：……"]],
        "区住建局": [["序号", "信访人", "问题类别", "诉求"], [1, "赵一", "房屋拆迁", "补偿"]],
    })  # fmt: skip


def test_one_sheet_per_town(workspace: Workspace, tmp_path: Path) -> None:
    path = towns_book(tmp_path / "towns.xlsx")
    result = import_ledger(workspace, path, skip_invalid=True, today=TODAY)
    assert [str(e) for e in result.errors] == [
        "工作表“乙镇”第 3 行“问题类别”列：“外星”不是有效的问题类别，可选：土地征用、房屋拆迁、企业改制、"
        "涉法涉诉、劳动保障、环境保护、教育卫生、涉军、物业管理、三农、组织人事、民生、其它遗留"
    ]
    counts = {
        s.name: (s.rows, s.title_and_header, s.created, s.refused, s.ignored) for s in result.sheets
    }
    assert counts == {
        "甲镇": (4, 2, 2, 0, {}),
        "乙镇": (5, 1, 1, 1, {"空行": 1, "填表人、审核人等落款行": 1}),
        "区住建局": (2, 1, 1, 0, {}),
    }
    assert all(s.accounted == s.rows for s in result.sheets)
    assert result.skipped_sheets == [{"name": "说明", "rows": 2, "reason": (
        "不是台账：前 20 行中没有找到表头行（至少要能识别 3 个列名，如 信访人、问题类别、诉求、责任单位）。"
        "列名不同的，请用 --mapping 指定列映射文件")}]  # fmt: skip
    # the sheet name fills 属地 (a 镇) or 责任单位 (a 局) where no column does
    towns = {c.case_no: (c.locality, c.unit) for c in _all(workspace)}
    assert towns["某信交2025-0001"] == ("甲镇", "甲镇政府")
    assert towns["某信交2025-0003"] == ("乙镇", "区环保局")
    assert towns["某信交2025-0004"] == (None, "区住房和城乡建设局")


def _all(ws: Workspace) -> list[Case]:
    with ws.session() as s:
        cases = list(s.scalars(select(Case).options(selectinload(Case.petitioners))))
        s.expunge_all()
        return cases


def test_cli_refused_rows_exit_nonzero_even_with_skip_invalid(run: Cli, tmp_path: Path) -> None:
    path = towns_book(tmp_path / "towns.xlsx")
    dry = run("ledger", "import", str(path), "--dry-run", ok=False)
    assert dry.exit_code == 1 and "试运行（--dry-run）：未写入任何内容。" in dry.output
    assert "表头对应：序号 → 序号；信访人 → 信访人；身份证号 → 身份证号" in dry.output
    assert (
        "  乙镇：共 5 行 = 标题与表头 1 + 可新增 1 + 可更新 0 + 拒收 1 + 忽略（空行 1，填表人、审核人等落款行 1）"
        in dry.output
    )
    assert "跳过工作表“说明”（2 行）：不是台账" in dry.output
    assert not list(run("case", "list", "--json").output.strip("[]\n "))
    skip = run("ledger", "import", str(path), "--skip-invalid", ok=False)
    assert skip.exit_code == 1 and "导入完成：新增 4 件，更新 0 件，跳过 1 行" in skip.output
    assert "Traceback" not in skip.output


def test_workspace_vocabulary_extends_values(workspace: Workspace, tmp_path: Path) -> None:
    (workspace.root / "vocabulary.json").write_text(json.dumps(
        {"状态": {"挂牌督办": "办理中"}, "责任单位": {"甲镇": "甲镇人民政府"}}, ensure_ascii=False), "utf-8")  # fmt: skip
    path = xlsx(
        tmp_path / "v.xlsx",
        {"Sheet1": [[*TOWN, "状态"], [1, "甲", None, "三农", "x", "甲镇", "挂牌督办"]]},
    )
    assert import_ledger(workspace, path).created == 1
    (case,) = _all(workspace)
    assert (case.status, case.unit) == ("办理中", "甲镇人民政府")
    (workspace.root / "vocabulary.json").write_text('{"状态": {"x": "飞走了"}}', "utf-8")
    with pytest.raises(ValidationError, match=r"词表“状态”中“x”对应的“飞走了”不是可选值"):
        import_ledger(workspace, path)


# --- .xls and .ods -----------------------------------------------------------------------------

ODS_ROWS = [["某镇台账"], TOWN, [1, "甲", VALID_IDS[0], "三农", "修路", "某镇政府"],
            [2, "乙", "123", "三农", "修桥", "某镇政府"], ["合计", "2件"]]  # fmt: skip


def write_ods(path: Path, rows: list[list[object]]) -> Path:
    """A minimal OpenDocument spreadsheet, zipped by hand."""

    def cell(v: object) -> str:
        if v is None:
            return "<table:table-cell/>"
        if isinstance(v, int):
            return f'<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>'
        return f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}</text:p></table:table-cell>'

    body = "".join(
        f"<table:table-row>{''.join(cell(v) for v in r)}</table:table-row>" for r in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="某镇">{body}</table:table>'
        "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def write_xls(path: Path, rows: list[list[object]]) -> Path:
    xlwt = pytest.importorskip("xlwt", reason="xlwt (dev extra) writes the .xls fixture")
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("某镇")
    date_style = xlwt.easyxf(num_format_str="yyyy-mm-dd")
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, dt.date):
                sheet.write(r, c, v, date_style)
            elif v is not None:
                sheet.write(r, c, v)
    book.save(str(path))
    return path


@pytest.mark.parametrize("kind", ["ods", "xls"])
def test_ods_and_xls(workspace: Workspace, tmp_path: Path, kind: str) -> None:
    rows = [
        *ODS_ROWS[:2],
        [
            *ODS_ROWS[2],
        ],
        ODS_ROWS[3],
        ODS_ROWS[4],
    ]
    path = (
        write_ods(tmp_path / "t.ods", rows)
        if kind == "ods"
        else write_xls(tmp_path / "t.xls", rows)
    )
    result = import_ledger(workspace, path, skip_invalid=True, today=TODAY)
    assert [str(e) for e in result.errors] == [
        "第 4 行“身份证号”列：身份证号 *** 应为 18 位（现为 3 位）"
    ]
    (sheet,) = result.sheets
    assert (sheet.rows, sheet.title_and_header, sheet.created, sheet.refused, sheet.ignored) == (
        5, 2, 1, 1, {"合计行": 1})  # fmt: skip
    (case,) = _all(workspace)
    assert (case.demand, case.locality, case.petitioners[0].id_number) == (
        "修路",
        "某镇",
        VALID_IDS[0],
    )


# --- the catalog and case edit speak the same vocabulary ---------------------------------------


def test_migration_0003_splits_combined_flags(tmp_path: Path) -> None:
    from alembic import command
    from sqlalchemy import text

    from docgen.archive.catalog import _alembic_config, create_catalog_engine, migrate

    engine = create_catalog_engine(f"sqlite:///{tmp_path / 'c.sqlite'}")
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    flags = ", ".join(
        f"{n}"
        for n in ("repeat_visit", "group_visit", "provincial_group_visit", "beijing_abnormal_visit")
    )
    more = ", ".join(
        n
        for n in (
            "cross_region",
            "cross_department",
            "cross_industry",
            "person_household_separated",
            "person_matter_separated",
            "person_matter_household_separated",
            "extension_approved",
        )
    )
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO cases (case_no, category, head_count, demand, status, extra, "
                f"created_at, updated_at, {flags}, {more}) VALUES "
                "('A', '三农', 1, 'x', '办理中', '{}', '2024-01-01', '2024-01-01', 0, 1, 1, 0, "
                "0, 0, 0, 0, 0, 0, 0), "
                "('B', '三农', 1, 'y', '办理中', '{}', '2024-01-01', '2024-01-01', 0, 0, 0, 1, "
                "0, 0, 0, 0, 0, 0, 0)"
            )
        )
    migrate(engine)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT case_no, provincial_visit, beijing_visit, abnormal_visit FROM cases "
                "ORDER BY case_no"
            )
        ).all()
    assert [tuple(r) for r in rows] == [("A", 1, 0, 0), ("B", 0, 1, 1)]
    engine.dispose()


def test_case_edit_reads_values_as_the_ledger_does(run: Cli, workspace: Workspace) -> None:
    (workspace.root / "vocabulary.json").write_text(
        json.dumps({"状态": {"挂牌督办": "办理中"}}, ensure_ascii=False), "utf-8"
    )
    run("case", "add", "--set", "案件编号=XF-1", "--set", "信访人=张三", "--set", "问题类别=三农问题",
        "--set", "诉求=修路", "--set", "责任单位=区法院", "--set", "信访形式=重复赴省集体访",
        "--set", "联系电话=+86 139 0571 0003")  # fmt: skip
    run("case", "edit", "XF-1", "--set", "状态=已答复", "--set", "办理结果=部分支持")
    case = case_of(workspace, "XF-1")
    assert (case.status, case.outcome, case.category, case.unit, case.form) == (
        "已答复",
        "部分支持",
        "三农",
        "区人民法院",
        "来访",
    )
    assert case.flag_labels == ["重复访", "集体访", "赴省集体访", "赴省访"]
    assert case.petitioners[0].phone == "13905710003"
    run("case", "edit", "XF-1", "--set", "状态=挂牌督办")
    assert case_of(workspace, "XF-1").status == "办理中"
    # 已答复 (like 不予受理, 已导入法定程序) ends the time limit: never listed as overdue
    run("case", "edit", "XF-1", "--set", "办结时限=2024-1-10")
    assert [
        r["案件编号"] for r in json.loads(run("case", "list", "--overdue", "--json").output)
    ] == ["XF-1"]
    run("case", "edit", "XF-1", "--set", "状态=已答复")
    assert json.loads(run("case", "list", "--overdue", "--json").output) == []


def test_json_report_accounts_for_every_row(run: Cli, tmp_path: Path) -> None:
    path = towns_book(tmp_path / "towns.xlsx")
    out = run("ledger", "import", str(path), "--skip-invalid", "--json", ok=False)
    data = json.loads(out.output)
    assert data["refused"] == 1 and data["created"] == 4
    assert [(s["name"], s["rows"], s["accounted"]) for s in data["sheets"]] == [
        ("甲镇", 4, 4),
        ("乙镇", 5, 5),
        ("区住建局", 2, 2),
    ]
    assert data["errors"][0]["text"].startswith("工作表“乙镇”第 3 行“问题类别”列")


def test_three_header_rows(workspace: Workspace, tmp_path: Path) -> None:
    top = ["基本信息", None, None, None, "问题", None, "责任单位"]
    mid = ["序号", "信访人", None, None, "类别", "诉求", None]
    low = [None, "姓名", "公民身份号码", "手机", None, None, None]
    data = [1, "甲", VALID_IDS[1], "13800000001", "涉军", "安置", "区退役军人局"]
    merges = ["A1:D1", "E1:F1", "G1:G3", "A2:A3", "B2:D2", "E2:E3", "F2:F3"]
    path = xlsx(tmp_path / "three.xlsx", {"表": [top, mid, low, data]}, {"表": merges})
    result = import_ledger(workspace, path, today=TODAY)
    assert result.errors == [] and result.sheets[0].header_rows == "第 1–3 行"
    assert [f for _, f in result.sheets[0].columns] == [
        "序号", "信访人", "身份证号", "联系电话", "问题类别", "诉求", "责任单位",
    ]  # fmt: skip
    (case,) = _all(workspace)
    assert (case.unit, case.petitioners[0].phone) == ("区退役军人事务局", "13800000001")


@pytest.mark.parametrize("formula", [False, True])
def test_xlsx_with_a_control_character_reference(
    workspace: Workspace, tmp_path: Path, formula: bool
) -> None:
    rows = [TOWN, [1, "甲", None, "三农", "ZZVT", "区法院"]]
    if formula:
        rows.append([2, "乙", None, "三农", "=1+1", "区法院"])
    plain = xlsx(tmp_path / "p.xlsx", {"Sheet1": rows})
    path = tmp_path / "vt.xlsx"
    with zipfile.ZipFile(plain) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info.filename).replace(b"ZZVT", b"a&#11;b"))
    if formula:
        with pytest.raises(ValidationError, match="表中有公式，且文件内容不合规"):
            import_ledger(workspace, path)
    else:
        result = import_ledger(workspace, path)
        assert [str(e) for e in result.errors] == [
            "第 2 行“诉求”列：含不可见的控制字符，请删除后再导入"
        ]


def test_missing_required_columns_name_the_unknown_ones(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = xlsx(
        tmp_path / "m.xlsx",
        {"Sheet1": [["信访人", "问题类别", "诉求", "主办科室"], ["甲", "三农", "x", "y"]]},
    )
    with pytest.raises(ValidationError) as err:
        import_ledger(workspace, path)
    assert str(err.value) == (
        "m.xlsx：表头（第 1 行）缺少必填列：责任单位。未识别的列：“主办科室”。"
        "列名不同的，请用 --mapping 指定列映射文件"
    )


def test_same_person_two_cases_on_two_sheets(workspace: Workspace, tmp_path: Path) -> None:
    def book(name: str, bad: bool = False) -> Path:
        rows_b = [[1, "张一", VALID_IDS[0], "三农", "修桥", "乙镇政府"]]
        if bad:
            rows_b.append([2, "张二", None, "外星", "x", "乙镇政府"])
        return xlsx(tmp_path / name, {
            "甲镇": [TOWN, [1, "张一", VALID_IDS[0], "三农", "修路", "甲镇政府"]],
            "乙镇": [TOWN, *rows_b],
        })  # fmt: skip

    refused = import_ledger(workspace, book("bad.xlsx", bad=True), today=TODAY)
    assert [(s.name, s.created, s.not_imported, s.refused) for s in refused.sheets] == [
        ("甲镇", 0, 1, 0),
        ("乙镇", 0, 1, 1),
    ]
    assert count(workspace) == 0  # all or nothing, across sheets
    first = import_ledger(workspace, book("a.xlsx"), today=TODAY)
    assert (first.created, first.updated) == (2, 0)
    again = import_ledger(workspace, book("b.xlsx"), today=TODAY)
    assert (again.created, again.updated) == (0, 2) and count(workspace) == 2
    assert {c.case_no: c.demand for c in _all(workspace)} == {
        "某信交2025-0001": "修路",
        "某信交2025-0002": "修桥",
    }


def test_a_leaders_phone_is_not_the_petitioners(workspace: Workspace, tmp_path: Path) -> None:
    top = ["信访人", None, "问题类别", "诉求", "责任单位", "包案领导", None, None]
    sub = ["姓名", "联系电话", None, None, None, "姓名", "职务", "联系电话"]
    data = ["甲", "13800000001", "三农", "修路", "区法院", "王强", "副区长", "0571-88001234"]
    path = xlsx(tmp_path / "l.xlsx", {"Sheet1": [top, sub, data]}, {"Sheet1": ["A1:B1", "F1:H1"]})
    result = import_ledger(workspace, path, today=TODAY)
    assert result.errors == [] and result.unknown_columns == ["包案领导·联系电话"]
    (case,) = _all(workspace)
    assert (case.petitioners[0].phone, case.leader_name, case.leader_post) == (
        "13800000001",
        "王强",
        "副区长",
    )
    assert case.extra == {"包案领导·联系电话": "0571-88001234"}


def test_flag_columns_keep_their_words(workspace: Workspace, tmp_path: Path) -> None:
    headers = [*TOWN, "是否重复访", "是否集体访", "是否三跨三分离"]
    rows = [
        [1, "甲", None, "三农", "修路", "区法院", "是（第三次）", "否", "是（跨部门、人户分离）"],
        [2, "乙", None, "三农", "修桥", "区法院", "√", "是", "是"],
    ]
    result = import_ledger(workspace, xlsx(tmp_path / "f.xlsx", {"Sheet1": [headers, *rows]}))
    assert [str(e) for e in result.errors] == [
        "第 3 行“是否三跨三分离”列：“是”未写明哪一种，请写明：跨地区、跨部门、跨行业、人户分离、"
        "人事分离、人事户分离（可写“是（跨部门）”）"
    ]
    rows[1][-1] = "否"
    import_ledger(workspace, xlsx(tmp_path / "g.xlsx", {"Sheet1": [headers, *rows]}))
    cases = {c.demand: c for c in _all(workspace)}
    assert cases["修路"].flag_labels == ["重复访", "跨部门", "人户分离"]
    assert cases["修路"].extra == {"是否重复访": "是（第三次）"}
    assert cases["修桥"].flag_labels == ["重复访", "集体访"] and cases["修桥"].extra == {}
