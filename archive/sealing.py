"""Workspace + a finished PDF → the same PDF sealed (and signed), in place, atomically.

The office's seal and keys live in the workspace::

    <root>/seal/office-seal.pdf (+ .png)   drawn (docgen seal make) or registered scan
    <root>/keys/office-key.pem (0600)      encrypted private key, folder 0700 (docgen seal keygen)
    <root>/keys/office-cert.pem            self-signed or imported certificate

What the paper and dossier commands call:

* ``seal_paper(ws, pdf, sign=..., passphrase=...)``: the seal over 署名/成文日期 (GB/T 9704); with
  ``sign`` the seal becomes the visible appearance of a PAdES signature instead of a stamp.
* ``seal_dossier(ws, pdf, sign=..., passphrase=..., pdfa_metadata=(题名, 档号, dates))``: the seal
  on the cover + a 骑缝章 over all pages, then archival metadata and the PDF/A check, then the
  signature (last; its appearance is the cover seal).

Both write to temporary siblings and replace ``pdf`` only when every step succeeded, and return
a ``SealOutcome`` whose ``sha256`` is the new file's (for the caller's Document row). Order of
steps is fixed: render → stamp → metadata → check → sign. ``seal_stored_dossier`` and
``seal_any_paper`` do it inside a ``file_transaction``: the file and its row's SHA-256 change
together, even if the process is killed in between (the next start finishes or undoes it).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.archive.cases import get_case
from docgen.archive.documents import FileBatch, file_transaction, scratch_dir, sha256_file
from docgen.archive.outputs import check_output
from docgen.model import Case, Document
from docgen.seal import (
    KeyPair,
    PdfaReport,
    Seal,
    SealError,
    SealSpec,
    SignatureError,
    check_pdfa,
    draw_seal,
    generate_keypair,
    import_pkcs12,
    key_pair_info,
    load_seal,
    locate_seal_position,
    register_scanned_seal,
    set_archival_metadata,
    stamp_dossier,
    stamp_seal,
)
from docgen.seal.keys import CERT_FILE, KEY_FILE
from docgen.seal.locate import text_lines

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

SEAL_DIR = "seal"
SEAL_FILE = "office-seal.pdf"
KEYS_DIR = "keys"
DEFAULT_LOWER_TEXT = ""
# Where the cover seal goes when the office name is not found on the cover (mm from top-left).
COVER_FALLBACK_MM = (105.0, 80.0)

#: Audit actions recording a new office key pair; their detail is the certificate's SHA-256
#: fingerprint (first 16 hex digits), which ``docgen verify`` checks the certificate against.
KEY_ACTIONS = ("seal_keygen", "seal_import")
DOSSIER_KIND = "卷宗"  # the Document kind archive.dossier records a built dossier with
PdfaMetadata = tuple[str, str, Sequence[dt.date]]  # 题名, 档号, dates


@dataclass(frozen=True)
class SealOutcome:
    """What happened to one PDF: where the seal went, whether it was signed, the new SHA-256."""

    path: Path
    sha256: str
    page_index: int | None
    center_mm: tuple[float, float] | None
    stamped: bool
    signed: bool
    cross_page_groups: tuple[tuple[int, ...], ...] = ()
    top_within_one_line: bool | None = None
    pdfa: PdfaReport | None = None
    signer: str | None = None
    notes: tuple[str, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "文件": str(self.path),
            "SHA-256": self.sha256,
            "盖章页": None if self.page_index is None else self.page_index + 1,
            "印章中心_mm": self.center_mm,
            "已盖章": self.stamped,
            "已签名": self.signed,
            "骑缝章分组": [[p + 1 for p in g] for g in self.cross_page_groups],
            "PDF/A": None if self.pdfa is None else self.pdfa.ok,
            "签名人": self.signer,
            "说明": list(self.notes),
        }


@dataclass(frozen=True)
class Sealing:
    """How an issued paper or dossier is sealed: stamped, or stamped and then signed (the
    passphrase unlocks the office key; never shown in a repr or a log)."""

    sign: bool = False
    passphrase: str | None = field(default=None, repr=False)


# --- where things live ---------------------------------------------------------------------------


def seal_path(ws: Workspace) -> Path:
    return Path(ws.root) / SEAL_DIR / SEAL_FILE


def keys_dir(ws: Workspace) -> Path:
    return Path(ws.root) / KEYS_DIR


def office_seal(ws: Workspace) -> Seal:
    """The office's seal (drawn or registered); a Chinese error if there is none yet."""
    path = seal_path(ws)
    if not path.is_file():
        raise SealError(
            "工作区还没有单位印章：请先运行 docgen seal make（或 docgen seal register 印章.png）",
            code="seal_missing",
        )
    return load_seal(path)


