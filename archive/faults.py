"""Crash points for tests: ``DOCGEN_FAULT=<name>`` kills the process with SIGKILL at that point,
so a test can check what a power cut or ``kill -9`` there leaves behind."""

from __future__ import annotations

import os
import signal

FAULT_ENV = "DOCGEN_FAULT"


def crash_point(name: str) -> None:
    if os.environ.get(FAULT_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)
