"""The ``docgen`` command line: one click group per noun, each command a thin wrapper."""

from __future__ import annotations

import logging
import os
import sys

import click

from docgen import __version__
from docgen.cli.attach import attach_command
from docgen.cli.case import case_group
from docgen.cli.demo import demo_command
from docgen.cli.dossier import dossier_group
from docgen.cli.export import export_command
from docgen.cli.fonts import fonts_group
from docgen.cli.init import init_command
from docgen.cli.ledger import ledger_group
from docgen.cli.numbers import numbers_command
from docgen.cli.options import (
    CONTEXT_SETTINGS,
    DocgenGroup,
    library_error_message,
    workspace_option,
)
from docgen.cli.paper import paper_group
from docgen.cli.report import report_group
from docgen.cli.seal import seal_group
from docgen.cli.search import index_group, search_command
from docgen.cli.serve import serve_command
from docgen.cli.user import user_group
from docgen.cli.verify import verify_command
from docgen.errors import DocgenError


@click.group(cls=DocgenGroup, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", message="docgen %(version)s", help="显示版本号并退出"
)
@workspace_option
def cli(workspace_path: object) -> None:
    """docgen：信访积案文书工具（台账、公文、六有卷宗、签章、全文检索）。"""


for command in (
    init_command,
    ledger_group,
    case_group,
    paper_group,
    numbers_command,
    report_group,
    attach_command,
    dossier_group,
    seal_group,
    verify_command,
    export_command,
    search_command,
    index_group,
    fonts_group,
    demo_command,
    user_group,
    serve_command,
):
    cli.add_command(command)


def _configure_logging() -> None:
    """Our modules log Chinese notes for the user; libraries' internal chatter stays out."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("提示：%(message)s"))
    logging.getLogger("docgen").addHandler(handler)
    logging.getLogger("docgen").propagate = False
    for noisy in ("pypdf", "fontTools", "weasyprint", "pyhanko"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _bad_argument() -> str | None:
    """Invalid UTF-8 in an argument arrives as lone surrogates (U+DC80–U+DCFF): refuse it here."""
    for n, arg in enumerate(sys.argv[1:], start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            return (
                f"第 {n} 个参数含有无效的文字编码（不是有效的 UTF-8 或含有孤立的代理字符）："
                "请检查输入法或终端编码；文件名请改为 UTF-8 编码"
            )
    return None


def main() -> None:
    """The CLI's one error boundary: every failure leaves as a Chinese message, never a traceback."""
    _configure_logging()
    if bad := _bad_argument():
        click.echo(f"错误：{bad}", err=True)
        sys.exit(2)
    try:
        cli.main(standalone_mode=False, prog_name="docgen")
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"错误：{exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        click.echo("已中断", err=True)
        sys.exit(130)
    except BrokenPipeError:  # the reader went away (``docgen … | head``): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # Python's own flush at exit would fail again
        sys.exit(141)  # 128 + SIGPIPE, as a tool killed by the signal reports
    except DocgenError as exc:  # a command without @handle_errors
        click.echo(f"错误：{exc.message}", err=True)
        sys.exit(1)
    except Exception as exc:  # the last line: no traceback reaches a user
        if os.environ.get("DOCGEN_DEBUG"):
            raise
        message = library_error_message(exc) or (
            f"程序内部错误（{type(exc).__name__}），操作未完成。请把所用命令报告给维护人员"
            "（设置环境变量 DOCGEN_DEBUG=1 可显示详细信息）"
        )
        click.echo(f"错误：{message}", err=True)
        sys.exit(1)
