"""Masking keeps length and shows only the agreed digits of ID and phone numbers."""

from __future__ import annotations

import pytest

from docgen.masking import find_leaks, mask_personal, redact_text


def test_id_numbers_and_phones_are_masked() -> None:
    text = "身份证号11010519491231002X，旧证110105491231002，手机13812341234，电话010-62345678。"
    masked = mask_personal(text)
    assert len(masked) == len(text)
    assert "110105********002X" in masked
    assert "110105*****1002" in masked
    assert "138****1234" in masked
    assert "010-****5678" in masked


def test_fullwidth_digits_and_longer_numbers() -> None:
    assert mask_personal("电话１３８１２３４１２３４") == "电话１３８****１２３４"
    # The same rule as in redacted exports: a long digit run may hide an ID; all but 4 masked.
    assert mask_personal("账号6222021234567890123") == "账号***************0123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("手机138-1234-5678。", "手机138-****-5678。"),
        ("手机138 1234 5678", "手机138 **** 5678"),
        ("手机138.1234.5678", "手机138.****.5678"),
        ("手机＋８６ １３８－１２３４－５６７８", "手机＋８６ １３８－****－５６７８"),
        ("证号110105-1949-1231-002x", "证号110105-****-****-002x"),
        ("证号１１０１０５１９４９１２３１００２Ｘ", "证号１１０１０５********００２Ｘ"),
    ],
)
def test_separators_and_fullwidth_are_normalised_before_masking(text: str, expected: str) -> None:
    assert mask_personal(text) == expected
    assert find_leaks(text) and not find_leaks(mask_personal(text))
    assert not find_leaks(redact_text(text).text)


def test_the_rules_load_without_the_search_engine() -> None:
    """docgen imports the rules (``docgen.masking``); that must not load jieba or whoosh."""
    import subprocess
    import sys

    code = "import sys, docgen.idnumber, docgen.masking; print('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy = {m.split(".")[0] for m in out.stdout.split()} & {"whoosh", "rjieba", "jieba", "tantivy"}
    assert not heavy
