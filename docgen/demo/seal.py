"""The sealing part of ``docgen demo``: key pair + seal → a signed, sealed dossier → verification →
a redacted export package, told through ``echo`` in Chinese.

Input: a workspace and a case whose dossier was built (or the dossier PDF); output: the package.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from docgen.archive.cases import get_case
from docgen.archive.export import ExportResult, export_package
from docgen.archive.sealing import (
    keys_dir,
    latest_dossier,
    make_office_keys,
    make_office_seal,
    office_cert_path,
    seal_dossier,
    seal_path,
    seal_stored_dossier,
)
from docgen.archive.verify import verify_file, verify_workspace
from docgen.model import Case, Document
from docgen.seal import read_archival_metadata
from docgen.seal.keys import KEY_FILE

# DEMO ONLY. A real office creates its key with `docgen seal keygen` and a passphrase nobody can
# read in source code; this one exists so that `make demo` runs without a prompt.
DEMO_PASSPHRASE = "docgen-demo-only-演示专用口令"
DEMO_RECIPIENT = "某市信访局"

Echo = Callable[[str], Any]


def demo_seal(
    ws: Any,
    case_no: str,
    echo: Echo,
    dossier: Path | None = None,
    *,
    today: dt.date | None = None,
) -> ExportResult:
    """Seal and sign the case's latest dossier (or ``dossier``), verify it, export it redacted.

    A ``dossier`` stored in the workspace names its own case (``case_no`` is then only a default).
    """
    if not (keys_dir(ws) / KEY_FILE).is_file():
        pair = make_office_keys(ws, DEMO_PASSPHRASE)
        echo(f"    生成单位密钥对与自签名证书：{ws.relative(pair.cert_path)}"
             "（演示口令写在程序里，仅供演示；正式使用请运行 docgen seal keygen）")  # fmt: skip
    if not seal_path(ws).is_file():
        seal = make_office_seal(ws)
        echo(f"    绘制单位印章：{ws.relative(seal.pdf_path)}（直径 {seal.width_mm:g} 毫米，红色，五角星）")  # fmt: skip
    case_no, target, outcome = _seal(ws, case_no, dossier)
    groups = "、".join(f"第{g[0] + 1}–{g[-1] + 1}页" for g in outcome.cross_page_groups)
    echo(f"    卷宗盖章并签名：{target.name}（封面印章即签名外观；骑缝章 {groups or '无'}；"
         f"PDF/A：{'已检查通过' if outcome.pdfa and outcome.pdfa.ok else '未要求'}）")  # fmt: skip
    one = verify_file(target, office_cert_path(ws))
    for s in one.signatures:
        echo(f"    核验签名：签名人 {s.signer}，签名后未被改动：{'是' if s.intact else '否'}，"
             f"单位证书：{'相符' if s.trusted_by_given_cert else '不符'}，结论：{'通过' if one.ok else '未通过'}")  # fmt: skip
    whole = verify_workspace(ws)
    echo(f"    核验整个工作区：{whole.files_checked} 个存档文件、{len(whole.signatures)} 个签名，"
         f"{'全部通过' if whole.ok else '发现问题'}")  # fmt: skip
    out = Path(ws.root) / f"上报材料包-{case_no}"
    result = export_package(ws, [case_no], out, redact=True, recipient=DEMO_RECIPIENT, sign=True,
                            passphrase=DEMO_PASSPHRASE, today=today)  # fmt: skip
    echo(f"    上报材料包（已脱敏）：{out.name}/，{result.doc_no}，报 {result.recipient}")
    for f in result.files:
        echo(f"      {f.path}  SHA-256 {f.sha256[:16]}…")
    for note in result.notes:
        echo(f"    说明：{note}")
    for warning in result.warnings:
        echo(f"    注意：{warning}")
    return result


def _seal(ws: Any, case_no: str, dossier: Path | None) -> tuple[str, Path, Any]:
    """The stored dossier through the catalog (its SHA-256 is updated); a loose file in place.

    → the case whose dossier was sealed (a stored ``dossier`` names its own case), the file and
    the outcome.
    """
    if dossier is not None:
        owner = _case_of(ws, Path(dossier))
        if owner is None:
            outcome = seal_dossier(ws, Path(dossier), sign=True, passphrase=DEMO_PASSPHRASE)
            return case_no, Path(dossier), outcome
        case_no = owner
    with ws.session() as session:
        doc = latest_dossier(session, get_case(session, case_no))
        path = Path(ws.root) / doc.path if doc is not None else None
    pdfa = path is not None and path.is_file() and bool(read_archival_metadata(path).get("part"))
    outcome = seal_stored_dossier(ws, case_no, sign=True, passphrase=DEMO_PASSPHRASE, pdfa=pdfa)
    return case_no, outcome.path, outcome


def _case_of(ws: Any, path: Path) -> str | None:
    """The case of the catalogued Document stored at ``path`` (None: not catalogued)."""
    try:
        rel = ws.relative(path)
    except ValueError:
        return None
    with ws.session() as session:
        return session.scalar(
            select(Case.case_no)
            .join(Document, Document.case_id == Case.id)
            .where(Document.path == rel)
        )
