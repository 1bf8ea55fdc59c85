"""六有 dossiers: completeness check (``check``) and assembly into one archival PDF (``assemble``).

``check.check_case`` reads the catalog and returns a ``CheckReport``; ``assemble.build_dossier``
runs the ordered build steps (preflight → collect → render → compose → stamp → write → record).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docgen.archive.dossier.check import CheckReport, Rule, Severity, check_case

if TYPE_CHECKING:
    from docgen.archive.workspace import Workspace


def demo_dossier(ws: Workspace, echo: Callable[[str], Any]) -> Path:
    """See ``archive.dossier.demo.demo_dossier`` (imported lazily: it pulls in the typesetter)."""
    from docgen.archive.dossier.demo import demo_dossier as run

    return run(ws, echo)


__all__ = ["CheckReport", "Rule", "Severity", "check_case", "demo_dossier"]
