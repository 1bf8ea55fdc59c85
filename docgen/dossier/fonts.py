"""One font program per face in a dossier made of separately rendered papers.

Every paper PDF that WeasyPrint wrote carries its own subset of each prepared font (the fonts of
``docgen.fonts``): twenty papers, twenty copies of 仿宋. WeasyPrint keeps the glyph ids of the
font it subsets (CIDs are glyph ids, ``/CIDToGIDMap /Identity``), so subsets of the same font
differ only in which glyphs they fill in. ``share_font_programs`` merges, per font, the glyphs of
all its subsets into one TrueType program and points every font descriptor at it; the pages,
their text and their widths stay exactly as issued.

Subsets are merged only when they come from the same font file (same name and the ``head``
table's created/modified stamps, which the prepared fonts get when they are built) and agree
on every glyph they both fill in; anything else (CFF programs, composite glyphs, a different
glyph mapping) keeps its own program. Unreferenced programs are dropped when the file is written.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, NumberObject, StreamObject

_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")


@dataclass
class _Group:
    descriptors: list[DictionaryObject] = field(default_factory=list)
    programs: dict[int, bytes] = field(default_factory=dict)  # id(stream object) → program


def _font_dicts(resources: Any, seen: set[int]) -> Any:
    """Font dictionaries under ``resources``, including inside Form XObjects."""
    if resources is None:
        return
    resources = resources.get_object()
    if id(resources) in seen:
        return
    seen.add(id(resources))
    for font in (resources.get("/Font") or {}).values():
        yield font.get_object()
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _font_dicts(xobject.get("/Resources"), seen)


def _truetype_descriptor(font: DictionaryObject) -> DictionaryObject | None:
    """The FontDescriptor of a Type0/CIDFontType2 font with an identity glyph map, else None."""
    if font.get("/Subtype") != "/Type0":
        return None
    descendant = font["/DescendantFonts"][0].get_object()
    if descendant.get("/Subtype") != "/CIDFontType2":
        return None
    if descendant.get("/CIDToGIDMap", NameObject("/Identity")) != "/Identity":
        return None
    descriptor = descendant["/FontDescriptor"].get_object()
    return descriptor if "/FontFile2" in descriptor else None


def _fingerprint(name: str, program: bytes) -> tuple[str, int, int] | None:
    from fontTools.ttLib import TTFont, TTLibError

    try:
        font = TTFont(io.BytesIO(program), lazy=True)
        head = font["head"]
        return (_SUBSET_TAG.sub("", name), head.created, head.modified)
    except (TTLibError, KeyError, ValueError, AssertionError):
        return None


def share_font_programs(writer: PdfWriter) -> int:
    """Merge the subsets of each font in ``writer`` into one program; → fonts now shared."""
    groups: dict[tuple[str, int, int], _Group] = {}
    seen: set[int] = set()
    for page in writer.pages:
        for font in _font_dicts(page.get("/Resources"), seen):
            descriptor = _truetype_descriptor(font)
            if descriptor is None:
                continue
            stream = descriptor["/FontFile2"].get_object()
            program = stream.get_data()
            key = _fingerprint(str(font["/BaseFont"]), program)
            if key is None:
                continue
            group = groups.setdefault(key, _Group())
            group.descriptors.append(descriptor)
            group.programs[id(stream)] = program
    shared = 0
    for group in groups.values():
        if len(group.programs) < 2:
            continue
        merged = merge_subsets(list(group.programs.values()))
        if merged is None:
            continue
        stream = StreamObject()
        stream.set_data(merged)
        stream[NameObject("/Length1")] = NumberObject(len(merged))
        ref = writer._add_object(stream.flate_encode())
        for descriptor in group.descriptors:
            descriptor[NameObject("/FontFile2")] = ref
        shared += 1
    return shared


def merge_subsets(programs: list[bytes]) -> bytes | None:
    """Glyph-id-preserving TrueType subsets of one font → one program holding all their glyphs,
    or None when they do not fit together. Works on the raw tables (glyph bytes are copied, not
    decompiled): a few milliseconds for twenty subsets of a CJK font."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        fonts = [_RawSubset(TTFont(io.BytesIO(p), lazy=True)) for p in programs]
    except (TTLibError, KeyError, struct.error, ValueError):
        return None
    if any(f.glyphs is None for f in fonts):
        return None
    count = max(len(f.glyphs) for f in fonts)  # type: ignore[arg-type]
    glyphs: list[bytes] = [b""] * count
    metrics: list[tuple[int, int]] = [(0, 0)] * count
    for font in fonts:
        for gid, data in enumerate(font.glyphs):  # type: ignore[arg-type]
            if not data:
                continue
            if glyphs[gid] and glyphs[gid] != data and gid:
                return None  # the same glyph id draws something else: not the same font
            if not glyphs[gid]:
                glyphs[gid], metrics[gid] = data, font.metric(gid)
    base = max(fonts, key=lambda f: len(f.glyphs))  # type: ignore[arg-type]
    return base.rebuilt(glyphs, metrics, fonts)


