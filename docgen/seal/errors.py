"""Errors of the seal package: each carries a Chinese message for the user and a stable code."""

from __future__ import annotations

from docgen.errors import DependencyError, DocgenError, ValidationError

__all__ = ["DependencyError", "SealError", "SignatureError", "ValidationError"]


class SealError(DocgenError):
    """A seal could not be drawn, registered or placed."""

    code = "seal"


class SignatureError(DocgenError):
    """Keys, certificates or a digital signature could not be created or read."""

    code = "signature"
