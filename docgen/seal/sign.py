"""A finished PDF + the office key → a PAdES B-B signed PDF whose visible signature is the seal;
a signed PDF (+ optionally the office certificate) → a verification report.

Signing is the last step: pyHanko appends an incremental update, and nothing may rewrite the
file afterwards. Verification uses pyHanko's validator; with the office certificate as the only
trust root it also answers "was this signed with our key?". No network access is made.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import dataclass, field
from pathlib import Path

from pyhanko.pdf_utils import generic, layout
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.metadata.model import VENDOR
from pyhanko.pdf_utils.misc import PdfReadError as HankoReadError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from docgen.atomic import write_bytes as atomic_write
from docgen.seal.draw import Seal, load_seal
from docgen.seal.errors import SignatureError
from docgen.seal.geometry import apply, mm
from docgen.seal.keys import load_certificate
from docgen.seal.locate import locate_seal_position
from docgen.seal.xobject import page_frame

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SignResult:
    path: Path
    field_name: str
    page_index: int
    box_mm: tuple[float, float, float, float] | None  # left, top, width, height (None: invisible)
    signer: str
    sha256: str  # of the signed file, for the manifest


@dataclass(frozen=True)
class SignatureCheck:
    """One embedded signature, judged."""

    field_name: str
    signer: str
    signing_time: dt.datetime | None
    intact: bool  # the signed bytes are unchanged
    valid: bool  # the cryptographic signature is correct
    trusted_by_given_cert: bool | None  # None when no certificate was given
    is_given_cert: bool | None  # signed with exactly the given certificate
    covers_whole_file: bool  # nothing was appended after this signature
    modification_level: str | None
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class VerifyResult:
    """Verification of all signatures in one file; ``ok`` only when every check passes."""

    path: Path
    signatures: tuple[SignatureCheck, ...]
    problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.problems and all(s.ok for s in self.signatures)

    # Shortcuts for the usual single-signature file: the last signature covers the final file.
    @property
    def _last(self) -> SignatureCheck | None:
        return self.signatures[-1] if self.signatures else None

    @property
    def signer(self) -> str | None:
        return self._last.signer if self._last else None

    @property
    def signing_time(self) -> dt.datetime | None:
        return self._last.signing_time if self._last else None

    @property
    def intact(self) -> bool:
        return bool(self.signatures) and all(s.intact for s in self.signatures)

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    @property
    def trusted_by_given_cert(self) -> bool | None:
        if not self.signatures or self.signatures[0].trusted_by_given_cert is None:
            return None
        return all(bool(s.trusted_by_given_cert) for s in self.signatures)


def _secret(passphrase: str | bytes) -> bytes:
    return passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)


def load_signer(key_path: Path, cert_path: Path, passphrase: str | bytes) -> signers.SimpleSigner:
    """The office signer; a wrong passphrase gives a Chinese error (the passphrase is not shown)."""
    for path in (key_path, cert_path):
        if not Path(path).is_file():
            raise SignatureError(f"找不到密钥或证书文件：{path}", code="key_missing")
    try:
        signer = signers.SimpleSigner.load(
            str(key_path), str(cert_path), key_passphrase=_secret(passphrase)
        )
    except (ValueError, TypeError, OSError) as exc:
        raise SignatureError("无法打开单位私钥：口令错误或密钥文件已损坏", code="bad_key") from exc
    if signer is None:  # pyHanko logs and returns None on a wrong passphrase
        raise SignatureError("无法打开单位私钥：口令错误或密钥文件已损坏", code="bad_key")
    return signer


def _field_box(
    pdf: Path, page_index: int, center_mm: tuple[float, float], seal: Seal
) -> tuple[int, int, int, int]:
    page = PdfReader(pdf).pages[page_index]
    frame = page_frame(page)
    cx, cy = mm(center_mm[0]), frame.height - mm(center_mm[1])
    w, h = mm(seal.width_mm), mm(seal.height_mm)
    corners = [
        apply(frame.display_to_user, x, y)
        for x, y in ((cx - w / 2, cy - h / 2), (cx + w / 2, cy + h / 2))
    ]
    xs, ys = sorted(c[0] for c in corners), sorted(c[1] for c in corners)
    return (round(xs[0]), round(ys[0]), round(xs[1]), round(ys[1]))


def _free_field_name(pdf: Path, wanted: str) -> str:
    reader = PdfReader(pdf)
    existing = set((reader.get_fields() or {}).keys())
    name, n = wanted, 1
    while name in existing:
        n += 1
        name = f"{wanted}{n}"
    return name


def sign_pdf(
    pdf_in: Path,
    pdf_out: Path,
    key_path: Path,
    cert_path: Path,
    passphrase: str | bytes,
    *,
    seal: Seal | Path | None = None,
    page_index: int | None = None,
    center_mm: tuple[float, float] | None = None,
    field_name: str = "DocgenSignature",
    reason: str | None = None,
    location: str | None = None,
) -> SignResult:
    """Sign ``pdf_in`` (PAdES baseline B-B) into ``pdf_out``.

    With ``seal``, the signature is visible and its appearance is the seal, centred at
    ``center_mm`` (x from the left, y from the top, in mm) on ``page_index``; without a position
    it is placed by the GB/T 9704 rule over 署名 and 成文日期 (see :mod:`locate`). Without a seal the
    signature is invisible.
    """
    pdf_in, pdf_out = Path(pdf_in), Path(pdf_out)
    if pdf_in.resolve() == pdf_out.resolve():
        raise SignatureError("签名输出文件不能覆盖原文件", code="sign_output")
    signer = load_signer(Path(key_path), Path(cert_path), passphrase)
    name = _free_field_name(pdf_in, field_name)
    pages = len(PdfReader(pdf_in).pages)
    box = None
    box_mm = None
    style = None
    index = pages - 1 if page_index is None else page_index
    if seal is not None:
        seal_obj = seal if isinstance(seal, Seal) else load_seal(Path(seal))
        if center_mm is None:
            position = locate_seal_position(pdf_in, page_index, seal_height_mm=seal_obj.height_mm)
            index, center_mm = position.page_index, position.center_mm
        if not 0 <= index < pages:
            raise SignatureError(
                f"页码 {index + 1} 超出范围（文件共 {pages} 页）", code="sign_page"
            )
        box = _field_box(pdf_in, index, center_mm, seal_obj)
        box_mm = (
            round(center_mm[0] - seal_obj.width_mm / 2, 2),
            round(center_mm[1] - seal_obj.height_mm / 2, 2),
            seal_obj.width_mm,
            seal_obj.height_mm,
        )
        style = StaticStampStyle.from_pdf_file(
            str(seal_obj.pdf_path),
            border_width=0,
            background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )
    meta = signers.PdfSignatureMetadata(
        field_name=name,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    spec = fields.SigFieldSpec(sig_field_name=name, on_page=index, box=box)
    output = io.BytesIO()
    try:
        with pdf_in.open("rb") as handle:
            writer = IncrementalPdfFileWriter(handle, strict=False)
            _align_producer(writer)
            fields.append_signature_field(writer, sig_field_spec=spec)
            pdf_signer = signers.PdfSigner(meta, signer=signer, stamp_style=style)
            pdf_signer.sign_pdf(writer, output=output)
    except (HankoReadError, ValueError) as exc:
        raise SignatureError(
            f"签名失败：{pdf_in.name} 无法签名（{exc}）", code="sign_failed"
        ) from exc
    data = output.getvalue()
    atomic_write(pdf_out, data)
    subject = _common_name(signer.signing_cert)
    log.info("signed %s as field %s", pdf_out.name, name)
    return SignResult(pdf_out, name, index, box_mm, subject, hashlib.sha256(data).hexdigest())


def verify_pdf(pdf: Path, trust_cert: Path | None = None) -> VerifyResult:
    """Check every signature of ``pdf``; with ``trust_cert``, also whether it is the office's."""
    pdf = Path(pdf)
    given = load_certificate(trust_cert) if trust_cert is not None else None
    if not pdf.is_file():
        raise SignatureError(f"找不到文件：{pdf}", code="not_found")
    try:
        with pdf.open("rb") as handle:
            reader = PdfFileReader(handle, strict=False)
            embedded = list(reader.embedded_signatures)
            if not embedded:
                return VerifyResult(pdf, (), ("文件中没有数字签名",))
            checks = tuple(_check(sig, given) for sig in embedded)
    except Exception as exc:  # a damaged file must be reported, not crash the verifier
        log.info("verification of %s failed: %s", pdf.name, type(exc).__name__)
        return VerifyResult(pdf, (), (f"文件已损坏或被改动，无法校验签名（{type(exc).__name__}）",))
    return VerifyResult(pdf, checks)


