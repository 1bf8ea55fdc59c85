"""六有 dossiers: completeness check (``check``) and assembly into one archival PDF (``assemble``).

``check.check_case`` reads the catalog and returns a ``CheckReport``; ``assemble.build_dossier``
runs the ordered build steps (preflight → collect → render → compose → stamp → write → record).
"""

from archive.dossier.check import CheckReport, Rule, Severity, check_case

__all__ = ["CheckReport", "Rule", "Severity", "check_case"]
