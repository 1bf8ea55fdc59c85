"""OCR of scans: an image or an image-only PDF → its printed Chinese text, with Tesseract.

Debian's ``tesseract-ocr`` with ``tesseract-ocr-chi-sim`` (simplified Chinese, plus the English
that comes with it for digits and Latin letters). The ``tesseract`` binary is called directly, one
process per page image, limited to one thread (``OMP_THREAD_LIMIT=1``) so that a background OCR
never takes both cores from the clerk. PDF pages are rendered to greyscale images with
``pdftoppm`` (poppler-utils, already a docgen dependency) at :data:`PDF_DPI` in a private
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

from docgen.errors import DependencyError, ValidationError

LANGUAGES = "chi_sim+eng"
PDF_DPI = 300
PAGE_TIMEOUT = 120  # seconds per page: a hung tesseract is stopped
IMAGE_FORMATS = ("jpeg", "png", "tiff")

_CJK = "\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[{_CJK}])")
_DIGIT_GAP = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=\d)|(?<=\d)[ \t]+(?=[{_CJK}])")


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
    """Tesseract's output without the spaces it puts inside Chinese text; blank lines dropped."""
    lines = []
    for line in text.replace("\f", "\n").splitlines():
        line = _DIGIT_GAP.sub("", _CJK_GAP.sub("", line)).strip()
        if line:
            lines.append(line)
    return "\n".join(lines)


def ocr_image(path: Path) -> str:
    """Text of one image file (every frame of a multi-page TIFF)."""
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
    """Text of every page of a PDF (rendered at PDF_DPI) → (text, pages)."""
    with tempfile.TemporaryDirectory(prefix="docgen-ocr-") as tmp:
        try:
            subprocess.run(
                ["pdftoppm", "-r", str(PDF_DPI), "-gray", "-png", str(path), f"{tmp}/p"],
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
        pages = sorted(Path(tmp).glob("p*.png"))
        return "\n".join(t for t in (ocr_image(p) for p in pages) if t), len(pages)


def ocr_file(path: Path, file_format: str) -> tuple[str, int]:
    """Text of a stored scan, by its format (``pdf`` or an :data:`IMAGE_FORMATS` one) → (text,
    pages read)."""
    if file_format == "pdf":
        return ocr_pdf(path)
    if file_format in IMAGE_FORMATS:
        from PIL import Image

        with Image.open(path) as img:
            frames = getattr(img, "n_frames", 1)
        return ocr_image(path), frames
    raise OcrError(f"不能识别此格式的文字：{file_format}")
