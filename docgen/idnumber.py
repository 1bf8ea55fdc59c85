"""公民身份号码 (GB 11643-1999): check-digit validation and display masking."""

from __future__ import annotations

import datetime as dt
import re

from docgen.masking import mask_id_number

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    return _CHECK_CHARS[sum(int(a) * w for a, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def normalise(value: str) -> str:
    return value.strip().upper()


def problem(value: str) -> str | None:
    """Return a Chinese description of what is wrong with an ID number, or None when it is valid."""
    v = normalise(value)
    if len(v) == 15:
        if not v.isdigit():
            return "15 位旧号码只能由数字组成"
        if _bad_date("19" + v[6:12]):
            return "出生日期不是有效日期"
        return None
    if len(v) != 18:
        return f"应为 18 位（现为 {len(v)} 位）"
    if not _SHAPE.match(v):
        return "前 17 位应为数字，最后一位为数字或 X"
    if _bad_date(v[6:14]):
        return "出生日期不是有效日期"
    expected = check_char(v[:17])
    if v[17] != expected:
        return f"校验位错误（按 GB 11643 应为 {expected}）"
    return None


def is_valid(value: str) -> bool:
    return problem(value) is None


def mask(value: str) -> str:
    """Keep the first 6 and last 4 characters: 110105********002X (rule in docgen.masking)."""
    return mask_id_number(value)


def _bad_date(yyyymmdd: str) -> bool:
    try:
        born = dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return True
    return not (dt.date(1850, 1, 1) <= born <= dt.date.today())
