"""The ``docgen`` command line: one click group per noun, each command a thin wrapper."""

from __future__ import annotations

import logging
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
from docgen.cli.options import (
    CONTEXT_SETTINGS,
    DocgenGroup,
    chinese_click_message,
    workspace_option,
)
from docgen.cli.paper import paper_group
from docgen.cli.seal import seal_group
from docgen.cli.search import index_group, search_command
from docgen.cli.serve import serve_command
from docgen.cli.user import user_group
from docgen.cli.verify import verify_command


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


def main() -> None:
    _configure_logging()
    try:
        cli.main(standalone_mode=False, prog_name="docgen")
    except click.exceptions.Abort:
        click.echo("已取消", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        if exc.ctx is not None:
            click.echo(exc.ctx.get_usage(), err=True)
        click.echo(f"错误：{chinese_click_message(exc.format_message())}", err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except SystemExit:
        raise
