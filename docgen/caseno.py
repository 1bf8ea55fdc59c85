"""案件编号 rules: a case number names a folder in the archive, so it must be path-safe."""

from __future__ import annotations

import functools
import re

MAX_LEN = 64
_UNSAFE = re.compile(r"[\\/:*?\"<>|\x00-\x1f]|^\.|\.\.")


def problem(case_no: str) -> str | None:
    """A Chinese description of what is wrong with a 案件编号, or None when it is fine."""
    if not case_no:
        return "案件编号不能为空"
    if len(case_no) > MAX_LEN:
        return f"案件编号不能超过 {MAX_LEN} 个字符"
    if _UNSAFE.search(case_no):
        return '案件编号不能含 / \\ : * ? " < > | 等字符，不能以点开头或含“..”'
    return None


_DIGITS = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=1 << 16)
def natural_key(case_no: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders XF2024-9 before XF2024-10 (digit runs compare as numbers)."""
    return tuple((1, int(p)) if p.isdigit() else (0, p) for p in _DIGITS.split(case_no) if p)
