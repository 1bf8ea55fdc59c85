"""Web app fixtures: a populated workspace with one user per role, and signed-in TestClients."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from docgen.archive.users import add_user
from docgen.archive.workspace import Workspace
from docgen.web import create_app

PASSWORD = "secret-pass-1"
USERS = {"wenshu": "文书", "dangan": "档案", "lingdao": "领导", "admin": "管理员"}
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def add_users(ws: Workspace) -> None:
    with ws.session() as session:
        for name, role in USERS.items():
            add_user(session, name, role, PASSWORD)


@pytest.fixture
def web_ws(populated: Workspace) -> Workspace:
    add_users(populated)
    return populated


class Browser:
    """A TestClient that keeps the CSRF token of the last page it saw."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.token = ""

    def get(self, url: str, **kw):  # type: ignore[no-untyped-def]
        response = self.client.get(url, **kw)
        if m := _TOKEN.search(response.text):
            self.token = m.group(1)
        return response

    def post(self, url: str, data: dict | None = None, **kw):  # type: ignore[no-untyped-def]
        if not self.token:
            self.get("/login")
        return self.client.post(url, data={"csrf_token": self.token, **(data or {})}, **kw)

    def login(self, name: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
        self.get("/login")
        response = self.post("/login", {"username": name, "password": password},
                             follow_redirects=False)  # fmt: skip
        self.get("/cases")
        return response


@pytest.fixture
def app(web_ws: Workspace):  # type: ignore[no-untyped-def]
    return create_app(web_ws)


@pytest.fixture
def browser(app) -> Browser:  # type: ignore[no-untyped-def]
    return Browser(TestClient(app))


@pytest.fixture
def as_role(app):  # type: ignore[no-untyped-def]
    def make(name: str) -> Browser:
        b = Browser(TestClient(app))
        response = b.login(name)
        assert response.status_code == 303, response.text
        return b

    return make
