"""Printed Chinese pages for OCR tests and bench/ocr.py: names, dates, 保证书 wording, rendered
with Pillow and Noto CJK at a given dpi, optionally with noise and a slight skew."""

from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
NAMES = ("李四", "王秀英", "张建国", "赵丽华", "陈志强", "刘桂兰")


def page_lines(n: int) -> list[str]:
    name = NAMES[n % len(NAMES)]
    return [
        "息诉罢访保证书",
        f"保证人{name}，住址某区幸福路{n + 3}号。",
        "本人因拖欠工资问题多次到区信访局反映，",
        "经区人力资源和社会保障局协调，问题已经解决。",
        "本人承诺今后不再就此事上访，息诉罢访。",
        f"保证人：{name}",
        f"2024年{n % 12 + 1}月{n % 27 + 1}日",
    ]


def words_of(lines: list[str]) -> list[str]:
    """The words whose recall is measured: names, dates, 保证书 terms."""
    name = lines[-2].removeprefix("保证人：")
    return [name, lines[-1], "息诉罢访", "保证书", "拖欠工资", "信访局", "人力资源和社会保障局",
            "上访"]  # fmt: skip


def render_page(path: Path, lines: list[str], *, dpi: int = 200, noise: float = 0.0,
                skew: float = 0.0, seed: int = 0) -> Path:  # fmt: skip
    """An A4 greyscale scan of ``lines`` (16 pt text); ``noise``: share of pixels flipped to
    random grey, ``skew``: degrees of rotation."""
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    img = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(img)
    size = int(16 / 72 * dpi)
    font = ImageFont.truetype(FONT, size, index=2)
    y = int(1.2 * dpi)
    for line in lines:
        draw.text((int(1.1 * dpi), y), line, font=font, fill=0)
        y += int(size * 1.8)
    if skew:
        img = img.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255, expand=False)
    if noise:
        rng = random.Random(seed)
        px = img.load()
        for _ in range(int(width * height * noise)):
            px[rng.randrange(width), rng.randrange(height)] = rng.randrange(256)
    img.save(path, dpi=(dpi, dpi))
    return path
