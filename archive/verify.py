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

import stat
from dataclasses import dataclass, field
from enum import IntEnum
from pathlib import Path
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select

from archive.documents import sha256_file
from archive.seal import SignatureError, VerifyResult, verify_pdf
from archive.seal.keys import KEY_FILE
from archive.seal.xobject import is_signed
from archive.sealing import keys_dir, office_cert_path
from docgen.model import Document

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
    foreign_cert_is_warning: bool = False,
) -> VerifyResult | None:
    """Verify ``pdf``'s signatures into ``report``; a foreign signer can be only a warning."""
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
            foreign = problem == OTHER_CERT and check.intact and check.valid
            severity = Severity.WARNING if foreign and foreign_cert_is_warning else Severity.ERROR
            report.add(severity, "signature", shown, f"签名 {check.field_name}：{problem}")
    if cert is None and result.signatures:
        report.add(Severity.INFO, "no_cert", shown,
                   "未指定单位证书：只校验了签名完整性，未核对签名人身份（可用 --cert 指定）")  # fmt: skip
    return result


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


def verify_workspace(ws: Any) -> VerifyReport:
    """Every stored file against its SHA-256, every signed PDF's signatures, the key's mode."""
    report = VerifyReport()
    cert = office_cert_path(ws)
    with ws.session() as session:
        rows = session.execute(
            select(Document.id, Document.path, Document.sha256).order_by(Document.id)
        ).all()
    for doc_id, rel, digest in rows:
        report.files_checked += 1
        path = Path(ws.root) / rel
        if not path.is_file():
            report.add(Severity.ERROR, "missing", rel, f"文档 {doc_id} 的文件不存在")
            continue
        if sha256_file(path) != digest:
            report.add(Severity.ERROR, "changed", rel,
                       f"文档 {doc_id} 的文件与登记的 SHA-256 不符（文件被改动过）")  # fmt: skip
        if path.suffix.lower() == ".pdf" and _has_signature(path):
            check_signatures(report, path, rel, cert, foreign_cert_is_warning=True)
    key = keys_dir(ws) / KEY_FILE
    if key.is_file() and stat.S_IMODE(key.stat().st_mode) & 0o077:
        report.add(Severity.WARNING, "key_mode", f"keys/{KEY_FILE}",
                   "单位私钥文件其他用户可读：请执行 chmod 600")  # fmt: skip
    return report
