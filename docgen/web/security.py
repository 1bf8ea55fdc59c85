"""Sign-in, roles, CSRF and the login throttle of the web app.

The session is Starlette's signed cookie (HttpOnly, SameSite=Lax); it holds the user name and a
CSRF token. Every state-changing request must carry that token (form field ``csrf_token`` or header
``X-CSRF-Token``); every request but ``/login`` and ``/static`` needs a signed-in, active user.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from fastapi import Request

from docgen import atomic, locks
from docgen.archive.users import ACTION_LABELS, UserInfo, get_active_user, may
from docgen.archive.workspace import Workspace, acting_as

SECRET_FILE = ".web-secret"
THROTTLE_FILE = ".web-logins"  # failed sign-ins, shared by the worker processes
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PUBLIC_PATHS = frozenset({"/login"})
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


class LoginRequired(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TooManyAttempts(Exception):
    def __init__(self, wait_s: int) -> None:
        super().__init__(wait_s)
        self.wait_s = wait_s


def session_secret(ws: Workspace) -> str:
    """The workspace's cookie-signing key (made once, file mode 0600): sessions survive restarts."""
    path = Path(ws.root) / SECRET_FILE
    if not path.is_file():
        key = secrets.token_urlsafe(48)
        atomic.write_with(path, lambda tmp: tmp.write_text(key, "utf-8"), mode=0o600)
    return path.read_text("utf-8").strip()


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return str(token)


async def guard(request: Request) -> None:
    """App-wide dependency: CSRF on unsafe methods, then the signed-in user (or LoginRequired)."""
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER)
        if sent is None:
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
        expected = request.session.get("csrf")
        if not sent or not expected or not hmac.compare_digest(str(sent), str(expected)):
            raise Forbidden("请求已失效（安全校验未通过），请刷新页面后重试")
    if request.url.path in PUBLIC_PATHS:
        return
    name = request.session.get("user")
    ws: Workspace = request.app.state.ws
    user = signed_in_user(ws, str(name)) if name else None
    if user is None:
        request.session.pop("user", None)
        raise LoginRequired()
    request.state.user = user
    acting_as(user.name)  # audit entries of this request name the signed-in user


def signed_in_user(ws: Workspace, name: str) -> UserInfo | None:
    """The active user ``name``, read again after every commit to the catalog (by this worker
    or any other process: a user disabled, or changed, counts from the very next request)."""

    def read() -> UserInfo | None:
        with ws.read_session() as session:
            return get_active_user(session, name)

    return ws.cached(("signed-in user", name), read)


def current(request: Request) -> UserInfo:
    return request.state.user  # type: ignore[no-any-return]


def require(request: Request, action: str) -> UserInfo:
    """The signed-in user, if the role may do ``action``; else Forbidden (a 403 page)."""
    user = current(request)
    if not may(user.role, action):
        raise Forbidden(f"您的角色（{user.role}）无权{ACTION_LABELS.get(action, action)}")
    return user


def can(request: Request, action: str) -> bool:
    user = getattr(request.state, "user", None)
    return user is not None and may(user.role, action)


class LoginThrottle:
    """At most ``limit`` failed sign-ins per user name (4 × that per client address) in
    ``window_s``. With ``path`` the attempts live in that file (under an exclusive ``flock``), so
    that every worker process of ``docgen serve --workers N`` counts the same ones.

    ``begin`` checks the limits and counts the attempt as a failure in one locked step, before
    the password is checked; ``succeeded`` takes it back. So concurrent attempts, on one worker
    or several, cannot all pass the check before any of them is counted."""

    def __init__(self, limit: int = 5, window_s: int = 300, path: Path | None = None) -> None:
        self.limit = limit
        self.window_s = window_s
        self.path = path
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def _keys(self, name: str, client: str) -> tuple[str, str]:
        return f"u:{name.strip()}", f"c:{client}"

    @contextlib.contextmanager
    def _state(self) -> Iterator[dict[str, list[float]]]:
        with self._lock:
            if self.path is None:
                yield self._failures
                return
            with locks.exclusive(self.path, perms=0o600) as f:
                try:
                    state = json.loads(f.read() or "{}")
                except ValueError:  # a damaged file forgets old failures, nothing more
                    state = {}
                yield state
                now = time.time()
                kept = {k: [t for t in v if now - t <= self.window_s] for k, v in state.items()}
                f.seek(0)
                f.truncate()
                f.write(json.dumps({k: v for k, v in kept.items() if v}))

    def begin(self, name: str, client: str) -> float:
        """Refuse (TooManyAttempts) when a limit is reached; else count this attempt as failed
        until ``succeeded`` says otherwise. → the attempt's mark for ``succeeded``."""
        now = time.time()
        with self._state() as state:
            keys = self._keys(name, client)
            for key in keys:
                recent = [t for t in state.get(key, ()) if now - t <= self.window_s]
                limit = self.limit if key.startswith("u:") else self.limit * 4
                if len(recent) >= limit:
                    raise TooManyAttempts(int(self.window_s - (now - recent[0])) + 1)
            for key in keys:
                state.setdefault(key, []).append(now)
        return now

    def succeeded(self, name: str, client: str, mark: float) -> None:
        """A good password: the name's failures are forgotten, the attempt is not counted."""
        user, by_client = self._keys(name, client)
        with self._state() as state:
            state.pop(user, None)
            if mark in state.get(by_client, ()):
                state[by_client].remove(mark)


def client_of(request: Request) -> str:
    return request.client.host if request.client else "?"


def template_globals(request: Request) -> dict[str, Any]:
    return {"user": getattr(request.state, "user", None), "csrf": csrf_token(request),
            "can": lambda action: can(request, action)}  # fmt: skip
