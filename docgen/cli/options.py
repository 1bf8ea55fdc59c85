"""Shared CLI pieces: Chinese help (catalog, metavars, layout), the shared options, error
translation, values for people (``shown``, ``record_lines``) and progress bars (``progress``).

Every command spells the shared options the same way, and every expected failure (a DocgenError)
becomes a Chinese message and a non-zero exit, never a traceback (with ``--json``, a JSON object
carrying the error's ``code``).
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
import re
import sqlite3
import sys
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from gettext import gettext
from pathlib import Path
from typing import Any, TypeVar

import click

from docgen.cli.catalog import install_catalog
from docgen.errors import DocgenError

F = TypeVar("F", bound=Callable[..., Any])
Progress = Callable[..., None]

install_catalog()


class UserError(click.ClickException):
    """A Chinese message for the user, printed as ``错误：…``; with ``--json``, as a JSON object
    ``{"code": …, "错误": …}`` on standard output (``code`` is the stable English identifier)."""

    def __init__(self, message: str, *, code: str = "usage", as_json: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.as_json = as_json

    def show(self, file: Any = None) -> None:
        if self.as_json:
            click.echo(json.dumps({"code": self.code, "错误": self.format_message()},
                                  ensure_ascii=False, indent=2))  # fmt: skip
        else:
            click.echo(f"错误：{self.format_message()}", err=True)


class DateType(click.ParamType):
    """A date as the ledger takes it: 2024-7-1, 2024.7.1, 2024/7/1, 2024年7月1日, 20240701."""

    name = "日期"

    def get_metavar(self, param: click.Parameter, ctx: click.Context) -> str:
        return "日期"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, dt.date):
            return value.date() if isinstance(value, dt.datetime) else value
        from docgen.ledger.parse import parse_date  # the ledger's rules: only when a date is given

        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


DATE = DateType()

# click names its basic types in English ("text", "integer"): the name is the metavar and appears
# in messages such as "'abc' 不是有效的integer", so each command's parameters get Chinese-named
# copies (see ``chinese_params``).
_TYPE_NAMES: list[tuple[type[click.ParamType], str]] = [
    (click.types.BoolParamType, "是否"),
    (click.types.IntParamType, "整数"),
    (click.types.FloatParamType, "数值"),
    (click.types.StringParamType, "文本"),
    (click.types.UUIDParameterType, "编号"),
    (click.File, "文件"),
]


def _chinese_type(ptype: click.ParamType) -> click.ParamType:
    if isinstance(ptype, click.Path):
        name = "文件" if not ptype.dir_okay else "目录" if not ptype.file_okay else "路径"
    else:
        name = next((n for cls, n in _TYPE_NAMES if isinstance(ptype, cls)), ptype.name)
    if name == ptype.name:
        return ptype
    renamed = copy.copy(ptype)  # never rename click's shared instances (click.STRING, ...)
    renamed.name = name
    return renamed


# Arguments are named by what they hold; click would show the Python name (CASE_NO).
ARGUMENTS: dict[str, tuple[str, str]] = {
    "case_no": ("案件编号", "案件编号，如 XF2024-0001"),
    "case_nos": ("案件编号", "一个或多个案件编号"),
    "file": ("文件", "文件路径"),
    "directory": ("目录", "目录路径"),
    "query": ("检索式", "检索的词语或条件"),
    "docx": ("文件.docx", "Word 文件"),
    "template": ("模板.docx", "文书模板（Word 文件）"),
    "type_name": ("类型", "文书类型，见 docgen paper types"),
}


def _argument_metavar(param: click.Argument) -> str:
    name = ARGUMENTS.get(param.name or "", ("", ""))[0] or _chinese_type(param.type).name
    if not param.required:
        name = f"[{name}]"
    return f"{name}..." if param.nargs != 1 else name


def chinese_params(command: click.Command) -> None:
    """Chinese usage pieces and metavars for ``command`` (and a group's subcommands)."""
    if command.context_class is click.Context:
        command.context_class = DocgenContext
    if command.options_metavar == "[OPTIONS]":
        command.options_metavar = "[选项]"
    if isinstance(command, click.Group) and command.subcommand_metavar:
        words = {"COMMAND": "命令", "ARGS": "参数"}
        for english, chinese in words.items():
            command.subcommand_metavar = command.subcommand_metavar.replace(english, chinese)
    for param in command.params:
        param.type = _chinese_type(param.type)
        text = isinstance(param.type, click.types.StringParamType)
        if isinstance(param, click.Option) and param.metavar is None and text:
            param.metavar = ARGUMENTS.get(param.name or "", (None,))[0]
        if isinstance(param, click.Argument):
            if param.metavar is None:
                param.metavar = _argument_metavar(param)
            if param.help is None:  # "" still lists the argument under 参数
                param.help = ARGUMENTS.get(param.name or "", ("", ""))[1]
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            chinese_params(sub)


def display_width(text: str) -> int:
    """Terminal columns: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# keep ASCII runs (options, codes) and help extras ([必填]) whole
_WRAP_TOKEN = re.compile(r"\[[^\]\s]{1,12}\]|[!-~]+|\s+|.")


_NO_LINE_START = set("，。、；：？！）》」』”’")


def wrap_columns(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (Chinese breaks anywhere, ASCII at spaces)."""
    lines, line = [], ""
    for token in _WRAP_TOKEN.findall(" ".join(text.split())):
        if line and display_width(line + token) > width and token not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = "" if token.isspace() else token
        else:
            line += token
    return [*lines, line.rstrip()] if line.strip() else lines or [""]


class ChineseFormatter(click.HelpFormatter):
    """click's help layout measured in terminal columns, with full-width colons on headings."""

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{heading}：\n")

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        width = max(self.width - self.current_indent, 20)
        for paragraph in text.split("\n\n"):
            for line in wrap_columns(paragraph, width):
                self.write(f"{indent}{line}\n")

    def write_dl(self, rows: Any, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((display_width(term) for term, _ in rows), default=0), col_max)
        text_at = self.current_indent + first + col_spacing
        width = max(self.width - text_at, 20)
        for term, text in rows:
            self.write(f"{'':>{self.current_indent}}{term}")
            if not text:
                self.write("\n")
                continue
            if display_width(term) > first:
                self.write("\n" + " " * text_at)
            else:
                self.write(" " * (first - display_width(term) + col_spacing))
            lines = wrap_columns(text, width)
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{text_at}}{line}\n")


