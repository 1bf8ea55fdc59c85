"""Workspace settings: the ``docgen.json`` file at the root of a workspace ↔ ``Settings``; the
workspace's vocabularies (``vocabulary.json`` beside it, ``load_vocabularies``)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING

from docgen import atomic, caseno, chars
from docgen.errors import ValidationError, WorkspaceError
from docgen.memo import FileMemo
from docgen.vocab import VOCAB_FILE, Vocabularies

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace

SETTINGS_FILE = "docgen.json"
RETENTION_CODES = {"永久": "Y", "30年": "D30", "10年": "D10"}
MAX_ORG_CHARS = 64  # 机关名称 is printed in every paper's 发文机关标志
SEARCH_BACKENDS = ("tantivy", "whoosh")  # the names index.open_index accepts
MAX_SIGNER_CHARS = 32  # 签发人: one or two names


def signer_problem(signer: str) -> str | None:
    """Why ``signer`` cannot be printed as the 签发人 (None: it can)."""
    if bad := chars.problem(signer, one_line=True):
        return f"签发人{bad}"
    if len(signer) > MAX_SIGNER_CHARS:
        return f"签发人过长（{len(signer)} 字，最多 {MAX_SIGNER_CHARS} 字）"
    return None


@dataclass
class Settings:
    org: str  # 机关名称
    code: str = "信访"  # 发文代字
    fonds: str = "0001"  # 全宗号
    org_unit_code: str = "XFB"  # 机构(问题)代码 in the 档号
    retention: str = "永久"  # default 保管期限
    catalog_url: str | None = None  # None → the workspace's own SQLite file
    search_backend: str = "tantivy"  # index.BACKENDS: "tantivy" (default) or "whoosh"
    schema: int = 1
    #: 责任单位 → its own 发文代字, for papers a unit issues (查办报告): 某区人社局 → 某人社
    unit_codes: dict[str, str] = field(default_factory=dict)
    #: 签发人 of the office's 上行文 (月报 and 进展报告 to the 联席办); "" → given per report
    signer: str = ""

    @classmethod
    def load(cls, root: Path) -> Settings:
        path = root / SETTINGS_FILE
        try:
            data = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:
            raise WorkspaceError(f"{root} 不是 docgen 工作区（缺少 {SETTINGS_FILE}）") from None
        except json.JSONDecodeError as exc:
            raise WorkspaceError(f"工作区设置文件 {SETTINGS_FILE} 已损坏：{exc.msg}") from None
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise WorkspaceError(f"工作区设置文件含未知字段：{'、'.join(unknown)}")
        # A settings file written before the backend was a setting was made for whoosh: keep it.
        data.setdefault("search_backend", "whoosh")
        if not data.get("org"):
            raise WorkspaceError("工作区设置缺少机关名称（org）")
        settings = cls(**data)
        settings.check()
        return settings

    def __post_init__(self) -> None:
        self.org = self.org.strip()
        self.code = caseno.clean(self.code)
        self.fonds = caseno.clean(self.fonds)
        self.org_unit_code = caseno.clean(self.org_unit_code)
        self.signer = (self.signer or "").strip()

    def check(self) -> None:
        if bad := chars.problem(self.org, one_line=True):
            raise WorkspaceError(f"机关名称{bad}")
        if len(self.org) > MAX_ORG_CHARS:
            raise WorkspaceError(f"机关名称过长（{len(self.org)} 字，最多 {MAX_ORG_CHARS} 字）")
        for bad in (
            caseno.code_problem(self.code),
            caseno.fonds_problem(self.fonds),
            caseno.fonds_problem(self.org_unit_code, "机构（问题）代码", "XFB"),
        ):
            if bad:
                raise WorkspaceError(bad)
        if bad := signer_problem(self.signer):
            raise WorkspaceError(bad)
        if not isinstance(self.unit_codes, dict):
            raise WorkspaceError("工作区设置 unit_codes 应为 单位名称: 发文代字 的表")
        for unit, code in self.unit_codes.items():
            if bad := caseno.code_problem(str(code)):
                raise WorkspaceError(f"单位“{unit}”的{bad}")
        if self.retention not in RETENTION_CODES:
            raise WorkspaceError(
                f"保管期限“{self.retention}”无效，可选：{'、'.join(RETENTION_CODES)}"
            )
        if self.search_backend not in SEARCH_BACKENDS:
            raise WorkspaceError(
                f"检索后端“{self.search_backend}”无效，可选：{'、'.join(SEARCH_BACKENDS)}"
            )

    def save(self, root: Path) -> None:
        text = json.dumps(asdict(self), ensure_ascii=False, indent=2) + "\n"
        atomic.write_text(root / SETTINGS_FILE, text)

    @property
    def retention_code(self) -> str:
        return RETENTION_CODES[self.retention]


def load_vocabularies(ws: Workspace) -> Vocabularies:
    """The bundled vocabularies extended by the workspace's vocabulary.json, if it has one (read
    again only when the file changes: every filtered listing and search asks). Not to be changed."""
    return _VOCABULARIES(ws.root / VOCAB_FILE)


def _read_vocabularies(path: Path) -> Vocabularies:
    if not path.is_file():
        return Vocabularies.bundled()
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(f"工作区词表文件 {VOCAB_FILE} 无法读取：{exc}") from None
    return Vocabularies.extended(data, VOCAB_FILE)


_VOCABULARIES = FileMemo(_read_vocabularies)
