"""docgen.safezip: a .docx/.xlsx zip is checked before any library parses it (issue 19, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from docgen.safezip import UnsafeOfficeFile, check_office_zip, check_word_zip
from docgen.templates import TEMPLATES_DIR
from tests.hostile.corpus import write_office_files

REASONS = {
    "bomb-declared": "超过上限",
    "bomb-ratio": "压缩比",
    "many-members": "个文件",
    "laughs": "DTD 或实体声明",
    "not-xml": "不是有效的 XML",
}


def test_the_shipped_templates_pass() -> None:
    for path in TEMPLATES_DIR.rglob("*.docx"):
        check_word_zip(path, "模板")


def test_hostile_zips_are_refused_with_the_reason(tmp_path: Path) -> None:
    for name, path in write_office_files(tmp_path).items():
        reason = next((r for kind, r in REASONS.items() if name.startswith(kind)), None)
        if reason is None:
            continue
        with pytest.raises(UnsafeOfficeFile, match=reason):
            check_office_zip(path, "附件")


def test_a_file_that_is_not_a_zip_is_left_to_its_reader(tmp_path: Path) -> None:
    junk = tmp_path / "a.docx"
    junk.write_bytes(b"not a zip at all")
    check_office_zip(junk)
