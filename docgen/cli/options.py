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


def chinese_click_message(message: str) -> str:
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

    ctx = click.get_current_context(silent=True)
    if path is None:
        path = ctx.find_root().params.get("workspace_path") if ctx else None
    ws = Workspace.find(path)
    if ctx is not None:  # the catalog's connections close with the command (a server's too)
        ctx.call_on_close(ws.close)
    return ws


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
            if message := _catalog_failure(exc):
                raise UserError(message) from None
            raise

    return wrapper  # type: ignore[return-value]


def _catalog_failure(exc: Exception) -> str | None:
    """A Chinese message for a catalog that is busy or gone (SQLite locked past its busy
    timeout, a PostgreSQL server restarted or unreachable); None for anything else."""
    from sqlalchemy.exc import OperationalError

    if not isinstance(exc, OperationalError):
        return None
    detail = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else ""
    if "locked" in detail:
        return "案件目录数据库正忙（其他用户的写入超过 60 秒未完成），本次操作未保存，请稍后重试"
    return f"案件目录数据库连接失败或中断，本次操作未保存：{detail}"


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print a result: as JSON (one object, UTF-8, for scripts) or as text for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
    else:
        text()