def _check(sig: object, given: object) -> SignatureCheck:
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    given_asn1 = None
    if given is not None:
        der = given.public_bytes(Encoding.DER)  # type: ignore[attr-defined]
        given_asn1 = asn1_x509.Certificate.load(der)
        trust_roots = [given_asn1]
    else:
        # No certificate to judge trust by: validate the signature against its own certificate,
        # so that intact/valid are computed without a (meaningless) chain-building failure.
        trust_roots = [sig.signer_cert]  # type: ignore[attr-defined]
    context = ValidationContext(trust_roots=trust_roots, allow_fetching=False)
    problems: list[str] = []
    try:
        status = validate_pdf_signature(sig, context)  # type: ignore[arg-type]
    except Exception as exc:
        name = getattr(sig, "field_name", "?")
        return SignatureCheck(
            name,
            "",
            None,
            False,
            False,
            False if given else None,
            None,
            False,
            None,
            (f"签名 {name} 无法校验：签名数据已损坏（{type(exc).__name__}）",),
        )
    cert = status.signing_cert
    signer = _common_name(cert)
    coverage = status.coverage.name if status.coverage is not None else ""
    covers_whole = coverage == "ENTIRE_FILE"
    modification = status.modification_level.name if status.modification_level else None
    if not status.intact:
        problems.append("签名后文件内容已被改动（摘要不符）")
    if not status.valid:
        problems.append("签名值无效")
    if status.intact and status.valid and not covers_whole:
        problems.append("签名之后文件又被追加修改，签名未覆盖整个文件")
    trusted = None
    is_given = None
    if given_asn1 is not None:
        is_given = cert.dump() == given_asn1.dump()
        trusted = bool(status.trusted) and is_given
        if not is_given:
            problems.append("签名证书不是指定的单位证书")
        elif status.intact and status.valid and not status.trusted:
            problems.append("单位证书校验未通过（可能已过期）")
    return SignatureCheck(
        field_name=sig.field_name,  # type: ignore[attr-defined]
        signer=signer,
        signing_time=status.signer_reported_dt,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted_by_given_cert=trusted,
        is_given_cert=is_given,
        covers_whole_file=covers_whole,
        modification_level=modification,
        problems=tuple(problems),
    )


def _align_producer(writer: IncrementalPdfFileWriter) -> None:
    """Keep Info /Producer equal to the XMP pdf:Producer that pyHanko writes when signing.

    pyHanko sets the XMP producer to its own name but appends it to the Info producer; for a
    PDF/A file the two must match, so the Info entry is set to pyHanko's name beforehand.
    """
    if "/Metadata" not in writer.root or writer._info is None:
        return
    info = writer._info.get_object()
    info[generic.NameObject("/Producer")] = generic.TextStringObject(VENDOR)
    writer.mark_update(writer._info)


def _common_name(cert: object) -> str:
    subject = cert.subject  # type: ignore[attr-defined]
    return str(subject.native.get("common_name") or subject.human_friendly)
