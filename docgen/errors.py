"""Domain errors. Every error a user can see carries a Chinese message; the CLI prints it as is."""

from __future__ import annotations


class DocgenError(Exception):
    """Base of all expected failures (bad input, missing workspace, refused file, ...).

    ``message`` is the Chinese text shown to the user; ``code`` is a stable English identifier
    for scripts and ``--json`` output.
    """

    code = "error"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class WorkspaceError(DocgenError):
    code = "workspace"


class ValidationError(DocgenError):
    code = "validation"


class NotFoundError(DocgenError):
    code = "not_found"


class ConflictError(DocgenError):
    """Another desk changed the same record first (optimistic version check)."""

    code = "conflict"


class DependencyError(DocgenError):
    """A system dependency (Pango, a font, LibreOffice) is missing or broken."""

    code = "dependency"
