"""The ``docgen`` command line: one click group per noun, each command a thin wrapper."""

from __future__ import annotations

import gc
import logging
import os
import sys

import click

from docgen import __version__
from docgen.cli.options import CONTEXT_SETTINGS, LazyGroup, library_error_message, workspace_option
from docgen.errors import DocgenError

#: Each command's module, imported only when the command runs (or its own help is asked for),
#: and its short help for ``docgen --help`` (tests/test_cli_startup.py keeps it equal to the
#: command's own).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("docgen.cli.init:init_command",
             "新建工作区：设置文件、案件目录数据库、档案目录和索引目录。"),
    "ledger": ("docgen.cli.ledger:ledger_group", "台账导入与导出。"),
    "case": ("docgen.cli.case:case_group", "案件查询与登记。"),
    "paper": ("docgen.cli.paper:paper_group",
              "生成公文文书（.docx 与 PDF）：交办函、督办函、处理意见书等。"),
    "numbers": ("docgen.cli.numbers:numbers_command",
                "发文登记簿：文号、成文日期、文书、案件编号、状态（有效 / 已更正 / 作废），按文号顺序。"),
    "report": ("docgen.cli.report:report_group",
               "统计报表：月报统计表与月报、四次进展报告、督查督办情况、领导包案情况。"),
    "attach": ("docgen.cli.attach:attach_command",
               "附加扫描件、签字 PDF、图片或 Word 文件到案件（按内容识别类型）。"),
    "dossier": ("docgen.cli.dossier:dossier_group", "六有卷宗：完整性检查与组卷。"),
    "seal": ("docgen.cli.seal:seal_group",
             "单位印章与签章密钥：制作或登记印章，生成或导入密钥对。"),
    "verify": ("docgen.cli.verify:verify_command",
               "核验数字签名；不指定文件时核验整个工作区（每个存档文件的 SHA-256 和每个签名）。"),
    "export": ("docgen.cli.export:export_command",
               "生成上报材料包：各案最新的盖章卷宗、报送函、带 SHA-256 的文件清单。"),
    "search": ("docgen.cli.search:search_command", '全文检索：词语、"短语"、AND/OR/NOT、字段:值。'),
    "index": ("docgen.cli.search:index_group", "检索索引维护。"),
    "fonts": ("docgen.cli.fonts:fonts_group",
              "报告各排版角色（标题、正文、各级标题、页码）实际使用的字体。"),
    "demo": ("docgen.cli.demo:demo_command",
             "用内置样例台账（约 30 件虚构案件）建一个演示工作区，走一遍主要流程。"),
    "user": ("docgen.cli.user:user_group", "网页版用户：添加、列出、停用。"),
    "serve": ("docgen.cli.serve:serve_command",
              "启动网页版（登录后使用；用户由 docgen user add 添加）。"),
}  # fmt: skip

#: The cyclic collector's full passes come once per this many passes of the middle generation
#: (Python's default: 10). A command's start-up loads 400–1,000 modules, some 10^5 objects that
#: live as long as the process and that every full pass walks again: 20–70 ms a pass, one in
#: ``case list`` and ``search``, two or three in ``paper make`` (bench/cli.py). A command's own
#: short-lived garbage is still freed by the young passes, and full passes still come, later;
#: ``docgen serve``, which runs for days, puts Python's default back (``default_collector``).
FULL_PASS_EVERY = 100
_DEFAULT_THRESHOLDS = gc.get_threshold()


def fewer_full_collections() -> None:
    """The command line's setting (``FULL_PASS_EVERY``), made first thing in ``main``."""
    young, middle, _ = _DEFAULT_THRESHOLDS
    gc.set_threshold(young, middle, FULL_PASS_EVERY)


def default_collector() -> None:
    """Python's own setting, for a long-running command."""
    gc.set_threshold(*_DEFAULT_THRESHOLDS)


@click.group(cls=LazyGroup, lazy=COMMANDS, context_settings=CONTEXT_SETTINGS)
@click.version_option(
    __version__, "--version", message="docgen %(version)s", help="显示版本号并退出"
)
@workspace_option
def cli(workspace_path: object) -> None:
    """docgen：信访积案文书工具（台账、公文、六有卷宗、签章、全文检索）。"""


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
    fewer_full_collections()
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
