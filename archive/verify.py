"""A signed PDF, or a whole workspace → one report of findings with severities.

``verify_file(pdf, cert)`` judges every signature in one file. ``verify_workspace(ws)`` checks
every catalogued Document: the file exists and still has its recorded SHA-256 (missing or changed
files are errors), and every signed PDF's signatures (judged against the office certificate when
the workspace has one). It also warns when the office's private key is readable by others.

Checks append to one ``VerifyReport`` (paperless' sanity checker idea); the exit code follows the
highest severity: 0 all good (info only), 1 warnings, 2 errors. Findings name files and catalog
ids, never personal data.
"""

from __future__ import annotations

import contextlib
import stat
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from docgen.archive.documents import sha256_file
from docgen.archive.sealing import (
    KEY_ACTIONS,
    KEYS_DIR,
    certificate_fingerprint,
    keys_dir,
    office_cert_path,
)
from docgen.archive.workspace import CATALOG_FILE
from docgen.model import DOCX_SHA256, AuditEntry, Document, row_checksum
from docgen.seal import SignatureError, VerifyResult, verify_pdf
from docgen.seal.keys import CERT_FILE, KEY_FILE
from docgen.seal.xobject import is_signed

OTHER_CERT = "签名证书不是指定的单位证书"


class Severity(IntEnum):
    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        return {0: "信息", 1: "警告", 2: "错误"}[self.value]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str  # stable English identifier
    path: str  # file as shown (workspace-relative where possible)
    message: str  # Chinese


@dataclass(frozen=True)
class SignatureSummary:
    """One signed file's verdict, for display."""

    path: str
    ok: bool
    signer: str | None
    signing_time: str | None
    intact: bool
    valid: bool
    trusted_by_given_cert: bool | None
    signatures: int


@dataclass
class VerifyReport:
    """The collector: findings of every check plus what was looked at."""

    findings: list[Finding] = field(default_factory=list)
    files_checked: int = 0
    signatures: list[SignatureSummary] = field(default_factory=list)

    def add(self, severity: Severity, code: str, path: str, message: str) -> None:
        self.findings.append(Finding(severity, code, path, message))

    @property
    def highest(self) -> Severity:
        return max((f.severity for f in self.findings), default=Severity.INFO)

    @property
    def ok(self) -> bool:
        return self.highest < Severity.ERROR

    @property
    def exit_code(self) -> int:
        return int(self.highest)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def as_dict(self) -> dict[str, Any]:
        return {
            "结论": "通过" if self.ok else "未通过",
            "检查文件数": self.files_checked,
            "错误": self.count(Severity.ERROR),
            "警告": self.count(Severity.WARNING),
            "签名": [s.__dict__ for s in self.signatures],
            "问题": [
                {"级别": f.severity.label, "code": f.code, "文件": f.path, "说明": f.message}
                for f in self.findings
            ],
        }


def _summary(shown: str, result: VerifyResult) -> SignatureSummary:
    moment = result.signing_time
    return SignatureSummary(
        path=shown,
        ok=result.ok,
        signer=result.signer,
        signing_time=moment.isoformat(timespec="seconds") if moment else None,
        intact=result.intact,
        valid=result.valid,
        trusted_by_given_cert=result.trusted_by_given_cert,
        signatures=len(result.signatures),
    )