class DocgenContext(click.Context):
    formatter_class = ChineseFormatter


class _ChineseHelp:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chinese_params(self)  # type: ignore[arg-type]


class DocgenCommand(_ChineseHelp, click.Command):
    pass


class DocgenGroup(_ChineseHelp, click.Group):
    """Subcommands (whatever their class) get Chinese metavars when added."""

    command_class = DocgenCommand
    group_class = type  # subgroups are DocgenGroup too

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        chinese_params(cmd)
        super().add_command(cmd, name)


class LazyGroup(DocgenGroup):
    """A group whose commands are imported when first used (click's documented LazyGroup
    pattern): ``docgen --help`` and each command pay only for the modules they need.

    ``lazy`` maps a command name to ``("module:attribute", short help)``; the short help lists
    the command in the group's help without importing it (a test keeps it equal to the
    command's own). ``list_commands``/``get_command`` (click's API) give every command."""

    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = dict(lazy)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            import importlib

            module, _, attribute = self.lazy[cmd_name][0].partition(":")
            self.add_command(getattr(importlib.import_module(module), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """click's listing, with the short help of a command not yet imported from ``lazy``."""
        names = [n for n in self.list_commands(ctx) if n in self.commands or n in self.lazy]
        shown = [n for n in names if n not in self.commands or not self.commands[n].hidden]
        if not shown:
            return
        limit = formatter.width - 6 - max(len(n) for n in shown)
        rows = []
        for name in shown:
            if name in self.commands:
                rows.append((name, self.commands[name].get_short_help_str(limit)))
            else:
                stand_in = click.Command(name, help=self.lazy[name][1])  # click's own shortening
                rows.append((name, stand_in.get_short_help_str(limit)))
        with formatter.section(gettext("Commands")):  # click's heading, from the catalog
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
    from docgen.archive.workspace import Workspace

    ctx = click.get_current_context(silent=True)
    if path is None:
        path = ctx.find_root().params.get("workspace_path") if ctx else None
    ws = Workspace.find(path)
    if ctx is not None:  # the catalog's connections close with the command (a server's too)
        ctx.call_on_close(ws.close)
    return ws


def date_option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    """A date option written as the ledger takes dates (2024-7-1, 2024.7.1, 2024年7月1日)."""
    return click.option(*decls, type=DATE, **attrs)


def handle_errors(f: F) -> F:
    """Turn DocgenError into a Chinese message with exit status 1 (with ``--json``: a JSON object
    carrying the error's ``code``)."""

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        as_json = bool(kwargs.get("as_json"))
        try:
            return f(*args, **kwargs)
        except UserError as exc:
            exc.as_json = exc.as_json or as_json
            raise
        except DocgenError as exc:
            raise UserError(exc.message, code=exc.code, as_json=as_json) from None
        except BrokenPipeError:
            raise  # not a file problem: the reader of our output went away (see cli.main)
        except OSError as exc:
            raise UserError(
                f"文件操作失败：{exc.strerror or exc}（{exc.filename or ''}）",
                code="file",
                as_json=as_json,
            ) from None
        except Exception as exc:  # a library's failure on bad input, or a damaged catalog
            message = library_error_message(exc)
            if message is None:
                raise
            from sqlalchemy.exc import DatabaseError

            code = "catalog" if isinstance(exc, DatabaseError | sqlite3.DatabaseError) else "input"
            raise UserError(message, code=code, as_json=as_json) from None

    return wrapper  # type: ignore[return-value]


def library_error_message(exc: BaseException) -> str | None:
    """A Chinese message for a library's failure on bad input (corrupt XML, catalog, encoding)."""
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
        from docgen.archive.workspace import catalog_problem  # the one rule for catalog failures

        return catalog_problem(exc)
    if isinstance(exc, UnicodeError):
        return "输入中含有无效的文字编码（不是有效的 UTF-8 或含有孤立的代理字符），请检查后重试"
    return None


def emit(data: Any, as_json: bool, text: Callable[[], None]) -> None:
    """Print a result: as JSON (one object, UTF-8, for scripts) or as text for people."""
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value))
    else:
        text()


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


