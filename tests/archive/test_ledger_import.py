"""Ledger import against real .xlsx/.csv files and a real SQLite catalog."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from docgen.archive.cases import get_case
from docgen.archive.ledger_io import import_ledger
from docgen.archive.workspace import Workspace
from docgen.errors import ValidationError
from docgen.model import Case, Petitioner
from tests.conftest import HEADERS, good_row, write_ledger


def count(ws: Workspace, model: type) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_finds_header_below_title_and_skips_totals(workspace: Workspace, tmp_path: Path) -> None:
    path = write_ledger(tmp_path / "l.xlsx", [good_row(n) for n in range(1, 6)])
    result = import_ledger(workspace, path)
    assert result.header_row == 3
    assert (result.created, result.updated, result.errors) == (5, 0, [])
    assert count(workspace, Case) == 5


def test_reimport_updates_and_never_duplicates(workspace: Workspace, tmp_path: Path) -> None:
    import_ledger(workspace, write_ledger(tmp_path / "a.xlsx", [good_row(1), good_row(2)]))
    changed = good_row(2, 目前状态="已办结", 姓名="改名人")
    result = import_ledger(workspace, write_ledger(tmp_path / "b.xlsx", [changed, good_row(3)]))
    assert (result.created, result.updated) == (1, 1)
    assert count(workspace, Case) == 3
    assert count(workspace, Petitioner) == 3
    with workspace.session() as s:
        case = get_case(s, "T2024-0002")
        assert case.status == "已办结"
        assert [p.name for p in case.petitioners] == ["改名人"]


def test_every_bad_row_is_reported_and_nothing_is_written(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [
        good_row(1),
        good_row(2, 身份证号码="110105194912310021"),  # wrong check digit
        good_row(3, 受理日期="2024-2-30"),  # no such date
        good_row(4, 电话="12345"),
        good_row(5, 类别="外星人"),
        good_row(6, 信访件编号="T2024-0001"),  # duplicate of row 1
        good_row(7, 反映问题=None),  # required
    ]
    result = import_ledger(workspace, write_ledger(tmp_path / "bad.xlsx", rows))
    messages = [str(e) for e in result.errors]
    assert count(workspace, Case) == 0
    assert {e.row for e in result.errors} == {5, 6, 7, 8, 9, 10}
    assert (
        "第 5 行“身份证号码”列：身份证号 110105********0021 校验位错误（按 GB 11643 应为 X）"
        in messages
    )
    assert any("第 6 行“受理日期”列" in m and "不是真实存在的日期" in m for m in messages)
    assert any("第 7 行“电话”列" in m for m in messages)
    assert any("第 8 行“类别”列" in m and "劳动保障" in m for m in messages)
    assert any(m == "第 9 行“信访件编号”列：案件编号“T2024-0001”与第 4 行重复" for m in messages)
    assert "第 10 行“反映问题”列：必填项为空" in messages


def test_skip_invalid_imports_good_rows_and_writes_bad_ones(
    workspace: Workspace, tmp_path: Path
) -> None:
    rows = [good_row(1), good_row(2, 类别="外星人"), good_row(3)]
    result = import_ledger(workspace, write_ledger(tmp_path / "mix.xlsx", rows), skip_invalid=True)
    assert (result.created, result.skipped) == (2, 1)
    wb = load_workbook(result.error_file)
    header, *data = list(wb.active.values)
    assert header[0] == "原行号" and header[-1] == "错误原因"
    assert data[0][0] == 5 and "不是有效的问题类别" in data[0][-1]


@pytest.mark.parametrize(
    "text", ["2024-6-10", "2024.6.10", "2024/6/10", "2024年6月10日", "20240610"]
)
def test_date_spellings(workspace: Workspace, tmp_path: Path, text: str) -> None:
    import_ledger(workspace, write_ledger(tmp_path / "d.xlsx", [good_row(1, 受理日期=text)]))
    with workspace.session() as s:
        assert get_case(s, "T2024-0001").accepted_on == dt.date(2024, 6, 10)


def test_hostile_values_round_trip(workspace: Workspace, tmp_path: Path) -> None:
    hostile = "A&B <b>粗</b> \"引号\" '单引' {{ case.no }} {% if x %}注入{% endif %} 𠮷龘"
    long_text = "长" * 5000
    rows = [good_row(1, 反映问题=hostile, 家庭住址=long_text, 姓名="𠮷小龘")]
    import_ledger(workspace, write_ledger(tmp_path / "h.xlsx", rows))
    with workspace.session() as s:
        case = get_case(s, "T2024-0001")
        assert case.demand == hostile
        assert case.petitioners[0].address == long_text
        assert case.petitioners[0].name == "𠮷小龘"


def test_formulas_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    rows = [good_row(1), good_row(2, 反映问题='=HYPERLINK("http://x")')]
    result = import_ledger(workspace, write_ledger(tmp_path / "c.xlsx", rows))
    assert any("第 5 行“反映问题”列：单元格是公式" in str(e) for e in result.errors)
    assert count(workspace, Case) == 0


def test_control_characters_are_refused(workspace: Workspace, tmp_path: Path) -> None:
    # openpyxl will not even write them into .xlsx; they arrive through CSV.
    values = ["1", "T2024-0001", "甲某", "", "", "", "劳动保障", "坏\x07字符", "区人社局"]
    path = tmp_path / "c.csv"
    path.write_text(",".join(HEADERS[:9]) + "\n" + ",".join(values) + "\n", "utf-8")
    result = import_ledger(workspace, path)
    assert [str(e) for e in result.errors] == [
        "第 2 行“反映问题”列：含不可见的控制字符，请删除后再导入"
    ]
    assert count(workspace, Case) == 0


def test_several_petitioners_in_one_row(workspace: Workspace, tmp_path: Path) -> None:
    row = good_row(1, 姓名="甲某、乙某", 身份证号码="11010519491231002X，440524188001010014",
                   电话="13800000001、13800000002")  # fmt: skip
    import_ledger(workspace, write_ledger(tmp_path / "g.xlsx", [row]))
    with workspace.session() as s:
        case = get_case(s, "T2024-0001")
        assert [(p.name, p.phone) for p in case.petitioners] == [
            ("甲某", "13800000001"),
            ("乙某", "13800000002"),
        ]
        assert case.head_count == 2


def test_csv_in_gbk_and_mapping_file(workspace: Workspace, tmp_path: Path) -> None:
    headers = ["群众编号", *HEADERS[2:]]
    lines = [",".join(headers)]
    for n in (1, 2):
        values = good_row(n)[1:]
        values[9] = "2024年6月10日"
        lines.append(",".join("" if v is None else str(v) for v in values))
    path = tmp_path / "l.csv"
    path.write_bytes("\n".join(lines).encode("gbk"))
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"群众编号": "案件编号"}, ensure_ascii=False), "utf-8")
    result = import_ledger(workspace, path, mapping_file=mapping)
    assert result.created == 2 and result.header_row == 1
    # without the mapping the column is unknown and there is no 案件编号: the rows are matched
    # to the cases just made by the petitioners' ID numbers, and updated
    again = import_ledger(workspace, path)
    assert (again.created, again.updated, again.unknown_columns) == (0, 2, ["群众编号"])
    assert "2 行中 2 行按信访人身份" in again.notes[-1]
    assert count(workspace, Case) == 2


def test_unknown_columns_are_kept(workspace: Workspace, tmp_path: Path) -> None:
    headers = [*HEADERS, "风险等级"]
    import_ledger(workspace, write_ledger(tmp_path / "u.xlsx", [[*good_row(1), "红"]], headers))
    with workspace.session() as s:
        assert get_case(s, "T2024-0001").extra == {"风险等级": "红"}


def test_no_header_row_is_a_clear_error(workspace: Workspace, tmp_path: Path) -> None:
    path = write_ledger(tmp_path / "x.xlsx", [["a", "b", "c"]], headers=["甲", "乙", "丙"])
    with pytest.raises(ValidationError, match="没有找到表头行"):
        import_ledger(workspace, path)


def test_not_an_excel_file(workspace: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    with pytest.raises(ValidationError, match="无法读取 Excel 文件"):
        import_ledger(workspace, path)