class _RawSubset:
    """The raw glyph, metric and size tables of one TrueType subset."""

    def __init__(self, font: Any) -> None:
        self.font = font
        self.glyphs: list[bytes] | None = None
        if "glyf" not in font.reader or "CFF " in font.reader:
            return
        count = struct.unpack(">H", font.reader["maxp"][4:6])[0]
        long_loca = struct.unpack(">h", font.reader["head"][50:52])[0] == 1
        raw_loca, glyf = font.reader["loca"], font.reader["glyf"]
        if long_loca:
            offsets = struct.unpack(f">{count + 1}L", raw_loca[: 4 * (count + 1)])
        else:
            offsets = tuple(
                2 * o for o in struct.unpack(f">{count + 1}H", raw_loca[: 2 * (count + 1)])
            )
        self.glyphs = [glyf[a:b] for a, b in pairwise(offsets)]
        if any(len(g) >= 10 and struct.unpack(">h", g[:2])[0] < 0 for g in self.glyphs):
            self.glyphs = None  # composite glyphs name other glyphs: not merged
            return
        self.long_metrics = struct.unpack(">H", font.reader["hhea"][34:36])[0]
        self.hmtx = font.reader["hmtx"]

    def metric(self, gid: int) -> tuple[int, int]:
        """(advance width, left side bearing) of ``gid``."""
        n = self.long_metrics
        if gid < n:
            return struct.unpack(">Hh", self.hmtx[4 * gid : 4 * gid + 4])
        advance = struct.unpack(">H", self.hmtx[4 * (n - 1) : 4 * n - 2])[0]
        lsb_at = 4 * n + 2 * (gid - n)
        return advance, struct.unpack(">h", self.hmtx[lsb_at : lsb_at + 2])[0]

    def rebuilt(self, glyphs: list[bytes], metrics: list[tuple[int, int]],
                fonts: list[_RawSubset]) -> bytes:  # fmt: skip
        """This font's other tables with ``glyphs`` and ``metrics`` (long loca, full metrics)."""
        from fontTools.ttLib.sfnt import SFNTWriter

        glyf, offsets = bytearray(), [0]
        for data in glyphs:
            glyf += data + b"\0" * (-len(data) % 4)
            offsets.append(len(glyf))
        tables = {tag: self.font.reader[tag] for tag in self.font.reader.tables}
        tables["glyf"] = bytes(glyf)
        tables["loca"] = struct.pack(f">{len(offsets)}L", *offsets)
        tables["hmtx"] = b"".join(struct.pack(">Hh", a, b) for a, b in metrics)
        hhea = bytearray(tables["hhea"])
        hhea[34:36] = struct.pack(">H", len(glyphs))
        tables["hhea"] = bytes(hhea)
        head = bytearray(tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment: the writer computes it
        head[50:52] = struct.pack(">h", 1)  # long loca offsets
        tables["head"] = bytes(head)
        maxp = bytearray(tables["maxp"])
        maxp[4:6] = struct.pack(">H", len(glyphs))
        for at in range(6, min(len(maxp), 32), 2):  # maxPoints … : the largest of the subsets
            maxp[at : at + 2] = struct.pack(
                ">H", max(struct.unpack(">H", f.font.reader["maxp"][at : at + 2])[0] for f in fonts)
            )
        tables["maxp"] = bytes(maxp)
        out = io.BytesIO()
        writer = SFNTWriter(out, len(tables), sfntVersion=self.font.reader.sfntVersion)
        for tag in sorted(tables):
            writer[tag] = tables[tag]
        writer.close()
        return out.getvalue()
