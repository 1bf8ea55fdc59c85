"""Office name + passphrase → a key pair: self-signed certificate (PEM) and encrypted private key.

The private key is written as encrypted PKCS#8 PEM with file mode 0600 (created with that mode,
never widened); the certificate is public (0644). An office that already has a PKCS#12 (.p12/.pfx)
file imports it instead. Passphrases are never logged or put into messages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from docgen.atomic import write_bytes as atomic_write
from docgen.seal.errors import SignatureError

KEY_FILE = "office-key.pem"
CERT_FILE = "office-cert.pem"
CHAIN_FILE = "office-chain.pem"
MIN_PASSPHRASE = 8
KEY_MODE = 0o600


@dataclass(frozen=True)
class KeyPair:
    """Where the office's key material lives, and what the certificate says."""

    key_path: Path
    cert_path: Path
    subject: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime
    chain_path: Path | None = None


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    data = passphrase.encode("utf-8") if isinstance(passphrase, str) else bytes(passphrase)
    if len(data) < MIN_PASSPHRASE:
        raise SignatureError(f"私钥口令太短：至少 {MIN_PASSPHRASE} 个字符", code="weak_passphrase")
    return data


def _refuse_overwrite(directory: Path, overwrite: bool) -> None:
    if not overwrite and (directory / KEY_FILE).exists():
        raise SignatureError(
            f"{directory / KEY_FILE} 已存在：为防止误删单位私钥，请先备份并移走旧文件",
            code="key_exists",
        )


def _key_pair(
    cert: x509.Certificate, key_path: Path, cert_path: Path, chain: Path | None
) -> KeyPair:
    return KeyPair(
        key_path=key_path,
        cert_path=cert_path,
        subject=cert.subject.rfc4514_string(),
        fingerprint_sha256=cert.fingerprint(hashes.SHA256()).hex(),
        not_before=cert.not_valid_before_utc,
        not_after=cert.not_valid_after_utc,
        chain_path=chain,
    )


def generate_keypair(
    directory: Path,
    org_name: str,
    passphrase: str | bytes,
    *,
    valid_years: int = 10,
    key_size: int = 3072,
    email: str | None = None,
    overwrite: bool = False,
) -> KeyPair:
    """Create an RSA key and a self-signed signing certificate for ``org_name`` in ``directory``."""
    directory = Path(directory)
    org = org_name.strip()
    if not org:
        raise SignatureError("单位名称不能为空", code="keygen")
    secret = _passphrase_bytes(passphrase)
    _refuse_overwrite(directory, overwrite)
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
        x509.NameAttribute(NameOID.COMMON_NAME, org),
    ]
    if email:
        attributes.append(x509.NameAttribute(NameOID.EMAIL_ADDRESS, email))
    name = x509.Name(attributes)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=365 * valid_years))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return _store(directory, key, cert, (), secret)


def _store(
    directory: Path,
    key: object,
    cert: x509.Certificate,
    chain: tuple[x509.Certificate, ...],
    secret: bytes,
) -> KeyPair:
    key_pem = key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(secret),
    )
    key_path = atomic_write(directory / KEY_FILE, key_pem, mode=KEY_MODE)
    cert_path = atomic_write(directory / CERT_FILE, cert.public_bytes(serialization.Encoding.PEM))
    chain_path = None
    if chain:
        data = b"".join(c.public_bytes(serialization.Encoding.PEM) for c in chain)
        chain_path = atomic_write(directory / CHAIN_FILE, data)
    return _key_pair(cert, key_path, cert_path, chain_path)


def import_pkcs12(
    p12_path: Path,
    p12_passphrase: str | bytes,
    directory: Path,
    new_passphrase: str | bytes | None = None,
    *,
    overwrite: bool = False,
) -> KeyPair:
    """Import an existing PKCS#12 file: the key is re-encrypted (with ``new_passphrase`` if given)."""
    p12_path, directory = Path(p12_path), Path(directory)
    if not p12_path.is_file():
        raise SignatureError(f"找不到证书文件：{p12_path}", code="pkcs12")
    old = p12_passphrase.encode("utf-8") if isinstance(p12_passphrase, str) else p12_passphrase
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(p12_path.read_bytes(), old or None)
    except ValueError as exc:
        raise SignatureError(
            f"无法打开 {p12_path.name}：口令错误或文件不是 PKCS#12 格式", code="pkcs12"
        ) from exc
    if key is None or cert is None:
        raise SignatureError(f"{p12_path.name} 中缺少私钥或证书", code="pkcs12")
    secret = _passphrase_bytes(new_passphrase if new_passphrase is not None else p12_passphrase)
    _refuse_overwrite(directory, overwrite)
    return _store(directory, key, cert, tuple(extra or ()), secret)


def load_certificate(cert_path: Path) -> x509.Certificate:
    """A PEM or DER certificate file."""
    cert_path = Path(cert_path)
    try:
        data = cert_path.read_bytes()
    except OSError as exc:
        raise SignatureError(f"无法读取证书文件 {cert_path}", code="certificate") from exc
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise SignatureError(f"{cert_path.name} 不是有效的证书文件", code="certificate") from exc


def key_pair_info(directory: Path) -> KeyPair:
    """The key pair stored in ``directory`` (as written by :func:`generate_keypair`)."""
    directory = Path(directory)
    key_path, cert_path = directory / KEY_FILE, directory / CERT_FILE
    if not key_path.is_file() or not cert_path.is_file():
        raise SignatureError(
            f"{directory} 中没有单位密钥（请先生成密钥对或导入证书）", code="key_missing"
        )
    chain = directory / CHAIN_FILE
    return _key_pair(
        load_certificate(cert_path), key_path, cert_path, chain if chain.is_file() else None
    )
