"""docgen seal make|register|keygen: the office seal image and the signing key pair.

Also the passphrase option every signing command shares (``--passphrase-env``): the passphrase
is read from that environment variable, or asked for without echo; it is never printed or logged.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from docgen.cli.options import (
    CASE_NO,
    DocgenGroup,
    UserError,
    emit,
    finite_number,
    handle_errors,
    json_option,
    one_line_text,
    open_workspace,
    shown,
    workspace_option,
)

if TYPE_CHECKING:
    from docgen.archive.sealing import Sealing
    from docgen.archive.workspace import Workspace

F = TypeVar("F", bound=Callable[..., Any])


def passphrase_env_option(f: F) -> F:
    return click.option(
        "--passphrase-env",
        metavar="变量名",
        help="从该环境变量读取私钥口令（供脚本使用；不指定则交互输入，输入不回显）",
    )(f)


def read_passphrase(env: str | None, *, confirm: bool = False, label: str = "私钥口令") -> str:
    """The passphrase from ``$env``, else asked for (hidden; twice when ``confirm``)."""
    if env:
        value = os.environ.get(env)
        if not value:
            raise UserError(f"环境变量 {env} 未设置或为空，无法读取{label}")
        return value
    value = str(click.prompt(label, hide_input=True))
    if confirm and str(click.prompt("再次输入以确认", hide_input=True)) != value:
        raise UserError("两次输入的口令不一致")
    return value


@click.group("seal", cls=DocgenGroup)
def seal_group() -> None:
    """单位印章与签章密钥：制作或登记印章，生成或导入密钥对。"""


@seal_group.command("make")
@click.option(
    "--lower-text",
    default="",
    callback=one_line_text,
    help="印章下方横排文字，如 信访专用章（最多 8 字）",
)
@click.option("--diameter", default=42.0, show_default=True,
              type=click.FloatRange(20, 45), callback=finite_number, help="直径（毫米，最大 45）")  # fmt: skip
@click.option("--texture", is_flag=True, help="模拟印泥不均匀的效果（默认不加）")
@workspace_option
@json_option
@handle_errors
def make_command(lower_text: str, diameter: float, texture: bool, workspace_path: Path | None,
                 as_json: bool) -> None:  # fmt: skip
    """按工作区的机关名称绘制圆形红色印章（矢量 PDF + PNG 预览）。"""
    from docgen.archive.sealing import make_office_seal

    ws = open_workspace(workspace_path)
    seal = make_office_seal(ws, lower_text=lower_text, diameter_mm=diameter, ink_texture=texture)
    _show_seal(ws, seal, as_json)


@seal_group.command("register")
@click.argument("png", metavar="印章.png", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="扫描的印章图片（背景透明的 PNG）")  # fmt: skip
@click.option("--diameter", default=42.0, show_default=True,
              type=click.FloatRange(20, 45), callback=finite_number, help="印章实际直径（毫米）")  # fmt: skip
@workspace_option
@json_option
@handle_errors
def register_command(png: Path, diameter: float, workspace_path: Path | None,
                     as_json: bool) -> None:  # fmt: skip
    """登记单位已有的扫描印章图片（背景透明的 PNG）。"""
    from docgen.archive.sealing import register_office_seal

    ws = open_workspace(workspace_path)
    _show_seal(ws, register_office_seal(ws, png, diameter_mm=diameter), as_json)


def _show_seal(ws: Workspace, seal: Any, as_json: bool) -> None:
    data = {"印章": ws.relative(seal.pdf_path),
            "预览": ws.relative(seal.png_path) if seal.png_path else None,
            "直径_mm": seal.width_mm, "来源": "扫描" if seal.source == "scan" else "绘制"}  # fmt: skip

    def text() -> None:
        click.echo(f"印章已保存：{data['印章']}（直径 {seal.width_mm:g} 毫米，{data['来源']}）")
        if data["预览"]:
            click.echo(f"预览图：{data['预览']}")

    emit(data, as_json, text)


@seal_group.command("keygen")
@click.option("--p12", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="导入单位已有的 PKCS#12 证书文件（.p12/.pfx），不新建密钥")  # fmt: skip
@click.option("--p12-passphrase-env", metavar="变量名", help="从该环境变量读取 .p12 文件的口令")
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def keygen_command(p12: Path | None, p12_passphrase_env: str | None, passphrase_env: str | None,
                   workspace_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """生成单位签章密钥对和自签名证书（或导入已有证书）；私钥加密保存，仅本人可读。"""
    from docgen.archive.sealing import import_office_keys, make_office_keys

    ws = open_workspace(workspace_path)
    if p12 is not None:
        old = read_passphrase(p12_passphrase_env, label=".p12 文件口令")
        pair = import_office_keys(ws, p12, old, read_passphrase(passphrase_env, confirm=True))
    else:
        pair = make_office_keys(ws, read_passphrase(passphrase_env, confirm=True))
    data = {"私钥": ws.relative(pair.key_path), "证书": ws.relative(pair.cert_path),
            "证书主体": pair.subject, "SHA-256 指纹": pair.fingerprint_sha256,
            "有效期至": pair.not_after.date().isoformat()}  # fmt: skip

    def text() -> None:
        click.echo(f"私钥：{data['私钥']}（已加密，权限 0600，请另行备份并牢记口令）")
        click.echo(f"证书：{data['证书']}（可提供给上级机关用于核验签名）")
        click.echo(f"证书主体：{pair.subject}")
        click.echo(f"SHA-256 指纹：{pair.fingerprint_sha256}")
        click.echo(f"有效期至：{shown(pair.not_after.date())}")

    emit(data, as_json, text)


@seal_group.command("paper")
@click.argument("pdf", metavar="文书.pdf", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                help="要盖章的 PDF 文书")  # fmt: skip
@click.option("--sign", is_flag=True, help="以印章为外观加盖电子签章（数字签名），代替普通盖章")
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def paper_command(pdf: Path, sign: bool, passphrase_env: str | None, workspace_path: Path | None,
                  as_json: bool) -> None:  # fmt: skip
    """在文书的署名和成文日期上盖章（GB/T 9704），已存档的文书同时更新目录中的 SHA-256。"""
    from docgen.archive.sealing import seal_any_paper

    ws = open_workspace(workspace_path)
    outcome = seal_any_paper(ws, pdf, sign=sign, passphrase=passphrase_for(sign, passphrase_env))
    show_outcome(outcome, as_json)


@seal_group.command("dossier")
@click.argument("case_no", metavar="案件编号", type=CASE_NO)
@click.option("--sign", is_flag=True, help="封面印章作为电子签章外观并数字签名（最后一步）")
@click.option(
    "--pdfa", is_flag=True, help="写入题名、档号、日期元数据并检查 PDF/A（卷宗须为 PDF/A）"
)
@passphrase_env_option
@workspace_option
@json_option
@handle_errors
def dossier_command(case_no: str, sign: bool, pdfa: bool, passphrase_env: str | None,
                    workspace_path: Path | None, as_json: bool) -> None:  # fmt: skip
    """给案件最新的卷宗盖封面章和骑缝章（可加签名、PDF/A），并更新目录中的 SHA-256。"""
    from docgen.archive.sealing import seal_stored_dossier

    ws = open_workspace(workspace_path)
    outcome = seal_stored_dossier(ws, case_no, sign=sign, pdfa=pdfa,
                                  passphrase=passphrase_for(sign, passphrase_env))  # fmt: skip
    show_outcome(outcome, as_json)


def show_outcome(outcome: Any, as_json: bool) -> None:
    def text() -> None:
        how = "已签名（印章为签名外观）" if outcome.signed else "已盖章"
        where = f"第 {outcome.page_index + 1} 页" if outcome.page_index is not None else ""
        click.echo(f"{outcome.path.name}：{how}，{where}")
        if outcome.cross_page_groups:
            groups = "、".join(f"第{g[0] + 1}–{g[-1] + 1}页" for g in outcome.cross_page_groups)
            click.echo(f"骑缝章：{groups}")
        if outcome.pdfa is not None:
            click.echo(f"PDF/A 检查：{'通过' if outcome.pdfa.ok else '未通过'}")
        click.echo(f"SHA-256：{outcome.sha256}")
        for note in outcome.notes:
            click.echo(f"注意：{note}")

    emit(outcome.as_dict(), as_json, text)


def passphrase_for(sign: bool, env: str | None) -> str | None:
    """For commands with ``--sign``: the passphrase only when signing."""
    return read_passphrase(env) if sign else None


def sealing_for(seal: bool, sign: bool, env: str | None) -> Sealing | None:
    """For commands with ``--seal``/``--sign``: how to seal (None: not at all). The seal
    libraries are imported only when sealing (``paper make`` without them stays light)."""
    if not (seal or sign):
        return None
    from docgen.archive.sealing import Sealing

    return Sealing(sign=sign, passphrase=passphrase_for(sign, env))


__all__ = [
    "passphrase_env_option",
    "passphrase_for",
    "read_passphrase",
    "seal_group",
    "sealing_for",
    "show_outcome",
]
