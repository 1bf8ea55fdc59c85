"""Shared CLI pieces: Chinese help formatting, the --workspace/--json options, error translation.

Every command spells the shared options the same way, and every expected failure (a DocgenError)
becomes a Chinese message and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from docgen.errors import DocgenError

F = TypeVar("F", bound=Callable[..., Any])

_CLICK_MESSAGES = [
    (re.compile(r"Missing option '([^']+)'.*"), r"缺少选项 \1"),
    (re.compile(r"Missing argument '([^']+)'.*"), r"缺少参数 \1"),
    (re.compile(r"No such option:? '?([^'\s]+)'?\.?"), r"没有这个选项：\1"),
    (re.compile(r"No such command '([^']+)'\."), r"没有这个命令：\1"),
    (re.compile(r"Option '([^']+)' requires an argument\."), r"选项 \1 需要一个值"),
    (re.compile(r"Got unexpected extra arguments? \((.*)\)"), r"多余的参数：\1"),
    (re.compile(r"Invalid value for '([^']+)': (.*)", re.S), r"\1 的值无效：\2"),
]


_CLICK_DETAILS = [
    (re.compile(r"'([^']*)' does not match the formats? (.*)\."), r"“\1”不符合格式 \2"),
    (re.compile(r"(\S+) is not in the range (.*)\."), r"\1 不在允许范围 \2 内"),
    (re.compile(r"'([^']*)' is not a valid (integer|float)( range)?\."), r"“\1”不是有效的数字"),
    (
        re.compile(r"(?:File|Directory|Path) '([^']*)' is a directory\."),
        r"“\1”是一个目录，需要文件",
    ),
    (re.compile(r"(?:File|Directory|Path) '([^']*)' is a file\."), r"“\1”是一个文件，需要目录"),
    (re.compile(r"(?:File|Directory|Path) '([^']*)' does not exist\."), r"“\1”不存在"),
    (
        re.compile(r"(?:File|Directory|Path) '([^']*)' is not readable\."),
        r"“\1”无法读取（没有权限）",
    ),
]


def chinese_click_message(message: str) -> str:
    for pattern, replacement in _CLICK_DETAILS:
        message = pattern.sub(replacement, message)
    for pattern, replacement in _CLICK_MESSAGES:
        if pattern.match(message):
            return pattern.sub(replacement, message)
    return message


class UserError(click.ClickException):
    """A Chinese message for the user, printed as ``错误：…``."""

    def show(self, file: Any = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


class _ChineseHelp:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        if isinstance(self, click.Group):
            kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            option.help = "显示本帮助并退出"
        return option

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        pieces = self.collect_usage_pieces(ctx)  # type: ignore[attr-defined]
        formatter.write_usage(ctx.command_path, " ".join(pieces), prefix="用法：")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        opts = [rv for p in self.get_params(ctx) if (rv := p.get_help_record(ctx))]  # type: ignore[attr-defined]
        if opts:
            with formatter.section("选项"):
                formatter.write_dl(opts)
        if isinstance(self, click.Group):
            self.format_commands(ctx, formatter)


class DocgenCommand(_ChineseHelp, click.Command):
    pass


class DocgenGroup(_ChineseHelp, click.Group):
    command_class = DocgenCommand
    group_class = type  # subgroups are DocgenGroup too

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            cmd = self.get_command(ctx, name)
            if cmd is not None and not cmd.hidden:
                rows.append((name, cmd.get_short_help_str(60)))
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"]}


class CaseNumber(click.ParamType):
    """A 案件编号 argument: trimmed and checked by the one rule (``docgen.caseno``)."""

    name = "案件编号"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from docgen import caseno

        value = caseno.clean(str(value))
        if bad := caseno.problem(value):
            self.fail(bad, param, ctx)
        return value


CASE_NO = CaseNumber()


def one_line_text(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback for names printed on papers: no control or bidi characters."""
    from docgen import chars

    if isinstance(value, str) and (bad := chars.problem(value, one_line=True)):
        raise click.BadParameter(bad, ctx, param)
    return value


def finite_number(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
    """Option callback: ``nan`` and ``inf`` pass click's FloatRange; refuse them here."""
    import math

    if isinstance(value, float) and not math.isfinite(value):
        raise click.BadParameter("不是有效的数字", ctx, param)
    return value


def workspace_option(f: F) -> F:
    return click.option(
        "-w",
        "--workspace",
        "workspace_path",
        type=click.Path(path_type=Path, file_okay=False),
        help="工作区目录（默认：环境变量 DOCGEN_WORKSPACE，或当前目录向上查找）",
    )(f)


def json_option(f: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="以 JSON 格式输出")(f)


def open_workspace(path: Path | None):  # type: ignore[no-untyped-def]
    """The command's own --workspace, else the one given before the command, else discovery."""
    from archive.workspace import Workspace

    if path is None:
        ctx = click.get_current_context(silent=True)
        path = ctx.find_root().params.get("workspace_path") if ctx else None
    return Workspace.find(path)


def handle_errors(f: F) -> F:
    """Turn DocgenError into a Chinese message with exit status 1."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return f(*args, **kwargs)
        except DocgenError as exc:
            raise UserError(exc.message) from None
        except OSError as exc:
            raise UserError(
                f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）"
            ) from None
        except Exception as exc:
            message = library_error_message(exc)
            if message is None:
                raise
            raise UserError(message) from None

    return wrapper  # type: ignore[return-value]


def library_error_message(exc: BaseException) -> str | None:
    """A Chinese message for a library's failure on bad input (corrupt XML, catalog, encoding)."""
    import sqlite3
    from xml.etree.ElementTree import ParseError

    import sqlalchemy.exc

    if isinstance(exc, ParseError | SyntaxError) and type(exc).__module__.startswith(
        ("xml", "lxml")
    ):
        return "文件中的 XML 内容无效：文件已损坏，或含有 XML 不允许的字符（如 &#11;），请用 Excel/WPS 打开后另存再试"
    if type(exc).__name__ == "DecompressionBombError":  # Pillow
        return "图像的像素数过大（疑似“解压炸弹”），已拒绝读取：请缩小分辨率后重试"
    if type(exc).__module__.startswith("defusedxml"):
        return "文件中的 XML 含有 DTD 或实体声明（Office 文件不会有），疑似恶意文件，已拒绝读取"
    if isinstance(exc, sqlalchemy.exc.DatabaseError | sqlite3.DatabaseError):
        detail = str(getattr(exc, "orig", None) or exc).lower()
        if "locked" in detail or "busy" in detail:
            return "案件目录数据库正被其他操作占用，请稍后重试"
        if any(s in detail for s in ("not a database", "malformed", "disk image", "corrupt")):
            return (
                "案件目录数据库（catalog.sqlite）无法读取：文件已损坏或不是数据库。"
                "请运行 docgen verify 检查，必要时从备份恢复"
            )
        return f"案件目录数据库操作失败（{type(exc).__name__}），操作未完成，请稍后重试"
    if isinstance(exc, UnicodeError):
        return "输入中含有无效的文字编码（不是有效的 UTF-8 或含有孤立的代理字符），请检查后重试"
    return None


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print a result: as JSON (one object, UTF-8, for scripts) or as text for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        text()
