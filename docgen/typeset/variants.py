"""Format variant name → layout settings (公文, 信函, 纪要, form): the one table both the base .docx
generator and the PDF stylesheet read, so no paper type carries layout code of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from docgen.errors import ValidationError

#: Where a .docx records its variant: core property ``category`` = PREFIX + name.
CATEGORY_PREFIX = "docgen-format:"

# GB/T 9704 geometry shared by every variant (mm unless noted).
PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_TOP_MM = 37.0
MARGIN_RIGHT_MM = 26.0
MARGIN_BOTTOM_MM = 35.0
MARGIN_LEFT_MM = 28.0
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
BODY_PT = 16.0
TITLE_PT = 22.0  # 标题: 2号小标宋 (gb9704.css and the base styles use the same size)
PAGE_NUMBER_PT = 14.0
PAGE_NUMBER_GAP_MM = 7.0  # from the text block's bottom edge to the page number line
RED = "#E60012"


@dataclass(frozen=True)
class FormatVariant:
    name: str
    label: str
    org_mark_top_mm: float | None  # top edge of the 发文机关标志 from the paper's top edge
    org_mark_pt: float
    doc_number_align: Literal["center", "right", "left"]
    rule_under_number: Literal["single", "none"]  # red line 4 mm under the 文号 (公文, 纪要)
    letter_rules: bool  # 信函: red double lines, 170 mm, under the 标志 and 20 mm above bottom
    number_first_page: bool
    page_numbers: bool
    # GB/T 9704 7.4.1 / 7.5: the 版记 is on the last page, an even one when printed on both
    # sides; a body ending on an odd page leaves the 版记 alone on the next page, unnumbered.
    imprint_on_even_page: bool = True


_COMMON = dict(
    org_mark_pt=36.0,
    doc_number_align="center",
    rule_under_number="single",
    letter_rules=False,
    number_first_page=True,
    page_numbers=True,
)

VARIANTS: dict[str, FormatVariant] = {
    v.name: v
    for v in (
        FormatVariant(
            name="document", label="公文", org_mark_top_mm=MARGIN_TOP_MM + 35.0, **_COMMON
        ),
        FormatVariant(
            name="minutes", label="纪要", org_mark_top_mm=MARGIN_TOP_MM + 35.0, **_COMMON
        ),
        FormatVariant(
            name="letter",
            label="信函",
            org_mark_top_mm=30.0,
            org_mark_pt=26.0,
            doc_number_align="right",
            rule_under_number="none",
            letter_rules=True,
            number_first_page=False,
            page_numbers=True,
        ),
        FormatVariant(
            name="form",
            label="表格",
            org_mark_top_mm=None,
            org_mark_pt=22.0,
            doc_number_align="right",
            rule_under_number="none",
            letter_rules=False,
            number_first_page=False,
            page_numbers=False,
            imprint_on_even_page=False,
        ),
    )
}

DEFAULT_VARIANT = "document"
LETTER_RULE_LENGTH_MM = 170.0
LETTER_BOTTOM_RULE_MM = 20.0  # from the paper's bottom edge
RULE_GAP_MM = 4.0
THICK_RULE_MM = 1.0
THIN_RULE_MM = 0.35


def get_variant(name: str | None) -> FormatVariant:
    """The variant called ``name`` (English key or Chinese label); None → 公文."""
    if name is None:
        return VARIANTS[DEFAULT_VARIANT]
    for variant in VARIANTS.values():
        if name in (variant.name, variant.label):
            return variant
    known = "、".join(f"{v.name}（{v.label}）" for v in VARIANTS.values())
    raise ValidationError(f"未知的版式“{name}”，可用版式：{known}。", code="unknown_variant")


def variant_from_category(category: str | None) -> FormatVariant | None:
    """Read the variant a .docx declares in its ``category`` core property, if any."""
    if category and category.startswith(CATEGORY_PREFIX):
        return get_variant(category[len(CATEGORY_PREFIX) :].strip())
    return None
