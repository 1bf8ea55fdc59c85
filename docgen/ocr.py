"""OCR of scans: an image or an image-only PDF → its printed Chinese text, with Tesseract.

Debian's ``tesseract-ocr`` with ``tesseract-ocr-chi-sim`` (simplified Chinese, plus the English
that comes with it for digits and Latin letters). The ``tesseract`` binary is called directly, one
process per page image, limited to one thread (``OMP_THREAD_LIMIT=1``) so that a background OCR
never takes both cores from the clerk. PDF pages are rendered to greyscale images with
``pdftoppm`` (poppler-utils, already a docgen dependency) at :data:`READ_DPI` in a private
temporary folder; the stored file is only read, never changed.

Tesseract puts spaces between Chinese characters; :func:`tidy` removes the spaces between two
CJK characters (and between a CJK character and full-width punctuation) and keeps line breaks.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docgen.errors import DependencyError, ValidationError

LANGUAGES = "chi_sim"  # (+eng read Chinese dates as Latin letters: recall 0.69 vs 0.88)
#: Pages are read at this resolution: 3号 body text (16 pt) is then about 40 pixels high, where
#: Tesseract's Chinese model reads best (bench/ocr.py, 200 and 300 dpi pages, clean, noisy and
#: skewed: recall 0.83 at the scan's own resolution, 0.92 resampled to 180 dpi; 160 and 200 dpi
#: were worse). PDF pages are rendered at it; images that state their resolution are resampled.
READ_DPI = 180
PAGE_TIMEOUT = 120  # seconds per page: a hung tesseract is stopped
IMAGE_FORMATS = ("jpeg", "png", "tiff")

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_DIGIT_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[{_CJK}])")
# Tesseract's Chinese model reads a "1" of a month or day as "]", "|", "l" or "I" ("2024年]月1日");
# inside a written date (after 年 or 月, before 月 or 日) those can only be the digit.
_ONE_LOOKALIKES = "]|lI"
_DATE_NUMBER = re.compile(rf"(?<=\d年)[\d{re.escape(_ONE_LOOKALIKES)}]{{1,2}}(?=月)"
                          rf"|(?<=月)[\d{re.escape(_ONE_LOOKALIKES)}]{{1,2}}(?=日)")  # fmt: skip
_ONE = str.maketrans(dict.fromkeys(_ONE_LOOKALIKES, "1"))


class OcrError(ValidationError):
    code = "ocr"


def tesseract_path() -> str:
    path = shutil.which("tesseract")
    if path is None:
        raise DependencyError(
            "未安装文字识别程序 tesseract：请运行 apt-get install -y tesseract-ocr "
            "tesseract-ocr-chi-sim"
        )
    return path


def tidy(text: str) -> str:
    """Tesseract's output without the spaces it puts inside Chinese text, with the "1" of a date's
    month or day read back from its look-alikes; blank lines dropped."""
    lines = []
    for line in text.replace("\f", "\n").splitlines():
        line = _DIGIT_GAP.sub("", _CJK_GAP.sub("", line)).strip()
        line = _DATE_NUMBER.sub(lambda m: m.group().translate(_ONE), line)
        if line:
            lines.append(line)
    return "\n".join(lines)


def _prepared(img: Any, target: Path) -> Path:
    """A greyscale copy of one page with speckle noise removed (3×3 median filter), resampled to
    :data:`READ_DPI` when the image states a plausible resolution of its own, for OCR."""
    from PIL import Image, ImageFilter

    page = img.convert("L").filter(ImageFilter.MedianFilter(3))
    dpi = _stated_dpi(img)
    if dpi is not None and abs(dpi - READ_DPI) > READ_DPI * 0.05:
        scale = READ_DPI / dpi
        size = (max(1, round(page.width * scale)), max(1, round(page.height * scale)))
        page = page.resize(size, Image.Resampling.LANCZOS)
    page.save(target)
    return target


def _stated_dpi(img: Any) -> float | None:
    """The horizontal resolution an image file states, if it is one a scanner would use (a phone
    photo or a screenshot states none, or 72/96, and is read at its own size)."""
    dpi = img.info.get("dpi")
    try:
        value = float(dpi[0]) if dpi else None
    except (TypeError, ValueError, IndexError):
        return None
    return value if value is not None and 100 <= value <= 1200 else None


def ocr_pages(path: Path) -> tuple[str, int]:
    """Text of every frame of an image file (a multi-page TIFF has several) → (text, pages)."""
    from PIL import Image, ImageSequence

    texts = []
    with tempfile.TemporaryDirectory(prefix="docgen-ocr-") as tmp, Image.open(path) as img:
        for n, frame in enumerate(ImageSequence.Iterator(img)):
            texts.append(ocr_image(_prepared(frame, Path(tmp) / f"f{n}.png")))
    return "\n".join(t for t in texts if t), len(texts)


def ocr_image(path: Path) -> str:
    """Text of one page image, as tesseract reads it."""
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    try:
        done = subprocess.run(
            [tesseract_path(), str(path), "-", "-l", LANGUAGES],
            capture_output=True,
            env=env,
            timeout=PAGE_TIMEOUT,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise OcrError(f"文字识别超时（{path.name}，超过 {PAGE_TIMEOUT} 秒）") from None
    if done.returncode != 0:
        if b"Failed loading language" in done.stderr:
            raise DependencyError(
                "未安装简体中文识别数据：请运行 apt-get install -y tesseract-ocr-chi-sim"
            )
        raise OcrError(f"文字识别失败（{path.name}，tesseract 退出码 {done.returncode}）")
    return tidy(done.stdout.decode("utf-8", "replace"))


def ocr_pdf(path: Path) -> tuple[str, int]:
    """Text of every page of a PDF (rendered at READ_DPI) → (text, pages)."""
    with tempfile.TemporaryDirectory(prefix="docgen-ocr-") as tmp:
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(READ_DPI), "-gray", "-png", str(path), f"{tmp}/p"],
                capture_output=True,
                timeout=PAGE_TIMEOUT * 4,
                check=True,
            )
        except FileNotFoundError:
            raise DependencyError(
                "未安装 pdftoppm：请运行 apt-get install -y poppler-utils"
            ) from None
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
            raise OcrError(f"无法把 {path.name} 的页面转为图像以识别文字") from None
        from PIL import Image

        texts = []
        pages = sorted(Path(tmp).glob("p*.png"))
        for page in pages:
            with Image.open(page) as img:
                texts.append(ocr_image(_prepared(img, page)))
        return "\n".join(t for t in texts if t), len(pages)


def ocr_file(path: Path, file_format: str) -> tuple[str, int]:
    """Text of a stored scan, by its format (``pdf`` or an :data:`IMAGE_FORMATS` one) → (text,
    pages read)."""
    if file_format == "pdf":
        return ocr_pdf(path)
    if file_format in IMAGE_FORMATS:
        return ocr_pages(path)
    raise OcrError(f"不能识别此格式的文字：{file_format}")
