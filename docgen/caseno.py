"""Identifiers that name folders and files: 案件编号, 发文代字 and 全宗号, checked and trimmed here.

A 案件编号 names a case folder and a 发文代字 is part of every 文号 and paper file name, so both
must be path-safe: no separators, no ``..``, no leading ``-`` (it would read as an option), no
control or bidi characters, and a byte length a file name can hold (UTF-8, ≤ 64 bytes: a
64 × 𠮷 number is 256 bytes). Every value is trimmed with :func:`clean` before it is checked,
stored or looked up, so ``' XF-SP '`` finds the case stored as ``XF-SP``.
"""

from __future__ import annotations

import functools
import re

from docgen import chars

MAX_LEN = 64  # characters
MAX_BYTES = 64  # UTF-8 bytes
CODE_MAX_BYTES = 30  # 发文代字: ten Chinese characters
FONDS_MAX_LEN = 16
_UNSAFE = re.compile(r"[\\/:*?\"<>|]|^\.|\.\.")
_CODE_SHAPE = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]+$")
_FONDS_SHAPE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9\-]*$")


def clean(value: str) -> str:
    """The one trimming rule for identifiers: Unicode white space at both ends, as in the ledger."""
    return value.strip()


def _common(value: str, max_bytes: int) -> str | None:
    if not value:
        return "不能为空"
    if bad := chars.problem(value, one_line=True):
        return bad
    size = len(value.encode("utf-8"))
    if size > max_bytes:
        return f"过长（{size} 字节，最多 {max_bytes} 字节，一个汉字占 3 字节）"
    if value.startswith("-"):
        return "不能以“-”开头"
    return None


def problem(case_no: str) -> str | None:
    """A Chinese description of what is wrong with a 案件编号, or None when it is fine."""
    if not case_no:
        return "案件编号不能为空"
    if len(case_no) > MAX_LEN:
        return f"案件编号不能超过 {MAX_LEN} 个字符"
    if bad := _common(case_no, MAX_BYTES):
        return f"案件编号{bad}"
    if _UNSAFE.search(case_no):
        return '案件编号不能含 / \\ : * ? " < > | 等字符，不能以点开头或含“..”'
    return None


def code_problem(code: str) -> str | None:
    """What is wrong with a 发文代字 (``某信交``), or None: letters, digits and Chinese only."""
    if bad := _common(code, CODE_MAX_BYTES):
        return f"发文代字{bad}"
    if not _CODE_SHAPE.match(code):
        return "发文代字只能由汉字、字母和数字组成（如“某信交”），不能含路径符号、括号或空格"
    return None


def fonds_problem(fonds: str, label: str = "全宗号", example: str = "J021") -> str | None:
    """What is wrong with a 全宗号 (``J021``, ``0001``) or another 档号 part, or None."""
    if bad := _common(fonds, FONDS_MAX_LEN):
        return f"{label}{bad}"
    if len(fonds) > FONDS_MAX_LEN or not _FONDS_SHAPE.match(fonds):
        return f"{label}只能由字母、数字和“-”组成（如“{example}”），最多 {FONDS_MAX_LEN} 位"
    return None


_DIGITS = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=1 << 16)
def natural_key(case_no: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders XF2024-9 before XF2024-10 (digit runs compare as numbers)."""
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in _DIGITS.split(case_no) if p)
