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

A merged program keeps only the tables a PDF reader draws with (``glyf``, ``loca``, ``head``,
``hhea``, ``hmtx``, ``maxp`` and any hinting tables): the text's character codes are glyph ids and
its Unicode text is in the ToUnicode CMap, so the ``cmap``, ``name``, ``OS/2`` and ``post`` tables
are never read. The fonts of a face then also share one ToUnicode CMap and one ``/W`` array, the
union of their subsets' (only when no glyph id maps to two texts or two widths), and fonts that
have become identical are replaced by one: twenty papers, one font dictionary per face.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from docgen.typeset.pdf_output import add_object

_SUBSET_TAG = re.compile(r"^/?[A-Z]{6}\+")
#: The TrueType tables a PDF reader uses to draw a CIDFontType2 (ISO 32000-1, 9.9).
_DRAWING_TABLES = frozenset(
    {"glyf", "loca", "head", "hhea", "hmtx", "maxp", "cvt ", "fpgm", "prep"}
)


@dataclass
class _Group:
    descriptors: list[DictionaryObject] = field(default_factory=list)
    programs: dict[int, bytes] = field(default_factory=dict)  # id(stream object) → program
    fonts: list[DictionaryObject] = field(default_factory=list)  # the Type0 dictionaries


def _font_entries(resources: Any, seen: set[int]) -> Any:
    """(the /Font dictionary, name) of every font under ``resources``, inside Form XObjects too."""
    if resources is None:
        return
    resources = resources.get_object()
    if id(resources) in seen:
        return
    seen.add(id(resources))
    fonts = resources.get("/Font")
    if fonts is not None:
        fonts = fonts.get_object()
        for name in list(fonts):
            yield fonts, name
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            yield from _font_entries(xobject.get("/Resources"), seen)


def _all_font_entries(writer: PdfWriter) -> list[tuple[DictionaryObject, str]]:
    seen: set[int] = set()
    return [entry for page in writer.pages for entry in _font_entries(page.get("/Resources"), seen)]


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


def _stream(data: bytes, **entries: Any) -> StreamObject:
    """A FlateDecode stream of ``data`` compressed at zlib's best level."""
    stream = DecodedStreamObject()
    stream.set_data(data)
    for key, value in entries.items():
        stream[NameObject(f"/{key}")] = value
    return stream.flate_encode(level=9)


def share_font_programs(writer: PdfWriter) -> int:
    """Merge the subsets of each font in ``writer`` into one program, give the fonts of a face
    one ToUnicode CMap and one ``/W`` array, and replace identical fonts by one; → the number of
    faces whose program is now shared."""
    groups: dict[tuple[str, int, int], _Group] = {}
    entries = _all_font_entries(writer)
    fonts_seen: set[int] = set()
    for fonts, name in entries:
        font = fonts[name].get_object()
        if id(font) in fonts_seen:
            continue
        fonts_seen.add(id(font))
        descriptor = _truetype_descriptor(font)
        if descriptor is None:
            continue
        stream = descriptor["/FontFile2"].get_object()
        program = stream.get_data()
        key = _fingerprint(str(font["/BaseFont"]), program)
        if key is None:
            continue
        group = groups.setdefault(key, _Group())
        group.fonts.append(font)
        if all(d is not descriptor for d in group.descriptors):
            group.descriptors.append(descriptor)
        group.programs[id(stream)] = program
    shared = 0
    for group in groups.values():
        if len(group.programs) < 2:
            continue
        merged = merge_subsets(list(group.programs.values()))
        if merged is None:
            continue
        ref = add_object(writer, _stream(merged, Length1=NumberObject(len(merged))))
        for descriptor in group.descriptors:
            descriptor[NameObject("/FontFile2")] = ref
        _share_to_unicode(writer, group.fonts)
        _share_widths(writer, group.fonts)
        shared += 1
    _one_font_per_content(entries)
    return shared


# --- ToUnicode and /W: the union of a face's subsets ------------------------------------------

_HEX = rb"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_CHAR = re.compile(_HEX + rb"\s*" + _HEX)
_RANGE = re.compile(_HEX + rb"\s*" + _HEX + rb"\s*(?:" + _HEX + rb"|\[([^\]]*)\])")


