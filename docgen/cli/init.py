"""docgen init: create a workspace."""

from __future__ import annotations

from pathlib import Path

import click

from docgen.archive.settings import RETENTION_CODES, SEARCH_BACKENDS, Settings
from docgen.archive.workspace import Workspace, who_can_read
from docgen.cli.options import DocgenCommand, handle_errors


@click.command("init", cls=DocgenCommand)
@click.argument("directory", type=click.Path(path_type=Path, file_okay=False),
                help="新工作区的目录（不存在或为空）")  # fmt: skip
@click.option("--org", required=True, help="机关名称，如：某区信访局")
@click.option("--code", default="信访", show_default=True, help="发文代字，如：某信交")
@click.option("--fonds", default="0001", show_default=True, help="全宗号（档号第一段）")
@click.option("--unit-code", default="XFB", show_default=True, help="机构（问题）代码")
@click.option("--signer", default="", metavar="姓名",
              help="报联席办的月报、进展报告的签发人（默认不设，生成时可用 --set 签发人=… 指定）")  # fmt: skip
@click.option("--retention", type=click.Choice(list(RETENTION_CODES)), default="永久",
              show_default=True, help="默认保管期限")  # fmt: skip
@click.option("--search-backend", type=click.Choice(SEARCH_BACKENDS), default="tantivy",
              show_default=True, help="检索后端（tantivy 更快，见 docs/architecture.md）")  # fmt: skip
@click.option("--catalog-url", envvar="DOCGEN_CATALOG_URL", metavar="地址",
              help="案件目录放在数据库服务器上时，该数据库的地址（写法见 README.md；也可设环境变量 "
                   "DOCGEN_CATALOG_URL；口令不写进地址，用 .pgpass 文件或口令环境变量提供）；"
                   "默认：工作区内的目录数据库文件 catalog.sqlite")  # fmt: skip
@handle_errors
def init_command(
    directory: Path,
    org: str,
    code: str,
    fonds: str,
    unit_code: str,
    signer: str,
    retention: str,
    search_backend: str,
    catalog_url: str | None,
) -> None:
    """新建工作区：设置文件、案件目录数据库、档案目录和索引目录。"""
    settings = Settings(
        org=org, code=code, fonds=fonds, org_unit_code=unit_code, retention=retention,
        search_backend=search_backend, catalog_url=catalog_url or None, signer=signer,
    )  # fmt: skip
    ws = Workspace.init(directory, settings)
    click.echo(f"已新建工作区：{ws.root}")
    click.echo(f"  机关名称：{org}    发文代字：{code}    全宗号：{fonds}")
    click.echo(f"  {who_can_read(ws.root)}")
    if ws.settings.catalog_url:
        click.echo(f"  案件目录数据库：{ws.settings.catalog_url}")
    click.echo(f"  下一步：docgen -w {directory} ledger import 台账.xlsx")
    ws.close()
