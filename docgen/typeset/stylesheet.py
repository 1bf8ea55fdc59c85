"""Fonts + format variant → CSS: the static GB/T 9704 stylesheet, the @font-face rules of the
prepared fonts, font-family per role, and the variant's header, rules and page numbers.
"""

from __future__ import annotations

from docgen.fonts import ResolvedFont, css_font_stack, font_face_css
from docgen.templates import TEMPLATES_DIR
from docgen.typeset import variants as v

STYLESHEET = TEMPLATES_DIR / "styles" / "gb9704.css"

#: Which selectors use which font role (the role → font mapping lives in docgen.fonts).
ROLE_SELECTORS: dict[str, str] = {
    "body": "body",
    "title": ".s-DocTitle, .s-OrgMark",
    "heading1": ".s-Heading1, .s-AttachmentHead, .c-Label",
    "heading2": ".s-Heading2, .c-Kai",
    "heading3": ".s-Heading3",
    "heading4": ".s-Heading4",
}

LINE_MM = v.TEXT_HEIGHT_MM / v.LINES_PER_PAGE - 0.0001


def _page_number_css(fonts: dict[str, ResolvedFont], variant: v.FormatVariant) -> str:
    if not variant.page_numbers:
        return ""
    box = (
        f'content: "— " counter(page) " —"; font-family: {css_font_stack(fonts["page_number"])}; '
        f"font-size: {v.PAGE_NUMBER_PT}pt; line-height: 1; letter-spacing: 0; "
        f"vertical-align: top; padding-top: {v.PAGE_NUMBER_GAP_MM}mm;"
    )
    one_char = f"{v.PAGE_NUMBER_PT}pt"
    css = (
        f"@page :right {{ @bottom-right {{ {box} text-align: right; "
        f"margin-right: {one_char}; }} }}\n"
        f"@page :left {{ @bottom-left {{ {box} text-align: left; margin-left: {one_char}; }} }}\n"
    )
    if not variant.number_first_page:
        css += "@page :first { @bottom-right { content: none; } }\n"
    # GB/T 9704 7.5: a page holding only the 版记 carries no page number.
    css += "@page imprint { @bottom-right { content: none; } @bottom-left { content: none; } }\n"
    return css


def _variant_css(variant: v.FormatVariant) -> str:
    red = v.RED
    rules = [
        f".s-DocNumber {{ text-align: {variant.doc_number_align}; letter-spacing: 0; }}",
        ".s-DocNumberUp { text-align: left; letter-spacing: 0; }",
        ".s-DocNumberUp .tab-end { padding-right: 15.75pt; }",
    ]
    half_leading_mm = (LINE_MM - v.BODY_PT / 72 * 25.4) / 2
    if variant.org_mark_top_mm is not None:
        org_line_mm = variant.org_mark_pt * 1.2 / 72 * 25.4
        rules.append(
            f".s-OrgMark {{ color: {red}; font-size: {variant.org_mark_pt}pt; "
            f"line-height: {org_line_mm:.2f}mm; text-align: center; letter-spacing: 0; "
            f"margin-top: {variant.org_mark_top_mm - v.MARGIN_TOP_MM:.2f}mm; }}"
        )
    if variant.rule_under_number == "single":
        rules.append(
            f".s-DocNumber, .s-DocNumberUp {{ margin-top: {2 * LINE_MM:.4f}mm; "
            f"padding-bottom: {v.RULE_GAP_MM - half_leading_mm:.2f}mm; "
            f"border-bottom: 1pt solid {red}; margin-bottom: {2 * LINE_MM:.4f}mm; }}"
        )
    if variant.letter_rules:
        overhang = (v.LETTER_RULE_LENGTH_MM - v.TEXT_WIDTH_MM) / 2
        double = (
            f"height: 0.8mm; margin: {v.RULE_GAP_MM}mm -{overhang}mm 0; "
            f"border-top: {v.THICK_RULE_MM}mm solid {red}; "
            f"border-bottom: {v.THIN_RULE_MM}mm solid {red};"
        )
        rules.append(f'.s-OrgMark::after {{ content: ""; display: block; {double} }}')
        rules.append(".s-DocNumber { margin-top: 2mm; margin-bottom: 10.2272mm; }")
        # Thin over thick, 20 mm above the paper's bottom edge, first page only: an SVG page
        # background in page coordinates (millimetres). WeasyPrint positions a page background
        # from the content box, so it is shifted back by the margins.
        rules.append(
            f"@page :first {{ background-image: url('{_letter_bottom_rule_svg()}'); "
            "background-repeat: no-repeat; background-size: 210mm 297mm; "
            f"background-position: -{v.MARGIN_LEFT_MM}mm -{v.MARGIN_TOP_MM}mm; }}"
        )
    return "\n".join(rules) + "\n"


def _letter_bottom_rule_svg() -> str:
    """A data: URL of an A4-sized SVG with the 信函 bottom double rule (thin over thick)."""
    left = (v.PAGE_WIDTH_MM - v.LETTER_RULE_LENGTH_MM) / 2
    thick_top = v.PAGE_HEIGHT_MM - v.LETTER_BOTTOM_RULE_MM - v.THICK_RULE_MM
    thin_top = thick_top - 0.8 - v.THIN_RULE_MM
    rect = '<rect x="{x}" y="{y:.2f}" width="{w}" height="{h}" fill="%23{c}"/>'
    colour = v.RED.lstrip("#")
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" '
        f'viewBox="0 0 {v.PAGE_WIDTH_MM} {v.PAGE_HEIGHT_MM}">'
        + rect.format(x=left, y=thin_top, w=v.LETTER_RULE_LENGTH_MM, h=v.THIN_RULE_MM, c=colour)
        + rect.format(x=left, y=thick_top, w=v.LETTER_RULE_LENGTH_MM, h=v.THICK_RULE_MM, c=colour)
        + "</svg>"
    )
    for raw, quoted in (('"', "%22"), (" ", "%20"), ("<", "%3C"), (">", "%3E")):
        svg = svg.replace(raw, quoted)
    return "data:image/svg+xml;charset=utf-8," + svg


def build_css(fonts: dict[str, ResolvedFont], variant: v.FormatVariant) -> str:
    """The whole stylesheet for one variant with the given fonts."""
    font_rules = [
        f"{selector} {{ font-family: {css_font_stack(fonts[role])}; }}"
        for role, selector in ROLE_SELECTORS.items()
    ]
    return "\n".join(
        [
            font_face_css(fonts),
            STYLESHEET.read_text(encoding="utf-8"),
            "\n".join(font_rules),
            _page_number_css(fonts, variant),
            _variant_css(variant),
        ]
    )