def office_keys(ws: Workspace) -> KeyPair:
    """The office's key pair; a Chinese error if there is none yet."""
    directory = keys_dir(ws)
    if not (directory / KEY_FILE).is_file():
        raise SignatureError(
            "工作区还没有单位密钥：请先运行 docgen seal keygen", code="key_missing"
        )
    return key_pair_info(directory)


def certificate_fingerprint(cert: Path) -> str:
    """SHA-256 fingerprint (hex) of a certificate file; SignatureError when unreadable."""
    from cryptography.hazmat.primitives import hashes

    from docgen.seal.keys import load_certificate

    return load_certificate(cert).fingerprint(hashes.SHA256()).hex()


def office_cert_path(ws: Workspace) -> Path | None:
    """The office certificate, if the workspace has one (to judge signatures by)."""
    path = keys_dir(ws) / CERT_FILE
    return path if path.is_file() else None


# --- making the seal and the keys ----------------------------------------------------------------


def make_office_seal(
    ws: Workspace,
    *,
    lower_text: str = DEFAULT_LOWER_TEXT,
    diameter_mm: float = 42.0,
    ink_texture: bool = False,
) -> Seal:
    """Draw the seal from the workspace's 机关名称 into ``<root>/seal/`` (PDF + PNG preview)."""
    spec = SealSpec(
        ws.settings.org, lower_text=lower_text, diameter_mm=diameter_mm, ink_texture=ink_texture
    )
    seal = draw_seal(spec, seal_path(ws))
    ws.audit("seal_make", target=SEAL_FILE, detail=f"{diameter_mm:g}mm")
    return seal


def register_office_seal(ws: Workspace, png: Path, *, diameter_mm: float = 42.0) -> Seal:
    """Register a scanned seal PNG (transparent background) as the office seal."""
    seal = register_scanned_seal(Path(png), seal_path(ws), diameter_mm)
    ws.audit("seal_register", target=SEAL_FILE, detail=f"{diameter_mm:g}mm")
    return seal


def _private_dir(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o700)
    return directory


def make_office_keys(ws: Workspace, passphrase: str, *, key_size: int = 3072) -> KeyPair:
    """A new key pair + self-signed certificate for the office in ``<root>/keys/`` (0700/0600)."""
    pair = generate_keypair(
        _private_dir(keys_dir(ws)), ws.settings.org, passphrase, key_size=key_size
    )
    ws.audit(KEY_ACTIONS[0], target=KEYS_DIR, detail=pair.fingerprint_sha256[:16])
    return pair


def import_office_keys(ws: Workspace, p12: Path, p12_passphrase: str, passphrase: str) -> KeyPair:
    """Import a PKCS#12 file the office already has; the key is re-encrypted with ``passphrase``."""
    pair = import_pkcs12(Path(p12), p12_passphrase, _private_dir(keys_dir(ws)), passphrase)
    ws.audit(KEY_ACTIONS[1], target=KEYS_DIR, detail=pair.fingerprint_sha256[:16])
    return pair


# --- sealing in place ----------------------------------------------------------------------------


@contextlib.contextmanager
def _scratch(target: Path, folder: Path | None = None) -> Iterator[Any]:
    """Temporary files for the steps, in ``folder`` (a workspace scratch folder, swept after a
    crash) or beside ``target``; all removed at the end, whatever happened."""
    made: list[Path] = []

    def new(stage: str) -> Path:
        fd, name = tempfile.mkstemp(prefix=f".{target.stem}.{stage}.", suffix=".pdf",
                                    dir=folder or target.parent)  # fmt: skip
        os.close(fd)
        made.append(Path(name))
        return Path(name)

    try:
        yield new
    finally:
        for path in made:
            path.unlink(missing_ok=True)


def _need_passphrase(passphrase: str | None) -> str:
    if not passphrase:
        raise SignatureError("数字签名需要单位私钥口令", code="passphrase_missing")
    return passphrase


