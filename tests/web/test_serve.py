"""`docgen serve` runs the app under uvicorn on the given host and port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2

ROOT = Path(__file__).resolve().parents[2]


def test_serve_command_serves_the_login_page(workspace) -> None:  # type: ignore[no-untyped-def]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "docgen", "-w", str(workspace.root), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                response = httpx2.get(f"http://127.0.0.1:{port}/login", timeout=5)
                break
            except httpx2.TransportError:
                assert proc.poll() is None, proc.stderr.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "docgen serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200 and "登录" in response.text
        assert httpx2.get(f"http://127.0.0.1:{port}/cases", timeout=5).status_code == 303
    finally:
        proc.terminate()
        out, _err = proc.communicate(timeout=30)
    assert f"http://127.0.0.1:{port}/login" in out.decode()
