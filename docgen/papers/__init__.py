"""Formal papers: registry of paper types → context → filled .docx → PDF, one at a time or in batches.

The names below load their module on first use (PEP 562), so a command that only needs the
registry (``docgen --help`` lists the paper types) does not import the typesetter.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "PAPER_TYPES": "registry",
    "PaperType": "registry",
    "get_paper_type": "registry",
    "check_template": "check",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_EXPORTS[name]}"), name)
