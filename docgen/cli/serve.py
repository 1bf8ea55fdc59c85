"""docgen serve: the office web app on this workspace, served by uvicorn."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.cli.options import handle_errors, open_workspace, workspace_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（局域网内使用可设为 0.0.0.0）")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="端口")  # fmt: skip
@workspace_option
@handle_errors
def serve_command(host: str, port: int, workspace_path: Path | None) -> None:
    """启动网页版（登录后使用；用户由 docgen user add 添加）。"""
    import uvicorn

    from docgen.web import create_app

    ws = open_workspace(workspace_path)
    click.echo(f"网页版已启动：http://{host}:{port}/login （按 Ctrl+C 停止）")
    uvicorn.run(create_app(ws), host=host, port=port, log_level="warning", access_log=False)
