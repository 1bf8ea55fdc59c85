"""docgen serve: the office web app on this workspace, served by uvicorn."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import click

from docgen.cli.options import UserError, handle_errors, open_workspace, workspace_option


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="监听地址（局域网内使用可设为 0.0.0.0）")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535),
              help="端口")  # fmt: skip
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 32),
              help="工作进程数（多人同时使用时可设为处理器核数）")  # fmt: skip
@workspace_option
@handle_errors
def serve_command(host: str, port: int, workers: int, workspace_path: Path | None) -> None:
    """启动网页版（登录后使用；用户由 docgen user add 添加）。"""
    import uvicorn

    from docgen.cli import default_collector
    from docgen.web import create_app
    from docgen.web.app import WORKSPACE_ENV

    default_collector()  # the command line's start-up setting is for short runs
    ws = open_workspace(workspace_path)
    click.echo(f"网页版已启动：http://{host}:{port}/login （按 Ctrl+C 停止）")
    options = {"host": host, "port": port, "log_level": "warning", "access_log": False}
    if workers == 1:
        uvicorn.run(create_app(ws), **options)
        return
    # each worker process opens the workspace itself (the app factory reads where from the env)
    os.environ[WORKSPACE_ENV] = str(ws.root)
    ws.close()
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config("docgen.web.app:app_from_env", factory=True, workers=workers,
                            **options)  # type: ignore[arg-type]  # fmt: skip
    Multiprocess(config, sockets=[listening_socket(host, port)]).run()


def listening_socket(host: str, port: int) -> socket.socket:
    """The shared socket of the worker processes. uvicorn's own has protocol 0, so asyncio does
    not set TCP_NODELAY on its connections and every response waits ~40 ms for a delayed ACK;
    this one is a real TCP socket, and its connections inherit TCP_NODELAY too."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise UserError(f"无法监听 {host}:{port}：{exc.strerror or exc}") from None
    sock.set_inheritable(True)
    return sock
