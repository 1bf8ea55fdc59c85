"""One way to write a date in Chinese, used by papers, covers, letters, CLI and web."""

import datetime as dt

from docgen.dates import cn_date
from docgen.papers.context import cn_date as paper_date
from docgen.papers.registry import BLANK


def test_no_zero_padding_and_a_chosen_blank() -> None:
    assert cn_date(dt.date(2024, 6, 1)) == "2024年6月1日"
    assert cn_date(None) == ""
    assert cn_date(None, "—") == "—"


def test_papers_write_the_blank_line_for_an_unknown_date() -> None:
    assert paper_date(dt.date(2024, 12, 31)) == "2024年12月31日"
    assert paper_date(None) == BLANK
