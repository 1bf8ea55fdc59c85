"""台账 (case ledger): Excel/CSV sheets ↔ validated case records.

Each name loads its module when first asked for: the case views print the columns
(``docgen.ledger.fields``) without loading the readers and the parsing rules.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docgen.ledger.fields import FIELDS, FieldSpec, field_by_name
    from docgen.ledger.parse import CaseRecord, RowError, parse_rows
    from docgen.ledger.reader import (
        LedgerBook,
        LedgerSheet,
        SkippedSheet,
        iter_ledger,
        read_ledger,
    )

_MODULES = {"FIELDS": "fields", "FieldSpec": "fields", "field_by_name": "fields",
            "CaseRecord": "parse", "RowError": "parse", "parse_rows": "parse",
            "LedgerBook": "reader", "LedgerSheet": "reader", "SkippedSheet": "reader",
            "iter_ledger": "reader", "read_ledger": "reader"}  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return getattr(importlib.import_module(f"{__name__}.{_MODULES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FIELDS",
    "CaseRecord",
    "FieldSpec",
    "LedgerBook",
    "LedgerSheet",
    "RowError",
    "SkippedSheet",
    "field_by_name",
    "iter_ledger",
    "parse_rows",
    "read_ledger",
]
