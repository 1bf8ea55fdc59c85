"""Redaction of ID numbers, phones and street addresses in plain text, and the leak check."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.masking import (
    find_leaks,
    mask_addresses,
    mask_id_numbers,
    mask_phones,
    pdf_leaks,
    redact_text,
    redact_value,
)
from tests.archive.test_seal_support import make_font, render_paper


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身份证号11010519491231002X。", "身份证号110105********002X。"),
        ("身份证号11010519491231002x", "身份证号110105********002X"),
        ("号码110105 19491231 002X", "号码110105********002X"),
        ("旧证110105491231002", "旧证110105*****1002"),
        # An invalid check digit is still masked: a typo is still personal data.
        ("证号110105194912310029", "证号110105********0029"),
        # Longer digit runs (bank card, ID glued to digits): all but the last 4.
        ("卡号6222021234567890123", "卡号***************0123"),
        ("编号1101051949123100211", "编号***************0211"),
        # Shorter runs and ordinary numbers stay.
        ("金额12345678元，2024年6月10日", "金额12345678元，2024年6月10日"),
        ("No.110105194912310021", "No.110105********0021"),  # letters do not protect it
    ],
)
def test_id_numbers(text: str, expected: str) -> None:
    assert mask_id_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812345678", "电话138****5678"),
        ("+86 138 1234 5678", "+86 138****5678"),
        ("+86-13812345678", "+86-138****5678"),
        ("0086 138-1234-5678", "0086 138****5678"),
        ("(+86)13812345678", "(+86)138****5678"),
        ("固话010-65091234", "固话010-****1234"),
        ("固话010-65091234转123", "固话010-****1234"),
        ("(0755) 8888 6666", "(0755)-****6666"),
        ("（0755）88886666", "（0755）-****6666"),
        ("+86 10 6509 1234", "+86 10-****1234"),
        ("编号 123138123456789", "编号 123138123456789"),  # digits around: not a phone
        ("金额 65091234 元", "金额 65091234 元"),  # no area code: not a landline
    ],
)
def test_phones(text: str, expected: str) -> None:
    assert mask_phones(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("住址：北京市朝阳区建国路88号3单元502室，电话", "住址：北京市朝阳区****，电话"),
        ("家住河北省保定市清苑县东闾乡某某村3组。", "家住河北省保定市清苑县****。"),
        ("北京市海淀区中关村大街27号1101室", "北京市海淀区****"),
        ("现住建国路88号院", "现住****"),
        # Not addresses: a 文号, a date, a district office.
        ("朝阳区信访局〔2024〕3号", "朝阳区信访局〔2024〕3号"),
        ("北京市朝阳区信访局于2024年6月10日受理", "北京市朝阳区信访局于2024年6月10日受理"),
        ("北京市朝阳区", "北京市朝阳区"),
    ],
)
def test_addresses(text: str, expected: str) -> None:
    assert mask_addresses(text) == expected


def test_redact_text_counts_and_leaves_no_leak() -> None:
    text = (
        "信访人张某某，身份证号110105194912310021，手机+86 138-1234-5678，"
        "住北京市朝阳区建国路88号3单元502室，单位电话010-65091234。"
    )
    assert {leak.kind for leak in find_leaks(text)} == {"id_number", "phone"}
    result = redact_text(text)
    assert result.counts == {"id_number": 1, "phone": 2, "address": 1}
    assert find_leaks(result.text) == []
    assert "110105********0021" in result.text and "138****5678" in result.text


def test_redact_value_walks_a_context() -> None:
    context = {"name": "张某某", "ids": ["110105194912310021"], "n": 3, "t": ("13812345678",)}
    assert redact_value(context) == {
        "name": "张某某",
        "ids": ["110105********0021"],
        "n": 3,
        "t": ("138****5678",),
    }


def test_pdf_leaks_on_a_rendered_paper(tmp_path: Path) -> None:
    paper = render_paper(tmp_path / "p.pdf", make_font(tmp_path))
    kinds = {leak.kind for leak in pdf_leaks(paper)}
    assert kinds == {"id_number", "phone"}
