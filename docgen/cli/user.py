"""docgen user add|list|disable: who may sign in to the web app (``docgen serve``)."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.archive.users import ROLES, add_user, disable_user, list_users
from docgen.cli.options import (
    DocgenGroup,
    emit,
    handle_errors,
    json_option,
    open_workspace,
    workspace_option,
)
from docgen.cli.seal import read_passphrase


@click.group("user", cls=DocgenGroup)
def user_group() -> None:
    """网页版用户：添加、列出、停用。"""


@user_group.command("add")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(ROLES), help="角色")
@click.option("--password-env", metavar="变量名",
              help="从该环境变量读取密码（供脚本使用；不指定则交互输入，输入不回显）")  # fmt: skip
@workspace_option
@handle_errors
def add_command(
    name: str, role: str, password_env: str | None, workspace_path: Path | None
) -> None:
    """添加用户（密码以 argon2 散列保存）。"""
    ws = open_workspace(workspace_path)
    password = read_passphrase(password_env, confirm=not password_env, label="密码")
    with ws.session() as session:
        info = add_user(session, name, role, password)
        ws.audit("user-add", target=info.name, detail=info.role, session=session)
    click.echo(f"已添加用户 {info.name}（{info.role}）")


@user_group.command("list")
@workspace_option
@json_option
@handle_errors
def list_command(workspace_path: Path | None, as_json: bool) -> None:
    """列出用户及其角色、状态。"""
    ws = open_workspace(workspace_path)
    with ws.session() as session:
        rows = [u.as_dict() for u in list_users(session)]

    def text() -> None:
        for r in rows:
            click.echo(f"{r['用户名']}  {r['角色']}  {r['状态']}")
        click.echo(f"共 {len(rows)} 个用户")

    emit(rows, as_json, text)


@user_group.command("disable")
@click.argument("name")
@workspace_option
@handle_errors
def disable_command(name: str, workspace_path: Path | None) -> None:
    """停用用户（不能再登录；审计记录保留）。"""
    ws = open_workspace(workspace_path)
    with ws.session() as session:
        disable_user(session, name)
        ws.audit("user-disable", target=name, session=session)
    click.echo(f"已停用用户 {name}")
