"""A module-level docgen function run in a fresh interpreter while the caller works on:
(function, arguments) → its result, or the exception it raised, raised again in the caller.

For work that wants a second core, not shared state (the 统计表 .xlsx written while the 月报 PDF is
typeset). The child is a new ``python -I`` (never a fork() of a parent that may run threads) on
the caller's import path that imports only the function's module; the arguments and the answer
travel pickled over its pipes.
With one core, or when no interpreter can be started, the function simply runs in the caller.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

from docgen.errors import DocgenError

# the child finds every module where the caller does: the caller's import path, in order
_BOOT = "import sys; sys.path[:] = sys.argv[1:]; from docgen.background import main; main()"


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class Background:
    """``func(*args)`` started in a child process now; ``result()`` waits for it.

    Used as a context manager it never leaves the child running: leaving the block by an
    exception waits for the child (whose own failure is then dropped) before the exception goes
    on, so the caller can clean up files the child writes; ``what`` names the work in the
    Chinese message when the child dies without an answer."""

    def __init__(self, func: Callable[..., Any], *args: Any, what: str = "后台任务") -> None:
        self.what = what
        self._proc: subprocess.Popen[bytes] | None = None
        self._answer: tuple[str, Any] | None = None
        if cores() < 2:
            self._answer = _call(func, args)
            return
        payload = pickle.dumps((func.__module__, func.__qualname__, args), pickle.HIGHEST_PROTOCOL)
        # read only when the child dies without an answer; closed once it has ended
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-c", _BOOT, *sys.path], stdin=subprocess.PIPE,
                stdout=subprocess.PIPE, stderr=self._stderr,
            )  # fmt: skip
        except OSError:
            self._stderr.close()
            self._answer = _call(func, args)
            return
        # a writer thread: the caller goes on while the child starts up and reads
        self._feeder = threading.Thread(target=self._feed, args=(payload,), daemon=True)
        self._feeder.start()

    def _feed(self, payload: bytes) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        with contextlib.suppress(OSError):  # a child that died early: result() tells
            self._proc.stdin.write(payload)
        with contextlib.suppress(OSError):
            self._proc.stdin.close()

    def _wait(self) -> tuple[str, Any]:
        if self._answer is not None:
            return self._answer
        assert self._proc is not None
        assert self._proc.stdout is not None
        with self._proc.stdout:
            out = self._proc.stdout.read()
        self._proc.wait()
        self._feeder.join()
        with self._stderr:
            self._stderr.seek(0)
            err = self._stderr.read()
        try:
            self._answer = pickle.loads(out)
        except Exception:
            last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            detail = f"：{last[0][:200]}" if last[0] else ""
            self._answer = ("raise", DocgenError(
                f"{self.what}未能完成：后台进程意外退出（退出码 {self._proc.returncode}）{detail}",
                code="background_failed",
            ))  # fmt: skip
        return self._answer

    def result(self) -> Any:
        """The function's return value; its exception raised here."""
        kind, value = self._wait()
        if kind == "raise":
            raise value
        return value

    def __enter__(self) -> Background:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if exc is not None:
            self._wait()  # the child finishes (its failure dropped) before the caller cleans up
        else:
            self.result()


def _call(func: Callable[..., Any], args: tuple[Any, ...]) -> tuple[str, Any]:
    try:
        return ("ok", func(*args))
    except Exception as exc:
        return ("raise", exc)


def main() -> None:
    """The child: read (module, name, args) from stdin, answer ("ok", value) or ("raise", exc)
    on stdout; whatever the function itself prints goes to stderr, never into the answer."""
    answer_to = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    module, name, args = pickle.load(sys.stdin.buffer)
    try:
        func = getattr(importlib.import_module(module), name)
    except Exception as exc:
        answer: tuple[str, Any] = ("raise", exc)
    else:
        answer = _call(func, args)
    try:
        data = pickle.dumps(answer, pickle.HIGHEST_PROTOCOL)
        if answer[0] == "raise":
            pickle.loads(data)  # an exception class that does not unpickle fails here, not there
    except Exception:  # the answer does not travel: its type and text
        kind, value = answer
        if kind == "ok":
            message = f"后台任务的结果（{type(value).__name__}）无法传回"
        elif isinstance(value, DocgenError):
            message = value.message
        else:
            message = f"{type(value).__name__}：{value}"
        data = pickle.dumps(("raise", DocgenError(message)), pickle.HIGHEST_PROTOCOL)
    with answer_to:
        answer_to.write(data)
