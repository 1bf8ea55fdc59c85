"""Masking keeps length and shows only the agreed digits of ID and phone numbers."""

from __future__ import annotations

from index.masking import mask_personal


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
    account = "账号6222021234567890123"
    assert mask_personal(account) == account
