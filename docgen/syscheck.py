"""System check: the shared libraries and programs docgen loads at run time → a list of what is missing.

Python wheels bundle most native code (pikepdf its qpdf, Pillow its image codecs, cryptography its
OpenSSL), but WeasyPrint loads Pango, HarfBuzz (with its subsetter) and fontconfig from the system
through cffi, and some steps run Debian programs (pdftoppm, qpdf, soffice). A missing one shows up
later as a confusing import warning or a failed render; this check names it, and the Debian package
that brings it, before anything else runs. Standard library only: ``make setup`` runs it with the
system Python (``python3 -m docgen.syscheck``) before the virtualenv exists, and again inside it with
``--weasyprint``, which imports WeasyPrint with warnings as errors, as the test suite does.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class Need:
    name: str  # the soname to dlopen, or the program to find on PATH
    package: str  # the Debian package that provides it
    purpose: str  # what needs it, in Chinese (shown to the user)
    program: bool = False


CHI_SIM = "/usr/share/tesseract-ocr/5/tessdata/chi_sim.traineddata"  # a file: checked by path

# Sonames are the ones WeasyPrint's cffi bindings open (weasyprint/text/ffi.py, checked on 70).
NEEDS = (
    Need("libgobject-2.0.so.0", "libglib2.0-0", "WeasyPrint 排版"),
    Need("libpango-1.0.so.0", "libpango-1.0-0", "WeasyPrint 排版"),
    Need("libpangoft2-1.0.so.0", "libpangoft2-1.0-0", "WeasyPrint 排版"),
    Need("libharfbuzz.so.0", "libharfbuzz0b", "WeasyPrint 排版"),
    Need("libharfbuzz-subset.so.0", "libharfbuzz-subset0", "WeasyPrint 字体子集"),
    Need("libfontconfig.so.1", "libfontconfig1", "WeasyPrint 字体查找"),
    Need("pdftoppm", "poppler-utils", "PDF 转图片（测试与核对版面）", program=True),
    Need("pdftotext", "poppler-utils", "PDF 文字提取（测试）", program=True),
    Need("qpdf", "qpdf", "PDF 结构检查（测试）", program=True),
    Need("soffice", "libreoffice-writer-nogui", "LibreOffice 对照排版（测试与基准）", program=True),
    Need("tesseract", "tesseract-ocr", "扫描件文字识别（OCR）", program=True),
    Need(CHI_SIM, "tesseract-ocr-chi-sim", "扫描件简体中文识别数据（OCR）", program=True),
)


def _present(need: Need) -> bool:
    if need.program:
        if need.name.startswith("/"):
            return os.path.isfile(need.name)
        return shutil.which(need.name) is not None
    try:
        ctypes.CDLL(need.name)
    except OSError:
        return False
    return True


def missing() -> list[Need]:
    """Every need that this machine does not satisfy, in table order."""
    return [need for need in NEEDS if not _present(need)]


def report(absent: list[Need]) -> str:
    """The Chinese message naming each missing library or program and its Debian package."""
    lines = ["缺少以下系统组件，请先安装（Debian：apt-get install 软件包名）："]
    lines += [f"- {need.name}（软件包 {need.package}）：{need.purpose}" for need in absent]
    packages = " ".join(dict.fromkeys(need.package for need in absent))
    lines.append(f"安装命令：apt-get install -y {packages}")
    return "\n".join(lines)


def weasyprint_problem() -> str | None:
    """Import WeasyPrint with warnings as errors (as the test suite does); the problem, or None."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            import weasyprint  # noqa: F401
        except (Warning, OSError, ImportError) as exc:
            return f"WeasyPrint 无法正常加载：{exc}"
    return None


def main(argv: list[str]) -> int:
    absent = missing()
    if absent:
        print(report(absent), file=sys.stderr)
        return 1
    if "--weasyprint" in argv:
        problem = weasyprint_problem()
        if problem:
            print(problem, file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