def parse_to_unicode(data: bytes) -> dict[int, bytes] | None:
    """A ToUnicode CMap with 2-byte codes → {code: UTF-16BE text}; None when it is not one this
    module can rewrite (other code lengths, ``usecmap``, ranges whose last byte overflows)."""
    if b"usecmap" in data or b"<0000> <ffff>" not in data.lower():
        return None
    out: dict[int, bytes] = {}
    for block in _BFCHAR.findall(data):
        for code, text in _CHAR.findall(block):
            if len(code) != 4:
                return None
            out[int(code, 16)] = bytes.fromhex(text.decode())
    for block in _BFRANGE.findall(data):
        for low, high, start, listed in _RANGE.findall(block):
            if len(low) != 4 or len(high) != 4:
                return None
            lo, hi = int(low, 16), int(high, 16)
            if listed:
                texts = [bytes.fromhex(t.decode()) for t in re.findall(_HEX, listed)]
                if len(texts) != hi - lo + 1:
                    return None
                out.update(zip(range(lo, hi + 1), texts, strict=True))
            else:
                first = bytes.fromhex(start.decode())
                if not first or first[-1] + hi - lo > 0xFF:
                    return None
                for n in range(hi - lo + 1):
                    out[lo + n] = first[:-1] + bytes([first[-1] + n])
    return out


def to_unicode_cmap(mapping: dict[int, bytes]) -> bytes:
    """{2-byte code: UTF-16BE text} → a ToUnicode CMap: runs of consecutive codes whose texts are
    consecutive single code units as ``bfrange``, the rest as ``bfchar``, 100 entries a block."""
    ranges: list[tuple[int, int, bytes]] = []
    for code in sorted(mapping):
        text = mapping[code]
        if ranges:
            lo, hi, first = ranges[-1]
            if (code == hi + 1 and code >> 8 == lo >> 8 and len(text) == len(first) == 2
                    and text[0] == first[0] and text[1] == first[1] + code - lo):  # fmt: skip
                ranges[-1] = (lo, code, first)
                continue
        ranges.append((code, code, text))
    chars = [f"<{lo:04x}> <{text.hex()}>" for lo, hi, text in ranges if lo == hi]
    spans = [f"<{lo:04x}> <{hi:04x}> <{text.hex()}>" for lo, hi, text in ranges if lo != hi]
    lines = [
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def",
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<0000> <ffff>",
        "endcodespacerange",
    ]
    for kind, items in (("bfchar", chars), ("bfrange", spans)):
        for at in range(0, len(items), 100):
            block = items[at : at + 100]
            lines += [f"{len(block)} begin{kind}", *block, f"end{kind}"]
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


def _share_to_unicode(writer: PdfWriter, fonts: list[DictionaryObject]) -> None:
    """One ToUnicode CMap for ``fonts`` (same font file, same glyph ids), when they agree."""
    union: dict[int, bytes] = {}
    parsed: dict[int, dict[int, bytes] | None] = {}
    for font in fonts:
        if "/ToUnicode" not in font:
            return
        stream = font["/ToUnicode"].get_object()
        if id(stream) not in parsed:
            parsed[id(stream)] = parse_to_unicode(stream.get_data())
        mapping = parsed[id(stream)]
        if mapping is None:
            return
        for code, text in mapping.items():
            if union.setdefault(code, text) != text:
                return  # one glyph, two texts: each font keeps its own CMap
    if len(parsed) < 2:
        return
    ref = add_object(writer, _stream(to_unicode_cmap(union)))
    for font in fonts:
        font[NameObject("/ToUnicode")] = ref


def parse_widths(w: Any) -> dict[int, float] | None:
    """A CIDFont's ``/W`` array → {CID: width}; None when it is malformed."""
    out: dict[int, float] = {}
    items = list(w.get_object())
    at = 0
    try:
        while at < len(items):
            first = int(items[at])
            nxt = items[at + 1].get_object()
            if isinstance(nxt, ArrayObject):
                for n, width in enumerate(nxt):
                    out[first + n] = float(width)
                at += 2
            else:
                last, width = int(nxt), float(items[at + 2])
                for cid in range(first, last + 1):
                    out[cid] = width
                at += 3
    except (IndexError, TypeError, ValueError):
        return None
    return out


def _number(value: float) -> NumberObject | FloatObject:
    return NumberObject(int(value)) if value == int(value) else FloatObject(value)


