"""The login rate limit holds across the worker processes of ``docgen serve --workers 2``: a burst
of wrong passwords sent at once, and attempts on fresh connections one after another, get exactly
the allowed number of password checks, whichever worker answers each."""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from tests.web.conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 5  # LoginThrottle's default: failed sign-ins per user name in the window
BURST = 16
_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _workers(pid: int) -> list[int]:
    """The worker processes uvicorn's supervisor ``pid`` spawned (not its resource tracker)."""
    path = Path(f"/proc/{pid}/task/{pid}/children")
    children = path.read_text().split() if path.exists() else []
    out = []
    for child in children:
        with contextlib.suppress(OSError):
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.append(int(child))
    return out


@pytest.fixture
def two_workers(web_ws, tmp_path: Path) -> Iterator[str]:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    errors = (tmp_path / "serve.err").open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "docgen", "-w", str(web_ws.root), "serve", "--port", str(port),
         "--workers", "2"],
        env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL, stderr=errors,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert proc.poll() is None, (tmp_path / "serve.err").read_text()
            assert time.monotonic() < deadline, "docgen serve --workers 2 did not start"
            try:
                up = httpx2.get(f"{base}/login", timeout=5).status_code == 200
            except httpx2.TransportError:
                up = False
            if up and len(_workers(proc.pid)) == 2:
                break
            time.sleep(0.2)
        for _ in range(8):  # let both workers finish starting: every answer is a login page
            assert httpx2.get(f"{base}/login", timeout=30).status_code == 200
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        errors.close()


def _ready_client(base: str) -> tuple[httpx2.Client, str]:
    """A fresh connection with its own session and CSRF token."""
    client = httpx2.Client(base_url=base, timeout=60)
    token = _TOKEN.search(client.get("/login").text).group(1)  # type: ignore[union-attr]
    return client, token


def _attempt(client: httpx2.Client, token: str, name: str, password: str) -> int:
    data = {"csrf_token": token, "username": name, "password": password}
    return client.post("/login", data=data).status_code


def test_login_rate_limit_is_shared_by_the_workers(two_workers: str) -> None:
    base = two_workers
    clients = [_ready_client(base) for _ in range(BURST)]
    start = threading.Barrier(BURST)
    codes: list[int] = []
    lock = threading.Lock()

    def hammer(n: int) -> None:
        client, token = clients[n]
        start.wait()
        code = _attempt(client, token, "wenshu", "wrong-password")
        with lock:
            codes.append(code)

    threads = [threading.Thread(target=hammer, args=(n,)) for n in range(BURST)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    for client, _token in clients:
        client.close()
    assert Counter(codes) == {401: LIMIT, 429: BURST - LIMIT}, codes

    client, token = _ready_client(base)
    assert _attempt(client, token, "wenshu", PASSWORD) == 429  # locked, even when right
    assert _attempt(client, token, "dangan", PASSWORD) == 303  # another name is not
    client.close()

    sequential = []  # one fresh connection per attempt: each may land on either worker
    for _ in range(LIMIT + 3):
        client, token = _ready_client(base)
        sequential.append(_attempt(client, token, "admin", "wrong-password"))
        client.close()
    assert sequential == [401] * LIMIT + [429] * 3