def _publish(done: Path, target: Path, batch: FileBatch | None) -> str:
    """``done`` becomes ``target``: now, or (with ``batch``) when the batch's transaction
    commits. → the SHA-256 of the new content."""
    digest = sha256_file(done)
    if batch is not None:
        os.replace(done, batch.add(target))
        return digest
    with open(done, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(done, target)
    return digest


def seal_paper(
    ws: Workspace,
    pdf_path: Path,
    *,
    sign: bool = False,
    passphrase: str | None = None,
    session: Session | None = None,
    batch: FileBatch | None = None,
) -> SealOutcome:
    """Seal a paper over its 署名 and 成文日期 (GB/T 9704 §7.3.5), or sign with the seal as look.

    Inside a ``file_transaction`` pass its session and batch: the audit entry then goes into
    that transaction (a second session would wait on SQLite's write lock) and the sealed file
    replaces the paper when it commits.
    """
    seal = office_seal(ws)
    pair = office_keys(ws) if sign else None
    with scratch_dir(ws) as folder:
        outcome = seal_paper_file(Path(pdf_path), seal, keys=pair, passphrase=passphrase,
                                  batch=batch, scratch=folder)  # fmt: skip
    ws.audit("seal_paper", target=Path(pdf_path).name, detail="signed" if sign else "stamped",
             session=session)  # fmt: skip
    return outcome


def seal_paper_file(
    target: Path,
    seal: Seal,
    *,
    keys: KeyPair | None = None,
    passphrase: str | None = None,
    batch: FileBatch | None = None,
    scratch: Path | None = None,
) -> SealOutcome:
    """:func:`seal_paper` without the workspace: stamp, or (with ``keys``) sign with the seal."""
    secret = _need_passphrase(passphrase) if keys is not None else None
    position = locate_seal_position(target, seal_height_mm=seal.height_mm)
    notes = []
    if position.top_within_one_line is False:
        notes.append("印章上沿距正文超过一行：请检查落款与正文之间的空行")
    signer = None
    with _scratch(target, scratch) as new_file:
        out = new_file("sealed")
        if keys is not None and secret is not None:
            from docgen.seal.sign import sign_pdf  # pyHanko loads only when signing

            result = sign_pdf(target, out, keys.key_path, keys.cert_path, secret, seal=seal,
                              page_index=position.page_index, center_mm=position.center_mm,
                              reason="单位电子签章")  # fmt: skip
            signer = result.signer
        else:
            stamp_seal(target, out, seal, position.page_index, position.center_mm)
        digest = _publish(out, target, batch)
    signed = keys is not None
    return SealOutcome(target, digest, position.page_index, position.center_mm,
                       stamped=not signed, signed=signed,
                       top_within_one_line=position.top_within_one_line,
                       signer=signer, notes=tuple(notes))  # fmt: skip


def cover_seal_center(pdf: Path, org: str) -> tuple[float, float]:
    """Centre of the seal on a dossier cover: over the office name line, else a fixed spot."""
    for line in text_lines(pdf, 0):
        if org and org in line.text.replace(" ", ""):
            return (round(line.center_x_mm, 2), round(line.center_y_mm, 2))
    return COVER_FALLBACK_MM


def seal_dossier(
    ws: Workspace,
    pdf_path: Path,
    *,
    sign: bool = False,
    passphrase: str | None = None,
    pdfa_metadata: PdfaMetadata | None = None,
    session: Session | None = None,
    batch: FileBatch | None = None,
) -> SealOutcome:
    """Seal a dossier: cover seal + 骑缝章, then 题名/档号/dates + PDF/A check, then sign (last).

    With ``sign`` the cover seal is the signature's visible appearance (not stamped twice). With
    ``pdfa_metadata`` the final file must pass :func:`check_pdfa`, else nothing is replaced (the
    input must already be PDF/A-2 or later, e.g. WeasyPrint's ``pdf_variant="pdf/a-2u"``).
    ``session``, ``batch``: as for :func:`seal_paper`.
    """
    target = Path(pdf_path)
    seal = office_seal(ws)
    pair = office_keys(ws) if sign else None
    secret = _need_passphrase(passphrase) if sign else None
    center = cover_seal_center(target, ws.settings.org)
    report = None
    signer = None
    with scratch_dir(ws) as folder, _scratch(target, folder) as scratch:
        current = scratch("stamped")
        stamped = stamp_dossier(target, current, seal, None if sign else center, cross_page=True)
        if pdfa_metadata is not None:
            title, archival_no, dates = pdfa_metadata
            tagged = scratch("pdfa")
            set_archival_metadata(current, tagged, title, archival_no, list(dates),
                                  author=ws.settings.org)  # fmt: skip
            current = tagged
        if pair is not None and secret is not None:
            signed = scratch("signed")
            from docgen.seal.sign import sign_pdf  # pyHanko loads only when signing

            result = sign_pdf(current, signed, pair.key_path, pair.cert_path, secret, seal=seal,
                              page_index=0, center_mm=center, reason="单位电子签章（卷宗）")  # fmt: skip
            signer, current = result.signer, signed
        if pdfa_metadata is not None:
            report = check_pdfa(current)
            if not report.ok:
                problems = "；".join(i.message for i in report.items if i.severity == "error")
                raise SealError(f"卷宗不符合 PDF/A：{problems}（原文件未改动）", code="not_pdfa")
        digest = _publish(current, target, batch)
    ws.audit("seal_dossier", target=target.name, detail="signed" if sign else "stamped",
             session=session)  # fmt: skip
    return SealOutcome(target, digest, 0, center, stamped=True, signed=sign,
                       cross_page_groups=stamped.groups, pdfa=report, signer=signer)  # fmt: skip


# --- a stored dossier ----------------------------------------------------------------------------


def latest_dossier(session: Session, case: Case) -> Document | None:
    """The case's most recent 卷宗 Document, if any."""
    return session.scalars(
        select(Document)
        .where(Document.case_id == case.id, Document.kind == DOSSIER_KIND)
        .order_by(Document.created_at.desc(), Document.id.desc())
    ).first()


def _unchanged(ws: Workspace, doc: Document, what: str) -> Path:
    path = Path(ws.root) / doc.path
    if not path.is_file() or sha256_file(path) != doc.sha256:
        raise SealError(f"{what}的文件缺失或与登记的 SHA-256 不符（{doc.path}）：请重新生成",
                        code="stored_changed")  # fmt: skip
    return path


def seal_stored_dossier(
    ws: Workspace,
    case_no: str,
    *,
    sign: bool = False,
    passphrase: str | None = None,
    pdfa: bool = False,
) -> SealOutcome:
    """The case's latest 卷宗 sealed (and signed) in place; its catalog row gets the new SHA-256.

    With ``pdfa`` the 题名, 档号 (``meta["档号"]``) and date of the Document row go into the XMP
    and the result must pass the PDF/A check.
    """
    with file_transaction(ws) as (session, batch):
        case = get_case(session, case_no)
        doc = latest_dossier(session, case)
        if doc is None:
            raise SealError(f"案件 {case_no} 还没有卷宗：请先运行 docgen dossier build {case_no}",
                            code="dossier_missing")  # fmt: skip
        path = _unchanged(ws, doc, f"案件 {case_no} 的卷宗")
        meta = None
        if pdfa:
            number = str((doc.meta or {}).get("档号") or doc.doc_no or case_no)
            meta = (doc.title, number, tuple(d for d in (doc.doc_date,) if d))
        outcome = seal_dossier(ws, path, sign=sign, passphrase=passphrase, pdfa_metadata=meta,
                               session=session, batch=batch)  # fmt: skip
        doc.sha256 = outcome.sha256
    return outcome


def seal_any_paper(
    ws: Workspace, pdf_path: Path, *, sign: bool = False, passphrase: str | None = None
) -> SealOutcome:
    """Seal (or sign) a paper in place; when it is a stored Document, its row gets the new SHA-256.

    A PDF outside the catalog is sealed all the same (the outcome's notes say so).
    """
    path = Path(pdf_path).absolute()
    try:
        rel = ws.relative(path)
    except ValueError:
        rel = None
    with file_transaction(ws) as (session, batch):
        doc = session.scalars(select(Document).where(Document.path == rel)).first() if rel else None
        if doc is not None:
            _unchanged(ws, doc, f"文档 {doc.id}")
        else:
            check_output(ws, path)  # not catalogued: must not be the workspace's own data
        outcome = seal_paper(ws, path, sign=sign, passphrase=passphrase, session=session,
                             batch=batch)  # fmt: skip
        if doc is None:
            note = "该文件未登记在工作区的文档目录中，只改动了文件本身"
            return replace(outcome, notes=(*outcome.notes, note))
        doc.sha256 = outcome.sha256
    return outcome
