"""Users of the web app: add, list, disable, authenticate. Passwords are argon2 hashes.

Roles decide what a signed-in user may do (``PERMISSIONS``); the web layer asks ``may(role, action)``
and nothing else. Audit entries name the user (``archive.workspace.acting_as``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from docgen.archive.tables import User
from docgen.errors import NotFoundError, ValidationError

ROLES = ("文书", "档案", "领导", "管理员")
MIN_PASSWORD = 8
MAX_NAME = 32

#: action → roles allowed. "read" is every role; the rest follow the office's division of work.
PERMISSIONS: dict[str, frozenset[str]] = {
    "read": frozenset(ROLES),
    "edit": frozenset({"文书"}),  # edit cases, import the ledger, record 回访, attach scans
    "paper": frozenset({"文书"}),  # issue papers
    "dossier": frozenset({"档案"}),  # build / seal / sign dossiers, export
    "unmask": frozenset({"领导"}),  # see full ID numbers, phones, addresses
    "reports": frozenset({"领导", "管理员"}),  # the director's /reports page and its downloads
    "admin": frozenset({"管理员"}),  # users and settings
}
ACTION_LABELS = {"read": "查阅", "edit": "编辑案件", "paper": "制发文书", "dossier": "组卷与归档",
                 "unmask": "查看完整个人信息", "reports": "查看统计报表", "admin": "管理用户"}  # fmt: skip

_hasher = PasswordHasher()


def may(role: str, action: str) -> bool:
    return role in PERMISSIONS.get(action, frozenset())


@dataclass(frozen=True)
class UserInfo:
    name: str
    role: str
    active: bool
    created_at: dt.datetime

    def as_dict(self) -> dict[str, object]:
        return {"用户名": self.name, "角色": self.role, "状态": "启用" if self.active else "停用",
                "创建时间": self.created_at}  # fmt: skip


def _info(u: User) -> UserInfo:
    return UserInfo(u.name, u.role, u.active, u.created_at)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise ValidationError(f"密码至少 {MIN_PASSWORD} 个字符")


def add_user(session: Session, name: str, role: str, password: str) -> UserInfo:
    name = name.strip()
    if not name or len(name) > MAX_NAME:
        raise ValidationError(f"用户名不能为空，最多 {MAX_NAME} 个字符")
    if role not in ROLES:
        raise ValidationError(f"角色“{role}”无效，可选：{'、'.join(ROLES)}")
    check_password(password)
    if session.scalar(select(User.id).where(User.name == name)) is not None:
        raise ValidationError(f"用户“{name}”已存在")
    user = User(name=name, role=role, password_hash=_hasher.hash(password), active=True)
    session.add(user)
    session.flush()
    return _info(user)


def list_users(session: Session) -> list[UserInfo]:
    return [_info(u) for u in session.scalars(select(User).order_by(User.name))]


def disable_user(session: Session, name: str) -> UserInfo:
    user = session.scalar(select(User).where(User.name == name))
    if user is None:
        raise NotFoundError(f"用户“{name}”不存在")
    user.active = False
    return _info(user)


def authenticate(session: Session, name: str, password: str) -> UserInfo | None:
    """The active user with this name and password, else None (same answer for every failure)."""
    user = session.scalar(select(User).where(User.name == name.strip()))
    if user is None:
        _hasher.hash(password)  # about the same time as a real check: no name probing by timing
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return _info(user)


def get_active_user(session: Session, name: str) -> UserInfo | None:
    user = session.scalar(select(User).where(User.name == name, User.active.is_(True)))
    return _info(user) if user else None
