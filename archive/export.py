"""Case numbers → the package sent to the upper office: sealed dossiers, a 报送函, a manifest.

    <out>/报送函.pdf                 covering letter (信函格式) listing the cases, sealed or signed
    <out>/卷宗/卷宗-<案件编号>.pdf    each case's latest dossier, copied unchanged (sealed/signed)
    <out>/文件清单.json, .txt        every file with its SHA-256 (JSON for programs, text for people)

Steps: collect (each case's latest 卷宗 Document, else a Chinese error naming ``docgen dossier
build``) → copy dossiers, checking each copy against its recorded SHA-256 → 报送函 (typeset,
sealed, signed last) → manifest → with ``redact``, the leak check on every generated file.

``redact`` masks ID numbers (first 6 + last 4 kept), phone numbers and street addresses in the
text docgen generates here (报送函, its 案件清单 page, the manifest), and says in both that the
dossiers (including scans) are not redacted: they are sealed originals and cannot be altered.
A redacted package is refused if text extracted from a generated file still holds a full ID or
phone number. The package is built in a hidden sibling folder (mode 0700) and renamed into place
at the end; on any failure that folder is removed (paperless' export sink idea). Personal data
is never logged or audited.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from docgen.archive.cases import get_case
from docgen.archive.documents import sha256_file
from docgen.archive.numbering import allocate_doc_no
from docgen.archive.outputs import check_output
from docgen.archive.sealing import (
    latest_dossier,
    office_keys,
    office_seal,
    seal_paper_file,
    seal_path,
)
from docgen.errors import DocgenError
from docgen.masking import find_leaks, mask_name, pdf_leaks, redact_text
from docgen.seal.xobject import is_signed

LETTER_FILE = "报送函.pdf"
DOSSIER_DIR = "卷宗"
MANIFEST_JSON = "文件清单.json"
MANIFEST_TXT = "文件清单.txt"
MANIFEST_VERSION = 1
DEFAULT_RECIPIENT = "上级机关"
NOT_REDACTED = (
    "卷宗为已盖章的原件，其中的文书和扫描件未作脱敏处理，请按规定妥善保管、限定知悉范围。"
)
UNREDACTED = "本函及所附卷宗含有信访人个人信息（未脱敏），请按规定妥善保管、限定知悉范围。"
REDACTED_SCOPE = "本函、报送案件清单和文件清单中的身份证号码、电话号码和住址已作脱敏处理。"


COLUMN_WIDTHS = (8, 19, 11, 13, 28, 12, 9)  # 案件清单 columns, % of the text width
CELL = "font-size:12pt;line-height:16pt"  # 小四: the 案件清单 is a table, not body text


HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-f]{64}(?![0-9A-Za-z])")


class ExportError(DocgenError):
    code = "export"


@dataclass(frozen=True)
class PackageFile:
    """One file of the package, as listed in the manifest."""

    path: str  # relative to the package folder, with /
    kind: str  # 报送函 / 卷宗
    case_no: str | None
    sha256: str
    size: int
    signed: bool
    redacted: bool  # text masked by docgen (False for dossiers: originals)

    def as_dict(self) -> dict[str, Any]:
        return {"路径": self.path, "类型": self.kind, "案件编号": self.case_no,
                "SHA-256": self.sha256, "字节数": self.size,
                "数字签名": self.signed, "已脱敏": self.redacted}  # fmt: skip


@dataclass
class ExportResult:
    out_dir: Path
    doc_no: str
    recipient: str
    redacted: bool
    files: list[PackageFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the user must know (scans not redacted)
    warnings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"输出目录": str(self.out_dir), "文号": self.doc_no, "报送对象": self.recipient,
                "脱敏": self.redacted, "文件": [f.as_dict() for f in self.files],
                "说明": self.notes, "警告": self.warnings}  # fmt: skip


@dataclass(frozen=True)
class _CaseEntry:
    case_no: str
    petitioners: str
    category: str
    unit: str
    demand: str
    dossier: Path
    dossier_sha256: str
    pages: int | None
    complete: bool = True  # built without missing 六有 material (meta["缺失"] empty)
    sealed: bool = False  # every page carries the office seal (cover seal + 骑缝章)


# --- step 1: collect -----------------------------------------------------------------------------


def collect(ws: Any, case_nos: Sequence[str], redact: bool) -> list[_CaseEntry]:
    if not case_nos:
        raise ExportError("请至少指定一个案件编号")
    entries = []
    with ws.session() as session:
        for case_no in dict.fromkeys(case_nos):
            case = get_case(session, case_no)
            doc = latest_dossier(session, case)
            if doc is None:
                raise ExportError(
                    f"案件 {case_no} 还没有卷宗：请先运行 docgen dossier build {case_no}（可加 --seal）",
                    code="dossier_missing",
                )
            names = [p.name for p in case.petitioners]
            text = (lambda s: redact_text(s).text) if redact else (lambda s: s)
            entries.append(_CaseEntry(
                case_no, "、".join(mask_name(n) if redact else n for n in names),
                case.category or "", case.unit or "", text(case.demand or ""),
                Path(ws.root) / doc.path, doc.sha256, doc.pages,
                not (doc.meta or {}).get("缺失"), _sealed(Path(ws.root) / doc.path),
            ))  # fmt: skip
    return entries


def _sealed(pdf: Path) -> bool:
    """Whether every page of ``pdf`` carries a docgen seal drawing (the 骑缝章 spans them all)."""
    from pypdf import PdfReader

    from docgen.seal.xobject import SEAL_RESOURCE_NAME

    try:
        pages = PdfReader(str(pdf)).pages
    except (OSError, ValueError):
        return False

    def stamped(page: Any) -> bool:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        names = xobjects.get_object().keys() if xobjects is not None else ()
        return any(str(name).startswith(SEAL_RESOURCE_NAME) for name in names)

    return len(pages) > 0 and all(stamped(page) for page in pages)


def dossier_statement(entries: list[_CaseEntry]) -> str:
    """What the 报送函 says of the dossiers: only what holds (六有 complete? sealed?)."""
    incomplete = sum(not c.complete for c in entries)
    unsealed = sum(not c.sealed for c in entries)
    if not incomplete:
        arranged = "所报卷宗均按“六有”要求整理立卷"
    elif incomplete == len(entries):
        arranged = "所报卷宗材料不全，缺失事项已在各卷备考表中注明"
    else:
        arranged = (
            f"所报卷宗按“六有”要求整理立卷，其中{incomplete}件材料不全，缺失事项已在其备考表中注明"
        )
    if not unsealed:
        seals = "，加盖单位印章和骑缝章"
    elif unsealed == len(entries):
        seals = "，卷宗未加盖印章"
    else:
        seals = f"，其中{unsealed}件卷宗未加盖印章"
    return arranged + seals + "；"


# --- the sink ------------------------------------------------------------------------------------


@contextlib.contextmanager
def package_sink(out_dir: Path) -> Iterator[Path]:
    """A hidden sibling folder to fill; renamed to ``out_dir`` on success, removed on failure."""
    out_dir = Path(out_dir).absolute()
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise ExportError(f"输出目录 {out_dir} 已存在且不为空：请指定新的目录", code="out_exists")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".part", dir=out_dir.parent))
    try:
        yield tmp
        os.replace(tmp, out_dir)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# --- steps 2–5 -----------------------------------------------------------------------------------


def _file(root: Path, path: Path, kind: str, case_no: str | None, redacted: bool) -> PackageFile:
    signed = False
    if path.suffix == ".pdf":
        from pypdf import PdfReader

        signed = is_signed(PdfReader(path))
    return PackageFile(path.relative_to(root).as_posix(), kind, case_no, sha256_file(path),
                       path.stat().st_size, signed, redacted)  # fmt: skip


def copy_dossiers(root: Path, entries: list[_CaseEntry],
                  copied: Callable[[], None] = lambda: None) -> list[PackageFile]:  # fmt: skip
    files = []
    for entry in entries:
        if not entry.dossier.is_file():
            raise ExportError(f"案件 {entry.case_no} 的卷宗文件不存在：{entry.dossier.name}",
                              code="dossier_missing")  # fmt: skip
        target = root / DOSSIER_DIR / f"卷宗-{entry.case_no}.pdf"
        target.parent.mkdir(exist_ok=True)
        shutil.copyfile(entry.dossier, target)
        if sha256_file(target) != entry.dossier_sha256:
            raise ExportError(
                f"案件 {entry.case_no} 的卷宗文件与登记的 SHA-256 不符（文件被改动过）："
                "请运行 docgen verify 检查，必要时重新组卷",
                code="dossier_changed",
            )
        files.append(_file(root, target, "卷宗", entry.case_no, False))
        copied()
    return files


def _row(cells: Sequence[str], style: str) -> str:
    tds = "".join(f'<td><p class="{style}" style="{CELL}">{html.escape(v)}</p></td>' for v in cells)
    return f"<tr>{tds}</tr>"


def case_table_html(entries: list[_CaseEntry]) -> str:
    """The 报送案件清单: one row per case (texts already redacted when asked)."""
    head = ("序号", "案件编号", "信访人", "问题类别", "诉求", "责任单位", "卷宗页数")
    rows = [_row(head, "s-FormLabel")]
    for i, c in enumerate(entries, start=1):
        pages = "" if c.pages is None else str(c.pages)
        rows.append(_row((str(i), c.case_no, c.petitioners, c.category, c.demand, c.unit, pages),
                         "s-FormCell"))  # fmt: skip
    cols = "".join(f'<col style="width:{w}%">' for w in COLUMN_WIDTHS)
    return f'<table class="t-FormTable"><colgroup>{cols}</colgroup>{"".join(rows)}</table>'


def letter_html(org: str, doc_no: str, recipient: str, entries: list[_CaseEntry],
                redact: bool, on: dt.date) -> str:  # fmt: skip
    """The 报送函 (信函格式) and its 报送案件清单 page as HTML with the GB/T 9704 style classes."""
    e = html.escape
    body = [
        f"根据信访事项逐级报送要求，现将我单位办理的{len(entries)}件信访事项的卷宗材料报送你单位"
        "（案件清单见附件），请予审查。",
        dossier_statement(entries) + "各文件的SHA-256校验值列于随附的"
        "文件清单，可据以核对文件完整、未被改动。",
        REDACTED_SCOPE + NOT_REDACTED if redact else UNREDACTED,
        "特此函告。",
    ]
    parts = [f'<p class="s-OrgMark">{e(org)}</p>', f'<p class="s-DocNumber">{e(doc_no)}</p>',
             '<p class="s-DocTitle">关于报送信访事项卷宗材料的函</p>',
             f'<p class="s-Recipient">{e(recipient)}：</p>']  # fmt: skip
    parts += [f'<p class="s-Body">{e(text)}</p>' for text in body]
    parts += ['<p class="s-Attachment">附件：报送案件清单</p>',
              f'<p class="s-Signature">{e(org)}</p>',
              f'<p class="s-DocDate">{on.year}年{on.month}月{on.day}日</p>',
              '<p class="s-AttachmentHead">附件</p>',
              '<p class="s-DocTitle">报送案件清单</p>', case_table_html(entries)]  # fmt: skip
    return "".join(parts)


def write_letter(ws: Any, root: Path, html_body: str, *, sign: bool,
                 passphrase: str | None, notes: list[str]) -> Path:  # fmt: skip
    """Typeset the 报送函 (信函格式), then seal it, or sign it with the seal (last step)."""
    from docgen.typeset import get_variant
    from docgen.typeset.render import default_typesetter

    pdf = root / LETTER_FILE
    default_typesetter().typeset_html(html_body, get_variant("letter"), pdf, "报送函")
    if sign:
        seal_paper_file(pdf, office_seal(ws), keys=office_keys(ws), passphrase=passphrase)
        notes.append("报送函已加盖电子签章（数字签名）")
    elif seal_path(ws).is_file():
        seal_paper_file(pdf, office_seal(ws))
        notes.append("报送函已加盖单位印章")
    else:
        notes.append("报送函未盖章：工作区还没有单位印章（可先运行 docgen seal make）")
    return pdf


def manifest_text(result: ExportResult, org: str, on: dt.date) -> str:
    lines = [f"文件清单（{org} 报 {result.recipient}，{result.doc_no}，{on.isoformat()}）", ""]
    for f in result.files:
        signed = "\t已签名" if f.signed else ""
        lines.append(
            f"{f.path}\t{f.kind}\t{f.case_no or ''}\tSHA-256 {f.sha256}\t{f.size} 字节{signed}"
        )
    lines += ["", *result.notes, ""]
    return "\n".join(lines)


def write_manifest(root: Path, result: ExportResult, org: str, on: dt.date) -> None:
    data = {"格式版本": MANIFEST_VERSION, "报送机关": org, "报送对象": result.recipient,
            "文号": result.doc_no, "日期": on.isoformat(), "脱敏": result.redacted,
            "说明": result.notes, "文件": [f.as_dict() for f in result.files]}  # fmt: skip
    (root / MANIFEST_JSON).write_text(
        json.dumps(data, ensure_ascii=False, indent=2) + "\n", "utf-8"
    )
    (root / MANIFEST_TXT).write_text(manifest_text(result, org, on), "utf-8")


def check_no_leaks(root: Path) -> None:
    """Refuse a redacted package whose generated files still hold a full ID or phone number."""
    found = len(pdf_leaks(root / LETTER_FILE))
    for name in (MANIFEST_JSON, MANIFEST_TXT):
        # A SHA-256 in hex often holds long digit runs that look like phone or ID numbers.
        text = HEX_DIGEST.sub("<sha256>", (root / name).read_text("utf-8"))
        found += len(find_leaks(text))
    if found:
        raise ExportError(f"脱敏检查未通过：生成的文件中仍有 {found} 处完整的身份证号或电话号码，"
                          "未输出报送包", code="redaction_leak")  # fmt: skip


def export_package(
    ws: Any,
    case_nos: Sequence[str],
    out_dir: Path,
    *,
    redact: bool = True,
    recipient: str = DEFAULT_RECIPIENT,
    sign: bool = False,
    passphrase: str | None = None,
    today: dt.date | None = None,
    progress: Any = None,
) -> ExportResult:
    """Write the package for ``case_nos`` to ``out_dir`` (which must not exist or be empty).

    ``progress(done, total, stage)`` is told per dossier copied and checked, and for the letter."""
    on = today or dt.date.today()
    recipient = recipient.strip() or DEFAULT_RECIPIENT
    check_output(ws, Path(out_dir))
    entries = collect(ws, case_nos, redact)
    done, total = 0, len(entries) * (2 if redact else 1) + 1

    def tick(stage: str, step: int = 1) -> None:
        nonlocal done
        done += step
        if progress:
            progress(done, total, stage)

    tick("复制卷宗", 0)
    org = ws.settings.org
    with package_sink(Path(out_dir)) as root, ws.session() as session:
        doc_no = allocate_doc_no(session, ws.settings.code, on.year)
        result = ExportResult(Path(out_dir).absolute(), doc_no, recipient, redact)
        if redact:
            result.notes += [REDACTED_SCOPE, NOT_REDACTED]
        else:
            result.notes.append(UNREDACTED)
        dossiers = copy_dossiers(root, entries, lambda: tick("复制卷宗"))
        body = letter_html(org, doc_no, recipient, entries, redact, on)
        letter = write_letter(ws, root, body, sign=sign, passphrase=passphrase, notes=result.notes)
        tick("生成报送函")
        result.files = [_file(root, letter, "报送函", None, redact), *dossiers]
        write_manifest(root, result, org, on)
        if redact:
            check_no_leaks(root)
            for f in dossiers:
                if count := len(pdf_leaks(root / f.path)):
                    result.warnings.append(f"{f.path} 含 {count} 处完整的身份证号或电话（卷宗原件未脱敏）")  # fmt: skip
                tick("核对脱敏")
        ws.audit("export", target=doc_no, session=session,
                 detail=f"{len(entries)} cases, redact={redact}, sign={sign}")  # fmt: skip
    return result