# --- values as a clerk writes them ---------------------------------------------------------------

EMPTY = "—"


def shown(value: Any) -> str:
    """One value for people: 是/否, 2024年10月8日, lists joined with 、, nothing as —."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        from docgen.dates import cn_date

        if isinstance(value, dt.datetime):
            return f"{cn_date(value.date())} {value:%H:%M}"
        return cn_date(value)
    if isinstance(value, dict):
        return "，".join(f"{k}：{shown(v)}" for k, v in value.items() if not _blank(v))
    if isinstance(value, list | tuple | set):
        return "、".join(shown(v) for v in value)
    return str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def record_lines(data: dict[str, Any], indent: str = "") -> list[str]:
    """A record as ``键：值`` lines; nested records and lists of records as indented lines;
    empty fields are left out."""
    lines: list[str] = []
    for key, value in data.items():
        if _blank(value):
            continue
        if isinstance(value, dict):
            lines.append(f"{indent}{key}：")
            lines += record_lines(value, indent + "  ")
        elif isinstance(value, list | tuple) and any(isinstance(v, dict) for v in value):
            lines.append(f"{indent}{key}：")
            for item in value:
                if isinstance(item, dict):
                    fields = (f"{k}：{shown(v)}" for k, v in item.items() if not _blank(v))
                    lines.append(f"{indent}  " + "  ".join(fields))
                else:
                    lines.append(f"{indent}  {shown(item)}")
        else:
            lines.append(f"{indent}{key}：{shown(value)}")
    return lines


# --- progress ------------------------------------------------------------------------------------


def _on_terminal() -> bool:
    return all(stream is not None and stream.isatty() for stream in (sys.stdout, sys.stderr))


class _Bars:
    """``advance(done, total, stage)``: one click progress bar per stage (a new one starts when
    the total changes or the count starts again at 0), each with counts and the time left."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.bar: Any = None

    def __call__(self, done: int, total: int | None = None, stage: str = "") -> None:
        bar = self.bar
        if bar is None or (total is not None and total != bar.length) or (done == 0 < bar.pos):
            self.close()
            label = f"{self.label}：{stage}" if stage else self.label
            bar = self.bar = click.progressbar(length=max(total or 1, 1), label=label,
                                               show_pos=True, show_eta=True, file=sys.stderr)  # fmt: skip
            bar.__enter__()
        elif stage:
            bar.label = f"{self.label}：{stage}"
        bar.update(done - bar.pos)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@contextmanager
def progress(label: str, *, as_json: bool = False) -> Iterator[Progress]:
    """Progress bars on standard error for long work, with counts and an estimate of the time
    left; quiet (nothing printed at all) with ``--json`` or when the output is not a terminal.

    Yields ``advance(done, total=None, stage="")``, the callback the domain functions take."""
    if as_json or not _on_terminal():
        yield lambda done, total=None, stage="": None
        return
    bars = _Bars(label)
    try:
        yield bars
    finally:
        bars.close()
