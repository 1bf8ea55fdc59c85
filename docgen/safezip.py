"""Office files (.docx, .xlsx) are zip archives: check one before any library parses it.

A hostile file can hold a 1 GiB ``document.xml`` in 1.6 MB (a zip bomb), thousands of members,
or an XML part with a DTD whose entities expand a billion times. :func:`check_office_zip` reads
only the zip's central directory and the first bytes of each XML part, and refuses with a
Chinese message before python-docx, docxtpl or openpyxl see the file:

* at most :data:`MAX_MEMBERS` members;
* each XML part at most :data:`MAX_XML_BYTES` uncompressed (lxml needs ~10× that in memory,
  which keeps the peak for any input well under 1 GB), any other member at most
  :data:`MAX_MEMBER_BYTES`, all members together at most :data:`MAX_TOTAL_BYTES`;
* no member larger than 1 MiB compressed more than :data:`MAX_RATIO` times (real Office XML
  compresses 5–30 times);
* every XML part starts as XML, with no ``<!DOCTYPE``/``<!ENTITY`` before its root element
  (Office never writes one; it is how entity expansion attacks start). The parsers are the
  second guard: openpyxl uses defusedxml, python-docx parses with ``resolve_entities=False``.

The declared sizes are binding: Python's zipfile stops reading a member at its declared size,
so a member cannot inflate past what was checked here.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from docgen.errors import ValidationError

MAX_MEMBERS = 5_000
MAX_XML_BYTES = 64 * 1024 * 1024  # a 台账 sheet (openpyxl streams it in read-only mode)
# A Word part is parsed whole by python-docx (16 MiB of XML: +130 MB measured) and then typeset:
# 16 MiB is thousands of pages, far beyond any paper or attachment.
MAX_WORD_XML_BYTES = 16 * 1024 * 1024
MAX_MEMBER_BYTES = 256 * 1024 * 1024
MAX_TOTAL_BYTES = 512 * 1024 * 1024
MAX_RATIO = 100
RATIO_FROM_BYTES = 1024 * 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_HEAD_BYTES = 4096
_PROLOG_MAX = 1024 * 1024
_ROOT = re.compile(rb"<[A-Za-z_]")


class UnsafeOfficeFile(ValidationError):
    code = "unsafe_office_file"


def check_word_zip(path: Path, what: str = "Word 文件") -> None:
    """:func:`check_office_zip` with the Word cap (python-docx parses each part whole)."""
    check_office_zip(path, what, max_xml_bytes=MAX_WORD_XML_BYTES)


def _mib(n: int) -> str:
    return f"{n / 1024 / 1024:.0f} MB"


def check_office_zip(path: Path, what: str = "文件", *, max_xml_bytes: int = 0) -> None:
    """Refuse ``path`` (a .docx/.xlsx) when its zip structure could exhaust memory or time.

    ``what`` names the file in the message (``附件``, ``台账``, ``模板``); ``max_xml_bytes`` is
    the cap per XML part (:data:`MAX_WORD_XML_BYTES` for Word files, default
    :data:`MAX_XML_BYTES`). Raises
    :class:`UnsafeOfficeFile`; a file that is not a zip at all is left to the caller's reader.
    """
    name = Path(path).name
    max_xml_bytes = max_xml_bytes or MAX_XML_BYTES
    refuse = f"{what} {name} 不能读取："
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the reader gives its own "not a .docx/.xlsx" message
    with zf:
        members = zf.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnsafeOfficeFile(
                f"{refuse}压缩包内有 {len(members)} 个文件（最多 {MAX_MEMBERS} 个），疑似恶意文件"
            )
        total = 0
        for info in members:
            size = info.file_size
            total += size
            is_xml = info.filename.lower().endswith(_XML_SUFFIXES)
            limit = max_xml_bytes if is_xml else MAX_MEMBER_BYTES
            if size > limit:
                raise UnsafeOfficeFile(
                    f"{refuse}其中的 {info.filename[:80]} 解压后 {_mib(size)}，超过上限 {_mib(limit)}"
                )
            if size > RATIO_FROM_BYTES and size > MAX_RATIO * max(info.compress_size, 1):
                ratio = size // max(info.compress_size, 1)
                raise UnsafeOfficeFile(
                    f"{refuse}其中的 {info.filename[:80]} 压缩比达 {ratio} 倍（上限 {MAX_RATIO} 倍），"
                    "疑似“压缩炸弹”"
                )
            if total > MAX_TOTAL_BYTES:
                raise UnsafeOfficeFile(f"{refuse}解压后总大小超过 {_mib(MAX_TOTAL_BYTES)}")
        for info in members:
            if info.filename.lower().endswith(_XML_SUFFIXES) and not info.is_dir():
                _check_xml_head(zf, info, refuse)


def _prolog(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """The bytes before the root element (None when there is none in the first MiB)."""
    buf = b""
    with zf.open(info) as fh:
        while len(buf) < _PROLOG_MAX:
            chunk = fh.read(_HEAD_BYTES)
            if not chunk:
                break
            buf += chunk
            if buf[:2] in (b"\xff\xfe", b"\xfe\xff"):
                text = buf.decode("utf-16", errors="ignore").encode("utf-8", errors="ignore")
            else:
                text = buf
            if m := _ROOT.search(text):
                return text[: m.start()]
    return None


def _check_xml_head(zf: zipfile.ZipFile, info: zipfile.ZipInfo, refuse: str) -> None:
    part = info.filename[:80]
    if info.file_size == 0:
        return
    try:
        prolog = _prolog(zf, info)
    except RuntimeError:  # encrypted member
        raise UnsafeOfficeFile(f"{refuse}其中的 {part} 已加密") from None
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError) as exc:
        raise UnsafeOfficeFile(f"{refuse}其中的 {part} 已损坏（{type(exc).__name__}）") from None
    start = (prolog or b"").lstrip(b"\xef\xbb\xbf \t\r\n")
    if prolog is None or (start and not start.startswith(b"<")):
        raise UnsafeOfficeFile(f"{refuse}其中的 {part} 不是有效的 XML（文件已损坏或被篡改）")
    upper = prolog.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        raise UnsafeOfficeFile(
            f"{refuse}其中的 {part} 含有 DTD 或实体声明（Office 文件不会有），疑似恶意文件"
        )
