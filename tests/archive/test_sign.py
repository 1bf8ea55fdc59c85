"""Digital signatures: key pair on disk, PAdES signing with the seal, verification and tampering."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from pypdf import PdfReader

from docgen.seal.draw import SealSpec, draw_seal
from docgen.seal.errors import SignatureError
from docgen.seal.keys import generate_keypair, import_pkcs12, key_pair_info
from docgen.seal.sign import sign_pdf, verify_pdf
from tests.archive.test_seal_support import ORG, make_font, render_paper

PASS = "正确的口令-2024"


@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("sign")


@pytest.fixture(scope="module")
def keys(work: Path):
    return generate_keypair(work / "keys", ORG, PASS, key_size=2048)


@pytest.fixture(scope="module")
def signed(work: Path, keys) -> Path:
    paper = render_paper(work / "paper.pdf", make_font(work))
    seal = draw_seal(SealSpec(ORG), work / "seal.pdf", preview_dpi=None)
    out = work / "signed.pdf"
    result = sign_pdf(paper, out, keys.key_path, keys.cert_path, PASS, seal=seal, reason="公文签发")
    assert result.box_mm is not None and result.signer == ORG
    return out


def test_key_file_is_private_and_encrypted(keys) -> None:
    mode = stat.S_IMODE(keys.key_path.stat().st_mode)
    assert mode & (stat.S_IRWXG | stat.S_IRWXO) == 0
    pem = keys.key_path.read_bytes()
    assert b"ENCRYPTED PRIVATE KEY" in pem
    assert PASS.encode() not in pem
    assert key_pair_info(keys.key_path.parent).fingerprint_sha256 == keys.fingerprint_sha256
    assert "CN=" + ORG in keys.subject


def test_keygen_refuses_to_overwrite_and_weak_passphrase(keys, tmp_path: Path) -> None:
    with pytest.raises(SignatureError, match="已存在"):
        generate_keypair(keys.key_path.parent, ORG, PASS)
    with pytest.raises(SignatureError, match="太短"):
        generate_keypair(tmp_path, ORG, "123")


def test_signed_file_verifies_against_the_office_certificate(signed: Path, keys) -> None:
    result = verify_pdf(signed, keys.cert_path)
    assert result.ok, result
    assert result.signer == ORG
    assert result.intact and result.valid and result.trusted_by_given_cert is True
    assert result.signing_time is not None
    check = result.signatures[0]
    assert check.covers_whole_file and check.is_given_cert


def test_signature_is_pades_and_visible(signed: Path) -> None:
    reader = PdfReader(signed)
    field = next(iter(reader.get_fields().values()))
    value = field["/V"].get_object()
    assert value["/SubFilter"] == "/ETSI.CAdES.detached"
    annots = [a.get_object() for a in reader.pages[0]["/Annots"]]
    widget = next(a for a in annots if a.get("/FT") == "/Sig" or "/Parent" in a or "/T" in a)
    rect = [float(v) for v in widget["/Rect"]]
    assert rect[2] - rect[0] == pytest.approx(42 / 25.4 * 72, abs=1)
    assert "/AP" in widget


def test_without_certificate_trust_is_not_claimed(signed: Path) -> None:
    result = verify_pdf(signed)
    assert result.ok and result.trusted_by_given_cert is None


def test_another_certificate_is_not_trusted(signed: Path, tmp_path: Path) -> None:
    other = generate_keypair(tmp_path, "另一个单位", PASS, key_size=2048)
    result = verify_pdf(signed, other.cert_path)
    assert not result.ok
    assert result.trusted_by_given_cert is False
    assert any("不是指定的单位证书" in p for s in result.signatures for p in s.problems)


def _flip(src: Path, dst: Path, offset: int) -> Path:
    data = bytearray(src.read_bytes())
    data[offset] ^= 0x01
    dst.write_bytes(bytes(data))
    return dst


def _byte_range(path: Path) -> list[int]:
    reader = PdfReader(path)
    value = next(iter(reader.get_fields().values()))["/V"].get_object()
    return [int(v) for v in value["/ByteRange"]]


@pytest.mark.parametrize("where", ["first-range-middle", "second-range", "signature-value"])
def test_one_changed_byte_fails_verification(
    signed: Path, keys, tmp_path: Path, where: str
) -> None:
    start1, len1, start2, len2 = _byte_range(signed)
    data = signed.read_bytes()
    if where == "first-range-middle":
        # A byte inside the page content stream, well inside the first signed range.
        offset = data.index(b"stream", len1 // 3) + 20
        assert offset < start1 + len1
    elif where == "second-range":
        offset = start2 + len2 // 2
    else:
        offset = start1 + len1 + 41  # inside the hex of /Contents (the CMS blob)
    tampered = _flip(signed, tmp_path / "tampered.pdf", offset)
    result = verify_pdf(tampered, keys.cert_path)
    assert not result.ok
    assert result.problems or any(not s.ok for s in result.signatures)


def test_appended_update_is_reported(signed: Path, keys, tmp_path: Path) -> None:
    data = signed.read_bytes()
    target = tmp_path / "appended.pdf"
    # An incremental update that redefines nothing but still extends the file after signing.
    xref_pos = len(data)
    trailer = PdfReader(signed).trailer
    size = int(trailer["/Size"])
    root = trailer.raw_get("/Root")
    prev = data[data.rindex(b"startxref") + 9 :].split()[0].decode()
    tail = (
        f"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size {size} /Root {root.idnum} 0 R "
        f"/Prev {prev} >>\nstartxref\n{xref_pos}\n%%EOF\n"
    )
    target.write_bytes(data + tail.encode())
    result = verify_pdf(target, keys.cert_path)
    assert not result.ok


def test_wrong_passphrase_is_refused_without_echoing_it(keys, signed: Path, tmp_path: Path) -> None:
    wrong = "错误口令-secret-xyz"
    with pytest.raises(SignatureError) as info:
        sign_pdf(signed, tmp_path / "x.pdf", keys.key_path, keys.cert_path, wrong)
    assert "口令错误" in str(info.value) and wrong not in str(info.value)


def test_unsigned_file_is_not_ok(work: Path, signed: Path) -> None:
    result = verify_pdf(work / "paper.pdf")  # written by the ``signed`` fixture (xdist-safe)
    assert not result.ok and result.signatures == ()


def test_import_pkcs12(keys, tmp_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    key = load_pem_private_key(keys.key_path.read_bytes(), PASS.encode())
    cert = x509.load_pem_x509_certificate(keys.cert_path.read_bytes())
    p12 = tmp_path / "office.p12"
    p12.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"office", key, cert, None, BestAvailableEncryption(b"p12-pass-123")
        )
    )
    with pytest.raises(SignatureError, match="口令错误"):
        import_pkcs12(p12, "wrong-pass-000", tmp_path / "imported")
    imported = import_pkcs12(p12, "p12-pass-123", tmp_path / "imported", new_passphrase=PASS)
    assert imported.fingerprint_sha256 == cert.fingerprint(hashes.SHA256()).hex()
    assert stat.S_IMODE(imported.key_path.stat().st_mode) == 0o600


def test_stamping_or_retagging_a_signed_file_is_refused(signed: Path, work: Path) -> None:
    import datetime as dt

    from docgen.seal.errors import SealError
    from docgen.seal.pdfa import set_archival_metadata
    from docgen.seal.stamp import stamp_seal

    with pytest.raises(SealError, match="已有数字签名"):
        stamp_seal(signed, work / "x.pdf", work / "seal.pdf", 0, (50, 50))
    with pytest.raises(SealError, match="已有数字签名"):
        set_archival_metadata(signed, work / "y.pdf", "题名", "档号-1", [dt.date(2024, 1, 5)])
