"""An office's own paper type: scaffold a declaration and a template copy from an existing type,
and check both (``docgen paper new-type`` / ``docgen paper check``).

Values in, files out: the caller gives the folder (a workspace's ``templates/``).
"""

from __future__ import annotations

import re
from pathlib import Path

from docgen import atomic, chars
from docgen.errors import ValidationError
from docgen.papers.check import Problem, check_template
from docgen.papers.fill import resolve_template
from docgen.papers.registry import (
    DECLARATION_SUFFIX,
    PaperType,
    get_paper_type,
    paper_types,
    read_declaration,
)

#: Properties that tie a bundled type to the case's life (交办, 回访, 送达, 答复, 延期): a new type
#: starts without them; an administrator sets them in the declaration deliberately.
_LIFE_KEYS = ("aliases", "event", "assignment", "records_visit", "service_receipt", "reply",
              "extension", "before_acceptance")  # fmt: skip
_NAME_SHAPE = re.compile(r"^[\w（）()·]+$")
HEADER = """\
# 文书类型声明：{name}（由“{source}”复制，请按需修改；模板为同目录的 {template}）。
# name 类型名称；variant 格式（document 公文 / letter 信函 / minutes 纪要 / form 表格）；
# section 六有分类（1–6）；code_suffix 文号代字后缀（不写则无文号）；title 题名（可用 {{信访人}} 等）；
# issuer 发文机关（org 信访机构 / unit 责任单位 / leader_organ 包案领导所在机关）；addressee 主送；
# case_fields 使用的案件字段；[[fields]] 填写的字段：label 名称、kind 类型（text 文本 / long 长文本 /
# date 日期 / datetime 日期时间 / choice 选项 / number 数字）、choices 可选值、max_chars 长度上限、
# required 是否必填、default 默认值。改完后运行：docgen paper check {name}
"""


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or not _NAME_SHAPE.match(name) or chars.problem(name, one_line=True):
        raise ValidationError(f"文书类型名称“{name}”无效：只能由汉字、字母、数字和括号组成")
    if len(name) > 32:
        raise ValidationError(f"文书类型名称过长（{len(name)} 字，最多 32 字）")
    return name


def _declaration_text(source: PaperType, name: str, template: str) -> str:
    text = Path(source.source).read_text("utf-8")
    lines: list[str] = []
    top = True  # before the first [[fields]]: the type's own keys
    for line in text.splitlines():
        top = top and not line.startswith("[")
        key = line.split("=", 1)[0].strip() if top and "=" in line else ""
        if top and line.startswith("#"):
            continue  # the source's own comments
        if key in _LIFE_KEYS:
            continue
        if key == "name":
            line = f"name = {_quote(name)}"
        elif key == "template":
            line = f"template = {_quote(template)}"
        lines.append(line)
    if not any(line.startswith("template") for line in lines):
        at = next(i for i, line in enumerate(lines) if line.startswith("name")) + 1
        lines.insert(at, f"template = {_quote(template)}")
    body = "\n".join(lines).lstrip("\n")
    header = HEADER.format(name=name, source=source.name, template=template)
    return header + "\n" + body + "\n"


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def scaffold_type(folder: Path, name: str, source_name: str) -> tuple[Path, Path]:
    """Write ``folder/NAME.toml`` (the source type's declaration, renamed) and ``folder/NAME.docx``
    (a copy of its template, as the workspace uses it); → the two paths. Refuses an existing
    type name or file; writes nothing on any error."""
    name = _check_name(name)
    types = paper_types(folder)
    source = get_paper_type(source_name, folder)
    if name in types or any(name in p.aliases for p in types.values()):
        raise ValidationError(f"文书类型“{name}”已存在，请换一个名称")
    declaration, template = folder / f"{name}{DECLARATION_SUFFIX}", folder / f"{name}.docx"
    for path in (declaration, template):
        if path.exists():
            raise ValidationError(f"{path.name} 已存在，未覆盖")
    text = _declaration_text(source, name, template.name)
    folder.mkdir(parents=True, exist_ok=True)
    template_bytes = resolve_template(source.template, folder).read_bytes()
    atomic.write_bytes(template, template_bytes)
    try:
        atomic.write_text(declaration, text)
        read_declaration(declaration)  # what we wrote reads back
    except BaseException:
        template.unlink(missing_ok=True)
        declaration.unlink(missing_ok=True)
        raise
    return declaration, template


def check_type(name: str, folder: Path | None) -> tuple[PaperType, Path, list[Problem]]:
    """The type ``name`` (its declaration read, so a broken one raises), its template and the
    template's problems against the declaration."""
    paper = get_paper_type(name, folder)
    template = resolve_template(paper.template, folder)
    return paper, template, check_template(template, paper)
