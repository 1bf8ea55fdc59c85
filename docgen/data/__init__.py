"""Bundled data files (holiday overrides, sample ledger generator inputs)."""
