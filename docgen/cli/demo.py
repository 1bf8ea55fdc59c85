"""docgen demo: build the sample workspace and show what it made."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.options import DocgenCommand, handle_errors


@click.command("demo", cls=DocgenCommand)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False),
                default="demo-workspace", help="演示工作区的目录（默认 demo-workspace）")  # fmt: skip
@handle_errors
def demo_command(directory: Path) -> None:
    """用内置样例台账（约 30 件虚构案件）建一个演示工作区，走一遍主要流程。"""
    from docgen.demo import run_demo

    run_demo(directory, click.echo)
    click.echo(f"演示完成。工作区：{directory.resolve()}")