def check_signatures(
    report: VerifyReport,
    pdf: Path,
    shown: str,
    cert: Path | None,
    *,
    trusted: Sequence[Path] = (),
) -> VerifyResult | None:
    """Verify ``pdf``'s signatures into ``report``. A signature by another certificate than
    ``cert`` is an error unless one of the ``trusted`` certificates made it."""
    try:
        result = verify_pdf(pdf, cert)
    except SignatureError as exc:
        report.add(Severity.ERROR, exc.code, shown, exc.message)
        return None
    if result.signatures:  # an unsigned file has no signature to summarise
        report.signatures.append(_summary(shown, result))
    for problem in result.problems:
        report.add(Severity.ERROR, "signature", shown, problem)
    for check in result.signatures:
        for problem in check.problems:
            if problem == OTHER_CERT and _made_by_trusted(pdf, check.field_name, trusted):
                report.add(Severity.INFO, "trusted_cert", shown,
                           f"签名 {check.field_name} 由指定的受信任证书签署")  # fmt: skip
                continue
            report.add(Severity.ERROR, "signature", shown, f"签名 {check.field_name}：{problem}")
    if cert is None and result.signatures:
        report.add(Severity.INFO, "no_cert", shown,
                   "未指定单位证书：只校验了签名完整性，未核对签名人身份（可用 --cert 指定）")  # fmt: skip
    return result


def _made_by_trusted(pdf: Path, field_name: str, trusted: Sequence[Path]) -> bool:
    for cert in trusted:
        with contextlib.suppress(SignatureError):
            result = verify_pdf(pdf, cert)
            if any(c.field_name == field_name and c.ok for c in result.signatures):
                return True
    return False


def verify_file(path: Path, cert: Path | None = None) -> VerifyReport:
    """Every signature of one PDF; with ``cert``, also whether it was made with that certificate."""
    report = VerifyReport(files_checked=1)
    check_signatures(report, Path(path), str(path), Path(cert) if cert else None)
    return report


def _has_signature(pdf: Path) -> bool:
    try:
        return is_signed(PdfReader(pdf))
    except Exception:  # an unreadable PDF has no signature to check; its hash is checked anyway
        return False


def verify_workspace(ws: Any, trusted: Sequence[Path] = ()) -> VerifyReport:
    """The catalog's integrity, every stored file (and a paper's .docx) against its SHA-256,
    every signed PDF's signatures (by the office certificate, or one of ``trusted``), the
    office certificate against the one registered, the key's mode."""
    report = VerifyReport()
    if not check_catalog(ws, report):
        return report  # nothing in a damaged catalog can be trusted
    cert = office_cert_path(ws)
    check_office_cert(ws, cert, report)
    with ws.read_session() as session:
        rows = session.execute(
            select(Document.id, Document.path, Document.sha256, Document.meta, Document.kind,
                   Document.doc_no, Document.checksum).order_by(Document.id)
        ).all()  # fmt: skip
    for doc_id, rel, digest, meta, kind, doc_no, checksum in rows:
        if checksum != row_checksum(kind, doc_no, rel, digest, meta):
            report.add(Severity.ERROR, "row_changed", rel,
                       f"目录中文档 {doc_id} 的登记信息（文号、路径或 SHA-256）被绕过 docgen 改动过"
                       "（行校验不符）")  # fmt: skip
        path = _check_file(ws, report, doc_id, rel, digest)
        docx = (meta or {}).get("docx")
        if docx:
            _check_file(ws, report, doc_id, docx, (meta or {}).get(DOCX_SHA256))
        if path is not None and path.suffix.lower() == ".pdf" and _has_signature(path):
            if cert is None and not trusted:
                report.add(Severity.ERROR, "no_office_cert", rel,
                           f"文档 {doc_id} 带有数字签名，但工作区没有单位证书，无法确认签名人")  # fmt: skip
            check_signatures(report, path, rel, cert, trusted=trusted)
    check_index(ws, report)
    key = keys_dir(ws) / KEY_FILE
    if key.is_file() and stat.S_IMODE(key.stat().st_mode) & 0o077:
        report.add(Severity.WARNING, "key_mode", f"keys/{KEY_FILE}",
                   "单位私钥文件其他用户可读：请执行 chmod 600")  # fmt: skip
    return report


