"""Hostile inputs generated in code: zip bombs, billion laughs, broken XML, bad encodings,
surrogates, control and bidi characters, over-long values, traversal names.

Nothing here is large on disk: the 1 GiB member is *declared* in the zip's directory (the check
must refuse it from the directory alone), the real bomb is 4 MiB of blanks in ~4 KB.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from pathlib import Path

from docx import Document
from openpyxl import Workbook

from tests.conftest import HEADERS, good_row

GIB = 1024**3
LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    b"<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>"
)
NOT_XML = bytes(range(256)) * 16

BIDI = "张\u202e三"
SURROGATE = "XF\udcff01"  # what Python makes of the invalid UTF-8 byte 0xFF in argv
CONTROL = "追讨\x0b欠薪"
EMOJI = "要求解决\U0001f600问题"


def base_docx() -> bytes:
    doc = Document()
    doc.add_paragraph("正文")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def base_xlsx() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADERS)
    ws.append(good_row(1))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def replace_member(data: bytes, member: str, content: bytes, *, extra: int = 0) -> bytes:
    """The zip ``data`` with ``member`` replaced by ``content`` (and ``extra`` tiny members)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == member else src.read(info))
        for i in range(extra):
            dst.writestr(f"hostile/part{i}.xml", b"<a/>", zipfile.ZIP_STORED)
    return out.getvalue()


def declare_size(data: bytes, member: str, size: int) -> bytes:
    """Patch the uncompressed size of ``member`` in the local header and central directory."""
    raw = bytearray(data)
    name = member.encode()
    cd = raw.find(b"PK\x01\x02")  # first central directory entry
    while cd != -1:
        name_len = struct.unpack_from("<H", raw, cd + 28)[0]
        if raw[cd + 46 : cd + 46 + name_len] == name:
            struct.pack_into("<I", raw, cd + 24, size)
            local = struct.unpack_from("<I", raw, cd + 42)[0]
            struct.pack_into("<I", raw, local + 22, size)
            return bytes(raw)
        cd = raw.find(b"PK\x01\x02", cd + 4)
    raise KeyError(member)


def write_office_files(folder: Path) -> dict[str, Path]:
    """Every hostile .docx/.xlsx of the corpus, by name."""
    folder.mkdir(parents=True, exist_ok=True)
    docx, xlsx = base_docx(), base_xlsx()
    doc_part, sheet_part = "word/document.xml", "xl/worksheets/sheet1.xml"
    with zipfile.ZipFile(io.BytesIO(xlsx)) as zf:
        sheet = zf.read(sheet_part)
    demand = "要求".encode("ascii", "xmlcharrefreplace")  # openpyxl writes inline &#…; strings
    blanks = b"<w:document>" + b" " * (4 * 1024 * 1024) + b"</w:document>"
    files = {
        "bomb-declared.docx": declare_size(docx, doc_part, GIB),
        "bomb-ratio.docx": replace_member(docx, doc_part, blanks),
        "many-members.docx": replace_member(docx, "", b"", extra=5_001),
        "laughs.docx": replace_member(docx, doc_part, LAUGHS),
        "not-xml.docx": replace_member(docx, doc_part, NOT_XML),
        "bomb-declared.xlsx": declare_size(xlsx, sheet_part, GIB),
        "laughs.xlsx": replace_member(xlsx, sheet_part, LAUGHS),
        "not-xml.xlsx": replace_member(xlsx, sheet_part, NOT_XML),
        "vt-char.xlsx": replace_member(xlsx, sheet_part, sheet.replace(demand, b"&#11;", 1)),
    }
    files["bomb.png"] = png_declaring(40_000, 40_000)
    paths = {}
    for name, data in files.items():
        (folder / name).write_bytes(data)
        paths[name] = folder / name
    return paths


def png_declaring(width: int, height: int) -> bytes:
    """A tiny PNG whose header declares ``width`` × ``height`` pixels (a decompression bomb)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def tree_state(*roots: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``roots`` → (size, mtime_ns); SQLite's transient side files left out."""
    state = {}
    for root in roots:
        for path in root.rglob("*"):
            if path.is_file() and not path.name.endswith(("-wal", "-shm", "-journal")):
                st = path.stat()
                state[str(path)] = (st.st_size, st.st_mtime_ns)
    return state


def catalog_bytes(root: Path) -> bytes:
    return (root / "catalog.sqlite").read_bytes()
