"""六有 dossiers: completeness check (``check``) and assembly into one archival PDF (``assemble``).

``check.check_case`` reads the catalog and returns a ``CheckReport``; ``assemble.build_dossier``
runs the ordered build steps (preflight → collect → render → compose → stamp → write → record).
"""

from docgen.archive.dossier.check import CheckReport, Rule, Severity, check_case


def demo_dossier(ws, echo):  # type: ignore[no-untyped-def]
    """See ``archive.dossier.demo.demo_dossier`` (imported lazily: it pulls in the typesetter)."""
    from docgen.archive.dossier.demo import demo_dossier as run

    return run(ws, echo)


__all__ = ["CheckReport", "Rule", "Severity", "check_case", "demo_dossier"]
