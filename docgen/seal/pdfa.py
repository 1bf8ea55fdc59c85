"""A PDF → a PDF/A report (checked on the file, not assumed); a PDF + 题名/档号/dates → archival XMP.

The checks are the ones that can be made without a full PDF/A validator: qpdf's structure check,
the PDF/A identification (``pdfaid:part`` ≥ 2 and a conformance level) in the XMP metadata, an
OutputIntent, every font embedded (FontFile/FontFile2/FontFile3, following Form XObjects, Type3
resources and annotation appearances), no encryption, a trailer /ID, and the Info dictionary
consistent with the XMP. veraPDF, when an office has it, remains the full check.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from pypdf import PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject

from docgen.atomic import write_bytes as atomic_write
from docgen.seal.errors import DependencyError, SealError
from docgen.seal.xobject import refuse_signed
from docgen.typeset.pdf_output import pdf_bytes

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "dc": "http://purl.org/dc/elements/1.1/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
}
CHINA = dt.timezone(dt.timedelta(hours=8))
Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class CheckItem:
    code: str
    severity: Severity
    message: str


@dataclass
class PdfaReport:
    """The PDF/A check of one file; ``ok`` when no item is an error."""

    path: Path
    part: int | None = None
    conformance: str | None = None
    fonts: list[str] = field(default_factory=list)
    items: list[CheckItem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(item.severity == "error" for item in self.items)

    def add(self, code: str, message: str, severity: Severity = "error") -> None:
        self.items.append(CheckItem(code, severity, message))


# --- checking ----------------------------------------------------------------------------------


def check_pdfa(path: Path, min_part: int = 2) -> PdfaReport:
    """Check ``path`` for the PDF/A properties listed in the module docstring."""
    path = Path(path)
    report = PdfaReport(path)
    _check_qpdf(path, report)
    try:
        reader = PdfReader(path)
    except Exception as exc:
        report.add("unreadable", f"无法读取 PDF：{exc}")
        return report
    if "/Encrypt" in reader.trailer:
        report.add("encrypted", "文件已加密：PDF/A 不允许加密")
        return report
    if "/ID" not in reader.trailer:
        report.add("no_id", "文件尾缺少 /ID（PDF/A 要求）")
    xmp = _xmp_tree(reader, report)
    if xmp is not None:
        _check_identification(xmp, report, min_part)
        _check_info_consistency(reader, xmp, report)
    _check_output_intent(reader, report)
    _check_fonts(reader, report)
    _check_annotations(reader, report)
    return report


def _check_annotations(reader: PdfReader, report: PdfaReport) -> None:
    """PDF/A: annotations (a visible signature, links) must print and must not be hidden."""
    for number, page in enumerate(reader.pages, start=1):
        for annot in page.get("/Annots") or []:
            annot = annot.get_object()
            if annot.get("/Subtype") == "/Popup":
                continue
            flags = int(annot.get("/F", 0))
            if not flags & 4 or flags & (1 | 2 | 32):
                report.add(
                    "annotation_flags",
                    f"第 {number} 页的注释（{annot.get('/Subtype')}）未设置打印标志或被隐藏",
                )


def _check_qpdf(path: Path, report: PdfaReport) -> None:
    qpdf = shutil.which("qpdf")
    if qpdf is None:
        raise DependencyError("缺少 qpdf，无法检查 PDF 结构（请安装 qpdf）", code="qpdf")
    result = subprocess.run([qpdf, "--check", str(path)], capture_output=True, text=True)
    if result.returncode == 3:
        report.add("qpdf_warning", f"qpdf 检查有警告：{result.stderr.strip()[:300]}", "warning")
    elif result.returncode != 0:
        detail = (result.stderr or result.stdout).strip()[:300]
        report.add("qpdf", f"qpdf 结构检查未通过：{detail}")


def _parse_xmp(data: bytes) -> ET.Element:
    """XMP from a PDF we did not necessarily write: no DTD, no entity expansion (defusedxml)."""
    return SafeET.fromstring(data)


def _xmp_tree(reader: PdfReader, report: PdfaReport) -> ET.Element | None:
    meta = reader.trailer["/Root"].get("/Metadata")
    if meta is None:
        report.add("no_xmp", "缺少 XMP 元数据（PDF/A 标识必须写在 XMP 中）")
        return None
    meta = meta.get_object()
    try:
        return _parse_xmp(meta.get_data())
    except (ET.ParseError, DefusedXmlException) as exc:
        report.add("bad_xmp", f"XMP 元数据不是有效的 XML：{exc}")
        return None


def _xmp_value(tree: ET.Element, prefix: str, name: str) -> str | None:
    """A simple XMP property, written as an attribute or as an element (first rdf:li if a list)."""
    qname = f"{{{NS[prefix]}}}{name}"
    for desc in tree.iter(f"{{{NS['rdf']}}}Description"):
        if qname in desc.attrib:
            return desc.attrib[qname]
        element = desc.find(qname)
        if element is not None:
            item = element.find(f".//{{{NS['rdf']}}}li")
            text = item.text if item is not None else element.text
            return (text or "").strip()
    return None


def _check_identification(tree: ET.Element, report: PdfaReport, min_part: int) -> None:
    part = _xmp_value(tree, "pdfaid", "part")
    conformance = _xmp_value(tree, "pdfaid", "conformance")
    if part is None or not part.isdigit():
        report.add("no_pdfaid", "XMP 中没有 PDF/A 标识（pdfaid:part）")
        return
    report.part = int(part)
    report.conformance = conformance
    if report.part < min_part:
        report.add("pdfa_part", f"PDF/A-{part} 低于要求的 PDF/A-{min_part}")
    if conformance not in ("A", "B", "U"):
        report.add("pdfa_conformance", f"PDF/A 符合级别“{conformance}”无效（应为 A、B 或 U）")


_INFO_XMP = {
    "/Title": ("dc", "title"),
    "/Author": ("dc", "creator"),
    "/Subject": ("dc", "description"),
    "/Keywords": ("pdf", "Keywords"),
    "/Producer": ("pdf", "Producer"),
    "/Creator": ("xmp", "CreatorTool"),
    "/CreationDate": ("xmp", "CreateDate"),
    "/ModDate": ("xmp", "ModifyDate"),
}


def _check_info_consistency(reader: PdfReader, tree: ET.Element, report: PdfaReport) -> None:
    info = reader.trailer.get("/Info")
    if info is None:
        return
    info = info.get_object()
    for key, (prefix, name) in _INFO_XMP.items():
        if key not in info:
            continue
        value = str(info[key])
        xmp_value = _xmp_value(tree, prefix, name)
        if key.endswith("Date"):
            same = xmp_value is not None and _same_instant(value, xmp_value)
        else:
            same = xmp_value == value
        if not same:
            report.add(
                "info_xmp_mismatch",
                f"文档信息 {key[1:]}“{value}”与 XMP {prefix}:{name}“{xmp_value}”不一致",
            )


def _same_instant(pdf_date: str, xmp_date: str) -> bool:
    try:
        return _parse_pdf_date(pdf_date) == dt.datetime.fromisoformat(xmp_date)
    except ValueError:
        return False


def _parse_pdf_date(text: str) -> dt.datetime:
    raw = text[2:] if text.startswith("D:") else text
    raw = raw.replace("'", "")
    base = dt.datetime.strptime(raw[:14], "%Y%m%d%H%M%S")
    zone = raw[14:]
    if not zone or zone == "Z":
        return base.replace(tzinfo=dt.UTC)
    sign = 1 if zone[0] == "+" else -1
    offset = dt.timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0))
    return base.replace(tzinfo=dt.timezone(sign * offset))


def _check_output_intent(reader: PdfReader, report: PdfaReport) -> None:
    intents = reader.trailer["/Root"].get("/OutputIntents")
    found = False
    for intent in intents.get_object() if intents is not None else []:
        intent = intent.get_object()
        if intent.get("/S") == "/GTS_PDFA1" and "/DestOutputProfile" in intent:
            found = True
    if not found:
        report.add("no_output_intent", "缺少 PDF/A 输出意图（OutputIntent 及 ICC 配置文件）")


def _resources_in(obj: DictionaryObject) -> Iterator[DictionaryObject]:
    """Resource dictionaries reachable from a page or XObject, including nested forms."""
    seen: set[int] = set()
    stack = [obj]
    while stack:
        current = stack.pop()
        key = id(current)
        if key in seen:
            continue
        seen.add(key)
        resources = current.get("/Resources")
        if resources is None:
            continue
        resources = resources.get_object()
        yield resources
        for xobject in (resources.get("/XObject") or DictionaryObject()).get_object().values():
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                stack.append(xobject)
        for font in (resources.get("/Font") or DictionaryObject()).get_object().values():
            font = font.get_object()
            if font.get("/Subtype") == "/Type3":
                stack.append(font)


def _appearance_streams(page: DictionaryObject) -> Iterator[DictionaryObject]:
    for annot in page.get("/Annots") or []:
        appearance = annot.get_object().get("/AP")
        if appearance is None:
            continue
        for state in appearance.get_object().values():
            state = state.get_object()
            if isinstance(state, StreamObject):
                yield state
            else:
                yield from (s.get_object() for s in state.values())


def _check_fonts(reader: PdfReader, report: PdfaReport) -> None:
    checked: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        holders: list[DictionaryObject] = [page, *_appearance_streams(page)]
        for holder in holders:
            for resources in _resources_in(holder):
                fonts = resources.get("/Font")
                if fonts is None:
                    continue
                for font_ref in fonts.get_object().values():
                    font = font_ref.get_object()
                    if id(font) in checked:
                        continue
                    checked.add(id(font))
                    _check_font(font, number, report)


def _check_font(font: DictionaryObject, page_number: int, report: PdfaReport) -> None:
    name = str(font.get("/BaseFont", font.get("/Name", "?")))[1:]
    report.fonts.append(name)
    subtype = font.get("/Subtype")
    if subtype == "/Type3":
        return  # glyphs are content streams: nothing to embed
    target = font
    if subtype == "/Type0":
        target = font["/DescendantFonts"][0].get_object()
    descriptor = target.get("/FontDescriptor")
    descriptor = descriptor.get_object() if descriptor is not None else {}
    if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
        report.add("font_not_embedded", f"第 {page_number} 页的字体“{name}”未嵌入")


# --- archival metadata ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivalMetadata:
    title: str
    archival_no: str
    dates: tuple[dt.date, ...]
    modified: dt.datetime


def _pdf_date(moment: dt.datetime) -> str:
    text = moment.strftime("D:%Y%m%d%H%M%S%z")
    return f"{text[:-2]}'{text[-2:]}'"


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _escape(text: str) -> str:
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    )


def set_archival_metadata(
    pdf_in: Path,
    pdf_out: Path,
    title: str,
    archival_no: str,
    dates: Sequence[dt.date],
    *,
    author: str | None = None,
    now: dt.datetime | None = None,
) -> ArchivalMetadata:
    """Write 题名, 档号 and dates into the XMP and the Info dictionary, kept consistent.

    Only predefined XMP schemas are used (no extension schema needed for PDF/A): 题名 →
    ``dc:title`` and /Title; 档号 → ``dc:identifier`` and /Keywords (``档号:…``); dates (成文日期,
    归档日期, …) → ``dc:date``; the modification time → ``xmp:ModifyDate``/``MetadataDate`` and
    /ModDate. The PDF/A identification already in the file is kept. Do this before signing.
    """
    if not title.strip() or not archival_no.strip():
        raise SealError("题名和档号不能为空", code="metadata")
    moment = (now or dt.datetime.now(CHINA)).replace(microsecond=0)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=CHINA)
    reader = PdfReader(pdf_in)
    refuse_signed(reader, Path(pdf_in).name, "修改元数据")
    writer = PdfWriter(clone_from=reader)
    old_tree = None
    old_meta = reader.trailer["/Root"].get("/Metadata")
    if old_meta is not None:
        try:
            old_tree = _parse_xmp(old_meta.get_object().get_data())
        except (ET.ParseError, DefusedXmlException):
            old_tree = None
    part = _xmp_value(old_tree, "pdfaid", "part") if old_tree is not None else None
    conformance = _xmp_value(old_tree, "pdfaid", "conformance") if old_tree is not None else None
    info_in = reader.metadata or {}
    created_text = info_in.get("/CreationDate")
    try:
        created = _parse_pdf_date(str(created_text)) if created_text else moment
    except ValueError:
        created = moment
    producer = str(info_in.get("/Producer") or "docgen")
    creator_tool = str(info_in.get("/Creator") or "docgen")
    keywords = f"档号:{archival_no}"
    info = {
        "/Title": title,
        "/Keywords": keywords,
        "/Producer": producer,
        "/Creator": creator_tool,
        "/CreationDate": _pdf_date(created),
        "/ModDate": _pdf_date(moment),
    }
    if author:
        info["/Author"] = author
    writer.metadata = None  # replace, do not merge: stale keys would contradict the XMP
    writer.add_metadata(info)
    xmp = _xmp_packet(
        title=title,
        archival_no=archival_no,
        dates=dates,
        author=author,
        keywords=keywords,
        producer=producer,
        creator_tool=creator_tool,
        created=created,
        modified=moment,
        part=part,
        conformance=conformance,
    )
    stream = StreamObject()
    stream.set_data(xmp.encode("utf-8"))
    stream.update(
        {NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")}
    )
    writer.root_object[NameObject("/Metadata")] = writer._add_object(stream)
    atomic_write(Path(pdf_out), pdf_bytes(writer))
    return ArchivalMetadata(title, archival_no, tuple(dates), moment)


def _xmp_packet(
    *,
    title: str,
    archival_no: str,
    dates: Sequence[dt.date],
    author: str | None,
    keywords: str,
    producer: str,
    creator_tool: str,
    created: dt.datetime,
    modified: dt.datetime,
    part: str | None,
    conformance: str | None,
) -> str:
    e = _escape
    pdfaid = ""
    if part:
        pdfaid = (
            f'  <rdf:Description rdf:about="" xmlns:pdfaid="{NS["pdfaid"]}" '
            f'pdfaid:part="{e(part)}" pdfaid:conformance="{e(conformance or "B")}"/>\n'
        )
    creator = (
        f"   <dc:creator><rdf:Seq><rdf:li>{e(author)}</rdf:li></rdf:Seq></dc:creator>\n"
        if author
        else ""
    )
    date_items = "".join(f"<rdf:li>{d.isoformat()}</rdf:li>" for d in dates)
    dc_dates = f"   <dc:date><rdf:Seq>{date_items}</rdf:Seq></dc:date>\n" if dates else ""
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        f'<x:xmpmeta xmlns:x="{NS["x"]}">\n'
        f' <rdf:RDF xmlns:rdf="{NS["rdf"]}">\n'
        f"{pdfaid}"
        f'  <rdf:Description rdf:about="" xmlns:dc="{NS["dc"]}">\n'
        f'   <dc:title><rdf:Alt><rdf:li xml:lang="x-default">{e(title)}</rdf:li></rdf:Alt>'
        "</dc:title>\n"
        f"   <dc:identifier>{e(archival_no)}</dc:identifier>\n"
        f"{creator}{dc_dates}"
        "  </rdf:Description>\n"
        f'  <rdf:Description rdf:about="" xmlns:pdf="{NS["pdf"]}" '
        f'pdf:Producer="{e(producer)}" pdf:Keywords="{e(keywords)}"/>\n'
        f'  <rdf:Description rdf:about="" xmlns:xmp="{NS["xmp"]}" '
        f'xmp:CreatorTool="{e(creator_tool)}" xmp:CreateDate="{_iso(created)}" '
        f'xmp:ModifyDate="{_iso(modified)}" xmp:MetadataDate="{_iso(modified)}"/>\n'
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n" + " " * 1000 + '\n<?xpacket end="w"?>'
    )


def read_archival_metadata(pdf: Path) -> dict[str, object]:
    """题名, 档号 and dates as stored in the XMP (for reports and tests)."""
    reader = PdfReader(pdf)
    meta = reader.trailer["/Root"].get("/Metadata")
    if meta is None:
        return {}
    tree = _parse_xmp(meta.get_object().get_data())
    dates = [li.text or "" for li in tree.iter(f"{{{NS['rdf']}}}li") if _is_date_item(tree, li)]
    return {
        "title": _xmp_value(tree, "dc", "title"),
        "archival_no": _xmp_value(tree, "dc", "identifier"),
        "dates": dates,
        "part": _xmp_value(tree, "pdfaid", "part"),
    }


def _is_date_item(tree: ET.Element, li: ET.Element) -> bool:
    for date in tree.iter(f"{{{NS['dc']}}}date"):
        if li in list(date.iter(f"{{{NS['rdf']}}}li")):
            return True
    return False
