"""Seals and signatures: draw the office seal, stamp it (also as 骑缝章), sign, check PDF/A.

Pipeline for a sealed paper or dossier::

    SealSpec ──draw_seal──▶ seal.pdf (+ .png)            (or register_scanned_seal(scan.png))
    paper.pdf ──locate_seal_position──▶ centre ──stamp_seal──▶ sealed.pdf
    dossier.pdf ──stamp_dossier (cover + 骑缝章)──▶ sealed.pdf
    sealed.pdf ──set_archival_metadata──▶ ──sign_pdf (last)──▶ signed.pdf ──verify_pdf──▶ report
"""

from typing import TYPE_CHECKING, Any

from docgen.seal.draw import (
    MAX_DIAMETER_MM,
    Seal,
    SealSpec,
    draw_seal,
    load_seal,
    register_scanned_seal,
    render_png,
)
from docgen.seal.errors import SealError, SignatureError
from docgen.seal.keys import KeyPair, generate_keypair, import_pkcs12, key_pair_info
from docgen.seal.locate import SealPosition, TextLine, find_date_line, locate_seal_position
from docgen.seal.pdfa import (
    PdfaReport,
    check_pdfa,
    read_archival_metadata,
    set_archival_metadata,
)
from docgen.seal.stamp import (
    Stamper,
    StampResult,
    cross_page_seal,
    plan_groups,
    stamp_dossier,
    stamp_seal,
)

if TYPE_CHECKING:
    from docgen.seal.sign import SignatureCheck, SignResult, VerifyResult, sign_pdf, verify_pdf

# Signing pulls in pyHanko (and through it aiohttp): about a third of a second at start-up that
# only the commands which sign or verify should pay, so those names load on first use (PEP 562).
_SIGNING = {"SignatureCheck", "SignResult", "VerifyResult", "sign_pdf", "verify_pdf"}


def __getattr__(name: str) -> Any:
    if name in _SIGNING:
        from docgen.seal import sign

        return getattr(sign, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "MAX_DIAMETER_MM",
    "KeyPair",
    "PdfaReport",
    "Seal",
    "SealError",
    "SealPosition",
    "SealSpec",
    "SignResult",
    "SignatureCheck",
    "SignatureError",
    "StampResult",
    "Stamper",
    "TextLine",
    "VerifyResult",
    "check_pdfa",
    "cross_page_seal",
    "draw_seal",
    "find_date_line",
    "generate_keypair",
    "import_pkcs12",
    "key_pair_info",
    "load_seal",
    "locate_seal_position",
    "plan_groups",
    "read_archival_metadata",
    "register_scanned_seal",
    "render_png",
    "set_archival_metadata",
    "sign_pdf",
    "stamp_dossier",
    "stamp_seal",
    "verify_pdf",
]
