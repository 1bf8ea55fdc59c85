"""台账 (case ledger): Excel/CSV sheets ↔ validated case records."""

from docgen.ledger.fields import FIELDS, FieldSpec, field_by_name
from docgen.ledger.parse import CaseRecord, RowError, parse_rows
from docgen.ledger.reader import LedgerBook, LedgerSheet, SkippedSheet, iter_ledger, read_ledger

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
