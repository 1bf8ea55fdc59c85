"""Title line breaks (GB/T 9704 7.3.1): whole words, balanced lines, nothing left alone."""

from __future__ import annotations

import json
import subprocess

from docx import Document as DocxDocument

from docgen.archive.workspace import Workspace
from docgen.papers.title_breaks import _width, break_title, title_capacity
from tests.conftest import Cli

NAMES = ["蒋德明", "彭国华", "冯𠮷祥"]


def test_capacity_is_twenty_characters_at_22pt() -> None:
    assert title_capacity() == 20


def test_a_short_title_stays_on_one_line() -> None:
    assert break_title("关于交办张三信访事项的函") == ["关于交办张三信访事项的函"]


def test_one_character_over_is_balanced_not_orphaned() -> None:
    title = "关于交办蒋德明、彭国华、冯𠮷祥信访事项的函"  # 21 characters: 20 + "函" unbalanced
    lines = break_title(title, ["、".join(NAMES), *NAMES])
    assert "".join(lines) == title and len(lines) == 2
    assert all(_width(line) <= 20 for line in lines)
    assert min(len(line) for line in lines) >= 6
    for name in NAMES:  # no name is split across lines
        assert any(name in line for line in lines)


def test_no_line_starts_with_closing_punctuation() -> None:
    title = "关于王龘、蒋国华、韩龘、赵敏、李静、周明反映房屋拆迁问题信访事项办理情况的报告"
    for line in break_title(title, ["王龘", "蒋国华", "韩龘", "房屋拆迁"])[1:]:
        assert line[0] not in "、，。）〕》"
    assert all(_width(line) <= 20 for line in break_title(title))


def test_paper_title_breaks_the_same_in_docx_and_pdf(populated: Workspace) -> None:
    out = json.loads(
        Cli(populated)("paper", "make", "交办函", "--case", "XF2024-0007", "--json").output
    )
    docx = DocxDocument(str(populated.root / out["docx"]))
    title = next(p for p in docx.paragraphs if p.style.name == "DocTitle")
    assert title.text == "关于交办蒋德明、彭国华、冯𠮷祥\n信访事项的函"  # a <w:br/> between
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(populated.root / out["pdf"]), "-"],
                          capture_output=True, text=True, check=True).stdout  # fmt: skip
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    start = next(i for i, line in enumerate(lines) if line.startswith("关于交办"))
    assert lines[start] == "关于交办蒋德明、彭国华、冯𠮷祥" and lines[start + 1] == "信访事项的函"
