"""Shared helpers for the seal/sign/PDF-A tests: a tiny CJK font and sample papers made in code.

Not a test module by content; its name only keeps it inside the paths the seal tests own.
"""

from __future__ import annotations

import gc
import warnings
from pathlib import Path

from fontTools import subset

NOTO_SERIF = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
NOTO_SERIF_SC_INDEX = 2  # JP, KR, SC, TC, HK

ORG = "北京市朝阳区信访局"
DATE = "2024年6月10日"
BODY = [
    "关于张某某反映拖欠工程款问题的信访事项处理意见书",
    "张某某：",
    "你于2024年5月6日来信反映的拖欠工程款问题，本机关已依法受理。经调查核实，"
    "现将处理意见告知如下：一、责成有关单位于三十日内结清款项。二、如不服本处理意见，"
    "可以自收到本意见书之日起三十日内向上一级机关请求复查。",
    "联系电话：010-65091234，身份证号110105194912310021。",
]
FONT_TEXT = (
    "".join(BODY) + ORG + DATE + "信访专用章第页共—0123456789年月日：，。、（）" + "测试样张档号"
)


def make_font(directory: Path) -> Path:
    """A subset of Noto Serif CJK SC with just the characters the sample papers use."""
    out = directory / "sample-serif.otf"
    if out.exists():
        return out
    options = subset.Options()
    options.font_number = NOTO_SERIF_SC_INDEX
    options.layout_features = []
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    font = subset.load_font(str(NOTO_SERIF), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=FONT_TEXT + "".join(chr(c) for c in range(0x20, 0x7F)))
    subsetter.subset(font)
    font.save(str(out))
    font.close()
    return out


def paper_html(font: Path, date: str = DATE, org: str = ORG, signed: bool = True) -> str:
    """A one-page 公文-like paper in the GB/T 9704 geometry with 署名 and 成文日期."""
    body = "".join(f"<p class='body'>{text}</p>" for text in BODY[2:])
    closing = (
        f"<p class='sign'>{org}</p><p class='date'>{date}</p>"
        if signed
        else "<p>（此处无落款）</p>"
    )
    return f"""<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>测试样张</title>
<style>
@font-face {{ font-family: 'SampleSerif'; src: url('{font.as_uri()}'); }}
@page {{ size: A4; margin: 37mm 26mm 35mm 28mm; }}
body {{ font-family: 'SampleSerif'; font-size: 16pt; line-height: 29pt; margin: 0; }}
h1 {{ font-size: 22pt; text-align: center; font-weight: normal; margin: 0 0 29pt 0; }}
p {{ margin: 0; }}
.body {{ text-indent: 2em; }}
.sign {{ margin-top: 58pt; text-align: center; width: 12em; margin-left: auto;
         margin-right: 4em; }}
.date {{ text-align: right; margin-right: 4em; }}
</style></head><body>
<h1>{BODY[0]}</h1><p>{BODY[1]}</p>{body}{closing}
</body></html>"""


def render_paper(out: Path, font: Path, pdf_variant: str | None = None, **kwargs: object) -> Path:
    import weasyprint

    html = weasyprint.HTML(string=paper_html(font, **kwargs))  # type: ignore[arg-type]
    options = {"pdf_variant": pdf_variant} if pdf_variant else {}
    with warnings.catch_warnings():
        # WeasyPrint 70 leaves its bundled sRGB ICC profile file open when writing PDF/A.
        warnings.filterwarnings(
            "ignore", message=r"unclosed file .*sRGB2014\.icc", category=ResourceWarning
        )
        html.write_pdf(out, **options)
        gc.collect()
    return out