def widths_array(widths: dict[int, float]) -> ArrayObject:
    """{CID: width} → a short ``/W``: ``c [w …]`` per run of consecutive CIDs, and
    ``c_first c_last w`` for four or more consecutive CIDs of one width."""
    runs: list[list[int]] = []
    for cid in sorted(widths):
        if runs and cid == runs[-1][-1] + 1:
            runs[-1].append(cid)
        else:
            runs.append([cid])
    out = ArrayObject()
    for run in runs:
        listed: list[int] = []
        at = 0
        while at < len(run):
            end = at
            while end + 1 < len(run) and widths[run[end + 1]] == widths[run[at]]:
                end += 1
            if end - at >= 3:
                if listed:
                    out += [_number(listed[0]), ArrayObject(_number(widths[c]) for c in listed)]
                    listed = []
                out += [_number(run[at]), _number(run[end]), _number(widths[run[at]])]
                at = end + 1
            else:
                listed.append(run[at])
                at += 1
        if listed:
            out += [_number(listed[0]), ArrayObject(_number(widths[c]) for c in listed)]
    return out


def _share_widths(writer: PdfWriter, fonts: list[DictionaryObject]) -> None:
    """One ``/W`` array for the CIDFonts of ``fonts``, when they agree on every shared CID."""
    descendants = [font["/DescendantFonts"][0].get_object() for font in fonts]
    default = descendants[0].get("/DW", 1000)
    if any("/W" not in d or d.get("/DW", 1000) != default for d in descendants):
        return
    union: dict[int, float] = {}
    for descendant in descendants:
        widths = parse_widths(descendant["/W"])
        if widths is None:
            return
        for cid, width in widths.items():
            if union.setdefault(cid, width) != width:
                return
    ref = add_object(writer, widths_array(union))
    for descendant in descendants:
        descendant[NameObject("/W")] = ref


def _one_font_per_content(entries: list[tuple[DictionaryObject, str]]) -> None:
    """Point every resource entry at one font dictionary among those with the same content."""
    first: dict[str, IndirectObject] = {}
    for fonts, name in entries:
        ref = fonts.raw_get(name)
        if isinstance(ref, IndirectObject):
            fonts[NameObject(name)] = first.setdefault(_content_key(ref), ref)


def _content_key(obj: Any) -> str:
    """An object's content with nested dictionaries spelled out, indirect or not; streams and
    arrays kept indirect (font programs, CMaps, the shared /W) by object number."""
    if isinstance(obj, IndirectObject):
        target = obj.get_object()
        if isinstance(target, StreamObject | ArrayObject):
            return f"@{obj.idnum}"
        return _content_key(target)
    if isinstance(obj, DictionaryObject):
        return "<<" + " ".join(f"{k} {_content_key(obj.raw_get(k))}" for k in sorted(obj)) + ">>"
    if isinstance(obj, ArrayObject):
        return "[" + " ".join(_content_key(v) for v in obj) + "]"
    return repr(obj)


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
        """This font's drawing tables (``_DRAWING_TABLES``) with ``glyphs`` and ``metrics`` (short
        loca offsets when the glyphs fit in 128 KB, full metrics)."""
        from fontTools.ttLib.sfnt import SFNTWriter

        glyf, offsets = bytearray(), [0]
        for data in glyphs:
            glyf += data + b"\0" * (-len(data) % 4)
            offsets.append(len(glyf))
        tables = {tag: self.font.reader[tag] for tag in self.font.reader.tables
                  if tag in _DRAWING_TABLES}  # fmt: skip
        long_loca = len(glyf) > 2 * 0xFFFF
        tables["glyf"] = bytes(glyf)
        if long_loca:
            tables["loca"] = struct.pack(f">{len(offsets)}L", *offsets)
        else:
            tables["loca"] = struct.pack(f">{len(offsets)}H", *(o // 2 for o in offsets))
        tables["hmtx"] = b"".join(struct.pack(">Hh", a, b) for a, b in metrics)
        hhea = bytearray(tables["hhea"])
        hhea[34:36] = struct.pack(">H", len(glyphs))
        tables["hhea"] = bytes(hhea)
        head = bytearray(tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment: the writer computes it
        head[50:52] = struct.pack(">h", 1 if long_loca else 0)  # indexToLocFormat
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
