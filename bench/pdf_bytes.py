"""Where a PDF's bytes go, for the size benchmarks (``bench/dossier.py``, ``bench/papers.py``)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

import pikepdf
from fontTools.ttLib import TTFont


def byte_breakdown(path: Path) -> list[tuple[str, int, int]]:
    """(what, stored bytes, objects) of a PDF's streams by role, then the rest of the file
    (dictionaries in object streams, stream dictionaries, the xref stream)."""
    with pikepdf.open(path) as pdf:
        programs, cmaps, contents = set(), set(), set()
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary):
                if obj.get("/Type") == "/FontDescriptor" and "/FontFile2" in obj:
                    programs.add(obj.FontFile2.objgen)
                if "/ToUnicode" in obj:
                    cmaps.add(obj.ToUnicode.objgen)
        for page in pdf.pages:
            raw = page.obj.get("/Contents")
            contents.update(s.objgen for s in (raw if isinstance(raw, pikepdf.Array) else [raw]))
        rows: dict[str, list[int]] = {}
        for obj in pdf.objects:
            if not isinstance(obj, pikepdf.Stream) or obj.get("/Type") in ("/ObjStm", "/XRef"):
                continue
            og = obj.objgen
            what = ("font programs" if og in programs else "ToUnicode CMaps" if og in cmaps
                    else "page content" if og in contents
                    else "scans (JPEG)" if obj.get("/Subtype") == "/Image"
                    else "Form XObjects" if obj.get("/Subtype") == "/Form" else "other streams")  # fmt: skip
            row = rows.setdefault(what, [0, 0])
            row[0] += len(obj.read_raw_bytes())
            row[1] += 1
    out = sorted(((k, v[0], v[1]) for k, v in rows.items()), key=lambda r: -r[1])
    return [*out, ("rest (dictionaries, xref)", path.stat().st_size - sum(r[1] for r in out), 0)]


def outline_bytes(paths: list[Path]) -> tuple[int, int]:
    """(glyphs drawn, their TrueType outlines at zlib's best level) over the embedded fonts of
    ``paths``: what no PDF of the same text in the same faces can do without."""
    glyphs = size = 0
    for path in paths:
        with pikepdf.open(path) as pdf:
            done = set()
            for obj in pdf.objects:
                if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor":
                    if "/FontFile2" not in obj or obj.FontFile2.objgen in done:
                        continue
                    done.add(obj.FontFile2.objgen)
                    font = TTFont(io.BytesIO(obj.FontFile2.read_bytes()))
                    glyf = font["glyf"]
                    glyphs += sum(1 for n in font.getGlyphOrder() if glyf[n].numberOfContours)
                    size += len(zlib.compress(font.reader["glyf"], 9))
    return glyphs, size
