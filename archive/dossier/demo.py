"""The dossier part of ``docgen demo``: a complete dossier for one sample case, and the check
report of an incomplete one, told through ``echo`` in Chinese."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from archive.dossier.build import BuildOptions, build_dossier, check_workspace_case
from archive.dossier.samples import complete_case

COMPLETE_CASE = "XF2024-0001"
INCOMPLETE_CASE = "XF2024-0002"


def demo_dossier(ws: Any, echo: Callable[[str], Any]) -> Path:
    """File the material of one sample case, build its dossier, check an incomplete case.

    → the path of the built dossier.
    """
    echo(f"六有卷宗：为案件 {COMPLETE_CASE} 生成文书、附加扫描件并组卷")
    with tempfile.TemporaryDirectory() as scratch:
        complete_case(ws, COMPLETE_CASE, Path(scratch))
    report = check_workspace_case(ws, COMPLETE_CASE)
    for line in report.lines():
        echo(f"    {line}")
    result = build_dossier(ws, COMPLETE_CASE, BuildOptions(archive_stamp=True))
    for line in result.lines():
        echo(f"    {line}")
    echo(f"六有卷宗：检查材料不全的案件 {INCOMPLETE_CASE}")
    for line in check_workspace_case(ws, INCOMPLETE_CASE).lines():
        echo(f"    {line}")
    return ws.root / result.path
