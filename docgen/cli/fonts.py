"""docgen fonts [add|prepare]: which font serves each role, and building the fast font subsets."""

from __future__ import annotations

import time
from pathlib import Path

import click

from docgen.cli.options import DocgenGroup, emit, handle_errors, json_option
from docgen.fonts import ROLES, add_fonts, font_report, prepare_fonts


@click.group("fonts", cls=DocgenGroup, invoke_without_command=True)
@json_option
@click.pass_context
@handle_errors
def fonts_group(ctx: click.Context, as_json: bool) -> None:
    """报告各排版角色（标题、正文、各级标题、页码）实际使用的字体。"""
    if ctx.invoked_subcommand is not None:
        return
    rows = [
        {"角色": ROLES[role].label, "字体": family, "文件": path, "官方字体": official,
         "替代说明": "" if official else ROLES[role].substitution(family)}
        for role, family, path, official in font_report()
    ]  # fmt: skip

    def text() -> None:
        for r in rows:
            kind = "官方字体" if r["官方字体"] else "开源替代"
            click.echo(f"{r['角色']:　<9}{r['字体']}（{kind}）  {r['文件']}")
        for note in dict.fromkeys(r["替代说明"] for r in rows if r["替代说明"]):
            click.echo(f"注意：{note}。")
        if any(r["替代说明"] for r in rows):
            click.echo("用 docgen fonts add 字体文件… 登记单位已授权的公文字体后即可改用。")

    emit(rows, as_json, text)


@fonts_group.command("prepare")
@click.option("--force", is_flag=True, help="即使已准备过也重新生成")
@handle_errors
def prepare_command(force: bool) -> None:
    """预先生成字体子集（GB2312 字符集，TrueType 轮廓），使 PDF 排版快且小。"""
    start = time.perf_counter()
    result = prepare_fonts(force=force)
    took = time.perf_counter() - start
    click.echo(f"字体已就绪：{result.font_dir}（新生成 {len(result.built)} 个，"
               f"沿用 {len(result.kept)} 个，用时 {took:.1f} 秒）")  # fmt: skip


@fonts_group.command("add")
@click.argument(
    "files", nargs=-1, required=True, metavar="字体文件…", type=click.Path(path_type=Path)
)
@handle_errors
def add_command(files: tuple[Path, ...]) -> None:
    """登记本单位已授权的公文字体（如 simfang.ttf、simhei.ttf、simkai.ttf、方正小标宋简体、
    方正仿宋），此后 PDF 用它排版，本机办公软件打开 .docx 时也用它。"""
    added = add_fonts(files)
    for font in added:
        verb = "已替换" if font.replaced else "已安装"
        click.echo(f"{verb}：{font.source.name} → {font.installed}（{font.family}，用于"
                   f"{'、'.join(font.roles)}）")  # fmt: skip
    prepare_fonts()
    click.echo("字体子集已更新；运行 docgen fonts 查看各角色所用字体。")
