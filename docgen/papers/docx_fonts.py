"""Filled .docx + the fonts our PDFs use → .docx naming those fonts for their roles.

The templates name the official faces (仿宋_GB2312, 方正小标宋简体, 黑体, 楷体_GB2312). An office that
registered its licensed files with ``docgen fonts add`` (simfang.ttf is “仿宋”, not “仿宋_GB2312”)
gets .docx files that name the family our PDFs are set in, in the styles, the runs, the theme and
the font table (whose entry keeps the template's name as its altName), so Word, WPS and
LibreOffice on the office's PCs pick the same face.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Mapping
from pathlib import Path
from xml.sax.saxutils import quoteattr

from docgen import atomic
from docgen.fonts import ResolvedFont
from docgen.typeset.docx_base import FONT_TABLE, ROLE_OF_FONT_NAME

_PARTS = ("word/styles.xml", "word/document.xml", "word/stylesWithEffects.xml")
_RFONTS_ATTR = re.compile(r'(w:(?:ascii|hAnsi|eastAsia|cs)=)"([^"]+)"')
_THEME_FACE = re.compile(r'(typeface=)"([^"]+)"')


def font_names(fonts: Mapping[str, ResolvedFont]) -> dict[str, str]:
    """Template font name → the family to write instead: the official face a role resolves to,
    where its family differs from the template's name (nothing for open fallbacks)."""
    names = {}
    for template_name, role in ROLE_OF_FONT_NAME.items():
        font = fonts.get(role)
        if font is not None and font.official and font.source.family != template_name:
            names[template_name] = font.source.family
    return names


def _font_entry(family: str, template_name: str) -> str:
    panose, kind = next(((p, k) for n, _a, p, k in FONT_TABLE if n == template_name),
                        ("02010609060101010101", "modern"))  # fmt: skip
    return (
        f"<w:font w:name={quoteattr(family)}><w:altName w:val={quoteattr(template_name)}/>"
        f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="{kind}"/>'
        '<w:pitch w:val="variable"/></w:font>'
    )


def _rename(text: str, pattern: re.Pattern[str], names: Mapping[str, str]) -> str:
    def swap(match: re.Match[str]) -> str:
        value = names.get(match[2])
        return match[0] if value is None else f"{match[1]}{quoteattr(value)}"

    return pattern.sub(swap, text)


def name_fonts(docx: Path, names: Mapping[str, str]) -> bool:
    """Rewrite ``docx`` (atomically) so it names ``names[template name]``; False if no change."""
    if not names:
        return False
    with zipfile.ZipFile(docx) as source:
        items = [(info, source.read(info.filename)) for info in source.infolist()]
    rewritten = []
    for info, data in items:
        name = info.filename
        if name in _PARTS or name.startswith(("word/header", "word/footer")):
            data = _rename(data.decode("utf-8"), _RFONTS_ATTR, names).encode("utf-8")
        elif name.startswith("word/theme/"):
            data = _rename(data.decode("utf-8"), _THEME_FACE, names).encode("utf-8")
        elif name == "word/fontTable.xml":
            text = data.decode("utf-8")
            entries = "".join(
                _font_entry(family, template_name)
                for template_name, family in names.items()
                if f"w:name={quoteattr(family)}" not in text
            )
            head = re.search(r"<w:fonts\b[^>]*>", text)
            if head is not None:
                text = text[: head.end()] + entries + text[head.end() :]
            data = text.encode("utf-8")
        rewritten.append((info, data))

    def write(target: Path) -> None:
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info, data in rewritten:
                out.writestr(info, data)

    atomic.write_with(Path(docx), write)
    return True