def _check_file(
    ws: Any, report: VerifyReport, doc_id: int, rel: str, digest: str | None
) -> Path | None:
    """One stored file against its recorded SHA-256 → its path when it exists."""
    report.files_checked += 1
    path = Path(ws.root) / rel
    if not path.is_file():
        report.add(Severity.ERROR, "missing", rel, f"文档 {doc_id} 的文件不存在")
        return None
    if digest is None:
        report.add(Severity.WARNING, "no_digest", rel,
                   f"文档 {doc_id} 的文件未登记 SHA-256（旧版本生成），无法核对是否被改动")  # fmt: skip
    elif sha256_file(path) != digest:
        report.add(Severity.ERROR, "changed", rel,
                   f"文档 {doc_id} 的文件与登记的 SHA-256 不符（文件被改动过）")  # fmt: skip
    return path


def check_index(ws: Any, report: VerifyReport) -> None:
    """The search index against the catalog: every case record and document is in it, and
    nothing the catalog no longer has (a gap makes searches miss them)."""
    from docgen.archive.indexing import index_gap
    from docgen.index import SearchError

    try:
        missing, stale = index_gap(ws)
    except SearchError as exc:
        report.add(
            Severity.WARNING, "index", "index/", f"{exc.message}（请运行 docgen index rebuild）"
        )
        return
    if missing:
        report.add(Severity.WARNING, "index_gap", "index/",
                   f"检索索引缺少目录中的 {len(missing)} 条记录（如 {'、'.join(missing[:3])}），"
                   "搜索会漏掉它们：请运行 docgen index rebuild")  # fmt: skip
    if stale:
        report.add(Severity.WARNING, "index_stale", "index/",
                   f"检索索引含有目录中已不存在的 {len(stale)} 条记录（如 {'、'.join(stale[:3])}）："
                   "请运行 docgen index rebuild")  # fmt: skip


def check_catalog(ws: Any, report: VerifyReport) -> bool:
    """SQLite's own ``PRAGMA integrity_check`` on the catalog → False (with an error) if damaged."""
    if ws.engine.dialect.name != "sqlite":
        return True
    try:
        with ws.engine.connect() as conn:
            lines = [str(r[0]) for r in conn.exec_driver_sql("PRAGMA integrity_check").all()]
            conn.rollback()
    except DBAPIError as exc:
        lines = [type(exc.orig).__name__ if exc.orig is not None else type(exc).__name__]
    if lines == ["ok"]:
        return True
    shown = "；".join(lines[:3]) + ("……" if len(lines) > 3 else "")
    report.add(Severity.ERROR, "catalog_corrupt", CATALOG_FILE,
               f"目录数据库已损坏（SQLite 完整性检查未通过：{shown}），请从备份恢复")  # fmt: skip
    return False


def check_office_cert(ws: Any, cert: Path | None, report: VerifyReport) -> None:
    """The office certificate must be the one ``seal keygen``/``seal import`` registered (its
    fingerprint is in the audit log): a swapped certificate would vouch for foreign signatures."""
    with ws.read_session() as session:
        registered = session.scalars(
            select(AuditEntry.detail)
            .where(AuditEntry.action.in_(KEY_ACTIONS))
            .order_by(AuditEntry.id.desc())
        ).first()
    if cert is None:
        if registered:
            report.add(Severity.ERROR, "cert_missing", f"{KEYS_DIR}/{CERT_FILE}",
                       "登记过单位证书，但证书文件不存在")  # fmt: skip
        return
    try:
        fingerprint = certificate_fingerprint(cert)
    except SignatureError as exc:
        report.add(Severity.ERROR, exc.code, f"{KEYS_DIR}/{CERT_FILE}", exc.message)
        return
    if registered is None:
        report.add(Severity.WARNING, "cert_unregistered", f"{KEYS_DIR}/{CERT_FILE}",
                   "单位证书未经 docgen seal keygen/import 登记，无法确认它未被替换")  # fmt: skip
    elif not fingerprint.startswith(registered):
        report.add(Severity.ERROR, "cert_swapped", f"{KEYS_DIR}/{CERT_FILE}",
                   "单位证书与登记的不符（证书文件可能被替换），据此核验的签名不可信")  # fmt: skip
